/**
 * Oversight (OversightRegistry): objections and quality feedback (C26, C27), conditional-sharing
 * requests (C32), periodic reports (C28), evaluations (C29), annual disclosures (C37) and filings
 * of operations (C16).
 */
import type { ChainEvent, View, ViewTx } from "../store/types";
import { statementOf, type Statement } from "./publicText";
import { SPACE, ZERO_HASH, anchorOf, boolOf, idOf, numOf, objOf, pad, strOf, type Anchor } from "./util";

export const SUBJECT_KINDS = ["None", "resource", "product", "authorization"] as const;
export const CASE_KINDS = ["None", "Objection", "QualityFeedback"] as const;
export const CASE_OUTCOMES = ["None", "Corrected", "Confirmed"] as const;
export const REPORT_KINDS = ["None", "MonthlyPartnerSupervision", "QuarterlyOperation", "AnnualReport"] as const;
export const EVALUATION_OUTCOMES = ["None", "Pass", "Rectify", "Exit"] as const;
const PARTICIPANT_KINDS = ["None", "DataAuthority", "ImplementingAgency", "SourceDepartment", "Operator", "Developer", "Regulator", "ServiceProvider"] as const;

export type CaseRecord = {
  id: string;
  kind: string;
  subjectKind: string;
  subjectId: string;
  filerId: string;
  departmentId: string;
  /** Quality feedback of an operator or developer: the filer's authorization its data came by (逐级溯源), else "0". */
  authorizationId: string;
  /** The party the case sits with: the current level's addressee, the department at the end (C26). */
  handlerId: string;
  level: number;
  replyWorkingDays: number;
  contentDigest: string;
  filedAt: number;
  answeredAt: number;
  outcome: string;
  resolutionDigest: string | null;
  forwards: { departmentId: string; forwarderId: string; toId: string; level: number; noteDigest: string; at: number; anchor: Anchor }[];
  anchor: Anchor;
};

export type ShareRecord = {
  id: string;
  resourceId: string;
  requesterId: string;
  departmentId: string;
  status: string;
  purposeDigest: string;
  replyWorkingDays: number;
  executeWorkingDays: number;
  requestedAt: number;
  repliedAt: number;
  executedAt: number;
  basisDigest: string | null;
  /** A refusal must cite its legal basis (C32). */
  refusalCitesBasis: boolean | null;
  /** The reply's public statement (a refusal's reason), or null. */
  statement: Statement | null;
  statementError: string | null;
  anchor: Anchor;
};

export type ReportRecord = {
  id: string;
  authorizationId: string;
  holderId: string;
  kind: string;
  period: number;
  documentHash: string;
  filedAt: number;
  anchor: Anchor;
};

export type EvaluationRecord = {
  id: string;
  authorizationId: string;
  holderId: string;
  evaluatorId: string;
  year: number;
  score: number;
  outcome: string;
  documentHash: string;
  recordedAt: number;
  /** Whether it became the evaluation that counts for the authorization, and for the holder (C29:
   * a third party's never displaces the authority's own of the same year). */
  latestOfAuthorization: boolean;
  latestOfHolder: boolean;
  anchor: Anchor;
};

export type DisclosureRecord = {
  participantId: string;
  participantKind: string;
  year: number;
  version: number;
  documentHash: string;
  anchoredAt: number;
  versions: { version: number; documentHash: string; anchoredAt: number; anchor: Anchor }[];
  anchor: Anchor;
};

export type FilingRecord = {
  id: string;
  subjectKind: string;
  subjectId: string;
  kind: string;
  documentHash: string;
  filedAt: number;
  anchor: Anchor;
};

export function createOversightView(): View {
  return {
    name: "oversight",
    version: 2, // 2: the statement of a share reply
    events: ["OversightRegistry.*"],
    apply(tx: ViewTx, e: ChainEvent): void {
      if (e.contract !== "OversightRegistry") return;
      const a = e.args;
      switch (e.event) {
        case "CaseFiled": {
          const req = objOf(a.request);
          const r: CaseRecord = {
            id: idOf(a.caseId),
            kind: CASE_KINDS[numOf(req.kind)] ?? String(req.kind),
            subjectKind: SUBJECT_KINDS[numOf(req.subjectKind)] ?? String(req.subjectKind),
            subjectId: idOf(req.subjectId),
            filerId: idOf(req.filerId),
            departmentId: idOf(a.departmentId),
            authorizationId: idOf(req.authorizationId),
            handlerId: idOf(a.handlerId),
            level: 1,
            replyWorkingDays: numOf(a.replyWorkingDays),
            contentDigest: strOf(req.contentDigest),
            filedAt: numOf(a.filedAt) || e.timestamp,
            answeredAt: 0,
            outcome: "None",
            resolutionDigest: null,
            forwards: [],
            anchor: anchorOf(e),
          };
          tx.put(SPACE.oversightCase, pad(r.id), r);
          return;
        }
        case "FeedbackForwarded":
        case "CaseAnswered": {
          const r = tx.get<CaseRecord>(SPACE.oversightCase, pad(idOf(a.caseId)));
          if (!r) return;
          if (e.event === "FeedbackForwarded") {
            r.level = numOf(a.level);
            r.departmentId = idOf(a.departmentId);
            r.handlerId = idOf(a.toId);
            r.forwards.push({ departmentId: r.departmentId, forwarderId: idOf(a.forwarderId), toId: r.handlerId, level: r.level, noteDigest: strOf(a.noteDigest), at: numOf(a.forwardedAt) || e.timestamp, anchor: anchorOf(e) });
          } else {
            r.answeredAt = numOf(a.answeredAt) || e.timestamp;
            r.outcome = CASE_OUTCOMES[numOf(a.outcome)] ?? String(a.outcome);
            r.resolutionDigest = strOf(a.resolutionDigest);
          }
          tx.put(SPACE.oversightCase, pad(r.id), r);
          return;
        }
        case "ShareRequested": {
          const r: ShareRecord = {
            id: idOf(a.requestId),
            resourceId: idOf(a.resourceId),
            requesterId: idOf(a.requesterId),
            departmentId: idOf(a.departmentId),
            status: "Requested",
            purposeDigest: strOf(a.purposeDigest),
            replyWorkingDays: numOf(a.replyWorkingDays),
            executeWorkingDays: 0,
            requestedAt: numOf(a.requestedAt) || e.timestamp,
            repliedAt: 0,
            executedAt: 0,
            basisDigest: null,
            refusalCitesBasis: null,
            statement: null,
            statementError: null,
            anchor: anchorOf(e),
          };
          tx.put(SPACE.share, pad(r.id), r);
          return;
        }
        case "ShareReplied":
        case "ShareExecuted": {
          const r = tx.get<ShareRecord>(SPACE.share, pad(idOf(a.requestId)));
          if (!r) return;
          if (e.event === "ShareReplied") {
            const granted = boolOf(a.granted);
            r.status = granted ? "Granted" : "Refused";
            r.repliedAt = numOf(a.repliedAt) || e.timestamp;
            r.executeWorkingDays = numOf(a.executeWorkingDays);
            r.basisDigest = strOf(a.basisDigest);
            r.refusalCitesBasis = granted ? null : r.basisDigest !== "" && r.basisDigest !== ZERO_HASH;
            const d = statementOf(e, r.status);
            r.statement = d.statement;
            r.statementError = d.statementError;
          } else {
            r.status = "Executed";
            r.executedAt = numOf(a.executedAt) || e.timestamp;
          }
          tx.put(SPACE.share, pad(r.id), r);
          return;
        }
        case "ReportFiled": {
          const r: ReportRecord = {
            id: idOf(a.reportId),
            authorizationId: idOf(a.authorizationId),
            holderId: idOf(a.holderId),
            kind: REPORT_KINDS[numOf(a.kind)] ?? String(a.kind),
            period: numOf(a.period),
            documentHash: strOf(a.documentHash),
            filedAt: numOf(a.filedAt) || e.timestamp,
            anchor: anchorOf(e),
          };
          tx.put(SPACE.report, `${pad(r.authorizationId)}:${r.kind}:${pad(r.period, 8)}`, r);
          return;
        }
        case "EvaluationRecorded": {
          const ev = objOf(a.evaluation);
          const r: EvaluationRecord = {
            id: idOf(a.evaluationId),
            authorizationId: idOf(a.authorizationId),
            holderId: idOf(a.holderId),
            evaluatorId: idOf(ev.evaluatorId),
            year: numOf(ev.year),
            score: numOf(ev.score),
            outcome: EVALUATION_OUTCOMES[numOf(ev.outcome)] ?? String(ev.outcome),
            documentHash: strOf(ev.documentHash),
            recordedAt: numOf(ev.recordedAt) || e.timestamp,
            latestOfAuthorization: boolOf(a.latestOfAuthorization),
            latestOfHolder: boolOf(a.latestOfHolder),
            anchor: anchorOf(e),
          };
          tx.put(SPACE.evaluation, pad(r.id), r);
          return;
        }
        case "DisclosureAnchored": {
          const participantId = idOf(a.participantId);
          const year = numOf(a.year);
          const key = `${pad(participantId)}:${pad(year, 4)}`;
          const prev = tx.get<DisclosureRecord>(SPACE.disclosure, key);
          const version = numOf(a.version);
          const v = { version, documentHash: strOf(a.documentHash), anchoredAt: numOf(a.anchoredAt) || e.timestamp, anchor: anchorOf(e) };
          const r: DisclosureRecord = {
            participantId,
            participantKind: PARTICIPANT_KINDS[numOf(a.participantKind)] ?? String(a.participantKind),
            year,
            version,
            documentHash: v.documentHash,
            anchoredAt: v.anchoredAt,
            versions: [...(prev?.versions ?? []), v],
            anchor: anchorOf(e),
          };
          tx.put(SPACE.disclosure, key, r);
          return;
        }
        case "OperationFiled": {
          const r: FilingRecord = {
            id: idOf(a.filingId),
            subjectKind: SUBJECT_KINDS[numOf(a.subjectKind)] ?? String(a.subjectKind),
            subjectId: idOf(a.subjectId),
            kind: strOf(a.kind),
            documentHash: strOf(a.documentHash),
            filedAt: numOf(a.filedAt) || e.timestamp,
            anchor: anchorOf(e),
          };
          tx.put(SPACE.filing, pad(r.id), r);
          return;
        }
      }
    },
  };
}
