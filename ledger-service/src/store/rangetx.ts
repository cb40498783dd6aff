/**
 * The writes of one block range as views make them: a ViewTx that reads through its own pending
 * writes (then the committed store), and the undo records of every block above the finalized one
 * (the value each key had before the block first touched it). Used by the store for the views it
 * applies in its own thread and by the view worker (store/view-worker.ts) for the views it owns;
 * both hand their result to the store, which commits everything in one batch.
 */
import type { ChainEvent, JsonValue, View, ViewTx } from "./types";

type Json = JsonValue;

/** Undo entry: `previous` absent means the key did not exist before the block. */
export interface UndoEntry {
  space: string;
  key: string;
  previous?: JsonValue;
}

/** The writes of a range in one space: keys and their values as JSON text (null: deleted). */
export interface SpaceWrites {
  space: string;
  keys: string[];
  values: (string | null)[];
}

/** What a range wrote, ready for the batch (flat arrays per space: cheap to send between threads). */
export interface RangeWrites {
  writes: SpaceWrites[];
  /** Undo entries per block above the finalized one, in block order. */
  undo: [block: number, entries: UndoEntry[]][];
  undoCount: number;
}

/**
 * Where a range's appended values go as soon as they are made (ViewTx.append): the store's
 * LevelDB batch for the range, as JSON text. The view worker has none (its writes go back to the
 * store as arrays).
 */
export type AppendSink = (space: string, key: string, json: string) => void;

export interface RangeTxOptions {
  sink?: AppendSink;
  /**
   * The spaces written with `append`, kept by the caller across ranges (the store, the view
   * worker): `get`, `put` and `del` refuse them, since a value handed to the batch at once cannot
   * be read back from the range, nor from the index while the batch is being written, and a put
   * drained at the range's end would land after an appended value of the same key.
   */
  appendOnly?: Set<string>;
}

/**
 * A deep copy of a JSON value, as undo records need of a value a later block may change in place.
 * Several times faster than structuredClone on the small records views keep: with structuredClone,
 * the copies were ~30 ms of the ~180 ms the 10k bench chain's last 64 blocks took to apply (887
 * receipt batches; docs/PERFORMANCE.md). A `__proto__` key is copied as an own property, as
 * JSON.parse makes it.
 */
export function cloneJson<T extends Json>(v: T): T {
  if (typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) {
    const out = new Array<Json>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = cloneJson(v[i]);
    return out as T;
  }
  const out: { [key: string]: Json } = {};
  for (const k in v) {
    const value = cloneJson((v as { [key: string]: Json })[k]);
    if (k === "__proto__") Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
    else out[k] = value;
  }
  return out as T;
}

const DELETED = Symbol("deleted");
type Pending = Json | typeof DELETED;

export interface RangeTx {
  tx: ViewTx;
  /** Called before the first event of each block: undo records are kept for it when `recordUndo`. */
  block(n: number, recordUndo: boolean): void;
  /** What the range wrote at a key: undefined when it did not, `{ value: undefined }` when it deleted it. */
  written(space: string, key: string): { value: Json | undefined } | undefined;
  /** The spaces the range wrote (known before its values are serialized). */
  spaces(): string[];
  /**
   * Hands every write not already handed to the sink to `put`, value as JSON text (null:
   * deleted), serialized one at a time so that each text can die young (a range's texts held
   * together were most of the collector's work), and returns the undo records; previous values
   * are read from the committed store first.
   */
  drain(put: (space: string, key: string, json: string | null) => void): Omit<RangeWrites, "writes">;
  /** The range's writes as arrays (what the view worker sends back) and undo records. */
  finish(): RangeWrites;
}

/** `stored(space, key)`: the committed value (a synchronous LevelDB read). */
export function createRangeTx(stored: (space: string, key: string) => Json | undefined, opts: RangeTxOptions = {}): RangeTx {
  const pending = new Map<string, Map<string, Pending>>();
  const { sink } = opts;
  const appendOnly = opts.appendOnly ?? new Set<string>();
  /** Spaces whose values went to the sink in this range. */
  const sunk = new Set<string>();
  const undoByBlock: [number, UndoEntry[]][] = [];
  /** Entries whose previous value is the stored one (no earlier write in this range). */
  const fromDb: UndoEntry[] = [];
  let undoCount = 0;
  /**
   * Per space, the keys this block has an undo record of (per space, so that no string of space
   * and key is made for every read).
   */
  let touched = new Map<string, Set<string>>();
  /**
   * Per space, pending values of earlier blocks as they were when this block first read them:
   * views may change a value they read in place before putting it back, so the undo record must
   * not be taken from the pending value at put time.
   */
  let seen = new Map<string, Map<string, Json>>();
  let recordUndo = false;
  let entries: UndoEntry[] = [];

  /** The inner map or set of space `name` in a per-space table (pending, touched, seen), made on first use. */
  const ofSpace = <T,>(table: Map<string, T>, name: string, make: new () => T): T => {
    let inner = table.get(name);
    if (inner === undefined) table.set(name, (inner = new make()));
    return inner;
  };
  const pendingOf = (name: string) => ofSpace(pending, name, Map<string, Pending>);
  const remember = (name: string, key: string, m: Map<string, Pending>) => {
    if (!recordUndo) return;
    const keys = ofSpace(touched, name, Set<string>);
    if (keys.has(key)) return;
    keys.add(key);
    const before = m.get(key);
    const entry: UndoEntry = { space: name, key };
    if (before === undefined) fromDb.push(entry);
    else if (before !== DELETED) {
      const clone = seen.get(name)?.get(key);
      entry.previous = clone !== undefined ? clone : cloneJson(before);
    }
    entries.push(entry);
    undoCount++;
  };
  const refuseAppended = (name: string) => {
    if (appendOnly.has(name)) throw new Error(`space ${name} is written with append: no view may read it or write it otherwise`);
  };
  /** A write kept in the range (with its undo record when the block keeps them). */
  const keep = (name: string, key: string, value: Pending) => {
    const m = pendingOf(name);
    remember(name, key, m);
    m.set(key, value);
  };
  const tx: ViewTx = {
    get<T extends Json>(name: string, key: string): T | undefined {
      refuseAppended(name);
      const v = pending.get(name)?.get(key);
      if (v === DELETED) return undefined;
      if (v !== undefined) {
        if (recordUndo && typeof v === "object" && v !== null && touched.get(name)?.has(key) !== true) {
          const clones = ofSpace(seen, name, Map<string, Json>);
          if (!clones.has(key)) clones.set(key, cloneJson(v));
        }
        return v as T;
      }
      return stored(name, key) as T | undefined;
    },
    put(name, key, value) {
      refuseAppended(name);
      keep(name, key, value);
    },
    del(name, key) {
      refuseAppended(name);
      keep(name, key, DELETED);
    },
    append(name, key, value) {
      if (!appendOnly.has(name)) {
        // Written otherwise in this range: those writes would be drained after the appended ones.
        if (pending.has(name)) throw new Error(`space ${name} is written with put or del: it cannot also be appended to`);
        appendOnly.add(name);
      }
      if (recordUndo) {
        // Each key is appended once (ViewTx.append), so it did not exist before this block: its
        // undo record deletes it, with no read of the store for a previous value.
        entries.push({ space: name, key });
        undoCount++;
      }
      if (sink === undefined) {
        pendingOf(name).set(key, value);
        return;
      }
      sunk.add(name);
      sink(name, key, JSON.stringify(value));
    },
  };

  const drain: RangeTx["drain"] = (put) => {
    // Previous values that were in the store before this range.
    for (const e of fromDb) {
      const v = stored(e.space, e.key);
      if (v !== undefined) e.previous = v;
    }
    for (const [name, m] of pending) {
      for (const [key, value] of m) put(name, key, value === DELETED ? null : JSON.stringify(value));
    }
    return { undo: undoByBlock.filter(([, list]) => list.length > 0), undoCount };
  };

  return {
    tx,
    block(n, undo) {
      recordUndo = undo;
      if (undo) {
        touched = new Map();
        seen = new Map();
        entries = [];
        undoByBlock.push([n, entries]);
      }
    },
    written(name, key) {
      const v = pending.get(name)?.get(key);
      return v === undefined ? undefined : { value: v === DELETED ? undefined : v };
    },
    spaces: () => [...new Set([...pending.keys(), ...sunk])],
    drain,
    finish() {
      const bySpace = new Map<string, SpaceWrites>();
      const rest = drain((space, key, json) => {
        let w = bySpace.get(space);
        if (w === undefined) bySpace.set(space, (w = { space, keys: [], values: [] }));
        w.keys.push(key);
        w.values.push(json);
      });
      return { writes: [...bySpace.values()], ...rest };
    },
  };
}

/** A view threw on the event at `index` of the range (the store reports it as a ViewError). */
export class ViewFailure extends Error {
  constructor(
    readonly view: string,
    readonly index: number,
    readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = "ViewFailure";
  }
}

/**
 * Applies a range's events, block by block, to the views `route` gives for each event name, in
 * one range transaction, and returns it for the caller to drain or finish. Views read
 * synchronously, so the loop yields to the event loop now and then (the follower reads the next
 * range meanwhile). Throws ViewFailure.
 */
export async function applyEvents(
  stored: (space: string, key: string) => Json | undefined,
  events: readonly ChainEvent[],
  finalized: number,
  route: (name: string) => readonly View[],
  opts: RangeTxOptions = {},
): Promise<RangeTx> {
  const rt = createRangeTx(stored, opts);
  let current = -1;
  let yielded = performance.now();
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    if (event.blockNumber !== current) {
      current = event.blockNumber;
      rt.block(current, current > finalized);
    }
    if ((i & 255) === 255 && performance.now() - yielded > 5) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      yielded = performance.now();
    }
    for (const view of route(`${event.contract}.${event.event}`)) {
      try {
        const pending = view.apply(rt.tx, event);
        if (pending !== undefined) await pending;
      } catch (err) {
        throw new ViewFailure(view.name, i, err);
      }
    }
  }
  return rt;
}
