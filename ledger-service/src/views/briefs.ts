/**
 * Briefs: the part of an authorization, agreement, scenario or product record that a provenance
 * graph node and an authorization's lists of agreements, scenarios and children show (issue 13).
 * Each record view writes its record's brief whenever the record changes in a way the brief shows,
 * so a graph of some 30 records reads 30 values of a few hundred bytes instead of 30 records of
 * several KB each (their full histories with anchors, reviews, signatures, public texts). The
 * briefs of authorizations, scenarios and products are kept by record id; those of agreements and
 * scenarios also in their authorization's list (views/util.ts putLinkedBrief), the only place
 * agreement briefs are kept.
 *
 * A brief keeps the status history without its anchors (`{at, status}`: enough for the
 * `*StatusAt` functions) and the anchor of the last status only (`lastAnchor`): a reader asking at
 * a time before the last status reads the full record for that older anchor (`statusAnchorAt`).
 */
import type { JsonValue } from "../store/types";
import type { AgreementRecord } from "./agreements";
import type { AuthorizationRecord } from "./authorizations";
import type { ProductRecord } from "./products";
import type { Statement } from "./publicText";
import type { ScenarioRecord } from "./scenarios";
import type { Anchor } from "./util";

/** What every brief holds: the record's id, label (as its provenance node shows it), anchor and status history. */
type BriefBase = {
  id: string;
  /** The record's label in a provenance graph (its public name, else what identifies it). */
  label: string;
  /** The stored status (the last of `history`). */
  status: string;
  anchor: Anchor;
  history: { at: number; status: string }[];
  /** The anchor of the last history entry (null: no history). */
  lastAnchor: Anchor | null;
};

export type AuthorizationBrief = BriefBase & {
  parentId: string;
  holderId: string;
  organizerId: string;
  callId: string;
  termStart: number;
  termEnd: number;
  resourceIds: string[];
};
export type AgreementBrief = BriefBase & {
  name: string | null;
  kind: string;
  statement: Statement | null;
  termStart: number;
  termEnd: number;
  partyIds: string[];
  termsDigest: string;
};
export type ScenarioBrief = BriefBase & {
  name: string | null;
  statement: Statement | null;
  authorizationId: string;
  purposeHash: string;
  resourceIds: string[];
};
export type ProductBrief = BriefBase & {
  holderId: string;
  scenarioId: string;
  resourceIds: string[];
  parentProductIds: string[];
};

type Historied = { history: { at: number; status: string; anchor: Anchor }[] };

function base(r: Historied & { id: string; status: string; anchor: Anchor }, label: string): BriefBase {
  return {
    id: r.id,
    label,
    status: r.status,
    anchor: r.anchor,
    history: r.history.map((h) => ({ at: h.at, status: h.status })),
    lastAnchor: r.history.length > 0 ? r.history[r.history.length - 1].anchor : null,
  };
}

export function authorizationBrief(r: AuthorizationRecord): AuthorizationBrief {
  return { ...base(r, `${r.mode} tier ${r.tier}`), parentId: r.parentId, holderId: r.holderId, organizerId: r.organizerId, callId: r.callId, termStart: r.termStart, termEnd: r.termEnd, resourceIds: [...r.resourceIds] };
}
export function agreementBrief(r: AgreementRecord): AgreementBrief {
  return {
    ...base(r, r.name ?? r.kind),
    name: r.name, kind: r.kind, statement: r.statement, termStart: r.termStart, termEnd: r.termEnd, partyIds: [...r.partyIds], termsDigest: r.termsDigest,
  };
}
export function scenarioBrief(r: ScenarioRecord): ScenarioBrief {
  return { ...base(r, r.name ?? r.purposeHash), name: r.name, statement: r.statement, authorizationId: r.authorizationId, purposeHash: r.purposeHash, resourceIds: [...r.resourceIds] };
}
export function productBrief(r: ProductRecord): ProductBrief {
  return { ...base(r, r.name ?? `${r.kind} v${r.version}`), holderId: r.holderId, scenarioId: r.scenarioId, resourceIds: [...r.resourceIds], parentProductIds: [...r.parentProductIds] };
}

/** As a stored value (briefs are plain JSON). */
export const briefJson = (b: BriefBase): JsonValue => b as unknown as JsonValue;

/** Index of the last history entry at or before `at` (-1: none), as `lastAt` picks it. */
export function lastIndexAt(history: readonly { at: number }[], at: number): number {
  let out = -1;
  for (let i = 0; i < history.length; i++) if (history[i].at <= at) out = i;
  return out;
}

/**
 * The anchor of the status in force at `at` (null before the first one): the brief's own for the
 * last status, else the full record's (`full`, read only then).
 */
export function statusAnchorAt(b: BriefBase, at: number, full: () => Historied | undefined): Anchor | null {
  const i = lastIndexAt(b.history, at);
  if (i < 0) return null;
  if (i === b.history.length - 1) return b.lastAnchor;
  return full()?.history[i]?.anchor ?? null;
}
