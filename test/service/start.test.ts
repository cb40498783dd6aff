/**
 * The real start path (`ledger-service/src/runtime/main.ts`, what `npm start` runs) in a temp
 * data directory: embedded anvil, deploy once, demo seed, service; stop with SIGINT; start
 * again on the same directory; the CLI against it; bad configuration values.
 */
import { expect } from "chai";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Wallet } from "ethers";
import { chinaDate } from "../../ledger-service/src/calendar";
import { deadlineLabel, label } from "../../ledger-service/src/i18n";

const ROOT = path.resolve(__dirname, "../..");
const MAIN = path.join(ROOT, "ledger-service/src/runtime/main.ts");
const CLI = path.join(ROOT, "bin/provenant");
const TS_NODE = path.join(ROOT, "node_modules/.bin/ts-node");
/** Dev account #3 of anvil's default mnemonic: REGULATOR in the demo. */
const REGULATOR_KEY = "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A clean environment: none of the launcher's variables leak in from the caller. */
function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  return { ...e, ...extra };
}

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(dataDir: string, port: number, chainPort: number, args: string[] = []): Running {
  const child = spawn(TS_NODE, ["--transpile-only", MAIN, ...args], {
    cwd: ROOT,
    env: env({ DATA_DIR: dataDir, PORT: String(port), CHAIN_PORT: String(chainPort) }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function getJson<T>(url: string, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(url, { headers });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

interface Health {
  status: string;
  headBlock: number | null;
  indexedBlock: number | null;
  indexedBlockHash?: string;
  demo?: boolean;
  rebuilt: boolean;
}

/** Waits until the service answers and has indexed the chain head. */
async function waitIndexed(r: Running, base: string, timeoutMs = 150_000): Promise<Health> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void r.exited.then((c) => (exitCode = c));
  for (;;) {
    if (exitCode !== undefined) throw new Error(`the platform exited (${exitCode}):\n${r.output()}`);
    try {
      const h = await getJson<Health>(`${base}/api/v1/health`);
      if (h.status === "ok" && h.headBlock !== null && h.indexedBlock === h.headBlock) return h;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`not healthy within ${timeoutMs} ms:\n${r.output()}`);
    await new Promise((res) => setTimeout(res, 500));
  }
}

async function stop(r: Running): Promise<number | null> {
  r.child.kill("SIGINT");
  return r.exited;
}

function cli(args: string[], extra: Record<string, string> = {}) {
  const r = spawnSync(CLI, args, { cwd: ROOT, env: env(extra), encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs `block`, whose reads of the service are compared with each other. The spawned service
 * reads the wall clock, and days overdue, deadline states and the alerts they raise move at
 * 北京时间 midnight. If the block failed while the China day turned, its reads straddled two
 * days: it runs once more, on the new day. A failure within one day is a failure.
 */
function onOneChinaDay(block: () => void): void {
  const today = () => chinaDate(new Date());
  const before = today();
  try {
    block();
  } catch (e) {
    if (today() === before) throw e;
    block();
  }
}

/** A REGULATOR bearer token for the demo's regulator key (EIP-4361 sign-in). */
async function regulatorToken(base: string): Promise<string> {
  const wallet = new Wallet(REGULATOR_KEY);
  const post = async (p: string, body: unknown) =>
    (await (await fetch(`${base}/api/v1${p}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).json()) as { message: string; nonce: string; token: string };
  const c = await post("/auth/challenge", { address: wallet.address });
  return (await post("/auth/token", { address: wallet.address, signature: await wallet.signMessage(c.message), nonce: c.nonce })).token;
}

/** The alerts of `regulator/alerts` as `kind` or `kind:rule-or-deadline-name` -> count. */
function countAlerts(alerts: { items: { kind: string; detail: { rule?: string; name?: string } }[]; next: string | null }): Record<string, number> {
  if (alerts.next !== null) throw new Error("more alerts than one page: raise the limit");
  const out: Record<string, number> = {};
  for (const item of alerts.items) {
    const key =
      item.kind === "use-outside-rules" ? `${item.kind}:${item.detail.rule}`
      : ["missed-deadline", "missing-report", "breach"].includes(item.kind) ? `${item.kind}:${item.detail.name}`
      : item.kind;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/** The README's table of the demo's deliberate breaches, as alert -> count. */
function documentedDemoAlerts(): Record<string, number> {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  const table = readme.slice(readme.indexOf("<!-- demo-alerts:begin -->"), readme.indexOf("<!-- demo-alerts:end -->"));
  const out: Record<string, number> = {};
  for (const m of table.matchAll(/^\|[^|]+\| (\d+) \| `([^`]+)` \| C\d\d \|$/gm)) out[m[2]] = (out[m[2]] ?? 0) + Number(m[1]);
  if (Object.keys(out).length === 0) throw new Error("README.md has no demo-alerts table");
  return out;
}

type Page = { items: { id: string; name?: string; status?: string; statusAt?: string }[] };

describe("npm start: the whole platform on an embedded chain", function () {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "provenant-start-"));
  let port: number;
  let chainPort: number;
  let base: string;
  let first: { health: Health; participants: Page; authorizations: Page; products: Page; deployment: string };

  before(async () => {
    port = await freePort();
    chainPort = await freePort();
    base = `http://127.0.0.1:${port}`;
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it("starts on an empty data directory: anvil, deployment, demo seed, service; stops on SIGINT", async () => {
    const r = start(dataDir, port, chainPort);
    try {
      const health = await waitIndexed(r, base);
      expect(health.demo).to.equal(true);
      const participants = await getJson<Page>(`${base}/api/v1/participants?limit=100`);
      expect(participants.items).to.have.length(9);
      for (const p of participants.items) expect(p.name).to.match(/^【演示】/);
      const authorizations = await getJson<Page>(`${base}/api/v1/authorizations?limit=100`);
      expect(authorizations.items.map((a) => a.status)).to.include.members(["Active", "Suspended", "Rejected"]);
      const products = await getJson<Page>(`${base}/api/v1/products?limit=100`);
      expect(products.items.length).to.be.greaterThanOrEqual(4);
      const deployment = readFileSync(path.join(dataDir, "deployment.json"), "utf8");
      expect(JSON.parse(deployment)).to.include({ demo: true, embedded: true });
      const out = r.output();
      for (const what of ["RPC URL", "API", "explorer", "deployment file", "data directory"]) expect(out).to.contain(what);
      expect(out).to.contain("seeding the demo");
      // Then the demo's receipts go through the platform node's intake and are anchored (once).
      const until = Date.now() + 240_000;
      while (!existsSync(path.join(dataDir, "demo-receipts.json"))) {
        if (Date.now() > until) throw new Error(`the demo's receipts were not anchored in time:\n${r.output().slice(-2000)}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(r.output()).to.contain("through the platform node's intake");

      // The chain never runs ahead of the wall clock.
      const head = await rpc(chainPort, "eth_getBlockByNumber", ["latest", false]);
      expect(parseInt((head as { timestamp: string }).timestamp, 16)).to.be.at.most(Math.floor(Date.now() / 1000) + 1);
      first = { health, participants, authorizations, products, deployment };
    } finally {
      expect(await stop(r)).to.equal(0);
    }
    expect(r.output()).to.contain("chain state saved");
    expect(statSync(path.join(dataDir, "chain", "state.json")).size).to.be.greaterThan(0);
  });

  it("starts again on the same directory: same chain and records, nothing redeployed or reseeded", async () => {
    const r = start(dataDir, port, chainPort);
    try {
      const health = await waitIndexed(r, base);
      expect(health.headBlock).to.be.at.least(first.health.headBlock!);
      expect(health.rebuilt).to.equal(false);
      expect(await getJson<Page>(`${base}/api/v1/participants?limit=100`)).to.deep.equal(first.participants);
      expect(await getJson<Page>(`${base}/api/v1/products?limit=100`)).to.deep.equal(first.products);
      const auths = await getJson<Page>(`${base}/api/v1/authorizations?limit=100`);
      expect(auths.items.map((a) => [a.id, a.status])).to.deep.equal(first.authorizations.items.map((a) => [a.id, a.status]));
      expect(readFileSync(path.join(dataDir, "deployment.json"), "utf8")).to.equal(first.deployment);
      const out = r.output();
      expect(out).to.contain("chain resumed");
      expect(out).not.to.contain("deploying");
      expect(out).not.to.contain("seeding");

      // The CLI against the running service.
      const status = cli(["status", "--api", base]);
      expect(status.code, status.stderr).to.equal(0);
      expect(status.stdout).to.contain("9 participants");
      const statusJson = cli(["status", "--api", base, "--json"]);
      expect(JSON.parse(statusJson.stdout).counts.authorizations).to.equal(5);
      const trace = cli(["trace", "4", "--api", base]);
      expect(trace.code, trace.stderr).to.equal(0);
      // Kinds and relations as labels (issue 12): English without a Chinese locale.
      expect(trace.stdout).to.match(/^Data product 4/);
      expect(trace.stdout).to.contain("Derived from product → Data product 3");
      expect(trace.stdout).to.contain("Sourced from → Participant");
      const missing = cli(["trace", "999", "--api", base]);
      expect(missing.code).to.equal(1);
      expect(missing.stderr).to.contain("404");
      const deadlines = cli(["deadlines", "--api", base, "--json"], { PROVENANT_REGULATOR_KEY: REGULATOR_KEY });
      expect(deadlines.code, deadlines.stderr).to.equal(0);
      expect(JSON.parse(deadlines.stdout).items.length).to.be.greaterThan(0);
      const refused = cli(["deadlines", "--api", base, "--key", "0x" + "11".repeat(32)]);
      expect(refused.code).to.equal(1);
      expect(refused.stderr).to.contain("REGULATOR");
      const alertsRefused = cli(["alerts", "--api", base, "--key", "0x" + "11".repeat(32)]);
      expect([alertsRefused.code, alertsRefused.stderr.includes("REGULATOR")]).to.deep.equal([1, true]);

      // Days overdue, deadline states and so the alerts move at 北京时间 midnight, and the service
      // reads the wall clock: reads compared with each other are taken on one China day.
      onOneChinaDay(() => {
        // deadlines as text: a header, then each deadline's due date, status, days overdue, clause,
        // name (never blank), subject, earliest due first; states, names and kinds as labels.
        const asJson = JSON.parse(cli(["deadlines", "--api", base, "--json", "--limit", "100000"], { PROVENANT_REGULATOR_KEY: REGULATOR_KEY }).stdout) as {
          items: { dueDate: string; dueAt: number; status: string; clause: string; name: string; subjectKind: string; subjectId: string; daysOverdue: number | null }[];
          total: number;
        };
        expect(asJson.items.map((d) => d.dueAt)).to.deep.equal([...asJson.items.map((d) => d.dueAt)].sort((x, y) => x - y));
        const overdue = asJson.items.filter((d) => d.status === "overdue");
        expect(overdue.length).to.be.greaterThan(0);
        const text = cli(["deadlines", "--api", base, "--status", "overdue"], { PROVENANT_REGULATOR_KEY: REGULATOR_KEY });
        expect(text.code, text.stderr).to.equal(0);
        const lines = text.stdout.trimEnd().split("\n");
        expect(lines[0].split(/\s{2,}/)).to.deep.equal(["DUE", "STATUS", "OVERDUE", "CLAUSE", "NAME", "SUBJECT", "WHAT"]);
        const rows = lines.slice(1, -1).map((l) => l.trim().split(/\s{2,}/));
        expect(rows.map((r) => r.slice(0, 6))).to.deep.equal(
          overdue.map((d) => [d.dueDate, "Overdue", `${d.daysOverdue}d`, d.clause, deadlineLabel(d.name, "en"), `${label("subjectKind", d.subjectKind, "en")} ${d.subjectId}`]),
        );
        expect(lines[lines.length - 1]).to.equal(`${overdue.length} of ${overdue.length} deadlines`);

        // alerts: signed in like deadlines; a header, the alerts newest first, then how many.
        const alertsJson = JSON.parse(cli(["alerts", "--api", base, "--json", "--limit", "500"], { PROVENANT_REGULATOR_KEY: REGULATOR_KEY }).stdout) as {
          items: { kind: string; at: number; clause: string; subjectKind: string; subjectId: string; message: string; status: string | null }[];
          total: number;
          next: string | null;
        };
        expect(alertsJson.items.map((a) => a.at)).to.deep.equal([...alertsJson.items.map((a) => a.at)].sort((x, y) => y - x));
        expect([alertsJson.items.length, alertsJson.next]).to.deep.equal([alertsJson.total, null]);
        const kinds = new Set(alertsJson.items.map((a) => a.kind));
        // The demo's deliberate breaches only (the README's table): no unintended breach.
        expect([...kinds].sort()).to.deep.equal(["listed-under-stopped-authorization", "missed-deadline", "use-outside-rules"]);
        const missed = alertsJson.items.filter((a) => a.kind === "missed-deadline");
        expect(missed.every((a) => a.status === "overdue")).to.equal(true);
        // The same items with limit=1, page by page: none missing (missed deadlines included).
        const paged: typeof alertsJson.items = [];
        let after: string | null = null;
        do {
          const page = cli(["alerts", "--api", base, "--json", "--limit", "7", ...(after ? ["--after", after] : [])], { PROVENANT_REGULATOR_KEY: REGULATOR_KEY });
          const body = JSON.parse(page.stdout) as typeof alertsJson;
          paged.push(...body.items);
          after = body.next;
        } while (after !== null);
        expect(paged).to.deep.equal(alertsJson.items);
        const alertsText = cli(["alerts", "--api", base, "--kind", "missed-deadline"], { PROVENANT_REGULATOR_KEY: REGULATOR_KEY });
        expect(alertsText.code, alertsText.stderr).to.equal(0);
        const alertLines = alertsText.stdout.trimEnd().split("\n");
        expect(alertLines[0].split(/\s{2,}/)).to.deep.equal(["AT (CHINA TIME)", "KIND", "CLAUSE", "SUBJECT", "MESSAGE"]);
        expect(alertLines.slice(1, -1).map((l) => l.split(/\s{2,}/).slice(1))).to.deep.equal(missed.map((a) => ["Missed deadline", a.clause, `${label("subjectKind", a.subjectKind, "en")} ${a.subjectId}`, a.message]));
        expect(alertLines[alertLines.length - 1]).to.equal(`${missed.length} of ${missed.length} alerts`);

        // The README's walk-through, copied literally (only the demo's ports and data directory differ).
        const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
        const section = readme.slice(readme.indexOf("### A regulator's walk-through"), readme.indexOf("### Configuration"));
        const blocks = [...section.matchAll(/```\n([\s\S]*?)```/g)].map((m) => m[1]);
        expect(blocks.length).to.equal(2);
        const local = (command: string) =>
          command
            .replaceAll("localhost:8080", `127.0.0.1:${port}`)
            .replaceAll("127.0.0.1:8080", `127.0.0.1:${port}`)
            .replaceAll("127.0.0.1:8545", `127.0.0.1:${chainPort}`)
            .replace(/(^|\s)data\//g, `$1${dataDir}/`);
        const commands = blocks[0].replace(/\\\n/g, " ").split("\n").filter((l) => l.trim() !== "");
        expect(commands.some((c) => c.includes(REGULATOR_KEY)), "the regulator key printed whole").to.equal(true);
        expect(commands.some((c) => c.startsWith("npx provenant alerts"))).to.equal(true);
        const exports: string[] = [];
        for (const command of commands) {
          if (command.startsWith("export ")) {
            exports.push(command);
            continue;
          }
          const r = spawnSync("bash", ["-c", [...exports, local(command)].join("\n")], { cwd: ROOT, env: env({ PROVENANT_API: base }), encoding: "utf8", timeout: 60_000 });
          expect(r.status, `${command}\n${r.stderr}`).to.equal(0);
          expect(r.stdout.trim(), command).to.not.equal("");
          if (command.startsWith("curl")) expect(JSON.parse(r.stdout), command).to.not.have.property("error");
        }
        const recipe = spawnSync("bash", ["-c", local(blocks[1])], { cwd: ROOT, env: env({}), encoding: "utf8", timeout: 60_000 });
        expect(recipe.status, recipe.stderr).to.equal(0);
        const answers = recipe.stdout.split(/(?<=})(?={)/).map((x) => JSON.parse(x) as { items?: unknown[]; total?: number });
        expect(answers.map((x) => Array.isArray(x.items))).to.deep.equal([true, true]);
        expect(answers[0].total).to.equal(alertsJson.total);
      });
      // A demo usage receipt, checked against the resumed chain directly (no service trusted).
      // The demo's receipts went through the platform node's intake on the first start: three
      // anchored batches, and the breaches it shows on purpose flagged (C14, C24 and C18).
      const demo = JSON.parse(readFileSync(path.join(dataDir, "demo-receipts.json"), "utf8")) as {
        batches: number;
        breaches: { clause: string; rule: string }[];
        proofFiles: string[];
      };
      expect(demo.batches).to.equal(3);
      expect(demo.breaches.map((b) => `${b.clause}:${b.rule}`).sort()).to.deep.equal([
        "C14:resource-outside-scenario",
        "C14:resource-outside-scenario",
        "C14:resource-outside-scenario",
        "C18:product-not-usable",
        "C24:authorization-not-in-force",
      ]);
      expect(demo.proofFiles.length).to.be.greaterThan(0);
      const verified = cli([
        "verify-receipt", demo.proofFiles[1],
        "--rpc", `http://127.0.0.1:${chainPort}`, "--deployment", path.join(dataDir, "deployment.json"), "--json",
      ]);
      expect(verified.code, verified.stderr + verified.stdout).to.equal(0);
      expect(JSON.parse(verified.stdout).ok).to.equal(true);

      // A port in use is refused with a clear message while this one runs.
      const busy = spawnSync(TS_NODE, ["--transpile-only", MAIN], {
        cwd: ROOT,
        env: env({ DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "provenant-busy-")), PORT: String(port) }),
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(busy.status).to.equal(2);
      expect(busy.stderr).to.contain(`PORT ${port} is already in use`);
    } finally {
      expect(await stop(r)).to.equal(0);
    }
  });

  it("a fresh demo shows the regulator exactly the breaches the README's table documents, no other", async () => {
    const r = start(dataDir, port, chainPort);
    try {
      await waitIndexed(r, base);
      const token = await regulatorToken(base);
      const alerts = await getJson<Parameters<typeof countAlerts>[0]>(`${base}/api/v1/regulator/alerts?limit=500`, { authorization: `Bearer ${token}` });
      expect(countAlerts(alerts)).to.deep.equal(documentedDemoAlerts());
    } finally {
      expect(await stop(r)).to.equal(0);
    }
  });

  it("restarts five times in a row and keeps its index each time, and the learned range size", async () => {
    // anvil does not keep block 0's hash across --state reloads: the index must not be tied to it.
    let rangeSize: number | null = null;
    for (let i = 0; i < 5; i++) {
      const r = start(dataDir, port, chainPort);
      try {
        const health = (await waitIndexed(r, base)) as Health & { rangeSize: number | null };
        expect(health.rebuilt, `restart ${i + 1}`).to.equal(false);
        expect(r.output(), `restart ${i + 1}`).not.to.contain("index rebuilt");
        expect(health.rangeSize, `restart ${i + 1}`).to.be.a("number");
        if (rangeSize !== null) expect(health.rangeSize, `restart ${i + 1}`).to.equal(rangeSize);
        rangeSize = health.rangeSize;
        expect(await getJson<Page>(`${base}/api/v1/participants?limit=100`)).to.deep.equal(first.participants);
      } finally {
        expect(await stop(r)).to.equal(0);
      }
    }
    expect(rangeSize).to.be.greaterThan(16); // grown past the first start's 16 blocks, then kept
  });
});

async function rpc(port: number, method: string, params: unknown[]): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${port}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return ((await res.json()) as { result: unknown }).result;
}

/** True when something accepts connections on the loopback port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

async function waitOutput(r: Running, text: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!r.output().includes(text)) {
    if (Date.now() > deadline) throw new Error(`no "${text}" within ${timeoutMs} ms:\n${r.output()}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

/**
 * `npm start` in its own process group, as a terminal runs it: a Ctrl-C there is a SIGINT to
 * the whole group (npm, its shell and node at once; anvil runs in a group of its own).
 */
function npmStart(dataDir: string, port: number, chainPort: number): Running & { interrupt(): void } {
  const child = spawn("npm", ["start", "--silent"], {
    cwd: ROOT,
    env: env({ DATA_DIR: dataDir, PORT: String(port), CHAIN_PORT: String(chainPort) }),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  child.stdout?.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => out, exited, interrupt: () => process.kill(-child.pid!, "SIGINT") };
}

describe("npm start: a stop while starting leaves no chain running", function () {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("a terminal's Ctrl-C (SIGINT to npm's whole process group) during the demo seeding stops the chain", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "provenant-interrupt-"));
    dirs.push(dataDir);
    const chainPort = await freePort();
    const r = npmStart(dataDir, await freePort(), chainPort);
    await waitOutput(r, "seeding the demo");
    await new Promise((res) => setTimeout(res, 500));
    r.interrupt();
    const code = await Promise.race([r.exited, new Promise((res) => setTimeout(() => res("hung"), 30_000))]);
    expect(code, r.output()).to.not.equal("hung");
    // npm may exit before node does: give the group a moment, then the port must be free.
    const deadline = Date.now() + 20_000;
    while ((await listening(chainPort)) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 250));
    expect(await listening(chainPort), `chain port ${chainPort} still taken:\n${r.output()}`).to.equal(false);
    expect(r.output()).to.contain("chain state saved");
  });

  for (const [what, signals] of [["one Ctrl-C", 1], ["two Ctrl-C in a row", 2]] as const) {
    it(`${what} during the demo seeding stops the chain and frees its port; the next start says what happened`, async () => {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), "provenant-interrupt-"));
      dirs.push(dataDir);
      const port = await freePort();
      const chainPort = await freePort();
      const r = start(dataDir, port, chainPort);
      await waitOutput(r, "seeding the demo");
      await new Promise((res) => setTimeout(res, 500)); // some demo transactions in
      for (let i = 0; i < signals; i++) r.child.kill("SIGINT");
      const code = await Promise.race([r.exited, new Promise((res) => setTimeout(() => res("hung"), 30_000))]);
      expect(code, r.output()).to.equal(130);
      expect(await listening(chainPort), `chain port ${chainPort} still taken:\n${r.output()}`).to.equal(false);
      const again = spawnSync(TS_NODE, ["--transpile-only", MAIN], {
        cwd: ROOT,
        env: env({ DATA_DIR: dataDir, PORT: String(port), CHAIN_PORT: String(chainPort) }),
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(again.status, again.stderr).to.equal(2);
      expect(again.stderr).to.contain("was interrupted");
      expect(again.stderr).not.to.contain("in use");
    });
  }

  it("a Ctrl-C while the contracts deploy stops the chain", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "provenant-interrupt-"));
    dirs.push(dataDir);
    const chainPort = await freePort();
    const r = start(dataDir, await freePort(), chainPort);
    await waitOutput(r, "deploying the contracts");
    r.child.kill("SIGINT");
    expect(await r.exited, r.output()).to.equal(130);
    expect(await listening(chainPort)).to.equal(false);
  });
});

describe("npm start: bad configuration", function () {
  const dir = mkdtempSync(path.join(os.tmpdir(), "provenant-badcfg-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[], extra: Record<string, string> = {}) =>
    spawnSync(TS_NODE, ["--transpile-only", MAIN, ...args], {
      cwd: ROOT,
      env: env({ DATA_DIR: path.join(dir, "data"), ...extra }),
      encoding: "utf8",
      timeout: 60_000,
    });

  const cases: [string, string[], Record<string, string>, string][] = [
    ["a bad RPC URL", [], { RPC_URL: "not a url", DEPLOYMENT_FILE: "x.json" }, 'RPC_URL "not a url" is not an http(s) URL'],
    ["RPC_URL without a deployment file", ["--rpc-url", "http://127.0.0.1:1"], {}, "DEPLOYMENT_FILE is required"],
    ["an unreadable deployment file", ["--rpc-url", "http://127.0.0.1:1", "--deployment", "/nonexistent/deployment.json"], {}, "does not exist"],
    ["an unknown profile", [], { PROVENANT_PROFILE: "atlantis" }, 'unknown policy profile "atlantis"'],
    ["a bad port", ["--port", "70000"], {}, "PORT must be a port number"],
    ["a bad DEMO value", [], { DEMO: "maybe" }, 'DEMO must be "true" or "false"'],
    ["an unknown flag", ["--frobnicate"], {}, 'unknown option "--frobnicate"'],
    ["a bad log level", [], { LOG_LEVEL: "loud" }, "LOG_LEVEL must be one of"],
  ];
  for (const [what, args, extra, message] of cases) {
    it(`refuses ${what} with a clear message and exit code 2`, () => {
      const r = run(args, extra);
      expect(r.stderr).to.contain(message);
      expect(r.status).to.equal(2);
    });
  }

  it("refuses a deployment file that is not a deployment", () => {
    const file = path.join(dir, "broken.json");
    writeFileSync(file, "{ not json");
    const r = run(["--rpc-url", "http://127.0.0.1:1", "--deployment", file]);
    expect(r.stderr).to.contain("cannot read deployment file");
    expect(r.status).to.equal(2);
  });

  it("refuses a config file with an unknown key", () => {
    const file = path.join(dir, "config.json");
    writeFileSync(file, JSON.stringify({ PORTT: 1 }));
    const r = run(["--config", file]);
    expect(r.stderr).to.contain('unknown key "PORTT"');
    expect(r.status).to.equal(2);
  });

  it("prints help with exit code 0", () => {
    const r = run(["--help"]);
    expect(r.status).to.equal(0);
    expect(r.stdout).to.contain("--no-demo");
  });
});

describe("provenant CLI: usage and unreachable API", function () {
  it("--help on every command, exit 0", () => {
    for (const args of [["--help"], ["status", "--help"], ["trace", "--help"], ["deadlines", "--help"], ["alerts", "--help"]]) {
      const r = cli(args);
      expect(r.code, args.join(" ")).to.equal(0);
      expect(r.stdout).to.contain("Usage: provenant");
    }
  });
  it("bad arguments exit 2 with a message", () => {
    for (const [args, message] of [
      [["frobnicate"], 'unknown command "frobnicate"'],
      [["verify-receipt"], "verify-receipt needs a file"],
      [["trace"], "needs a product id"],
      [["trace", "abc"], "is not a product id"],
      [["status", "--api", "ftp://x"], "must be http(s)"],
      [["status", "--bogus"], 'unknown option "--bogus"'],
      [["deadlines", "--api", "http://127.0.0.1:1"], "needs a REGULATOR key"],
      [["alerts", "--api", "http://127.0.0.1:1"], "alerts needs a REGULATOR key"],
      [["alerts", "--limit", "0", "--key", "0x" + "11".repeat(32)], "--limit must be a whole number"],
      [[], "Usage: provenant"],
    ] as [string[], string][]) {
      const r = cli(args);
      expect(r.code, args.join(" ")).to.equal(2);
      expect(r.stderr, args.join(" ")).to.contain(message);
    }
  });
  it("an unreachable API exits 1 naming the URL", async () => {
    const port = await freePort();
    const r = cli(["status", "--api", `http://127.0.0.1:${port}`]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain(`cannot reach the ledger-service API at http://127.0.0.1:${port}`);
  });
});
