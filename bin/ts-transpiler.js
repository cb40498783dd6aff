// The transpiler ts-node uses for this project (tsconfig.json, "ts-node": "transpiler"): what
// ts-node's --transpile-only does, TypeScript's transpileModule with the project's options, with
// each output kept on disk. Every `provenant` command, `npm start` and each process the tests and
// benches spawn used to transpile the ~130 files it loads afresh, about 3 s before its first line
// ran; now only the files changed since they were last run are transpiled.
//
// An output is kept under node_modules/.cache/provenant-ts, named by a hash of everything it
// depends on: the file's path and text, TypeScript's version and the compiler options. Outputs with
// diagnostics are not kept (ts-node reports them each time). Files are written under a temporary
// name and renamed, so processes that start together never read a half-written one. The cache is
// pruned to its newest 2,000 outputs when a process first adds to it; deleting it is always safe.
// PROVENANT_TS_CACHE names another directory.
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

/** Raised when what an output is keyed on changes meaning (the file's layout below). */
const FORMAT = 1;
const KEEP = 2_000;
const DEFAULT_DIR = path.join(__dirname, "..", "node_modules", ".cache", "provenant-ts");

/** @param {import("ts-node").CreateTranspilerOptions} options */
function create({ service }) {
  const ts = require("typescript");
  const dir = process.env.PROVENANT_TS_CACHE || DEFAULT_DIR;
  const compilerOptions = service.config.options;
  const salt = JSON.stringify([FORMAT, ts.version, compilerOptions]);
  let pruned = false;

  const keyOf = (fileName, input) => crypto.createHash("sha256").update(salt).update("\0").update(fileName).update("\0").update(input).digest("hex");

  const keep = (file, output) => {
    try {
      fs.mkdirSync(dir, { recursive: true });
      const temporary = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}`;
      fs.writeFileSync(temporary, JSON.stringify(output));
      fs.renameSync(temporary, file);
      if (!pruned) {
        pruned = true;
        prune(dir, KEEP);
      }
    } catch {
      // A cache that cannot be written (read-only install, full disk) costs speed, nothing else.
    }
  };

  return {
    /** @param {string} input @param {{ fileName: string }} options */
    transpile(input, { fileName }) {
      const file = path.join(dir, `${keyOf(fileName, input)}.json`);
      try {
        return JSON.parse(fs.readFileSync(file, "utf8"));
      } catch {
        // Not kept yet (or unreadable): transpiled below.
      }
      const result = ts.transpileModule(input, { fileName, compilerOptions, reportDiagnostics: true });
      const output = { outputText: result.outputText, sourceMapText: result.sourceMapText };
      if ((result.diagnostics ?? []).length > 0) return { ...output, diagnostics: result.diagnostics };
      keep(file, output);
      return output;
    },
  };
}

/** Keeps the newest `keep` outputs in `dir` (by modification time); removes temporary files a crash left. */
function prune(dir, keep) {
  const entries = [];
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    try {
      const stat = fs.statSync(file);
      if (!name.endsWith(".json")) {
        if (Date.now() - stat.mtimeMs > 60_000) fs.rmSync(file, { force: true });
        continue;
      }
      entries.push({ file, at: stat.mtimeMs });
    } catch {
      // Removed meanwhile by another process.
    }
  }
  if (entries.length <= keep) return;
  entries.sort((a, b) => b.at - a.at);
  for (const e of entries.slice(keep)) fs.rmSync(e.file, { force: true });
}

module.exports = { create, prune };
