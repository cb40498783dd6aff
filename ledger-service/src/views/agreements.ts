/**
 * Agreements (AgreementRegistry): kind, parties, term, terms digest (ODRL), each party's
 * signature, taking effect and filing (备案) with the authority (C05, C15, C16).
 */
import type { ChainEvent, View, ViewTx } from "../store/types";
import { agreementBrief, putLink } from "./briefs";
import { nameOf, parsePublicText, statementOf, textArg, type Statement, type TitleText } from "./publicText";
import { SPACE, anchorOf, boolOf, idOf, idsOf, numOf, objOf, pad, strOf, type Anchor } from "./util";

export const AGREEMENT_KINDS = ["None", "OperationAuthorization", "DevelopmentService", "ScenarioProduct", "DevelopmentAuthorization"] as const;
export const AGREEMENT_STATUSES = ["None", "Proposed", "Effective", "Filed", "Terminated"] as const;

export type AgreementRecord = {
  id: string;
  /** The agreement's public title (publicText.title), null when the text is absent or invalid. */
  name: string | null;
  publicText: TitleText | null;
  publicTextError: string | null;
  /** The public statement of the latest decision that gave one (a termination's reason), with the status it set; or null. */
  statement: Statement | null;
  statementError: string | null;
  kind: string;
  status: string;
  proposerId: string;
  authorizationId: string;
  scenarioId: string;
  termStart: number;
  termEnd: number;
  documentHash: string;
  termsDigest: string;
  filingHash: string | null;
  partyIds: string[];
  signatures: { partyId: string; signer: string; offChain: boolean; nonce: string; at: number; anchor: Anchor }[];
  proposedAt: number;
  effectiveAt: number;
  filedAt: number;
  terminatedAt: number;
  history: { at: number; status: string; statement: Statement | null; anchor: Anchor }[];
  anchor: Anchor;
};

/** Status of an agreement at `at`. */
export function agreementStatusAt(r: { history: readonly { at: number; status: string }[] }, at: number): string {
  let s = "None";
  for (const h of r.history) if (h.at <= at) s = h.status;
  return s;
}

export function createAgreementsView(): View {
  return {
    name: "agreements",
    // 2: agreements-of-auth id lists replace the agreement-by-auth keys; 3: public text and statements; 4: briefs;
    // 5: the briefs in agreements-of-auth instead of their own space; 6: in their authorization's brief instead
    version: 6,
    events: ["AgreementRegistry.*"],
    apply(tx: ViewTx, e: ChainEvent): void {
      if (e.contract !== "AgreementRegistry") return;
      const a = e.args;
      const id = idOf(a.agreementId);
      if (e.event === "AgreementProposed") {
        const req = objOf(a.request);
        const text = parsePublicText("agreement", textArg(e, "publicText"));
        const r: AgreementRecord = {
          id,
          name: nameOf(text.publicText),
          ...text,
          statement: null,
          statementError: null,
          kind: AGREEMENT_KINDS[numOf(req.kind)] ?? String(req.kind),
          status: "Proposed",
          proposerId: idOf(a.proposerId),
          authorizationId: idOf(a.authorizationId),
          scenarioId: idOf(req.scenarioId),
          termStart: numOf(req.termStart),
          termEnd: numOf(req.termEnd),
          documentHash: strOf(req.documentHash),
          termsDigest: strOf(req.termsDigest),
          filingHash: null,
          partyIds: idsOf(req.partyIds),
          signatures: [],
          proposedAt: e.timestamp,
          effectiveAt: 0,
          filedAt: 0,
          terminatedAt: 0,
          history: [{ at: e.timestamp, status: "Proposed", statement: null, anchor: anchorOf(e) }],
          anchor: anchorOf(e),
        };
        tx.put(SPACE.agreement, pad(id), r);
        putLink(tx, r.authorizationId, "agreements", agreementBrief(r));
        return;
      }
      const r = tx.get<AgreementRecord>(SPACE.agreement, pad(id));
      if (!r) return;
      const setStatus = (s: string) => {
        const d = statementOf(e, s);
        r.status = s;
        if (d.given) {
          r.statement = d.statement;
          r.statementError = d.statementError;
        }
        r.history.push({ at: e.timestamp, status: s, statement: d.statement, anchor: anchorOf(e) });
      };
      switch (e.event) {
        case "AgreementSigned":
          r.signatures.push({
            partyId: idOf(a.partyId),
            signer: strOf(a.signer),
            offChain: boolOf(a.offChain),
            nonce: strOf(a.nonce),
            at: e.timestamp,
            anchor: anchorOf(e),
          });
          break;
        case "AgreementTookEffect":
          r.effectiveAt = numOf(a.effectiveAt) || e.timestamp;
          setStatus("Effective");
          break;
        case "AgreementFiled":
          r.filedAt = e.timestamp;
          r.filingHash = strOf(a.filingHash);
          r.kind = AGREEMENT_KINDS[numOf(a.kind)] ?? r.kind;
          r.termStart = numOf(a.termStart) || r.termStart;
          r.termEnd = numOf(a.termEnd) || r.termEnd;
          setStatus("Filed");
          break;
        case "AgreementTerminated":
          r.terminatedAt = e.timestamp;
          setStatus("Terminated");
          break;
        default:
          return;
      }
      tx.put(SPACE.agreement, pad(id), r);
      // A signature leaves the brief as it was (no status, no history entry).
      if (e.event !== "AgreementSigned") putLink(tx, r.authorizationId, "agreements", agreementBrief(r));
    },
  };
}
