/**
 * The batcher: seals acknowledged receipts into batches and anchors each exactly once on the
 * ReceiptAnchor (C31; 000 第十九条).
 *
 * - A batch closes at BATCH_MAX receipts or when its oldest receipt has waited BATCH_MAX_AGE.
 *   Sealing takes the pending receipts with the earliest times, assigns the next sequence and
 *   raises the intake's time floor to the batch's first receipt time (the chain refuses a batch
 *   that starts before its predecessor); the batch (sequence, receipt ids, leaves, root, usage
 *   counts) and the receipts' move out of the pending queue are one synced write, before any
 *   transaction is sent. No receipt is ever in two batches.
 * - Batches are anchored one at a time in sequence order. The transaction is signed locally and
 *   persisted (hash, nonce, raw) before it is broadcast, so a crash at any point leaves a batch
 *   either unsent, or sent with a known transaction the next start finds again.
 * - Reconciliation, at start and after any error: for the lowest unanchored batch, the chain's
 *   `lastSequence(node)` and `rootOf(node, seq)` decide: the chain has it (anchored, whoever sent
 *   it), it is next (send, or wait for the pending transaction, or replace it with higher fees
 *   once ANCHOR_REPLACE_AFTER has passed), or the chain holds another root at that sequence (a
 *   second instance with the same node key: the batcher stops and says so).
 * - Reorgs: an anchored batch not yet final is checked on every round; if its transaction left
 *   the canonical chain and the root is no longer there, the batch is sent again.
 */
import { Transaction, type JsonRpcProvider, type Wallet } from "ethers";
import type { Logger } from "pino";
import { MAX_USAGE_ENTRIES, batchManifest, usageWords } from "../../../scripts/lib/receipts";
import { merkleTree } from "../../../scripts/lib/receipt-tree";
import { ReceiptAnchor__factory } from "../../../typechain-types";
import { errorMessage } from "../chain/errors";
import { newestLogIn } from "../../../scripts/lib/logs";
import { KEY, type BatchEntry, type NodeStore, type Op, type PendingRef } from "./store";

export interface BatcherArgs {
  store: NodeStore;
  provider: JsonRpcProvider;
  key: Wallet;
  nodeId: bigint;
  anchorAddress: string;
  batchMax: number;
  /** Seconds. */
  batchMaxAge: number;
  /** Seconds before an unmined anchor transaction is replaced with higher fees. */
  replaceAfter: number;
  /** Blocks an anchor stays "anchored" before it is final when the chain has no finalized tag (or finalizedTag is off). */
  finalityDepth: number;
  /** Trust the chain's `finalized` tag when it answers one (FINALIZED_TAG=auto). */
  finalizedTag: boolean;
  /** The deployment's first block: no anchor log is older. */
  startBlock: number;
  /** Most blocks one eth_getLogs may span (MAX_BLOCK_RANGE). */
  maxBlockRange: number;
  logger: Logger;
  /** Unix ms. */
  now: () => number;
  /** Milliseconds between rounds when idle. */
  pollMs?: number;
  /** Called after each anchored batch (metrics, tests). */
  onAnchored?(b: BatchEntry): void;
}

export interface BatcherStatus {
  pending: number;
  /** Seconds the oldest pending receipt has waited. */
  openBatchAge: number;
  lastSealed: number;
  lastAnchored: number;
  /** Sealed batches not yet anchored. */
  unanchored: number;
  finalizedBlock: number | null;
  lastError: { message: string; at: string } | null;
  /** Set when another key anchored a different root at one of our sequences. */
  conflict: string | null;
  anchored: number;
  anchorFailures: number;
  lastAnchorGas: string | null;
}

export interface Batcher {
  /** Takes receipts the intake is committing (called synchronously in the intake's tick). */
  enqueue(refs: PendingRef[]): void;
  /** Loads pending receipts and batches from the store, reconciles and starts the rounds. */
  start(): Promise<void>;
  /** Seals what is pending now (tests, shutdown), then waits until everything sealed is anchored or `timeoutMs` passes. */
  drain(timeoutMs: number): Promise<boolean>;
  status(): BatcherStatus;
  /** The batch of a sequence (from the store). */
  batch(seq: number): Promise<BatchEntry | undefined>;
  /** The chain's finalized block as last seen (null before the first round). */
  finalizedBlock(): number | null;
  stop(): Promise<void>;
}

const ZERO_ROOT = `0x${"0".repeat(64)}`;
/** How often anchored, not yet final batches are checked against the canonical chain. */
const REORG_CHECK_MS = 2000;

/**
 * How many of `pending` (sorted) the next batch takes: at most `batchMax`, and no more than keep
 * its usage words (one per distinct scenario, product and resource) within the chain's
 * MAX_USAGE_ENTRIES. A receipt names at most 64 resources, so one always fits.
 */
export function takeForBatch(pending: readonly PendingRef[], batchMax: number): number {
  const words = new Set<string>();
  let n = 0;
  for (const r of pending) {
    if (n >= batchMax) break;
    const mine = [`s${r.scenarioId}`, ...(r.productId === "0" ? [] : [`p${r.productId}`]), ...r.resourceIds.map((id) => `r${id}`)];
    const added = mine.filter((w) => !words.has(w));
    if (n > 0 && words.size + added.length > MAX_USAGE_ENTRIES) break;
    for (const w of added) words.add(w);
    n++;
  }
  return n;
}

export function createBatcher(args: BatcherArgs): Batcher {
  const { store, provider, nodeId } = args;
  const log = args.logger.child({ module: "batcher" });
  const wallet = args.key.connect(provider);
  const anchor = ReceiptAnchor__factory.connect(args.anchorAddress, wallet);
  const pollMs = args.pollMs ?? 1000;

  let pending: PendingRef[] = [];
  /** Sequences sealed and not yet anchored, ascending. */
  let unanchored: number[] = [];
  /** Anchored, not yet final: checked for reorgs. */
  let unfinal: number[] = [];
  let lastAnchored = 0;
  let finalized: number | null = null;
  let stopped = false;
  let running: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let lastError: BatcherStatus["lastError"] = null;
  let conflict: string | null = null;
  let anchoredCount = 0;
  let failures = 0;
  let lastGas: string | null = null;
  let sealing: Promise<void> = Promise.resolve();
  let lastReorgCheck = 0;
  let finalizedTagWorks = args.finalizedTag;

  const signal = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };

  /**
   * Seals the earliest pending receipts (at most batchMax, within the chain's usage-word bound);
   * synchronous up to the commit. Everything is computed before any state changes, so a failure
   * leaves the receipts pending and the sequence and floor as they were.
   */
  function seal(): Promise<void> | undefined {
    if (pending.length === 0) return undefined;
    pending.sort((a, b) => a.ts - b.ts || a.arrival - b.arrival);
    const n = takeForBatch(pending, args.batchMax);
    const take = pending.slice(0, n);
    const seq = store.meta.lastSealed + 1;
    const firstAt = take[0].ts;
    const lastAt = take[take.length - 1].ts;
    const ids = take.map((r) => r.id);
    const leaves = take.map((r) => r.leaf);
    const tree = merkleTree(leaves);
    const { metadataHash } = batchManifest(nodeId, ids, firstAt, lastAt);
    const usage = usageWords(
      take.map((r) => ({ scenarioId: BigInt(r.scenarioId), productId: BigInt(r.productId), resourceIds: r.resourceIds.map(BigInt), fee: BigInt(r.fee) })),
    );
    const b: BatchEntry = {
      sequence: seq,
      root: tree.root,
      receiptCount: take.length,
      firstAt,
      lastAt,
      metadataHash,
      usage,
      ids,
      leaves,
      sealedAt: args.now(),
      state: "sealed",
      tx: null,
      anchor: null,
    };
    const ops: Op[] = [{ type: "put", key: KEY.batch(seq), value: b }];
    for (const r of take) {
      ops.push({ type: "del", key: KEY.pending(r.ts, r.arrival) });
      ops.push({ type: "put", key: KEY.inBatch(r.id), value: seq });
    }
    // Nothing above changed any state; from here to the commit nothing can throw.
    pending = pending.slice(n);
    store.meta.lastSealed = seq;
    store.meta.floor = Math.max(store.meta.floor, firstAt);
    log.info({ sequence: seq, receipts: take.length, firstAt, lastAt }, "batch sealed");
    const done = store.commit(ops).then(() => {
      unanchored.push(seq);
      signal();
    });
    sealing = sealing.then(() => done);
    return done;
  }

  function sealDue(): void {
    while (pending.length >= args.batchMax) void seal();
    if (pending.length > 0) {
      const oldest = pending.reduce((m, r) => Math.min(m, r.at), Infinity);
      if (args.now() - oldest >= args.batchMaxAge * 1000) void seal();
    }
  }

  async function put(b: BatchEntry): Promise<void> {
    await store.commit([{ type: "put", key: KEY.batch(b.sequence), value: b }]);
  }

  async function markAnchored(b: BatchEntry, a: NonNullable<BatchEntry["anchor"]>): Promise<void> {
    b.state = "anchored";
    b.anchor = a;
    await put(b);
    unanchored = unanchored.filter((s) => s !== b.sequence);
    if (!unfinal.includes(b.sequence)) unfinal.push(b.sequence);
    lastAnchored = Math.max(lastAnchored, b.sequence);
    anchoredCount++;
    lastGas = a.gasUsed;
    log.info({ sequence: b.sequence, tx: a.txHash, block: a.blockNumber, gas: a.gasUsed }, "batch anchored");
    args.onAnchored?.(b);
  }

  /** Where the chain recorded batch `seq` of this node (its BatchAnchored log, searched from the head down). */
  async function findAnchorLog(seq: number): Promise<NonNullable<BatchEntry["anchor"]> | null> {
    const filter = anchor.filters.BatchAnchored(nodeId, BigInt(seq));
    const head = await provider.getBlockNumber();
    const l = await newestLogIn(args.startBlock, head, args.maxBlockRange, (a, b) => anchor.queryFilter(filter, a, b));
    if (!l) return null;
    const rc = await provider.getTransactionReceipt(l.transactionHash);
    return { txHash: l.transactionHash, blockNumber: l.blockNumber, blockHash: l.blockHash, gasUsed: rc ? rc.gasUsed.toString() : "0" };
  }

  /** Sends (or replaces) the anchor transaction of `b`; false while the chain's clock is behind its last receipt. */
  async function send(b: BatchEntry, replace: boolean): Promise<boolean> {
    const req = {
      nodeId,
      sequence: BigInt(b.sequence),
      root: b.root,
      receiptCount: b.receiptCount,
      firstAt: b.firstAt,
      lastAt: b.lastAt,
      metadataHash: b.metadataHash,
      usage: b.usage,
    };
    // The chain refuses a batch whose last receipt is after the block time: wait for the clock.
    const latest = await provider.getBlock("latest");
    if (latest && latest.timestamp < b.lastAt && Math.floor(args.now() / 1000) <= b.lastAt) return false;
    const populated = await anchor.anchorBatch.populateTransaction(req);
    const nonce = replace && b.tx ? b.tx.nonce : await provider.getTransactionCount(wallet.address, "pending");
    const fee = await provider.getFeeData();
    const bump = (v: bigint | null, prev: string | null): bigint | null => {
      if (v === null) return null;
      if (!replace || prev === null) return v;
      const p = BigInt(prev);
      const raised = (p * 13n) / 10n + 1n;
      return raised > v ? raised : v;
    };
    // A replacement keeps the first transaction's gas limit: the RPC estimates against its pending
    // state, where the stuck transaction already took this sequence, so an estimate would revert.
    const gasLimit = replace && b.tx?.gasLimit ? BigInt(b.tx.gasLimit) : ((await wallet.estimateGas({ ...populated, nonce })) * 12n) / 10n;
    const network = await provider.getNetwork();
    const tx: Parameters<Wallet["signTransaction"]>[0] = {
      ...populated,
      nonce,
      gasLimit,
      chainId: network.chainId,
      ...(fee.maxFeePerGas !== null
        ? { type: 2, maxFeePerGas: bump(fee.maxFeePerGas, b.tx?.maxFeePerGas ?? null), maxPriorityFeePerGas: bump(fee.maxPriorityFeePerGas, b.tx?.maxPriorityFeePerGas ?? null) }
        : { type: 0, gasPrice: bump(fee.gasPrice, b.tx?.gasPrice ?? null) }),
    };
    const raw = await wallet.signTransaction(tx);
    const parsed = Transaction.from(raw);
    b.state = "sent";
    b.tx = {
      hash: parsed.hash!,
      nonce,
      gasLimit: gasLimit.toString(),
      sentAt: args.now(),
      maxFeePerGas: parsed.maxFeePerGas?.toString() ?? null,
      maxPriorityFeePerGas: parsed.maxPriorityFeePerGas?.toString() ?? null,
      gasPrice: parsed.type === 2 ? null : (parsed.gasPrice?.toString() ?? null),
    };
    await put(b); // persisted before the broadcast
    log.info({ sequence: b.sequence, tx: parsed.hash, nonce, replace }, "anchoring batch");
    try {
      await provider.broadcastTransaction(raw);
    } catch (err) {
      // "already known" / "nonce too low": the reconciliation of the next round decides.
      log.warn({ sequence: b.sequence, err: errorMessage(err) }, "broadcast refused");
    }
    return true;
  }

  /** One step for the lowest unanchored batch. */
  async function advance(): Promise<boolean> {
    const seq = unanchored[0];
    if (seq === undefined) return false;
    const b = await store.get<BatchEntry>(KEY.batch(seq));
    if (!b) throw new Error(`batch ${seq} is missing from the node store`);
    const [chainLast, root] = await Promise.all([anchor.lastSequence(nodeId), anchor.rootOf(nodeId, BigInt(seq))]);
    if (root !== ZERO_ROOT) {
      if (root.toLowerCase() !== b.root.toLowerCase()) {
        conflict = `the chain holds root ${root} as batch ${seq} of node ${nodeId}, this node sealed ${b.root}: another instance anchors with this node's key`;
        log.error(conflict);
        return false;
      }
      const found = b.tx ? await provider.getTransactionReceipt(b.tx.hash) : null;
      const where = found && found.status === 1 ? { txHash: found.hash, blockNumber: found.blockNumber, blockHash: found.blockHash, gasUsed: found.gasUsed.toString() } : await findAnchorLog(seq);
      if (!where) return false; // the state has it but the log is not visible yet: next round
      await markAnchored(b, where);
      return true;
    }
    if (BigInt(seq) > chainLast + 1n) {
      // An earlier batch is missing on chain (a reorg dropped it; it is put back in the list).
      log.warn({ sequence: seq, chainLast: chainLast.toString() }, "waiting for an earlier batch");
      return false;
    }
    if (b.tx) {
      const rc = await provider.getTransactionReceipt(b.tx.hash);
      if (rc && rc.status === 1) return true; // mined: the next round reads the root
      if (rc && rc.status === 0) {
        failures++;
        log.error({ sequence: seq, tx: b.tx.hash }, "anchor transaction reverted: sending again");
        return send(b, false);
      }
      const inPool = await provider.getTransaction(b.tx.hash);
      if (inPool && args.now() - b.tx.sentAt < args.replaceAfter * 1000) return false; // wait for it
      return send(b, inPool !== null);
    }
    return send(b, false);
  }

  /** Anchored batches not final yet: still on the canonical chain? */
  async function checkReorgs(): Promise<void> {
    const head = await provider.getBlock("latest");
    let fin: number | null = null;
    if (finalizedTagWorks) {
      try {
        const f = await provider.getBlock("finalized");
        fin = f ? f.number : null;
      } catch {
        fin = null;
      }
      if (fin === null) {
        log.info("the chain offers no finalized tag: anchors are final FINALITY_DEPTH blocks deep");
        finalizedTagWorks = false;
      }
    }
    if (fin === null && head) fin = Math.max(-1, head.number - args.finalityDepth);
    if (fin !== null && head) fin = Math.min(fin, head.number);
    finalized = fin;
    if (unfinal.length === 0) return;
    for (const seq of [...unfinal]) {
      const b = await store.get<BatchEntry>(KEY.batch(seq));
      if (!b || !b.anchor) {
        unfinal = unfinal.filter((s) => s !== seq);
        continue;
      }
      const rc = await provider.getTransactionReceipt(b.anchor.txHash);
      if (rc && rc.blockHash === b.anchor.blockHash) {
        if (fin !== null && b.anchor.blockNumber <= fin) unfinal = unfinal.filter((s) => s !== seq);
        continue;
      }
      const root = await anchor.rootOf(nodeId, BigInt(seq));
      if (root.toLowerCase() === b.root.toLowerCase()) {
        const where = rc && rc.status === 1 ? { txHash: rc.hash, blockNumber: rc.blockNumber, blockHash: rc.blockHash, gasUsed: rc.gasUsed.toString() } : await findAnchorLog(seq);
        if (where) {
          b.anchor = where;
          await put(b);
        }
        continue;
      }
      log.warn({ sequence: seq, tx: b.anchor.txHash }, "a reorg dropped the anchor of a batch: sending it again");
      b.state = "sealed";
      b.anchor = null;
      b.tx = null;
      await put(b);
      unfinal = unfinal.filter((s) => s !== seq);
      if (!unanchored.includes(seq)) unanchored.push(seq);
      unanchored.sort((x, y) => x - y);
      lastAnchored = Math.min(lastAnchored, seq - 1);
    }
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      let progressed = false;
      try {
        sealDue();
        await sealing;
        if (conflict === null) {
          progressed = await advance();
          // The anchors still reorganizable are re-read every REORG_CHECK_MS, not on every step:
          // a backlog of batches is anchored at the pace of the chain, not of these reads.
          if (!progressed || args.now() - lastReorgCheck >= REORG_CHECK_MS) {
            lastReorgCheck = args.now();
            await checkReorgs();
          }
        }
        lastError = null;
      } catch (err) {
        lastError = { message: errorMessage(err), at: new Date(args.now()).toISOString() };
        log.warn({ err: lastError.message }, "batcher round failed: reconciling with the chain next round");
        progressed = false;
      }
      if (stopped) break;
      if (!progressed) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, lastError ? Math.min(5000, pollMs * 2) : pollMs);
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
      }
    }
  }

  return {
    enqueue(refs: PendingRef[]) {
      for (const r of refs) pending.push(r);
      // Runs in the intake's tick, after its write was issued: a failure here must not turn a
      // durable acknowledgement into an error answer. The receipts stay pending; the next round
      // seals them (and reports the failure in the status).
      try {
        while (pending.length >= args.batchMax) void seal();
      } catch (err) {
        lastError = { message: errorMessage(err), at: new Date(args.now()).toISOString() };
        log.error({ err: lastError.message }, "sealing failed: the receipts stay pending");
      }
    },
    async start() {
      for await (const [, ref] of store.range<PendingRef>("q:")) pending.push(ref);
      for await (const [, b] of store.range<BatchEntry>("b:")) {
        if (b.state === "anchored") {
          lastAnchored = Math.max(lastAnchored, b.sequence);
          unfinal.push(b.sequence);
        } else unanchored.push(b.sequence);
      }
      unanchored.sort((x, y) => x - y);
      // Only the last few anchored batches can still be reorganized away.
      unfinal = unfinal.sort((x, y) => x - y).slice(-64);
      log.info({ pending: pending.length, unanchored: unanchored.length, lastAnchored }, "batcher started");
      running = loop();
    },
    async drain(timeoutMs: number) {
      const until = args.now() + timeoutMs;
      while (pending.length > 0) await seal();
      signal();
      while (unanchored.length > 0 && args.now() < until && !stopped) {
        await new Promise((r) => setTimeout(r, 50));
        signal();
      }
      return unanchored.length === 0;
    },
    status() {
      const oldest = pending.reduce((m, r) => Math.min(m, r.at), Infinity);
      return {
        pending: pending.length,
        openBatchAge: pending.length === 0 ? 0 : Math.max(0, (args.now() - oldest) / 1000),
        lastSealed: store.meta.lastSealed,
        lastAnchored,
        unanchored: unanchored.length,
        finalizedBlock: finalized,
        lastError,
        conflict,
        anchored: anchoredCount,
        anchorFailures: failures,
        lastAnchorGas: lastGas,
      };
    },
    batch: (seq: number) => store.get<BatchEntry>(KEY.batch(seq)),
    finalizedBlock: () => finalized,
    async stop() {
      stopped = true;
      signal();
      await running?.catch(() => undefined);
      await sealing.catch(() => undefined);
    },
  };
}

