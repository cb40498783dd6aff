/**
 * Receipt intake (DESIGN section 6; C13, C14, C20, C22, C31, C33, C34): a platform's processing
 * environment reports every use of public data; the node validates each receipt, checks it
 * against the chain state at its time, makes the accepted ones durable and answers with one
 * signed acknowledgement per request and each receipt's path to it.
 *
 * A request is all or nothing: a malformed receipt (400), an id reused by a different receipt
 * (409) or, under STRICT_INTAKE, a receipt that breaks a rule (422) refuses the whole request
 * and stores nothing. Receipts already acknowledged get their first answer again (idempotent).
 */
import type { Wallet } from "ethers";
import {
  ACK_SIGNATURE_SCHEME,
  ReceiptSchema,
  acknowledgementDigest,
  receiptToJson,
  type Acknowledgement,
  type Receipt,
} from "../../../scripts/lib/receipts";
import { fastReceiptLeaf, merkleTree } from "../../../scripts/lib/receipt-tree";
import type { ViewReader } from "../store/types";
import { ApiError, ValidationError } from "../api/errors";
import { createUseChecker } from "./checks";
import { KEY, pendingRefOf, type AckEntry, type Flag, type FlagEntry, type NodeStore, type Op, type PendingRef, type ReceiptEntry } from "./store";

/** Most receipts one request may carry. */
export const MAX_RECEIPTS_PER_REQUEST = 10_000;

export class ConflictError extends ApiError {
  constructor(message: string, details: unknown[]) {
    super(409, "conflict", message, details);
  }
}
export class RuleBreachError extends ApiError {
  constructor(message: string, details: unknown[]) {
    super(422, "rule_breach", message, details);
  }
}
export class TooManyReceiptsError extends ApiError {
  constructor(count: number) {
    super(413, "payload_too_large", `a request carries at most ${MAX_RECEIPTS_PER_REQUEST} receipts, this one ${count}`);
  }
}

/** One receipt in an intake answer. */
export interface IntakeItem {
  index: number;
  id: string;
  leaf: string;
  status: "accepted" | "duplicate";
  /** Index into the answer's `acknowledgements`. */
  acknowledgement: number;
  /** Path from the leaf to that acknowledgement's root. */
  path: string[];
  flags: Flag[];
}

export interface IntakeAnswer {
  nodeId: string;
  accepted: number;
  duplicates: number;
  flagged: number;
  acknowledgements: Acknowledgement[];
  receipts: IntakeItem[];
}

export interface IntakeArgs {
  store: NodeStore;
  reader: ViewReader;
  nodeId: bigint;
  key: Wallet;
  chainId: number;
  anchorAddress: string;
  strict: boolean;
  /** Unix ms. */
  now: () => number;
  /** Hands newly durable-to-be receipts to the batcher, synchronously, in the tick they are committed. */
  enqueue(refs: PendingRef[]): void;
  /** Counts each answered request and the receipts it accepted (the node's status). */
  onAccepted?(count: number): void;
  /**
   * Why the node may not acknowledge receipts now, or null when it may: the index still catching
   * up (a check against a half-built index would flag lawful uses), the node key no longer
   * allowed, the node store failed. Meanwhile the intake answers 503 naming why.
   */
  notReady?(): string | null;
}

export class IntakeUnavailableError extends ApiError {
  constructor(reason: string) {
    super(503, "unavailable", `the node accepts no receipts now: ${reason}; nothing was stored, retry later`, { reason });
  }
}

export type Intake = (items: unknown[]) => Promise<IntakeAnswer>;

export function createIntake(args: IntakeArgs): Intake {
  const { store, nodeId } = args;
  const node = nodeId.toString();
  /** Receipts accepted by a request whose write is not yet durable: id -> leaf and that write. */
  const inFlight = new Map<string, { leaf: string; durable: Promise<void> }>();
  /**
   * A request reads the store for known ids (step 3), then checks its receipts (step 4, awaiting
   * the index) before it commits. A receipt another request made durable in between is in neither
   * that read nor `inFlight` any more, so each write that becomes durable bumps `epoch`, and its
   * ids stay in `recent` (with that epoch) until no request that read the store before it is left.
   */
  let epoch = 0;
  const recent = new Map<string, number>();
  const recentQueue: { epoch: number; ids: string[] }[] = [];
  /** Store reads under way: epoch at the read -> how many requests read at it. */
  const readers = new Map<number, number>();
  const forget = (readEpoch: number) => {
    const n = readers.get(readEpoch)! - 1;
    if (n === 0) readers.delete(readEpoch);
    else readers.set(readEpoch, n);
    const oldest = readers.size === 0 ? Infinity : Math.min(...readers.keys());
    while (recentQueue.length > 0 && recentQueue[0].epoch <= oldest) {
      for (const id of recentQueue.shift()!.ids) if (recent.get(id) !== undefined && recent.get(id)! <= oldest) recent.delete(id);
    }
  };
  const settle = (ids: string[], durable: Promise<void>) =>
    durable.then(
      () => {
        epoch++;
        for (const id of ids) {
          inFlight.delete(id);
          recent.set(id, epoch);
        }
        recentQueue.push({ epoch, ids });
      },
      () => {
        for (const id of ids) inFlight.delete(id);
      },
    );

  const intake: Intake = async (items) => {
    const started = args.now();
    const why = args.notReady?.() ?? null;
    if (why !== null) throw new IntakeUnavailableError(why);
    if (items.length === 0) throw new ValidationError("no receipts: send {\"receipts\": [...]} or NDJSON, one receipt per line");
    if (items.length > MAX_RECEIPTS_PER_REQUEST) throw new TooManyReceiptsError(items.length);
    const nowS = Math.floor(started / 1000);

    // 1. Shape and field rules, every receipt, every problem.
    const receipts: Receipt[] = new Array(items.length);
    const problems: { index: number; id: string | null; errors: { path: string; message: string }[] }[] = [];
    for (let i = 0; i < items.length; i++) {
      const raw = items[i];
      const r = ReceiptSchema.safeParse(raw);
      const rawId = typeof raw === "object" && raw !== null && typeof (raw as { id?: unknown }).id === "string" ? (raw as { id: string }).id : null;
      if (!r.success) {
        problems.push({ index: i, id: rawId, errors: r.error.issues.slice(0, 20).map((x) => ({ path: x.path.map(String).join("."), message: x.message })) });
        continue;
      }
      const errors: { path: string; message: string }[] = [];
      if (r.data.nodeId !== nodeId) errors.push({ path: "nodeId", message: `this node is ${node}, the receipt names node ${r.data.nodeId}` });
      if (r.data.timestamp > nowS) errors.push({ path: "timestamp", message: `${r.data.timestamp} is in the future (now ${nowS})` });
      if (errors.length > 0) problems.push({ index: i, id: r.data.id, errors });
      receipts[i] = r.data;
    }
    if (problems.length > 0) throw new ValidationError(`${problems.length} of ${items.length} receipts are invalid: nothing was stored`, { receipts: problems.slice(0, 100) });

    // 2. Leaves, duplicates inside the request.
    const leaves = receipts.map(fastReceiptLeaf);
    const firstIndex = new Map<string, number>();
    const conflicts: { index: number; id: string; leaf: string; acknowledgedLeaf: string }[] = [];
    for (let i = 0; i < receipts.length; i++) {
      const prev = firstIndex.get(receipts[i].id);
      if (prev === undefined) firstIndex.set(receipts[i].id, i);
      else if (leaves[prev] !== leaves[i]) conflicts.push({ index: i, id: receipts[i].id, leaf: leaves[i], acknowledgedLeaf: leaves[prev] });
    }
    if (conflicts.length > 0) throw new ConflictError(`${conflicts.length} receipt ids appear twice in the request with different contents: nothing was stored`, conflicts.slice(0, 100));

    // 3. Receipts already acknowledged (stored, or in a write under way).
    const uniqueIdx = [...firstIndex.values()];
    const waits: Promise<void>[] = [];
    for (const i of uniqueIdx) {
      const f = inFlight.get(receipts[i].id);
      if (f) waits.push(f.durable.catch(() => undefined));
    }
    if (waits.length > 0) await Promise.all(waits);
    const readEpoch = epoch;
    readers.set(readEpoch, (readers.get(readEpoch) ?? 0) + 1);
    try {
      return await checkAndCommit(items, receipts, leaves, firstIndex, uniqueIdx, readEpoch, conflicts, problems);
    } finally {
      forget(readEpoch);
    }
  };
  return intake;

  async function checkAndCommit(
    items: unknown[],
    receipts: Receipt[],
    leaves: string[],
    firstIndex: Map<string, number>,
    uniqueIdx: number[],
    readEpoch: number,
    conflicts: { index: number; id: string; leaf: string; acknowledgedLeaf: string }[],
    problems: { index: number; id: string | null; errors: { path: string; message: string }[] }[],
  ): Promise<IntakeAnswer> {
    const stored = await store.getMany<ReceiptEntry>(uniqueIdx.map((i) => KEY.receipt(receipts[i].id)));
    const fresh: number[] = [];
    const known = new Map<number, ReceiptEntry>();
    uniqueIdx.forEach((i, k) => {
      const e = stored[k];
      if (e === undefined) fresh.push(i);
      else if (e.leaf !== leaves[i]) conflicts.push({ index: i, id: receipts[i].id, leaf: leaves[i], acknowledgedLeaf: e.leaf });
      else known.set(i, e);
    });
    if (conflicts.length > 0) throw new ConflictError(`${conflicts.length} receipt ids were already acknowledged with different contents: nothing was stored`, conflicts.slice(0, 100));

    // 4. The rules, at each receipt's time.
    const checker = createUseChecker(args.reader);
    const flagsOf = new Map<number, Flag[]>();
    for (const i of fresh) {
      const f = await checker(receipts[i]);
      if (f.length > 0) flagsOf.set(i, f);
    }
    if (args.strict && flagsOf.size > 0) {
      throw new RuleBreachError(`${flagsOf.size} receipts break a rule and STRICT_INTAKE refuses them: nothing was stored`, [...flagsOf].slice(0, 100).map(([index, flags]) => ({ index, id: receipts[index].id, flags })));
    }

    // 5. From here to the commit nothing awaits: the floor check, the numbers, the signature and
    // the hand-over to the batcher happen in one tick, so a batch sealed meanwhile cannot raise
    // the floor above a receipt already let through.
    for (const i of fresh) {
      if (receipts[i].timestamp < store.meta.floor) {
        problems.push({ index: i, id: receipts[i].id, errors: [{ path: "timestamp", message: `${receipts[i].timestamp} is before ${store.meta.floor}, the first receipt time of this node's last sealed batch: a batch cannot start before its predecessor (report uses within BATCH_MAX_AGE of their time)` }] });
      }
    }
    if (problems.length > 0) throw new ValidationError(`${problems.length} receipts are too old to be batched: nothing was stored`, { receipts: problems.slice(0, 100) });
    for (const i of fresh) {
      const id = receipts[i].id;
      if (inFlight.has(id) || (recent.get(id) ?? -1) > readEpoch) {
        // Another request took the same id after our read of the store: start again, which
        // answers it as that request's acknowledgement once durable (or 409 if it differs).
        return intake(items);
      }
    }

    const acks: Acknowledgement[] = [];
    const ackIndexOf = new Map<number, number>(); // ack number -> index in `acks`
    const ops: Op[] = [];
    const items_: IntakeItem[] = new Array(receipts.length);
    const acceptedAt = args.now();
    let freshAck: number | undefined;
    if (fresh.length > 0) {
      const tree = merkleTree(fresh.map((i) => leaves[i]));
      const ackNo = ++store.meta.acks;
      freshAck = ackNo;
      const acknowledgedAt = Math.floor(acceptedAt / 1000);
      const body = { nodeId, root: tree.root, count: fresh.length, acknowledgedAt };
      const signature = args.key.signingKey.sign(acknowledgementDigest(body, args.chainId, args.anchorAddress)).serialized;
      const ack: AckEntry = { scheme: ACK_SIGNATURE_SCHEME, nodeId: node, root: tree.root, count: fresh.length, acknowledgedAt, signer: args.key.address, signature };
      ops.push({ type: "put", key: KEY.ack(ackNo), value: ack });
      ackIndexOf.set(ackNo, acks.length);
      acks.push(ack);
      const refs: PendingRef[] = [];
      fresh.forEach((i, k) => {
        const r = receipts[i];
        const arrival = ++store.meta.arrivals;
        const flags = flagsOf.get(i) ?? [];
        const path = tree.proof(k);
        const entry: ReceiptEntry = { receipt: receiptToJson(r), leaf: leaves[i], ack: ackNo, path, flags, arrival, acceptedAt };
        ops.push({ type: "put", key: KEY.receipt(r.id), value: entry });
        const ref = pendingRefOf(r, leaves[i], arrival, acceptedAt);
        ops.push({ type: "put", key: KEY.pending(r.timestamp, arrival), value: ref });
        refs.push(ref);
        for (const fl of flags) {
          const fe: FlagEntry = { ...fl, receiptId: r.id, nodeId: node, at: r.timestamp, authorizationId: r.authorizationId.toString(), scenarioId: r.scenarioId.toString(), productId: r.productId.toString() };
          ops.push({ type: "put", key: KEY.flag(r.timestamp, r.id, fl.rule), value: fe });
        }
        items_[i] = { index: i, id: r.id, leaf: leaves[i], status: "accepted", acknowledgement: 0, path, flags };
      });
      const durable = store.commit(ops);
      const ids = fresh.map((i) => receipts[i].id);
      for (const i of fresh) inFlight.set(receipts[i].id, { leaf: leaves[i], durable });
      // Moves the ids from inFlight to recent in the tick the write settles, before any waiter runs.
      void settle(ids, durable);
      args.enqueue(refs);
      await durable;
    }

    // 6. Earlier acknowledgements of the duplicates, then the answer in request order.
    const oldAcks = [...new Set([...known.values()].map((e) => e.ack))].filter((n) => !ackIndexOf.has(n));
    const ackEntries = await store.getMany<AckEntry>(oldAcks.map((n) => KEY.ack(n)));
    oldAcks.forEach((n, k) => {
      const a = ackEntries[k];
      if (a === undefined) throw new Error(`acknowledgement ${n} is missing from the node store`);
      ackIndexOf.set(n, acks.length);
      acks.push(a);
    });
    for (const [i, e] of known) {
      items_[i] = { index: i, id: receipts[i].id, leaf: e.leaf, status: "duplicate", acknowledgement: ackIndexOf.get(e.ack)!, path: e.path, flags: e.flags };
    }
    if (freshAck !== undefined) for (const i of fresh) items_[i].acknowledgement = ackIndexOf.get(freshAck)!;
    // Repeated ids inside the request answer like their first occurrence.
    for (let i = 0; i < receipts.length; i++) {
      if (items_[i] === undefined) items_[i] = { ...items_[firstIndex.get(receipts[i].id)!], index: i, status: "duplicate" };
    }
    args.onAccepted?.(fresh.length);
    return {
      nodeId: node,
      accepted: fresh.length,
      duplicates: receipts.length - fresh.length,
      flagged: flagsOf.size,
      acknowledgements: acks,
      receipts: items_,
    };
  }
}
