/**
 * Usage statistics (C21: 资源使用情况 is disclosed; 004 第十九条: 收益情况) from the batches
 * platform nodes anchor on the ReceiptAnchor: per node (batches, receipts, fees, the time they
 * span, late batches), every batch with its on-chain anchor and its usage counts, and uses and
 * fees per product, scenario and resource, in total and per China day. Everything comes from
 * the BatchAnchored events, so every replica discloses the same without the nodes' private stores.
 *
 * A batch's counts are booked on the China day (UTC+8) of its first receipt. Sequences are
 * gap-free by contract; a batch anchored more than LATE_AFTER_SECONDS after its last receipt is
 * marked late.
 */
import { decodeUsageWord, type UsageKindName } from "../../../scripts/lib/receipts";
import { chinaDate } from "../calendar";
import type { ChainEvent, View, ViewTx } from "../store/types";
import { SPACE, anchorOf, idOf, numOf, pad, strOf, type Anchor } from "./util";

/** A batch anchored later than this after its last receipt is late. */
export const LATE_AFTER_SECONDS = 86_400;

export type UsageRecord = {
  nodeId: string;
  batches: number;
  receipts: number;
  /** Fees of all receipts, fen (decimal string). */
  fees: string;
  firstAt: number;
  lastAt: number;
  lastSequence: string;
  lateBatches: number;
};

export type UsageEntryRecord = { kind: UsageKindName; id: string; count: number; fee: string };

export type BatchRecord = {
  nodeId: string;
  sequence: string;
  root: string;
  receiptCount: number;
  firstAt: number;
  lastAt: number;
  metadataHash: string;
  anchoredBy: string;
  anchoredAt: number;
  /** Seconds between the last receipt and the anchoring block. */
  anchoredAfter: number;
  late: boolean;
  usage: UsageEntryRecord[];
  anchor: Anchor;
};

/** Uses and fees of one product, scenario or resource, in total or on one day. */
export type UsageTotal = { kind: UsageKindName; id: string; day: string | null; count: number; fee: string; batches: number };

const add = (a: string, b: string) => (BigInt(a) + BigInt(b)).toString();

async function addTo(tx: ViewTx, space: string, key: string, e: UsageEntryRecord, day: string | null): Promise<void> {
  const prev = await tx.get<UsageTotal>(space, key);
  tx.put(space, key, prev ? { ...prev, count: prev.count + e.count, fee: add(prev.fee, e.fee), batches: prev.batches + 1 } : { kind: e.kind, id: e.id, day, count: e.count, fee: e.fee, batches: 1 });
}

export function createUsageView(): View {
  return {
    name: "usage",
    version: 2, // 2: usage counts and fees per product, scenario, resource and day
    async apply(tx: ViewTx, e: ChainEvent): Promise<void> {
      if (e.contract !== "ReceiptAnchor" || e.event !== "BatchAnchored") return;
      const a = e.args;
      const nodeId = idOf(a.nodeId);
      const words = Array.isArray(a.usage) ? (a.usage as string[]) : [];
      const usage: UsageEntryRecord[] = words.map((w) => {
        const u = decodeUsageWord(strOf(w));
        return { kind: u.kind, id: u.id.toString(), count: u.count, fee: u.fee.toString() };
      });
      const lastAt = numOf(a.lastAt);
      const anchoredAfter = Math.max(0, e.timestamp - lastAt);
      const batch: BatchRecord = {
        nodeId,
        sequence: idOf(a.sequence),
        root: strOf(a.root),
        receiptCount: numOf(a.receiptCount),
        firstAt: numOf(a.firstAt),
        lastAt,
        metadataHash: strOf(a.metadataHash),
        anchoredBy: strOf(a.anchoredBy),
        anchoredAt: e.timestamp,
        anchoredAfter,
        late: anchoredAfter > LATE_AFTER_SECONDS,
        usage,
        anchor: anchorOf(e),
      };
      tx.put(SPACE.receiptBatch, `${pad(nodeId)}:${pad(batch.sequence)}`, batch);
      const fees = usage.filter((u) => u.kind === "Scenario").reduce((s, u) => add(s, u.fee), "0");
      const prev = await tx.get<UsageRecord>(SPACE.usage, pad(nodeId));
      const next: UsageRecord = prev
        ? {
            nodeId,
            batches: prev.batches + 1,
            receipts: prev.receipts + batch.receiptCount,
            fees: add(prev.fees ?? "0", fees),
            firstAt: Math.min(prev.firstAt, batch.firstAt),
            lastAt: Math.max(prev.lastAt, batch.lastAt),
            lastSequence: batch.sequence,
            lateBatches: (prev.lateBatches ?? 0) + (batch.late ? 1 : 0),
          }
        : { nodeId, batches: 1, receipts: batch.receiptCount, fees, firstAt: batch.firstAt, lastAt: batch.lastAt, lastSequence: batch.sequence, lateBatches: batch.late ? 1 : 0 };
      tx.put(SPACE.usage, pad(nodeId), next);
      const day = chinaDate(batch.firstAt);
      for (const u of usage) {
        await addTo(tx, SPACE.usageTotal, `${u.kind}:${pad(u.id)}`, u, null);
        await addTo(tx, SPACE.usageDay, `${day}:${u.kind}:${pad(u.id)}`, u, day);
      }
    },
  };
}
