/**
 * The fast receipt leaf encoder and Merkle tree (scripts/lib/receipt-tree.ts) against the
 * reference implementations: receipts.ts's `receiptLeaf` (ethers' AbiCoder) and
 * @openzeppelin/merkle-tree's StandardMerkleTree. Same leaves, same roots, same proofs.
 */
import { expect } from "chai";
import fc from "fast-check";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import {
  RECEIPT_LEAF_ENCODING,
  buildBatch,
  parseReceipt,
  receiptLeaf,
  receiptToJson,
  receiptValues,
  type ChargingBasisName,
  type Receipt,
} from "../../scripts/lib/receipts";
import { fastReceiptLeaf, merkleTree, processProof, receiptLeafBytes } from "../../scripts/lib/receipt-tree";

const UINT64_MAX = (1n << 64n) - 1n;
const ENCODING = [...RECEIPT_LEAF_ENCODING];
const hexOf = (b: Uint8Array): string => "0x" + Buffer.from(b).toString("hex");
const ozTree = (receipts: readonly Receipt[]) => StandardMerkleTree.of(receipts.map(receiptValues), ENCODING);

// ===== ARBITRARY VALID RECEIPTS =====

const bytes32Raw = fc.oneof(
  { weight: 8, arbitrary: fc.uint8Array({ minLength: 32, maxLength: 32 }).map(hexOf) },
  { weight: 1, arbitrary: fc.constantFrom(`0x${"ff".repeat(32)}`, `0x${"00".repeat(31)}01`, `0x80${"00".repeat(31)}`, `0x${"7f".padEnd(64, "f")}`) },
);
/** A non-zero digest, sometimes in upper-case hex (the schema lowercases; the encoders must not care). */
const digest = fc
  .tuple(bytes32Raw.filter((h) => !/^0x0{64}$/.test(h)), fc.boolean())
  .map(([h, upper]) => (upper ? "0x" + h.slice(2).toUpperCase() : h));
const EDGE_UINT64 = [0n, 1n, 2n, 255n, 256n, (1n << 32n) - 1n, 1n << 32n, (1n << 53n) + 1n, (1n << 63n) - 1n, 1n << 63n, UINT64_MAX - 1n, UINT64_MAX];
const uint64 = fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...EDGE_UINT64) }, { weight: 3, arbitrary: fc.bigInt({ min: 0n, max: UINT64_MAX }) });
const positiveId = uint64.filter((v) => v > 0n);
const BASES = ["FreeTrialForSourceDept", "PublicInterestFree", "Commercial"] as const satisfies readonly ChargingBasisName[];
/**
 * A length in [min, max], the bounds included often. (fast-check's own array lengths stay small
 * under its default size, far below 64 ids or 300 receipts.)
 */
const length = (min: number, max: number) =>
  fc.oneof({ weight: 1, arbitrary: fc.constantFrom(min, min + 1, max) }, { weight: 3, arbitrary: fc.integer({ min, max }) });
/** 0..64 strictly ascending resource ids (none half the time: the receipt names a product). */
const resourceIds = fc
  .oneof(fc.constant(0), length(0, 64))
  .chain((n) => fc.uniqueArray(positiveId, { minLength: n, maxLength: n }))
  .map((ids) => [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
const timestamp = fc.oneof(fc.constantFrom(946_684_800, 2 ** 32 - 1, 2 ** 32, 2 ** 40), fc.integer({ min: 946_684_800, max: 2 ** 40 }));

const receiptArb = (nodeId: fc.Arbitrary<bigint> = positiveId): fc.Arbitrary<Receipt> =>
  fc
    .record({
      id: digest,
      nodeId,
      authorizationId: positiveId,
      scenarioId: positiveId,
      product: positiveId,
      resourceIds,
      consumer: digest,
      purpose: digest,
      recordCount: uint64,
      requestDigest: digest,
      resultDigest: digest,
      chargingBasis: fc.constantFrom(...BASES),
      fee: uint64,
      timestamp,
    })
    .map(({ product, fee, ...r }): Receipt => ({
      ...r,
      // Either a product or the resources used directly (ReceiptSchema).
      productId: r.resourceIds.length === 0 ? product : 0n,
      fee: r.chargingBasis === "Commercial" ? fee : 0n,
    }));

/** Distinct receipts (distinct ids, so distinct leaves). */
const receiptSet = (min: number, max: number, nodeId?: fc.Arbitrary<bigint>) =>
  length(min, max).chain((n) => fc.uniqueArray(receiptArb(nodeId), { minLength: n, maxLength: n, selector: (r) => r.id.toLowerCase() }));

/** `hex` with bit `bit` (0..255) flipped. */
function flip(hex: string, bit: number): string {
  const b = Buffer.from(hex.slice(2), "hex");
  b[bit >> 3] ^= 1 << (bit & 7);
  return "0x" + b.toString("hex");
}

/** Deterministic receipts for the exhaustive small-size checks. */
function sampleReceipts(n: number): Receipt[] {
  return fc.sample(receiptSet(n, n, fc.constant(7n)), { numRuns: 1, seed: 31 + n })[0];
}

// ===== TESTS =====

describe("receipt-tree: fast leaf encoder and Merkle tree", () => {
  it("C31 the generated receipts are valid: the schema accepts them and keeps their leaf", () => {
    fc.assert(
      fc.property(receiptArb(), (r) => {
        expect(receiptLeaf(parseReceipt(receiptToJson(r)))).to.equal(receiptLeaf(r));
      }),
      { numRuns: 300 },
    );
  });

  it("C31 fastReceiptLeaf equals receiptLeaf and StandardMerkleTree's leafHash for every valid receipt", () => {
    fc.assert(
      fc.property(receiptArb(), (r) => {
        const expected = receiptLeaf(r);
        const values = receiptValues(r);
        expect(fastReceiptLeaf(r)).to.equal(expected);
        expect(StandardMerkleTree.of([values], ENCODING).leafHash(values)).to.equal(expected);
        const bytes = receiptLeafBytes(r);
        expect(bytes.length).to.equal(32);
        expect(hexOf(bytes)).to.equal(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it("C31 fastReceiptLeaf gives the reference leaf for every charging basis and the edge resource counts", () => {
    const base = sampleReceipts(1)[0];
    const cases: Receipt[] = [];
    for (const chargingBasis of BASES) {
      for (const n of [0, 1, 2, 31, 32, 33, 63, 64]) {
        const ids = Array.from({ length: n }, (_, i) => (i === n - 1 ? UINT64_MAX : BigInt(i + 1)));
        cases.push({ ...base, chargingBasis, fee: chargingBasis === "Commercial" ? UINT64_MAX : 0n, resourceIds: ids, productId: n === 0 ? UINT64_MAX : 0n });
      }
    }
    const leaves = cases.map(fastReceiptLeaf);
    expect(leaves).to.deep.equal(cases.map(receiptLeaf));
    expect(new Set(leaves).size).to.equal(cases.length);
  });

  it("C31 fastReceiptLeaf refuses the values abi.encode refuses", () => {
    const r = sampleReceipts(1)[0];
    const bad: [string, Receipt, typeof TypeError | typeof RangeError][] = [
      ["uint64 overflow", { ...r, recordCount: UINT64_MAX + 1n }, RangeError],
      ["negative uint64", { ...r, fee: -1n }, RangeError],
      ["resource id overflow", { ...r, productId: 0n, resourceIds: [1n, UINT64_MAX + 1n] }, RangeError],
      ["short bytes32", { ...r, purpose: r.purpose.slice(0, 64) }, TypeError],
      ["non-hex bytes32", { ...r, consumer: "0x" + "g".repeat(64) }, TypeError],
      ["no 0x", { ...r, id: "00" + r.id.slice(2) }, TypeError],
      ["fractional timestamp", { ...r, timestamp: 1_700_000_000.5 }, RangeError],
      ["negative timestamp", { ...r, timestamp: -1 }, RangeError],
    ];
    for (const [what, receipt, error] of bad) {
      expect(() => receiptLeaf(receipt), what).to.throw();
      expect(() => fastReceiptLeaf(receipt), what).to.throw(error);
    }
    const none = { ...r, chargingBasis: "None" } as unknown as Receipt;
    expect(() => fastReceiptLeaf(none)).to.throw(RangeError, /charging basis/);
  });

  it("C31 merkleTree builds StandardMerkleTree's tree: same root, and every proof is getProof's and verifies", () => {
    fc.assert(
      fc.property(receiptSet(1, 300), (receipts) => {
        const oz = ozTree(receipts);
        const leaves = receipts.map(fastReceiptLeaf);
        const tree = merkleTree(leaves);
        expect(tree.root).to.equal(oz.root);
        expect(tree.leaves).to.deep.equal(receipts.map(receiptLeaf));
        receipts.forEach((r, i) => {
          const values = receiptValues(r);
          const proof = tree.proof(i);
          expect(proof).to.deep.equal(oz.getProof(i));
          expect(StandardMerkleTree.verify(tree.root, ENCODING, values, proof)).to.equal(true);
          expect(tree.indexOf(leaves[i])).to.equal(i);
          expect(tree.indexOf(leaves[i].toUpperCase().replace("0X", "0x"))).to.equal(i);
        });
        expect(tree.indexOf(`0x${"00".repeat(32)}`)).to.equal(-1);
      }),
      { numRuns: 40 },
    );
  });

  it("C31 merkleTree matches StandardMerkleTree at every size from 1 to 70 (odd counts, the single-leaf tree)", () => {
    const all = sampleReceipts(70);
    for (let n = 1; n <= 70; n++) {
      const receipts = all.slice(0, n);
      const oz = ozTree(receipts);
      const tree = merkleTree(receipts.map(fastReceiptLeaf));
      expect(tree.root, `n=${n}`).to.equal(oz.root);
      for (let i = 0; i < n; i++) expect(tree.proof(i), `n=${n} i=${i}`).to.deep.equal(oz.getProof(i));
    }
    const single = merkleTree([fastReceiptLeaf(all[0])]);
    expect(single.root).to.equal(receiptLeaf(all[0]));
    expect(single.proof(0)).to.deep.equal([]);
    expect(() => single.proof(1)).to.throw(RangeError);
    expect(() => single.proof(-1)).to.throw(RangeError);
  });

  it("C31 processProof leads every proof to the root; a tampered leaf, proof element, dropped element or another root fail", () => {
    fc.assert(
      fc.property(receiptSet(1, 300), receiptArb(), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 }), (receipts, extra, pick, pickElement, bit) => {
        const leaves = receipts.map(fastReceiptLeaf);
        const tree = merkleTree(leaves);
        for (let i = 0; i < leaves.length; i++) expect(processProof(leaves[i], tree.proof(i))).to.equal(tree.root);

        const i = pick % leaves.length;
        const proof = tree.proof(i);
        expect(processProof(flip(leaves[i], bit), proof)).to.not.equal(tree.root);
        if (proof.length > 0) {
          const j = pickElement % proof.length;
          const tampered = [...proof];
          tampered[j] = flip(proof[j], bit);
          expect(processProof(leaves[i], tampered)).to.not.equal(tree.root);
          expect(processProof(leaves[i], proof.filter((_, k) => k !== j))).to.not.equal(tree.root);
        }
        // Another tree (one more receipt, when its id is new): its root is not this proof's.
        if (!receipts.some((r) => r.id.toLowerCase() === extra.id.toLowerCase())) {
          const other = merkleTree([...leaves, fastReceiptLeaf(extra)]);
          expect(other.root).to.not.equal(tree.root);
          expect(processProof(leaves[i], proof)).to.not.equal(other.root);
        }
      }),
      { numRuns: 40 },
    );
  });

  it("C31 merkleTree refuses duplicate leaves (in any case) and an empty set", () => {
    fc.assert(
      fc.property(receiptSet(1, 50), fc.nat(), fc.nat(), fc.boolean(), (receipts, from, to, upper) => {
        const leaves = receipts.map(fastReceiptLeaf);
        const dup = leaves[from % leaves.length];
        const withDup = [...leaves];
        withDup.splice(to % (leaves.length + 1), 0, upper ? "0x" + dup.slice(2).toUpperCase() : dup);
        expect(() => merkleTree(withDup)).to.throw(RangeError, /same/);
      }),
      { numRuns: 100 },
    );
    expect(() => merkleTree([])).to.throw(RangeError);
    expect(() => merkleTree([`0x${"ab".repeat(31)}`])).to.throw(TypeError);
  });

  it("C31 buildBatch's root, leaves and proofs are StandardMerkleTree's", () => {
    fc.assert(
      fc.property(receiptSet(1, 200, fc.constant(42n)), (receipts) => {
        const oz = ozTree(receipts);
        const batch = buildBatch(receipts);
        expect(batch.root).to.equal(oz.root);
        expect(batch.tree.root).to.equal(oz.root);
        expect(batch.leaves).to.deep.equal(receipts.map((r) => oz.leafHash(receiptValues(r))));
        expect(batch.proofs).to.deep.equal(receipts.map((_, i) => oz.getProof(i)));
        receipts.forEach((r, i) => {
          expect(batch.tree.proof(i)).to.deep.equal(batch.proofs[i]);
          expect(StandardMerkleTree.verify(batch.root, ENCODING, receiptValues(r), batch.proofs[i])).to.equal(true);
        });
      }),
      { numRuns: 30 },
    );
  });
});
