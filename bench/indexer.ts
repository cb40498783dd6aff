/**
 * Indexer catch-up against its own ceiling, on the realistic bench chain (bench/lib/chain.ts: a
 * city's year through the real contracts), at one or more sizes.
 *
 * Each round runs, interleaved and each in a fresh child process (bench/lib/index-child.ts):
 *   1. eth_getLogs alone over the whole chain (the service's RPC client, ranges grown as the follower's)
 *   2. the indexer with VIEWS (default all: the service's real views) from an empty index
 * and prints, with the load average beside them, both rates and their ratio timed in-process
 * (from startIndexer to caught up) and from process spawn (spawn to caught up: module loading,
 * store opening and the identity check included). Then per size: median ratio, index size on
 * disk, peak RSS of the indexer process. Prints figures, asserts nothing.
 *
 *   npx ts-node --transpile-only bench/indexer.ts                        # RECORDS=100000, 3 rounds
 *   SIZES=10000,100000,1000000 ROUNDS=2 npx ts-node --transpile-only bench/indexer.ts   # growth
 *   VIEWS=none|test|all  CPU_PROFILE=/tmp/idx.cpuprofile (indexer child, last round)
 *   VIEW_WORKER=usage    the usage view in a worker thread (default none: every view in the main thread)
 *   TAIL_BLOCKS=0        no empty blocks first (default 64: every event below anvil's finality)
 *
 * The chains are cached in BENCH_CACHE (default bench/.cache; see bench/lib/bench-chain.ts). The
 * index of the last round stays at `<chain dir>/index` for the API bench to serve (bench/api.ts with
 * SIZES=); every other index directory is removed, and none is made in the OS temp dir.
 */
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { benchChain } from "./lib/bench-chain";
import { ROOT } from "../test/service/follower.helpers";
import { median } from "./lib/median";

const SIZES = (process.env.SIZES ?? process.env.RECORDS ?? "100000").split(",").map((s) => Number(s.trim()));
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const VIEWS = process.env.VIEWS ?? "all";
/**
 * Empty blocks mined before indexing (default 64): anvil calls blocks final 64 below its head, and
 * the bench chain packs thousands of events into its last blocks (the top-up week), so without
 * them ~10% of the events would be applied with undo records, which a catch-up of a real chain
 * (thousands of blocks, 64 of them near the head) hardly does. TAIL_BLOCKS=0 measures that case.
 */
const TAIL_BLOCKS = Number(process.env.TAIL_BLOCKS ?? 64);
/** Issue 13's target: the indexer at least this share of the `eth_getLogs`-alone rate, timed both ways. */
const TARGET = 0.4;
/**
 * The issue sets that target on a realistic chain of at least this many events. A smaller chain's
 * catch-up (about a second at 10k) is printed for the growth figures: there it measures mostly a
 * fresh process's first pass over the code.
 */
const TARGET_MIN_EVENTS = 100_000;

interface ChildResult {
  events: number;
  ms: number;
  sinceSpawnMs: number;
  cpuMs?: number;
  timings?: Record<string, number>;
  maxRssKb: number;
  indexBytes?: number;
}

const load = () => os.loadavg().map((l) => l.toFixed(2)).join(" ");

/** Runs bench/lib/index-child.ts; resolves with its RESULT and DONE lines merged. */
function child(env: Record<string, string>): Promise<ChildResult & { spawnMs: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, "bench/lib/index-child.ts")], {
      cwd: ROOT,
      env: { ...process.env, ...env, SPAWNED_AT: String(Date.now()) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    let spawnMs = 0;
    let result: ChildResult | undefined;
    p.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const lines = out.split("\n");
      out = lines.pop() ?? "";
      for (const line of lines) {
        if (line.startsWith("RESULT ")) {
          spawnMs = performance.now() - t0;
          result = JSON.parse(line.slice(7)) as ChildResult;
        } else if (line.startsWith("DONE ")) {
          result = { ...result!, ...(JSON.parse(line.slice(5)) as Partial<ChildResult>) };
        }
      }
    });
    p.on("exit", (code) => {
      if (code !== 0 || !result) reject(new Error(`index-child ${env.MODE} exited with ${code}`));
      else resolve({ ...result, spawnMs });
    });
  });
}

const rate = (events: number, ms: number) => (events / ms) * 1000;
const fmt = (n: number) => Math.round(n).toLocaleString("en-US").padStart(8);

interface SizeSummary {
  records: number;
  events: number;
  ceilingIn: number;
  viewsIn: number;
  ratioIn: number;
  ratioSpawn: number;
  indexMb: number;
  rssMb: number;
  load: string;
}

async function benchSize(records: number): Promise<SizeSummary> {
  const chain = await benchChain({ records });
  const indexDir = path.join(chain.dir, "index");
  try {
    if (TAIL_BLOCKS > 0) await chain.anvil.rpc("anvil_mine", [`0x${TAIL_BLOCKS.toString(16)}`]);
    const env = { RPC_URL: chain.anvil.url, DEPLOYMENT_FILE: chain.deploymentFile, DATA_DIR: indexDir, VIEWS, MAX_BLOCK_RANGE: process.env.MAX_BLOCK_RANGE ?? "2000" };
    console.log(`\n== ${records} records: ${chain.stats.events} events, ${chain.stats.txs} transactions, ${chain.stats.blocks} blocks (+${TAIL_BLOCKS} empty); views=${VIEWS}, view worker ${process.env.VIEW_WORKER ?? "none"}, ${ROUNDS} interleaved rounds`);
    console.log("round  load(1/5/15)      getLogs ev/s (in / spawn)   indexer ev/s (in / spawn)   ratio in  spawn   rss MB  index MB");
    const ratiosIn: number[] = [];
    const ratiosSpawn: number[] = [];
    const ceilings: number[] = [];
    const indexers: number[] = [];
    let last: ChildResult | undefined;
    let lastLoad = "";
    for (let r = 1; r <= ROUNDS; r++) {
      const g = await child({ ...env, MODE: "getlogs" });
      rmSync(indexDir, { recursive: true, force: true });
      const i = await child({ ...env, MODE: "index", ...(r === ROUNDS && process.env.CPU_PROFILE ? { CPU_PROFILE: process.env.CPU_PROFILE } : {}) });
      const gIn = rate(g.events, g.ms);
      const gSpawn = rate(g.events, g.spawnMs);
      const iIn = rate(i.events, i.ms);
      const iSpawn = rate(i.events, i.spawnMs);
      ratiosIn.push(iIn / gIn);
      ratiosSpawn.push(iSpawn / gSpawn);
      ceilings.push(gIn);
      indexers.push(iIn);
      last = i;
      lastLoad = load();
      console.log(
        `${String(r).padStart(5)}  ${lastLoad.padEnd(16)} ${fmt(gIn)} / ${fmt(gSpawn)}        ${fmt(iIn)} / ${fmt(iSpawn)}       ${(iIn / gIn).toFixed(2).padStart(5)}  ${(iSpawn / gSpawn).toFixed(2).padStart(5)}  ${(i.maxRssKb / 1024).toFixed(0).padStart(6)}  ${((i.indexBytes ?? 0) / 1e6).toFixed(0).padStart(7)}`,
      );
    }
    const t = last!.timings!;
    const wall = last!.ms;
    const pct = (ms: number) => `${((ms / wall) * 100).toFixed(0)}%`.padStart(4);
    console.log(`last indexer round: ${last!.events} events, ${t.logs} logs, ${t.ranges} ranges, node cpu ${(last!.cpuMs! / 1000).toFixed(1)} s (${Math.round((last!.events / last!.cpuMs!) * 1000)} events per cpu-second)`);
    console.log(`  rpc wait ${pct(t.rpcWaitMs)}  decode ${pct(t.decodeMs)}  views ${pct(t.viewsMs)}  db batch ${pct(t.dbMs)}  gc pauses ${pct(t.gcMs)}   ${t.writes} view writes, ${t.undoEntries} undo entries`);
    const [medianIn, medianSpawn] = [median(ratiosIn), median(ratiosSpawn)];
    const verdict =
      last!.events >= TARGET_MIN_EVENTS
        ? `target >= ${TARGET} both ways: ${medianIn >= TARGET && medianSpawn >= TARGET ? "holds" : "MISSED"}`
        : `a growth figure: the target of ${TARGET} is set on chains of ${TARGET_MIN_EVENTS.toLocaleString("en-US")} events or more`;
    console.log(`median ratio ${medianIn.toFixed(2)} in-process, ${medianSpawn.toFixed(2)} from spawn (${verdict}); index kept at ${indexDir}`);
    return {
      records,
      events: last!.events,
      ceilingIn: median(ceilings),
      viewsIn: median(indexers),
      ratioIn: medianIn,
      ratioSpawn: medianSpawn,
      indexMb: (last!.indexBytes ?? 0) / 1e6,
      rssMb: last!.maxRssKb / 1024,
      load: lastLoad,
    };
  } finally {
    await chain.anvil.stop();
  }
}

async function main() {
  const summaries: SizeSummary[] = [];
  for (const records of SIZES) summaries.push(await benchSize(records));
  if (summaries.length > 1) {
    console.log(`\n== growth (views=${VIEWS}, medians of ${ROUNDS} rounds)`);
    console.log("records    events   getLogs ev/s  indexer ev/s  ratio in  spawn  index MB  peak RSS MB  load(1/5/15)");
    for (const s of summaries) {
      console.log(
        `${String(s.records).padStart(8)} ${String(s.events).padStart(9)} ${fmt(s.ceilingIn).padStart(13)} ${fmt(s.viewsIn).padStart(13)}  ${s.ratioIn.toFixed(2).padStart(8)}  ${s.ratioSpawn.toFixed(2).padStart(5)}  ${s.indexMb.toFixed(0).padStart(8)}  ${s.rssMb.toFixed(0).padStart(11)}  ${s.load}`,
      );
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
