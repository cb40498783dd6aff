/**
 * Briefs: the part of an authorization, agreement, scenario or product record that a provenance
 * graph node and an authorization's lists of agreements, scenarios and children show (issue 13).
 * Each record view writes its record's brief whenever the record changes in a way the brief shows,
 * so a graph of some 30 records reads 30 values of a few hundred bytes instead of 30 records of
 * several KB each (their full histories with anchors, reviews, signatures, public texts). The
 * briefs of authorizations, scenarios and products are kept by record id.
 *
 * An authorization's brief also holds what links to it (`AuthorizationLinks`): its children's ids
 * and the briefs of its agreements and scenarios, the only place agreement briefs are kept. Its
 * route and a graph's authorization node then read one value where they read four (at a million
 * records each LevelDB read costs some 5 µs: issue 13). It is the one value several views write:
 * the authorizations view its own fields, keeping the lists as they are; the agreements and
 * scenarios views, and the authorizations view for a child, one list each through `putLink`.
 * They are all applied in the store's own thread, in one range transaction, so each reads what
 * the others wrote before it (none of them may run in the view worker: views/threadable.ts).
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
import { LINKS_CAP, SPACE, compareIds, pad, type Anchor } from "./util";
import type { ViewTx } from "../store/types";

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

/**
 * What links to an authorization, ascending by id, at most LINKS_CAP each (the lowest ids): its
 * children's ids, the briefs of its agreements and of its scenarios.
 */
export type AuthorizationLinks = {
  childIds: string[];
  agreements: AgreementBrief[];
  scenarios: ScenarioBrief[];
};

export type AuthorizationBrief = BriefBase & {
  parentId: string;
  holderId: string;
  organizerId: string;
  callId: string;
  termStart: number;
  termEnd: number;
  resourceIds: string[];
} & AuthorizationLinks;
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
  /** Its scenario's authorization, whose brief lists the scenario's brief (a graph reads that one value for both). */
  authorizationId: string;
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

/** The brief of an authorization record, with the links of its brief so far (`links`; none for a new one). */
export function authorizationBrief(r: AuthorizationRecord, links?: AuthorizationLinks): AuthorizationBrief {
  return {
    ...base(r, `${r.mode} tier ${r.tier}`),
    parentId: r.parentId, holderId: r.holderId, organizerId: r.organizerId, callId: r.callId, termStart: r.termStart, termEnd: r.termEnd, resourceIds: [...r.resourceIds],
    childIds: links?.childIds ?? [], agreements: links?.agreements ?? [], scenarios: links?.scenarios ?? [],
  };
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
  return { ...base(r, r.name ?? `${r.kind} v${r.version}`), holderId: r.holderId, scenarioId: r.scenarioId, authorizationId: r.authorizationId, resourceIds: [...r.resourceIds], parentProductIds: [...r.parentProductIds] };
}

/**
 * `list` with `item` in place of the one with its id, else added in ascending id order, keeping
 * the LINKS_CAP lowest ids; `list` itself when that changes nothing. Always a new array otherwise:
 * the list read may belong to the pending value of an earlier block, kept for its undo record.
 */
export function withLink<T>(list: readonly T[], item: T, idOf: (t: T) => string): readonly T[] {
  const id = idOf(item);
  const i = list.findIndex((x) => idOf(x) === id);
  if (i >= 0) return list[i] === item ? list : list.map((x, k) => (k === i ? item : x));
  if (list.length >= LINKS_CAP && compareIds(id, idOf(list[list.length - 1])) > 0) return list;
  return [...list, item].sort((x, y) => compareIds(idOf(x), idOf(y))).slice(0, LINKS_CAP);
}

const linkIds: { [F in keyof AuthorizationLinks]: (x: AuthorizationLinks[F][number]) => string } = {
  childIds: (x) => x,
  agreements: (x) => x.id,
  scenarios: (x) => x.id,
};

/**
 * Puts a child's id, an agreement's brief or a scenario's brief into the links of its
 * authorization's brief (in place of the one with its id). Nothing is written for an
 * authorization without a brief (the contracts refuse links to an unknown one) or when the list
 * keeps LINKS_CAP lower ids.
 */
export function putLink<F extends keyof AuthorizationLinks>(tx: ViewTx, authorizationId: string, field: F, item: AuthorizationLinks[F][number]): void {
  const b = tx.get(SPACE.authorizationBrief, pad(authorizationId)) as unknown as AuthorizationBrief | undefined;
  if (b === undefined) return;
  const list = b[field] as readonly AuthorizationLinks[F][number][];
  const next = withLink(list, item, linkIds[field]);
  if (next !== list) tx.put(SPACE.authorizationBrief, pad(authorizationId), briefJson({ ...b, [field]: next }));
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
