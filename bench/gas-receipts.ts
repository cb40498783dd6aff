/**
 * Gas of anchoring usage receipts (ReceiptAnchor) by batch size, on the in-process Hardhat
 * network. One anchoring costs the same whatever the batch holds (a root, a count, a time range),
 * so the cost per receipt falls with the batch size. Also prints the gas of an on-chain
 * `verifyReceipt` (it grows with the proof, log2 of the batch) and the time to build the tree
 * with every proof off chain. Prints a table; asserts nothing.
 *
 *   npx hardhat run bench/gas-receipts.ts
 */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { deployWorld, h } from "../test/helpers/fixture";
import { batchRequest, buildBatch, pseudonymousConsumer, purposeDigest, type Receipt } from "../scripts/lib/receipts";

const SIZES = [1, 16, 256, 4096];

async function main(): Promise<void> {
  const w = await deployWorld();
  const { authority, platformNode } = w.signers;
  await w.participants.connect(authority).addSigner(w.ids.operatorA, platformNode.address);
  const anchor = w.receipts.connect(platformNode);
  const deployTx = await ethers.provider.getTransactionReceipt(w.deployment.contracts.ReceiptAnchor.txHash);

  let serial = 0;
  const receipts = async (n: number): Promise<Receipt[]> => {
    const now = await time.latest();
    return Array.from({ length: n }, (_, i) => {
      const k = serial++;
      return {
        id: h(`receipt-${k}`),
        nodeId: w.ids.operatorA,
        authorizationId: 1n,
        scenarioId: 1n,
        productId: 1n,
        resourceIds: [],
        consumer: pseudonymousConsumer(h(`salt-${k}`), `user-${k}`),
        purpose: purposeDigest("企业信用评估"),
        recordCount: 25n,
        requestDigest: h(`request-${k}`),
        resultDigest: h(`result-${k}`),
        chargingBasis: "Commercial",
        timestamp: now - 3600 + Math.floor((i * 3600) / n),
      };
    });
  };

  let sequence = 0n;
  const anchorGas = async (batch: ReturnType<typeof buildBatch>): Promise<bigint> => {
    const receipt = await (await anchor.anchorBatch(batchRequest(batch, ++sequence))).wait();
    return receipt!.gasUsed;
  };

  // The node's first batch also creates its sequence slot; later batches only update it.
  const firstGas = await anchorGas(buildBatch(await receipts(1)));

  const rows: string[][] = [];
  for (const n of SIZES) {
    const list = await receipts(n);
    const started = performance.now();
    const batch = buildBatch(list);
    const buildMs = performance.now() - started;
    const gas = await anchorGas(batch);
    const last = batch.receipts.length - 1;
    const verifyGas = await w.receipts.verifyReceipt.estimateGas(batch.leaves[last], batch.proofs[last], w.ids.operatorA, sequence);
    rows.push([
      String(n),
      gas.toString(),
      (Number(gas) / n).toFixed(n >= 256 ? 2 : 1),
      String(batch.proofs[last].length),
      verifyGas.toString(),
      buildMs.toFixed(0),
    ]);
  }

  console.log(`ReceiptAnchor deployment: ${deployTx!.gasUsed} gas`);
  console.log(`first batch of a node (creates its sequence slot): ${firstGas} gas\n`);
  const head = ["receipts", "gas/batch", "gas/receipt", "proof len", "verifyReceipt gas", "tree+proofs ms"];
  const table = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...table.map((r) => r[i].length)));
  for (const [i, r] of table.entries()) {
    console.log(r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join("  "));
    if (i === 0) console.log(widths.map((wd) => "-".repeat(wd)).join("  "));
  }
  console.log("\nverifyReceipt gas: eth_estimateGas of the view as a transaction (21000 intrinsic included).");
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
