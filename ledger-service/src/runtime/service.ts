/**
 * Wires the indexer: deployment -> RPC -> chain identity check -> store -> decoder -> follower,
 * with the follower's reports applied to the store by the views. The only module (with the other
 * runtime/ files) that knows every stage.
 */
import type { ChainEvent, JsonValue, RangeOptions, View, ViewReader } from "../store/types";
import { openStore, type ApplyStats, type ChainIdentity, type DumpEntry, type Store } from "../store/db";
import { createRpc, type Rpc } from "../chain/rpc";
import { createDecoder, loadArtifactAbis } from "../chain/decoder";
import { createFollower, type Follower, type FollowerEvent, type FollowerStatus } from "../chain/follower";
import { DeploymentError, RpcError, errorMessage, isRetryable } from "../chain/errors";
import type { Deployment } from "../../../scripts/lib/deploy";
import type { Common } from "./common";
import { loadDeployment } from "./deployment";
import type { Server } from "node:http";
import { rename, rm } from "node:fs/promises";
import { JsonRpcProvider } from "ethers";
import { ProvenantHub__factory } from "../../../typechain-types";
import { createApi } from "../api/server";
import { createExplorer } from "../explorer";
import { createViews, viewIdentity } from "../views";
import { isNodeConfig, readTokenSecret } from "./config";
import type { AuthOptions } from "../api/auth";
import { ROLE_SPACE, roleKey } from "../views/roles";
import { startNode, type PlatformNode } from "./node";
import { createMetrics, type IndexerProgress, type Metrics } from "./metrics";

/** How far behind the head (beyond CONFIRMATIONS) the index may be for the intake to check receipts. */
const NODE_MAX_LAG_BLOCKS = 8;

export type HealthStatus = "starting" | "syncing" | "ok" | "degraded" | "diverged" | "failed" | "stopped";

export interface Health {
  status: HealthStatus;
  chainId: number | null;
  headBlock: number | null;
  indexedBlock: number | null;
  /** Hash of indexedBlock, to tell a tip on a reorganized-away branch from the canonical one. */
  indexedBlockHash: string | null;
  finalizedBlock: number | null;
  lag: number | null;
  lastError: { message: string; kind: string; at: string } | null;
  reorgs: number;
  /** True when the index found at start belonged to another chain or deployment and was rebuilt. */
  rebuilt: boolean;
  /** Blocks per eth_getLogs the follower has learned (kept with the index across restarts). */
  rangeSize: number | null;
  /** Set while the chain no longer holds the index's branch below its finalized block. */
  diverged: FollowerStatus["diverged"];
  /** Set while a reindex builds beside the serving index (REINDEX=1 / --reindex). */
  reindex: { dir: string; startedAt: string; indexedBlock: number | null } | null;
}

/**
 * What the data routes may claim: `current` (caught up at least once in this process),
 * `not-ready` (still catching up after a start: a record missing may exist), `diverged` (the
 * index holds a branch the chain no longer has) or `reindexing` (the previous index serves while
 * a new one is built).
 */
export type IndexReadState = { state: "current" | "not-ready" | "diverged" | "reindexing"; health: Health };

/** Where the indexer's time went since start (benchmarks). */
export interface IndexerTimings {
  ranges: number;
  logs: number;
  events: number;
  /** Every RPC call, including reads ahead that overlap an apply. */
  rpcMs: number;
  /** Time the follower waited for RPC answers (not overlapped by an apply). */
  rpcWaitMs: number;
  decodeMs: number;
  viewsMs: number;
  dbMs: number;
  /** View writes and undo entries committed. */
  writes: number;
  undoEntries: number;
}

export interface Indexer {
  /** Reads the views; waits for the store to open. */
  reader: ViewReader;
  health(): Health;
  /** Whether reads are complete and current: the API refuses or marks its data answers by it. */
  readState(): IndexReadState;
  timings(): IndexerTimings;
  /** Resolves when the store is open (after the chain identity check). */
  ready: Promise<void>;
  /** Resolves when the indexer stops; rejects on a fatal error. */
  done: Promise<void>;
  /** Every view entry, sorted (tests and rebuild comparisons). */
  dump(): Promise<DumpEntry[]>;
  /**
   * The version of what `reader` serves: the serving index's checkpoint and write generation
   * (changes with every applied range, unwind and reindex swap). The API's response cache keys on it.
   */
  version(): string;
  /** The follower's status and the index's checkpoint (operators' metrics). */
  progress(): IndexerProgress;
  stop(): Promise<void>;
}

export interface StartIndexerArgs {
  views: View[];
  /** Deployment already loaded (defaults to reading config.DEPLOYMENT_FILE). */
  deployment?: Deployment;
  /** Called after every applied report (tests, metrics). */
  onApplied?(event: FollowerEvent): void;
  /** Told of every failed JSON-RPC call (metrics). */
  onRpcError?(method: string, kind: string): void;
}

export async function startIndexer(common: Common, args: StartIndexerArgs): Promise<Indexer> {
  const { config } = common;
  const log = common.logger.child({ module: "indexer" });
  const deployment = args.deployment ?? loadDeployment(config.DEPLOYMENT_FILE);
  const names = Object.keys(deployment.contracts).sort();
  const abis = loadArtifactAbis(config.ARTIFACTS_DIR, names);
  const decoder = createDecoder({
    contracts: names.map((name) => ({
      name,
      address: deployment.contracts[name as keyof Deployment["contracts"]].address,
      abi: abis[name],
    })),
  });
  const rpc = createRpc(common, { url: config.RPC_URL, timeoutMs: config.RPC_TIMEOUT_MS, onError: args.onRpcError });

  /** The store the follower writes. */
  let store: Store | undefined;
  /** The store reads are served from: `store`, or during a reindex the previous index. */
  let serving: Store | undefined;
  /** Bumped whenever `serving` is another store (its write generation starts again). */
  let servingSerial = 0;
  /** Set while a reindex builds beside the serving index. */
  let reindex: { dir: string; startedAt: string } | null = null;
  /** Latched once the index has caught up with the chain in this process: reads are complete. */
  let caughtUp = false;
  let follower: Follower | undefined;
  let stopped = false;
  let rebuilt = false;
  let fatal: unknown;
  let startError: { message: string; kind: string; at: string } | null = null;
  let chainId: number | null = null;
  const timings: IndexerTimings = { ranges: 0, logs: 0, events: 0, rpcMs: 0, rpcWaitMs: 0, decodeMs: 0, viewsMs: 0, dbMs: 0, writes: 0, undoEntries: 0 };
  let wake: (() => void) | undefined;
  let swapping: Promise<void> | undefined;

  let markReady!: () => void;
  let failReady!: (err: unknown) => void;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  ready.catch(() => undefined); // observed through `done` and health()

  /** Resolves when a reindex has caught up (its follower is then stopped and the stores swapped). */
  let reindexCaughtUp: (() => void) | undefined;

  async function apply(event: FollowerEvent): Promise<void | { durable: Promise<void> }> {
    const s = store!;
    let durable: Promise<void> | undefined;
    if (event.type === "block") {
      // While catching up, the next range's views run as LevelDB writes this one.
      const stats: ApplyStats = await s.applyRange({
        blocks: event.blocks,
        events: event.events,
        finalized: event.finalized,
        views: args.views,
        rangeSize: event.rangeSize,
        overlap: event.more,
      });
      if (event.more) durable = stats.durable;
      timings.viewsMs += stats.viewsMs;
      timings.dbMs += stats.dbMs;
      timings.writes += stats.writes;
      timings.undoEntries += stats.undoEntries;
    } else if (event.type === "reorg") {
      const r = await s.unwindTo(event.ancestor);
      log.warn({ ancestor: event.ancestor.number, depth: event.depth, keys: r.keys }, "views unwound");
    } else {
      await s.finalize(event.block);
    }
    args.onApplied?.(event);
    if (!caughtUp || reindex) {
      const h = health();
      if (h.status === "ok") {
        if (reindex) reindexCaughtUp?.();
        else caughtUp = true;
      }
    }
    if (durable !== undefined) return { durable };
  }

  async function connect(): Promise<ChainIdentity> {
    let attempt = 0;
    for (;;) {
      try {
        return await chainIdentity(rpc, deployment, args.views);
      } catch (err) {
        if (!isRetryable(err) || stopped) throw err;
        attempt++;
        startError = { message: errorMessage(err), kind: err instanceof RpcError ? err.kind : "error", at: new Date().toISOString() };
        const delay = Math.min(10_000, 250 * 2 ** Math.min(attempt, 6));
        log.warn({ err: errorMessage(err), attempt, delayMs: delay }, "cannot reach the chain yet: retrying");
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, delay);
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        if (stopped) throw new Error("stopped before the chain was reached");
      }
    }
  }

  function followInto(target: Store): Follower {
    return createFollower(common, {
      rpc,
      decoder,
      startBlock: deployment.startBlock,
      initial: target.state(),
      confirmations: config.CONFIRMATIONS,
      finalityDepth: config.FINALITY_DEPTH,
      finalizedTag: config.FINALIZED_TAG,
      pollIntervalMs: config.POLL_INTERVAL_MS,
      maxRange: config.MAX_BLOCK_RANGE,
      onEvent: apply,
    });
  }

  // The views named by VIEW_WORKER that this indexer applies run in the store's worker thread.
  const viewWorker = { views: viewIdentity(args.views.filter((v) => config.VIEW_WORKER.includes(v.name))), profile: deployment.profile.body };

  async function run(): Promise<void> {
    const identity = await connect();
    chainId = identity.chainId;
    startError = null;
    const opened = await openStore(common, { dataDir: config.DATA_DIR, identity, cacheBytes: config.RECORD_CACHE_MB * 1024 * 1024, viewWorker });
    rebuilt = opened.reset;
    if (opened.reset) log.warn({ previous: opened.previous }, "chain or deployment changed: index rebuilt from the start block");
    const hasIndex = !opened.reset && opened.store.state().checkpoint !== undefined;
    if (config.REINDEX && hasIndex) {
      // Build a new index beside the old one; the old one serves until the new one has caught up.
      const dir = `${config.DATA_DIR}.reindex`;
      await rm(dir, { recursive: true, force: true });
      serving = opened.store;
      store = (await openStore(common, { dataDir: dir, identity, cacheBytes: config.RECORD_CACHE_MB * 1024 * 1024, viewWorker })).store;
      reindex = { dir, startedAt: new Date().toISOString() };
      log.warn({ dir }, "reindex: building a new index from the deployment block; the current one serves meanwhile");
      markReady();
      if (stopped) return;
      follower = followInto(store);
      const caught = new Promise<void>((resolve) => (reindexCaughtUp = resolve));
      // The follower updates its position after each apply: look again while it idles at the head.
      const poll = setInterval(() => {
        if (health().status === "ok") reindexCaughtUp?.();
      }, Math.max(20, Math.min(config.POLL_INTERVAL_MS, 1000)));
      void caught.then(() => clearInterval(poll));
      void done.finally(() => clearInterval(poll)).catch(() => undefined);
      const outcome = await Promise.race([follower.run().then(() => "ended" as const), caught.then(() => "caught-up" as const)]);
      if (outcome === "ended" || stopped) return;
      await follower.stop();
      // Swap: reads wait on `swapping` for the few milliseconds the directories move.
      let swapped!: () => void;
      swapping = new Promise<void>((resolve) => (swapped = resolve));
      try {
        // A read that took the index's `now()` before the swap began finishes within its task.
        await new Promise<void>((resolve) => setImmediate(resolve));
        await serving.close();
        await store.close();
        await rm(config.DATA_DIR, { recursive: true, force: true });
        await rename(dir, config.DATA_DIR);
        store = (await openStore(common, { dataDir: config.DATA_DIR, identity, cacheBytes: config.RECORD_CACHE_MB * 1024 * 1024, viewWorker })).store;
        serving = store;
        servingSerial++;
        reindex = null;
        caughtUp = true;
        rebuilt = true;
        log.warn("reindex: the new index has caught up and now serves");
      } finally {
        swapped();
        swapping = undefined;
      }
    } else {
      store = opened.store;
      serving = store;
      markReady();
    }
    if (stopped) return;
    follower = followInto(store);
    await follower.run();
  }

  const done = run()
    .catch((err: unknown) => {
      fatal = err;
      failReady(err);
      log.error({ err: errorMessage(err) }, "indexer stopped on a fatal error");
      throw err;
    })
    .finally(async () => {
      await store?.close().catch(() => undefined);
      if (serving !== store) await serving?.close().catch(() => undefined);
    });
  done.catch(() => undefined); // the caller observes it through `done` or health()

  // Reads wait until the index is open, and for the few milliseconds a reindex's swap takes.
  const reader = servingReader(
    async () => {
      await ready;
      if (swapping) await swapping;
      return serving!;
    },
    () => (swapping === undefined ? serving : undefined),
  );

  /** Whether reads are complete and current (see IndexReadState). */
  function readState(): IndexReadState {
    const h = health();
    if (reindex) return { state: "reindexing", health: h };
    if (h.status === "diverged") return { state: "diverged", health: h };
    if (!caughtUp && h.status === "ok") caughtUp = true;
    return { state: caughtUp ? "current" : "not-ready", health: h };
  }

  function health(): Health {
    const f = follower?.status();
    const head = f?.chainHead ?? null;
    const indexed = f?.indexedBlock ?? store?.state().checkpoint?.number ?? null;
    const status = healthStatus({ failed: fatal !== undefined, stopped, follower: f, head, indexed, confirmations: config.CONFIRMATIONS });
    const lastError =
      fatal !== undefined
        ? { message: errorMessage(fatal), kind: fatal instanceof Error ? fatal.name : "error", at: new Date().toISOString() }
        : (f?.lastError ?? startError);
    return {
      status,
      chainId,
      headBlock: head,
      indexedBlock: indexed,
      indexedBlockHash: store?.state().checkpoint?.hash ?? null,
      finalizedBlock: f?.chainFinalized ?? null,
      lag: head !== null && indexed !== null ? Math.max(0, head - indexed) : null,
      lastError,
      reorgs: f?.reorgs ?? 0,
      rebuilt,
      rangeSize: f?.rangeSize ?? store?.state().rangeSize ?? null,
      diverged: f?.diverged ?? null,
      reindex: reindex ? { ...reindex, indexedBlock: store?.state().checkpoint?.number ?? null } : null,
    };
  }

  return {
    reader,
    health,
    readState,
    timings() {
      const t = follower?.status().totals;
      return {
        ...timings,
        ranges: t?.ranges ?? 0,
        logs: t?.logs ?? 0,
        events: t?.events ?? 0,
        rpcMs: t?.rpcMs ?? 0,
        rpcWaitMs: t?.rpcWaitMs ?? 0,
        decodeMs: t?.decodeMs ?? 0,
      };
    },
    ready,
    done,
    async dump() {
      await ready;
      return store!.dump();
    },
    progress() {
      return { follower: follower?.status(), checkpoint: store?.state().checkpoint, ready: readState().state === "current", recordCache: serving?.cacheStats() };
    },
    version() {
      const s = serving;
      if (s === undefined || swapping) return "none";
      const c = s.state().checkpoint;
      return `${servingSerial}.${c?.number ?? -1}.${c?.hash.slice(2, 10) ?? ""}.${s.version()}`;
    },
    async stop() {
      stopped = true;
      wake?.();
      await follower?.stop();
      await done.catch(() => undefined);
    },
  };
}

/** Sign-in settings: the shared token secret and the host sign-in messages name. */
function authOptions(config: Common["config"], chainId: number, host: string | undefined): AuthOptions {
  const base = config.PUBLIC_URL ?? `http://${host && host !== "0.0.0.0" && host !== "::" ? (host.includes(":") ? `[${host}]` : host) : "127.0.0.1"}:${config.PORT}`;
  const url = new URL(base);
  return {
    chainId,
    domain: url.host,
    uri: `${url.origin}${url.pathname.replace(/\/$/, "")}/api/v1/auth/token`,
    tokenSecret: config.AUTH_TOKEN_SECRET_FILE !== undefined ? readTokenSecret(config.AUTH_TOKEN_SECRET_FILE) : undefined,
  };
}

/**
 * The one-word health: `ok` only when the follower is live and the index is within the
 * confirmation depth of the head it last saw; further behind is `syncing`, whatever the phase.
 */
export function healthStatus(s: {
  failed: boolean;
  stopped: boolean;
  follower: (Pick<FollowerStatus, "phase" | "consecutiveErrors"> & Partial<Pick<FollowerStatus, "diverged">>) | undefined;
  head: number | null;
  indexed: number | null;
  confirmations: number;
}): HealthStatus {
  const f = s.follower;
  if (s.failed || f?.phase === "failed") return "failed";
  if (s.stopped) return "stopped";
  if (f === undefined) return "starting";
  if (f.diverged) return "diverged";
  if (f.consecutiveErrors > 0) return "degraded";
  if (f.phase === "syncing" || f.phase === "starting") return "syncing";
  if (s.head === null || s.indexed === null || s.head - s.indexed > s.confirmations) return "syncing";
  return "ok";
}

/** What the index is built from; checks that the endpoint serves the deployment's chain. */
export async function chainIdentity(rpc: Rpc, deployment: Deployment, views: readonly View[]): Promise<ChainIdentity> {
  const chainId = await rpc.eth_chainId();
  if (chainId !== deployment.chainId) {
    throw new DeploymentError(`RPC_URL serves chain ${chainId}, the deployment file is for chain ${deployment.chainId}`);
  }
  const [start] = await rpc.eth_getBlockByNumberBatch([deployment.startBlock]);
  if (start === null || start.hash !== deployment.startBlockHash.toLowerCase()) {
    throw new DeploymentError(
      `block ${deployment.startBlock} on this chain is ${start?.hash ?? "missing"}, the deployment file says ${deployment.startBlockHash}: ` +
        "the chain was reset or the deployment file belongs to another chain (deploy again and point DEPLOYMENT_FILE at the new file)",
    );
  }
  return {
    chainId,
    startBlock: deployment.startBlock,
    startBlockHash: start.hash,
    contracts: Object.entries(deployment.contracts)
      .map(([name, c]) => `${name}=${c.address.toLowerCase()}`)
      .sort(),
    views: viewIdentity(views),
  };
}

export type { ChainEvent };

// ===== SERVICE =====

export interface Service {
  indexer: Indexer;
  /** Present when the configuration names a node key (receipt intake). */
  node?: PlatformNode;
  /** The port the API listens on. */
  port: number;
  /** Operators' metrics (absent with METRICS=off) and the port of /metrics when it has its own (METRICS_PORT). */
  metrics?: Metrics;
  metricsPort?: number;
  /** Closes the HTTP server (dropping open connections), then stops the indexer. */
  stop(): Promise<void>;
}

export interface StartServiceOptions {
  /** Deployment already loaded (defaults to reading config.DEPLOYMENT_FILE). */
  deployment?: Deployment;
  /** Interface to listen on (default: all interfaces). */
  host?: string;
  /** Adds fields to /api/v1/health (e.g. the launch mode). */
  health?: (health: Health) => object;
}

/**
 * The whole service: the indexer with every view of the deployment's policy profile, and the
 * API with the explorer over its reader on config.PORT. The only place the API is wired.
 */
export async function startService(common: Common, opts: StartServiceOptions = {}): Promise<Service> {
  const deployment = opts.deployment ?? loadDeployment(common.config.DEPLOYMENT_FILE);
  const views = createViews(deployment.profile.body);
  const metrics = common.config.METRICS === "off" ? undefined : createMetrics();
  const indexer = await startIndexer(common, {
    views,
    deployment,
    onApplied: metrics && ((e) => metrics.applied(e)),
    onRpcError: metrics && ((method, kind) => metrics.rpcError(method, kind)),
  });
  metrics?.watchIndexer(() => indexer.progress());
  // Role checks read the hub at the latest block (sign-in is rare; one eth_call each).
  const provider = new JsonRpcProvider(common.config.RPC_URL, deployment.chainId, { staticNetwork: true });
  const hub = ProvenantHub__factory.connect(deployment.contracts.ProvenantHub.address, provider);
  const extra = opts.health ?? ((h: Health) => h);
  let node: PlatformNode | undefined;
  if (isNodeConfig(common.config)) {
    try {
      // The intake checks receipts against the index: wait until it is open.
      await indexer.ready;
      node = await startNode(common, {
        deployment,
        reader: indexer.reader,
        notReady: () => {
          const h = indexer.health();
          // Within a few blocks of the confirmation depth the index knows what a receipt needs;
          // a catch-up from far behind would flag lawful uses of records it has not seen yet.
          const near = h.lag !== null && h.indexedBlock !== null && h.lag <= common.config.CONFIRMATIONS + NODE_MAX_LAG_BLOCKS;
          if (h.status === "ok" || ((h.status === "syncing" || h.status === "degraded") && near)) return null;
          return `the index is ${h.status}${h.lag !== null ? ` (${h.lag} blocks behind)` : ""}`;
        },
        onAcknowledged: metrics && ((s) => metrics.acknowledged(s)),
        onAnchored: metrics && ((gas) => metrics.anchored(gas)),
      });
      const started = node;
      metrics?.watchNode(() => ({ acknowledged: started.status().intake.accepted, batcher: started.batcher.status() }));
    } catch (err) {
      await indexer.stop();
      provider.destroy();
      throw err;
    }
  }
  const n = node;
  const app = createApi(common, {
    reader: indexer.reader,
    health: () => (n ? { ...extra(indexer.health()), node: n.status() } : extra(indexer.health())),
    hasRole: (role, address) => hub.hasRole(role, address),
    roleInIndex: async (role, address) => (await indexer.reader.get(ROLE_SPACE, roleKey(role, address))) !== undefined,
    auth: authOptions(common.config, deployment.chainId, opts.host),
    explorer: createExplorer(),
    node: n?.api,
    readState: () => indexer.readState(),
    indexVersion: () => indexer.version(),
    metrics: metrics && {
      middleware: metrics.middleware,
      endpoint: common.config.METRICS_PORT === undefined ? metrics.endpoint : undefined,
      watchResponseCache: (stats) => metrics.watchResponseCache(stats),
    },
    annualDisclosureDue: deployment.profile.body.annualDisclosureDue,
  });
  let server: Server | undefined;
  let metricsPort: number | undefined;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const s = opts.host ? app.listen(common.config.PORT, opts.host, () => resolve(s)) : app.listen(common.config.PORT, () => resolve(s));
      s.once("error", reject);
    });
    if (metrics && common.config.METRICS_PORT !== undefined) metricsPort = await metrics.listen(common.config.METRICS_PORT, opts.host);
  } catch (err) {
    const s = server;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    await metrics?.close();
    await node?.stop();
    await indexer.stop();
    provider.destroy();
    throw err;
  }
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : common.config.PORT;
  common.logger.info({ port, metricsPort }, "api listening");
  const listening = server;
  return {
    indexer,
    node,
    port,
    metrics,
    metricsPort,
    async stop() {
      await new Promise<void>((resolve) => {
        listening.close(() => resolve());
        listening.closeAllConnections();
      });
      await metrics?.close();
      await node?.stop();
      await indexer.stop();
      provider.destroy();
    },
  };
}

/**
 * The reader the API is given: `open` waits until a store serves (the index opened, no swap under
 * way); `current` is the store serving right now, if any, for the reads that cannot wait (getText).
 */
export function servingReader(open: () => Promise<Store>, current: () => Store | undefined): ViewReader {
  return {
    async get<T extends JsonValue>(space: string, key: string) {
      const s = current();
      return s !== undefined ? s.reader.get<T>(space, key) : (await open()).reader.get<T>(space, key);
    },
    getText(space: string, key: string) {
      return current()?.reader.getText?.(space, key);
    },
    async now() {
      const s = current();
      return s !== undefined ? s.reader.now() : (await open()).reader.now();
    },
    range<T extends JsonValue>(space: string, options?: RangeOptions): AsyncIterable<[string, T]> {
      return {
        async *[Symbol.asyncIterator]() {
          yield* (await open()).reader.range<T>(space, options);
        },
      };
    },
  };
}
