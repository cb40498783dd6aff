/**
 * Timelines (C22): every event for every subject it names — the record it is about and every
 * record it references — keyed `${kind}:${id}:${block}:${logIndex}` so a range lists one
 * subject's history oldest first, each entry with its on-chain anchor, actor and decoded fields.
 */
import type { ChainEvent, JsonValue, View, ViewTx } from "../store/types";
import { SPACE, actorOf, idOf, numOf, objOf, pad, padBlock, padLog } from "./util";
import { SUBJECT_KINDS } from "./oversight";

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

export type TimelineEntry = {
  kind: string;
  id: string;
  contract: string;
  event: string;
  blockNumber: number;
  blockHash: string;
  txHash: string;
  logIndex: number;
  timestamp: number;
  actor: string | null;
  args: { [name: string]: JsonValue };
};

/** Every (kind, id) an event is about or references, the primary subject first. */
export function subjectsOf(e: ChainEvent): [SubjectKind, string][] {
  const out: [SubjectKind, string][] = [];
  const seen = new Set<string>();
  const add = (kind: SubjectKind | undefined, v: JsonValue | undefined) => {
    if (!kind) return;
    for (const x of Array.isArray(v) ? v : [v]) {
      const id = idOf(x);
      if (id === "0" || seen.has(`${kind}:${id}`)) continue;
      seen.add(`${kind}:${id}`);
      out.push([kind, id]);
    }
  };
  const own = OWN_KIND[e.contract];
  const visit = (args: { [k: string]: JsonValue }, depth: number) => {
    for (const [name, v] of Object.entries(args)) {
      if (name === "id") add(own, v);
      else if (name === "subjectId") {
        const sk = e.contract === "OversightRegistry" ? SUBJECT_KINDS[numOf(args.subjectKind)] : own;
        add(sk === "None" ? undefined : (sk as SubjectKind | undefined), v);
      } else if (REF_KIND[name]) add(REF_KIND[name], v);
      else if (depth === 0 && v !== null && typeof v === "object" && !Array.isArray(v)) visit(objOf(v), 1);
    }
  };
  // The event's own subject first: `id`, or the first reference in declaration order.
  if (e.args.id !== undefined) add(own, e.args.id);
  visit(e.args, 0);
  return out;
}

export const timelineKey = (kind: string, id: string, block: number, logIndex: number): string =>
  `${kind}:${pad(id)}:${padBlock(block)}:${padLog(logIndex)}`;

/** Range bounds of one subject's timeline. */
export const timelineRange = (kind: string, id: string): { gte: string; lt: string } => ({
  gte: `${kind}:${pad(id)}:`,
  lt: `${kind}:${pad(id)};`,
});

export function createTimelineView(): View {
  return {
    name: "timeline",
    async apply(tx: ViewTx, e: ChainEvent): Promise<void> {
      const actor = actorOf(e);
      for (const [kind, id] of subjectsOf(e)) {
        const entry: TimelineEntry = {
          kind,
          id,
          contract: e.contract,
          event: e.event,
          blockNumber: e.blockNumber,
          blockHash: e.blockHash,
          txHash: e.txHash,
          logIndex: e.logIndex,
          timestamp: e.timestamp,
          actor,
          args: e.args,
        };
        tx.put(SPACE.timeline, timelineKey(kind, id, e.blockNumber, e.logIndex), entry);
      }
    },
  };
}
