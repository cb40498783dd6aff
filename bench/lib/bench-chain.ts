/**
 * The bench chains at three sizes, cached as anvil state snapshots in the bench's own cache dir
 * (BENCH_CACHE, default `bench/.cache`, git-ignored). A snapshot is keyed by its size, the
 * generator's version, the anvil binary and the compiled contracts; a stale snapshot of the same
 * size is deleted when a new one is saved, and nothing else in the cache dir is touched.
 *
 *   <BENCH_CACHE>/chain-<records>-<key>/state.json        anvil --load-state file
 *   <BENCH_CACHE>/chain-<records>-<key>/deployment.json   the deployment (DEPLOYMENT_FILE)
 *   <BENCH_CACHE>/chain-<records>-<key>/stats.json        what the generator made
 *
 * Sizes (RECORDS, about that many events): 10k, 100k are generated through transactions
 * (bench/lib/chain.ts); the 1M chain is generated the same way when RECORDS_MODE=tx, else by the
 * cheaper path described in `generateLarge` (the same lifecycle, receipt batches filling the rest).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { JsonRpcProvider } from "ethers";
import { loadProfile } from "../../policy/profile";
import { deployProvenantWith, type Deployment } from "../../scripts/lib/deploy";
import { ANVIL_BIN, ROOT, startAnvil, type Anvil } from "../../test/service/follower.helpers";
import { DAY, generateCity, type CityStats } from "./chain";

/** Bumped whenever the generator changes what it sends (old snapshots then regenerate). */
const GENERATOR_VERSION = 1;

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
    .update(JSON.stringify({ records, txPerBlock, buildInfo, anvil: statSync(ANVIL_BIN).size, v: GENERATOR_VERSION }))
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
    const anvil = await startAnvil(["--disable-block-gas-limit", "--load-state", stateFile], 600_000);
    const head = Number(await anvil.rpc<string>("eth_blockNumber"));
    log(`loaded the bench chain (head ${head}) from ${dir} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    return {
      anvil,
      deployment: JSON.parse(readFileSync(deploymentFile, "utf8")) as Deployment,
      deploymentFile,
      stats: JSON.parse(readFileSync(statsFile, "utf8")) as CityStats,
      dir,
    };
  }

  // A chain clock ~400 days behind the wall clock: the year is walked forward from there.
  const genesis = Math.floor(Date.now() / 1000) - 400 * DAY;
  const anvil = await startAnvil(["--disable-block-gas-limit", "--timestamp", String(genesis)]);
  try {
    const provider = new JsonRpcProvider(anvil.url, undefined, { staticNetwork: true, cacheTimeout: -1, pollingInterval: 20 });
    const profile = loadProfile("huizhou");
    const { deployment } = await deployProvenantWith(await provider.getSigner(0), { profile });
    provider.destroy();
    const stats = await generateCity(anvil.url, deployment, profile, { events: opts.records, txPerBlock, log });
    log(`generated ${stats.events} events in ${stats.txs} transactions, ${stats.blocks} blocks, in ${stats.seconds.toFixed(0)} s (${Math.round(stats.events / stats.seconds)} events/s)`);

    // anvil_dumpState answers gzipped JSON as hex; --load-state reads plain JSON.
    const state = gunzipSync(Buffer.from((await anvil.rpc<string>("anvil_dumpState", [])).slice(2), "hex"));
    mkdirSync(dir, { recursive: true });
    writeFileSync(deploymentFile, JSON.stringify(deployment, null, 2));
    writeFileSync(statsFile, JSON.stringify(stats, null, 2));
    // Written last and renamed into place: a half-written snapshot is never loaded.
    writeFileSync(`${stateFile}.tmp`, state);
    renameSync(`${stateFile}.tmp`, stateFile);
    log(`saved the bench chain to ${dir} (${(state.length / 1e6).toFixed(0)} MB)`);
    // Older snapshots of this size (other contracts or generator): ours, and stale.
    for (const entry of readdirSync(BENCH_CACHE)) {
      const other = path.join(BENCH_CACHE, entry);
      if (entry.startsWith(`chain-${opts.records}-`) && other !== dir) rmSync(other, { recursive: true, force: true });
    }
    return { anvil, deployment, deploymentFile, stats, dir };
  } catch (err) {
    await anvil.stop();
    throw err;
  }
}
