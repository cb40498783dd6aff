/**
 * Reads of the node store for the receipt routes: a receipt's state (pending, anchored, final),
 * its proof file once anchored, and the rule flags as regulator alerts. Only the node instance
 * holding the receipts answers these; replicas see the anchored batches from the chain.
 */
import { PROOF_FILE_FORMAT, type ReceiptProofFile } from "../../../scripts/lib/receipts";
import { merkleTree } from "../../../scripts/lib/receipt-tree";
import { ApiError, NotFoundError } from "../api/errors";
import { alertKey, type AlertItem } from "../api/queries";
import type { JsonValue } from "../store/types";
import { KEY, type AckEntry, type BatchEntry, type FlagEntry, type NodeStore, type ReceiptEntry } from "./store";

export type ReceiptState = "pending" | "anchored" | "final";

export class PendingReceiptError extends ApiError {
  constructor(id: string, details: { [k: string]: unknown }) {
    super(409, "pending", `receipt ${id} is not anchored yet: its proof exists once its batch is on the chain`, details);
  }
}

export interface ReceiptReadArgs {
  store: NodeStore;
  nodeId: bigint;
  chainId: number;
  anchorAddress: string;
  finalizedBlock(): number | null;
  /** Seconds a receipt may wait for its batch (BATCH_MAX_AGE). */
  batchMaxAge: number;
}

export function createReceiptReads(args: ReceiptReadArgs) {
  const { store } = args;
  /** Trees of recently asked batches (proofs of one batch are usually asked together). */
  const trees = new Map<number, ReturnType<typeof merkleTree>>();
  function treeOf(b: BatchEntry) {
    let t = trees.get(b.sequence);
    if (!t) {
      t = merkleTree(b.leaves);
      trees.set(b.sequence, t);
      if (trees.size > 8) trees.delete(trees.keys().next().value as number);
    }
    return t;
  }

  async function load(id: string) {
    const key = id.toLowerCase();
    if (!/^0x[0-9a-f]{64}$/.test(key)) throw new NotFoundError(`receipt ${id}`);
    const [entry, seq] = await store.getMany<ReceiptEntry | number>([KEY.receipt(key), KEY.inBatch(key)]);
    if (entry === undefined) throw new NotFoundError(`receipt ${id}`);
    const e = entry as ReceiptEntry;
    const batch = typeof seq === "number" ? await store.get<BatchEntry>(KEY.batch(seq)) : undefined;
    const ack = await store.get<AckEntry>(KEY.ack(e.ack));
    if (!ack) throw new Error(`acknowledgement ${e.ack} of receipt ${id} is missing from the node store`);
    return { e, batch, ack };
  }

  function stateOf(batch: BatchEntry | undefined): ReceiptState {
    if (!batch || batch.state !== "anchored" || !batch.anchor) return "pending";
    const fin = args.finalizedBlock();
    return fin !== null && batch.anchor.blockNumber <= fin ? "final" : "anchored";
  }

  const ackOf = (ack: AckEntry, path: string[]) => ({ ...ack, path });

  /** Rule flags, newest first (regulator alerts). */
  async function flags(limit: number, after?: string) {
    const items: (FlagEntry & { alert: "use-outside-rules"; proof: string | null })[] = [];
    let next: string | null = null;
    let lastKey: string | null = null;
    for await (const [k, f] of store.range<FlagEntry>("f:", { reverse: true, ...(after ? { lt: after } : {}) })) {
      if (items.length >= limit) {
        next = lastKey;
        break;
      }
      lastKey = k;
      const seq = await store.get<number>(KEY.inBatch(f.receiptId));
      const b = seq !== undefined ? await store.get<BatchEntry>(KEY.batch(seq)) : undefined;
      items.push({ ...f, alert: "use-outside-rules", proof: b?.state === "anchored" ? `/api/v1/receipts/${f.receiptId}/proof` : null });
    }
    return { items, next };
  }

  return {
    async status(id: string) {
      const { e, batch, ack } = await load(id);
      return {
        id: e.receipt.id,
        leaf: e.leaf,
        nodeId: args.nodeId.toString(),
        status: stateOf(batch),
        acceptedAt: new Date(e.acceptedAt).toISOString(),
        acknowledgement: ackOf(ack, e.path),
        flags: e.flags,
        batch: batch
          ? {
              sequence: batch.sequence,
              root: batch.root,
              receiptCount: batch.receiptCount,
              firstAt: batch.firstAt,
              lastAt: batch.lastAt,
              state: batch.state,
              txHash: batch.anchor?.txHash ?? batch.tx?.hash ?? null,
              blockNumber: batch.anchor?.blockNumber ?? null,
            }
          : null,
        /** When a batch was due at the latest (acknowledgement + BATCH_MAX_AGE). */
        batchDueBy: new Date((ack.acknowledgedAt + args.batchMaxAge) * 1000).toISOString(),
      };
    },

    async proof(id: string): Promise<ReceiptProofFile> {
      const { e, batch, ack } = await load(id);
      const state = stateOf(batch);
      if (!batch || state === "pending" || !batch.anchor) {
        throw new PendingReceiptError(e.receipt.id, { status: "pending", sequence: batch?.sequence ?? null, acknowledgement: ackOf(ack, e.path), receipt: e.receipt });
      }
      const tree = treeOf(batch);
      const index = tree.indexOf(e.leaf);
      if (index < 0) throw new Error(`receipt ${id} is not in batch ${batch.sequence}'s tree`);
      return {
        format: PROOF_FILE_FORMAT,
        receipt: e.receipt,
        leaf: e.leaf,
        proof: tree.proof(index),
        batch: {
          nodeId: args.nodeId.toString(),
          sequence: String(batch.sequence),
          root: batch.root,
          receiptCount: batch.receiptCount,
          firstAt: batch.firstAt,
          lastAt: batch.lastAt,
          blockNumber: batch.anchor.blockNumber,
          txHash: batch.anchor.txHash,
        },
        anchor: { chainId: args.chainId, address: args.anchorAddress },
        acknowledgement: ackOf(ack, e.path),
      } as ReceiptProofFile;
    },

    flags,

    /** The same flags as regulator alert items (api/queries.ts AlertItem), newest first, at most `cap`. */
    async useAlerts(cap: number): Promise<AlertItem[]> {
      const out: AlertItem[] = [];
      for (const f of (await flags(cap)).items) {
        const k = KEY.flag(f.at, f.receiptId, f.rule).slice(2);
        out.push({
          kind: "use-outside-rules", clause: f.clause, at: f.at, subjectKind: "receipt", subjectId: f.receiptId,
          message: `${f.rule}: ${f.message}`, status: null, detail: f as unknown as JsonValue, key: alertKey(f.at, "use-outside-rules", k.slice(k.indexOf(":") + 1)),
        });
      }
      return out;
    },
  };
}

export type ReceiptReads = ReturnType<typeof createReceiptReads>;
