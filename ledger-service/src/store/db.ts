/**
 * The LevelDB store (level v10, one sublevel per concern):
 *   meta     identity (which chain and deployment the index belongs to), checkpoint, finalized
 *   blocks   refs of recently applied blocks (number -> {hash, parentHash, timestamp}), for reorgs
 *   undo     per applied, not yet finalized block: the previous value of every key it wrote
 *   v:<space> one sublevel per view space, written only through a ViewTx
 * One applied block range = the views' writes + their undo records + the block refs + the
 * checkpoint, in ONE batch; an unwind restores the previous values in ONE batch. A crash at any
 * point therefore leaves either the state before or the state after a range, never a mix.
 */
import { Level, type BatchOperation } from "level";
import type { Logger } from "pino";
import type { ChainEvent, JsonValue, RangeOptions, View, ViewReader, ViewTx } from "./types";
import { createRecordCache, DEFAULT_CACHE_BYTES } from "./cache";

/** A block the index has applied, as the follower saw it. */
export interface BlockRef {
  number: number;
  hash: string;
  parentHash: string;
  timestamp: number;
}

/**
 * What the index was built from; any difference at open means the index must be rebuilt. Only
 * what a chain keeps stable: anvil does not keep block 0's hash across `--state` reloads, so the
 * deployment block's hash (checked against the chain at every start) stands for the chain.
 */
export interface ChainIdentity {
  chainId: number;
  startBlock: number;
  startBlockHash: string;
  /** name=address of every contract followed, sorted. */
  contracts: string[];
  /** Names of the views, in order: a different set of views needs a rebuild too. */
  views: string[];
}

export interface IndexState {
  /** Last applied block; undefined before the first range. */
  checkpoint: BlockRef | undefined;
  /** Highest block applied without undo records: nothing at or below it can be unwound. */
  finalized: number;
  /** Applied blocks still remembered, ascending (the checkpoint is the last). */
  recent: BlockRef[];
  /** The follower's learned block range size, written with the last range applied. */
  rangeSize?: number;
}

export interface ApplyRangeArgs {
  /** Headers known in the range, ascending; the last one becomes the checkpoint. */
  blocks: BlockRef[];
  /** Decoded events of the range ordered by (blockNumber, logIndex). */
  events: ChainEvent[];
  /** Blocks at or below this number get no undo records: they cannot be reorganized away. */
  finalized: number;
  views: readonly View[];
  /** The follower's range size, kept for the next start. */
  rangeSize?: number;
}

export interface ApplyStats {
  events: number;
  writes: number;
  undoEntries: number;
  /** ms spent in the views' apply. */
  viewsMs: number;
  /** ms spent building and writing the batch. */
  dbMs: number;
}

export interface DumpEntry {
  space: string;
  key: string;
  value: JsonValue;
}

export interface Store {
  reader: ViewReader;
  /** The chain state the index holds (cached, updated by every apply and unwind). */
  state(): IndexState;
  /** Applies a block range in one batch. */
  applyRange(args: ApplyRangeArgs): Promise<ApplyStats>;
  /** Undoes every block above `ancestor` (which must be a remembered block) in one batch. */
  unwindTo(ancestor: BlockRef): Promise<{ blocks: number; keys: number }>;
  /** Forgets undo records and block refs below `finalized` (they can no longer be reorganized). */
  finalize(finalized: number): Promise<void>;
  /** Every view entry, sorted by space then key (tests, rebuild comparisons). */
  dump(): Promise<DumpEntry[]>;
  /**
   * Changes whenever the views' content may have changed (every applied range and unwind): an
   * answer built from the reader is valid for one version (the API's response cache keys on it).
   */
  version(): number;
  close(): Promise<void>;
}

export interface OpenStoreArgs {
  dataDir: string;
  identity: ChainIdentity;
  /** Budget of the reader's record cache in bytes of JSON (default 64 MB; 0 disables it). */
  cacheBytes?: number;
}

export interface OpenStoreResult {
  store: Store;
  /** True when an index for another chain or deployment was found and erased. */
  reset: boolean;
  /** Identity of the erased index, if any. */
  previous?: ChainIdentity;
}

/** A view threw on an event: a bug in the view, never retried blindly. */
export class ViewError extends Error {
  readonly retryable = false;
  constructor(
    readonly view: string,
    readonly event: ChainEvent,
    cause: unknown,
  ) {
    super(
      `view ${view} failed on ${event.contract}.${event.event} (block ${event.blockNumber}, log ${event.logIndex}): ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
      { cause },
    );
    this.name = "ViewError";
  }
}

/** Undo entry: `previous` absent means the key did not exist before the block. */
interface UndoEntry {
  space: string;
  key: string;
  previous?: JsonValue;
}

type Json = JsonValue;
type Op = BatchOperation<Level<string, Json>, string, Json>;
/** A write of applyRange: key already prefixed with its sublevel, value already JSON. */
type RawOp = { type: "put"; key: string; value: string } | { type: "del"; key: string };

const DELETED = Symbol("deleted");
type Pending = Json | typeof DELETED;

/** View spaces are top-level sublevels "v:<space>" (one batch can then address them all). */
const VIEW_PREFIX = "v:";
const SPACE_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;

const pad = (n: number): string => n.toString().padStart(12, "0");

export async function openStore(common: { logger: Logger }, args: OpenStoreArgs): Promise<OpenStoreResult> {
  const log = common.logger.child({ module: "store" });
  const db = new Level<string, Json>(args.dataDir, { valueEncoding: "json" });
  await db.open();
  const meta = db.sublevel<string, Json>("meta", { valueEncoding: "json" });
  const blocks = db.sublevel<string, Json>("blocks", { valueEncoding: "json" });
  const undo = db.sublevel<string, Json>("undo", { valueEncoding: "json" });
  const spaces = new Map<string, typeof meta>();
  const space = (name: string) => {
    let s = spaces.get(name);
    if (s === undefined) {
      if (!SPACE_NAME.test(name)) throw new RangeError(`view space name ${JSON.stringify(name)} must match ${SPACE_NAME}`);
      s = db.sublevel<string, Json>(VIEW_PREFIX + name, { valueEncoding: "json" });
      spaces.set(name, s);
    }
    return s;
  };

  // ===== IDENTITY =====
  const stored = (await meta.get("identity")) as ChainIdentity | undefined;
  let reset = false;
  const wanted = JSON.stringify(args.identity);
  const isEmpty = async () => {
    for await (const _ of db.keys({ limit: 1 })) return false;
    return true;
  };
  if (stored === undefined ? !(await isEmpty()) : JSON.stringify(stored) !== wanted) {
    log.warn({ previous: stored, identity: args.identity }, "index belongs to another chain or deployment: rebuilding");
    await db.clear();
    reset = true;
  }
  if (stored === undefined || reset) await meta.put("identity", args.identity as unknown as Json);

  // ===== STATE =====
  const state: IndexState = {
    checkpoint: (await meta.get("checkpoint")) as BlockRef | undefined,
    finalized: ((await meta.get("finalized")) as number | undefined) ?? -1,
    recent: [],
    rangeSize: (await meta.get("rangeSize")) as number | undefined,
  };
  for await (const value of blocks.values()) state.recent.push(value as unknown as BlockRef);

  // NOTE: the reader's point reads are synchronous LevelDB gets (level v10) through the root (always
  // open; a sublevel made a moment ago may still be opening). A get served from LevelDB's block
  // cache or the OS page cache costs a few microseconds; the asynchronous get pays a libuv
  // threadpool round trip (~60 us of main-thread work) per read, which was most of the API's time.
  // A cold read blocks the event loop for one disk read.
  // Decoded records, invalidated key by key by applyRange and unwindTo (store/cache.ts).
  const cache = createRecordCache(args.cacheBytes ?? DEFAULT_CACHE_BYTES);
  const reader: ViewReader = {
    async get<T extends Json>(name: string, key: string) {
      return cache.get(name, key, () => {
        const text = db.getSync<string, string>(space(name).prefix + key, { valueEncoding: "utf8" });
        return text === undefined ? undefined : { value: JSON.parse(text), bytes: text.length };
      }) as T | undefined;
    },
    getText(name: string, key: string) {
      return db.getSync<string, string>(space(name).prefix + key, { valueEncoding: "utf8" });
    },
    range<T extends Json>(name: string, options: RangeOptions = {}): AsyncIterable<[string, T]> {
      const it = space(name).iterator(options);
      return {
        async *[Symbol.asyncIterator]() {
          try {
            for await (const [k, v] of it) yield [k, v as T];
          } finally {
            await it.close();
          }
        },
      };
    },
  };

  async function applyRange(a: ApplyRangeArgs): Promise<ApplyStats> {
    if (a.blocks.length === 0) throw new RangeError("applyRange needs at least the range's last block");
    const started = performance.now();
    const pending = new Map<string, Map<string, Pending>>();
    const undoByBlock = new Map<number, UndoEntry[]>();
    /** Entries whose previous value is the stored one (no earlier write in this range). */
    const fromDb: UndoEntry[] = [];
    let undoCount = 0;
    let touched = new Set<string>();
    /**
     * Pending values of earlier blocks as they were when this block first read them: views may
     * change a value they read in place before putting it back, so the undo record must not be
     * taken from the pending value at put time.
     */
    let seen = new Map<string, Json>();
    let current = -1;
    let recordUndo = false;
    let entries: UndoEntry[] = [];

    const pendingOf = (name: string) => {
      let m = pending.get(name);
      if (m === undefined) {
        m = new Map();
        pending.set(name, m);
      }
      return m;
    };
    const remember = (name: string, key: string, m: Map<string, Pending>) => {
      if (!recordUndo) return;
      const id = `${name}\u0000${key}`;
      if (touched.has(id)) return;
      touched.add(id);
      const before = m.get(key);
      const entry: UndoEntry = { space: name, key };
      if (before === undefined) fromDb.push(entry);
      else if (before !== DELETED) entry.previous = seen.has(id) ? seen.get(id) : structuredClone(before);
      entries.push(entry);
      undoCount++;
    };
    const tx: ViewTx = {
      async get<T extends Json>(name: string, key: string) {
        const v = pending.get(name)?.get(key);
        if (v === DELETED) return undefined;
        if (v !== undefined) {
          if (recordUndo && typeof v === "object" && v !== null) {
            const id = `${name}\u0000${key}`;
            if (!touched.has(id) && !seen.has(id)) seen.set(id, structuredClone(v));
          }
          return v as T;
        }
        // Synchronous: a LevelDB point read costs a few microseconds, an async one a thread-pool
        // round trip, once per read of every view.
        // Through the root (always open; a sublevel made a moment ago may still be opening).
        return db.getSync(space(name).prefix + key) as T | undefined;
      },
      put(name, key, value) {
        const m = pendingOf(name);
        remember(name, key, m);
        m.set(key, value);
      },
      del(name, key) {
        const m = pendingOf(name);
        remember(name, key, m);
        m.set(key, DELETED);
      },
    };

    let yielded = performance.now();
    for (let i = 0; i < a.events.length; i++) {
      const event = a.events[i];
      if (event.blockNumber !== current) {
        current = event.blockNumber;
        recordUndo = current > a.finalized;
        if (recordUndo) {
          touched = new Set();
          seen = new Map();
          entries = [];
          undoByBlock.set(current, entries);
        }
      }
      // Views read synchronously: let the read of the next range (follower) make progress now and then.
      if ((i & 255) === 255 && performance.now() - yielded > 5) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        yielded = performance.now();
      }
      for (const view of a.views) {
        try {
          await view.apply(tx, event);
        } catch (err) {
          throw new ViewError(view.name, event, err);
        }
      }
    }
    const viewsDone = performance.now();

    // Previous values that were in the store before this range.
    const bySpace = new Map<string, UndoEntry[]>();
    for (const e of fromDb) {
      let list = bySpace.get(e.space);
      if (list === undefined) bySpace.set(e.space, (list = []));
      list.push(e);
    }
    for (const [name, list] of bySpace) {
      const values = await space(name).getMany(list.map((e) => e.key));
      values.forEach((v, i) => {
        if (v !== undefined) list[i].previous = v;
      });
    }

    // One batch on the root db with the sublevel prefixes applied and the values already JSON
    // (what the sublevels would write): abstract-level's per-operation sublevel handling was a
    // third of the batch's cost.
    const ops: RawOp[] = [];
    let writes = 0;
    for (const [name, m] of pending) {
      const prefix = space(name).prefix;
      for (const [key, value] of m) {
        writes++;
        if (value === DELETED) ops.push({ type: "del", key: prefix + key });
        else ops.push({ type: "put", key: prefix + key, value: JSON.stringify(value) });
      }
    }
    for (const [n, list] of undoByBlock) {
      if (list.length > 0) ops.push({ type: "put", key: undo.prefix + pad(n), value: JSON.stringify(list) });
    }
    const last = a.blocks[a.blocks.length - 1];
    const remembered = a.blocks.filter((b) => b.number > a.finalized || b === last);
    for (const b of remembered) ops.push({ type: "put", key: blocks.prefix + pad(b.number), value: JSON.stringify(b) });
    ops.push({ type: "put", key: `${meta.prefix}checkpoint`, value: JSON.stringify(last) });
    if (a.rangeSize !== undefined && a.rangeSize !== state.rangeSize) ops.push({ type: "put", key: `${meta.prefix}rangeSize`, value: JSON.stringify(a.rangeSize) });
    const finalized = Math.max(state.finalized, Math.min(a.finalized, last.number));
    if (finalized !== state.finalized) ops.push({ type: "put", key: `${meta.prefix}finalized`, value: JSON.stringify(finalized) });
    await db.batch<string, string>(ops, { keyEncoding: "utf8", valueEncoding: "utf8" });
    for (const [name, m] of pending) cache.invalidate(name, m.keys());
    cache.bump();

    state.checkpoint = last;
    state.finalized = finalized;
    if (a.rangeSize !== undefined) state.rangeSize = a.rangeSize;
    state.recent.push(...remembered);
    return {
      events: a.events.length,
      writes,
      undoEntries: undoCount,
      viewsMs: viewsDone - started,
      dbMs: performance.now() - viewsDone,
    };
  }

  async function unwindTo(ancestor: BlockRef): Promise<{ blocks: number; keys: number }> {
    if (ancestor.number < state.finalized) {
      throw new RangeError(`cannot unwind to ${ancestor.number}: blocks up to ${state.finalized} are final`);
    }
    const records: [number, UndoEntry[]][] = [];
    for await (const [k, v] of undo.iterator({ gt: pad(ancestor.number), reverse: true })) {
      records.push([Number(k), v as unknown as UndoEntry[]]);
    }
    // Newest block first, each block's entries in reverse: the last restore of a key wins and is
    // the value before the oldest unwound block touched it.
    const restore = new Map<string, UndoEntry>();
    for (const [, list] of records) {
      for (let i = list.length - 1; i >= 0; i--) restore.set(`${list[i].space}\u0000${list[i].key}`, list[i]);
    }
    const ops: Op[] = [];
    for (const e of restore.values()) {
      const sub = space(e.space);
      if (e.previous === undefined) ops.push({ type: "del", key: e.key, sublevel: sub });
      else ops.push({ type: "put", key: e.key, value: e.previous, sublevel: sub });
    }
    for (const [n] of records) ops.push({ type: "del", key: pad(n), sublevel: undo });
    const dropped = state.recent.filter((b) => b.number > ancestor.number);
    for (const b of dropped) ops.push({ type: "del", key: pad(b.number), sublevel: blocks });
    ops.push({ type: "put", key: pad(ancestor.number), value: ancestor as unknown as Json, sublevel: blocks });
    ops.push({ type: "put", key: "checkpoint", value: ancestor as unknown as Json, sublevel: meta });
    await db.batch(ops);
    for (const e of restore.values()) cache.invalidate(e.space, [e.key]);
    cache.bump();
    state.checkpoint = ancestor;
    state.recent = state.recent.filter((b) => b.number < ancestor.number);
    state.recent.push(ancestor);
    return { blocks: dropped.length, keys: restore.size };
  }

  async function finalize(finalized: number): Promise<void> {
    const tip = state.checkpoint?.number ?? -1;
    const upTo = Math.min(finalized, tip);
    if (upTo <= state.finalized && !state.recent.some((b) => b.number < upTo)) return;
    const ops: Op[] = [];
    for await (const k of undo.keys({ lte: pad(upTo) })) ops.push({ type: "del", key: k, sublevel: undo });
    // Keep the newest block at or below the finalized one: the anchor a reorg walk stops at.
    const keep = state.recent.filter((b) => b.number <= upTo).pop();
    const drop = state.recent.filter((b) => b.number < upTo && b !== keep);
    for (const b of drop) ops.push({ type: "del", key: pad(b.number), sublevel: blocks });
    const next = Math.max(state.finalized, upTo);
    ops.push({ type: "put", key: "finalized", value: next, sublevel: meta });
    await db.batch(ops);
    state.finalized = next;
    state.recent = state.recent.filter((b) => !drop.includes(b));
  }

  async function dump(): Promise<DumpEntry[]> {
    const out: DumpEntry[] = [];
    // Sublevel keys read through the root look like "!v:space!key".
    const from = `!${VIEW_PREFIX}`;
    for await (const [k, v] of db.iterator<string, string>({
      gte: from,
      lt: `!${VIEW_PREFIX.slice(0, -1)};`,
      keyEncoding: "utf8",
      valueEncoding: "utf8",
    })) {
      const sep = k.indexOf("!", 1);
      out.push({ space: k.slice(from.length, sep), key: k.slice(sep + 1), value: JSON.parse(v) as Json });
    }
    return out;
  }

  log.info({ checkpoint: state.checkpoint?.number, finalized: state.finalized, reset }, "store open");
  return {
    store: {
      reader,
      state: () => state,
      applyRange,
      unwindTo,
      finalize,
      dump,
      version: () => cache.generation(),
      close: () => {
        cache.clear();
        return db.close();
      },
    },
    reset,
    previous: reset ? stored : undefined,
  };
}
