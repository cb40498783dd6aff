/**
 * A small in-process token bucket per client IP for the public routes: `capacity` requests in a
 * burst, refilled at `refillPerSecond`. A refused request gets 429 with Retry-After.
 */
import type { RequestHandler } from "express";
import { RateLimitedError } from "./errors";

export type RateLimitOptions = { capacity: number; refillPerSecond: number; maxClients?: number };

export function createRateLimiter(opts: RateLimitOptions, now: () => number): RequestHandler {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const maxClients = opts.maxClients ?? 10_000;
  return (req, _res, next) => {
    const ip = req.ip ?? req.socket.remoteAddress ?? "unknown";
    const t = now() / 1000;
    let b = buckets.get(ip);
    if (!b) {
      if (buckets.size >= maxClients) {
        // Forget the least recently seen client (Map keeps insertion order; refreshed below).
        const oldest = buckets.keys().next().value;
        if (oldest !== undefined) buckets.delete(oldest);
      }
      b = { tokens: opts.capacity, at: t };
    } else {
      buckets.delete(ip);
      b.tokens = Math.min(opts.capacity, b.tokens + (t - b.at) * opts.refillPerSecond);
      b.at = t;
    }
    buckets.set(ip, b);
    if (b.tokens < 1) {
      next(new RateLimitedError(Math.max(1, Math.ceil((1 - b.tokens) / opts.refillPerSecond))));
      return;
    }
    b.tokens -= 1;
    next();
  };
}
