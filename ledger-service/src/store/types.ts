/**
 * The contract between the follower (chain/, store/) and the projections (views/): the follower
 * decodes logs into ChainEvents and hands them, block by block, to every View inside one ViewTx;
 * the store commits the writes, their undo records and the checkpoint in one LevelDB batch.
 */

/** A JSON value as stored in LevelDB (bigints travel as decimal strings). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One decoded contract event with its position on the chain. */
export interface ChainEvent {
  /** Registry name as in the deployment JSON, e.g. "AuthorizationRegistry". */
  contract: string;
  /** Event name, e.g. "AuthorizationApplied". */
  event: string;
  /**
   * Decoded arguments by name: uint/int as decimal strings, addresses checksummed, bytes as
   * 0x-hex, bool as boolean, small enums (uint8) as numbers, structs as objects keyed by field
   * name, arrays as arrays.
   */
  args: { [name: string]: JsonValue };
  blockNumber: number;
  blockHash: string;
  /** Block time, seconds since the epoch. */
  timestamp: number;
  txHash: string;
  logIndex: number;
}

/** Writes of one block range, recorded for undo. Keys are strings; spaces are sublevel names. */
export interface ViewTx {
  /**
   * Reads through the pending writes of this transaction, synchronously (a LevelDB point read
   * costs a few microseconds; views may still `await` it). The value returned may be changed in
   * place and put back; once put, it may still be changed in place until its block ends (the
   * store serializes it when the range ends, and took its undo record at the block's first read
   * or put of it).
   */
  get<T extends JsonValue>(space: string, key: string): T | undefined;
  put(space: string, key: string, value: JsonValue): void;
  del(space: string, key: string): void;
  /**
   * Writes a value that no view reads back: a log kept for readers (timeline entries, evidence
   * pointers, receipt batches), each key written once. It is serialized at once into the range's
   * LevelDB batch instead of waiting in memory for the range's end (a range's values held together
   * were most of the collector's work while catching up); in the view worker it is kept until the
   * range's end. Above the finalized block its undo record deletes it: a key written once did not
   * exist before, so no previous value is read. A space written so is written only so: `get`,
   * `put` and `del` refuse it.
   */
  append(space: string, key: string, value: JsonValue): void;
}

/** A projection: pure (view state, event) -> writes. */
export interface View {
  name: string;
  /**
   * Version of what the view stores, raised when its keys or values change shape: an index built
   * by another version is rebuilt (it is part of the index identity, see views/index.ts `viewIdentity`).
   */
  version?: number;
  /**
   * The events the view reads (`Contract.Event`, or `Contract.*` for all of a contract's); absent:
   * every event. The store hands a view only these (store/routes.ts), and a view run by the view
   * worker (store/view-worker.ts) gets only these sent to it.
   */
  events?: readonly string[];
  /**
   * Applies one event. Views read synchronously, so they return nothing; a returned promise is
   * still awaited (the store applies events one at a time either way). Every view of this
   * service is synchronous: an await per view and event cost a microtask turn and a promise each
   * (the 100k bench chain goes through ~500k applies).
   */
  apply(tx: ViewTx, event: ChainEvent): void | Promise<void>;
}

export interface RangeOptions {
  gt?: string;
  gte?: string;
  lt?: string;
  lte?: string;
  limit?: number;
  reverse?: boolean;
}

/** Read side used by the API: never writes. */
export interface ViewReader {
  get<T extends JsonValue>(space: string, key: string): Promise<T | undefined>;
  /**
   * The stored JSON text of a value, undecoded (what `get` would parse): for an answer that sends
   * a record as stored plus a few fields. Optional: a reader without it is read through `get`.
   */
  getText?(space: string, key: string): string | undefined;
  range<T extends JsonValue>(space: string, options?: RangeOptions): AsyncIterable<[string, T]>;
  /**
   * The index as it is now, for point reads without an await each: a walk of tens of reads (a
   * provenance graph) otherwise spends a tenth of its time in promises. Read it before the next
   * await only: after one, the index may have moved on (or, in the service, been swapped).
   */
  now(): Promise<IndexNow>;
}

/** Synchronous point reads of the index at one moment (ViewReader.now). */
export interface IndexNow {
  get<T extends JsonValue>(space: string, key: string): T | undefined;
}
