/**
 * The platform node's own LevelDB: receipts it acknowledged, their acknowledgements, the pending
 * queue, batches and their anchoring, rule flags. Separate from the index (which is rebuilt from
 * the chain at will): this store holds evidence that exists nowhere else, so every write that an
 * answer depends on is synced to disk first (`sync: true`), group-committed across concurrent
 * requests so that one fsync serves them all.
 *
 * Keys (one LevelDB, string keys, JSON values):
 *   meta            NodeMeta: arrival counter, last sealed sequence, the time floor
 *   r:<id>          ReceiptEntry (the receipt as accepted, leaf, acknowledgement, path, flags)
 *   a:<ack>         AckEntry: one signed acknowledgement (one per intake request)
 *   q:<ts>:<arr>    PendingRef: a receipt not yet in a batch, by receipt time then arrival
 *   rb:<id>         the sequence of the batch holding the receipt
 *   b:<seq>         BatchEntry: a sealed batch and its anchoring
 *   f:<ts>:<id>:<rule>  FlagEntry: a rule a receipt broke (regulator alert)
 * A receipt is moved from q: to one batch in the same write that creates the batch, so no
 * receipt is ever in two batches, and a crash leaves it either pending or sealed.
 */
import { Level, type BatchOperation } from "level";
import type { ReceiptJson, Acknowledgement, Receipt } from "../../../scripts/lib/receipts";

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

export interface NodeMeta {
  /** Receipts ever accepted (the next arrival number). */
  arrivals: number;
  /** Acknowledgements ever signed. */
  acks: number;
  /** Sequence of the last sealed batch (0: none). */
  lastSealed: number;
  /**
   * No receipt older than this (Unix seconds) can be accepted: the first receipt time of the last
   * sealed batch (the chain refuses a batch starting before its predecessor), or the node's
   * registration before any batch.
   */
  floor: number;
}

/** A rule a use broke, as the regulator sees it (C13, C14, C18, C31, C33). */
export interface Flag {
  rule: string;
  clause: string;
  message: string;
}

export interface ReceiptEntry {
  receipt: ReceiptJson;
  leaf: string;
  /** Key of the acknowledgement (a:<ack>) and this receipt's path to its root. */
  ack: number;
  path: string[];
  flags: Flag[];
  /** Arrival number (order of acceptance). */
  arrival: number;
  /** When it was made durable, Unix milliseconds. */
  acceptedAt: number;
}

export type AckEntry = Acknowledgement;

export interface PendingRef {
  id: string;
  leaf: string;
  ts: number;
  /** Arrival number (the q: key's second part). */
  arrival: number;
  scenarioId: string;
  productId: string;
  resourceIds: string[];
  fee: string;
  /** Unix ms when acknowledged (the batch age counts from the oldest). */
  at: number;
}

/** The pending-queue entry of a receipt accepted at `at` (Unix ms) as arrival number `arrival`. */
export function pendingRefOf(r: Receipt, leaf: string, arrival: number, at: number): PendingRef {
  return {
    id: r.id,
    leaf,
    ts: r.timestamp,
    arrival,
    scenarioId: r.scenarioId.toString(),
    productId: r.productId.toString(),
    resourceIds: r.resourceIds.map(String),
    fee: r.fee.toString(),
    at,
  };
}

export type BatchState = "sealed" | "sent" | "anchored";

export interface BatchEntry {
  sequence: number;
  root: string;
  receiptCount: number;
  firstAt: number;
  lastAt: number;
  metadataHash: string;
  usage: string[];
  /** Receipt ids and leaves, in the order the tree was built from. */
  ids: string[];
  leaves: string[];
  sealedAt: number;
  state: BatchState;
  /** The last transaction sent for it (replacements keep the nonce). */
  tx: { hash: string; nonce: number; gasLimit?: string; sentAt: number; maxFeePerGas: string | null; maxPriorityFeePerGas: string | null; gasPrice: string | null } | null;
  /** Where the chain holds it, once mined. */
  anchor: { txHash: string; blockNumber: number; blockHash: string; gasUsed: string } | null;
}

export interface FlagEntry extends Flag {
  receiptId: string;
  nodeId: string;
  at: number;
  authorizationId: string;
  scenarioId: string;
  productId: string;
}

/** What the node store holds under its keys (see the key table above). */
export type StoredValue = NodeMeta | ReceiptEntry | AckEntry | PendingRef | BatchEntry | FlagEntry | number;
export type Op = { type: "put"; key: string; value: StoredValue } | { type: "del"; key: string };

const TIME_W = 12;
const ARR_W = 12;
export const padNum = (n: number, w: number): string => String(n).padStart(w, "0");
export const KEY = {
  meta: "meta",
  receipt: (id: string) => `r:${id}`,
  ack: (n: number) => `a:${padNum(n, ARR_W)}`,
  pending: (ts: number, arrival: number) => `q:${padNum(ts, TIME_W)}:${padNum(arrival, ARR_W)}`,
  inBatch: (id: string) => `rb:${id}`,
  batch: (seq: number) => `b:${padNum(seq, ARR_W)}`,
  flag: (ts: number, id: string, rule: string) => `f:${padNum(ts, TIME_W)}:${id}:${rule}`,
};

export interface NodeStore {
  /**
   * The live meta: callers change it synchronously (allocating arrival and acknowledgement
   * numbers, raising the floor when sealing); every commit writes the snapshot current when its
   * batch is written, which covers every number its ops use.
   */
  meta: NodeMeta;
  get<T>(key: string): Promise<T | undefined>;
  getMany<T>(keys: string[]): Promise<(T | undefined)[]>;
  range<T>(prefix: string, opts?: { limit?: number; reverse?: boolean; gte?: string; lt?: string }): AsyncIterable<[string, T]>;
  /** Writes `ops` and the meta durably, in call order; resolves once synced. Concurrent calls share one synced batch. */
  commit(ops: Op[]): Promise<void>;
  close(): Promise<void>;
  /** Synced batches written and the ops they held (benchmarks). */
  stats(): { commits: number; ops: number };
  /** The write failure that stopped the store, if one did (nothing more is accepted). */
  failure(): NodeStoreError | undefined;
}

/** A synced write failed: the store accepts nothing more (the process should restart). */
export class NodeStoreError extends Error {
  readonly retryable = false;
  constructor(cause: unknown) {
    super(`the node store could not write: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "NodeStoreError";
  }
}

export async function openNodeStore(dir: string, initialFloor: number): Promise<NodeStore> {
  const db = new Level<string, Json>(dir, { valueEncoding: "json" });
  await db.open();
  let stored = (await db.get(KEY.meta)) as unknown as NodeMeta | undefined;
  if (stored === undefined) {
    stored = { arrivals: 0, acks: 0, lastSealed: 0, floor: initialFloor };
    await db.put(KEY.meta, stored as unknown as Json, { sync: true });
  }
  const meta: NodeMeta = { ...stored };

  type Waiter = { ops: Op[]; resolve: () => void; reject: (e: unknown) => void };
  let queue: Waiter[] = [];
  let writing: Promise<void> | undefined;
  let failed: NodeStoreError | undefined;
  let commits = 0;
  let opsWritten = 0;

  async function flush(): Promise<void> {
    while (queue.length > 0) {
      const group = queue;
      queue = [];
      const ops: Op[] = [];
      for (const w of group) for (const op of w.ops) ops.push(op);
      ops.push({ type: "put", key: KEY.meta, value: { ...meta } });
      try {
        if (failed) throw failed;
        // The values are plain JSON records (StoredValue); LevelDB's json encoding writes them as they are.
        await db.batch(ops as BatchOperation<Level<string, Json>, string, Json>[], { sync: true });
        commits++;
        opsWritten += ops.length;
        for (const w of group) w.resolve();
      } catch (err) {
        failed ??= err instanceof NodeStoreError ? err : new NodeStoreError(err);
        for (const w of group) w.reject(failed);
      }
    }
    writing = undefined;
  }

  return {
    meta,
    async get<T>(key: string) {
      return (await db.get(key)) as T | undefined;
    },
    async getMany<T>(keys: string[]) {
      if (keys.length === 0) return [];
      return (await db.getMany(keys)) as (T | undefined)[];
    },
    range<T>(prefix: string, opts: { limit?: number; reverse?: boolean; gte?: string; lt?: string } = {}): AsyncIterable<[string, T]> {
      return {
        async *[Symbol.asyncIterator]() {
          const it = db.iterator({ gte: opts.gte ?? prefix, lt: opts.lt ?? `${prefix}\xff`, limit: opts.limit ?? -1, reverse: opts.reverse ?? false });
          try {
            for await (const [k, v] of it) yield [k, v as T];
          } finally {
            await it.close();
          }
        },
      };
    },
    commit(ops: Op[]) {
      if (failed) return Promise.reject(failed);
      return new Promise<void>((resolve, reject) => {
        queue.push({ ops, resolve, reject });
        writing ??= flush();
      });
    },
    async close() {
      while (writing) await writing;
      await db.close();
    },
    stats: () => ({ commits, ops: opsWritten }),
    failure: () => failed,
  };
}
