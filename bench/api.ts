/**
 * API latency at scale: indexes >= 100,000 records (authorizations, their agreements, scenarios
 * and products with lineage chains) through the real views into the real LevelDB store, then
 * measures GET /api/v1/authorizations/:id and GET /api/v1/products/:id/provenance with autocannon
 * at 50 concurrent connections. Prints figures; asserts nothing.
 *
 *   npx ts-node --transpile-only bench/api.ts            # AUTHS=40000 DURATION=15 by default
 *   AUTHS=60000 DURATION=20 npx ts-node --transpile-only bench/api.ts
 *   BENCH_DIR=/tmp/idx AUTHS=25000 npx ts-node --transpile-only bench/api.ts  # keep/reuse the index
 *
 * Each route gets WARMUP seconds (default 2, not counted) before it is measured. "API CPU" is the
 * server process's user+system time per request: steadier than req/s on a shared machine.
 */
import { fork } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { id as keccak } from "ethers";
import { loadProfile } from "../policy/profile";
import { openStore, type BlockRef } from "../ledger-service/src/store/db";
import type { ChainEvent, JsonValue } from "../ledger-service/src/store/types";
import { createViews, viewIdentity } from "../ledger-service/src/views";
import { createApi } from "../ledger-service/src/api/server";

type AutocannonResult = {
  latency: { p50: number; p99: number; average: number };
  requests: { average: number; total: number };
  non2xx: number;
  errors: number;
};
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
// autocannon ships no type declarations; this is the part of its API used here.
const autocannon = require("autocannon") as Autocannon; // eslint-disable-line @typescript-eslint/no-require-imports

const AUTHS = Number(process.argv.includes("--quick") ? 2000 : (process.env.AUTHS ?? 40_000)); // bench-only knobs
const DURATION = Number(process.env.DURATION ?? 15);
const WARMUP = Number(process.env.WARMUP ?? 2);
const OPERATORS = 500;
const RESOURCES = 200;
const h = (s: string) => keccak(s);
const ZERO = "0x" + "0".repeat(64);
const by = "0x" + "11".repeat(20);

function eventsOf(i: number, at: number): { contract: string; event: string; args: { [k: string]: JsonValue } }[] {
  const id = String(i);
  const holder = String(10 + (i % OPERATORS));
  const r1 = String(1 + (i % RESOURCES));
  const r2 = String(1 + ((i + 7) % RESOURCES));
  const res = [r1, r2].sort((a, b) => Number(a) - Number(b)).filter((x, k, arr) => arr.indexOf(x) === k);
  const termStart = at;
  const termEnd = at + 3 * 365 * 86_400;
  const AR = "AuthorizationRegistry";
  const parent = i % 4 === 0 ? "0" : String(i - 1); // lineage chains of four products
  return [
    { contract: AR, event: "AuthorizationApplied", args: { id, parentId: "0", holderId: holder, organizerId: "2", mode: 1, tier: 1, request: { parentId: "0", holderId: holder, callId: "0", termStart: String(termStart), termEnd: String(termEnd), materialsHash: h(`m${i}`), resourceIds: res, domains: [] }, applicant: by } },
    ...res.map((r) => ({ contract: AR, event: "GrantAdvanced", args: { authorizationId: id, resourceId: r, status: 3, opinionHash: h("e"), by } })),
    ...res.map((r) => ({ contract: AR, event: "GrantAdvanced", args: { authorizationId: id, resourceId: r, status: 4, opinionHash: h("c"), by } })),
    { contract: AR, event: "AuthorizationStatusChanged", args: { id, from: 3, to: 4, reasonHash: h("d"), emergency: false, by } },
    { contract: AR, event: "AuthorizationStatusChanged", args: { id, from: 4, to: 6, reasonHash: ZERO, emergency: false, by } },
    { contract: AR, event: "AuthorizationNoticed", args: { id, noticeEnd: String(at + 10 * 86_400), by } },
    { contract: "AgreementRegistry", event: "AgreementProposed", args: { agreementId: id, authorizationId: id, proposerId: "2", request: { kind: 1, proposerId: "2", authorizationId: id, scenarioId: "0", termStart: String(termStart), termEnd: String(termEnd), documentHash: h(`a${i}`), termsDigest: h(`t${i}`), scopeDigest: h(`s${i}`), partyIds: ["2", holder] }, by } },
    { contract: "AgreementRegistry", event: "AgreementFiled", args: { agreementId: id, authorizationId: id, kind: 1, scenarioId: "0", termStart: String(termStart), termEnd: String(termEnd), documentHash: h(`a${i}`), termsDigest: h(`t${i}`), scopeDigest: h(`s${i}`), filingHash: h(`f${i}`), partyIds: ["2", holder], by } },
    { contract: AR, event: "AuthorizationStatusChanged", args: { id, from: 6, to: 7, reasonHash: ZERO, emergency: false, by } },
    { contract: AR, event: "AuthorizationActivated", args: { id, agreementId: id, termStart: String(termStart), termEnd: String(termEnd), by } },
    { contract: "ScenarioRegistry", event: "ScenarioProposed", args: { id, authorizationId: id, holderId: holder, purposeHash: h(`p${i}`), descriptionHash: h(`s${i}`), resourceIds: res, by } },
    { contract: "ScenarioRegistry", event: "ScenarioDecided", args: { id, authorizationId: id, status: 2, decisionHash: h("ok"), approvingOpinions: "1", objectingOpinions: "0", by } },
    { contract: "ProductRegistry", event: "ProductRegistered", args: { id, holderId: holder, scenarioId: id, authorizationId: id, version: "1", request: { holderId: holder, scenarioId: id, kind: 2, chargingBases: 2, previousVersionId: "0", pricingBasisHash: h("pr"), usageHash: h("u"), descriptionHash: h(`d${i}`), resourceIds: res, parentProductIds: parent === "0" ? [] : [parent] }, by } },
    { contract: "ProductRegistry", event: "ProductListed", args: { id, holderId: holder, scenarioId: id, authorizationId: id, registrationCode: h(`c${i}`), registrationValidUntil: String(termEnd), reviewReportHash: h("r"), by } },
  ];
}

/** Builds the index in `dir` (skipped when BENCH_DIR already holds one of the same size). */
async function buildIndex(dir: string, t0: number): Promise<void> {
  const views = createViews(loadProfile("huizhou"));
  const marker = path.join(dir, `.bench-${AUTHS}-${h(viewIdentity(views).join(",")).slice(2, 14)}`);
  if (existsSync(marker)) {
    console.log(`reusing the index in ${dir}`);
    return;
  }
  const logger = pino({ level: "warn" });
  const { store } = await openStore({ logger }, { dataDir: dir, identity: { chainId: 31337, startBlock: 0, startBlockHash: h("b0"), contracts: [], views: viewIdentity(views) } });
  let blockNo = 1;
  let events: ChainEvent[] = [];
  let blocks: BlockRef[] = [];
  let eventCount = 0;
  const flush = async () => {
    if (blocks.length === 0) return;
    await store.applyRange({ blocks, events, finalized: blocks[blocks.length - 1].number, views });
    eventCount += events.length;
    events = [];
    blocks = [];
  };
  const block = async (at: number, evs: ReturnType<typeof eventsOf>) => {
    const number = blockNo++;
    const hash = h(`b${number}`);
    blocks.push({ number, hash, parentHash: h(`b${number - 1}`), timestamp: at });
    evs.forEach((e, logIndex) => events.push({ ...e, blockNumber: number, blockHash: hash, timestamp: at, txHash: h(`tx${number}:${logIndex}`), logIndex }));
    if (blocks.length >= 500) await flush();
  };
  const started = Date.now();
  // Participants and resources.
  const parts = [];
  for (let p = 1; p < 10 + OPERATORS; p++) parts.push({ contract: "ParticipantRegistry", event: "ParticipantRegistered", args: { id: String(p), kind: p === 2 ? 2 : p < 10 ? 3 : 4, name: `org ${p}`, creditCode: `C${p}`, profileHash: h(`pp${p}`), signers: [by], registeredBy: by } });
  await block(t0, parts);
  const resources = [];
  for (let r = 1; r <= RESOURCES; r++) resources.push({ contract: "ResourceCatalog", event: "ResourceProposed", args: { id: String(r), sourceDeptId: String(3 + (r % 7)), data: { catalogKey: h(`k${r}`), classification: 1, shareType: 1, openAttribute: 1, desensitized: true, consent: 1, updateFrequency: 2, metadataHash: h(`md${r}`) }, by } });
  await block(t0 + 60, resources);
  await block(t0 + 120, resources.map((r) => ({ contract: "ResourceCatalog", event: "ResourceReviewed", args: { id: r.args.id, approved: true, opinionHash: h("ok"), by } })));
  for (let i = 1; i <= AUTHS; i++) await block(t0 + 600 + i * 30, eventsOf(i, t0 + 600 + i * 30));
  await flush();
  const indexSeconds = (Date.now() - started) / 1000;
  const records = OPERATORS + 9 + RESOURCES + AUTHS * 4; // participants, resources, authorizations, agreements, scenarios, products
  console.log(`indexed ${records.toLocaleString()} records (${eventCount.toLocaleString()} events) in ${indexSeconds.toFixed(1)} s`);

  await store.close();
  writeFileSync(marker, "");
}

async function main(): Promise<void> {
  const keep = process.env.BENCH_DIR;
  const dir = keep ?? mkdtempSync(path.join(os.tmpdir(), "provenant-bench-api-"));
  if (keep && !existsSync(keep)) mkdirSync(keep, { recursive: true });
  const t0 = Date.UTC(2025, 0, 6) / 1000;
  await buildIndex(dir, t0);

  // The API runs in its own process so that autocannon does not share its event loop.
  const nowMs = (t0 + 600 + AUTHS * 30 + 86_400) * 1000;
  const child = fork(__filename, ["--serve", dir, String(nowMs)], { execArgv: process.env.PROF ? ["--cpu-prof", "--cpu-prof-dir=" + process.env.PROF, ...process.execArgv] : process.execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (m) => resolve(Number(m)));
    child.once("exit", (code) => reject(new Error(`server exited ${code}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  /** CPU time (user + system, µs) the API process has used so far. */
  const serverCpu = () =>
    new Promise<number>((resolve) => {
      child.once("message", (m) => resolve(Number(m)));
      child.send("cpu");
    });
  const rnd = () => 1 + Math.floor(Math.random() * AUTHS);
  const rows: string[] = [];
  const run = (make: () => string, duration: number) =>
    autocannon({
      url: base,
      connections: 50,
      duration,
      requests: [{ method: "GET", setupRequest: (req: Record<string, unknown>) => ({ ...req, path: make() }) }],
    });
  for (const [label, make] of [
    ["GET /api/v1/authorizations/:id", () => `/api/v1/authorizations/${rnd()}`],
    ["GET /api/v1/products/:id/provenance", () => `/api/v1/products/${rnd()}/provenance`],
  ] as const) {
    const probe = await fetch(base + make());
    if (probe.status !== 200) throw new Error(`${label}: probe returned ${probe.status}`);
    // Warm-up (JIT, LevelDB block cache), not counted.
    if (WARMUP > 0) await run(make, WARMUP);
    const cpu0 = await serverCpu();
    const r = await run(make, DURATION);
    const cpuPerRequest = ((await serverCpu()) - cpu0) / Math.max(1, r.requests.total);
    rows.push(
      `${label.padEnd(40)} p50 ${String(r.latency.p50).padStart(4)} ms   p99 ${String(r.latency.p99).padStart(4)} ms   ${Math.round(r.requests.average).toLocaleString().padStart(7)} req/s   ` +
        `API CPU ${Math.round(cpuPerRequest).toString().padStart(4)} µs/request   (${r.requests.total.toLocaleString()} requests, non-2xx ${r.non2xx}, errors ${r.errors})`,
    );
  }
  const load = os.loadavg()[0].toFixed(1);
  console.log(`\n50 connections, ${DURATION} s each after ${WARMUP} s of warm-up, API in a separate process, node ${process.version}, ${os.cpus().length} CPU ${os.cpus()[0]?.model ?? ""}, load average ${load}`);
  for (const row of rows) console.log(row);
  await new Promise((r) => {
    child.once("exit", r);
    child.kill("SIGTERM");
  });
  if (!keep) rmSync(dir, { recursive: true, force: true });
}

/** Child mode: open the index read-only-by-use and serve it. */
async function serve(dir: string, nowMs: number): Promise<void> {
  const logger = pino({ level: "warn" });
  const views = createViews(loadProfile("huizhou"));
  const { store } = await openStore({ logger }, { dataDir: dir, identity: { chainId: 31337, startBlock: 0, startBlockHash: h("b0"), contracts: [], views: viewIdentity(views) } });
  const app = createApi({ logger }, { reader: store.reader, health: () => ({}), hasRole: async () => false, rateLimit: false, now: () => nowMs, indexVersion: () => String(store.version()) });
  const server = app.listen(0, "127.0.0.1", () => process.send?.((server.address() as AddressInfo).port));
  process.on("message", () => {
    const u = process.cpuUsage();
    process.send?.(u.user + u.system);
  });
  process.once("SIGTERM", () => {
    server.close(() => void store.close().then(() => process.exit(0)));
    server.closeAllConnections();
  });
}

if (process.argv[2] === "--serve") {
  serve(process.argv[3], Number(process.argv[4])).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else
main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
