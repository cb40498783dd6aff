// A receipt proof file (provenant-receipt-proof/1) checked in the browser itself: the file's
// fields are read and checked one by one, the receipt's Merkle leaf is recomputed
// (keccak256(keccak256(abi.encode(14 fields))), scripts/lib/receipts.ts RECEIPT_LEAF_ENCODING), and
// the proof path is walked with OpenZeppelin's sorted-pair hash up to a root. keccak256 is
// @noble/hashes' own, served by this site from the npm package (no CDN). Words only, no DOM.
import { keccak_256 } from "/vendor/noble-hashes/sha3.js";

export const PROOF_FORMAT = "provenant-receipt-proof/1";
const UINT64_MAX = (1n << 64n) - 1n;
/** ChargingBasis of contracts/common/Types.sol (None is never a receipt's). */
const BASIS = { FreeTrialForSourceDept: 1, PublicInterestFree: 2, Commercial: 3 };
const BASIS_NAMES = Object.keys(BASIS);
const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

/** A problem with one field of the file: `field` is its path ("receipt.fee"), `reason` a code the page words. */
export class ProofFieldError extends Error {
  constructor(field, reason, vars = {}) {
    super(`${field}: ${reason}`);
    this.field = field;
    this.reason = reason;
    this.vars = vars;
  }
}

function bytes32(v, field, { nonZero = false } = {}) {
  if (typeof v !== "string" || !BYTES32.test(v)) throw new ProofFieldError(field, "bytes32");
  if (nonZero && /^0x0{64}$/.test(v)) throw new ProofFieldError(field, "zero");
  return v.toLowerCase();
}

function uint64(v, field, { positive = false } = {}) {
  let n;
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) n = BigInt(v);
  else if (typeof v === "string" && /^(0|[1-9][0-9]{0,19})$/.test(v)) n = BigInt(v);
  else throw new ProofFieldError(field, "uint");
  if (n > UINT64_MAX) throw new ProofFieldError(field, "uint");
  if (positive && n === 0n) throw new ProofFieldError(field, "positive");
  return n;
}

function seconds(v, field) {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 946_684_800 || v > 2 ** 40) throw new ProofFieldError(field, "seconds");
  return v;
}

/**
 * Reads the text of a proof file: JSON, the format, and every field the check needs, each with
 * its own reason when it is wrong. Throws ProofFieldError.
 */
export function readProofFile(text) {
  let f;
  try {
    f = JSON.parse(text);
  } catch (err) {
    throw new ProofFieldError("(file)", "json", { detail: String(err && err.message) });
  }
  if (f === null || typeof f !== "object" || Array.isArray(f)) throw new ProofFieldError("(file)", "object");
  if (f.format !== PROOF_FORMAT) throw new ProofFieldError("format", "format", { expected: PROOF_FORMAT });
  const r = f.receipt;
  if (r === null || typeof r !== "object" || Array.isArray(r)) throw new ProofFieldError("receipt", "object");
  const receipt = {
    id: bytes32(r.id, "receipt.id", { nonZero: true }),
    nodeId: uint64(r.nodeId, "receipt.nodeId", { positive: true }),
    authorizationId: uint64(r.authorizationId, "receipt.authorizationId", { positive: true }),
    scenarioId: uint64(r.scenarioId, "receipt.scenarioId", { positive: true }),
    productId: uint64(r.productId, "receipt.productId"),
    resourceIds: [],
    consumer: bytes32(r.consumer, "receipt.consumer", { nonZero: true }),
    purpose: bytes32(r.purpose, "receipt.purpose", { nonZero: true }),
    recordCount: uint64(r.recordCount, "receipt.recordCount"),
    requestDigest: bytes32(r.requestDigest, "receipt.requestDigest", { nonZero: true }),
    resultDigest: bytes32(r.resultDigest, "receipt.resultDigest", { nonZero: true }),
    chargingBasis: 0,
    fee: uint64(r.fee, "receipt.fee"),
    timestamp: seconds(r.timestamp, "receipt.timestamp"),
  };
  if (!Array.isArray(r.resourceIds) || r.resourceIds.length > 64) throw new ProofFieldError("receipt.resourceIds", "array");
  receipt.resourceIds = r.resourceIds.map((v, i) => uint64(v, `receipt.resourceIds.${i}`, { positive: true }));
  for (let i = 1; i < receipt.resourceIds.length; i++) {
    if (receipt.resourceIds[i] <= receipt.resourceIds[i - 1]) throw new ProofFieldError(`receipt.resourceIds.${i}`, "ascending");
  }
  const basis = typeof r.chargingBasis === "number" ? r.chargingBasis : BASIS[r.chargingBasis];
  if (!Number.isInteger(basis) || basis < 1 || basis > 3) throw new ProofFieldError("receipt.chargingBasis", "basis", { allowed: BASIS_NAMES.join(", ") });
  receipt.chargingBasis = basis;
  if (basis !== BASIS.Commercial && receipt.fee !== 0n) throw new ProofFieldError("receipt.fee", "freeFee");
  if ((receipt.productId === 0n) === (receipt.resourceIds.length === 0)) throw new ProofFieldError("receipt.productId", "productOrResources");
  const extra = Object.keys(r).filter((k) => !(k in receipt));
  if (extra.length) throw new ProofFieldError(`receipt.${extra[0]}`, "unknown");

  const b = f.batch;
  if (b === null || typeof b !== "object" || Array.isArray(b)) throw new ProofFieldError("batch", "pending");
  const batch = {
    nodeId: uint64(b.nodeId, "batch.nodeId", { positive: true }),
    sequence: uint64(b.sequence, "batch.sequence", { positive: true }),
    root: bytes32(b.root, "batch.root", { nonZero: true }),
    txHash: b.txHash === undefined ? null : bytes32(b.txHash, "batch.txHash"),
  };
  if (!Array.isArray(f.proof) || f.proof.length > 64) throw new ProofFieldError("proof", "array");
  const proof = f.proof.map((p, i) => bytes32(p, `proof.${i}`));
  const leaf = f.leaf === undefined ? null : bytes32(f.leaf, "leaf");
  return { receipt, batch, proof, leaf };
}

// ===== hashing =====

function hexToBytes(hex, out, at) {
  for (let i = 0; i < 32; i++) out[at + i] = parseInt(hex.slice(2 + 2 * i, 4 + 2 * i), 16);
}

export function bytesToHex(b) {
  let s = "0x";
  for (const x of b) s += x.toString(16).padStart(2, "0");
  return s;
}

function writeUint(out, word, v) {
  let x = BigInt(v);
  for (let i = 31; i >= 0 && x > 0n; i--) {
    out[word * 32 + i] = Number(x & 0xffn);
    x >>= 8n;
  }
}

/** abi.encode of the receipt's 14 fields (13 static words, resourceIds' offset, then its tail). */
export function encodeReceipt(r) {
  const HEAD = 14;
  const out = new Uint8Array((HEAD + 1 + r.resourceIds.length) * 32);
  hexToBytes(r.id, out, 0);
  writeUint(out, 1, r.nodeId);
  writeUint(out, 2, r.authorizationId);
  writeUint(out, 3, r.scenarioId);
  writeUint(out, 4, r.productId);
  writeUint(out, 5, HEAD * 32);
  hexToBytes(r.consumer, out, 6 * 32);
  hexToBytes(r.purpose, out, 7 * 32);
  writeUint(out, 8, r.recordCount);
  hexToBytes(r.requestDigest, out, 9 * 32);
  hexToBytes(r.resultDigest, out, 10 * 32);
  writeUint(out, 11, r.chargingBasis);
  writeUint(out, 12, r.fee);
  writeUint(out, 13, r.timestamp);
  writeUint(out, HEAD, r.resourceIds.length);
  r.resourceIds.forEach((id, i) => writeUint(out, HEAD + 1 + i, id));
  return out;
}

/** The receipt's Merkle leaf: keccak256(bytes.concat(keccak256(abi.encode(…)))), 0x hex. */
export function receiptLeaf(r) {
  return bytesToHex(keccak_256(keccak_256(encodeReceipt(r))));
}

/** The root the path leads to from `leaf` (OpenZeppelin MerkleProof.processProof: sorted pairs). */
export function processProof(leaf, path) {
  let h = leaf.toLowerCase();
  const pair = new Uint8Array(64);
  for (const p of path) {
    const q = p.toLowerCase();
    const [a, b] = h < q ? [h, q] : [q, h];
    hexToBytes(a, pair, 0);
    hexToBytes(b, pair, 32);
    h = bytesToHex(keccak_256(pair));
  }
  return h;
}
