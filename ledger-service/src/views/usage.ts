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
 * range read of its buckets (each bucket one record holding every id's point, as each China day
 * is one record of every id's uses). Every batch also records how many sequence numbers of its node are
 * missing before it (`gapBefore`, C22: the contract refuses gaps, so a gap means the index missed
 * a batch), and an index in chain order lists the batches newest first.
 *
 * A batch's record holds every field of its BatchAnchored event: the timeline keeps the batch as
 * the record's key and rebuilds the event's entry from it (views/timeline.ts `readTimelineEntry`).
 */
import { decodeUsageWordText, type UsageEntryText, type UsageKindName } from "../../../scripts/lib/usage-words";
import type { ChainEvent, JsonValue, View, ViewTx } from "../store/types";
import { CHINA_OFFSET_SECONDS, chinaDate, chinaDayStart } from "../calendar";
import { SPACE, anchorOf, compareIds, idOf, numOf, ofLastEvent, pad, padBlock, padLog, padTime, strOf, type Anchor } from "./util";

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

export type UsageEntryRecord = UsageEntryText;

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

/** Key of a batch's record: its node, then its sequence number. */
export const receiptBatchKey = (nodeId: string, sequence: string): string => `${pad(nodeId)}:${pad(sequence)}`;

/**
 * The key of a BatchAnchored event's record. The usage and timeline views both ask it of the
 * event, one after the other: the last event's is kept.
 */
export const batchKeyOf = ofLastEvent((e): string => receiptBatchKey(idOf(e.args.nodeId), idOf(e.args.sequence)));

/** Uses and fees of one product, scenario or resource, in total or on one day. */
export type UsageTotal = { kind: UsageKindName; id: string; day: string | null; count: number; fee: string; batches: number };

/** Sum of two decimal fee strings: in doubles while both are below 10^15 (exact), else BigInt. */
const add = (a: string, b: string): string => (a.length < 16 && b.length < 16 ? String(Number(a) + Number(b)) : (BigInt(a) + BigInt(b)).toString());

/**
 * Sequence numbers missing between a node's last batch and this one (0: none). In doubles while
 * both have at most 15 digits (exact), else BigInt.
 */
function gapBetween(last: string, sequence: string): number {
  if (last.length < 16 && sequence.length < 16) return Math.max(0, Number(sequence) - Number(last) - 1);
  const missing = BigInt(sequence) - BigInt(last) - 1n;
  return missing > 0n ? Number(missing) : 0;
}

/** What a usage series is kept per: product, scenario, or the operator whose node anchored. */
export const SERIES_BY = ["product", "scenario", "operator"] as const;
export type SeriesBy = (typeof SERIES_BY)[number];
/** The buckets of a series, in China time (UTC+8). */
export const SERIES_BUCKETS = ["day", "month"] as const;
export type SeriesBucket = (typeof SERIES_BUCKETS)[number];

/**
 * Keeps a value made once per `k` (keys, month starts) and returns it: a batch adds to some twenty
 * records, and a key string made afresh is hashed again at every lookup of the range's transaction
 * (a fifth of this view's time). Callers look in the cache first and make the value only when it
 * is missing (no closure per lookup: this runs for every usage word). Bounded by the ids and
 * buckets a chain has; cleared past 100,000 entries.
 */
function keep<K, V>(cache: Map<K, V>, k: K, v: V): V {
  if (cache.size >= 100_000) cache.clear();
  cache.set(k, v);
  return v;
}

/** The start (seconds) of the China day or month holding `at`. */
export function bucketStart(bucket: SeriesBucket, at: number): number {
  // Indexing asks this twice for every usage entry of every batch: the day by arithmetic (China has
  // no daylight saving), the month once per day seen.
  const dayStart = Math.floor((at + CHINA_OFFSET_SECONDS) / 86_400) * 86_400 - CHINA_OFFSET_SECONDS;
  if (bucket === "day") return dayStart;
  const month = monthStarts.get(dayStart);
  return month ?? keep(monthStarts, dayStart, chinaDayStart(`${chinaDate(at).slice(0, 7)}-01`));
}
const monthStarts = new Map<number, number>();

/**
 * One bucket of every series of one kind (`by`): the points of all ids whose batches fall in it,
 * id -> [uses, fee in fen as a decimal string]. Keyed `${by}:${bucket}:${padTime(start)}`: a range
 * of blocks touches a handful of buckets, so it writes a handful of records however many
 * products it counts (one record per point made catch-up write 40% of its keys here).
 */
export type SeriesBucketRecord = { by: SeriesBy; bucket: SeriesBucket; start: number; points: { [id: string]: [uses: number, fee: string] } };

/** Key of a series bucket record: one series kind and bucket size is one key range in time order. */
export const seriesBucketKey = (by: SeriesBy, bucket: SeriesBucket, start: number): string => `${by}:${bucket}:${padTime(start)}`;

/**
 * The uses and fees of every product, scenario and resource on one China day:
 * `${kind}:${id}` -> [count, fee in fen as a decimal string, batches]. Keyed by the day.
 */
export type UsageDayRecord = { day: string; entries: { [kindAndId: string]: [count: number, fee: string, batches: number] } };

const bucketKeys = Object.fromEntries(
  SERIES_BY.map((by) => [by, Object.fromEntries(SERIES_BUCKETS.map((b) => [b, new Map<number, string>()]))]),
) as Record<SeriesBy, Record<SeriesBucket, Map<number, string>>>;
/** Per usage kind and id: the key of its total and its key in a day record. */
const entryKeys: Record<UsageKindName, Map<string, { total: string; day: string }>> = { Product: new Map(), Scenario: new Map(), Resource: new Map() };
/** Per node id: the key of its usage record. */
const nodeKeys = new Map<string, string>();
const entryKey = (e: UsageEntryRecord) => entryKeys[e.kind].get(e.id) ?? keep(entryKeys[e.kind], e.id, { total: `${e.kind}:${pad(e.id)}`, day: `${e.kind}:${e.id}` });

/**
 * The records the batches of one block add to (totals, day records, series buckets), each read
 * and put once per block and range transaction, then changed in place: a batch adds to some
 * twenty records, mostly those the batch before it added to, and a read and a put through the
 * range's transaction cost some five Map operations. ViewTx allows it: a value put may be
 * changed in place until its block ends. A new transaction or block starts afresh.
 */
type Held = { block: number; nodes: Map<string, UsageRecord>; totals: Map<string, UsageTotal>; days: Map<string, UsageDayRecord>; series: Map<string, SeriesBucketRecord> };
/** Per range transaction (gone with it: a range retried after a failure has a new one). */
const held = new WeakMap<ViewTx, Held>();

function heldFor(tx: ViewTx, block: number): Held {
  let h = held.get(tx);
  if (h === undefined || h.block !== block) held.set(tx, (h = { block, nodes: new Map(), totals: new Map(), days: new Map(), series: new Map() }));
  return h;
}

/** The record at `key`: from `records`, else read and put once, and kept there; undefined when there is none yet. */
function take<T extends JsonValue>(tx: ViewTx, records: Map<string, T>, space: string, key: string): T | undefined {
  const r = records.get(key);
  if (r !== undefined) return r;
  const stored = tx.get<T>(space, key);
  return stored === undefined ? undefined : hold(tx, records, space, key, stored);
}

/** Puts `r` at `key` (once per block: it is then changed in place) and keeps it in `records`. */
function hold<T extends JsonValue>(tx: ViewTx, records: Map<string, T>, space: string, key: string, r: T): T {
  tx.put(space, key, r);
  records.set(key, r);
  return r;
}

function addPoint(tx: ViewTx, h: Held, by: SeriesBy, id: string, at: number, uses: number, fee: string): void {
  for (const bucket of SERIES_BUCKETS) {
    const start = bucketStart(bucket, at);
    const keys = bucketKeys[by][bucket];
    const key = keys.get(start) ?? keep(keys, start, seriesBucketKey(by, bucket, start));
    const record = take(tx, h.series, SPACE.usageSeries, key) ?? hold<SeriesBucketRecord>(tx, h.series, SPACE.usageSeries, key, { by, bucket, start, points: {} });
    const point = record.points[id];
    if (point === undefined) record.points[id] = [uses, fee];
    else {
      point[0] += uses;
      if (fee !== "0") point[1] = add(point[1], fee);
    }
  }
}

function addTotal(tx: ViewTx, h: Held, e: UsageEntryRecord): void {
  const key = entryKey(e).total;
  const total = take(tx, h.totals, SPACE.usageTotal, key) ?? hold<UsageTotal>(tx, h.totals, SPACE.usageTotal, key, { kind: e.kind, id: e.id, day: null, count: 0, fee: "0", batches: 0 });
  total.count += e.count;
  if (e.fee !== "0") total.fee = add(total.fee, e.fee);
  total.batches += 1;
}

function addDay(record: UsageDayRecord, e: UsageEntryRecord): void {
  const key = entryKey(e).day;
  const entry = record.entries[key];
  if (entry === undefined) record.entries[key] = [e.count, e.fee, 1];
  else {
    entry[0] += e.count;
    if (e.fee !== "0") entry[1] = add(entry[1], e.fee);
    entry[2] += 1;
  }
}

/** The entries of a day record as totals, in the order of kind name, then numeric id. */
export function dayTotals(record: UsageDayRecord): UsageTotal[] {
  const out: UsageTotal[] = [];
  for (const [key, [count, fee, batches]] of Object.entries(record.entries)) {
    const colon = key.indexOf(":");
    out.push({ kind: key.slice(0, colon) as UsageKindName, id: key.slice(colon + 1), day: record.day, count, fee, batches });
  }
  return out.sort((x, y) => (x.kind < y.kind ? -1 : x.kind > y.kind ? 1 : compareIds(x.id, y.id)));
}

export function createUsageView(): View {
  return {
    name: "usage",
    // 2: usage counts and fees per product, scenario, resource and day; 3: series per day and month,
    // gapBefore, batches in chain order; 4: one record per day and per series bucket
    version: 4,
    events: ["ReceiptAnchor.BatchAnchored"],
    apply(tx: ViewTx, e: ChainEvent): void {
      if (e.contract !== "ReceiptAnchor" || e.event !== "BatchAnchored") return;
      const a = e.args;
      const nodeId = idOf(a.nodeId);
      const words = Array.isArray(a.usage) ? (a.usage as string[]) : [];
      const usage = new Array<UsageEntryRecord>(words.length);
      /** The fees of the batch: its scenario entries' (every receipt has one scenario). */
      let fees = "0";
      for (let i = 0; i < words.length; i++) {
        const u = decodeUsageWordText(strOf(words[i]));
        usage[i] = u;
        if (u.kind === "Scenario") fees = add(fees, u.fee);
      }
      const lastAt = numOf(a.lastAt);
      const anchoredAfter = Math.max(0, e.timestamp - lastAt);
      const h = heldFor(tx, e.blockNumber);
      const nodeKey = nodeKeys.get(nodeId) ?? keep(nodeKeys, nodeId, pad(nodeId));
      const prev = take(tx, h.nodes, SPACE.usage, nodeKey);
      const sequence = idOf(a.sequence);
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
        gapBefore: gapBetween(prev?.lastSequence ?? "0", sequence),
        usage,
        anchor: anchorOf(e),
      };
      const batchKey = batchKeyOf(e);
      tx.append(SPACE.receiptBatch, batchKey, batch);
      tx.append(SPACE.batchOrder, `${padBlock(e.blockNumber)}:${padLog(e.logIndex)}`, batchKey);
      if (prev === undefined) {
        hold<UsageRecord>(tx, h.nodes, SPACE.usage, nodeKey, {
          nodeId,
          batches: 1,
          receipts: batch.receiptCount,
          fees,
          firstAt: batch.firstAt,
          lastAt: batch.lastAt,
          lastSequence: batch.sequence,
          lateBatches: batch.late ? 1 : 0,
        });
      } else {
        prev.batches += 1;
        prev.receipts += batch.receiptCount;
        prev.fees = add(prev.fees, fees);
        prev.firstAt = Math.min(prev.firstAt, batch.firstAt);
        prev.lastAt = Math.max(prev.lastAt, batch.lastAt);
        prev.lastSequence = batch.sequence;
        prev.lateBatches += batch.late ? 1 : 0;
      }
      const day = chinaDate(batch.firstAt);
      const dayRecord = take(tx, h.days, SPACE.usageDay, day) ?? hold<UsageDayRecord>(tx, h.days, SPACE.usageDay, day, { day, entries: {} });
      for (const u of usage) {
        addTotal(tx, h, u);
        addDay(dayRecord, u);
        if (u.kind === "Product") addPoint(tx, h, "product", u.id, batch.firstAt, u.count, u.fee);
        if (u.kind === "Scenario") addPoint(tx, h, "scenario", u.id, batch.firstAt, u.count, u.fee);
      }
      addPoint(tx, h, "operator", nodeId, batch.firstAt, batch.receiptCount, fees);
    },
  };
}
