/**
 * Decoded records the API read recently, kept until the index writes them again. A point read
 * from LevelDB (getSync plus JSON.parse) was a third of an API request's CPU; a hit here costs a
 * Map lookup. The store invalidates exactly the keys each applied range or unwind wrote, so a
 * record stays cached across blocks that do not touch it. Values are deep-frozen: every reader
 * shares them, and a query that changed one in place would change the next request's answer.
 *
 * Bounded by the JSON text size of the records held (least recently used go first).
 */

export interface RecordCache {
  /** The cached value of `key`, or `load()`'s (cached when `load` reports its JSON length). */
  get(key: string, load: () => { value: unknown; bytes: number } | undefined): unknown;
  /** Forgets these keys (written by an applied range or an unwind). */
  invalidate(keys: Iterable<string>): void;
  clear(): void;
  /** Bumped by every invalidate/clear: an answer built across a change is not cached elsewhere. */
  generation(): number;
  stats(): { entries: number; bytes: number; hits: number; misses: number };
}

/** Default budget: 64 MB of records as JSON text (about three times that as objects). */
export const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024;

function deepFreeze(v: unknown): void {
  if (typeof v !== "object" || v === null || Object.isFrozen(v)) return;
  Object.freeze(v);
  if (Array.isArray(v)) for (const x of v) deepFreeze(x);
  else for (const k in v) deepFreeze((v as Record<string, unknown>)[k]);
}

export function createRecordCache(maxBytes = DEFAULT_CACHE_BYTES): RecordCache {
  // A key absent from the index is cached too (value undefined): unknown ids cost a lookup as well.
  const entries = new Map<string, { value: unknown; bytes: number }>();
  let bytes = 0;
  let gen = 0;
  let hits = 0;
  let misses = 0;
  const drop = (key: string) => {
    const e = entries.get(key);
    if (e === undefined) return;
    entries.delete(key);
    bytes -= e.bytes;
  };
  return {
    get(key, load) {
      const e = entries.get(key);
      if (e !== undefined) {
        hits++;
        // Refresh its place in the LRU order only now and then: a delete+set per hit costs more
        // than the occasional early eviction of a hot record.
        if ((hits & 15) === 0) {
          entries.delete(key);
          entries.set(key, e);
        }
        return e.value;
      }
      misses++;
      const loaded = load();
      const value = loaded?.value;
      const size = (loaded?.bytes ?? 0) + key.length + 64;
      if (maxBytes <= 0 || size > maxBytes / 8) return value;
      deepFreeze(value);
      entries.set(key, { value, bytes: size });
      bytes += size;
      while (bytes > maxBytes) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        drop(oldest);
      }
      return value;
    },
    invalidate(keys) {
      gen++;
      for (const k of keys) drop(k);
    },
    clear() {
      gen++;
      entries.clear();
      bytes = 0;
    },
    generation: () => gen,
    stats: () => ({ entries: entries.size, bytes, hits, misses }),
  };
}
