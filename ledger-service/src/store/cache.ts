/**
 * Decoded records the API read recently, kept until the index writes them again. A point read
 * from LevelDB (getSync plus JSON.parse) was a third of an API request's CPU; a hit here costs a
 * Map lookup. The store invalidates exactly the keys each applied range or unwind wrote, so a
 * record stays cached across blocks that do not touch it. Values are deep-frozen: every reader
 * shares them, and a query that changed one in place would change the next request's answer.
 *
 * Bounded by the JSON text size of the records held (RECORD_CACHE_MB): least recently used go
 * first, and once full only one miss in 16 gets in (see `get`).
 */

/** A cache's figures since it was made (the record cache's and the API's response cache's; /metrics shows them). */
export type CacheStats = { entries: number; bytes: number; hits: number; misses: number };

export interface RecordCache {
  /** The cached value of `key` in `space`, or `load()`'s (cached with the JSON length `load` reports). */
  get(space: string, key: string, load: () => { value: unknown; bytes: number } | undefined): unknown;
  /** Forgets these keys of `space` (written by an applied range or an unwind). */
  invalidate(space: string, keys: Iterable<string>): void;
  /** `invalidate` of one key. */
  invalidateKey(space: string, key: string): void;
  clear(): void;
  /** Marks a change of the index (an applied range, an unwind): the generation moves on. */
  bump(): void;
  /** Moved on by every bump and clear. */
  generation(): number;
  stats(): CacheStats;
}

/**
 * Default budget in megabytes of records as JSON text (about three times that as objects): 128,
 * the size at which the briefs of a 100k-record index fit (docs/PERFORMANCE.md, "API": with 64 the
 * provenance graph's reads missed the cache and it served 0.54-0.58 of its ceiling, with 128
 * 0.62-0.63, at the same RSS).
 */
export const DEFAULT_CACHE_MB = 128;
export const DEFAULT_CACHE_BYTES = DEFAULT_CACHE_MB * 1024 * 1024;

function deepFreeze(v: unknown): void {
  if (typeof v !== "object" || v === null || Object.isFrozen(v)) return;
  Object.freeze(v);
  if (Array.isArray(v)) for (const x of v) deepFreeze(x);
  else for (const k in v) deepFreeze((v as Record<string, unknown>)[k]);
}

type Entry = { value: unknown; bytes: number };

export function createRecordCache(maxBytes = DEFAULT_CACHE_BYTES): RecordCache {
  // One Map per space (a hit is two lookups of short keys, no string built). A key absent from
  // the index is cached too (value undefined): unknown ids cost a lookup as well. Each space keeps
  // its least recently used first; over budget, the space being filled gives up its oldest.
  const spaces = new Map<string, Map<string, Entry>>();
  let bytes = 0;
  let entries = 0;
  let gen = 0;
  let hits = 0;
  let misses = 0;
  const drop = (m: Map<string, Entry>, key: string) => {
    const e = m.get(key);
    if (e === undefined) return;
    m.delete(key);
    bytes -= e.bytes;
    entries--;
  };
  const evict = (prefer: Map<string, Entry>) => {
    while (bytes > maxBytes) {
      let from = prefer;
      if (from.size === 0) for (const m of spaces.values()) if (m.size > from.size) from = m;
      const oldest = from.keys().next().value;
      if (oldest === undefined) return;
      drop(from, oldest);
    }
  };
  return {
    get(space, key, load) {
      let m = spaces.get(space);
      const e = m?.get(key);
      if (e !== undefined) {
        hits++;
        // Refresh its place in the LRU order only now and then: a delete+set per hit costs more
        // than the occasional early eviction of a hot record.
        if ((hits & 15) === 0) {
          m!.delete(key);
          m!.set(key, e);
        }
        return e.value;
      }
      misses++;
      const loaded = load();
      const value = loaded?.value;
      const size = (loaded?.bytes ?? 0) + key.length + 64;
      if (maxBytes <= 0 || size > maxBytes / 8) return value;
      // Full: admit one miss in 16 only. When the records asked do not fit (uniform reads of a
      // large index), replacing an old record by every miss kept the heap churning (major GCs:
      // slower than no cache, and a p99 in the hundreds of ms); this way what is asked often
      // still gets in, at a sixteenth of the churn.
      if (bytes + size > maxBytes && (misses & 15) !== 0) return value;
      deepFreeze(value);
      if (m === undefined) spaces.set(space, (m = new Map()));
      m.set(key, { value, bytes: size });
      bytes += size;
      entries++;
      evict(m);
      return value;
    },
    invalidate(space, keys) {
      const m = spaces.get(space);
      if (m === undefined) return;
      for (const k of keys) drop(m, k);
    },
    invalidateKey(space, key) {
      const m = spaces.get(space);
      if (m !== undefined) drop(m, key);
    },
    clear() {
      gen++;
      spaces.clear();
      bytes = 0;
      entries = 0;
    },
    bump() {
      gen++;
    },
    generation: () => gen,
    stats: () => ({ entries, bytes, hits, misses }),
  };
}
