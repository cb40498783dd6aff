/**
 * Usage statistics (C21: 资源使用情况 is disclosed) from the batches platform nodes anchor on the
 * ReceiptAnchor: per node, batches, receipts and the time they span; every batch with its
 * on-chain anchor, so a reader can check a receipt against it (`provenant verify-receipt`).
 */
import type { ChainEvent, View, ViewTx } from "../store/types";
import { SPACE, anchorOf, idOf, numOf, pad, strOf, type Anchor } from "./util";

export type UsageRecord = {
  nodeId: string;
  batches: number;
  receipts: number;
  firstAt: number;
  lastAt: number;
  lastSequence: string;
};

export type BatchRecord = {
  nodeId: string;
  sequence: string;
  root: string;
  receiptCount: number;
  firstAt: number;
  lastAt: number;
  metadataHash: string;
  anchoredBy: string;
  anchor: Anchor;
};

export function createUsageView(): View {
  return {
    name: "usage",
    async apply(tx: ViewTx, e: ChainEvent): Promise<void> {
      if (e.contract !== "ReceiptAnchor" || e.event !== "BatchAnchored") return;
      const a = e.args;
      const nodeId = idOf(a.nodeId);
      const batch: BatchRecord = {
        nodeId,
        sequence: idOf(a.sequence),
        root: strOf(a.root),
        receiptCount: numOf(a.receiptCount),
        firstAt: numOf(a.firstAt),
        lastAt: numOf(a.lastAt),
        metadataHash: strOf(a.metadataHash),
        anchoredBy: strOf(a.anchoredBy),
        anchor: anchorOf(e),
      };
      tx.put(SPACE.receiptBatch, `${pad(nodeId)}:${pad(batch.sequence)}`, batch);
      const prev = await tx.get<UsageRecord>(SPACE.usage, pad(nodeId));
      const next: UsageRecord = prev
        ? {
            nodeId,
            batches: prev.batches + 1,
            receipts: prev.receipts + batch.receiptCount,
            firstAt: Math.min(prev.firstAt, batch.firstAt),
            lastAt: Math.max(prev.lastAt, batch.lastAt),
            lastSequence: batch.sequence,
          }
        : { nodeId, batches: 1, receipts: batch.receiptCount, firstAt: batch.firstAt, lastAt: batch.lastAt, lastSequence: batch.sequence };
      tx.put(SPACE.usage, pad(nodeId), next);
    },
  };
}
