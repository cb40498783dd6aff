/**
 * A fast receipt leaf encoder and Merkle tree, byte for byte compatible with receipts.ts
 * (`receiptLeaf`, ethers' AbiCoder) and with @openzeppelin/merkle-tree's StandardMerkleTree.
 *
 * Leaf: `keccak256(bytes.concat(keccak256(abi.encode(<RECEIPT_LEAF_ENCODING>))))`. The encoding is
 * written straight into one buffer: a head of 14 words, the `uint64[] resourceIds` as an offset
 * word (14 * 32) to its tail, then the tail (a length word, one word per id). Every other field is
 * static, so the layout is fixed but for the tail's length.
 *
 * Tree: the one `StandardMerkleTree.of` builds (sortLeaves on, its default): leaves sorted
 * ascending, placed in a heap array of 2n - 1 nodes from the end (the smallest leaf last), each
 * parent `keccak256` of its two children sorted as bytes (OpenZeppelin MerkleProof's commutative
 * hash). Same leaves, same root, same proofs; `MerkleProof.verify` on chain accepts them.
 *
 * Bytes inside; hex only at the edges. Depends on @noble/hashes alone.
 */
import { keccak_256 } from "@noble/hashes/sha3";
import type { Receipt } from "./receipts";

// ===== HEX =====

const HEX_PAIRS: string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));
/** Nibble value of a char code, 255 when not a hex digit. */
const NIBBLE = new Uint8Array(256).fill(255);
for (let c = 0; c < 10; c++) NIBBLE[48 + c] = c;
for (let c = 0; c < 6; c++) {
  NIBBLE[97 + c] = 10 + c;
  NIBBLE[65 + c] = 10 + c;
}

/** `0x` hex of the 32 bytes of `buf` at `at`. */
function hex32(buf: Uint8Array, at: number): string {
  let s = "0x";
  for (let i = at; i < at + 32; i++) s += HEX_PAIRS[buf[i]];
  return s;
}

/** Writes the 32 bytes of `hex` (`0x` + 64 hex digits of either case, as ethers takes them) into `out` at `at`. */
function writeBytes32(hex: string, out: Uint8Array, at: number, what: string): void {
  if (typeof hex !== "string" || hex.length !== 66 || hex.charCodeAt(0) !== 48 || hex.charCodeAt(1) !== 120) {
    throw new TypeError(`${what}: not a 0x-prefixed 32-byte hex value: ${String(hex)}`);
  }
  for (let i = 0; i < 32; i++) {
    const hi = NIBBLE[hex.charCodeAt(2 + 2 * i) & 0xffff] ?? 255;
    const lo = NIBBLE[hex.charCodeAt(3 + 2 * i) & 0xffff] ?? 255;
    if ((hi | lo) === 255) throw new TypeError(`${what}: not a 0x-prefixed 32-byte hex value: ${hex}`);
    out[at + i] = (hi << 4) | lo;
  }
}

/** Compares the 32 bytes at `a` in `x` with those at `b` in `y`, as unsigned big-endian numbers. */
function compare32(x: Uint8Array, a: number, y: Uint8Array, b: number): number {
  for (let i = 0; i < 32; i++) {
    const d = x[a + i] - y[b + i];
    if (d !== 0) return d;
  }
  return 0;
}

// ===== LEAF =====

const WORD = 32;
const HEAD_WORDS = 14;
const UINT64_MAX = (1n << 64n) - 1n;
/** ChargingBasis in contracts/common/Types.sol (as receipts.ts's ChargingBasis; None is never a receipt's). */
const BASIS: Readonly<Record<string, number>> = { FreeTrialForSourceDept: 1, PublicInterestFree: 2, Commercial: 3 };

/**
 * The encoding buffer, reused from call to call. Only ever written at the same places with the
 * same kind of value (a whole bytes32 word, or the low 8 or 1 bytes of a uint word), so the bytes
 * abi.encode leaves zero stay zero; the tail's words are all uint64 words.
 */
let scratch = new Uint8Array((HEAD_WORDS + 1 + 64) * WORD);
let scratchView = new DataView(scratch.buffer);

function writeUint64(view: DataView, word: number, v: bigint, what: string): void {
  if (typeof v !== "bigint") throw new TypeError(`receipt ${what}: expected a bigint, got ${typeof v}`);
  if (v < 0n || v > UINT64_MAX) throw new RangeError(`receipt ${what}: ${v} is not a uint64`);
  view.setBigUint64(word * WORD + 24, v);
}

/** Writes `abi.encode(<RECEIPT_LEAF_ENCODING>)` of `r` into the scratch buffer; returns its length. */
function encodeInto(r: Receipt): number {
  const ids = r.resourceIds;
  const size = (HEAD_WORDS + 1 + ids.length) * WORD;
  if (scratch.length < size) {
    scratch = new Uint8Array(size);
    scratchView = new DataView(scratch.buffer);
  }
  const buf = scratch;
  const view = scratchView;
  writeBytes32(r.id, buf, 0, "receipt id");
  writeUint64(view, 1, r.nodeId, "nodeId");
  writeUint64(view, 2, r.authorizationId, "authorizationId");
  writeUint64(view, 3, r.scenarioId, "scenarioId");
  writeUint64(view, 4, r.productId, "productId");
  view.setUint32(5 * WORD + 28, HEAD_WORDS * WORD); // offset of resourceIds' tail
  writeBytes32(r.consumer, buf, 6 * WORD, "receipt consumer");
  writeBytes32(r.purpose, buf, 7 * WORD, "receipt purpose");
  writeUint64(view, 8, r.recordCount, "recordCount");
  writeBytes32(r.requestDigest, buf, 9 * WORD, "receipt requestDigest");
  writeBytes32(r.resultDigest, buf, 10 * WORD, "receipt resultDigest");
  const basis = Object.prototype.hasOwnProperty.call(BASIS, r.chargingBasis) ? BASIS[r.chargingBasis] : undefined;
  if (basis === undefined) throw new RangeError(`receipt chargingBasis: ${String(r.chargingBasis)} is not a charging basis`);
  buf[11 * WORD + 31] = basis;
  writeUint64(view, 12, r.fee, "fee");
  const t = r.timestamp;
  if (!Number.isSafeInteger(t) || t < 0) throw new RangeError(`receipt timestamp: ${t} is not a uint64 number of seconds`);
  view.setBigUint64(13 * WORD + 24, BigInt(t));
  view.setUint32(HEAD_WORDS * WORD + 28, ids.length); // the tail: length, then the ids
  for (let i = 0; i < ids.length; i++) writeUint64(view, HEAD_WORDS + 1 + i, ids[i], `resourceIds[${i}]`);
  return size;
}

/** The Merkle leaf of `r` as 32 bytes: `keccak256(bytes.concat(keccak256(abi.encode(...))))`. */
export function receiptLeafBytes(r: Receipt): Uint8Array {
  const size = encodeInto(r);
  return keccak_256(keccak_256(scratch.subarray(0, size)));
}

/** The Merkle leaf of `r` as 0x hex; equals receipts.ts's `receiptLeaf(r)`. */
export function fastReceiptLeaf(r: Receipt): string {
  return hex32(receiptLeafBytes(r), 0);
}

// ===== TREE =====

/** A Merkle tree of distinct leaves, the one StandardMerkleTree.of builds of them. */
export interface MerkleTree {
  /** The root, 0x hex. */
  readonly root: string;
  /** The leaves in input order, lowercase 0x hex. */
  readonly leaves: string[];
  /** The path from the `index`-th input leaf to the root (siblings, leaf first), as getProof gives it. */
  proof(index: number): string[];
  /** The input index of `leaf`, -1 when it is not a leaf of the tree. */
  indexOf(leaf: string): number;
}

const pair = new Uint8Array(2 * WORD);

/** keccak256 of the 32-byte nodes at `a` and `b` in `x`, the smaller first. */
function hashPair(x: Uint8Array, a: number, b: number): Uint8Array {
  if (compare32(x, a, x, b) <= 0) {
    pair.set(x.subarray(a, a + WORD), 0);
    pair.set(x.subarray(b, b + WORD), WORD);
  } else {
    pair.set(x.subarray(b, b + WORD), 0);
    pair.set(x.subarray(a, a + WORD), WORD);
  }
  return keccak_256(pair);
}

/**
 * The tree of `leaves` (0x hex, 32 bytes each), as `StandardMerkleTree.of` builds it: same root,
 * same proofs. Throws RangeError on no leaves or a duplicate, TypeError on a malformed leaf.
 */
export function merkleTree(leaves: readonly string[]): MerkleTree {
  const n = leaves.length;
  if (n === 0) throw new RangeError("merkleTree: a tree needs at least one leaf");
  const input = new Uint8Array(n * WORD);
  for (let i = 0; i < n; i++) writeBytes32(leaves[i], input, i * WORD, `merkleTree: leaf ${i}`);

  // Sort ascending (StandardMerkleTree's sortLeaves): by the first 4 bytes, then the rest.
  const inputView = new DataView(input.buffer);
  const key = new Uint32Array(n);
  for (let i = 0; i < n; i++) key[i] = inputView.getUint32(i * WORD);
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => key[a] - key[b] || compare32(input, a * WORD, input, b * WORD));
  for (let k = 1; k < n; k++) {
    if (key[order[k]] === key[order[k - 1]] && compare32(input, order[k] * WORD, input, order[k - 1] * WORD) === 0) {
      throw new RangeError(`merkleTree: leaves ${order[k - 1]} and ${order[k]} are the same (${hex32(input, order[k] * WORD)})`);
    }
  }

  // The heap array: 2n - 1 nodes, the k-th smallest leaf at size - 1 - k, children of i at 2i + 1, 2i + 2.
  const size = 2 * n - 1;
  const nodes = new Uint8Array(size * WORD);
  const at = new Int32Array(n); // input index -> tree index
  for (let k = 0; k < n; k++) {
    const i = order[k];
    at[i] = size - 1 - k;
    nodes.set(input.subarray(i * WORD, i * WORD + WORD), (size - 1 - k) * WORD);
  }
  for (let p = size - 1 - n; p >= 0; p--) nodes.set(hashPair(nodes, (2 * p + 1) * WORD, (2 * p + 2) * WORD), p * WORD);

  const hexOf: (string | undefined)[] = new Array(size);
  const nodeHex = (t: number): string => (hexOf[t] ??= hex32(nodes, t * WORD));
  const inputLeaves = Array.from({ length: n }, (_, i) => nodeHex(at[i]));
  let lookup: Map<string, number> | undefined;

  return {
    root: nodeHex(0),
    leaves: inputLeaves,
    proof(index: number): string[] {
      if (!Number.isInteger(index) || index < 0 || index >= n) throw new RangeError(`merkleTree: no leaf ${index} (${n} leaves)`);
      const path: string[] = [];
      for (let t = at[index]; t > 0; t = (t - 1) >> 1) path.push(nodeHex(t % 2 === 1 ? t + 1 : t - 1));
      return path;
    },
    indexOf(leaf: string): number {
      lookup ??= new Map(inputLeaves.map((l, i) => [l, i]));
      return typeof leaf === "string" ? (lookup.get(leaf.toLowerCase()) ?? -1) : -1;
    },
  };
}

/**
 * The root a proof leads to from `leaf`, hashing sorted pairs (OpenZeppelin MerkleProof.processProof).
 * Throws TypeError on a malformed leaf or proof element.
 */
export function processProof(leaf: string, proof: readonly string[]): string {
  const buf = new Uint8Array(2 * WORD);
  writeBytes32(leaf, buf, 0, "processProof: leaf");
  for (let i = 0; i < proof.length; i++) {
    writeBytes32(proof[i], buf, WORD, `processProof: proof[${i}]`);
    buf.set(hashPair(buf, 0, WORD), 0);
  }
  return hex32(buf, 0);
}
