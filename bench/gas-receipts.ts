/**
 * Gas of anchoring usage receipts (ReceiptAnchor) by batch size, on the in-process Hardhat
 * network, beside the reference of a bare on-chain timestamp (EAS `timestamp(bytes32)`).
 *
 * For each size a fresh platform node anchors its first batch (it creates the node's slot and
 * asks the registry for the registration time) and then its second, the steady state every later
 * batch costs. Each batch's receipts name one product, one scenario and four resources, so its
 * usage counts are six words: what a node serving one product and some direct resource uses
 * publishes. Anchoring costs about the same whatever the batch holds (the words depend on what is
 * used, not on how often), so the cost per receipt falls with the batch size. Also prints the gas
 * of an on-chain `verifyReceipt` (it grows with the proof, log2 of the batch) and the time to build
 * the tree with every proof off chain. Figures are tx gas used (21,000 intrinsic and calldata
 * included). Prints a table; asserts nothing.
 *
 *   npx hardhat run bench/gas-receipts.ts
 */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { deployWorld, h, nextCreditCode, Kind } from "../test/helpers/fixture";
import { batchRequest, buildBatch, decodeUsageWord, type Receipt } from "../scripts/lib/receipts";
import { sampleReceipt } from "./sample-receipts";

const SIZES = [1, 256, 4096];
/**
 * EAS `timestamp(bytes32 data)` (ethereum-attestation-service/eas-contracts, EAS.sol): one new
 * storage slot and one event, the cheapest on-chain record of a hash. Tx gas used, measured on
 * this same Hardhat network (hardfork and calldata pricing) with the EAS contracts of v1.4.
 */
const EAS_TIMESTAMP_GAS = 45_864;

async function main(): Promise<void> {
  const w = await deployWorld();
  const { authority } = w.signers;
  const all = await ethers.getSigners();
  const deployTx = await ethers.provider.getTransactionReceipt(w.deployment.contracts.ReceiptAnchor.txHash);

  // One fresh operator node per size, registered before any of its receipts.
  const nodes: { id: bigint; key: (typeof all)[number] }[] = [];
  for (const [i] of SIZES.entries()) {
    const key = all[20 + i];
    await w.participants.connect(authority).register(Kind.Operator, `运营节点 ${i}`, nextCreditCode(), h(`node-${i}`), [key.address]);
    const id = await w.participants.participantCount();
    await w.participants.connect(authority).setPlatformNode(id, true);
    nodes.push({ id, key });
  }
  await time.increase(7200);

  let serial = 0;
  const receipts = async (nodeId: bigint, n: number): Promise<Receipt[]> => {
    const now = await time.latest();
    return Array.from({ length: n }, (_, i) =>
      sampleReceipt(String(serial++), i, nodeId, n === 1 ? now - 60 : now - 3600 + Math.floor((i * 3600) / n)),
    );
  };

  const rows: string[][] = [];
  let usageWords = 0;
  for (const [i, n] of SIZES.entries()) {
    const { id, key } = nodes[i];
    const anchor = w.receipts.connect(key);
    const gasOf = async (sequence: number) => {
      const list = await receipts(id, n);
      const started = performance.now();
      const batch = buildBatch(list);
      const buildMs = performance.now() - started;
      const rc = await (await anchor.anchorBatch(batchRequest(batch, sequence))).wait();
      usageWords = batch.usage.length;
      return { gas: rc!.gasUsed, batch, buildMs };
    };
    const first = await gasOf(1);
    await time.increase(60);
    const steady = await gasOf(2);
    const last = steady.batch.receipts.length - 1;
    const verifyGas = await w.receipts.verifyReceipt.estimateGas(steady.batch.leaves[last], steady.batch.proofs[last], id, 2n);
    const per = (g: bigint) => (Number(g) / n).toFixed(n >= 256 ? 1 : 0);
    rows.push([
      String(n),
      first.gas.toString(),
      steady.gas.toString(),
      per(steady.gas),
      (Number(steady.gas) / EAS_TIMESTAMP_GAS).toFixed(2),
      String(steady.batch.proofs[last].length),
      verifyGas.toString(),
      steady.buildMs.toFixed(0),
    ]);
    if (n === SIZES[SIZES.length - 1]) {
      const kinds = steady.batch.usage.map((u) => decodeUsageWord(u).kind);
      console.log(`usage words per batch: ${usageWords} (${kinds.join(", ")})`);
    }
  }

  console.log(`ReceiptAnchor deployment: ${deployTx!.gasUsed} gas`);
  console.log(`reference: EAS timestamp(bytes32) ${EAS_TIMESTAMP_GAS} gas (a new slot and an event)\n`);
  const head = ["receipts", "1st batch gas", "steady gas", "steady gas/receipt", "steady / EAS", "proof len", "verifyReceipt gas", "tree+proofs ms"];
  const table = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...table.map((r) => r[i].length)));
  for (const [i, r] of table.entries()) {
    console.log(r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join("  "));
    if (i === 0) console.log(widths.map((wd) => "-".repeat(wd)).join("  "));
  }
  console.log("\nSteady: a node's 2nd batch (and every later one). verifyReceipt gas: eth_estimateGas of the view as a transaction (21000 intrinsic included).");
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
