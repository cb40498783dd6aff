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

/** A usage entry with its id and fee as decimal strings (what the index stores). */
export type UsageEntryText = { kind: UsageKindName; id: string; count: number; fee: string };

const WORD = /^0x[0-9a-fA-F]{64}$/;
/** 19 zero hex digits: a fee below 2^52 (13 hex digits left), exact in a double. */
const SMALL_FEE = "0".repeat(19);

/**
 * decodeUsageWord with the id and fee as decimal strings, for the index's hot path (a batch
 * carries a word per product, scenario and resource it counted): the fields are cut from the hex
 * text, and BigInt is used only for an id or fee too large for a double. Same answers and errors.
 */
export function decodeUsageWordText(word: string): UsageEntryText {
  const kind = WORD.test(word) ? USAGE_KIND_NAMES[parseInt(word.slice(2, 4), 16) - 1] : undefined;
  if (kind === undefined || word.slice(28, 34) !== "000000") {
    // Not the canonical shape, an unknown kind or reserved bits: the reference decoder answers or throws.
    const u = decodeUsageWord(word);
    return { kind: u.kind, id: u.id.toString(), count: u.count, fee: u.fee.toString() };
  }
  const id = word.slice(4, 20);
  const fee = word.slice(34);
  return {
    kind,
    id: id.startsWith("000") ? String(parseInt(id, 16)) : BigInt(`0x${id}`).toString(),
    count: parseInt(word.slice(20, 28), 16),
    fee: fee.startsWith(SMALL_FEE) ? String(parseInt(fee.slice(19), 16)) : BigInt(`0x${fee}`).toString(),
  };
}
