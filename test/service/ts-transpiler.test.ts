/**
 * The transpiler ts-node uses for the project (bin/ts-transpiler.js): TypeScript's transpileModule
 * with the project's options, each output kept on disk by a hash of all it depends on.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import ts from "typescript";

const ROOT = path.resolve(__dirname, "../..");
// A CommonJS module of bin/, loaded as ts-node loads it.
const transpiler = require(path.join(ROOT, "bin/ts-transpiler.js")) as {
  create(o: { service: { config: { options: ts.CompilerOptions } } }): { transpile(input: string, o: { fileName: string }): { outputText: string; sourceMapText?: string; diagnostics?: ts.Diagnostic[] } };
  prune(dir: string, keep: number): void;
};

describe("the project's TypeScript transpiler for ts-node (bin/ts-transpiler.js)", function () {
  const options: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true, sourceMap: true };
  let dir: string;
  let saved: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "provenant-ts-cache-"));
    saved = process.env.PROVENANT_TS_CACHE;
    process.env.PROVENANT_TS_CACHE = dir;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.PROVENANT_TS_CACHE;
    else process.env.PROVENANT_TS_CACHE = saved;
    rmSync(dir, { recursive: true, force: true });
  });
  const make = (o: ts.CompilerOptions = options) => transpiler.create({ service: { config: { options: o } } });
  const source = 'import path from "node:path";\ninterface A { x: number }\nexport const a: A = { x: 1 };\nexport const b = path.sep;\n';

  it("gives what TypeScript's transpileModule gives, then the same from its file without transpiling", function () {
    const fileName = path.join(ROOT, "example.ts");
    const expected = ts.transpileModule(source, { fileName, compilerOptions: options, reportDiagnostics: true });
    const first = make().transpile(source, { fileName });
    expect([first.outputText, first.sourceMapText]).to.deep.equal([expected.outputText, expected.sourceMapText]);
    const kept = readdirSync(dir);
    expect(kept).to.have.length(1);
    // The second answer comes from the file: what is in it is what is answered.
    const file = path.join(dir, kept[0]);
    writeFileSync(file, JSON.stringify({ outputText: "from the cache", sourceMapText: "{}" }));
    expect(make().transpile(source, { fileName }).outputText).to.equal("from the cache");
  });

  it("keys each output on the text, the file's name and the compiler options", function () {
    const fileName = path.join(ROOT, "example.ts");
    make().transpile(source, { fileName });
    make().transpile(source + "export const c = 2;\n", { fileName });
    make().transpile(source, { fileName: path.join(ROOT, "other.ts") });
    const es5 = make({ ...options, target: ts.ScriptTarget.ES5 }).transpile(source, { fileName });
    expect(readdirSync(dir)).to.have.length(4);
    expect(es5.outputText).to.equal(ts.transpileModule(source, { fileName, compilerOptions: { ...options, target: ts.ScriptTarget.ES5 } }).outputText);
  });

  it("reports a syntax error each time and keeps nothing for it", function () {
    const out = make().transpile("const x = ;\n", { fileName: path.join(ROOT, "bad.ts") });
    expect(out.diagnostics?.map((d) => d.code)).to.deep.equal([1109]);
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  it("still transpiles when its directory cannot be written", function () {
    const file = path.join(dir, "not-a-directory");
    writeFileSync(file, "");
    process.env.PROVENANT_TS_CACHE = file;
    const out = make().transpile(source, { fileName: path.join(ROOT, "example.ts") });
    expect(out.outputText).to.contain("exports.a = { x: 1 }");
  });

  it("prunes to the newest outputs and removes temporary files older than a minute", function () {
    const old = Date.now() / 1000 - 3600;
    for (let i = 0; i < 5; i++) {
      writeFileSync(path.join(dir, `${i}.json`), "{}");
      utimesSync(path.join(dir, `${i}.json`), old + i, old + i);
    }
    writeFileSync(path.join(dir, "4.json.123.abcd"), "{");
    utimesSync(path.join(dir, "4.json.123.abcd"), old, old);
    writeFileSync(path.join(dir, "4.json.456.ef01"), "{"); // being written by another process now
    transpiler.prune(dir, 3);
    expect(readdirSync(dir).sort()).to.deep.equal(["2.json", "3.json", "4.json", "4.json.456.ef01"]);
  });

  it("is the transpiler of every ts-node in the project: a CLI run fills the cache, and errors point at TypeScript lines", function () {
    const script = path.join(ROOT, "bench", `tmp-transpiler-${process.pid}.ts`);
    writeFileSync(script, "interface A { x: number }\n\nconst a: A = { x: 1 };\nthrow new Error(`boom ${a.x}`);\n");
    try {
      const run = () => spawnSync(path.join(ROOT, "node_modules/.bin/ts-node"), [script], { cwd: ROOT, env: { ...process.env, PROVENANT_TS_CACHE: dir }, encoding: "utf8", timeout: 60_000 });
      const first = run();
      expect(first.status).to.equal(1);
      expect(first.stderr).to.contain(`${script}:4`);
      const kept = readdirSync(dir).filter((f) => f.endsWith(".json"));
      expect(kept.length).to.equal(1);
      expect(JSON.parse(readFileSync(path.join(dir, kept[0]), "utf8")).outputText).to.contain("boom");
      const second = run();
      expect([second.status, second.stderr.includes(`${script}:4`)]).to.deep.equal([1, true]);
    } finally {
      rmSync(script, { force: true });
    }
    expect(existsSync(script)).to.equal(false);
  });
});
