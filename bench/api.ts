/**
 * API speed against the stack's own ceiling, in one run (issue 13). For each index:
 *
 *   ours     the real API (createApi over the LevelDB index, production settings: record and
 *            response caches, metrics middleware) in its own process, rate limit off
 *   ceiling  an express 5 app tuned as ours is (ETag off, simple query parser, no x-powered-by)
 *            answering res.json of OUR answers captured at the start of the run (same bytes, same
 *            JSON shape), in its own process, with no index behind it
 *
 * Rounds are interleaved (ours, ceiling, ceiling, ours, ... the order alternates), each a
 * WARMUP then DURATION seconds of autocannon at CONNECTIONS connections on random ids; every
 * round prints requests/s, p50, p99, the ratio to the ceiling of the same round and the load
 * average. Then: the median ratio and its min–max, the capacity with the production rate limiter
 * on, the time until the first 200 from spawn and in-process, index size on disk and RSS; with
 * several indexes, a growth table.
 *
 *   npx ts-node --transpile-only bench/api.ts                       # synthetic index, AUTHS=10000
 *   AUTHS=40000 ROUNDS=5 npx ts-node --transpile-only bench/api.ts
 *   AUTHS=2500,25000,250000 npx ts-node --transpile-only bench/api.ts  # growth: about 10k, 100k, 1M records
 *   INDEX_DIR=/path/a,/path/b npx ts-node --transpile-only bench/api.ts   # prepared indexes (e.g. bench/indexer.ts's)
 *   SIZES=10000,100000,1000000 npx ts-node --transpile-only bench/api.ts  # the indexes bench/indexer.ts keeps per bench chain size
 *   BENCH_DIR=/tmp/idx npx ts-node --transpile-only bench/api.ts     # keep/reuse the synthetic indexes (BENCH_DIR/auths-N)
 *   BENCH_DIR=/tmp/idx AUTHS=250000 ROUNDS=0 …                       # only build (and keep) the index
 *   PROF=/tmp/prof ...                                               # --cpu-prof of our API process
 *   RECORD_CACHE_MB=512 ...                                          # the API's record cache budget (default 128)
 *
 * A prepared index is only read (opened with the identity it holds, never rebuilt or written).
 * The synthetic index lives in the OS temp dir only while the bench runs (unless BENCH_DIR).
 */
import { fork, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import pino from "pino";
import express from "express";
import { Level } from "level";
import { id as keccak } from "ethers";
import { loadProfile } from "../policy/profile";
import { openStore, type BlockRef, type ChainIdentity } from "../ledger-service/src/store/db";
import { DEFAULT_CACHE_MB } from "../ledger-service/src/store/cache";
import type { ChainEvent, JsonValue } from "../ledger-service/src/store/types";
import { createViews, viewIdentity } from "../ledger-service/src/views";
import { SPACE, unpad } from "../ledger-service/src/views/util";
import { createApi } from "../ledger-service/src/api/server";
import { createMetrics } from "../ledger-service/src/runtime/metrics";
import { servingReader } from "../ledger-service/src/runtime/service";
import { median } from "./lib/median";

type AutocannonResult = {
  latency: { p50: number; p99: number; average: number };
  requests: { average: number; total: number };
  non2xx: number;
  errors: number;
  "2xx": number;
  "4xx": number;
};
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
// autocannon ships no type declarations; this is the part of its API used here.
const autocannon = require("autocannon") as Autocannon; // eslint-disable-line @typescript-eslint/no-require-imports

// Bench-only knobs (the service reads its configuration in runtime/config.ts).
const ROUNDS = Number(process.env.ROUNDS ?? 9);
const DURATION = Number(process.env.DURATION ?? 5);
const WARMUP = Number(process.env.WARMUP ?? 1);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
const OPERATORS = 500;
const RESOURCES = 200;
const h = (s: string) => keccak(s);
const ZERO = "0x" + "0".repeat(64);
const by = "0x" + "11".repeat(20);
const load1 = () => os.loadavg()[0].toFixed(2);
const pct = (x: number) => `${x.toFixed(2)}×`;

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
async function buildIndex(dir: string, t0: number, AUTHS: number): Promise<void> {
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


/** The identity an existing index holds (so that opening it never rebuilds it). */
async function storedIdentity(dir: string): Promise<ChainIdentity> {
  const db = new Level<string, unknown>(dir, { valueEncoding: "json" });
  await db.open();
  try {
    const id = (await db.sublevel<string, unknown>("meta", { valueEncoding: "json" }).get("identity")) as ChainIdentity | undefined;
    if (!id) throw new Error(`${dir} holds no index (no identity)`);
    return id;
  } finally {
    await db.close();
  }
}

function duBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? duBytes(p) : statSync(p).size;
  }
  return total;
}

type Sample = { identity: ChainIdentity; authIds: string[]; productIds: string[]; checkpoint: BlockRef | undefined };

/** Ids to ask for (every authorization and product, up to 200,000 each) and the checkpoint. */
async function sampleIndex(dir: string): Promise<Sample> {
  const identity = await storedIdentity(dir);
  const { store } = await openStore({ logger: pino({ level: "warn" }) }, { dataDir: dir, identity, cacheBytes: 0 });
  try {
    const ids = async (space: string) => {
      const out: string[] = [];
      for await (const [k] of store.reader.range(space, { limit: 200_000 })) out.push(unpad(k));
      return out;
    };
    return { identity, authIds: await ids(SPACE.authorization), productIds: await ids(SPACE.product), checkpoint: store.state().checkpoint };
  } finally {
    await store.close();
  }
}

type Served = { child: ChildProcess; base: string; spawnToFirst200Ms: number; inProcessReadyMs: number; cpu(): Promise<number>; mem(): Promise<{ rss: number; maxRss: number }>; stop(): Promise<void> };

/** Forks this file in a child mode and waits for its port; times spawn -> first 200 of `probe`. */
async function spawnServer(args: string[], probe: string, prof?: string): Promise<Served> {
  const t0 = performance.now();
  const execArgv = prof ? ["--cpu-prof", `--cpu-prof-dir=${prof}`, ...process.execArgv] : process.execArgv;
  const child = fork(__filename, args, { execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const ready = await new Promise<{ port: number; readyMs: number }>((resolve, reject) => {
    child.once("message", (m) => resolve(m as { port: number; readyMs: number }));
    child.once("exit", (code) => reject(new Error(`${args[0]} exited ${code}`)));
  });
  const base = `http://127.0.0.1:${ready.port}`;
  for (;;) {
    const r = await fetch(base + probe).catch(() => null);
    if (r?.status === 200) {
      await r.arrayBuffer();
      break;
    }
    if (r) throw new Error(`${args[0]}: ${probe} answered ${r.status}: ${await r.text()}`);
  }
  const spawnToFirst200Ms = performance.now() - t0;
  const ask = <T>(what: string) =>
    new Promise<T>((resolve) => {
      const on = (m: unknown) => {
        const msg = m as { what?: string; value?: T };
        if (msg.what !== what) return;
        child.off("message", on);
        resolve(msg.value as T);
      };
      child.on("message", on);
      child.send(what);
    });
  return {
    child,
    base,
    spawnToFirst200Ms,
    inProcessReadyMs: ready.readyMs,
    cpu: () => ask<number>("cpu"),
    mem: () => ask<{ rss: number; maxRss: number }>("mem"),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** What the child processes answer over IPC. */
function answerParent(): void {
  process.on("message", (m) => {
    if (m === "cpu") {
      const u = process.cpuUsage();
      process.send?.({ what: "cpu", value: u.user + u.system });
    } else if (m === "mem") {
      process.send?.({ what: "mem", value: { rss: process.memoryUsage().rss, maxRss: process.resourceUsage().maxRSS * 1024 } });
    }
  });
}

type Run = { reqs: number; p50: number; p99: number; cpuUs: number; non2xx: number; errors: number; r: AutocannonResult };

async function measure(s: Served, make: () => string, duration: number, warmup: number): Promise<Run> {
  const run = (d: number) =>
    autocannon({
      url: s.base,
      connections: CONNECTIONS,
      duration: d,
      requests: [{ method: "GET", setupRequest: (req: Record<string, unknown>) => ({ ...req, path: make() }) }],
    });
  if (warmup > 0) await run(warmup);
  const c0 = await s.cpu();
  const r = await run(duration);
  const cpuUs = ((await s.cpu()) - c0) / Math.max(1, r.requests.total);
  return { reqs: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, cpuUs, non2xx: r.non2xx, errors: r.errors, r };
}

type RouteSummary = { label: string; target: number; bytes: number; ratio: number; ratioMin: number; ratioMax: number; p99Ratio: number; ours: { reqs: number; p50: number; p99: number; cpuUs: number }; ceiling: { reqs: number; p50: number; p99: number; cpuUs: number } };
type SizeSummary = { name: string; records: string; routes: RouteSummary[]; indexMb: number; rssMb: number; maxRssMb: number; spawnMs: number; inProcessMs: number; limited: string; load: string };

async function benchIndex(name: string, dir: string, records: string, nowBaseMs: number): Promise<SizeSummary> {
  const sample = await sampleIndex(dir);
  if (sample.authIds.length === 0 || sample.productIds.length === 0) throw new Error(`${dir}: no authorizations or products to ask for`);
  const rnd = (xs: string[]) => xs[Math.floor(Math.random() * xs.length)];
  const routes = [
    { label: "GET /api/v1/authorizations/:id", target: 0.8, make: () => `/api/v1/authorizations/${rnd(sample.authIds)}` },
    { label: "GET /api/v1/products/:id/provenance", target: 0.6, make: () => `/api/v1/products/${rnd(sample.productIds)}/provenance` },
  ];
  const indexMb = duBytes(dir) / 1e6;
  const serveArgs = (rateLimit: boolean) => ["--serve", JSON.stringify({ dir, identity: sample.identity, nowBaseMs, rateLimit })];
  const ours = await spawnServer(serveArgs(false), `/api/v1/authorizations/${sample.authIds[0]}`, process.env.PROF);
  const bodiesFile = path.join(os.tmpdir(), `provenant-bench-api-bodies-${process.pid}.json`);
  let ceiling: Served | undefined;
  try {
    // Our answers, captured now: the ceiling sends these very bodies.
    const captured: string[][] = [];
    const bytes: number[] = [];
    for (const r of routes) {
      const bodies: string[] = [];
      for (let i = 0; i < 200; i++) {
        const res = await fetch(ours.base + r.make());
        const text = await res.text();
        if (res.status === 200) bodies.push(text);
      }
      if (bodies.length === 0) throw new Error(`${r.label}: no 200 among 200 random ids`);
      captured.push(bodies);
      bytes.push(bodies.reduce((a, b) => a + Buffer.byteLength(b), 0) / bodies.length);
    }
    writeFileSync(bodiesFile, JSON.stringify(captured));
    ceiling = await spawnServer(["--ceiling", bodiesFile], `/api/v1/authorizations/1`);
    rmSync(bodiesFile, { force: true });

    console.log(`\n== ${name}: ${records}; index ${indexMb.toFixed(0)} MB on disk; ${sample.authIds.length.toLocaleString()} authorizations, ${sample.productIds.length.toLocaleString()} products asked at random`);
    console.log(`   ${CONNECTIONS} connections, ${WARMUP} s warm-up + ${DURATION} s per measurement, ${ROUNDS} interleaved rounds, node ${process.version}, ${os.cpus().length} CPU ${os.cpus()[0]?.model ?? ""}`);
    console.log(`   ready: first 200 ${ours.spawnToFirst200Ms.toFixed(0)} ms from spawn, ${ours.inProcessReadyMs.toFixed(0)} ms in-process (open the index, build the app, listen)`);
    const summaries: RouteSummary[] = [];
    for (const [i, r] of routes.entries()) {
      console.log(`\n   ${r.label} (body ${Math.round(bytes[i]).toLocaleString()} B on average)`);
      console.log("   round  load1   ours req/s  p50  p99  µs cpu/req   ceiling req/s  p50  p99  µs cpu/req   ratio  p99 ratio");
      const ratios: number[] = [];
      const p99Ratios: number[] = [];
      const oursRuns: Run[] = [];
      const ceilRuns: Run[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        const before = load1();
        let o: Run;
        let c: Run;
        if (round % 2 === 1) {
          o = await measure(ours, r.make, DURATION, WARMUP);
          c = await measure(ceiling, r.make, DURATION, WARMUP);
        } else {
          c = await measure(ceiling, r.make, DURATION, WARMUP);
          o = await measure(ours, r.make, DURATION, WARMUP);
        }
        if (o.non2xx > 0 || o.errors > 0 || c.non2xx > 0 || c.errors > 0) console.log(`   (non-2xx ours ${o.non2xx} ceiling ${c.non2xx}; errors ours ${o.errors} ceiling ${c.errors})`);
        oursRuns.push(o);
        ceilRuns.push(c);
        ratios.push(o.reqs / c.reqs);
        p99Ratios.push(o.p99 / Math.max(1, c.p99));
        const f = (x: Run) => `${Math.round(x.reqs).toLocaleString().padStart(7)} ${String(x.p50).padStart(4)} ${String(x.p99).padStart(4)}  ${Math.round(x.cpuUs).toString().padStart(6)}`;
        console.log(`   ${String(round).padStart(5)}  ${before.padStart(5)}  ${f(o)}         ${f(c)}       ${(o.reqs / c.reqs).toFixed(2).padStart(5)}  ${(o.p99 / Math.max(1, c.p99)).toFixed(2).padStart(5)}   (load1 after ${load1()})`);
      }
      const med = (runs: Run[]) => ({ reqs: median(runs.map((x) => x.reqs)), p50: median(runs.map((x) => x.p50)), p99: median(runs.map((x) => x.p99)), cpuUs: median(runs.map((x) => x.cpuUs)) });
      const s: RouteSummary = { label: r.label, target: r.target, bytes: bytes[i], ratio: median(ratios), ratioMin: Math.min(...ratios), ratioMax: Math.max(...ratios), p99Ratio: median(p99Ratios), ours: med(oursRuns), ceiling: med(ceilRuns) };
      summaries.push(s);
      console.log(
        `   median ratio ${pct(s.ratio)} (min ${pct(s.ratioMin)}, max ${pct(s.ratioMax)}; target ≥ ${s.target}×): ${s.ratio >= s.target ? "holds" : "MISSED"}; ` +
          `median p99 ratio ${pct(s.p99Ratio)} (target ≤ 1.5×): ${s.p99Ratio <= 1.5 ? "holds" : "MISSED"}`,
      );
    }
    const mem = await ours.mem();
    await ceiling.stop();
    await ours.stop();

    // Capacity with the production rate limiter on: one client (autocannon) beyond its budget.
    const limitedServer = await spawnServer(serveArgs(true), `/api/v1/authorizations/${sample.authIds[0]}`);
    let limited: string;
    try {
      const before = load1();
      const m = await measure(limitedServer, routes[0].make, DURATION, 0);
      limited =
        `${Math.round(m.reqs).toLocaleString()} req/s answered (${m.r["2xx"].toLocaleString()} 200, ${m.r["4xx"].toLocaleString()} 429 in ${DURATION} s), ` +
        `p50 ${m.p50} ms, p99 ${m.p99} ms, ${Math.round(m.cpuUs)} µs cpu/request, load1 ${before}`;
      console.log(`\n   rate limiter on (production: 120 burst, 20/s per client), ${routes[0].label}: ${limited}`);
    } finally {
      await limitedServer.stop();
    }
    console.log(`   API process RSS ${(mem.rss / 1e6).toFixed(0)} MB (max ${(mem.maxRss / 1e6).toFixed(0)} MB) after the rounds`);
    return { name, records, routes: summaries, indexMb, rssMb: mem.rss / 1e6, maxRssMb: mem.maxRss / 1e6, spawnMs: ours.spawnToFirst200Ms, inProcessMs: ours.inProcessReadyMs, limited, load: load1() };
  } finally {
    rmSync(bodiesFile, { force: true });
    await ceiling?.stop();
    await ours.stop();
  }
}

/** The index dirs bench/indexer.ts keeps per bench chain size (bench/lib/bench-chain.ts), when present. */
function indexOfSize(records: number): string {
  const lib = path.join(__dirname, "lib", "bench-chain.ts");
  if (!existsSync(lib)) throw new Error("SIZES needs bench/lib/bench-chain.ts (the realistic bench chain); give INDEX_DIR instead");
  const { benchChainDir } = require(lib) as { benchChainDir(records: number): string }; // eslint-disable-line @typescript-eslint/no-require-imports
  const dir = path.join(benchChainDir(records), "index");
  if (!existsSync(dir)) throw new Error(`no index for ${records} records at ${dir}: run SIZES=${records} bench/indexer.ts first`);
  return dir;
}

async function main(): Promise<void> {
  const summaries: SizeSummary[] = [];
  const prepared = process.env.INDEX_DIR
    ? process.env.INDEX_DIR.split(",").map((d) => ({ dir: path.resolve(d.trim()), records: "prepared index" }))
    : process.env.SIZES
      ? process.env.SIZES.split(",").map((n) => ({ dir: indexOfSize(Number(n)), records: `bench chain of ${Number(n).toLocaleString()} records` }))
      : [];
  for (const p of prepared) {
    const sample = await sampleIndex(p.dir);
    // Ask at the time after the chain's last block (its records all exist then).
    const nowBaseMs = Math.max(Date.now(), ((sample.checkpoint?.timestamp ?? 0) + 86_400) * 1000);
    summaries.push(await benchIndex(path.basename(path.dirname(p.dir)) + "/" + path.basename(p.dir), p.dir, p.records, nowBaseMs));
  }
  // Synthetic indexes: AUTHS may list several sizes (2500,25000,250000: about 10k, 100k, 1M records).
  for (const AUTHS of prepared.length > 0 ? [] : (process.env.AUTHS ?? "10000").split(",").map((n) => Number(n.trim()))) {
    const keep = process.env.BENCH_DIR && path.join(process.env.BENCH_DIR, `auths-${AUTHS}`);
    const dir = keep || mkdtempSync(path.join(os.tmpdir(), "provenant-bench-api-"));
    if (keep && !existsSync(keep)) mkdirSync(keep, { recursive: true });
    try {
      const t0 = Date.UTC(2025, 0, 6) / 1000;
      await buildIndex(dir, t0, AUTHS);
      if (ROUNDS === 0) {
        console.log(`ROUNDS=0: the synthetic index of AUTHS=${AUTHS} is built${keep ? ` at ${keep}` : ""}; nothing measured`);
        continue;
      }
      const records = `synthetic index of ${(OPERATORS + 9 + RESOURCES + AUTHS * 4).toLocaleString()} records (AUTHS=${AUTHS}: authorizations with agreements, scenarios, products in lineage chains of four)`;
      summaries.push(await benchIndex("synthetic", dir, records, (t0 + 600 + AUTHS * 30 + 86_400) * 1000));
    } finally {
      if (!keep) rmSync(dir, { recursive: true, force: true });
    }
  }
  if (summaries.length === 0) return;
  console.log("\n== summary (medians of the interleaved rounds; ratios to the tuned express app serving the same bodies)");
  console.log("index                      route                                   ours req/s  p50  p99   ratio (min–max)      p99 ratio  index MB  RSS MB  ready spawn/in-process");
  for (const s of summaries) {
    for (const r of s.routes) {
      console.log(
        `${s.name.slice(-26).padEnd(26)} ${r.label.padEnd(38)} ${Math.round(r.ours.reqs).toLocaleString().padStart(10)} ${String(r.ours.p50).padStart(4)} ${String(r.ours.p99).padStart(4)}   ${pct(r.ratio)} (${pct(r.ratioMin)}–${pct(r.ratioMax)})   ${pct(r.p99Ratio).padStart(6)}   ${s.indexMb.toFixed(0).padStart(7)} ${s.rssMb.toFixed(0).padStart(7)}  ${s.spawnMs.toFixed(0)}/${s.inProcessMs.toFixed(0)} ms`,
      );
    }
  }
  console.log(`load average at the end ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
}

/** Child mode: our API over the index, as the service builds it (metrics middleware included). */
async function serve(opts: { dir: string; identity: ChainIdentity; nowBaseMs: number; rateLimit: boolean }): Promise<void> {
  const t0 = performance.now();
  const logger = pino({ level: "warn" });
  // RECORD_CACHE_MB as the service reads it (runtime/config.ts; default DEFAULT_CACHE_MB).
  const { store } = await openStore({ logger }, { dataDir: opts.dir, identity: opts.identity, cacheBytes: Number(process.env.RECORD_CACHE_MB ?? DEFAULT_CACHE_MB) * 1024 * 1024 });
  const started = Date.now();
  const metrics = createMetrics();
  const app = createApi(
    { logger },
    {
      // The reader the service gives its API (runtime/service.ts), over the one store.
      reader: servingReader(async () => store, () => store),
      health: () => ({}),
      hasRole: async () => false,
      rateLimit: opts.rateLimit ? undefined : false,
      // The time advances as in production: answers that read it are fresh every second.
      now: () => opts.nowBaseMs + (Date.now() - started),
      indexVersion: () => String(store.version()),
      metrics: { middleware: metrics.middleware, endpoint: metrics.endpoint },
    },
  );
  const server = app.listen(0, "127.0.0.1", () => process.send?.({ port: (server.address() as AddressInfo).port, readyMs: performance.now() - t0 }));
  answerParent();
  process.once("SIGTERM", () => {
    server.close(() => void store.close().then(() => process.exit(0)));
    server.closeAllConnections();
  });
}

/** Child mode: the ceiling, an express 5 app tuned as ours is, sending our captured answers. */
function ceiling(bodiesFile: string): void {
  const t0 = performance.now();
  const [auths, provs] = (JSON.parse(readFileSync(bodiesFile, "utf8")) as string[][]).map((list) => list.map((b) => JSON.parse(b) as unknown));
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");
  app.get("/api/v1/authorizations/:id", (req, res) => {
    res.json(auths[Number(req.params.id) % auths.length]);
  });
  app.get("/api/v1/products/:id/provenance", (req, res) => {
    res.json(provs[Number(req.params.id) % provs.length]);
  });
  const server = app.listen(0, "127.0.0.1", () => process.send?.({ port: (server.address() as AddressInfo).port, readyMs: performance.now() - t0 }));
  answerParent();
  process.once("SIGTERM", () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}

if (process.argv[2] === "--serve") {
  serve(JSON.parse(process.argv[3]) as Parameters<typeof serve>[0]).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else if (process.argv[2] === "--ceiling") {
  ceiling(process.argv[3]);
} else {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
