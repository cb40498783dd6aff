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
import type { ChainEvent, IndexNow, JsonValue, RangeOptions, View, ViewReader } from "./types";
import { createRecordCache, DEFAULT_CACHE_BYTES, type CacheStats } from "./cache";
import { applyEvents, ViewFailure, type AppendSink, type RangeTx, type RangeWrites, type UndoEntry } from "./rangetx";
import { createRoutes } from "./routes";
import { startViewWorker, WorkerViewError, type ViewWorker } from "./worker";
import type { PolicyProfile } from "../../../policy/profile";

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
  /**
   * Resolve once the range's batch is handed to LevelDB instead of once it is written, so that the
   * next range's views run while LevelDB writes this one (catch-up: 10-15% of the time was this
   * wait). `ApplyStats.durable` settles when the writes are readable; until then `state()` and the
   * reader show the index without this range, and the next range's views read its values from
   * memory (all but the appended ones, which no view reads). Without it, applyRange resolves when
   * the range is written.
   */
  overlap?: boolean;
}

export interface ApplyStats {
  events: number;
  writes: number;
  undoEntries: number;
  /** ms spent in the views' apply. */
  viewsMs: number;
  /** ms spent building and writing the batch (with `overlap`: building it, and waiting for the previous range's write). */
  dbMs: number;
  /** Settles when the range's writes are in the index (already settled without `overlap`); rejects when LevelDB failed to write them. */
  durable: Promise<void>;
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
  /** The view worker's state ("off" without one); while not "ready" this thread applies every view. */
  viewWorker(): "off" | "starting" | "ready" | "failed";
  /** The reader's record cache (store/cache.ts): entries, JSON bytes held, hits and misses since the store opened. */
  cacheStats(): CacheStats;
  close(): Promise<void>;
}

export interface OpenStoreArgs {
  dataDir: string;
  identity: ChainIdentity;
  /** Budget of the reader's record cache in bytes of JSON (default DEFAULT_CACHE_MB, 128 MB; 0 disables it). */
  cacheBytes?: number;
  /**
   * Views to apply in a worker thread beside the others (store/view-worker.ts), named as the index
   * identity names them (`name@version`, views/index.ts viewIdentity) and built there from
   * `profile`; absent or empty: every view runs in this thread.
   */
  viewWorker?: { views: readonly string[]; profile: PolicyProfile };
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

type Json = JsonValue;
type Op = BatchOperation<Level<string, Json>, string, Json>;
/** A write of applyRange: key already prefixed with its sublevel, value already JSON. */
interface RawBatch {
  put(key: string, value: string): void;
  del(key: string): void;
  write(): Promise<void>;
}
/** What classic-level's chained batch implements (abstract-level's private API). */
interface NativeBatch {
  _put(key: string, value: string): void;
  _del(key: string): void;
  _write(options: object): Promise<void>;
  _clear(): void;
}

/** View spaces are top-level sublevels "v:<space>" (one batch can then address them all). */
const VIEW_PREFIX = "v:";
const SPACE_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;

const pad = (n: number): string => n.toString().padStart(12, "0");

export async function openStore(common: { logger: Logger }, args: OpenStoreArgs): Promise<OpenStoreResult> {
  const log = common.logger.child({ module: "store" });
  const threaded = args.viewWorker !== undefined && args.viewWorker.views.length > 0;
  // classic-level: a second handle on the same database from the worker thread needs both opened so.
  const db = new Level<string, Json>(args.dataDir, { valueEncoding: "json", ...(threaded ? { multithreading: true } : {}) });
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
  const indexNow: IndexNow = {
    get<T extends Json>(name: string, key: string) {
      return cache.get(name, key, () => {
        const text = db.getSync<string, string>(space(name).prefix + key, { valueEncoding: "utf8" });
        return text === undefined ? undefined : { value: JSON.parse(text), bytes: text.length };
      }) as T | undefined;
    },
  };
  const reader: ViewReader = {
    async get<T extends Json>(name: string, key: string) {
      return indexNow.get<T>(name, key);
    },
    now: async () => indexNow,
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

  /**
   * The range's batch, written through classic-level's own chained batch (abstract-level's
   * implementation API, `_chainedBatch`/`_put`/`_del`/`_write`/`_clear`): each operation is one
   * native call copying its key and value into the LevelDB WriteBatch. The public `batch` clones
   * every operation and resolves its encodings one by one: ~5 us of main-thread CPU per operation
   * against ~1 us (200k puts, measured here), and a range writes tens of thousands. Keys are
   * already prefixed with their sublevel and values already JSON text; no hooks or events are used
   * here. Two native batches serve every range in turn (one filled while the other is written,
   * see `overlap`), each cleared when a range takes it and after its write: a batch's memory is
   * freed only when V8 collects its small JS handle, which it does not hurry to do, so a batch per
   * range held every range's bytes (3.6 GB of RSS at 1M events). A range's batch is opened before
   * its views run: the values they append (ViewTx.append) go into it as they are made.
   */
  const natives: NativeBatch[] = [];
  /** The native batch LevelDB is writing, if any. */
  let busy: NativeBatch | undefined;
  const rangeBatch = (): RawBatch => {
    if (db.status !== "open") throw new Error(`index store is ${db.status}`);
    const make = (db as unknown as { _chainedBatch?: () => NativeBatch })._chainedBatch;
    if (typeof make !== "function") {
      const ops: BatchOperation<Level<string, Json>, string, string>[] = [];
      return {
        put: (key, value) => void ops.push({ type: "put", key, value }),
        del: (key) => void ops.push({ type: "del", key }),
        write: () => db.batch<string, string>(ops, { keyEncoding: "utf8", valueEncoding: "utf8" }),
      };
    }
    let b = natives.find((n) => n !== busy);
    if (b === undefined) natives.push((b = make.call(db)));
    b._clear(); // what a range that failed before its write left
    const batch = b;
    return {
      put: (key, value) => batch._put(key, value),
      del: (key) => batch._del(key),
      write: async () => {
        busy = batch;
        try {
          await batch._write({});
        } finally {
          batch._clear();
          if (busy === batch) busy = undefined;
        }
      },
    };
  };

  /**
   * The last range's batch while LevelDB writes it (ApplyRangeArgs.overlap): the values its views
   * wrote stay readable from their range transactions until `done`, when the index holds them.
   */
  let writing: { done: Promise<void>; ranges: RangeTx[] } | undefined;
  /** Set when a range failed while another was being written: the next one waits for that write first. */
  let settleFirst = false;
  const settle = async () => {
    const w = writing;
    if (w !== undefined) await w.done;
  };

  /**
   * A committed view value, read synchronously through the root (a sublevel made a moment ago may
   * still be opening), or from the range being written.
   */
  const committed = (name: string, key: string): Json | undefined => {
    if (writing !== undefined) {
      for (const rt of writing.ranges) {
        const w = rt.written(name, key);
        if (w !== undefined) return w.value;
      }
    }
    return db.getSync(space(name).prefix + key) as Json | undefined;
  };

  const route = createRoutes();
  /** The views this thread applies beside the worker (the same list object for the same views). */
  const localLists = new WeakMap<readonly View[], readonly View[]>();
  const localViews = (views: readonly View[], w: ViewWorker): readonly View[] => {
    let local = localLists.get(views);
    if (local === undefined) localLists.set(views, (local = views.filter((v) => !w.owns(v.name))));
    return local;
  };

  /** The spaces views of this thread write with `append` (RangeTxOptions.appendOnly). */
  const appendOnly = new Set<string>();

  /** `views` applied in this thread to the range's events, in a transaction of their own; appended values go to `sink`. */
  async function applyHere(a: ApplyRangeArgs, views: readonly View[], sink: AppendSink): Promise<RangeTx> {
    try {
      return await applyEvents(committed, a.events, a.finalized, (name) => route(views, name), { sink, appendOnly });
    } catch (err) {
      if (err instanceof ViewFailure) throw new ViewError(err.view, a.events[err.index], err.cause);
      throw err;
    }
  }

  async function applyRange(a: ApplyRangeArgs): Promise<ApplyStats> {
    if (a.blocks.length === 0) throw new RangeError("applyRange needs at least the range's last block");
    const started = performance.now();
    // The worker's views get their events now and apply them while this thread applies the others.
    const w = worker !== undefined && worker.ready() ? worker : undefined;
    // The worker reads the index itself, and a range retried after a failure must not read values a
    // failed attempt may have changed in place: both wait for the last range's write.
    if (w !== undefined || settleFirst) {
      await settle();
      settleFirst = false;
    }
    try {
      return await applyRangeNow(a, w, started);
    } catch (err) {
      if (writing !== undefined) settleFirst = true;
      throw err;
    }
  }

  async function applyRangeNow(a: ApplyRangeArgs, w: ViewWorker | undefined, started: number): Promise<ApplyStats> {
    // One batch on the root db with the sublevel prefixes applied and the values as JSON (what the
    // sublevels would write): appended values go in while the views run, the others once they
    // are done (RangeTx.drain), then the undo records, block refs and checkpoint.
    const batch = rangeBatch();
    let writes = 0;
    const keysBySpace = new Map<string, { prefix: string; keys: string[] }>();
    const put = (name: string, key: string, json: string | null) => {
      let s = keysBySpace.get(name);
      if (s === undefined) keysBySpace.set(name, (s = { prefix: space(name).prefix, keys: [] }));
      s.keys.push(key);
      writes++;
      if (json === null) batch.del(s.prefix + key);
      else batch.put(s.prefix + key, json);
    };
    const remote = w?.apply(a.events, a.finalized, a.views);
    remote?.catch(() => undefined); // observed below, or dropped when a view here fails first
    const here = [await applyHere(a, w === undefined ? a.views : localViews(a.views, w), put)];
    let far: { result: RangeWrites; spacesRead: string[] } | undefined;
    try {
      far = await remote;
    } catch (err) {
      if (err instanceof WorkerViewError) throw new ViewError(err.view, err.event, err);
      // The worker itself failed (it is then out of service): its views are applied here instead.
      here.push(await applyHere(a, a.views.filter((v) => w!.owns(v.name)), put));
    }
    const viewsDone = performance.now();
    if (far !== undefined) {
      // The worker read the committed index: it must not have read what this thread wrote.
      const written = new Set(here[0].spaces());
      const stale = far.spacesRead.filter((name) => written.has(name));
      if (stale.length > 0) throw new Error(`view worker read ${stale.join(", ")}, which views of the main thread wrote in the same range`);
      // ...and the two threads' spaces are their own: a key written by both would lose one write.
      const shared = far.result.writes.filter((w) => written.has(w.space)).map((w) => w.space);
      if (shared.length > 0) throw new Error(`views of the worker and of the main thread both wrote ${shared.join(", ")} in the same range`);
    }

    // This thread's other values are serialized straight into the batch. The previous range's
    // write must end first (its values are read from its range transaction until then, and its
    // failure fails this range).
    await settle();
    writing = undefined; // written: reads go to the index again
    const undos = here.map((rt) => rt.drain(put));
    if (far !== undefined) {
      for (const { space: name, keys, values } of far.result.writes) for (let i = 0; i < keys.length; i++) put(name, keys[i], values[i]);
      undos.push(far.result);
    }
    let undoCount = 0;
    const undoByBlock = new Map<number, UndoEntry[]>();
    for (const part of undos) {
      for (const [n, list] of part.undo) {
        const all = undoByBlock.get(n);
        if (all === undefined) undoByBlock.set(n, list);
        else all.push(...list); // spaces of the two threads are disjoint: order between them is free
      }
      undoCount += part.undoCount;
    }
    for (const [n, list] of undoByBlock) batch.put(undo.prefix + pad(n), JSON.stringify(list));
    const last = a.blocks[a.blocks.length - 1];
    const remembered = a.blocks.filter((b) => b.number > a.finalized || b === last);
    for (const b of remembered) batch.put(blocks.prefix + pad(b.number), JSON.stringify(b));
    batch.put(`${meta.prefix}checkpoint`, JSON.stringify(last));
    if (a.rangeSize !== undefined && a.rangeSize !== state.rangeSize) batch.put(`${meta.prefix}rangeSize`, JSON.stringify(a.rangeSize));
    const finalized = Math.max(state.finalized, Math.min(a.finalized, last.number));
    if (finalized !== state.finalized) batch.put(`${meta.prefix}finalized`, JSON.stringify(finalized));
    const built = performance.now();
    const done = batch.write().then(() => {
      for (const [name, { keys }] of keysBySpace) cache.invalidate(name, keys);
      cache.bump();
      state.checkpoint = last;
      state.finalized = finalized;
      if (a.rangeSize !== undefined) state.rangeSize = a.rangeSize;
      state.recent.push(...remembered);
    });
    const current = { done, ranges: here };
    writing = current;
    const forget = () => {
      if (writing === current) writing = undefined;
    };
    done.then(forget, forget);
    if (a.overlap !== true) await done;
    return {
      events: a.events.length,
      writes,
      undoEntries: undoCount,
      viewsMs: viewsDone - started,
      dbMs: (a.overlap === true ? built : performance.now()) - viewsDone,
      durable: done,
    };
  }

  async function unwindTo(ancestor: BlockRef): Promise<{ blocks: number; keys: number }> {
    await settle();
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
    for (const e of restore.values()) cache.invalidateKey(e.space, e.key);
    cache.bump();
    state.checkpoint = ancestor;
    state.recent = state.recent.filter((b) => b.number < ancestor.number);
    state.recent.push(ancestor);
    return { blocks: dropped.length, keys: restore.size };
  }

  async function finalize(finalized: number): Promise<void> {
    await settle();
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
    await settle();
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

  // Until it is ready (and if it ever fails) this thread applies every view itself.
  const worker: ViewWorker | undefined = threaded
    ? startViewWorker({
        dataDir: args.dataDir,
        profile: args.viewWorker!.profile,
        views: args.viewWorker!.views,
        onFailure: (err) => log.warn({ err: err.message }, "view worker stopped: its views are applied in the main thread"),
      })
    : undefined;

  log.info({ checkpoint: state.checkpoint?.number, finalized: state.finalized, reset, viewWorker: args.viewWorker?.views }, "store open");
  return {
    store: {
      reader,
      state: () => state,
      applyRange,
      unwindTo,
      finalize,
      dump,
      version: () => cache.generation(),
      viewWorker: () => worker?.state() ?? "off",
      cacheStats: () => cache.stats(),
      close: async () => {
        await settle().catch(() => undefined); // its failure was reported to the range's caller
        cache.clear();
        await worker?.close();
        await db.close();
      },
    },
    reset,
    previous: reset ? stored : undefined,
  };
}
