/**
 * Ready-to-send answers of the public read routes: the JSON bytes, a strong ETag and (for large
 * bodies) their compressed forms, kept per index version. The key holds the index version (the
 * checkpoint and the store's write generation: a new block or an unwind changes it) and the URL,
 * and for a route whose answer depends on the time asked (`now`, when no `?at=` fixes it) the
 * second too. A request whose If-None-Match names the ETag gets 304 without a body.
 *
 * What it saves is the query and JSON.stringify of an answer asked again before the index moves
 * (a popular record, a page polled by many clients); an answer asked once costs one SHA-256 of its
 * body more than `res.json` (the ETag, so that a client's next request can be a 304).
 *
 * An answer is held only from the second time its URL is asked within the last SEEN_MAX distinct
 * URLs (a doorkeeper, as in TinyLFU): reads spread over a large index (every record asked about
 * once) otherwise filled the cache with bodies nobody asked again, each kept just long enough to
 * reach the old generation, and the collector's work cost more than the hits saved. bench/api.ts,
 * holding every answer against the doorkeeper, interleaved runs: at 100k records authorization
 * 0.63-0.70x of the ceiling against 0.75-0.92x, provenance 0.58-0.66x against 0.71-0.75x, RSS
 * 1,085 against 772 MB; at 1M provenance 244-319 against 207-247 us of CPU per request, RSS 1.6-1.8
 * against 1.4 GB.
 */
import { createHash, hash as cryptoHash } from "node:crypto";
import type { Request, Response } from "express";
import { brotliCompressSync, constants as zlib, gzipSync } from "node:zlib";
import type { CacheStats } from "../store/cache";

/** An answer already serialized: sent as this JSON text instead of JSON.stringify of a value. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** One answer ready to send. */
export interface Ready {
  /**
   * The JSON text as UTF-8, encoded once: its length, its ETag, its compressed forms and the
   * socket all take these bytes. As a string it was walked three times (counted for its length,
   * encoded for the hash, encoded again into the socket): 36 against 23 µs for 18 KB of JSON with
   * Chinese names, 12 against 10 µs for 13 KB of ASCII (node 20, this machine).
   */
  body: Buffer;
  /** Its length in bytes. */
  bytes: number;
  etag: string;
  gzip?: Buffer;
  br?: Buffer;
  /** Held by the cache (its compressed forms count against the budget). */
  held?: boolean;
  /** What holding it costs beside the bodies: its key and map entry (counted against the budget). */
  keyBytes?: number;
}

/** Where a request's answer is looked up and kept: the URL under the index version, and the second it was asked in. */
export type CacheKey = { key: string; url: string; version: string; second: number };

/** Bytes counted per held answer beside its body and key (the Ready object and the map entry). */
const ENTRY_OVERHEAD = 160;

/** How many distinct URLs asked once the doorkeeper remembers (then it forgets them all and starts again). */
export const SEEN_MAX = 16_384;

export interface ResponseCacheOptions {
  /** The index version answers are built from; undefined: nothing is cached (ETags still sent). */
  version?: () => string;
  /** Budget in bytes of bodies held (default 16 MB). */
  maxBytes?: number;
  /** Bodies at least this large are compressed when the client accepts it (default 8 KB). */
  compressMin?: number;
}

export interface ResponseCache {
  /** The cache key of a request asked at `nowSecond`, or null when answers are not cached. */
  key(url: string, nowSecond: number): CacheKey | null;
  /** The ready answer under `key`, if any: one that did not read the time, or one of the same second. */
  lookup(key: CacheKey): Ready | undefined;
  /**
   * Serializes `value` (a RawJson as its text), keeps it under `key` (when given) and returns it ready to send. `timed`:
   * the answer read the time asked (it then holds for that second only).
   */
  prepare(value: unknown, key: CacheKey | null, timed: boolean): Ready;
  /** Writes `ready` (200, or 304 when the request's If-None-Match names its ETag). */
  send(req: Request, res: Response, ready: Ready): void;
  stats(): CacheStats;
}

const JSON_TYPE = "application/json; charset=utf-8";

/** SHA-256 as base64url: node's one-shot `crypto.hash` where it exists (node ≥ 20.12: no Hash object per call), else a Hash. */
const sha256 =
  typeof cryptoHash === "function"
    ? (body: Buffer | string): string => cryptoHash("sha256", body, "base64url")
    : (body: Buffer | string): string => createHash("sha256").update(body).digest("base64url");

/** Strong ETag of a body: a SHA-256 prefix (22 base64url characters, 132 bits). */
export function etagOf(body: Buffer | string): string {
  return `"${sha256(body).slice(0, 22)}"`;
}

/** If-None-Match (RFC 9110 13.1.2, weak comparison): `*` or a list naming `etag`. */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header === etag) return true;
  for (const part of header.split(",")) {
    const t = part.trim();
    if (t === "*" || t === etag || (t.startsWith("W/") && t.slice(2) === etag)) return true;
  }
  return false;
}

/** The encoding to answer in: br, then gzip, when the client accepts it (q=0 refuses). */
function pickEncoding(header: string | undefined): "br" | "gzip" | null {
  if (header === undefined) return null;
  let gzip = false;
  let br = false;
  for (const part of header.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    const refused = params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(p));
    if (refused) continue;
    if (name === "br") br = true;
    else if (name === "gzip" || name === "x-gzip") gzip = true;
    else if (name === "*") {
      br = true;
      gzip = true;
    }
  }
  return br ? "br" : gzip ? "gzip" : null;
}

export function createResponseCache(opts: ResponseCacheOptions = {}): ResponseCache {
  const maxBytes = opts.maxBytes ?? 16 * 1024 * 1024;
  const compressMin = opts.compressMin ?? 8 * 1024;
  // Answers that hold for the whole index version, and those of one second of it (dropped as a
  // whole when the second or the version moves on).
  const stable = new Map<string, Ready>();
  const timed = new Map<string, Ready>();
  let version: string | undefined;
  let second = -1;
  // URLs asked once since the doorkeeper last forgot (their answers are held when asked again):
  // at most SEEN_MAX, each one that answered 200, which the routes' strict query schemas keep to a
  // few hundred bytes (a few MB in all).
  const seen = new Set<string>();
  let bytes = 0;
  let hits = 0;
  let misses = 0;
  const size = (r: Ready) => r.bytes + (r.keyBytes ?? 0) + (r.gzip?.length ?? 0) + (r.br?.length ?? 0);
  const clear = (m: Map<string, Ready>) => {
    for (const r of m.values()) {
      bytes -= size(r);
      r.held = false;
    }
    m.clear();
  };
  /** Moves the cache to the version and second now in force (called with every key). */
  const roll = (v: string, nowSecond: number) => {
    if (v !== version) {
      clear(stable);
      clear(timed);
      version = v;
    }
    if (nowSecond > second) {
      clear(timed);
      second = nowSecond;
    }
  };

  /** Whether `url` was asked before (since the doorkeeper last forgot); remembers it when not. */
  const secondAsk = (url: string): boolean => {
    if (seen.has(url)) return true;
    if (seen.size >= SEEN_MAX) seen.clear();
    seen.add(url);
    return false;
  };

  return {
    key(url, nowSecond) {
      if (opts.version === undefined) return null;
      const v = opts.version();
      roll(v, nowSecond);
      return { key: `${v} ${url}`, url, version: v, second: nowSecond };
    },
    lookup(k) {
      const r = stable.get(k.key) ?? (k.second === second ? timed.get(k.key) : undefined);
      if (r) hits++;
      else misses++;
      return r;
    },
    prepare(value, key, isTimed) {
      const body = Buffer.from(value instanceof RawJson ? value.text : JSON.stringify(value));
      const ready: Ready = { body, bytes: body.length, etag: etagOf(body) };
      // Kept only if the index and the second are still those it was built in: an answer that
      // read across an applied range may mix two versions.
      if (key !== null && ready.bytes <= maxBytes / 16 && opts.version?.() === key.version && key.version === version && (!isTimed || key.second === second) && secondAsk(key.url)) {
        (isTimed ? timed : stable).set(key.key, ready);
        ready.held = true;
        // The key too: small bodies under long URLs (a cursor, a search) must not hold more than the budget says.
        ready.keyBytes = key.key.length + ENTRY_OVERHEAD;
        bytes += ready.bytes + ready.keyBytes;
        while (bytes > maxBytes) {
          const from = stable.size > 0 ? stable : timed;
          const oldest = from.keys().next().value;
          if (oldest === undefined) break;
          const r = from.get(oldest)!;
          bytes -= size(r);
          r.held = false;
          from.delete(oldest);
        }
      }
      return ready;
    },
    send(req, res, ready) {
      const large = ready.bytes >= compressMin;
      const encoding = large ? pickEncoding(req.headers["accept-encoding"]) : null;
      // Each encoding is its own representation, with its own strong validator (RFC 9110 8.8.3).
      const etag = encoding === null ? ready.etag : `${ready.etag.slice(0, -1)}-${encoding}"`;
      res.setHeader("ETag", etag);
      if (large) res.setHeader("Vary", "Accept-Encoding");
      if (noneMatch(req.headers["if-none-match"], etag)) {
        res.statusCode = 304;
        res.end();
        return;
      }
      res.setHeader("Content-Type", JSON_TYPE);
      let out = ready.body;
      if (encoding === "br") {
        if (ready.br === undefined) {
          ready.br = brotliCompressSync(ready.body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 5, [zlib.BROTLI_PARAM_SIZE_HINT]: ready.bytes } });
          if (ready.held) bytes += ready.br.length;
        }
        out = ready.br;
      } else if (encoding === "gzip") {
        if (ready.gzip === undefined) {
          ready.gzip = gzipSync(ready.body, { level: 6 });
          if (ready.held) bytes += ready.gzip.length;
        }
        out = ready.gzip;
      }
      if (encoding !== null) res.setHeader("Content-Encoding", encoding);
      res.setHeader("Content-Length", out.length);
      res.end(out);
    },
    stats: () => ({ entries: stable.size + timed.size, bytes, hits, misses }),
  };
}
