/**
 * Authorizations (AuthorizationRegistry): calls for applications (C35), the lifecycle with its
 * full status history (C01-C07, C23-C25, C30), two tiers with children (C07), review opinions
 * (C03) and resource grants step by step (C12). The effective status at any moment is computed
 * from stored fields (`authorizationStatusAt`): expiry is a fact of time, never a transaction.
 */
import type { ChainEvent, JsonValue, View, ViewTx } from "../store/types";
import { authorizationBrief, briefJson, putLink, type AuthorizationBrief } from "./briefs";
import { nameOf, parsePublicText, statementOf, textArg, type Statement, type TitleText } from "./publicText";
import { SPACE, anchorOf, boolOf, idOf, idsOf, numOf, objOf, pad, strOf, strsOf, type Anchor } from "./util";

export const AUTH_STATUSES = [
  "None", "Applied", "PreReviewed", "ExpertReviewed", "Approved", "Rejected", "Noticed", "Active", "Suspended",
  "Terminated", "Revoked", "Exited", "Expired",
] as const;
export type AuthStatus = (typeof AUTH_STATUSES)[number];
export const GRANT_STATUSES = ["None", "Requested", "PreReviewed", "Evaluated", "Confirmed", "Refused"] as const;
export const MODES = ["None", "Comprehensive", "Domain"] as const;
export const STAGES = ["None", "PreReview", "Expert"] as const;
/** Stored statuses after which nothing changes. */
export const TERMINAL_STATUSES: readonly string[] = ["Rejected", "Terminated", "Revoked", "Exited"];

export type GrantRecord = {
  resourceId: string;
  status: string;
  /** `statement`: the step's public statement (C21; a refusal's reason), null when none or invalid (`statementError` says why). */
  steps: { status: string; at: number; opinionHash: string; by: string; anchor: Anchor; statement: Statement | null; statementError?: string }[];
};

export type AuthorizationRecord = {
  id: string;
  parentId: string;
  holderId: string;
  callId: string;
  organizerId: string;
  mode: string;
  tier: number;
  /** Stored status (never Expired: see authorizationStatusAt). */
  status: string;
  termStart: number;
  termEnd: number;
  appliedAt: number;
  noticeStart: number;
  noticeEnd: number;
  activatedAt: number;
  statusChangedAt: number;
  agreementId: string;
  materialsHash: string;
  resourceIds: string[];
  domains: string[];
  expertApprovals: number;
  expertRejections: number;
  exitRequested: boolean;
  exitNoticeEnd: number;
  /** The public statement of the last exit review (an exit refusal's reason), or null. */
  exitStatement: Statement | null;
  /**
   * The public statement of the latest decision that gave one (an approval's, rejection's,
   * suspension's, termination's reason), with the status it set; routine steps (notice,
   * activation) keep it. Null until a decision gives one.
   */
  statement: Statement | null;
  statementError: string | null;
  reviews: { stage: string; pass: boolean; opinionHash: string; reviewer: string; at: number; anchor: Anchor }[];
  grants: GrantRecord[];
  history: { at: number; status: string; reasonHash: string | null; emergency: boolean; statement: Statement | null; anchor: Anchor }[];
  anchor: Anchor;
};

export type CallRecord = {
  id: string;
  /** The call's public title (publicText.title), null when the text is absent or invalid. */
  name: string | null;
  publicText: TitleText | null;
  publicTextError: string | null;
  organizerId: string;
  mode: string;
  publishedAt: number;
  closesAt: number;
  closed: boolean;
  announcementHash: string;
  resultHash: string | null;
  selectedHolderIds: string[];
  anchor: Anchor;
};

const statusName = (v: JsonValue | undefined): string => AUTH_STATUSES[numOf(v)] ?? String(v);

/** The status an authorization had at `at`: its stored status then, Expired once the term is over. */
export function authorizationStatusAt(a: { history: readonly { at: number; status: string }[]; termEnd: number }, at: number): string {
  let s = "None";
  for (const h of a.history) if (h.at <= at) s = h.status;
  if ((s === "Active" || s === "Suspended") && at >= a.termEnd) return "Expired";
  return s;
}

/** What decides whether an authorization is in force: its record's or its brief's (views/briefs.ts) fields. */
export type AuthorizationState = { id: string; holderId: string; parentId: string; termStart: number; termEnd: number; history: readonly { at: number; status: string }[] };

/** In force at `at` by its own record (the holder and parent are checked by the reader). */
export function authorizationInForce(a: AuthorizationState, at: number): boolean {
  return authorizationStatusAt(a, at) === "Active" && at >= a.termStart && at < a.termEnd;
}

export function createAuthorizationsView(): View {
  const get = (tx: ViewTx, id: string) => tx.get<AuthorizationRecord>(SPACE.authorization, pad(id));
  /** Puts the record, and its brief when `briefChanged` (a grant step, a review or an exit leave it as it was). */
  const put = (tx: ViewTx, r: AuthorizationRecord, briefChanged: boolean) => {
    tx.put(SPACE.authorization, pad(r.id), r);
    if (!briefChanged) return;
    // The brief keeps the links other views wrote into it (views/briefs.ts).
    const links = tx.get(SPACE.authorizationBrief, pad(r.id)) as unknown as AuthorizationBrief | undefined;
    tx.put(SPACE.authorizationBrief, pad(r.id), briefJson(authorizationBrief(r, links)));
  };

  return {
    name: "authorizations",
    // 2: auth-children id lists; 3: public texts of calls, statements of decisions; 4: briefs; 5: statements of grant steps;
    // 6: child ids in the parent's brief
    version: 6,
    events: ["AuthorizationRegistry.*"],
    apply(tx: ViewTx, e: ChainEvent): void {
      if (e.contract !== "AuthorizationRegistry") return;
      const a = e.args;
      switch (e.event) {
        case "CallPublished": {
          const text = parsePublicText("call", textArg(e, "publicText"));
          const c: CallRecord = {
            id: idOf(a.callId),
            name: nameOf(text.publicText),
            ...text,
            organizerId: idOf(a.organizerId),
            mode: MODES[numOf(a.mode)] ?? String(a.mode),
            publishedAt: e.timestamp,
            closesAt: numOf(a.closesAt),
            closed: false,
            announcementHash: strOf(a.announcementHash),
            resultHash: null,
            selectedHolderIds: [],
            anchor: anchorOf(e),
          };
          tx.put(SPACE.call, pad(c.id), c);
          return;
        }
        case "CallClosed": {
          const c = tx.get<CallRecord>(SPACE.call, pad(idOf(a.callId)));
          if (!c) return;
          c.closed = true;
          c.resultHash = strOf(a.resultHash);
          c.selectedHolderIds = idsOf(a.selectedHolderIds);
          tx.put(SPACE.call, pad(c.id), c);
          return;
        }
        case "AuthorizationApplied": {
          const req = objOf(a.request);
          const r: AuthorizationRecord = {
            id: idOf(a.id),
            parentId: idOf(a.parentId),
            holderId: idOf(a.holderId),
            callId: idOf(req.callId),
            organizerId: idOf(a.organizerId),
            mode: MODES[numOf(a.mode)] ?? String(a.mode),
            tier: numOf(a.tier),
            status: "Applied",
            termStart: numOf(req.termStart),
            termEnd: numOf(req.termEnd),
            appliedAt: e.timestamp,
            noticeStart: 0,
            noticeEnd: 0,
            activatedAt: 0,
            statusChangedAt: e.timestamp,
            agreementId: "0",
            materialsHash: strOf(req.materialsHash),
            resourceIds: idsOf(req.resourceIds),
            domains: strsOf(req.domains),
            expertApprovals: 0,
            expertRejections: 0,
            exitRequested: false,
            exitNoticeEnd: 0,
            exitStatement: null,
            statement: null,
            statementError: null,
            reviews: [],
            grants: idsOf(req.resourceIds).map((resourceId) => ({ resourceId, status: "Requested", steps: [] })),
            history: [{ at: e.timestamp, status: "Applied", reasonHash: null, emergency: false, statement: null, anchor: anchorOf(e) }],
            anchor: anchorOf(e),
          };
          put(tx, r, true);
          tx.put(SPACE.authByHolder, `${pad(r.holderId)}:${pad(r.id)}`, r.id);
          if (r.parentId !== "0") {
            tx.put(SPACE.authByParent, `${pad(r.parentId)}:${pad(r.id)}`, r.id);
            putLink(tx, r.parentId, "childIds", r.id);
          }
          return;
        }
      }
      const id = idOf(e.event === "GrantAdvanced" ? a.authorizationId : a.id);
      const r = get(tx, id);
      if (!r) return;
      // After the record is made, a brief's fields change only with a new status or term.
      const [statusesBefore, termStartBefore, termEndBefore] = [r.history.length, r.termStart, r.termEnd];
      const setStatus = (to: string, reasonHash: string | null, emergency: boolean) => {
        const d = statementOf(e, to);
        if (r.status === to) {
          // The same change reported twice (AuthorizationReviewed, then AuthorizationStatusChanged
          // with the statement, in one transaction): the statement joins the entry.
          const last = r.history[r.history.length - 1];
          if (e.event === "AuthorizationStatusChanged" && last && last.anchor.blockNumber === e.blockNumber && last.statement === null && d.given) {
            last.statement = d.statement;
            r.statement = d.statement;
            r.statementError = d.statementError;
          }
          return;
        }
        r.status = to;
        r.statusChangedAt = e.timestamp;
        if (d.given) {
          r.statement = d.statement;
          r.statementError = d.statementError;
        }
        r.history.push({ at: e.timestamp, status: to, reasonHash, emergency, statement: d.statement, anchor: anchorOf(e) });
      };
      switch (e.event) {
        case "AuthorizationReviewed": {
          const pass = boolOf(a.pass);
          const stage = STAGES[numOf(a.stage)] ?? String(a.stage);
          r.reviews.push({ stage, pass, opinionHash: strOf(a.opinionHash), reviewer: strOf(a.reviewer), at: e.timestamp, anchor: anchorOf(e) });
          if (stage === "Expert") {
            if (pass) r.expertApprovals += 1;
            else r.expertRejections += 1;
          }
          setStatus(statusName(a.status), strOf(a.opinionHash), false);
          break;
        }
        case "AuthorizationStatusChanged":
          setStatus(statusName(a.to), strOf(a.reasonHash), boolOf(a.emergency));
          break;
        case "AuthorizationNoticed":
          r.noticeStart = e.timestamp;
          r.noticeEnd = numOf(a.noticeEnd);
          setStatus("Noticed", null, false);
          break;
        case "AuthorizationActivated":
          r.activatedAt = e.timestamp;
          r.agreementId = idOf(a.agreementId);
          r.termStart = numOf(a.termStart) || r.termStart;
          r.termEnd = numOf(a.termEnd) || r.termEnd;
          setStatus("Active", null, false);
          break;
        case "ExitRequested":
          r.exitRequested = true;
          break;
        case "ExitReviewed":
          if (boolOf(a.approved)) r.exitNoticeEnd = numOf(a.noticeEnd);
          else r.exitRequested = false;
          r.exitStatement = statementOf(e, r.status).statement;
          break;
        case "GrantAdvanced": {
          const resourceId = idOf(a.resourceId);
          let g = r.grants.find((x) => x.resourceId === resourceId);
          if (!g) {
            g = { resourceId, status: "Requested", steps: [] };
            r.grants.push(g);
          }
          g.status = GRANT_STATUSES[numOf(a.status)] ?? String(a.status);
          const d = statementOf(e, g.status);
          g.steps.push({
            status: g.status, at: e.timestamp, opinionHash: strOf(a.opinionHash), by: strOf(a.by), anchor: anchorOf(e), statement: d.statement,
            ...(d.statementError !== null && d.given ? { statementError: d.statementError } : {}),
          });
          break;
        }
        default:
          return;
      }
      put(tx, r, r.history.length !== statusesBefore || r.termStart !== termStartBefore || r.termEnd !== termEndBefore);
    },
  };
}
