/**
 * One catch-up, run as a child process by bench/indexer.ts so that it can be timed from process
 * spawn as well as in-process, and so that its peak RSS is its own.
 *
 *   MODE=getlogs   eth_getLogs alone over the whole chain (the service's RPC client: the same JSON
 *                  parsing and validation), ranges grown as the follower grows them (from 16 blocks,
 *                  doubled on every second small answer); it halves its range only above 20,000
 *                  logs where the follower cuts ranges at 10,000, so its ranges are never smaller.
 *                  Nothing else.
 *   MODE=index     the indexer (ledger-service/src/runtime/service.ts startIndexer) with VIEWS
 *                  (all: the service's views; test: one put per event; none: decode only) into
 *                  DATA_DIR, until it has caught up with the head.
 *
 * Prints one line `RESULT {json}` the moment it has caught up (the parent stops its spawn clock
 * there), then `DONE {json}` with the index size and peak RSS after the store is closed.
 * Env: RPC_URL, DEPLOYMENT_FILE, DATA_DIR, VIEWS, MAX_BLOCK_RANGE, CPU_PROFILE.
 */
import { readdirSync, statSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { PerformanceObserver } from "node:perf_hooks";
import path from "node:path";
import pino from "pino";
import { everySecondGrowth } from "../../ledger-service/src/chain/follower";
import { createRpc } from "../../ledger-service/src/chain/rpc";
import { loadConfig } from "../../ledger-service/src/runtime/config";
import { loadDeployment } from "../../ledger-service/src/runtime/deployment";
import { startIndexer } from "../../ledger-service/src/runtime/service";
import type { View } from "../../ledger-service/src/store/types";

const spawnedAt = Number(process.env.SPAWNED_AT ?? Date.now());

/** Bytes under `dir`, recursively. */
export function dirSize(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? dirSize(p) : statSync(p).size;
  }
  return total;
}

async function startProfiler(): Promise<{ stop(file: string): Promise<void> }> {
  const session = new Session();
  session.connect();
  const post = <T,>(method: string, params?: object) =>
    new Promise<T>((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T))));
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval: 200 });
  await post("Profiler.start");
  return {
    async stop(file) {
      const { profile } = await post<{ profile: object }>("Profiler.stop");
      session.disconnect();
      writeFileSync(file, JSON.stringify(profile));
    },
  };
}

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });

async function getLogsAlone(): Promise<void> {
  const config = loadConfig({ LOG_LEVEL: "silent", ...process.env });
  const deployment = loadDeployment(config.DEPLOYMENT_FILE);
  const rpc = createRpc({ logger }, { url: config.RPC_URL, timeoutMs: 600_000 });
  const address = Object.values(deployment.contracts).map((c) => c.address.toLowerCase());
  const started = performance.now();
  const head = await rpc.eth_blockNumber();
  let range = 16;
  const growth = everySecondGrowth();
  let logs = 0;
  for (let from = deployment.startBlock; from <= head; ) {
    const to = Math.min(head, from + range - 1);
    const got = await rpc.eth_getLogs({ fromBlock: from, toBlock: to, address });
    logs += got.length;
    // Grown as the follower grows its range (ledger-service/src/chain/follower.ts): doubled on every
    // second answer of under 5,000 logs, one range held after a shrink. Halved only above 20,000,
    // where the follower cuts at 10,000.
    if (got.length > 20_000) {
      range = Math.max(1, Math.floor(range / 2));
      growth.reset();
    } else if (got.length < 5_000) {
      range = growth.next(range, config.MAX_BLOCK_RANGE);
    }
    from = to + 1;
  }
  const ms = performance.now() - started;
  console.log(`RESULT ${JSON.stringify({ mode: "getlogs", events: logs, ms, sinceSpawnMs: Date.now() - spawnedAt })}`);
  console.log(`DONE ${JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS })}`);
}

async function index(): Promise<void> {
  const config = loadConfig({ CONFIRMATIONS: "0", POLL_INTERVAL_MS: "20", LOG_LEVEL: "silent", RPC_TIMEOUT_MS: "600000", ...process.env });
  const deployment = loadDeployment(config.DEPLOYMENT_FILE);
  const mode = process.env.VIEWS ?? "all";
  let views: View[];
  if (mode === "all") {
    const { createViews } = await import("../../ledger-service/src/views");
    views = createViews(deployment.profile.body);
  } else if (mode === "none") {
    views = [];
  } else {
    const { testView } = await import("../../test/service/follower.helpers");
    views = [testView()];
  }
  const rpc = createRpc({ logger }, { url: config.RPC_URL, timeoutMs: 60_000 });
  const head = await rpc.eth_blockNumber();
  const profiler = process.env.CPU_PROFILE ? await startProfiler() : undefined;
  // Time the main thread spent in the collector's pauses (scavenges and the final pauses of
  // major collections), from the start of the indexer to caught up.
  let gcMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  gc.observe({ entryTypes: ["gc"] });
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const indexer = await startIndexer({ config, logger }, { views, deployment });
  for (;;) {
    const h = indexer.health();
    if (h.status === "failed") throw new Error(h.lastError?.message);
    if (h.indexedBlock === head) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuStart);
  gc.disconnect();
  const t = { ...indexer.timings(), gcMs };
  console.log(`RESULT ${JSON.stringify({ mode, events: t.events, ms, sinceSpawnMs: Date.now() - spawnedAt, cpuMs: (cpu.user + cpu.system) / 1000, timings: t })}`);
  await indexer.stop();
  if (profiler) await profiler.stop(process.env.CPU_PROFILE!);
  console.log(`DONE ${JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, indexBytes: dirSize(config.DATA_DIR) })}`);
}

(process.env.MODE === "getlogs" ? getLogsAlone() : index()).then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
