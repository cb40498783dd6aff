/**
 * Alert indexes (C24, C13, C31, C21): authorizations in force by term end (for "expiring within N
 * days"), products on offer by authorization, operations recorded while their authorization
 * was not in force, and public texts the service refused (invalid-public-text). Deadline breaches are indexed by the deadlines view; the reader combines all
 * of them at the moment asked (expiry is a fact of time, evaluated when read).
 */
import type { ChainEvent, View, ViewTx } from "../store/types";
import { AUTH_STATUSES, TERMINAL_STATUSES, authorizationInForce } from "./authorizations";
import type { AuthorizationBrief } from "./briefs";
import { parsePublicText, textsOf, type TextKind } from "./publicText";
import { subjectsOf } from "./timeline";
import { SPACE, anchorOf, idOf, numOf, pad, padBlock, padLog, padTime, type Anchor } from "./util";

export const ALERT_SPACE = "alert"; // `${at}:${kind}:${id}:${logIndex}`
export const LISTED_SPACE = "listed"; // `${productId}` -> authorizationId, products on offer
export const INVALID_TEXT_SPACE = "invalid-text"; // `${at}:${block}:${logIndex}:${field}` -> InvalidText

/** A public text on chain that the service refused to show (C21, C34): which, where and why. */
export type InvalidText = {
  at: number;
  contract: string;
  event: string;
  /** `publicText` (a record's text) or `statement` (a decision's). */
  field: string;
  kind: TextKind;
  /** Why it is not shown. */
  error: string;
  /** The record the event is about. */
  subjectKind: string;
  subjectId: string;
  anchor: Anchor;
};

export type OperationAlert = {
  kind: "operation-outside-authorization";
  at: number;
  subjectKind: string;
  subjectId: string;
  authorizationId: string;
  authorizationStatus: string;
  event: string;
  anchor: Anchor;
};

/**
 * Events that operate under an authorization, with where they name it. Not a report (C28): it is
 * a duty that outlives the authorization (a holder whose authorization was revoked still owes
 * the report of the period it operated in), and not an agreement's filing, which precedes
 * activation by design.
 */
const OPERATIONS: Record<string, { kind: string; id: string; auth: string }> = {
  "ProductRegistry.ProductRegistered": { kind: "product", id: "id", auth: "authorizationId" },
  "ProductRegistry.ProductListed": { kind: "product", id: "id", auth: "authorizationId" },
};

/**
 * An authorization's brief (views/briefs.ts): what deciding whether it is in force needs, a tenth
 * of the record's bytes (the record is read and parsed whole at every product event otherwise).
 */
const authorizationBriefOf = (tx: ViewTx, id: string) => tx.get<AuthorizationBrief>(SPACE.authorizationBrief, pad(id));

/** The authorization and every ancestor in force at `at` (two tiers; bounded anyway). */
function chainInForce(tx: ViewTx, auth: AuthorizationBrief, at: number): boolean {
  let a: AuthorizationBrief | undefined = auth;
  for (let depth = 0; a && depth < 8; depth++) {
    if (!authorizationInForce(a, at)) return false;
    if (a.parentId === "0") return true;
    a = authorizationBriefOf(tx, a.parentId);
  }
  return false;
}

export function createAlertsView(): View {
  return {
    name: "alerts",
    version: 3, // 2: invalid public texts; 3: reports are no operations
    apply(tx: ViewTx, e: ChainEvent): void {
      const a = e.args;
      for (const t of textsOf(e)) {
        const error = parsePublicText(t.kind, t.raw).publicTextError;
        if (error === null) continue;
        const [subject] = subjectsOf(e);
        const item: InvalidText = {
          at: e.timestamp, contract: e.contract, event: e.event, field: t.field, kind: t.kind, error,
          subjectKind: subject?.[0] ?? "none", subjectId: subject?.[1] ?? "0", anchor: anchorOf(e),
        };
        tx.put(INVALID_TEXT_SPACE, `${padTime(e.timestamp)}:${padBlock(e.blockNumber)}:${padLog(e.logIndex)}:${t.field}`, item);
      }
      if (e.contract === "AuthorizationRegistry") {
        if (e.event === "AuthorizationActivated") {
          tx.put(SPACE.expiry, `${padTime(numOf(a.termEnd))}:${pad(idOf(a.id))}`, idOf(a.id));
        } else if (e.event === "AuthorizationStatusChanged" && TERMINAL_STATUSES.includes(AUTH_STATUSES[numOf(a.to)] ?? "")) {
          const r = authorizationBriefOf(tx, idOf(a.id));
          if (r) tx.del(SPACE.expiry, `${padTime(r.termEnd)}:${pad(r.id)}`);
        }
        return;
      }
      if (e.contract === "ProductRegistry") {
        if (e.event === "ProductListed") tx.put(LISTED_SPACE, pad(idOf(a.id)), idOf(a.authorizationId));
        if (e.event === "ProductDelisted") tx.del(LISTED_SPACE, pad(idOf(a.id)));
      }
      const op = OPERATIONS[`${e.contract}.${e.event}`];
      if (!op) return;
      // Registering and listing products are operations a stopped authorization must not carry (C13, C24).
      const authId = idOf(a[op.auth]);
      const auth = authorizationBriefOf(tx, authId);
      if (!auth || (chainInForce(tx, auth, e.timestamp))) return;
      const alert: OperationAlert = {
        kind: "operation-outside-authorization",
        at: e.timestamp,
        subjectKind: op.kind,
        subjectId: idOf(a[op.id]),
        authorizationId: authId,
        authorizationStatus: auth.status,
        event: e.event,
        anchor: anchorOf(e),
      };
      tx.put(ALERT_SPACE, `${padTime(e.timestamp)}:${op.kind}:${pad(alert.subjectId)}:${pad(e.logIndex, 6)}`, alert);
    },
  };
}
