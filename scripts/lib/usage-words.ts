/**
 * Usage words (IReceiptAnchor): the usage counts a platform node anchors with a batch of receipts,
 * one 32-byte word per product, scenario or resource. Kept apart from ./receipts, with no imports,
 * so that the index's usage view (and its worker thread) loads in milliseconds.
 */

export const UINT64_MAX = (1n << 64n) - 1n;

/**
 * What a usage word counts: receipts naming a product, receipts under a scenario (their counts
 * sum to the batch's receipt count), or receipts using a resource directly (a receipt naming
 * several resources counts for each; fees of direct uses are in the scenario's entry).
 */
export const UsageKind = { Product: 1, Scenario: 2, Resource: 3 } as const;
export type UsageKindName = keyof typeof UsageKind;
const USAGE_KIND_NAMES = ["Product", "Scenario", "Resource"] as const satisfies readonly UsageKindName[];

/** One entry of a batch's usage counts. */
export interface UsageEntry {
  kind: UsageKindName;
  id: bigint;
  /** Receipts counted. */
  count: number;
  /** Fees of those receipts, in fen (always 0 for a resource entry). */
  fee: bigint;
}

const FEE_MAX = (1n << 128n) - 1n;
/** ReceiptAnchor.MAX_USAGE_ENTRIES: the most usage words one batch may carry. */
export const MAX_USAGE_ENTRIES = 512;

/**
 * The word layout of a usage entry (IReceiptAnchor): kind (8 bits) | id (64) | count (32) |
 * 24 zero bits | fee in fen (128). Words sort by (kind, id), and the chain requires them strictly
 * ascending, so an entry appears once.
 */
export function encodeUsageWord(e: UsageEntry): string {
  if (e.id <= 0n || e.id > UINT64_MAX) throw new RangeError(`usage id ${e.id} is not a positive uint64`);
  if (!Number.isInteger(e.count) || e.count < 1 || e.count > 0xffff_ffff) throw new RangeError(`usage count ${e.count} is not a positive uint32`);
  if (e.fee < 0n || e.fee > FEE_MAX) throw new RangeError(`usage fee ${e.fee} is not a uint128`);
  const w = (BigInt(UsageKind[e.kind]) << 248n) | (e.id << 184n) | (BigInt(e.count) << 152n) | e.fee;
  return "0x" + w.toString(16).padStart(64, "0");
}

/** Reads a usage word back; throws RangeError on a word the chain would refuse. */
export function decodeUsageWord(word: string): UsageEntry {
  const w = BigInt(word);
  const kind = USAGE_KIND_NAMES[Number(w >> 248n) - 1];
  if (kind === undefined) throw new RangeError(`usage word ${word}: unknown kind ${w >> 248n}`);
  if (((w >> 128n) & 0xff_ffffn) !== 0n) throw new RangeError(`usage word ${word}: reserved bits set`);
  return { kind, id: (w >> 184n) & UINT64_MAX, count: Number((w >> 152n) & 0xffff_ffffn), fee: w & FEE_MAX };
}

