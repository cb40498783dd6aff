/**
 * Indexer catch-up speed: starts anvil, deploys through the production deploy path, generates
 * EVENTS registry events (participants registered and resources proposed, many transactions per
 * block with automine off), then indexes from scratch and prints events/s and where the time went.
 * Prints figures, asserts nothing.
 *
 *   npx ts-node --transpile-only bench/indexer.ts            # EVENTS=100000 by default
 *   EVENTS=20000 VIEWS=all npx ts-node --transpile-only bench/indexer.ts
 *
 * VIEWS=test (default): one put per event plus counters (the test view);
 * VIEWS=all: the service's real views (ledger-service/src/views); VIEWS=none: decode + checkpoint only.
 */
import { Interface, hexlify, id as keccakText, randomBytes } from "ethers";
import { makeCreditCode } from "../scripts/lib/creditCode";
import { startIndexer } from "../ledger-service/src/runtime/service";
import type { View } from "../ledger-service/src/store/types";
import { deployTestWorld, startAnvil, testCommon, testView, tmpDir } from "../test/service/follower.helpers";

const EVENTS = Number(process.env.EVENTS ?? 100_000);
const TX_PER_BLOCK = Number(process.env.TX_PER_BLOCK ?? 500);

async function main() {
  const anvil = await startAnvil(["--disable-block-gas-limit"]);
  try {
    const world = await deployTestWorld(anvil.url, tmpDir("bench"));
    const authority = await world.authority.getAddress();
    const dept = await world.dept.getAddress();
    const pIface = world.contracts.participants.interface as unknown as Interface;
    const cIface = world.contracts.catalog.interface as unknown as Interface;
    const pAddr = world.deployment.contracts.ParticipantRegistry.address;
    const cAddr = world.deployment.contracts.ResourceCatalog.address;

    // ===== GENERATE =====
    const genStart = performance.now();
    await anvil.rpc("evm_setAutomine", [false]);
    let nonceA = Number(await anvil.rpc<string>("eth_getTransactionCount", [authority, "pending"]));
    let nonceD = Number(await anvil.rpc<string>("eth_getTransactionCount", [dept, "pending"]));
    const txs: unknown[] = [];
    // register emits ParticipantRegistered + SignerAdded, proposeResource ResourceProposed: 3 events per pair.
    for (let k = 0; 3 * k < EVENTS; k++) {
      const serial = 5_000_000 + k;
      txs.push({
        from: authority,
        to: pAddr,
        nonce: `0x${(nonceA++).toString(16)}`,
        gas: "0x100000",
        data: pIface.encodeFunctionData("register", [4, `运营机构 ${serial}`, makeCreditCode(serial), keccakText(`p${serial}`), [hexlify(randomBytes(20))]]),
      });
      txs.push({
        from: dept,
        to: cAddr,
        nonce: `0x${(nonceD++).toString(16)}`,
        gas: "0x100000",
        data: cIface.encodeFunctionData("proposeResource", [
          world.deptId,
          [keccakText(`bench-${serial}`), 2, 2, 2, k % 2 === 0, 1, 2, keccakText(`meta-${serial}`)],
        ]),
      });
    }
    for (let i = 0; i < txs.length; i += TX_PER_BLOCK) {
      const chunk = txs.slice(i, i + TX_PER_BLOCK);
      const res = await fetch(anvil.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(chunk.map((tx, j) => ({ jsonrpc: "2.0", id: j, method: "eth_sendTransaction", params: [tx] }))),
      });
      const answers = (await res.json()) as { error?: { message: string } }[];
      const failed = answers.find((a) => a.error);
      if (failed) throw new Error(`eth_sendTransaction: ${failed.error!.message}`);
      await anvil.rpc("evm_mine", []);
    }
    await anvil.rpc("evm_setAutomine", [true]);
    const head = Number(await anvil.rpc<string>("eth_blockNumber"));
    const genMs = performance.now() - genStart;
    console.log(`generated ${txs.length} transactions in ${Math.ceil(txs.length / TX_PER_BLOCK)} blocks (head ${head}) in ${(genMs / 1000).toFixed(1)} s`);

    // ===== INDEX =====
    const mode = process.env.VIEWS ?? "test";
    let views: View[];
    if (mode === "all") {
      // Loaded lazily: the views belong to another stage and are not needed for the other modes.
      const { createViews } = (await import("../ledger-service/src/views")) as { createViews: (p: unknown) => View[] };
      views = createViews(world.deployment.profile.body);
    } else if (mode === "none") {
      views = [];
    } else {
      views = [testView()];
    }
    const common = testCommon({
      RPC_URL: anvil.url,
      DEPLOYMENT_FILE: world.deploymentFile,
      DATA_DIR: tmpDir("bench-index"),
      MAX_BLOCK_RANGE: process.env.MAX_BLOCK_RANGE ?? "2000",
      RPC_TIMEOUT_MS: "120000",
    });
    const started = performance.now();
    const indexer = await startIndexer(common, { views });
    for (;;) {
      const h = indexer.health();
      if (h.status === "failed") throw new Error(h.lastError?.message);
      if (h.indexedBlock === head) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const wall = performance.now() - started;
    const t = indexer.timings();
    await indexer.stop();
    const rate = (t.events / wall) * 1000;
    const pct = (ms: number) => `${((ms / wall) * 100).toFixed(0)}%`.padStart(4);
    console.log(`\nindexed ${t.events} events (${t.logs} logs, ${t.ranges} ranges) with views=${mode} [${views.map((v) => v.name).join(", ")}]`);
    console.log(`  wall          ${(wall / 1000).toFixed(2)} s   ->  ${Math.round(rate)} events/s`);
    console.log(`  rpc           ${(t.rpcMs / 1000).toFixed(2)} s ${pct(t.rpcMs)}  (eth_getLogs + headers, incl. JSON parse and validation)`);
    console.log(`  decode        ${(t.decodeMs / 1000).toFixed(2)} s ${pct(t.decodeMs)}  (${Math.round((t.events / t.decodeMs) * 1000)} events/s)`);
    console.log(`  views         ${(t.viewsMs / 1000).toFixed(2)} s ${pct(t.viewsMs)}`);
    console.log(`  db batch      ${(t.dbMs / 1000).toFixed(2)} s ${pct(t.dbMs)}`);
    console.log(`  other         ${((wall - t.rpcMs - t.decodeMs - t.viewsMs - t.dbMs) / 1000).toFixed(2)} s  (startup, identity check, polling)`);
  } finally {
    await anvil.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
