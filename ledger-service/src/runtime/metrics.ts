/**
 * Operators' metrics in the Prometheus text format (prom-client), one registry per service:
 * the process's default metrics, the index (lag, events, reorgs, RPC errors), the API (latency
 * per route pattern, rate-limited requests) and, on a platform node, the intake and the anchoring.
 * README "Operators' metrics" names every metric.
 *
 * The hooks cost a counter increment each (RPC errors, reorgs, applied ranges, anchored batches);
 * the API's is one `finish` listener and one histogram observation per request. Everything else
 * (lag, batch age, totals) is read from the running parts when Prometheus scrapes.
 *
 * Served at GET /metrics on the API's port, outside the public rate limit, or alone on
 * METRICS_PORT; METRICS=off serves none.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { NextFunction, Request, Response } from "express";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { FollowerEvent, FollowerStatus } from "../chain/follower";
import type { BlockRef } from "../store/db";
import type { CacheStats } from "../store/cache";
import type { BatcherStatus } from "../node/batcher";

/** What the metrics read from the indexer when scraped. */
export interface IndexerProgress {
  follower: FollowerStatus | undefined;
  /** The index's last applied block. */
  checkpoint: BlockRef | undefined;
  /** Whether reads are current (caught up since start, not diverged). */
  ready: boolean;
  /** The record cache of the index the API reads (during a reindex, the one still serving; undefined while none is open). */
  recordCache?: CacheStats;
}

/** What the metrics read from a platform node when scraped. */
export interface NodeProgress {
  acknowledged: number;
  batcher: BatcherStatus;
}

export interface Metrics {
  registry: Registry;
  /** Times every request by route pattern, status and method; counts 429s. */
  middleware(req: Request, res: Response, next: NextFunction): void;
  /** GET /metrics. */
  endpoint(req: Request, res: Response): void;
  /** Reads the index's progress at each scrape. */
  watchIndexer(progress: () => IndexerProgress): void;
  /** Reads the node's progress at each scrape. */
  watchNode(progress: () => NodeProgress): void;
  /** Reads the API's response cache at each scrape. */
  watchResponseCache(stats: () => CacheStats): void;
  /** An applied report of the follower (events counted, reorg depth). */
  applied(event: FollowerEvent): void;
  /** A failed JSON-RPC call. */
  rpcError(method: string, kind: string): void;
  /** One intake request acknowledged after `seconds` (from arrival to the durable answer). */
  acknowledged(seconds: number): void;
  /** Gas of one anchored batch. */
  anchored(gasUsed: string | bigint): void;
  /** Serves GET /metrics alone on `port` (METRICS_PORT); resolves with the port bound. */
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

/** The route label of a request: the matched route's pattern, never the raw URL (bounded cardinality). */
function routeOf(req: Request): string {
  const r = (req as Request & { route?: { path?: unknown } }).route;
  if (r === undefined || typeof r.path !== "string") return "unmatched";
  // Routes of the API are mounted under /api/v1, the explorer's at the root.
  return req.originalUrl.startsWith("/api/v1/") ? `/api/v1${r.path}` : r.path;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let indexer: (() => IndexerProgress) | undefined;
  let node: (() => NodeProgress) | undefined;
  let responseCache: (() => CacheStats) | undefined;
  let server: http.Server | undefined;

  // ===== INDEX =====
  new Gauge({
    name: "provenant_index_head_block",
    help: "The chain head block the follower last saw",
    registers: [registry],
    collect() {
      const h = indexer?.().follower?.chainHead;
      if (h !== undefined) this.set(h);
    },
  });
  new Gauge({
    name: "provenant_index_indexed_block",
    help: "The last block applied to the index",
    registers: [registry],
    collect() {
      const c = indexer?.().checkpoint;
      if (c !== undefined) this.set(c.number);
    },
  });
  new Gauge({
    name: "provenant_index_lag_blocks",
    help: "Blocks between the chain head and the index (includes the confirmation depth)",
    registers: [registry],
    collect() {
      const p = indexer?.();
      const head = p?.follower?.chainHead;
      if (head !== undefined) this.set(Math.max(0, head - (p?.checkpoint?.number ?? -1)));
    },
  });
  new Gauge({
    name: "provenant_index_lag_seconds",
    help: "Chain time between the head block and the index's last block (timestamps)",
    registers: [registry],
    collect() {
      const p = indexer?.();
      const headTime = p?.follower?.chainHeadTime;
      if (headTime !== undefined) this.set(Math.max(0, headTime - (p?.checkpoint?.timestamp ?? headTime)));
    },
  });
  new Gauge({
    name: "provenant_index_ready",
    help: "1 when the index's answers are complete and current (caught up since start, not diverged)",
    registers: [registry],
    collect() {
      if (indexer) this.set(indexer().ready ? 1 : 0);
    },
  });
  const events = new Counter({ name: "provenant_index_events_total", help: "Contract events applied to the index", registers: [registry] });
  let last = { at: performance.now(), events: 0, rate: 0 };
  new Gauge({
    name: "provenant_index_events_per_second",
    help: "Events applied per second since the previous scrape (at least one second apart)",
    registers: [registry],
    async collect() {
      const total = (await events.get()).values[0]?.value ?? 0;
      const t = performance.now();
      if (t - last.at >= 1000) last = { at: t, events: total, rate: ((total - last.events) * 1000) / (t - last.at) };
      this.set(last.rate);
    },
  });
  const reorgs = new Counter({ name: "provenant_index_reorgs_total", help: "Reorganizations unwound (the chain left the index's tip above its finalized block)", registers: [registry] });
  const reorgDepth = new Histogram({
    name: "provenant_index_reorg_depth_blocks",
    help: "Blocks unwound per reorganization",
    buckets: [1, 2, 3, 5, 8, 13, 21, 34, 64],
    registers: [registry],
  });
  new Counter({
    name: "provenant_index_deep_reorgs_total",
    help: "Times the node's chain left the index below its finalized block (the index then reports diverged)",
    registers: [registry],
    collect() {
      const f = indexer?.().follower;
      if (f !== undefined) {
        this.reset();
        this.inc(f.deepReorgs);
      }
    },
  });
  new Gauge({
    name: "provenant_index_diverged",
    help: "1 while the index holds a branch the chain no longer has (a reindex is the way back)",
    registers: [registry],
    collect() {
      if (indexer) this.set(indexer().follower?.diverged ? 1 : 0);
    },
  });
  const rpcErrors = new Counter({
    name: "provenant_rpc_errors_total",
    help: "Failed JSON-RPC calls of the follower by method and kind (timeout, unavailable, remote, malformed, inconsistent, behind)",
    labelNames: ["method", "kind"],
    registers: [registry],
  });

  // ===== API =====
  const latency = new Histogram({
    name: "provenant_http_request_duration_seconds",
    help: "API and explorer response time by route pattern, method and status",
    labelNames: ["method", "route", "status"],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const limited = new Counter({ name: "provenant_http_rate_limited_total", help: "Requests refused with 429 by the per-client rate limit", registers: [registry] });
  // One labelled child per (method, route, status): the label lookup is a Map get per request.
  const children = new Map<string, ReturnType<typeof latency.labels>>();

  // ===== CACHES =====
  // The index reader's decoded records (RECORD_CACHE_MB) and the API's ready answers: what
  // operators size RECORD_CACHE_MB by. Counts are read from the caches at each scrape.
  const caches = (): [string, CacheStats | undefined][] => [
    ["record", indexer?.().recordCache],
    ["response", responseCache?.()],
  ];
  const cacheCounter = (name: string, help: string, field: "hits" | "misses") =>
    new Counter({
      name, help, labelNames: ["cache"] as const, registers: [registry],
      collect() {
        this.reset();
        for (const [cache, s] of caches()) if (s !== undefined) this.inc({ cache }, s[field]);
      },
    });
  const cacheGauge = (name: string, help: string, field: "entries" | "bytes") =>
    new Gauge({
      name, help, labelNames: ["cache"] as const, registers: [registry],
      collect() {
        this.reset();
        for (const [cache, s] of caches()) if (s !== undefined) this.set({ cache }, s[field]);
      },
    });
  cacheCounter("provenant_cache_hits_total", "Reads a cache answered (cache: record, the index reader's decoded records; response, the API's ready answers)", "hits");
  cacheCounter("provenant_cache_misses_total", "Reads a cache could not answer (the record read from LevelDB, the answer built)", "misses");
  cacheGauge("provenant_cache_entries", "Entries a cache holds", "entries");
  cacheGauge("provenant_cache_bytes", "Bytes a cache holds against its budget (records: their JSON text and keys; answers: bodies, compressed forms and keys)", "bytes");

  // ===== NODE =====
  const ackLatency = new Histogram({
    name: "provenant_node_acknowledgement_seconds",
    help: "Intake request time from its parsed body to the node's durable, signed acknowledgement",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  new Counter({
    name: "provenant_node_receipts_acknowledged_total",
    help: "Receipts the intake acknowledged (new ones; duplicates answered again are not counted)",
    registers: [registry],
    collect() {
      const n = node?.();
      if (n !== undefined) {
        this.reset();
        this.inc(n.acknowledged);
      }
    },
  });
  new Gauge({
    name: "provenant_node_open_batch_age_seconds",
    help: "Seconds the oldest receipt not yet sealed into a batch has waited (0 when none)",
    registers: [registry],
    collect() {
      const n = node?.();
      if (n !== undefined) this.set(n.batcher.openBatchAge);
    },
  });
  new Gauge({
    name: "provenant_node_pending_receipts",
    help: "Acknowledged receipts not yet sealed into a batch",
    registers: [registry],
    collect() {
      const n = node?.();
      if (n !== undefined) this.set(n.batcher.pending);
    },
  });
  new Gauge({
    name: "provenant_node_unanchored_batches",
    help: "Sealed batches whose anchor transaction is not mined yet",
    registers: [registry],
    collect() {
      const n = node?.();
      if (n !== undefined) this.set(n.batcher.unanchored);
    },
  });
  const anchoredBatches = new Counter({ name: "provenant_node_batches_anchored_total", help: "Receipt batches anchored on chain", registers: [registry] });
  const anchorGas = new Counter({ name: "provenant_node_anchor_gas_used_total", help: "Gas used by the node's anchor transactions", registers: [registry] });
  new Counter({
    name: "provenant_node_anchor_failures_total",
    help: "Anchor rounds that failed (a transaction reverted or an earlier batch was missing on chain)",
    registers: [registry],
    collect() {
      const n = node?.();
      if (n !== undefined) {
        this.reset();
        this.inc(n.batcher.anchorFailures);
      }
    },
  });

  const serve = async (res: http.ServerResponse) => {
    try {
      const text = await registry.metrics();
      res.setHeader("Content-Type", registry.contentType);
      res.end(text);
    } catch {
      res.statusCode = 500;
      res.end("metrics unavailable\n");
    }
  };

  return {
    registry,
    middleware(req, res, next) {
      const started = performance.now();
      res.once("finish", () => {
        const status = res.statusCode;
        if (status === 429) limited.inc();
        const key = `${req.method} ${routeOf(req)} ${status}`;
        let child = children.get(key);
        if (child === undefined) {
          child = latency.labels(req.method, routeOf(req), String(status));
          children.set(key, child);
        }
        child.observe((performance.now() - started) / 1000);
      });
      next();
    },
    endpoint(_req, res) {
      void serve(res);
    },
    watchIndexer(progress) {
      indexer = progress;
    },
    watchNode(progress) {
      node = progress;
    },
    watchResponseCache(stats) {
      responseCache = stats;
    },
    applied(event) {
      if (event.type === "block") events.inc(event.events.length);
      else if (event.type === "reorg") {
        reorgs.inc();
        reorgDepth.observe(event.depth);
      }
    },
    rpcError(method, kind) {
      rpcErrors.inc({ method, kind });
    },
    acknowledged(seconds) {
      ackLatency.observe(seconds);
    },
    anchored(gasUsed) {
      anchoredBatches.inc();
      const gas = Number(gasUsed);
      if (Number.isFinite(gas)) anchorGas.inc(gas);
    },
    listen(port, host) {
      server = http.createServer((req, res) => {
        if (req.method === "GET" && (req.url === "/metrics" || req.url?.startsWith("/metrics?"))) return void serve(res);
        res.statusCode = 404;
        res.end("only GET /metrics here\n");
      });
      const s = server;
      return new Promise<number>((resolve, reject) => {
        s.once("error", reject);
        s.listen(port, host, () => resolve((s.address() as AddressInfo).port));
      });
    },
    async close() {
      const s = server;
      server = undefined;
      if (s) {
        await new Promise<void>((resolve) => {
          s.close(() => resolve());
          s.closeAllConnections();
        });
      }
    },
  };
}
