/**
 * Indexer catch-up speed: starts anvil, deploys through the production deploy path, generates
 * EVENTS registry events (participants registered and resources proposed, many transactions per
 * block with automine off), then indexes from scratch and prints events/s and where the time went.
 * The generated chain is kept as an anvil state snapshot in the OS temp dir and reused by later
 * runs with the same parameters (CHAIN_CACHE=off regenerates). Prints figures, asserts nothing.
 *
 *   npx ts-node --transpile-only bench/indexer.ts            # EVENTS=100000 by default
 *   EVENTS=20000 VIEWS=all npx ts-node --transpile-only bench/indexer.ts
 *   TAIL_BLOCKS=64 npx ts-node --transpile-only bench/indexer.ts   # every event below finality
 *
 * VIEWS=test (default): one put per event plus counters (the test view);
 * VIEWS=all: the service's real views (ledger-service/src/views); VIEWS=none: decode + checkpoint only.
 * CPU_PROFILE=/tmp/x.cpuprofile: a CPU profile of the indexing phase only (Chrome DevTools).
 * TAIL_BLOCKS (default 0): empty blocks mined before indexing. anvil calls blocks final 64 below
 * its head, so with 0 the newest 64 blocks of events are applied with undo records.
 */
import { createHash } from "node:crypto";
import { Session } from "node:inspector";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { Interface, hexlify, id as keccakText, randomBytes } from "ethers";
import { makeCreditCode } from "../scripts/lib/creditCode";
import { publicText } from "../scripts/lib/public-text";
import type { Deployment } from "../scripts/lib/deploy";
import { startIndexer } from "../ledger-service/src/runtime/service";
import type { View } from "../ledger-service/src/store/types";
import { ANVIL_BIN, ROOT, deployTestWorld, startAnvil, testCommon, testView, tmpDir, type Anvil } from "../test/service/follower.helpers";

const EVENTS = Number(process.env.EVENTS ?? 100_000);
const TX_PER_BLOCK = Number(process.env.TX_PER_BLOCK ?? 500);
/** Empty blocks mined after the events, so that they sit below the node's finalized block. */
const TAIL_BLOCKS = Number(process.env.TAIL_BLOCKS ?? 0);
/** "off" regenerates the chain even when a snapshot of the same parameters exists. */
const CHAIN_CACHE = process.env.CHAIN_CACHE ?? "on";

/** A file to write a CPU profile of the indexing phase to (open it in Chrome DevTools). */
const CPU_PROFILE = process.env.CPU_PROFILE;

async function startProfiler(): Promise<{ stop(file: string): Promise<string> }> {
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
      return file;
    },
  };
}

interface BenchChain {
  anvil: Anvil;
  deployment: Deployment;
  deploymentFile: string;
}

/**
 * The bench chain. Generating it costs about a minute per 100k events, so the first run dumps
 * anvil's state (blocks, receipts, logs) into a snapshot under the OS temp dir, keyed by the
 * parameters, the anvil binary and the compiled contracts; later runs load it in a few seconds.
 */
async function benchChain(): Promise<BenchChain> {
  const buildInfo = readdirSync(path.join(ROOT, "artifacts/build-info")).sort().join(",");
  const key = createHash("sha256")
    .update(JSON.stringify({ EVENTS, TX_PER_BLOCK, buildInfo, anvil: statSync(ANVIL_BIN).size, v: 1 }))
    .digest("hex")
    .slice(0, 16);
  const dir = path.join(os.tmpdir(), `provenant-bench-chain-${key}`);
  const stateFile = path.join(dir, "state.json");
  const deploymentFile = path.join(dir, "deployment.json");

  if (CHAIN_CACHE !== "off" && existsSync(stateFile) && existsSync(deploymentFile)) {
    const t = performance.now();
    const anvil = await startAnvil(["--disable-block-gas-limit", "--load-state", stateFile], 120_000);
    const head = Number(await anvil.rpc<string>("eth_blockNumber"));
    console.log(`loaded the bench chain (head ${head}) from ${dir} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    return { anvil, deployment: JSON.parse(readFileSync(deploymentFile, "utf8")) as Deployment, deploymentFile };
  }
  const anvil = await startAnvil(["--disable-block-gas-limit"]);
  try {
    return await generate(anvil, dir, stateFile, deploymentFile);
  } catch (err) {
    await anvil.stop();
    throw err;
  }
}

async function generate(anvil: Anvil, dir: string, stateFile: string, deploymentFile: string): Promise<BenchChain> {
  const world = await deployTestWorld(anvil.url, tmpDir("bench"));
  const authority = await world.authority.getAddress();
  const dept = await world.dept.getAddress();
  const pIface = world.contracts.participants.interface as unknown as Interface;
  const cIface = world.contracts.catalog.interface as unknown as Interface;
  const pAddr = world.deployment.contracts.ParticipantRegistry.address;
  const cAddr = world.deployment.contracts.ResourceCatalog.address;

  const genStart = performance.now();
  await anvil.rpc("evm_setAutomine", [false]);
  let nonceA = Number(await anvil.rpc<string>("eth_getTransactionCount", [authority, "pending"]));
  let nonceD = Number(await anvil.rpc<string>("eth_getTransactionCount", [dept, "pending"]));
  const pairs = Math.ceil(EVENTS / 3);
  // register emits ParticipantRegistered + SignerAdded, proposeResource ResourceProposed: 3 events per pair.
  const encode = (from: number, to: number): string =>
    JSON.stringify(
      Array.from({ length: to - from }, (_, j) => {
        const tx = from + j;
        const k = tx >> 1;
        const serial = 5_000_000 + k;
        const params =
          tx % 2 === 0
            ? {
                from: authority,
                to: pAddr,
                nonce: `0x${(nonceA++).toString(16)}`,
                gas: "0x100000",
                data: pIface.encodeFunctionData("register", [4, `运营机构 ${serial}`, makeCreditCode(serial), keccakText(`p${serial}`), [hexlify(randomBytes(20))]]),
              }
            : {
                from: dept,
                to: cAddr,
                nonce: `0x${(nonceD++).toString(16)}`,
                gas: "0x100000",
                data: cIface.encodeFunctionData("proposeResource", [
                  world.deptId,
                  [keccakText(`bench-${serial}`), 2, 2, 2, k % 2 === 0, 1, 2, keccakText(`meta-${serial}`)],
                  publicText({ name: `基准资源 ${serial}`, nameEn: `Bench resource ${serial}` }),
                ]),
              };
        return { jsonrpc: "2.0", id: j, method: "eth_sendTransaction", params: [params] };
      }),
    );
  const total = 2 * pairs;
  let body = encode(0, Math.min(TX_PER_BLOCK, total));
  for (let i = 0; i < total; i += TX_PER_BLOCK) {
    const sent = fetch(anvil.url, { method: "POST", headers: { "content-type": "application/json" }, body });
    // Encode the next block's transactions while anvil takes this one (node and anvil use separate cores).
    const next = i + TX_PER_BLOCK < total ? encode(i + TX_PER_BLOCK, Math.min(i + 2 * TX_PER_BLOCK, total)) : "";
    const answers = (await (await sent).json()) as { error?: { message: string } }[];
    const failed = answers.find((a) => a.error);
    if (failed) throw new Error(`eth_sendTransaction: ${failed.error!.message}`);
    await anvil.rpc("evm_mine", []);
    body = next;
  }
  await anvil.rpc("evm_setAutomine", [true]);
  const head = Number(await anvil.rpc<string>("eth_blockNumber"));
  console.log(`generated ${total} transactions in ${Math.ceil(total / TX_PER_BLOCK)} blocks (head ${head}) in ${((performance.now() - genStart) / 1000).toFixed(1)} s`);

  if (CHAIN_CACHE !== "off") {
    // anvil_dumpState answers gzipped JSON as hex; --load-state reads plain JSON.
    const state = gunzipSync(Buffer.from((await anvil.rpc<string>("anvil_dumpState", [])).slice(2), "hex"));
    mkdirSync(dir, { recursive: true });
    writeFileSync(deploymentFile, JSON.stringify(world.deployment, null, 2));
    // Written last and renamed into place: a half-written snapshot is never loaded.
    writeFileSync(`${stateFile}.tmp`, state);
    renameSync(`${stateFile}.tmp`, stateFile);
    console.log(`saved the bench chain to ${dir} (${(state.length / 1e6).toFixed(0)} MB)`);
    // Snapshots of other parameters or older contracts are half a gigabyte each: drop the stale ones.
    for (const entry of readdirSync(os.tmpdir())) {
      const other = path.join(os.tmpdir(), entry);
      if (entry.startsWith("provenant-bench-chain-") && other !== dir && Date.now() - statSync(other).mtimeMs > 3_600_000) {
        rmSync(other, { recursive: true, force: true });
      }
    }
  }
  return { anvil, deployment: world.deployment, deploymentFile: world.deploymentFile };
}

async function main() {
  const { anvil, deployment, deploymentFile } = await benchChain();
  try {
    if (TAIL_BLOCKS > 0) await anvil.rpc("anvil_mine", [`0x${TAIL_BLOCKS.toString(16)}`]);
    const head = Number(await anvil.rpc<string>("eth_blockNumber"));

    // ===== INDEX =====
    const mode = process.env.VIEWS ?? "test";
    let views: View[];
    if (mode === "all") {
      // Loaded lazily: the views belong to another stage and are not needed for the other modes.
      const { createViews } = (await import("../ledger-service/src/views")) as { createViews: (p: unknown) => View[] };
      views = createViews(deployment.profile.body);
    } else if (mode === "none") {
      views = [];
    } else {
      views = [testView()];
    }
    const common = testCommon({
      RPC_URL: anvil.url,
      DEPLOYMENT_FILE: deploymentFile,
      DATA_DIR: tmpDir("bench-index"),
      MAX_BLOCK_RANGE: process.env.MAX_BLOCK_RANGE ?? "2000",
      RPC_TIMEOUT_MS: "120000",
    });
    const profiler = CPU_PROFILE ? await startProfiler() : undefined;
    const started = performance.now();
    const cpuStart = process.cpuUsage();
    const indexer = await startIndexer(common, { views });
    for (;;) {
      const h = indexer.health();
      if (h.status === "failed") throw new Error(h.lastError?.message);
      if (h.indexedBlock === head) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const wall = performance.now() - started;
    const cpu = process.cpuUsage(cpuStart);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const t = indexer.timings();
    await indexer.stop();
    if (profiler) console.log(`cpu profile of the indexing: ${await profiler.stop(CPU_PROFILE!)}`);
    const rate = (t.events / wall) * 1000;
    const pct = (ms: number) => `${((ms / wall) * 100).toFixed(0)}%`.padStart(4);
    console.log(`\nindexed ${t.events} events (${t.logs} logs, ${t.ranges} ranges) with views=${mode} [${views.map((v) => v.name).join(", ")}]`);
    console.log(`  wall          ${(wall / 1000).toFixed(2)} s   ->  ${Math.round(rate)} events/s`);
    // CPU time barely depends on what else the machine runs; wall time does (2 shared cores).
    console.log(`  node cpu      ${(cpuMs / 1000).toFixed(2)} s        ->  ${Math.round((t.events / cpuMs) * 1000)} events per cpu-second (all threads; anvil not included)`);
    console.log(`  rpc wait      ${(t.rpcWaitMs / 1000).toFixed(2)} s ${pct(t.rpcWaitMs)}  (waiting for eth_getLogs + headers, incl. JSON parse and validation)`);
    console.log(`  rpc total     ${(t.rpcMs / 1000).toFixed(2)} s ${pct(t.rpcMs)}  (every call, including reads ahead that overlap the apply)`);
    console.log(`  decode        ${(t.decodeMs / 1000).toFixed(2)} s ${pct(t.decodeMs)}  (${Math.round((t.events / t.decodeMs) * 1000)} events/s)`);
    console.log(`  views         ${(t.viewsMs / 1000).toFixed(2)} s ${pct(t.viewsMs)}`);
    console.log(`  db batch      ${(t.dbMs / 1000).toFixed(2)} s ${pct(t.dbMs)}`);
    console.log(`  other         ${((wall - t.rpcWaitMs - t.decodeMs - t.viewsMs - t.dbMs) / 1000).toFixed(2)} s  (startup, identity check, polling)`);
    console.log(`  ${t.writes} view writes, ${t.undoEntries} undo entries (blocks above the node's finalized block)`);
  } finally {
    await anvil.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
