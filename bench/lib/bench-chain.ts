/**
 * The bench chains at three sizes, cached as anvil state snapshots in the bench's own cache dir
 * (BENCH_CACHE, default `bench/.cache`, git-ignored). A snapshot is keyed by its size, the
 * generator's version, the anvil binary and the compiled contracts; a stale snapshot of the same
 * size is deleted when a new one is saved, and nothing else in the cache dir is touched.
 *
 *   <BENCH_CACHE>/chain-<records>-<key>/state.json        anvil --load-state file
 *   <BENCH_CACHE>/chain-<records>-<key>/deployment.json   the deployment (DEPLOYMENT_FILE)
 *   <BENCH_CACHE>/chain-<records>-<key>/stats.json        what the generator made
 *   <BENCH_CACHE>/chain-<records>-<key>/events.jsonl      its decoded ranges (bench/apply-events.ts)
 *
 * Sizes (RECORDS, about that many events): 10k, 100k are generated through transactions
 * (bench/lib/chain.ts); the 1M chain is generated the same way when RECORDS_MODE=tx, else by the
 * cheaper path described in `generateLarge` (the same lifecycle, receipt batches filling the rest).
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { JsonRpcProvider } from "ethers";
import { loadProfile } from "../../policy/profile";
import { deployProvenantWith, type Deployment } from "../../scripts/lib/deploy";
import { ANVIL_BIN, ROOT, startAnvil, type Anvil } from "../../test/service/follower.helpers";
import { DAY, extendWithBatches, generateCity, type CityStats } from "./chain";

/** Bumped whenever the generator changes what it sends (old snapshots then regenerate). */
const GENERATOR_VERSION = 1;
/**
 * The large size's own part of the key (sizes above LARGE only): 3 since its blocks are checked
 * by their logs, come every 30 minutes of chain time, and its snapshot is anvil's own
 * --dump-state without call traces (a 1M chain is complete, not cut short by a deadline as
 * version 1's were).
 */
const LARGE_VERSION = 3;

/**
 * Above this many records the chain is made by a cheaper path: through transactions the city
 * generates at ~360 events/s here (2 shared cores; mostly anvil's evm_mine), so 1M events would
 * take over 45 minutes. The large chain is instead the 100k chain (its snapshot loaded: the same
 * year of lifecycle) followed by a month of heavy use up to the wall clock: its platform nodes
 * anchor a batch every ~10 s each, real `anchorBatch` transactions from the nodes' bound keys with
 * usage counts of the city's products and scenarios, a block per two hours of chain time
 * (thousands of transactions each). The event mix is then ~94% BatchAnchored (the 100k chain:
 * ~44%). These blocks are checked by their logs (ChainWriter.check), which keeps the extension
 * at ~1,600-2,200 events/s: 900k batches in ~8-10 minutes. RECORDS_MODE=tx generates the large
 * size through the whole lifecycle instead (slow).
 *
 * Its snapshot (~5-6 GB of JSON) is written by anvil itself on exit (--dump-state): the
 * anvil_dumpState answer, gzipped hex in one JSON-RPC string, would be longer than a V8 string.
 */
export const LARGE = 300_000;

export const BENCH_CACHE = path.resolve(process.env.BENCH_CACHE ?? path.join(ROOT, "bench/.cache"));

export interface BenchChain {
  anvil: Anvil;
  deployment: Deployment;
  deploymentFile: string;
  stats: CityStats;
  dir: string;
}

export interface BenchChainOptions {
  records: number;
  txPerBlock?: number;
  /** Regenerate even when a snapshot exists. */
  fresh?: boolean;
  log?: (line: string) => void;
}

function chainKey(records: number, txPerBlock: number): string {
  const buildInfo = readdirSync(path.join(ROOT, "artifacts/build-info")).sort().join(",");
  return createHash("sha256")
    .update(JSON.stringify({ records, txPerBlock, buildInfo, anvil: statSync(ANVIL_BIN).size, v: GENERATOR_VERSION, ...(records > LARGE ? { mode: process.env.RECORDS_MODE ?? "cheap", large: LARGE_VERSION } : {}) }))
    .digest("hex")
    .slice(0, 12);
}

/** Where the snapshot of `records` lives (whether or not it exists yet). */
export function benchChainDir(records: number, txPerBlock = 500): string {
  return path.join(BENCH_CACHE, `chain-${records}-${chainKey(records, txPerBlock)}`);
}

/** Starts anvil on the cached chain of `records`, generating and saving it first if needed. */
export async function benchChain(opts: BenchChainOptions): Promise<BenchChain> {
  const log = opts.log ?? console.log;
  const txPerBlock = opts.txPerBlock ?? 500;
  const dir = benchChainDir(opts.records, txPerBlock);
  const stateFile = path.join(dir, "state.json");
  const deploymentFile = path.join(dir, "deployment.json");
  const statsFile = path.join(dir, "stats.json");

  if (!opts.fresh && existsSync(stateFile) && existsSync(deploymentFile) && existsSync(statsFile)) {
    const t = performance.now();
    // --prune-history: each block mined on a loaded chain (the bench mines empty ones) would otherwise keep a copy of the whole state (16 GB at 1M).
    const anvil = await startAnvil(["--disable-block-gas-limit", "--prune-history", "--load-state", stateFile], 600_000);
    const head = Number(await anvil.rpc<string>("eth_blockNumber"));
    log(`loaded the bench chain (head ${head}) from ${dir} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const deployment = JSON.parse(readFileSync(deploymentFile, "utf8")) as Deployment;
    const stats = JSON.parse(readFileSync(statsFile, "utf8")) as CityStats;
    if (stats.events >= opts.records || stats.toppedUp !== undefined) return { anvil, deployment, deploymentFile, stats, dir };
    // A snapshot saved before the top-up below existed: top it up and save it again.
    try {
      return await save(anvil, deployment, await topUp(anvil, deployment, stats));
    } catch (err) {
      await anvil.stop();
      throw err;
    }
  }

  /**
   * The generator sizes the city by an estimate of events per developer; it lands within ~15%
   * below `records`. The rest is a week of the nodes' receipt batches after the year, so every
   * size holds at least `records` events.
   */
  async function topUp(anvil: Anvil, deployment: Deployment, stats: CityStats): Promise<CityStats> {
    const missing = opts.records - stats.events;
    if (missing <= 0) return { ...stats, toppedUp: 0 };
    const more = await extendWithBatches(anvil.url, deployment, { events: missing, until: stats.chainEnd + 7 * DAY, txPerBlock: 4000, log });
    log(`topped up with ${more.events} events (receipt batches of a week) in ${more.seconds.toFixed(0)} s`);
    const head = await anvil.rpc<{ timestamp: string }>("eth_getBlockByNumber", ["latest", false]);
    return {
      ...stats,
      events: stats.events + more.events,
      txs: stats.txs + more.txs,
      blocks: stats.blocks + more.blocks,
      batches: stats.batches + more.txs,
      byEvent: { ...stats.byEvent, BatchAnchored: (stats.byEvent.BatchAnchored ?? 0) + more.events },
      chainEnd: Number(head.timestamp),
      seconds: stats.seconds + more.seconds,
      toppedUp: more.events,
    };
  }

  let anvil: Anvil;
  let deployment: Deployment;
  let stats: CityStats;
  /** Whether anvil writes `<state>.tmp` when it exits (the large size). */
  let dumpsOnExit = false;
  if (opts.records > LARGE && process.env.RECORDS_MODE !== "tx") {
    // The cheaper path: the 100k city, then a month of heavy anchoring up to the wall clock.
    // anvil is restarted on the 100k snapshot set to dump its state on exit (see save).
    const base = await benchChain({ ...opts, records: 100_000, fresh: false });
    await base.anvil.stop();
    mkdirSync(dir, { recursive: true });
    rmSync(`${stateFile}.tmp`, { force: true });
    // --prune-history: anvil otherwise keeps a copy of the state for each of its recent blocks,
    // each holding every batch root so far (7 GB of memory at 400k events, growing).
    // --state-interval of a year: with --dump-state anvil also dumps every minute (the whole
    // chain, GBs, while it holds off the transactions sent meanwhile); once on exit is enough.
    anvil = await startAnvil(["--disable-block-gas-limit", "--prune-history", "--state-interval", String(365 * DAY), "--load-state", path.join(base.dir, "state.json"), "--dump-state", `${stateFile}.tmp`], 600_000);
    dumpsOnExit = true;
    deployment = base.deployment;
    try {
      // EXTEND_MINUTES bounds the generation: the chain then holds what was reached (stats.events).
      const minutes = Number(process.env.EXTEND_MINUTES ?? 0);
      const deadline = minutes > 0 ? Date.now() + minutes * 60_000 : undefined;
      // A block every 30 minutes (~670 batches each): denser blocks make single eth_getLogs
      // answers of 100k+ logs, which took anvil past 20 GB of memory when indexed.
      const more = await extendWithBatches(anvil.url, deployment, { events: opts.records - base.stats.events, txPerBlock: 4000, everyHours: 0.5, log, deadline });
      stats = { ...base.stats, events: base.stats.events + more.events, txs: base.stats.txs + more.txs, blocks: base.stats.blocks + more.blocks, batches: base.stats.batches + more.txs, seconds: base.stats.seconds + more.seconds, ms: more.ms, extendedFrom: base.dir, toppedUp: 0 };
      stats.byEvent = { ...base.stats.byEvent, BatchAnchored: (base.stats.byEvent.BatchAnchored ?? 0) + more.events };
      stats.chainEnd = Number((await anvil.rpc<{ timestamp: string }>("eth_getBlockByNumber", ["latest", false])).timestamp);
      log(`extended by ${more.events} events in ${more.txs} transactions, ${more.blocks} blocks, in ${more.seconds.toFixed(0)} s (${Math.round(more.events / more.seconds)} events/s)`);
    } catch (err) {
      await anvil.stop();
      throw err;
    }
  } else {
    // A chain clock ~400 days behind the wall clock: the year is walked forward from there.
    const genesis = Math.floor(Date.now() / 1000) - 400 * DAY;
    anvil = await startAnvil(["--disable-block-gas-limit", "--timestamp", String(genesis)]);
    try {
      const provider = new JsonRpcProvider(anvil.url, undefined, { staticNetwork: true, cacheTimeout: -1, pollingInterval: 20 });
      const profile = loadProfile("huizhou");
      deployment = (await deployProvenantWith(await provider.getSigner(0), { profile })).deployment;
      provider.destroy();
      stats = await generateCity(anvil.url, deployment, profile, { events: opts.records, txPerBlock, log });
      stats = await topUp(anvil, deployment, stats);
      log(`generated ${stats.events} events in ${stats.txs} transactions, ${stats.blocks} blocks, in ${stats.seconds.toFixed(0)} s (${Math.round(stats.events / stats.seconds)} events/s)`);
    } catch (err) {
      await anvil.stop();
      throw err;
    }
  }
  try {
    return await save(anvil, deployment, stats);
  } catch (err) {
    await anvil.stop();
    throw err;
  }

  async function save(anvil: Anvil, deployment: Deployment, stats: CityStats): Promise<BenchChain> {
    mkdirSync(dir, { recursive: true });
    writeFileSync(deploymentFile, JSON.stringify(deployment, null, 2));
    let bytes: number;
    if (dumpsOnExit) {
      // anvil writes its state (plain JSON) when it exits on SIGINT; then it is started again on it.
      const t = performance.now();
      const exited = new Promise<number | null>((r) => anvil.proc.once("exit", (code) => r(code)));
      anvil.proc.kill("SIGINT");
      const code = await exited;
      if (!existsSync(`${stateFile}.tmp`)) throw new Error(`anvil exited (${code}) without dumping its state to ${stateFile}.tmp`);
      const dumped = statSync(`${stateFile}.tmp`).size;
      log(`anvil dumped the chain (${(dumped / 1e6).toFixed(0)} MB) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      const t2 = performance.now();
      bytes = await withoutTraces(`${stateFile}.tmp`, `${stateFile}.notraces`);
      renameSync(`${stateFile}.notraces`, `${stateFile}.tmp`);
      log(`dropped the call traces: ${(bytes / 1e6).toFixed(0)} MB left, in ${((performance.now() - t2) / 1000).toFixed(1)} s`);
    } else {
      // anvil_dumpState answers gzipped JSON as hex; --load-state reads plain JSON.
      const state = gunzipSync(Buffer.from((await anvil.rpc<string>("anvil_dumpState", [])).slice(2), "hex"));
      bytes = state.length;
      writeFileSync(`${stateFile}.tmp`, state);
    }
    // Renamed into place, stats last: a half-written snapshot is never loaded.
    renameSync(`${stateFile}.tmp`, stateFile);
    writeFileSync(statsFile, JSON.stringify(stats, null, 2));
    log(`saved the bench chain to ${dir} (${(bytes / 1e6).toFixed(0)} MB)`);
    if (dumpsOnExit) {
      const t = performance.now();
      anvil = await startAnvil(["--disable-block-gas-limit", "--load-state", stateFile], 600_000);
      log(`loaded it again in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    // Older snapshots of this size (other contracts or generator): ours, and stale.
    for (const entry of readdirSync(BENCH_CACHE)) {
      const other = path.join(BENCH_CACHE, entry);
      if (entry.startsWith(`chain-${opts.records}-`) && other !== dir) rmSync(other, { recursive: true, force: true });
    }
    // An index left from before the top-up is of another chain: drop it.
    rmSync(path.join(dir, "index"), { recursive: true, force: true });
    return { anvil, deployment, deploymentFile, stats, dir };
  }
}

/**
 * Copies anvil's state dump `from` to `to` with every transaction's call traces emptied
 * (`"traces":[...]` becomes `"traces":[]`); resolves with the size written. The traces are half
 * the dump and more of anvil's memory once loaded (the 1M chain's took it past 15 GB), and serve
 * only anvil's trace and debug methods: a chain loaded without them answers blocks,
 * transactions, receipts and logs as before (checked on the 10k chain: the same logs and
 * receipts). Streams: the dump is GBs, more than one string holds.
 */
export async function withoutTraces(from: string, to: string): Promise<number> {
  const key = Buffer.from('"traces":[');
  const input = createReadStream(from, { highWaterMark: 1 << 22 });
  const output = createWriteStream(to);
  let written = 0;
  const write = async (chunk: Buffer): Promise<void> => {
    written += chunk.length;
    if (!output.write(chunk)) await once(output, "drain");
  };
  // Outside a trace list, `carry` holds the last bytes that could start the key; inside, the
  // list's bracket depth and whether the scan is within a JSON string.
  let carry = Buffer.alloc(0);
  let depth = 0;
  let inString = false;
  let escaped = false;
  for await (const piece of input) {
    const buf = Buffer.concat([carry, piece as Buffer]);
    carry = Buffer.alloc(0);
    let start = 0;
    for (;;) {
      if (depth === 0) {
        const at = buf.indexOf(key, start);
        if (at < 0) {
          // Keep what could be the key's beginning for the next piece.
          const keep = Math.max(start, buf.length - key.length + 1);
          await write(buf.subarray(start, keep));
          carry = Buffer.from(buf.subarray(keep));
          break;
        }
        await write(buf.subarray(start, at + key.length));
        await write(Buffer.from("]"));
        depth = 1;
        start = at + key.length;
      }
      let i = start;
      for (; i < buf.length && depth > 0; i++) {
        const c = buf[i];
        if (inString) {
          if (escaped) escaped = false;
          else if (c === 0x5c) escaped = true;
          else if (c === 0x22) inString = false;
        } else if (c === 0x22) inString = true;
        else if (c === 0x5b) depth++;
        else if (c === 0x5d) depth--;
      }
      if (depth > 0) break; // the list goes on in the next piece
      start = i;
    }
  }
  if (depth !== 0) throw new Error(`${from}: a trace list does not end`);
  await write(carry);
  output.end();
  await once(output, "finish");
  return written;
}

export interface BenchIndex extends BenchChain {
  /** The LevelDB index of the chain with every view (DATA_DIR for the service). */
  indexDir: string;
}

/**
 * The bench chain of `records` running on anvil, plus its index with all views at
 * `<chain dir>/index`, built now (in this process) if bench/indexer.ts has not left one. For the
 * API bench: serve `indexDir` with RPC_URL=anvil.url and DEPLOYMENT_FILE=deploymentFile; stop
 * anvil when done. The index is checked against the chain at open like any index (identity).
 */
export async function benchIndex(opts: BenchChainOptions): Promise<BenchIndex> {
  const log = opts.log ?? console.log;
  const chain = await benchChain(opts);
  const indexDir = path.join(chain.dir, "index");
  try {
    if (!existsSync(path.join(indexDir, "CURRENT"))) {
      const { startIndexer } = await import("../../ledger-service/src/runtime/service");
      const { createViews } = await import("../../ledger-service/src/views");
      const { testCommon } = await import("../../test/service/follower.helpers");
      const head = Number(await chain.anvil.rpc<string>("eth_blockNumber"));
      const t = performance.now();
      const common = testCommon({ RPC_URL: chain.anvil.url, DEPLOYMENT_FILE: chain.deploymentFile, DATA_DIR: indexDir, RPC_TIMEOUT_MS: "600000" });
      const indexer = await startIndexer(common, { views: createViews(chain.deployment.profile.body), deployment: chain.deployment });
      for (;;) {
        const h = indexer.health();
        if (h.status === "failed") throw new Error(h.lastError?.message);
        if (h.indexedBlock === head) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await indexer.stop();
      log(`indexed the bench chain into ${indexDir} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    return { ...chain, indexDir };
  } catch (err) {
    await chain.anvil.stop();
    throw err;
  }
}
