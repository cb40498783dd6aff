/**
 * Shared helpers of the projections: sortable keys, tolerant argument readers (the follower
 * encodes uints as decimal strings and uint8 enums as numbers, see store/types.ts), the on-chain
 * anchor of an event, and the space names every view and reader agrees on.
 */
import type { ChainEvent, JsonValue } from "../store/types";

/**
 * Sublevel names. Each space is written by exactly one view (named beside it), but for the links
 * in an authorization's brief (views/briefs.ts putLink).
 */
export const SPACE = {
  participant: "participant", // participants
  resource: "resource", // resources
  registration: "registration", // resources, products: `${subjectKind}:${appId}`
  call: "call", // authorizations
  authorization: "authorization", // authorizations
  authorizationBrief: "authorization-brief", // authorizations: the record's brief (views/briefs.ts), with its links: child ids (authorizations), agreement briefs (agreements), scenario briefs (scenarios)
  authByHolder: "auth-by-holder", // authorizations: `${holder}:${id}`
  authByParent: "auth-by-parent", // authorizations: `${parent}:${id}`
  agreement: "agreement", // agreements
  scenario: "scenario", // scenarios
  scenarioBrief: "scenario-brief", // scenarios: the record's brief (views/briefs.ts)
  product: "product", // products
  productBrief: "product-brief", // products: the record's brief (views/briefs.ts)
  productByHolder: "product-by-holder", // products: `${holder}:${id}`
  productByParent: "product-by-parent", // products: `${parent}:${child}` (lineage, downstream)
  oversightCase: "case", // oversight
  share: "share", // oversight
  report: "report", // oversight: `${auth}:${kind}:${period}`
  evaluation: "evaluation", // oversight
  disclosure: "disclosure", // oversight: `${participant}:${year}`
  filing: "filing", // oversight
  timeline: "timeline", // timeline: `${kind}:${id}:${block}:${logIndex}`
  deadline: "deadline", // deadlines: `${subjectKind}:${subjectId}:${clause}:${name}`
  deadlineOpen: "deadline-open", // deadlines: `${dueAt}:${deadlineKey}`
  deadlineState: "deadline-state", // deadlines: private bookkeeping
  violation: "violation", // deadlines, alerts: `${at}:${key}`
  expiry: "expiry", // alerts: `${termEnd}:${authId}` for authorizations in force
  stats: "stats", // timeline: counters
  usage: "usage", // usage: `${node}` -> batches and receipts anchored by a platform node
  receiptBatch: "receipt-batch", // usage: `${node}:${sequence}`
  usageTotal: "usage-total", // usage: `${kind}:${id}` -> uses and fees of a product, scenario or resource
  usageDay: "usage-day", // usage: `${day}` -> the same of every product, scenario and resource on one China day (UsageDayRecord)
  usageSeries: "usage-series", // usage: `${by}:${bucket}:${start}` -> uses and fees of every id in one bucket (SeriesBucketRecord)
  batchOrder: "batch-order", // usage: `${block}:${logIndex}` -> the receipt-batch key, batches in chain order
  name: "name", // names: `${kind}:${id}` -> the display name a reference shows
  signer: "signer", // participants: `${address lowercase}` -> the participant whose signer key it is
} as const;

export const ID_WIDTH = 20; // uint64 max has 20 digits
export const TIME_WIDTH = 12; // seconds until year 33658
const BLOCK_WIDTH = 12;
const LOG_WIDTH = 6;

/**
 * `f` of the last event it was asked of. The store applies every view to an event before the next
 * event, and several views ask the same things of it (its subjects, its timeline key, its batch's
 * key): this keeps the last answer, where a WeakMap entry per event was work for the
 * young-generation collector.
 */
export function ofLastEvent<T>(f: (e: ChainEvent) => T): (e: ChainEvent) => T {
  let last: ChainEvent | undefined;
  let answer!: T;
  return (e) => {
    if (e !== last) {
      answer = f(e);
      last = e;
    }
    return answer;
  };
}

/** Zero-padded decimal so keys sort numerically. */
export function pad(value: string | number | bigint, width: number = ID_WIDTH): string {
  const s = typeof value === "string" ? value : value.toString();
  return s.padStart(width, "0");
}
export const padTime = (t: number): string => pad(Math.max(0, Math.floor(t)), TIME_WIDTH);
/** A block number padded; the events of a block come one after another, so the last one is kept. */
export function padBlock(b: number): string {
  if (b !== paddedBlock) {
    paddedBlockText = pad(b, BLOCK_WIDTH);
    paddedBlock = b;
  }
  return paddedBlockText;
}
let paddedBlock = Number.NaN;
let paddedBlockText = "";
/** A log index padded; the first few thousand are made once (every event's keys hold one). */
export function padLog(i: number): string {
  if (!(i >= 0 && i < PADDED_LOGS.length && Number.isInteger(i))) return pad(i, LOG_WIDTH);
  return (PADDED_LOGS[i] ??= pad(i, LOG_WIDTH));
}
const PADDED_LOGS = new Array<string | undefined>(4096);

/** Most ids (or briefs) one link list keeps (an authorization's children, agreements or scenarios: views/briefs.ts). */
export const LINKS_CAP = 1_000;

/** Numeric order of canonical decimal ids (shorter first, then by digits), without parsing them. */
export const compareIds = (x: string, y: string): number => x.length - y.length || (x < y ? -1 : x > y ? 1 : 0);

/** Strips the zero padding of an id key segment. */
export const unpad = (s: string): string => s.replace(/^0+(?=\d)/, "");

/** An id (uint) argument as a canonical decimal string; "0" for absent. */
export function idOf(v: JsonValue | undefined): string {
  if (typeof v === "number" && Number.isInteger(v) && v >= 0) return String(v);
  if (typeof v === "string" && /^\d+$/.test(v)) return unpad(v);
  return "0";
}

/** A small number argument (enum, uint8/16/32, times in seconds). */
export function numOf(v: JsonValue | undefined): number {
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^\d+$/.test(v)) return Number(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  return 0;
}

export const boolOf = (v: JsonValue | undefined): boolean => v === true || v === "true";
export const strOf = (v: JsonValue | undefined): string => (typeof v === "string" ? v : v == null ? "" : String(v));

export function idsOf(v: JsonValue | undefined): string[] {
  return Array.isArray(v) ? v.map((x) => idOf(x)) : [];
}
export function strsOf(v: JsonValue | undefined): string[] {
  return Array.isArray(v) ? v.map((x) => strOf(x)) : [];
}
export function objOf(v: JsonValue | undefined): { [k: string]: JsonValue } {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? v : {};
}

export const ZERO_HASH = "0x" + "0".repeat(64);

/** Where a record sits on the chain. */
export type Anchor = {
  blockNumber: number;
  blockHash: string;
  txHash: string;
  logIndex: number;
  timestamp: number;
};

export function anchorOf(e: ChainEvent): Anchor {
  return { blockNumber: e.blockNumber, blockHash: e.blockHash, txHash: e.txHash, logIndex: e.logIndex, timestamp: e.timestamp };
}

/** The account that sent the transaction behind an event, when the event names it. */
export function actorOf(e: ChainEvent): string | null {
  for (const k of ["by", "applicant", "reviewer", "registeredBy", "attestedBy", "submittedBy", "recordedBy"]) {
    const v = e.args[k];
    if (typeof v === "string" && v.startsWith("0x")) return v;
  }
  const ev = objOf(e.args.evaluation);
  return typeof ev.recordedBy === "string" ? ev.recordedBy : null;
}
