/**
 * Usage statistics (C21: 资源使用情况 is disclosed; 004 第十九条: 收益情况) from the batches
 * platform nodes anchor on the ReceiptAnchor: per node (batches, receipts, fees, the time they
 * span, late batches), every batch with its on-chain anchor and its usage counts, and uses and
 * fees per product, scenario and resource, in total and per China day. Everything comes from
 * the BatchAnchored events, so every replica discloses the same without the nodes' private stores.
 *
 * A batch's counts are booked on the China day (UTC+8) of its first receipt. Sequences are
 * gap-free by contract; a batch anchored more than LATE_AFTER_SECONDS after its last receipt is
 * marked late.
 *
 * Series over time (C21, the usage charts): uses and fees per product, scenario and operator (the
 * participant whose platform node anchored the batch: its receipts, and the fees of every use),
 * in China-day and China-month buckets, kept up to date here at event time so a chart is one
 * range read of its points. Every batch also records how many sequence numbers of its node are
 * missing before it (`gapBefore`, C22: the contract refuses gaps, so a gap means the index missed
 * a batch), and an index in chain order lists the batches newest first.
 */
import { decodeUsageWord, type UsageKindName } from "../../../scripts/lib/usage-words";
import type { ChainEvent, View, ViewTx } from "../store/types";
import { CHINA_OFFSET_SECONDS, chinaDate, chinaDayStart } from "../calendar";
import { SPACE, anchorOf, idOf, numOf, pad, padBlock, padLog, padTime, strOf, type Anchor } from "./util";

/** A batch anchored later than this after its last receipt is late. */
export const LATE_AFTER_SECONDS = 86_400;

export type UsageRecord = {
  nodeId: string;
  batches: number;
  receipts: number;
  /** Fees of all receipts, fen (decimal string). */
  fees: string;
  firstAt: number;
  lastAt: number;
  lastSequence: string;
  lateBatches: number;
};

export type UsageEntryRecord = { kind: UsageKindName; id: string; count: number; fee: string };

export type BatchRecord = {
  nodeId: string;
  sequence: string;
  root: string;
  receiptCount: number;
  firstAt: number;
  lastAt: number;
  metadataHash: string;
  anchoredBy: string;
  anchoredAt: number;
  /** Seconds between the last receipt and the anchoring block. */
  anchoredAfter: number;
  late: boolean;
  /** Sequence numbers of this node missing before this batch (0: none; C22). */
  gapBefore: number;
  usage: UsageEntryRecord[];
  anchor: Anchor;
};

/** Uses and fees of one product, scenario or resource, in total or on one day. */
export type UsageTotal = { kind: UsageKindName; id: string; day: string | null; count: number; fee: string; batches: number };

const add = (a: string, b: string) => (BigInt(a) + BigInt(b)).toString();

/** What a usage series is kept per: product, scenario, or the operator whose node anchored. */
export const SERIES_BY = ["product", "scenario", "operator"] as const;
export type SeriesBy = (typeof SERIES_BY)[number];
/** The buckets of a series, in China time (UTC+8). */
export const SERIES_BUCKETS = ["day", "month"] as const;
export type SeriesBucket = (typeof SERIES_BUCKETS)[number];

/** One point of a series: the uses and fees (fen, decimal string) booked in one bucket. */
export type SeriesPoint = { by: SeriesBy; bucket: SeriesBucket; id: string; start: number; uses: number; fee: string };

/** The start (seconds) of the China day or month holding `at`. */
export function bucketStart(bucket: SeriesBucket, at: number): number {
  // Indexing asks this twice for every usage entry of every batch: the day by arithmetic (China has
  // no daylight saving), the month once per day seen.
  const dayStart = Math.floor((at + CHINA_OFFSET_SECONDS) / 86_400) * 86_400 - CHINA_OFFSET_SECONDS;
  if (bucket === "day") return dayStart;
  let month = monthStarts.get(dayStart);
  if (month === undefined) {
    month = chinaDayStart(`${chinaDate(at).slice(0, 7)}-01`);
    if (monthStarts.size >= 100_000) monthStarts.clear();
    monthStarts.set(dayStart, month);
  }
  return month;
}
const monthStarts = new Map<number, number>();

/** Key of a series point: `${by}:${bucket}:${id}:${start}`, so one series is one key range in time order. */
export const seriesKey = (by: SeriesBy, bucket: SeriesBucket, id: string, start: number): string => `${by}:${bucket}:${pad(id)}:${padTime(start)}`;

async function addPoint(tx: ViewTx, by: SeriesBy, id: string, at: number, uses: number, fee: string): Promise<void> {
  for (const bucket of SERIES_BUCKETS) {
    const start = bucketStart(bucket, at);
    const key = seriesKey(by, bucket, id, start);
    const prev = await tx.get<SeriesPoint>(SPACE.usageSeries, key);
    // Changed in place (the store's transaction allows it): the same points are added to many times a range.
    if (prev) {
      prev.uses += uses;
      if (fee !== "0") prev.fee = add(prev.fee, fee);
    }
    tx.put(SPACE.usageSeries, key, prev ?? { by, bucket, id, start, uses, fee });
  }
}

async function addTo(tx: ViewTx, space: string, key: string, e: UsageEntryRecord, day: string | null): Promise<void> {
  const prev = await tx.get<UsageTotal>(space, key);
  if (prev) {
    prev.count += e.count;
    if (e.fee !== "0") prev.fee = add(prev.fee, e.fee);
    prev.batches += 1;
  }
  tx.put(space, key, prev ?? { kind: e.kind, id: e.id, day, count: e.count, fee: e.fee, batches: 1 });
}

export function createUsageView(): View {
  return {
    name: "usage",
    version: 3, // 2: usage counts and fees per product, scenario, resource and day; 3: series per day and month, gapBefore, batches in chain order
    events: ["ReceiptAnchor.BatchAnchored"],
    async apply(tx: ViewTx, e: ChainEvent): Promise<void> {
      if (e.contract !== "ReceiptAnchor" || e.event !== "BatchAnchored") return;
      const a = e.args;
      const nodeId = idOf(a.nodeId);
      const words = Array.isArray(a.usage) ? (a.usage as string[]) : [];
      const usage: UsageEntryRecord[] = words.map((w) => {
        const u = decodeUsageWord(strOf(w));
        return { kind: u.kind, id: u.id.toString(), count: u.count, fee: u.fee.toString() };
      });
      const lastAt = numOf(a.lastAt);
      const anchoredAfter = Math.max(0, e.timestamp - lastAt);
      const prev = await tx.get<UsageRecord>(SPACE.usage, pad(nodeId));
      const sequence = idOf(a.sequence);
      const missing = BigInt(sequence) - BigInt(prev?.lastSequence ?? "0") - 1n;
      const batch: BatchRecord = {
        nodeId,
        sequence,
        root: strOf(a.root),
        receiptCount: numOf(a.receiptCount),
        firstAt: numOf(a.firstAt),
        lastAt,
        metadataHash: strOf(a.metadataHash),
        anchoredBy: strOf(a.anchoredBy),
        anchoredAt: e.timestamp,
        anchoredAfter,
        late: anchoredAfter > LATE_AFTER_SECONDS,
        gapBefore: missing > 0n ? Number(missing) : 0,
        usage,
        anchor: anchorOf(e),
      };
      const batchKey = `${pad(nodeId)}:${pad(batch.sequence)}`;
      tx.put(SPACE.receiptBatch, batchKey, batch);
      tx.put(SPACE.batchOrder, `${padBlock(e.blockNumber)}:${padLog(e.logIndex)}`, batchKey);
      const fees = usage.filter((u) => u.kind === "Scenario").reduce((s, u) => add(s, u.fee), "0");
      const next: UsageRecord = prev
        ? {
            nodeId,
            batches: prev.batches + 1,
            receipts: prev.receipts + batch.receiptCount,
            fees: add(prev.fees ?? "0", fees),
            firstAt: Math.min(prev.firstAt, batch.firstAt),
            lastAt: Math.max(prev.lastAt, batch.lastAt),
            lastSequence: batch.sequence,
            lateBatches: (prev.lateBatches ?? 0) + (batch.late ? 1 : 0),
          }
        : { nodeId, batches: 1, receipts: batch.receiptCount, fees, firstAt: batch.firstAt, lastAt: batch.lastAt, lastSequence: batch.sequence, lateBatches: batch.late ? 1 : 0 };
      tx.put(SPACE.usage, pad(nodeId), next);
      const day = chinaDate(batch.firstAt);
      for (const u of usage) {
        await addTo(tx, SPACE.usageTotal, `${u.kind}:${pad(u.id)}`, u, null);
        await addTo(tx, SPACE.usageDay, `${day}:${u.kind}:${pad(u.id)}`, u, day);
        if (u.kind === "Product") await addPoint(tx, "product", u.id, batch.firstAt, u.count, u.fee);
        if (u.kind === "Scenario") await addPoint(tx, "scenario", u.id, batch.firstAt, u.count, u.fee);
      }
      await addPoint(tx, "operator", nodeId, batch.firstAt, batch.receiptCount, fees);
    },
  };
}
