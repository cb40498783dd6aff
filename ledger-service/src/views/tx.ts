/**
 * Evidence by transaction (issue 12, C22): every decoded event the index holds, keyed by its
 * transaction, so GET /api/v1/tx/:hash lists a transaction's events in log order, each with the
 * record it belongs to.
 *
 *   tx-event   `${txHash}:${padLog(logIndex)}` -> where the event is kept:
 *              { timeline: <timeline key> } for an event with a primary subject (the timeline
 *              view holds its anchor, actor and decoded args: stored once, read by both
 *              through `readTimelineEntry`), else
 *              the event itself { contract, event, blockNumber, timestamp, args } (hub,
 *              role and calendar events belong to no record).
 *
 * The timeline entry and this pointer are written in the same block's ViewTx, so a reorg undoes
 * both together.
 */
import type { ChainEvent, JsonValue, View, ViewTx } from "../store/types";
import { namedArgs, primaryTimelineKey } from "./timeline";
import { padLog } from "./util";

export const TX_SPACE = "tx-event";

export type TxEventRef =
  | { timeline: string }
  | { contract: string; event: string; blockNumber: number; timestamp: number; args: { [name: string]: JsonValue } };

export const txEventKey = (txHash: string, logIndex: number): string => `${txHash.toLowerCase()}:${padLog(logIndex)}`;

/** Range bounds of one transaction's events. */
export const txRange = (txHash: string): { gte: string; lt: string } => ({ gte: `${txHash.toLowerCase()}:`, lt: `${txHash.toLowerCase()};` });

export function createTxView(): View {
  return {
    name: "tx",
    version: 1,
    apply(tx: ViewTx, e: ChainEvent): void {
      const key = primaryTimelineKey(e);
      const value: TxEventRef = key !== undefined
        ? { timeline: key }
        : { contract: e.contract, event: e.event, blockNumber: e.blockNumber, timestamp: e.timestamp, args: namedArgs(e) };
      tx.append(TX_SPACE, txEventKey(e.txHash, e.logIndex), value);
    },
  };
}
