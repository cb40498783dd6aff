/**
 * The views' own cost, without RPC, decoding or the follower: a bench chain's decoded ranges,
 * captured once, applied in-process to a fresh store with every view, as the follower hands them
 * while catching up (`overlap` on, every block final). What `bench/indexer.ts` cannot show apart
 * from the reads: used to decide the changes to the views and the store (docs/PERFORMANCE.md, "Indexer").
 *
 *   1. capture (when `<chain dir>/events.jsonl` is missing): the indexer with no views over the
 *      cached bench chain of RECORDS (bench/lib/bench-chain.ts), one line per range as applied
 *      (delete the file to capture again, e.g. after a change of the decoder);
 *   2. ROUNDS rounds, each in this process on a fresh index under the chain dir (removed after):
 *      wall time, CPU of the process (all threads), the store's view time, the process's peak RSS so
 *      far, load average before and after.
 *
 *   RECORDS=100000 npx ts-node --transpile-only bench/apply-events.ts       # ROUNDS=3
 *   CPU_PROFILE=/tmp/apply.cpuprofile …                                     # profile of the last round
 *
 * To compare two commits, run it alternately from two checkouts over the same capture (BENCH_CACHE
 * pointing at one cache): each round prints its load average beside its figures. Asserts nothing.
 */
import { createReadStream, createWriteStream, existsSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import pino from "pino";
import type { FollowerEvent } from "../ledger-service/src/chain/follower";
import { loadConfig } from "../ledger-service/src/runtime/config";
import { loadDeployment } from "../ledger-service/src/runtime/deployment";
import { startIndexer } from "../ledger-service/src/runtime/service";
import { openStore, type BlockRef } from "../ledger-service/src/store/db";
import type { ChainEvent } from "../ledger-service/src/store/types";
import { createViews } from "../ledger-service/src/views";
import { benchChain, benchChainDir } from "./lib/bench-chain";

const RECORDS = Number(process.env.RECORDS ?? 100_000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const logger = pino({ level: "silent" });
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(" ");

type Range = { blocks: BlockRef[]; events: ChainEvent[] };

/** Indexes the chain with no views and writes each applied range's blocks and decoded events. */
async function capture(file: string): Promise<void> {
  const chain = await benchChain({ records: RECORDS });
  const dataDir = path.join(chain.dir, "capture-index");
  const tmp = `${file}.tmp`;
  const out = createWriteStream(tmp);
  let events = 0;
  try {
    const config = loadConfig({
      LOG_LEVEL: "silent", CONFIRMATIONS: "0", POLL_INTERVAL_MS: "20", RPC_TIMEOUT_MS: "600000",
      RPC_URL: chain.anvil.url, DEPLOYMENT_FILE: chain.deploymentFile, DATA_DIR: dataDir,
    });
    const head = Number(await chain.anvil.rpc<string>("eth_blockNumber"));
    const onApplied = (e: FollowerEvent) => {
      if (e.type !== "block") return;
      out.write(`${JSON.stringify({ blocks: e.blocks, events: e.events } satisfies Range)}\n`);
      events += e.events.length;
    };
    const indexer = await startIndexer({ config, logger }, { views: [], deployment: chain.deployment, onApplied });
    while (indexer.health().indexedBlock !== head) {
      if (indexer.health().status === "failed") throw new Error(`capture failed: ${indexer.health().lastError?.message}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await indexer.stop();
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    renameSync(tmp, file);
    console.log(`captured ${events.toLocaleString("en-US")} decoded events into ${file}`);
  } finally {
    out.destroy();
    rmSync(tmp, { force: true });
    rmSync(dataDir, { recursive: true, force: true });
    await chain.anvil.stop();
  }
}

async function startProfiler(): Promise<(file: string) => Promise<void>> {
  const session = new Session();
  session.connect();
  const post = <T,>(method: string) =>
    new Promise<T>((resolve, reject) => session.post(method, {}, (err, res) => (err ? reject(err) : resolve(res as T))));
  await post("Profiler.enable");
  await post("Profiler.start");
  return async (file) => {
    const { profile } = await post<{ profile: object }>("Profiler.stop");
    session.disconnect();
    writeFileSync(file, JSON.stringify(profile));
  };
}

/** Applies every captured range to a fresh store, one line read and parsed at a time (as ranges arrive). */
async function applyOnce(file: string, dir: string, profile: string | undefined): Promise<void> {
  const deployment = loadDeployment(path.join(dir, "deployment.json"));
  const views = createViews(deployment.profile.body);
  const dataDir = path.join(dir, "apply-index");
  rmSync(dataDir, { recursive: true, force: true });
  const identity = { chainId: 0, startBlock: 0, startBlockHash: "0x", contracts: [], views: views.map((v) => v.name) };
  const { store } = await openStore({ logger }, { dataDir, identity });
  try {
    const stopProfiler = profile ? await startProfiler() : undefined;
    const loadBefore = load();
    const started = performance.now();
    const cpu = process.cpuUsage();
    let events = 0;
    let viewsMs = 0;
    let durable: Promise<void> = Promise.resolve();
    for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
      if (line === "") continue;
      const range = JSON.parse(line) as Range;
      const stats = await store.applyRange({ ...range, finalized: Number.MAX_SAFE_INTEGER, views, overlap: true });
      events += stats.events;
      viewsMs += stats.viewsMs;
      durable = stats.durable;
    }
    await durable;
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    await stopProfiler?.(profile!);
    console.log(
      `${events.toLocaleString("en-US")} events in ${(ms / 1000).toFixed(2)} s (${Math.round((events / ms) * 1000).toLocaleString("en-US")}/s), ` +
        `CPU ${((used.user + used.system) / 1e6).toFixed(2)} s, views ${(viewsMs / 1000).toFixed(2)} s, ` +
        `peak RSS so far ${Math.round(process.resourceUsage().maxRSS / 1024)} MB, load ${loadBefore} -> ${load()}`,
    );
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const dir = benchChainDir(RECORDS);
  const file = path.join(dir, "events.jsonl");
  if (!existsSync(file)) await capture(file);
  for (let round = 1; round <= ROUNDS; round++) {
    process.stdout.write(`round ${round}: `);
    await applyOnce(file, dir, round === ROUNDS ? process.env.CPU_PROFILE : undefined);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
