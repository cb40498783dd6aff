/**
 * Timelines (C22): every event of a record, in the timeline of the record it is about (its
 * primary subject: the `id` of the registry's own records, else the first record it names) and
 * only there; the other records it names are listed as `related` links. Keyed
 * `${kind}:${id}:${block}:${logIndex}` so a range lists one record's history oldest first, each
 * entry with its on-chain anchor, actor and decoded fields, enum fields (statuses, stages, kinds,
 * outcomes) by name. A receipt batch's entry is stored as the key of the usage view's record of
 * it and rebuilt from that record when read (`readTimelineEntry`). Entries are appended
 * (ViewTx.append): no view reads them.
 */
import type { ChainEvent, IndexNow, JsonValue, View, ViewTx } from "../store/types";
import { SPACE, actorOf, idOf, numOf, objOf, ofLastEvent, pad, padBlock, padLog } from "./util";
import { AGREEMENT_KINDS, AGREEMENT_STATUSES } from "./agreements";
import { AUTH_STATUSES, GRANT_STATUSES, MODES, STAGES } from "./authorizations";
import { CASE_KINDS, CASE_OUTCOMES, EVALUATION_OUTCOMES, REPORT_KINDS, SUBJECT_KINDS } from "./oversight";
import { PARTICIPANT_KINDS, PARTICIPANT_STATUSES } from "./participants";
import { PRODUCT_KINDS, PRODUCT_STATUSES } from "./products";
import { REGISTRATION_KINDS, REGISTRATION_STEPS } from "./registration";
import { SCENARIO_STATUSES } from "./scenarios";
import { parsePublicText, textArg, type StatementText } from "./publicText";
import { batchKeyOf, type BatchRecord } from "./usage";
import { encodeUsageWord } from "../../../scripts/lib/usage-words";

export const SUBJECT_KIND_NAMES = [
  "participant", "resource", "call", "authorization", "agreement", "scenario", "product",
  "case", "share", "report", "evaluation", "filing",
] as const;
export type SubjectKind = (typeof SUBJECT_KIND_NAMES)[number];

/** What `id` / `subjectId` mean in each contract. */
const OWN_KIND: Record<string, SubjectKind> = {
  ParticipantRegistry: "participant",
  ResourceCatalog: "resource",
  AuthorizationRegistry: "authorization",
  AgreementRegistry: "agreement",
  ScenarioRegistry: "scenario",
  ProductRegistry: "product",
};

/** Argument names that reference a subject of a kind, in every contract. */
const REF_KIND: Record<string, SubjectKind> = {
  holderId: "participant",
  organizerId: "participant",
  proposerId: "participant",
  partyId: "participant",
  partyIds: "participant",
  selectedHolderIds: "participant",
  sourceDeptId: "participant",
  departmentId: "participant",
  requesterId: "participant",
  forwarderId: "participant",
  handlerId: "participant", // OversightRegistry: the party a case sits with (C26)
  toId: "participant", // OversightRegistry: the level a case was forwarded to (C26)
  filerId: "participant",
  evaluatorId: "participant",
  participantId: "participant",
  nodeId: "participant", // ReceiptAnchor: the platform node that anchored a batch
  callId: "call",
  parentId: "authorization",
  authorizationId: "authorization",
  agreementId: "agreement",
  scenarioId: "scenario",
  resourceId: "resource",
  resourceIds: "resource",
  parentProductIds: "product",
  previousVersionId: "product",
  caseId: "case",
  requestId: "share",
  reportId: "report",
  evaluationId: "evaluation",
  filingId: "filing",
};

/** Names of the enum fields of each event (`request.kind`: a field of a struct argument). */
const ENUM_NAMES: Record<string, Record<string, readonly string[]>> = {
  "AuthorizationRegistry.AuthorizationApplied": { mode: MODES },
  "AuthorizationRegistry.AuthorizationReviewed": { stage: STAGES, status: AUTH_STATUSES },
  "AuthorizationRegistry.AuthorizationStatusChanged": { from: AUTH_STATUSES, to: AUTH_STATUSES },
  "AuthorizationRegistry.GrantAdvanced": { status: GRANT_STATUSES },
  "AuthorizationRegistry.CallPublished": { mode: MODES },
  "AgreementRegistry.AgreementProposed": { "request.kind": AGREEMENT_KINDS },
  "AgreementRegistry.AgreementFiled": { kind: AGREEMENT_KINDS },
  "AgreementRegistry.AgreementTerminated": { from: AGREEMENT_STATUSES },
  "ParticipantRegistry.ParticipantRegistered": { kind: PARTICIPANT_KINDS },
  "ParticipantRegistry.ParticipantStatusChanged": { from: PARTICIPANT_STATUSES, to: PARTICIPANT_STATUSES },
  "ProductRegistry.ProductRegistered": { "request.kind": PRODUCT_KINDS },
  "ProductRegistry.ProductReviewed": { status: PRODUCT_STATUSES },
  "ProductRegistry.ProductDelisted": { from: PRODUCT_STATUSES },
  "ProductRegistry.RegistrationApplied": { kind: REGISTRATION_KINDS },
  "ProductRegistry.RegistrationAdvanced": { step: REGISTRATION_STEPS },
  "ProductRegistry.RegistrationIssued": { kind: REGISTRATION_KINDS },
  "ResourceCatalog.RegistrationApplied": { kind: REGISTRATION_KINDS },
  "ResourceCatalog.RegistrationAdvanced": { step: REGISTRATION_STEPS },
  "ResourceCatalog.RegistrationIssued": { kind: REGISTRATION_KINDS },
  "ScenarioRegistry.ScenarioDecided": { status: SCENARIO_STATUSES },
  "ScenarioRegistry.ScenarioRetired": { from: SCENARIO_STATUSES },
  "OversightRegistry.CaseFiled": { "request.kind": CASE_KINDS, "request.subjectKind": SUBJECT_KINDS },
  "OversightRegistry.CaseAnswered": { kind: CASE_KINDS, outcome: CASE_OUTCOMES },
  "OversightRegistry.ReportFiled": { kind: REPORT_KINDS },
  "OversightRegistry.EvaluationRecorded": { "evaluation.outcome": EVALUATION_OUTCOMES },
  "OversightRegistry.OperationFiled": { subjectKind: SUBJECT_KINDS },
  "OversightRegistry.DisclosureAnchored": { participantKind: PARTICIPANT_KINDS },
};

/** The event's args with its enum fields by name (a value with no name stays as it is). */
export function namedArgs(e: ChainEvent): { [name: string]: JsonValue } {
  const names = ENUM_NAMES[`${e.contract}.${e.event}`];
  if (!names) return e.args;
  const out: { [name: string]: JsonValue } = { ...e.args };
  const name = (list: readonly string[], v: JsonValue | undefined): JsonValue | undefined => (v === undefined ? v : (list[numOf(v)] ?? v));
  for (const [field, list] of Object.entries(names)) {
    const dot = field.indexOf(".");
    if (dot < 0) {
      if (out[field] !== undefined) out[field] = name(list, out[field])!;
      continue;
    }
    const [outer, inner] = [field.slice(0, dot), field.slice(dot + 1)];
    const struct = objOf(out[outer]);
    if (struct[inner] !== undefined) out[outer] = { ...struct, [inner]: name(list, struct[inner])! };
  }
  return out;
}

export type TimelineEntry = {
  kind: string;
  id: string;
  /** The other records the event names, each with its own timeline. */
  related: { kind: SubjectKind; id: string }[];
  contract: string;
  event: string;
  blockNumber: number;
  blockHash: string;
  txHash: string;
  logIndex: number;
  timestamp: number;
  actor: string | null;
  args: { [name: string]: JsonValue };
  /**
   * Only on an event that carried a decision's public statement (C21): the statement, null when
   * it is invalid (then `statementError` says why; `args.statement` keeps the raw text).
   */
  statement?: StatementText | null;
  statementError?: string;
};

/**
 * Every (kind, id) an event is about or references, the primary subject first. The timeline, tx
 * and alerts views ask it of the same event one after another: the last event's answer is kept.
 * Read-only.
 */
export const subjectsOf: (e: ChainEvent) => readonly (readonly [SubjectKind, string])[] = ofLastEvent(findSubjects);

function findSubjects(e: ChainEvent): [SubjectKind, string][] {
  const out: [SubjectKind, string][] = [];
  const own = OWN_KIND[e.contract];
  // The event's own subject first: `id`, or the first reference in declaration order.
  if (e.args.id !== undefined) addSubject(out, own, e.args.id);
  visitArgs(out, e, own, e.args, 0);
  return out;
}

// findSubjects runs once per event (a hundred thousand batches and more while catching up): plain
// loops, no closures, entry arrays or key strings made per event.

function visitArgs(out: [SubjectKind, string][], e: ChainEvent, own: SubjectKind | undefined, args: { [k: string]: JsonValue }, depth: number): void {
  for (const name in args) {
    const v = args[name];
    if (name === "id") addSubject(out, own, v);
    else if (name === "subjectId") {
      const sk = e.contract === "OversightRegistry" ? SUBJECT_KINDS[numOf(args.subjectKind)] : own;
      addSubject(out, sk === "None" ? undefined : (sk as SubjectKind | undefined), v);
    } else if (REF_KIND[name]) addSubject(out, REF_KIND[name], v);
    else if (depth === 0 && v !== null && typeof v === "object" && !Array.isArray(v)) visitArgs(out, e, own, objOf(v), 1);
  }
}

/** Adds (kind, id) of `v` (an id, or a list of ids) unless it is 0 or already there. */
function addSubject(out: [SubjectKind, string][], kind: SubjectKind | undefined, v: JsonValue | undefined): void {
  if (!kind) return;
  if (!Array.isArray(v)) return addOne(out, kind, idOf(v));
  for (const x of v) addOne(out, kind, idOf(x));
}

function addOne(out: [SubjectKind, string][], kind: SubjectKind, id: string): void {
  if (id === "0") return;
  for (const [k, i] of out) if (k === kind && i === id) return;
  out.push([kind, id]);
}

export const timelineKey = (kind: string, id: string, block: number, logIndex: number): string =>
  `${kind}:${pad(id)}:${padBlock(block)}:${padLog(logIndex)}`;

/**
 * The timeline key of an event under its primary subject (undefined: the event has none). The
 * timeline and tx views both ask it of every event, one after the other: the last event's is kept.
 */
export const primaryTimelineKey = ofLastEvent((e): string | undefined => {
  const [primary] = subjectsOf(e);
  return primary ? timelineKey(primary[0], primary[1], e.blockNumber, e.logIndex) : undefined;
});

/** Range bounds of one subject's timeline. */
export const timelineRange = (kind: string, id: string): { gte: string; lt: string } => ({
  gte: `${kind}:${pad(id)}:`,
  lt: `${kind}:${pad(id)};`,
});

/** The full timeline entry of an event about `primary`, the other records it names as related links. */
export function timelineEntry(e: ChainEvent): TimelineEntry | undefined {
  const [primary, ...others] = subjectsOf(e);
  if (!primary) return undefined;
  const [kind, id] = primary;
  const entry: TimelineEntry = {
    kind,
    id,
    related: others.map(([k, i]) => ({ kind: k, id: i })),
    contract: e.contract,
    event: e.event,
    blockNumber: e.blockNumber,
    blockHash: e.blockHash,
    txHash: e.txHash,
    logIndex: e.logIndex,
    timestamp: e.timestamp,
    actor: actorOf(e),
    args: namedArgs(e),
  };
  const raw = textArg(e, "statement");
  if (typeof raw === "string" && raw !== "") {
    const p = parsePublicText("statement", raw);
    entry.statement = p.publicText;
    if (p.publicTextError !== null) entry.statementError = p.publicTextError;
  }
  return entry;
}

/**
 * What the timeline stores for a `BatchAnchored`: the key of the batch's record, which the usage
 * view (always beside this one) writes in the same block with every field of the event. The
 * batches are ~44% of a city's events and their entries were a third of the index's bytes.
 */
export type BatchTimelineRef = { batch: string };

/** A stored timeline value: an entry, or a batch's reference (read back with `readTimelineEntry`). */
export type TimelineValue = TimelineEntry | BatchTimelineRef;

const isBatchAnchored = (e: ChainEvent) => e.event === "BatchAnchored" && e.contract === "ReceiptAnchor";

/**
 * The entry a stored timeline value stands for: a batch's reference read back from its record, the
 * same entry its event made (the node as subject, the event's arguments as decoded: numbers as
 * decimal strings, the usage words re-encoded from their entries, which the chain keeps canonical).
 * Undefined when the batch's record is missing from `index`.
 */
export function readTimelineEntry(v: TimelineValue, index: IndexNow): TimelineEntry | undefined {
  if (!("batch" in v)) return v;
  const b = index.get<BatchRecord>(SPACE.receiptBatch, v.batch);
  if (b === undefined) return undefined;
  return {
    kind: "participant",
    id: b.nodeId,
    related: [],
    contract: "ReceiptAnchor",
    event: "BatchAnchored",
    blockNumber: b.anchor.blockNumber,
    blockHash: b.anchor.blockHash,
    txHash: b.anchor.txHash,
    logIndex: b.anchor.logIndex,
    timestamp: b.anchor.timestamp,
    actor: null,
    args: {
      nodeId: b.nodeId,
      sequence: b.sequence,
      root: b.root,
      receiptCount: String(b.receiptCount),
      firstAt: String(b.firstAt),
      lastAt: String(b.lastAt),
      metadataHash: b.metadataHash,
      anchoredBy: b.anchoredBy,
      usage: b.usage.map((u) => encodeUsageWord({ kind: u.kind, id: BigInt(u.id), count: u.count, fee: BigInt(u.fee) })),
    },
  };
}

export function createTimelineView(): View {
  return {
    name: "timeline",
    // 2: an event only in its primary subject's timeline, the others as related links; enums by
    // name; 3: statements; 4: a batch's entry as the key of its record
    version: 4,
    apply(tx: ViewTx, e: ChainEvent): void {
      const key = primaryTimelineKey(e);
      if (key === undefined) return;
      if (isBatchAnchored(e)) tx.append(SPACE.timeline, key, { batch: batchKeyOf(e) } satisfies BatchTimelineRef);
      else tx.append(SPACE.timeline, key, timelineEntry(e)!);
    },
  };
}
