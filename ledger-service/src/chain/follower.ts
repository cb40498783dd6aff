/**
 * The block follower. Reads logs of the deployment's contracts in block ranges behind a
 * confirmation depth, checks every answer against the block headers (of final blocks, the range's
 * ends and the time each log carries of its block), and reports outward with a tagged union:
 *   block     a range of blocks to apply (headers + decoded events), in chain order
 *   reorg     the chain no longer extends our tip: unwind to `ancestor`, then ranges follow again
 *   finalize  blocks up to `block` can no longer be reorganized (undo records may go)
 * The consumer (runtime/) applies each report before the follower moves on, so the follower's
 * position is always the store's. RPC faults are retried with backoff; a range is never skipped.
 * While one range is applied, the next one is already read (one range ahead, never more): the
 * node works on the other core meanwhile. A range read ahead is used only if it starts right
 * after the new tip, and it is checked against the tip like any other read. Its requests are
 * made together (see read()), so that they are answered while the thread applies.
 */
import type { Logger } from "pino";
import type { BlockRef, IndexState } from "../store/db";
import type { ChainEvent } from "../store/types";
import type { Decoder } from "./decoder";
import { DeepReorgError, RpcError, errorMessage, isRetryable } from "./errors";
import type { Rpc, RpcBlock, RpcLog } from "./rpc";

export type FollowerEvent =
  | {
      type: "block";
      /** Headers known in the range, ascending; the last is the new tip. */
      blocks: BlockRef[];
      events: ChainEvent[];
      /** The node's finalized block when the range was read: blocks at or below need no undo. */
      finalized: number;
      /** The range size learned so far, kept with the index so a restart starts from it. */
      rangeSize: number;
      /**
       * Another range is already being read and follows at once: the handler may return before
       * this one is written, with a `durable` promise (indexedBlock moves when it settles).
       */
      more: boolean;
    }
  | { type: "reorg"; ancestor: BlockRef; dropped: BlockRef[]; depth: number }
  | { type: "finalize"; block: number };

export type FollowerPhase = "starting" | "syncing" | "live" | "retrying" | "stopped" | "failed";

export interface FollowerStatus {
  phase: FollowerPhase;
  /**
   * Set while the node's chain leaves the index's below its finalized block (a reorg deeper than
   * finality, a node fault or a chain reset): the index holds a branch the chain no longer has.
   * Cleared when the node agrees with the index again. The way back is a reindex.
   */
  diverged: { localFinalized: number; message: string; since: string } | null;
  chainHead: number | undefined;
  /** Timestamp (seconds) of chainHead: the index's lag in chain time is this minus the indexed block's. */
  chainHeadTime: number | undefined;
  /** Times the follower found the node's chain leaving the index below its finalized block (operators' metrics). */
  deepReorgs: number;
  /** The node's finalized block (its `finalized` tag, or head minus finalityDepth). */
  chainFinalized: number | undefined;
  indexedBlock: number | undefined;
  reorgs: number;
  /** Current range size in blocks (adapted on RPC errors). */
  rangeSize: number;
  consecutiveErrors: number;
  lastError: { message: string; kind: string; at: string } | null;
  /**
   * Cumulative figures since start (benchmarks, metrics). rpcMs counts every RPC call, including
   * those that overlap an apply (read-ahead); rpcWaitMs only the time the follower waited for them.
   */
  totals: { ranges: number; logs: number; events: number; rpcMs: number; rpcWaitMs: number; decodeMs: number; applyMs: number };
}

export interface FollowerArgs {
  rpc: Rpc;
  decoder: Decoder;
  /** First block to read (the deployment's startBlock). */
  startBlock: number;
  /** The store's state at start. */
  initial: IndexState;
  /** Blocks behind the head that are not read yet. */
  confirmations: number;
  /** Used when the node offers no `finalized` tag: head minus this is taken as final. */
  finalityDepth: number;
  /** "auto": use the node's finalized tag when it answers one; "off": always head - finalityDepth. */
  finalizedTag: "auto" | "off";
  pollIntervalMs: number;
  /** Largest block range per eth_getLogs. */
  maxRange: number;
  /**
   * Most logs applied as one range (default 10,000): bounds the memory a range holds (logs, decoded
   * events, the views' writes of one LevelDB batch). A range that read more is cut after the last
   * block that fits (one block is never split), and the range size shrinks to the density seen.
   */
  maxLogs?: number;
  /** Backoff bounds for retried faults. */
  retryMinMs?: number;
  retryMaxMs?: number;
  /**
   * Applies one report; the follower waits for it and retries it on retryable errors. A range
   * marked `more` may resolve before it is written, with `durable`: the follower reports it as
   * indexed once that settles (a failed write fails the next report).
   */
  onEvent(event: FollowerEvent): Promise<void | { durable: Promise<void> }>;
}

export interface Follower {
  /** Runs until stop() or a non-retryable error (which it rethrows). */
  run(): Promise<void>;
  stop(): Promise<void>;
  status(): FollowerStatus;
}

/**
 * How a range size grows while reads leave room: doubled on every second such range, the first one
 * after a start or a `reset` (any shrink) holding. Shared with the bench's eth_getLogs ceiling
 * (bench/lib/index-child.ts), which sizes its ranges the same way.
 */
export function everySecondGrowth() {
  let growNext = false;
  return {
    /** The size for the next range, `size` doubled (at most `max`) on every second call. */
    next(size: number, max: number): number {
      const grown = growNext ? Math.min(max, size * 2) : size;
      growNext = !growNext;
      return grown;
    },
    reset(): void {
      growNext = false;
    },
  };
}

export function createFollower(common: { logger: Logger }, args: FollowerArgs): Follower {
  const log = common.logger.child({ module: "follower" });
  const retryMinMs = args.retryMinMs ?? 250;
  const retryMaxMs = args.retryMaxMs ?? 10_000;
  const maxLogs = Math.max(1, args.maxLogs ?? 10_000);

  // ===== STATE (the store's position, mirrored) =====
  let tip: BlockRef | undefined = args.initial.checkpoint;
  let recent: BlockRef[] = [...args.initial.recent].sort((a, b) => a.number - b.number);
  let localFinalized = args.initial.finalized;
  let finalizedTagWorks = args.finalizedTag === "auto";
  // Start where the last run left off, or small, and let the log counts of ranges adapt it (see step()).
  let rangeSize = Math.max(1, Math.min(args.maxRange, args.initial.rangeSize ?? 16));
  const growth = everySecondGrowth();
  let stopped = false;
  let running: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  /** The next range, read while the current one is applied. */
  let ahead: { from: number; read: Promise<Read> } | undefined;

  const status: FollowerStatus = {
    phase: "starting",
    diverged: null,
    chainHead: undefined,
    chainHeadTime: undefined,
    deepReorgs: 0,
    chainFinalized: undefined,
    indexedBlock: tip?.number,
    reorgs: 0,
    rangeSize,
    consecutiveErrors: 0,
    lastError: null,
    totals: { ranges: 0, logs: 0, events: 0, rpcMs: 0, rpcWaitMs: 0, decodeMs: 0, applyMs: 0 },
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        wake = undefined;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
    });

  async function timed<T>(p: () => Promise<T>): Promise<T> {
    const t = performance.now();
    try {
      return await p();
    } finally {
      status.totals.rpcMs += performance.now() - t;
    }
  }

  async function emit(event: FollowerEvent): Promise<void | { durable: Promise<void> }> {
    const t = performance.now();
    try {
      return await args.onEvent(event);
    } finally {
      status.totals.applyMs += performance.now() - t;
    }
  }

  /** The node's finalized block by its tag; undefined when the tag is off or the node offers none. */
  async function finalizedByTag(): Promise<number | undefined> {
    if (!finalizedTagWorks) return undefined;
    try {
      const f = await timed(() => args.rpc.eth_getBlockByNumber("finalized"));
      if (f !== null) return f.number;
    } catch (err) {
      if (!(err instanceof RpcError) || err.kind !== "remote") throw err;
    }
    if (finalizedTagWorks) log.info("node offers no finalized tag: using head minus finalityDepth");
    finalizedTagWorks = false;
    return undefined;
  }

  type Read =
    | { type: "idle"; finalized: number }
    | {
        type: "range";
        from: number;
        to: number;
        target: number;
        finalized: number;
        /** Every block of the range is final: only its two ends' headers were read (and those of logs without a time). */
        sparse: boolean;
        logs: RpcLog[];
        headers: RpcBlock[];
      };

  /**
   * Reads the range starting at `from` (or finds there is none yet), checked in itself.
   *
   * Blocks the last read found final are asked for at once: the head, the finalized block (when the
   * node has the tag), the range's logs and its two ends' headers (one batch), all in flight
   * together. A range read ahead is thus answered while the current one is applied (its views hold
   * the thread for their whole range, so a read made of requests in turn would wait for each). The
   * guess is kept only if the new head still makes it final and in reach; otherwise its logs are
   * dropped and read again.
   */
  async function read(from: number): Promise<Read> {
    let guess: FinalRead | undefined;
    if (status.chainHead !== undefined && status.chainFinalized !== undefined) {
      const to = Math.min(status.chainHead - args.confirmations, status.chainFinalized, from + rangeSize - 1);
      if (to >= from) {
        guess = readFinal(from, to);
        // Observed below, or dropped when the head says otherwise (no unhandled rejection meanwhile).
        guess.logs.catch(() => undefined);
        guess.ends.catch(() => undefined);
      }
    }
    const [head, tagged] = await Promise.all([timed(() => args.rpc.eth_getBlockByNumber("latest")), finalizedByTag()]);
    if (head === null) throw new RpcError("malformed", "eth_getBlockByNumber", "no latest block");
    const finalized = tagged !== undefined ? Math.min(tagged, head.number) : Math.max(-1, head.number - args.finalityDepth);
    status.chainHead = head.number;
    status.chainHeadTime = head.timestamp;
    status.chainFinalized = finalized;
    if (head.number < localFinalized) {
      throw new RpcError(
        "behind",
        "eth_getBlockByNumber",
        `node head ${head.number} is behind our finalized block ${localFinalized} (node resyncing, or another chain?)`,
      );
    }
    const target = head.number - args.confirmations;
    if (target < from) return { type: "idle", finalized };
    const to = Math.min(target, from + rangeSize - 1);
    const final = guess !== undefined && guess.to <= target && guess.to <= finalized ? guess : to <= finalized ? readFinal(from, to) : undefined;
    if (final !== undefined) {
      // Final blocks cannot change: the logs and the ends' headers, then only the headers logs need.
      const [logs, ends] = await Promise.all([final.logs, final.ends]);
      return { type: "range", from, to: final.to, target, finalized, sparse: true, logs, headers: await withUntimedHeaders(logs, ends) };
    }
    // Near the head: link every header, read the logs, then check the range's end did not move.
    const numbers: number[] = [];
    for (let n = from; n <= to; n++) numbers.push(n);
    const headers = await getHeaders(numbers);
    for (let i = 1; i < headers.length; i++) {
      if (headers[i].parentHash !== headers[i - 1].hash) {
        throw new RpcError("inconsistent", "eth_getBlockByNumber", `block ${headers[i].number} does not link to ${headers[i - 1].number} (chain moving)`);
      }
    }
    const logs = await getLogs(from, to);
    const end = await timed(() => args.rpc.eth_getBlockByNumber(to));
    if (end === null || end.hash !== headers[headers.length - 1].hash) {
      throw new RpcError("inconsistent", "eth_getBlockByNumber", `block ${to} changed while its logs were read`);
    }
    return { type: "range", from, to, target, finalized, sparse: false, logs, headers };
  }

  type FinalRead = { to: number; logs: Promise<RpcLog[]>; ends: Promise<RpcBlock[]> };

  /** Asks for the logs of final blocks `from`..`to` and the headers of the two ends, together. */
  function readFinal(from: number, to: number): FinalRead {
    return { to, logs: getLogs(from, to), ends: getHeaders(to > from ? [from, to] : [from]) };
  }

  /** The ends' headers, and those of blocks whose logs do not carry their block's time, ascending. */
  async function withUntimedHeaders(logs: RpcLog[], ends: RpcBlock[]): Promise<RpcBlock[]> {
    const have = new Set<number>();
    for (const h of ends) have.add(h.number);
    const wanted = new Set<number>();
    for (const l of logs) if (l.blockTimestamp === undefined && !have.has(l.blockNumber)) wanted.add(l.blockNumber);
    if (wanted.size === 0) return ends;
    const more = await getHeaders([...wanted]);
    return [...ends, ...more].sort((a, b) => a.number - b.number);
  }

  /** One unit of work; false when there was nothing to do. */
  async function step(): Promise<boolean> {
    const from = tip === undefined ? args.startBlock : tip.number + 1;
    const waited = performance.now();
    let r: Read;
    if (ahead !== undefined && ahead.from === from) {
      const pending = ahead.read;
      ahead = undefined;
      r = await pending; // a failed read-ahead is a failed read: retried like one
    } else {
      ahead = undefined;
      r = await read(from);
    }
    status.totals.rpcWaitMs += performance.now() - waited;

    if (r.type === "idle") {
      // Nothing new to read; make sure the tip is still on the chain.
      if (tip !== undefined && tip.number > localFinalized) {
        const remote = await timed(() => args.rpc.eth_getBlockByNumber(tip!.number));
        if (remote === null || remote.hash !== tip.hash) {
          await reorg();
          return true;
        }
      }
      await maybeFinalize(r.finalized);
      status.phase = "live";
      return false;
    }
    const { target, finalized } = r;
    let { to, logs, headers } = r;
    const span = to - from + 1;
    if (logs.length > maxLogs && to > from) {
      // The cut below needs the logs in block order (a node owes it, but it is not checked before).
      logs = [...logs].sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
      // Too dense for one range: keep whole blocks up to the cap (at least the first block with logs),
      // the rest is read again as the next range.
      let cut = maxLogs;
      while (cut > 0 && logs[cut].blockNumber === logs[cut - 1].blockNumber) cut--;
      if (cut === 0) {
        cut = maxLogs;
        while (cut < logs.length && logs[cut].blockNumber === logs[cut - 1].blockNumber) cut++;
      }
      if (cut < logs.length) {
        to = logs[cut - 1].blockNumber;
        logs = logs.slice(0, cut);
        headers = headers.filter((h) => h.number <= to);
        // The new end's header: read already near the head, read now for final blocks.
        if (headers[headers.length - 1].number !== to) headers.push(...(await getHeaders([to])));
      }
    }
    status.phase = target - from > rangeSize ? "syncing" : "live";
    if (tip !== undefined && headers[0].parentHash !== tip.hash) {
      await reorg();
      return true;
    }

    const t = performance.now();
    const byNumber = new Map<number, RpcBlock>();
    for (const h of headers) byNumber.set(h.number, h);
    // Final blocks inside a range have no header read when their logs carry its time: the logs of
    // one such block must agree on its hash and time, and the time lie between the range's ends'.
    const untimed = r.sparse ? new Map<number, RpcLog>() : undefined;
    const earliest = headers[0].timestamp;
    const latest = headers[headers.length - 1].timestamp;
    const events: ChainEvent[] = [];
    let ordered = true;
    for (let i = 0; i < logs.length; i++) {
      const l = logs[i];
      const h = byNumber.get(l.blockNumber);
      let timestamp: number;
      if (h !== undefined) {
        if (l.blockHash !== h.hash || l.removed) {
          throw new RpcError("inconsistent", "eth_getLogs", `log ${l.logIndex} of block ${l.blockNumber} carries blockHash ${l.blockHash}, the block is ${h.hash}`);
        }
        if (l.blockTimestamp !== undefined && l.blockTimestamp !== h.timestamp) {
          throw new RpcError("inconsistent", "eth_getLogs", `log ${l.logIndex} of block ${l.blockNumber} carries blockTimestamp ${l.blockTimestamp}, the block's is ${h.timestamp}`);
        }
        timestamp = h.timestamp;
      } else {
        const first = untimed?.get(l.blockNumber);
        if (untimed === undefined || l.blockTimestamp === undefined || l.removed) {
          throw new RpcError("inconsistent", "eth_getLogs", `log ${l.logIndex} of block ${l.blockNumber}: a block whose header was not read`);
        }
        if (first === undefined) {
          if (l.blockTimestamp < earliest || l.blockTimestamp > latest) {
            throw new RpcError("inconsistent", "eth_getLogs", `log ${l.logIndex} of block ${l.blockNumber} carries blockTimestamp ${l.blockTimestamp}, outside its range's ${earliest}..${latest}`);
          }
          untimed.set(l.blockNumber, l);
        } else if (first.blockHash !== l.blockHash || first.blockTimestamp !== l.blockTimestamp) {
          throw new RpcError("inconsistent", "eth_getLogs", `logs ${first.logIndex} and ${l.logIndex} of block ${l.blockNumber} disagree on its hash or time`);
        }
        timestamp = l.blockTimestamp;
      }
      if (i > 0 && (l.blockNumber < logs[i - 1].blockNumber || (l.blockNumber === logs[i - 1].blockNumber && l.logIndex <= logs[i - 1].logIndex))) {
        ordered = false;
      }
      const event = args.decoder.decode(l, timestamp);
      if (event !== undefined) events.push(event);
    }
    if (!ordered) events.sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
    status.totals.decodeMs += performance.now() - t;

    const blocks: BlockRef[] = headers.map((h) => ({
      number: h.number,
      hash: h.hash,
      parentHash: h.parentHash,
      timestamp: h.timestamp,
    }));
    // Aim at ranges of at most maxLogs logs: big enough to amortize, small enough for memory. Shrink
    // to the blocks that fit when a read brought more; grow only while twice the range would still fit,
    // and then on every second such range: the range read ahead below is then, every other time, as
    // large as the one being applied instead of twice as large, and a catch-up holds less at once
    // while it starts (the 10k-event bench chain caught up ~8% faster, with ~7% less peak RSS; see
    // docs/PERFORMANCE.md). The caps are reached in twice as many ranges: a handful more.
    if (r.logs.length > maxLogs) {
      rangeSize = Math.max(1, Math.min(rangeSize, to - from + 1, Math.floor((span * maxLogs) / r.logs.length)));
      growth.reset();
    } else if (r.logs.length * 2 <= maxLogs && to - from + 1 >= rangeSize) {
      rangeSize = growth.next(rangeSize, args.maxRange);
    }
    status.rangeSize = rangeSize;
    if (to < target && !stopped) {
      // More is waiting: read it while this range is applied.
      const next = read(to + 1);
      next.catch(() => undefined); // observed when step() takes it, or dropped
      ahead = { from: to + 1, read: next };
    }
    const applied = await emit({ type: "block", blocks, events, finalized, rangeSize, more: ahead !== undefined });
    const last = blocks[blocks.length - 1];
    tip = last;
    recent.push(...blocks.filter((b) => b.number > finalized || b === last));
    localFinalized = Math.max(localFinalized, Math.min(finalized, last.number));
    if (applied === undefined) status.indexedBlock = last.number;
    else {
      // Readable once written; the next report waits for that write (a reorg unwinds after it).
      applied.durable.then(
        () => {
          if (tip !== undefined && tip.number >= last.number && (status.indexedBlock ?? -1) < last.number) status.indexedBlock = last.number;
        },
        () => undefined, // the next report fails with it
      );
    }
    status.totals.ranges++;
    status.totals.logs += logs.length;
    status.totals.events += events.length;
    log.debug({ fromBlock: from, toBlock: to, events: events.length }, "range applied");
    // While ranges follow one another unwritten, forgetting undo records waits for the last of them
    // (its write would wait for theirs).
    if (applied === undefined) await maybeFinalize(finalized);
    return true;
  }

  async function getLogs(from: number, to: number): Promise<RpcLog[]> {
    try {
      return await timed(() => args.rpc.eth_getLogs({ fromBlock: from, toBlock: to, address: args.decoder.addresses }));
    } catch (err) {
      // Too many results, a timeout, a limit of the provider: read a smaller range next time.
      if (to > from) {
        rangeSize = Math.max(1, Math.floor((to - from + 1) / 2));
        growth.reset();
        status.rangeSize = rangeSize;
      }
      throw err;
    }
  }

  async function getHeaders(numbers: number[]): Promise<RpcBlock[]> {
    const headers = await timed(() => args.rpc.eth_getBlockByNumberBatch(numbers));
    return headers.map((h, i) => {
      if (h === null) {
        throw new RpcError("inconsistent", "eth_getBlockByNumber", `block ${numbers[i]} not available (node behind its own head?)`);
      }
      return h;
    });
  }

  async function maybeFinalize(finalized: number): Promise<void> {
    if (tip === undefined) return;
    const upTo = Math.min(finalized, tip.number);
    const anchor = recent.filter((b) => b.number <= upTo).pop();
    if (anchor === undefined || !recent.some((b) => b.number < anchor.number)) return;
    await emit({ type: "finalize", block: upTo });
    recent = recent.filter((b) => b.number >= anchor.number);
    localFinalized = Math.max(localFinalized, upTo);
  }

  /** Walks back from the tip to the newest remembered block the node still has. */
  async function reorg(): Promise<void> {
    const candidates = recent.filter((b) => b.number >= localFinalized || b === recent[0]).reverse();
    const remote = await getHeadersOrNull(candidates.map((b) => b.number));
    let ancestor: BlockRef | undefined;
    for (let i = 0; i < candidates.length; i++) {
      if (remote[i]?.hash === candidates[i].hash) {
        ancestor = candidates[i];
        break;
      }
    }
    if (ancestor === undefined || ancestor.number < localFinalized) {
      throw new DeepReorgError(
        localFinalized,
        `the node's chain diverges below our finalized block ${localFinalized} (tip ${tip?.number}): refusing to unwind; node fault or chain reset`,
      );
    }
    const dropped = recent.filter((b) => b.number > ancestor!.number);
    const depth = (tip?.number ?? ancestor.number) - ancestor.number;
    log.warn({ ancestor: ancestor.number, depth, from: tip?.number }, "reorg: unwinding to the common ancestor");
    await emit({ type: "reorg", ancestor, dropped, depth });
    recent = recent.filter((b) => b.number <= ancestor!.number);
    tip = ancestor;
    status.indexedBlock = ancestor.number;
    status.reorgs++;
  }

  async function getHeadersOrNull(numbers: number[]): Promise<(RpcBlock | null)[]> {
    return timed(() => args.rpc.eth_getBlockByNumberBatch(numbers));
  }

  async function run(): Promise<void> {
    log.info({ from: tip ? tip.number + 1 : args.startBlock, confirmations: args.confirmations }, "follower starting");
    while (!stopped) {
      let progressed: boolean;
      try {
        progressed = await step();
        if (status.consecutiveErrors > 0) log.info({ after: status.consecutiveErrors }, "rpc recovered");
        status.consecutiveErrors = 0;
        status.diverged = null;
      } catch (err) {
        if (err instanceof DeepReorgError) {
          if (status.diverged === null) status.deepReorgs++;
          status.diverged ??= { localFinalized: err.localFinalized, message: err.message, since: new Date().toISOString() };
        }
        if (!isRetryable(err)) {
          status.phase = "failed";
          status.lastError = describe(err);
          log.error({ err }, "follower failed");
          throw err;
        }
        status.consecutiveErrors++;
        status.lastError = describe(err);
        status.phase = "retrying";
        const delay = Math.min(retryMaxMs, retryMinMs * 2 ** Math.min(status.consecutiveErrors - 1, 16));
        const level = status.consecutiveErrors >= 5 ? "error" : "warn";
        log[level]({ err: errorMessage(err), attempt: status.consecutiveErrors, delayMs: delay }, "rpc fault: retrying");
        await sleep(delay);
        continue;
      }
      if (!progressed && !stopped) await sleep(args.pollIntervalMs);
    }
    status.phase = "stopped";
  }

  return {
    run() {
      running ??= run();
      return running;
    },
    async stop() {
      stopped = true;
      wake?.();
      await running?.catch(() => undefined);
      status.phase = "stopped";
    },
    status: () => status,
  };
}

function describe(err: unknown): { message: string; kind: string; at: string } {
  const kind = err instanceof RpcError ? err.kind : err instanceof Error ? err.name : "unknown";
  return { message: errorMessage(err), kind, at: new Date().toISOString() };
}
