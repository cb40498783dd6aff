/**
 * Building a batch's tree off chain: the fast encoder and tree (scripts/lib/receipt-tree.ts) that
 * the platform node's batcher and the verifier use, against the reference, @openzeppelin/
 * merkle-tree's `StandardMerkleTree.of` over the same receipts with the leaf encoding of
 * scripts/lib/receipts.ts. Each round times both on the same receipts, alternating which goes
 * first, and checks they agree on the root (the bench refuses to print a figure for a tree that
 * differs). Prints per size the median over rounds of: leaves and tree with every proof, in
 * milliseconds, receipts per second, and the speed-up over the reference, with the load average.
 * Asserts nothing.
 *
 *   npx ts-node --transpile-only bench/receipt-tree.ts          (SIZES=256,4096,16384 ROUNDS=5)
 */
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { RECEIPT_LEAF_ENCODING, receiptValues, type Receipt } from "../scripts/lib/receipts";
import { fastReceiptLeaf, merkleTree } from "../scripts/lib/receipt-tree";
import { sampleReceipt } from "./sample-receipts";

const SIZES = (process.env.SIZES ?? "256,4096,16384").split(",").map(Number);
const ROUNDS = Number(process.env.ROUNDS ?? 5);

function receipts(n: number, round: number): Receipt[] {
  return Array.from({ length: n }, (_, i) => sampleReceipt(`${round}-${i}`, i, 4n, 1_760_000_000 + i));
}

/** The fast path: leaves, tree, every proof (what buildBatch does). */
function fast(list: Receipt[]): string {
  const tree = merkleTree(list.map(fastReceiptLeaf));
  for (let i = 0; i < list.length; i++) tree.proof(i);
  return tree.root;
}

/** The reference: StandardMerkleTree over the same values, every proof. */
function reference(list: Receipt[]): string {
  const values = list.map(receiptValues);
  const tree = StandardMerkleTree.of(values, [...RECEIPT_LEAF_ENCODING]);
  for (let i = 0; i < list.length; i++) tree.getProof(i);
  return tree.root;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

function main(): void {
  console.log(`receipt tree, ${ROUNDS} interleaved rounds per size, node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  console.log("receipts | fast ms | reference ms | fast receipts/s | speed-up (reference/fast) | load 1m");
  for (const n of SIZES) {
    const fastMs: number[] = [];
    const refMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const list = receipts(n, round);
      const order: ["fast" | "reference", (l: Receipt[]) => string][] = [
        ["fast", fast],
        ["reference", reference],
      ];
      if (round % 2 === 1) order.reverse();
      const roots: Record<string, string> = {};
      for (const [name, build] of order) {
        const t0 = performance.now();
        roots[name] = build(list);
        (name === "fast" ? fastMs : refMs).push(performance.now() - t0);
      }
      if (roots.fast !== roots.reference) throw new Error(`roots differ at ${n} receipts: fast ${roots.fast}, reference ${roots.reference}`);
    }
    const f = median(fastMs);
    const r = median(refMs);
    console.log(`${n} | ${f.toFixed(1)} | ${r.toFixed(1)} | ${Math.round((n * 1000) / f)} | ${(r / f).toFixed(1)}x | ${loadavg()[0].toFixed(2)}`);
  }
}

main();
