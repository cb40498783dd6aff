/**
 * The clause ids the API, the CLI and the explorer show resolve to the repository's own rules
 * (issue 10): docs/CLAUSES.md parsed into data, served at /api/v1/clauses/:clause and printed by
 * `provenant clause <id>`.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { clauses } from "../../ledger-service/src/api/clauses";
import { RULES } from "../../ledger-service/src/node/checks";
import { seededApi } from "./helpers/ledger";

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
const ROOT = path.resolve(__dirname, "../..");
const ids = Array.from({ length: 38 }, (_, i) => `C${String(i + 1).padStart(2, "0")}`);

describe("clauses: every clause id resolves to the repository's rules (docs/CLAUSES.md)", () => {
  let api: Awaited<ReturnType<typeof seededApi>>;
  let base: string;
  before(async () => {
    api = await seededApi();
    base = api.base;
  });
  after(async () => api.close());

  it("C22 parses all 38 rules, each with its kind, section and anchor, and every clause an alert or rule names is one of them", () => {
    const map = clauses();
    expect([...map.keys()]).to.deep.equal(ids);
    for (const c of map.values()) {
      expect(c.kind, c.id).to.match(/^[EVM](\+[EVM])*$/);
      expect(c.text, c.id).to.contain("- Tests:");
      expect(c.doc).to.equal(`docs/CLAUSES.md#${c.id.toLowerCase()}`);
    }
    expect(map.get("C04")!.text).to.contain("AuthorizationRegistryNoticeTooShort");
    for (const clause of Object.values(RULES)) expect(map.has(clause), clause).to.equal(true);
  });

  it("C22 serves the list and one rule; an unknown id is 404, a malformed one 400", async () => {
    const list = (await (await fetch(`${base}/clauses`)).json()) as Json;
    expect(list.items.map((c: Json) => c.id)).to.deep.equal(ids);
    expect(list.items[3]).to.deep.include({ id: "C04", kind: "E+M", url: "/api/v1/clauses/C04" });
    const one = await fetch(`${base}/clauses/C27`);
    expect(one.status).to.equal(200);
    const body = (await one.json()) as Json;
    expect([body.id, body.kind, body.doc]).to.deep.equal(["C27", "E+V+M", "docs/CLAUSES.md#c27"]);
    expect(body.text).to.contain("10 working days");
    // The id after the last rule: well formed, not a rule (built, so it names no clause itself).
    expect((await fetch(`${base}/clauses/C${ids.length + 1}`)).status).to.equal(404);
    // Malformed ids (built, so the file names no clause that is not one).
    for (const bad of ["c04", `C${4}`, `C${100}`, "X01"]) expect((await fetch(`${base}/clauses/${bad}`)).status, bad).to.equal(400);
  });

  it("C22 provenant clause prints one rule; a wrong id exits 2", () => {
    const run = (args: string[]) => spawnSync(path.join(ROOT, "bin/provenant"), args, { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    const ok = run(["clause", "C14"]);
    expect(ok.status, ok.stderr).to.equal(0);
    expect(ok.stdout.split("\n")[0]).to.equal(`C14  ${clauses().get("C14")!.rule}  (${clauses().get("C14")!.kind})  docs/CLAUSES.md#c14`);
    expect(ok.stdout).to.contain("- Chain:");
    const json = JSON.parse(run(["clause", "c14", "--json"]).stdout) as Json;
    expect(json.id).to.equal("C14");
    const bad = run(["clause", "14"]);
    expect([bad.status, bad.stderr]).to.deep.equal([2, 'provenant clause: "14" is not a clause id (C01 … C38)\n']);
  });
});
