/**
 * Usage receipts (使用回执) off chain: the receipt, its canonical encoding and Merkle leaf, a
 * batch's tree and the commitment a platform node anchors in contracts/ReceiptAnchor.sol, the
 * proof file a consumer keeps, and its verification against the chain alone.
 *
 * One implementation shared by platform nodes, the `provenant verify-receipt` CLI and the tests.
 *
 * Leaf: `keccak256(bytes.concat(keccak256(abi.encode(<RECEIPT_LEAF_ENCODING>))))`, the
 * OpenZeppelin double hash; trees hash pairs sorted (StandardMerkleTree of
 * @openzeppelin/merkle-tree), so `MerkleProof.verify` on chain accepts what this file builds.
 *
 * Node signature (optional in a proof file): EIP-712 typed data `UsageReceipt(bytes32 leaf)` in
 * the domain { name "Provenant ReceiptAnchor", version "1", chainId, verifyingContract = the
 * ReceiptAnchor }, signed by a signer key of the node's participant. The leaf binds every field;
 * the domain binds the chain and the anchor. ReceiptAnchor.receiptSignatureDigest(leaf) computes
 * the same digest on chain.
 *
 * No personal data (C20, C34): the user appears only as `consumer`, a salted digest of the verified
 * identity kept by the node (`pseudonymousConsumer`); the schema accepts nothing else about them.
 */
import { fastReceiptLeaf, merkleTree, type MerkleTree } from "./receipt-tree";
import { DEFAULT_MAX_RANGE, firstBlockAtOrAfter, logsInRanges, newestLogIn } from "./logs";
import {
  AbiCoder,
  TypedDataEncoder,
  concat,
  getAddress,
  id as keccakText,
  keccak256,
  recoverAddress,
  toUtf8Bytes,
  type Provider,
  type Signer,
  type TypedDataDomain,
  type TypedDataField,
} from "ethers";
import { z } from "zod";
import { UINT64_MAX, encodeUsageWord, type UsageEntry, type UsageKindName } from "./usage-words";
import { canonicalJson } from "../../policy/profile";
import { ProvenantHub__factory, ReceiptAnchor__factory } from "../../typechain-types";
import type { Deployment } from "./deploy";

// ===== VOCABULARY =====

/** ChargingBasis in contracts/common/Types.sol (C33; 004 第十六条; 002 第二十六条). */
export const ChargingBasis = { None: 0, FreeTrialForSourceDept: 1, PublicInterestFree: 2, Commercial: 3 } as const;
/** A charging basis a receipt may name (never None). */
export type ChargingBasisName = Exclude<keyof typeof ChargingBasis, "None">;
const BASIS_NAMES = ["FreeTrialForSourceDept", "PublicInterestFree", "Commercial"] as const satisfies readonly ChargingBasisName[];

/** One use of a data product or resource, as a platform node records it (DESIGN section 6). */
export interface Receipt {
  /** Receipt id, unique per node (e.g. keccak256 of the node's internal id). */
  id: string;
  /** The node: participant id of the Operator or ImplementingAgency running the platform. */
  nodeId: bigint;
  /** The authorization the use runs under (the operator's, or a developer's under it). */
  authorizationId: bigint;
  /** The approved scenario the use serves (一场景一授权). */
  scenarioId: bigint;
  /** The product used (0 when resources are used directly). */
  productId: bigint;
  /** The resources used directly, strictly ascending (empty when a product is used). */
  resourceIds: bigint[];
  /** Pseudonymous id of the verified user: a salted digest, never personal data (C20; 002 第二十五条). */
  consumer: string;
  /** Digest of the stated purpose (keccak256 of its text, like a scenario's purposeHash). */
  purpose: string;
  /** Number of records delivered. */
  recordCount: bigint;
  /** Digest of the request as the node received it. */
  requestDigest: string;
  /** Digest of the result as the node delivered it. */
  resultDigest: string;
  /** The basis on which this use is charged or free (C33). */
  chargingBasis: ChargingBasisName;
  /** The fee charged for this use, in fen (分); 0 under a free basis (001 第二十四条, 004 第十六条). */
  fee: bigint;
  /** When the use happened, Unix seconds. */
  timestamp: number;
}

/** The ABI types of a receipt's leaf, in the order of RECEIPT_FIELDS. Never reorder: leaves depend on it. */
export const RECEIPT_LEAF_ENCODING = [
  "bytes32", // id
  "uint64", // nodeId
  "uint64", // authorizationId
  "uint64", // scenarioId
  "uint64", // productId
  "uint64[]", // resourceIds
  "bytes32", // consumer
  "bytes32", // purpose
  "uint64", // recordCount
  "bytes32", // requestDigest
  "bytes32", // resultDigest
  "uint8", // chargingBasis (ChargingBasis)
  "uint64", // fee, in fen
  "uint64", // timestamp
] as const;

/** The receipt fields, in leaf order. */
export const RECEIPT_FIELDS = [
  "id",
  "nodeId",
  "authorizationId",
  "scenarioId",
  "productId",
  "resourceIds",
  "consumer",
  "purpose",
  "recordCount",
  "requestDigest",
  "resultDigest",
  "chargingBasis",
  "fee",
  "timestamp",
] as const satisfies readonly (keyof Receipt)[];

// ===== VALIDATION =====

const bytes32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "a 0x-prefixed 32-byte hex value")
  .transform((s) => s.toLowerCase());
const digest = bytes32.refine((s) => !/^0x0{64}$/.test(s), "must not be zero");
const uint64 = z
  .union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), z.string().regex(/^(0|[1-9][0-9]{0,19})$/, "a decimal integer")])
  .transform((v) => BigInt(v))
  .refine((v) => v <= UINT64_MAX, "exceeds uint64");
const recordId = uint64.refine((v) => v > 0n, "must be a positive id");
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an address").transform((a) => getAddress(a.toLowerCase()));
const basis = z
  .union([z.enum(BASIS_NAMES), z.number().int().min(1).max(3)])
  .transform((b): ChargingBasisName => (typeof b === "number" ? BASIS_NAMES[b - 1] : b));
/** Unix seconds, after 2000-01-01 and below 2^40: a receipt time in milliseconds is refused. */
const timestamp = z.number().int().min(946_684_800, "Unix seconds after 2000").max(2 ** 40, "Unix seconds, not milliseconds");

/** A receipt as JSON: ids as decimal strings (or safe numbers), digests as 0x hex; no other field. */
export const ReceiptSchema = z
  .object({
    id: digest,
    nodeId: recordId,
    authorizationId: recordId,
    scenarioId: recordId,
    productId: uint64,
    resourceIds: z.array(recordId).max(64),
    consumer: digest,
    purpose: digest,
    recordCount: uint64,
    requestDigest: digest,
    resultDigest: digest,
    chargingBasis: basis,
    fee: uint64,
    timestamp,
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.chargingBasis !== "Commercial" && r.fee !== 0n) {
      ctx.addIssue({ code: "custom", path: ["fee"], message: `a ${r.chargingBasis} use charges nothing: fee must be 0` });
    }
    if ((r.productId === 0n) === (r.resourceIds.length === 0)) {
      ctx.addIssue({ code: "custom", path: ["productId"], message: "name either a product (productId) or the resources used (resourceIds), not both" });
    }
    for (let i = 1; i < r.resourceIds.length; i++) {
      if (r.resourceIds[i] <= r.resourceIds[i - 1]) {
        ctx.addIssue({ code: "custom", path: ["resourceIds", i], message: "resource ids must be strictly ascending" });
      }
    }
  });

/** The JSON form of a receipt (what ReceiptSchema reads and receiptToJson writes). */
export type ReceiptJson = z.input<typeof ReceiptSchema>;

/** Parses a receipt from JSON; throws a ZodError naming every problem. */
export function parseReceipt(value: unknown): Receipt {
  return ReceiptSchema.parse(value);
}

/** The JSON form of a receipt: ids and counts as decimal strings. */
export function receiptToJson(r: Receipt): ReceiptJson {
  return {
    id: r.id,
    nodeId: r.nodeId.toString(),
    authorizationId: r.authorizationId.toString(),
    scenarioId: r.scenarioId.toString(),
    productId: r.productId.toString(),
    resourceIds: r.resourceIds.map(String),
    consumer: r.consumer,
    purpose: r.purpose,
    recordCount: r.recordCount.toString(),
    requestDigest: r.requestDigest,
    resultDigest: r.resultDigest,
    chargingBasis: r.chargingBasis,
    fee: r.fee.toString(),
    timestamp: r.timestamp,
  };
}

// ===== DIGESTS =====

/**
 * The pseudonymous id of a verified user (C20; C34): keccak256(salt ‖ identifier). The node keeps
 * the salt per user off chain, so the digest reveals nothing and cannot be brute-forced from an
 * id-card number; the node can still show a regulator which receipts belong to one user.
 */
export function pseudonymousConsumer(salt: string, verifiedIdentifier: string): string {
  if (!/^0x[0-9a-fA-F]{64}$/.test(salt)) throw new TypeError("pseudonymousConsumer: salt must be 32 random bytes (0x hex)");
  return keccak256(concat([salt, toUtf8Bytes(verifiedIdentifier)]));
}

/** Digest of a purpose statement: keccak256 of its UTF-8 text (as a scenario's purposeHash). */
export const purposeDigest = (text: string): string => keccakText(text);

// ===== ENCODING AND LEAF =====

/** The values of a receipt in leaf order, typed for RECEIPT_LEAF_ENCODING. */
export function receiptValues(r: Receipt): unknown[] {
  return [
    r.id,
    r.nodeId,
    r.authorizationId,
    r.scenarioId,
    r.productId,
    r.resourceIds,
    r.consumer,
    r.purpose,
    r.recordCount,
    r.requestDigest,
    r.resultDigest,
    ChargingBasis[r.chargingBasis],
    r.fee,
    BigInt(r.timestamp),
  ];
}

/** The canonical encoding: `abi.encode` of the fields in RECEIPT_LEAF_ENCODING order. */
export function encodeReceipt(r: Receipt): string {
  return AbiCoder.defaultAbiCoder().encode([...RECEIPT_LEAF_ENCODING], receiptValues(r));
}

/** The Merkle leaf: `keccak256(bytes.concat(keccak256(abi.encode(...))))`. */
export function receiptLeaf(r: Receipt): string {
  return keccak256(keccak256(encodeReceipt(r)));
}

// ===== BATCHES =====

/** The manifest whose hash a batch anchors as `metadataHash` (kept by the node). */
export interface BatchMetadata {
  format: "provenant-receipt-batch/1";
  nodeId: string;
  receiptCount: number;
  firstAt: number;
  lastAt: number;
  leafEncoding: string[];
  /** Receipt ids in the order the node batched them. */
  receiptIds: string[];
}

/** The manifest of a batch and its hash (the `metadataHash` it anchors). */
export function batchManifest(nodeId: bigint, receiptIds: readonly string[], firstAt: number, lastAt: number): { metadata: BatchMetadata; metadataHash: string } {
  const metadata: BatchMetadata = {
    format: "provenant-receipt-batch/1",
    nodeId: nodeId.toString(),
    receiptCount: receiptIds.length,
    firstAt,
    lastAt,
    leafEncoding: [...RECEIPT_LEAF_ENCODING],
    receiptIds: [...receiptIds],
  };
  return { metadata, metadataHash: keccak256(toUtf8Bytes(canonicalJson(metadata))) };
}

export interface ReceiptBatch {
  root: string;
  tree: MerkleTree;
  /** The receipts in input order; `leaves[i]` and `proofs[i]` belong to `receipts[i]`. */
  receipts: Receipt[];
  leaves: string[];
  proofs: string[][];
  nodeId: bigint;
  receiptCount: number;
  firstAt: number;
  lastAt: number;
  metadata: BatchMetadata;
  metadataHash: string;
  /** Usage counts per product, scenario and resource (usageWords). */
  usage: string[];
}

/** IReceiptAnchor.BatchRequest. */
export interface BatchRequest {
  nodeId: bigint;
  sequence: bigint;
  root: string;
  receiptCount: number;
  firstAt: number;
  lastAt: number;
  metadataHash: string;
  /** The batch's usage counts (usageWords), published in BatchAnchored. */
  usage: string[];
}

// ===== USAGE COUNTS =====

// The words themselves live in ./usage-words (no dependencies: the index's usage view loads it in its worker thread).
export { MAX_USAGE_ENTRIES, UsageKind, decodeUsageWord, encodeUsageWord, type UsageEntry, type UsageKindName } from "./usage-words";

/** The usage counts of a batch of receipts, as ascending words. */
export function usageWords(receipts: readonly Pick<Receipt, "scenarioId" | "productId" | "resourceIds" | "fee">[]): string[] {
  const entries = new Map<string, UsageEntry>();
  const add = (kind: UsageKindName, id: bigint, fee: bigint) => {
    const key = `${kind}:${id}`;
    const e = entries.get(key);
    if (e) {
      e.count++;
      e.fee += fee;
    } else entries.set(key, { kind, id, count: 1, fee });
  };
  for (const r of receipts) {
    add("Scenario", r.scenarioId, r.fee);
    if (r.productId !== 0n) add("Product", r.productId, r.fee);
    for (const res of r.resourceIds) add("Resource", res, 0n);
  }
  return [...entries.values()].map(encodeUsageWord).sort();
}

/** Builds the tree of a batch of one node's receipts, with every receipt's proof. */
export function buildBatch(receipts: readonly Receipt[]): ReceiptBatch {
  if (receipts.length === 0) throw new RangeError("buildBatch: a batch holds at least one receipt");
  if (receipts.length > 0xffff_ffff) throw new RangeError("buildBatch: more receipts than a uint32 counts");
  const nodeId = receipts[0].nodeId;
  const ids = new Set<string>();
  for (const r of receipts) {
    if (r.nodeId !== nodeId) throw new RangeError(`buildBatch: receipt ${r.id} is of node ${r.nodeId}, the batch of node ${nodeId}`);
    if (ids.has(r.id)) throw new RangeError(`buildBatch: receipt ${r.id} appears twice`);
    ids.add(r.id);
  }
  // The tree StandardMerkleTree.of builds of these receipts (same root, same proofs), encoded and
  // hashed without its generic ABI coder (receipt-tree.ts; test/service/receipt-tree.test.ts).
  const leaves = receipts.map(fastReceiptLeaf);
  const tree = merkleTree(leaves);
  const proofs = receipts.map((_, i) => tree.proof(i));
  const times = receipts.map((r) => r.timestamp);
  const firstAt = Math.min(...times);
  const lastAt = Math.max(...times);
  const metadata: BatchMetadata = {
    format: "provenant-receipt-batch/1",
    nodeId: nodeId.toString(),
    receiptCount: receipts.length,
    firstAt,
    lastAt,
    leafEncoding: [...RECEIPT_LEAF_ENCODING],
    receiptIds: receipts.map((r) => r.id),
  };
  return {
    root: tree.root,
    tree,
    receipts: [...receipts],
    leaves,
    proofs,
    nodeId,
    receiptCount: receipts.length,
    firstAt,
    lastAt,
    metadata,
    metadataHash: keccak256(toUtf8Bytes(canonicalJson(metadata))),
    usage: usageWords(receipts),
  };
}

/** The commitment `ReceiptAnchor.anchorBatch` takes for `batch` as the node's batch `sequence`. */
export function batchRequest(batch: ReceiptBatch, sequence: bigint | number): BatchRequest {
  return {
    nodeId: batch.nodeId,
    sequence: BigInt(sequence),
    root: batch.root,
    receiptCount: batch.receiptCount,
    firstAt: batch.firstAt,
    lastAt: batch.lastAt,
    metadataHash: batch.metadataHash,
    usage: batch.usage,
  };
}

// ===== NODE SIGNATURE (EIP-712) =====

export const RECEIPT_DOMAIN_NAME = "Provenant ReceiptAnchor";
export const RECEIPT_DOMAIN_VERSION = "1";
export const RECEIPT_SIGNATURE_TYPES: Record<string, TypedDataField[]> = {
  UsageReceipt: [{ name: "leaf", type: "bytes32" }],
};
export const RECEIPT_SIGNATURE_SCHEME = "eip712:UsageReceipt(bytes32 leaf)" as const;

export function receiptDomain(chainId: bigint | number, anchorAddress: string): TypedDataDomain {
  return { name: RECEIPT_DOMAIN_NAME, version: RECEIPT_DOMAIN_VERSION, chainId: BigInt(chainId), verifyingContract: anchorAddress };
}

/** The digest a node key signs for `leaf` (equals ReceiptAnchor.receiptSignatureDigest(leaf)). */
export function receiptSignatureDigest(leaf: string, chainId: bigint | number, anchorAddress: string): string {
  return TypedDataEncoder.hash(receiptDomain(chainId, anchorAddress), RECEIPT_SIGNATURE_TYPES, { leaf });
}

export interface NodeSignature {
  scheme: typeof RECEIPT_SIGNATURE_SCHEME;
  signer: string;
  value: string;
}

/** Signs a receipt with a signer key of its node. */
export async function signReceipt(signer: Signer, r: Receipt, chainId: bigint | number, anchorAddress: string): Promise<NodeSignature> {
  const value = await signer.signTypedData(receiptDomain(chainId, anchorAddress), RECEIPT_SIGNATURE_TYPES, { leaf: receiptLeaf(r) });
  return { scheme: RECEIPT_SIGNATURE_SCHEME, signer: await signer.getAddress(), value };
}

// ===== ACKNOWLEDGEMENT (EIP-712) =====

/**
 * A node's signed acknowledgement of one intake request: the Merkle root (sorted pairs, the same
 * tree as a batch's) of the leaves of every receipt the request acknowledged, their count and the
 * time the node made them durable. One signature per request; each receipt carries its path to
 * the root, so a consumer proves with its receipt, the path and the signature alone that the node
 * acknowledged that use (and, once the batch window has passed without a proof of anchoring, that
 * it was omitted). Signed by a signer key of the node, in the ReceiptAnchor's domain.
 */
export const ACK_SIGNATURE_TYPES: Record<string, TypedDataField[]> = {
  ReceiptAcknowledgement: [
    { name: "nodeId", type: "uint64" },
    { name: "root", type: "bytes32" },
    { name: "count", type: "uint32" },
    { name: "acknowledgedAt", type: "uint64" },
  ],
};
export const ACK_SIGNATURE_SCHEME = "eip712:ReceiptAcknowledgement(uint64 nodeId,bytes32 root,uint32 count,uint64 acknowledgedAt)" as const;

/** What an acknowledgement signs. */
export interface AcknowledgementBody {
  nodeId: bigint;
  root: string;
  count: number;
  /** Unix seconds. */
  acknowledgedAt: number;
}

/** A signed acknowledgement as the intake answers it and a proof file carries it. */
export interface Acknowledgement {
  scheme: typeof ACK_SIGNATURE_SCHEME;
  nodeId: string;
  root: string;
  count: number;
  acknowledgedAt: number;
  signer: string;
  signature: string;
}

/** The EIP-712 digest of an acknowledgement. */
export function acknowledgementDigest(body: AcknowledgementBody, chainId: bigint | number, anchorAddress: string): string {
  return TypedDataEncoder.hash(receiptDomain(chainId, anchorAddress), ACK_SIGNATURE_TYPES, {
    nodeId: body.nodeId,
    root: body.root,
    count: body.count,
    acknowledgedAt: body.acknowledgedAt,
  });
}

/** The address that signed `ack` (throws on a malformed signature). */
export function acknowledgementSigner(ack: Acknowledgement, chainId: bigint | number, anchorAddress: string): string {
  const digestValue = acknowledgementDigest({ nodeId: BigInt(ack.nodeId), root: ack.root, count: ack.count, acknowledgedAt: ack.acknowledgedAt }, chainId, anchorAddress);
  return recoverAddress(digestValue, ack.signature);
}

// ===== PROOF FILE =====

export const PROOF_FILE_FORMAT = "provenant-receipt-proof/1" as const;

export const ReceiptProofFileSchema = z
  .object({
    format: z.literal(PROOF_FILE_FORMAT),
    receipt: ReceiptSchema,
    leaf: bytes32.optional(),
    /** Path from the leaf to the batch root; absent (with `batch`) in a pending receipt's file. */
    proof: z.array(bytes32).max(64).optional(),
    batch: z
      .object({
        nodeId: recordId,
        sequence: recordId,
        root: digest,
        receiptCount: z.number().int().min(1).max(0xffff_ffff).optional(),
        firstAt: timestamp.optional(),
        lastAt: timestamp.optional(),
        /** Where the batch was anchored (narrows the verifier's log query). */
        blockNumber: z.number().int().nonnegative().optional(),
        txHash: bytes32.optional(),
      })
      .strict()
      .optional(),
    anchor: z.object({ chainId: z.number().int().positive(), address }).strict(),
    signature: z
      .object({
        scheme: z.literal(RECEIPT_SIGNATURE_SCHEME),
        signer: address,
        value: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "a 65-byte signature"),
      })
      .strict()
      .optional(),
    /** The node's signed acknowledgement of the intake request, and this receipt's path to its root. */
    acknowledgement: z
      .object({
        scheme: z.literal(ACK_SIGNATURE_SCHEME),
        nodeId: recordId.transform(String),
        root: digest,
        count: z.number().int().min(1).max(0xffff_ffff),
        acknowledgedAt: timestamp,
        path: z.array(bytes32).max(64),
        signer: address,
        signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "a 65-byte signature"),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    if ((f.batch === undefined) !== (f.proof === undefined)) {
      ctx.addIssue({ code: "custom", path: [f.batch === undefined ? "batch" : "proof"], message: "batch and proof come together" });
    }
    if (f.batch === undefined && f.acknowledgement === undefined) {
      ctx.addIssue({ code: "custom", path: ["batch"], message: "a file without a batch must carry the node's acknowledgement" });
    }
  });

/** The JSON a consumer keeps: the receipt, its proof, the batch and where it is anchored. */
export type ReceiptProofFile = z.input<typeof ReceiptProofFileSchema>;
export type ParsedReceiptProofFile = z.output<typeof ReceiptProofFileSchema>;

/** The proof file of `receipt` (which must be in `batch`), anchored as batch `sequence` of `nodeId`. */
export function receiptProofFile(
  receipt: Receipt,
  batch: ReceiptBatch,
  nodeId: bigint | number,
  sequence: bigint | number,
  chainId: bigint | number,
  anchorAddress: string,
  signature?: NodeSignature,
): ReceiptProofFile {
  const leaf = receiptLeaf(receipt);
  const index = batch.leaves.indexOf(leaf);
  if (index < 0) throw new RangeError(`receiptProofFile: receipt ${receipt.id} is not in the batch`);
  if (BigInt(nodeId) !== batch.nodeId) throw new RangeError(`receiptProofFile: the batch is of node ${batch.nodeId}, not ${nodeId}`);
  return {
    format: PROOF_FILE_FORMAT,
    receipt: receiptToJson(receipt),
    leaf,
    proof: batch.proofs[index],
    batch: {
      nodeId: BigInt(nodeId).toString(),
      sequence: BigInt(sequence).toString(),
      root: batch.root,
      receiptCount: batch.receiptCount,
      firstAt: batch.firstAt,
      lastAt: batch.lastAt,
    },
    anchor: { chainId: Number(chainId), address: getAddress(anchorAddress) },
    ...(signature ? { signature } : {}),
  };
}

/** A proof file that does not match the schema (not a receipt proof, or a field of the wrong shape). */
export class ReceiptFileError extends Error {
  constructor(
    message: string,
    readonly issues: string[],
  ) {
    super(message);
    this.name = "ReceiptFileError";
  }
}

/** Parses a proof file; throws ReceiptFileError listing every problem. */
export function parseReceiptProofFile(value: unknown): ParsedReceiptProofFile {
  const r = ReceiptProofFileSchema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `${i.path.join(".") || "(file)"}: ${i.message}`);
  throw new ReceiptFileError(`not a receipt proof file (${PROOF_FILE_FORMAT}): ${issues.join("; ")}`, issues);
}

// ===== VERIFICATION =====

/** Names of the checks, in the order they run. */
export type CheckName = "leaf" | "node" | "proof" | "chain" | "anchor" | "anchored" | "inclusion" | "timeRange" | "acknowledgement" | "signature" | "omission";

export interface Check {
  name: CheckName;
  status: "pass" | "fail" | "skip";
  detail: string;
}

/**
 * verified: anchored and every check passed. failed: a check failed. pending: acknowledged, no
 * proof of anchoring yet, inside its batch window. omitted: acknowledged by the node, its batch
 * window is over, and no batch of the node covers the receipt's time: evidence that the node left
 * it out. unresolved: window over, but anchored batches of the node cover its time, so it may be
 * in one of them: only the node's proof (or its failure to give one) settles it.
 */
export type VerificationState = "verified" | "failed" | "pending" | "omitted" | "unresolved";

export interface ReceiptVerification {
  /** True when no check failed and the receipt is proven anchored. */
  ok: boolean;
  state: VerificationState;
  checks: Check[];
  leaf: string;
  nodeId: string;
  /** The batch the file names ("" for a pending receipt's file). */
  sequence: string;
  anchorAddress: string;
  chainId: number;
  /** For a pending or omitted receipt: the node's anchored batches whose time range covers it. */
  coveringBatches?: { sequence: string; root: string; firstAt: number; lastAt: number; txHash: string }[];
}

export interface VerifyOptions {
  /** Seconds after the acknowledgement by which a receipt must be anchored (default 3600). */
  windowSeconds?: number;
  /** Most blocks one eth_getLogs may span (default DEFAULT_MAX_RANGE). */
  maxBlockRange?: number;
}

const ZERO32 = `0x${"0".repeat(64)}`;

/** Sorted-pair keccak path from `leaf` (OpenZeppelin MerkleProof.processProof). */
function processPath(leaf: string, path: readonly string[]): string {
  let h = leaf.toLowerCase();
  for (const p of path) {
    const q = p.toLowerCase();
    h = keccak256(concat(h < q ? [h, q] : [q, h]));
  }
  return h;
}

/**
 * Verifies a receipt proof file, trusting no service: recomputes the leaf, checks the proof
 * against the file's root locally, then asks the chain (through `provider`) whether that root is
 * batch `sequence` of the node (`rootOf`, and its BatchAnchored log for the count and time range),
 * whether the ReceiptAnchor accepts the proof, whether the receipt's time lies in the batch's
 * range; checks the node's acknowledgement (path to its root, signed by a signer key of the
 * node's participant) and the optional per-receipt signature. A file without a batch is a
 * pending receipt: pending inside its window, omitted after it (`state`). The anchor address
 * comes from `deployment` when given (the file's own must then agree), else from the file.
 *
 * Throws ReceiptFileError when `file` is not a proof file; RPC faults propagate.
 */
export async function verifyReceiptFile(
  file: unknown,
  provider: Provider,
  deployment?: Pick<Deployment, "chainId" | "contracts">,
  options: VerifyOptions = {},
): Promise<ReceiptVerification> {
  const f = parseReceiptProofFile(file);
  const receipt: Receipt = f.receipt;
  const checks: Check[] = [];
  const add = (name: CheckName, pass: boolean | "skip", detail: string) =>
    checks.push({ name, status: pass === "skip" ? "skip" : pass ? "pass" : "fail", detail });
  const nodeOfFile = f.batch?.nodeId ?? BigInt(f.acknowledgement!.nodeId);

  // Local: the receipt, its leaf and its path to the root.
  const leaf = receiptLeaf(receipt);
  if (f.leaf === undefined) add("leaf", true, `recomputed ${leaf}`);
  else if (f.leaf === leaf) add("leaf", true, `the receipt hashes to the file's leaf ${leaf}`);
  else add("leaf", false, `the receipt hashes to ${leaf}, the file says ${f.leaf}: a field of the receipt was changed`);
  const nodeMatches = receipt.nodeId === nodeOfFile && (f.acknowledgement === undefined || f.acknowledgement.nodeId === receipt.nodeId.toString());
  add("node", nodeMatches, nodeMatches ? `receipt, batch and acknowledgement are of node ${receipt.nodeId}` : `the receipt names node ${receipt.nodeId}, the file node ${nodeOfFile}`);
  if (f.batch && f.proof) {
    const proofOk = processPath(leaf, f.proof) === f.batch.root;
    add("proof", proofOk, proofOk ? `the proof leads from the leaf to root ${f.batch.root}` : `the proof does not lead from the receipt's leaf to root ${f.batch.root}`);
  } else add("proof", "skip", "no batch proof in the file (a pending receipt)");

  // Chain: which chain and which anchor.
  const network = await provider.getNetwork();
  const chainId = Number(network.chainId);
  const chainOk = chainId === f.anchor.chainId && (deployment === undefined || deployment.chainId === chainId);
  add(
    "chain",
    chainOk,
    chainOk
      ? `chain id ${chainId}`
      : `the RPC serves chain ${chainId}; the file names chain ${f.anchor.chainId}${deployment ? `, the deployment chain ${deployment.chainId}` : ""}`,
  );
  const pinned = deployment?.contracts.ReceiptAnchor?.address;
  const anchorAddress = getAddress(pinned ?? f.anchor.address);
  const code = await provider.getCode(anchorAddress);
  if (code === "0x") {
    add("anchor", false, `no contract at ${anchorAddress} on chain ${chainId}`);
  } else if (pinned !== undefined && getAddress(pinned) !== f.anchor.address) {
    add("anchor", false, `the file names ReceiptAnchor ${f.anchor.address}, the deployment ${getAddress(pinned)}`);
  } else {
    add("anchor", true, `ReceiptAnchor ${anchorAddress}${pinned ? " (from the deployment)" : " (from the file; pass --deployment to pin it)"}`);
  }
  let state: VerificationState | undefined;
  let coveringBatches: ReceiptVerification["coveringBatches"];
  const result = (): ReceiptVerification => {
    const failed = checks.some((c) => c.status === "fail");
    return {
      ok: !failed && f.batch !== undefined,
      state: failed && state !== "omitted" ? "failed" : (state ?? (failed ? "failed" : "verified")),
      checks,
      leaf,
      nodeId: nodeOfFile.toString(),
      sequence: f.batch?.sequence.toString() ?? "",
      anchorAddress,
      chainId,
      ...(coveringBatches ? { coveringBatches } : {}),
    };
  };
  if (code === "0x") {
    for (const name of ["anchored", "inclusion", "timeRange", "acknowledgement", "signature"] as const) add(name, "skip", "no ReceiptAnchor to ask");
    return result();
  }

  const anchor = ReceiptAnchor__factory.connect(anchorAddress, provider);
  const maxRange = options.maxBlockRange ?? DEFAULT_MAX_RANGE;
  const head = await provider.getBlockNumber();
  // A batch holding this receipt ends at or after its time, and the chain refuses a batch ending
  // after its block's time: every such batch is in a block at or after the receipt's time.
  let fromReceiptTime: number | undefined;
  const receiptTimeBlock = async () => (fromReceiptTime ??= await firstBlockAtOrAfter(provider, receipt.timestamp, 0, head));
  const logsOf = async (sequence: bigint | undefined, fromBlock: number, toBlock = head) => {
    const filter = anchor.filters.BatchAnchored(nodeOfFile, sequence);
    return logsInRanges(fromBlock, toBlock, maxRange, (a, b) => anchor.queryFilter(filter, a, b));
  };
  if (f.batch && f.proof) {
    const where = `batch ${f.batch.sequence} of node ${f.batch.nodeId}`;
    const root = await anchor.rootOf(f.batch.nodeId, f.batch.sequence);
    const matches = (ls: Awaited<ReturnType<typeof logsOf>>) => ls.find((l) => l.args.root.toLowerCase() === root.toLowerCase());
    // The file's block first (one query); if the log is not there (a reorg moved it), search.
    const hinted = root === ZERO32 || f.batch.blockNumber === undefined || f.batch.blockNumber > head ? undefined : matches(await logsOf(f.batch.sequence, f.batch.blockNumber, f.batch.blockNumber));
    const log = root === ZERO32 ? undefined : (hinted ?? matches(await logsOf(f.batch.sequence, await receiptTimeBlock())));
    if (root === ZERO32) add("anchored", false, `${where} is not anchored`);
    else if (root.toLowerCase() !== f.batch.root) add("anchored", false, `${where} has root ${root}, the file says ${f.batch.root}`);
    else add("anchored", true, `${where} anchored root ${root}${log ? ` in block ${log.blockNumber}, transaction ${log.transactionHash} (${log.args.receiptCount} receipts)` : ""}`);

    const included = await anchor.verifyReceipt(leaf, f.proof, f.batch.nodeId, f.batch.sequence);
    add("inclusion", included, included ? `ReceiptAnchor.verifyReceipt accepts the leaf in ${where}` : `ReceiptAnchor.verifyReceipt refuses the leaf in ${where}`);

    if (!log) {
      add("timeRange", "skip", `${where}: no BatchAnchored log found`);
    } else {
      const first = log.args.firstAt;
      const last = log.args.lastAt;
      const inRange = BigInt(receipt.timestamp) >= first && BigInt(receipt.timestamp) <= last;
      const range = `[${iso(first)}, ${iso(last)}]`;
      add("timeRange", inRange, inRange ? `${iso(BigInt(receipt.timestamp))} lies in the batch's range ${range}` : `the receipt's time ${iso(BigInt(receipt.timestamp))} lies outside the batch's range ${range}`);
    }
  } else {
    add("anchored", "skip", "no batch in the file");
    add("inclusion", "skip", "no batch in the file");
    add("timeRange", "skip", "no batch in the file");
  }

  const hub = ProvenantHub__factory.connect(await anchor.hub(), provider);
  /**
   * Was `key` the node key of `node` at `at` (Unix seconds)? The hub binds node keys and logs each
   * change (NodeKeySet), so a key rotated or unbound since still vouches for what it signed while
   * it was bound: the binding in force at `at` is that of the last change in a block at or before it.
   */
  const boundAt = async (key: string, node: string, at: number): Promise<{ bound: boolean; detail: string }> => {
    const upTo = (await firstBlockAtOrAfter(provider, at + 1, 0, head)) - 1;
    const change = upTo < 0 ? undefined : await newestLogIn(0, upTo, maxRange, (a, b) => hub.queryFilter(hub.filters.NodeKeySet(key), a, b));
    const when = iso(BigInt(at));
    if (!change) return { bound: false, detail: `not a node key of node ${node} at ${when} (no binding of ${key} before then)` };
    const since = iso(BigInt((await provider.getBlock(change.blockNumber))!.timestamp));
    const boundTo = change.args.nodeId.toString();
    if (boundTo !== node) return { bound: false, detail: `not a node key of node ${node} at ${when} (${boundTo === "0" ? "unbound" : `bound to node ${boundTo}`} since ${since})` };
    const still = (await hub.nodeOf(key)).toString() === node;
    return { bound: true, detail: `a node key of node ${node} at ${when} (bound ${since}${still ? "" : ", unbound or rotated since"})` };
  };

  if (f.acknowledgement === undefined) {
    add("acknowledgement", "skip", "the file carries no acknowledgement");
  } else {
    const ack = f.acknowledgement;
    const onPath = processPath(leaf, ack.path) === ack.root;
    let recovered: string | undefined;
    try {
      recovered = acknowledgementSigner({ ...ack, nodeId: ack.nodeId }, chainId, anchorAddress);
    } catch {
      recovered = undefined;
    }
    if (!onPath) add("acknowledgement", false, `the path does not lead from the receipt's leaf to the acknowledged root ${ack.root}`);
    else if (recovered === undefined || recovered !== ack.signer) {
      add("acknowledgement", false, `the acknowledgement is not signed by ${ack.signer}${recovered ? ` (it recovers to ${recovered})` : ""}`);
    } else {
      const b = await boundAt(recovered, ack.nodeId, ack.acknowledgedAt);
      add(
        "acknowledgement",
        b.bound,
        b.bound
          ? `acknowledged at ${iso(BigInt(ack.acknowledgedAt))} by ${recovered}, ${b.detail} (${ack.count} receipts in that request)`
          : `signed by ${recovered}, ${b.detail}`,
      );
    }
  }

  if (f.signature === undefined) {
    add("signature", "skip", "the file carries no per-receipt node signature");
  } else {
    const digestValue = receiptSignatureDigest(leaf, chainId, anchorAddress);
    let recovered: string | undefined;
    try {
      recovered = recoverAddress(digestValue, f.signature.value);
    } catch {
      recovered = undefined; // a malformed signature: reported below
    }
    if (recovered === undefined || recovered !== f.signature.signer) {
      add("signature", false, `the signature is not ${f.signature.signer}'s over this receipt${recovered ? ` (it recovers to ${recovered})` : ""}`);
    } else {
      // The node's signer keys are its node keys (the registry binds them in the hub). A signature
      // carries no time of its own: a key bound now, or bound when the use happened, may have made it.
      const node = nodeOfFile.toString();
      const b = (await hub.nodeOf(recovered)).toString() === node ? { bound: true, detail: `a node key of node ${node}` } : await boundAt(recovered, node, receipt.timestamp);
      add("signature", b.bound, `signed by ${recovered}, ${b.detail}`);
    }
  }

  // A pending receipt: inside its window, or omitted.
  if (f.batch === undefined && f.acknowledgement !== undefined && !checks.some((c) => c.status === "fail")) {
    const window = options.windowSeconds ?? 3600;
    const latest = await provider.getBlock("latest");
    const now = latest ? latest.timestamp : Math.floor(Date.now() / 1000);
    const due = f.acknowledgement.acknowledgedAt + window;
    const logs = await logsOf(undefined, await receiptTimeBlock());
    coveringBatches = logs
      .filter((l) => BigInt(receipt.timestamp) >= l.args.firstAt && BigInt(receipt.timestamp) <= l.args.lastAt)
      .map((l) => ({ sequence: l.args.sequence.toString(), root: l.args.root, firstAt: Number(l.args.firstAt), lastAt: Number(l.args.lastAt), txHash: l.transactionHash }));
    const covering = coveringBatches.length > 0 ? `; batches of the node covering its time: ${coveringBatches.map((b) => b.sequence).join(", ")} (ask the node for the proof)` : "; no batch of the node covers its time";
    if (now > due && coveringBatches.length === 0) {
      state = "omitted";
      add("omission", false, `acknowledged at ${iso(BigInt(f.acknowledgement.acknowledgedAt))}, due in a batch by ${iso(BigInt(due))}, no batch of the node covers its time at chain time ${iso(BigInt(now))}: evidence that the node omitted it`);
    } else if (now > due) {
      state = "unresolved";
      add("omission", "skip", `acknowledged at ${iso(BigInt(f.acknowledgement.acknowledgedAt))}, due in a batch by ${iso(BigInt(due))}, and the file has no proof; it may be in a batch covering its time (${coveringBatches.map((b) => b.sequence).join(", ")}): ask the node for the proof (--service); a node that cannot give one has omitted it`);
    } else {
      state = "pending";
      add("omission", "skip", `pending: acknowledged at ${iso(BigInt(f.acknowledgement.acknowledgedAt))}, due in a batch by ${iso(BigInt(due))}${covering}`);
    }
  }
  return result();
}

const iso = (seconds: bigint): string => new Date(Number(seconds) * 1000).toISOString().replace(".000Z", "Z");
