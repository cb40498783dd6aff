/**
 * Statutory deadlines in working days (China calendar, policy profile): catalog approval (C11),
 * resource grant steps (C12), the public notice minimum (C04), objection and quality-feedback
 * answers (C27, C26), conditional sharing (C32), periodic reports (C28) and the annual
 * disclosure (C37). Each deadline records the calendar data it was computed with and whether it
 * is provisional (it reaches a year the calendar does not cover).
 *
 * Keys: `${subjectKind}:${subjectId}:${clause}:${name}`; open deadlines are also indexed by due
 * time, and every breach (late, violated) by the time it happened, for the regulator's alerts.
 */
import type { PolicyProfile } from "../../../policy/profile";
import type { Calendar } from "../calendar";
import { chinaDate, chinaDayStart } from "../calendar";
import type { ChainEvent, View, ViewTx } from "../store/types";
import { AUTH_STATUSES, TERMINAL_STATUSES } from "./authorizations";
import { CASE_KINDS, REPORT_KINDS } from "./oversight";
import type { ParticipantRecord } from "./participants";
import { SPACE, ZERO_HASH, anchorOf, boolOf, idOf, idsOf, numOf, objOf, pad, padTime, strOf, type Anchor } from "./util";

const DAY = 86_400;
/**
 * Working days after a reporting period closes by which its report is due. The profiles fix the
 * cadence (C28) but not the filing window; ten working days is this service's reading.
 */
export const REPORT_DUE_WORKING_DAYS = 10;

export type DeadlineStatus = "open" | "met" | "late" | "closed" | "violated";

export type DeadlineRecord = {
  key: string;
  clause: string;
  name: string;
  subjectKind: string;
  subjectId: string;
  /** due: an act must happen by dueAt; minimum: a window must last until dueAt; rule: a one-off check. */
  type: "due" | "minimum" | "rule";
  startedAt: number;
  workingDays: number | null;
  dueAt: number;
  dueDate: string;
  provisional: boolean;
  status: DeadlineStatus;
  closedAt: number | null;
  note: string | null;
  calendar: { package: string; version: string; sha256: string };
  anchor: Anchor;
  closeAnchor: Anchor | null;
};

type AuthState = { tier: number; parentId: string; holderId: string; organizerId: string; open: string[] };

export const deadlineKey = (subjectKind: string, subjectId: string, clause: string, name: string): string =>
  `${subjectKind}:${pad(subjectId)}:${clause}:${name}`;

/** Reporting periods overlapping [from, to): [period code, start, end) in China time. */
export function reportPeriods(kind: "monthly" | "quarterly" | "annual", from: number, to: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  const d = chinaDate(from);
  let y = Number(d.slice(0, 4));
  const m0 = Number(d.slice(5, 7)) - 1;
  const step = kind === "monthly" ? 1 : kind === "quarterly" ? 3 : 12;
  let m = kind === "monthly" ? m0 : kind === "quarterly" ? m0 - (m0 % 3) : 0;
  const start = (yy: number, mm: number) => chinaDayStart(`${yy + Math.floor(mm / 12)}-${String((mm % 12) + 1).padStart(2, "0")}-01`);
  for (let i = 0; i < 240; i++) {
    const s = start(y, m);
    if (s >= to) break;
    const e = start(y, m + step);
    const code = kind === "monthly" ? y * 100 + m + 1 : kind === "quarterly" ? y * 10 + m / 3 + 1 : y;
    out.push([code, s, e]);
    m += step;
    if (m >= 12) {
      y += 1;
      m -= 12;
    }
  }
  return out;
}

export function createDeadlinesView(profile: PolicyProfile, calendar: Calendar): View {
  const info = calendar.info();
  const cal = { package: info.package, version: info.version, sha256: info.sha256 };
  const dl = profile.deadlines;

  const get = (tx: ViewTx, key: string) => tx.get<DeadlineRecord>(SPACE.deadline, key);

  function open(
    tx: ViewTx,
    e: ChainEvent,
    d: { clause: string; name: string; subjectKind: string; subjectId: string; startedAt: number; workingDays?: number; dueAt?: number; note?: string },
  ): string {
    const key = deadlineKey(d.subjectKind, d.subjectId, d.clause, d.name);
    if (get(tx, key)) return key;
    let dueAt: number;
    let provisional = false;
    if (d.workingDays !== undefined) {
      const w = calendar.addWorkingDays(d.startedAt, d.workingDays);
      dueAt = w.endsAt;
      provisional = w.provisional;
    } else {
      dueAt = d.dueAt ?? d.startedAt;
      provisional = !calendar.covers(Number(chinaDate(dueAt - 1).slice(0, 4)));
    }
    const rec: DeadlineRecord = {
      key,
      clause: d.clause,
      name: d.name,
      subjectKind: d.subjectKind,
      subjectId: d.subjectId,
      type: "due",
      startedAt: d.startedAt,
      workingDays: d.workingDays ?? null,
      dueAt,
      dueDate: chinaDate(dueAt - 1),
      provisional,
      status: "open",
      closedAt: null,
      note: d.note ?? null,
      calendar: cal,
      anchor: anchorOf(e),
      closeAnchor: null,
    };
    tx.put(SPACE.deadline, key, rec);
    tx.put(SPACE.deadlineOpen, `${padTime(dueAt)}:${key}`, key);
    return key;
  }

  /** Marks an open deadline met (or late); `cancel` closes it as no longer required. */
  function close(tx: ViewTx, e: ChainEvent, key: string, at: number, cancel = false): void {
    const rec = get(tx, key);
    if (!rec || rec.status !== "open") return;
    tx.del(SPACE.deadlineOpen, `${padTime(rec.dueAt)}:${key}`);
    rec.status = cancel ? "closed" : at < rec.dueAt ? "met" : "late";
    rec.closedAt = at;
    rec.closeAnchor = anchorOf(e);
    tx.put(SPACE.deadline, key, rec);
    if (rec.status === "late") tx.put(SPACE.violation, `${padTime(at)}:${key}`, key);
  }

  /** Records a one-off breach or check (C04 notice minimum, C32 refusal basis). */
  function check(
    tx: ViewTx,
    e: ChainEvent,
    d: { clause: string; name: string; subjectKind: string; subjectId: string; type: "minimum" | "rule"; startedAt: number; workingDays: number | null; dueAt: number; provisional: boolean; ok: boolean; note: string },
  ): void {
    const key = deadlineKey(d.subjectKind, d.subjectId, d.clause, d.name);
    const rec: DeadlineRecord = {
      key,
      clause: d.clause,
      name: d.name,
      subjectKind: d.subjectKind,
      subjectId: d.subjectId,
      type: d.type,
      startedAt: d.startedAt,
      workingDays: d.workingDays,
      dueAt: d.dueAt,
      dueDate: chinaDate(d.dueAt - 1),
      provisional: d.provisional,
      status: d.ok ? "met" : "violated",
      closedAt: e.timestamp,
      note: d.note,
      calendar: cal,
      anchor: anchorOf(e),
      closeAnchor: anchorOf(e),
    };
    tx.put(SPACE.deadline, key, rec);
    if (!d.ok) tx.put(SPACE.violation, `${padTime(e.timestamp)}:${key}`, key);
  }

  const authStateKey = (id: string) => `auth:${pad(id)}`;
  const getAuth = (tx: ViewTx, id: string) => tx.get<AuthState>(SPACE.deadlineState, authStateKey(id));

  function track(tx: ViewTx, authId: string, key: string): void {
    const s = getAuth(tx, authId);
    if (!s) return;
    if (!s.open.includes(key)) s.open.push(key);
    tx.put(SPACE.deadlineState, authStateKey(authId), s);
  }

  function openReports(tx: ViewTx, e: ChainEvent, authId: string, kind: string, cadence: "monthly" | "quarterly" | "annual", from: number, to: number) {
    for (const [period, , end] of reportPeriods(cadence, from, to)) {
      const key = open(tx, e, {
        clause: "C28",
        name: `${kind}-${period}`,
        subjectKind: "authorization",
        subjectId: authId,
        startedAt: end - 1,
        workingDays: REPORT_DUE_WORKING_DAYS,
        note: `${kind} report for period ${period}`,
      });
      track(tx, authId, key);
    }
  }

  function openDisclosures(tx: ViewTx, e: ChainEvent, participantId: string, from: number, to: number) {
    const [mm, dd] = profile.annualDisclosureDue.split("-");
    const first = Number(chinaDate(from).slice(0, 4));
    const last = Number(chinaDate(to - 1).slice(0, 4));
    for (let y = first; y <= last && y < first + 10; y++) {
      const due = dueOnWorkingDay(`${y + 1}-${mm}-${dd}`);
      open(tx, e, {
        clause: "C37",
        name: `disclosure-${y}`,
        subjectKind: "participant",
        subjectId: participantId,
        startedAt: chinaDayStart(`${y + 1}-01-01`),
        dueAt: chinaDayStart(due.date) + DAY,
        note: `annual disclosure for ${y}` + (due.movedFrom ? ` (due ${due.movedFrom} is a rest day: moved to the next working day, 民法典 第二百零三条)` : ""),
      });
    }
  }

  /**
   * A fixed-date deadline that falls on a rest day moves to the next working day (民法典 第二百零三条:
   * 期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日).
   */
  function dueOnWorkingDay(date: string): { date: string; movedFrom: string | null } {
    if (calendar.isWorkingDay(date)) return { date, movedFrom: null };
    return { date: calendar.addWorkingDays(chinaDayStart(date), 1).date, movedFrom: date };
  }

  const grantKey = (authId: string, res: string, step: string) => deadlineKey("authorization", authId, "C12", `grant-${pad(res)}-${step}`);

  function onAuthorization(tx: ViewTx, e: ChainEvent): void {
    const a = e.args;
    switch (e.event) {
      case "AuthorizationApplied": {
        const id = idOf(a.id);
        const tier = numOf(a.tier);
        const s: AuthState = { tier, parentId: idOf(a.parentId), holderId: idOf(a.holderId), organizerId: idOf(a.organizerId), open: [] };
        tx.put(SPACE.deadlineState, authStateKey(id), s);
        for (const res of idsOf(objOf(a.request).resourceIds)) {
          const step = tier === 1 ? "evaluate" : "prereview";
          const key = open(tx, e, {
            clause: "C12",
            name: `grant-${pad(res)}-${step}`,
            subjectKind: "authorization",
            subjectId: id,
            startedAt: e.timestamp,
            workingDays: tier === 1 ? dl.authorityEvaluationWorkingDays : dl.operatorPreReviewWorkingDays,
            note: `resource ${res}: ${tier === 1 ? "authority evaluation" : "operator pre-review"}`,
          });
          track(tx, id, key);
        }
        return;
      }
      case "GrantAdvanced": {
        const id = idOf(a.authorizationId);
        const res = idOf(a.resourceId);
        const status = ["None", "Requested", "PreReviewed", "Evaluated", "Confirmed", "Refused"][numOf(a.status)];
        const next = (step: string, wd: number, what: string) =>
          track(tx, id, open(tx, e, { clause: "C12", name: `grant-${pad(res)}-${step}`, subjectKind: "authorization", subjectId: id, startedAt: e.timestamp, workingDays: wd, note: `resource ${res}: ${what}` }));
        if (status === "PreReviewed") {
          close(tx, e, grantKey(id, res, "prereview"), e.timestamp);
          next("evaluate", dl.authorityEvaluationWorkingDays, "authority evaluation");
        } else if (status === "Evaluated") {
          close(tx, e, grantKey(id, res, "evaluate"), e.timestamp);
          next("confirm", dl.sourceConfirmationWorkingDays, "source department confirmation");
        } else if (status === "Confirmed") {
          close(tx, e, grantKey(id, res, "confirm"), e.timestamp);
        } else if (status === "Refused") {
          for (const step of ["prereview", "evaluate", "confirm"]) close(tx, e, grantKey(id, res, step), e.timestamp);
        }
        return;
      }
      case "AuthorizationNoticed": {
        const id = idOf(a.id);
        const noticeEnd = numOf(a.noticeEnd);
        const w = calendar.addWorkingDays(e.timestamp, profile.noticeWorkingDays);
        check(tx, e, {
          clause: "C04",
          name: "notice",
          subjectKind: "authorization",
          subjectId: id,
          type: "minimum",
          startedAt: e.timestamp,
          workingDays: profile.noticeWorkingDays,
          dueAt: w.endsAt,
          provisional: w.provisional,
          ok: noticeEnd >= w.endsAt,
          note: `notice ends ${chinaDate(noticeEnd)} (${noticeEnd}); ${profile.noticeWorkingDays} working days end ${w.date}`,
        });
        return;
      }
      case "AuthorizationActivated": {
        const id = idOf(a.id);
        const s = getAuth(tx, id);
        if (!s) return;
        const notice = get(tx, deadlineKey("authorization", id, "C04", "notice"));
        if (notice && e.timestamp < notice.dueAt) {
          check(tx, e, {
            clause: "C04", name: "activation", subjectKind: "authorization", subjectId: id, type: "minimum",
            startedAt: notice.startedAt, workingDays: notice.workingDays, dueAt: notice.dueAt, provisional: notice.provisional,
            ok: false, note: `activated ${chinaDate(e.timestamp)} before the notice's ${notice.workingDays} working days ended ${notice.dueDate}`,
          });
        }
        const from = Math.max(e.timestamp, numOf(a.termStart));
        const to = numOf(a.termEnd);
        const r = profile.reporting;
        if (s.tier === 1) {
          if (r.operation) openReports(tx, e, id, "QuarterlyOperation", r.operation, from, to);
          if (r.annualReport) openReports(tx, e, id, "AnnualReport", "annual", from, to);
          openDisclosures(tx, e, s.holderId, from, to);
          // The organizer discloses only when it is the implementing agency (C37; the chain's
          // anchorDisclosure accepts an agency or an operator): an authority or a source
          // department organizing a domain call owes no such disclosure.
          const organizer = s.organizerId !== "0" ? tx.get<ParticipantRecord>(SPACE.participant, pad(s.organizerId)) : undefined;
          if (organizer?.kind === "ImplementingAgency") openDisclosures(tx, e, s.organizerId, from, to);
        } else if (r.partnerSupervision && s.parentId !== "0") {
          // The operator supervises its partners (001 第二十八条) while it has one.
          openReports(tx, e, s.parentId, "MonthlyPartnerSupervision", r.partnerSupervision, from, to);
        }
        return;
      }
      case "AuthorizationStatusChanged": {
        const to = AUTH_STATUSES[numOf(a.to)] ?? "";
        if (!TERMINAL_STATUSES.includes(to)) return;
        const id = idOf(a.id);
        const s = getAuth(tx, id);
        if (!s) return;
        // Steps that can no longer happen, and reports for periods not yet over, are no longer due.
        for (const key of s.open) {
          const rec = get(tx, key);
          if (!rec || rec.status !== "open") continue;
          if (rec.clause === "C28" && rec.startedAt < e.timestamp) continue;
          close(tx, e, key, e.timestamp, true);
        }
        s.open = [];
        tx.put(SPACE.deadlineState, authStateKey(id), s);
        return;
      }
    }
  }

  function onCatalog(tx: ViewTx, e: ChainEvent): void {
    const id = idOf(e.args.id);
    const changeKey = `resource-change:${pad(id)}`;
    switch (e.event) {
      case "ResourceProposed":
        open(tx, e, { clause: "C11", name: "entry-approval", subjectKind: "resource", subjectId: id, startedAt: e.timestamp, workingDays: dl.catalogApprovalWorkingDays, note: "catalog entry approval" });
        return;
      case "ResourceReviewed":
        close(tx, e, deadlineKey("resource", id, "C11", "entry-approval"), e.timestamp);
        return;
      case "ResourceChangeProposed": {
        const st = (tx.get<{ seq: number }>(SPACE.deadlineState, changeKey)) ?? { seq: 0 };
        st.seq += 1;
        tx.put(SPACE.deadlineState, changeKey, st);
        open(tx, e, { clause: "C11", name: `change-${pad(st.seq, 4)}-approval`, subjectKind: "resource", subjectId: id, startedAt: e.timestamp, workingDays: dl.catalogApprovalWorkingDays, note: `catalog change ${st.seq} approval` });
        return;
      }
      case "ResourceChangeReviewed": {
        const st = tx.get<{ seq: number }>(SPACE.deadlineState, changeKey);
        if (st) close(tx, e, deadlineKey("resource", id, "C11", `change-${pad(st.seq, 4)}-approval`), e.timestamp);
        return;
      }
    }
  }

  function onOversight(tx: ViewTx, e: ChainEvent): void {
    const a = e.args;
    switch (e.event) {
      case "CaseFiled": {
        const kind = CASE_KINDS[numOf(objOf(a.request).kind)];
        const clause = kind === "QualityFeedback" ? "C26" : "C27";
        open(tx, e, {
          clause, name: "answer", subjectKind: "case", subjectId: idOf(a.caseId), startedAt: numOf(a.filedAt) || e.timestamp,
          workingDays: numOf(a.replyWorkingDays) || dl.objectionReplyWorkingDays, note: `${kind} answer by the source department`,
        });
        return;
      }
      case "CaseAnswered": {
        const id = idOf(a.caseId);
        const clause = CASE_KINDS[numOf(a.kind)] === "QualityFeedback" ? "C26" : "C27";
        close(tx, e, deadlineKey("case", id, clause, "answer"), numOf(a.answeredAt) || e.timestamp);
        return;
      }
      case "ShareRequested":
        open(tx, e, {
          clause: "C32", name: "reply", subjectKind: "share", subjectId: idOf(a.requestId), startedAt: numOf(a.requestedAt) || e.timestamp,
          workingDays: numOf(a.replyWorkingDays) || dl.conditionalShareReplyWorkingDays, note: "conditional sharing: reply",
        });
        return;
      case "ShareReplied": {
        const id = idOf(a.requestId);
        const at = numOf(a.repliedAt) || e.timestamp;
        close(tx, e, deadlineKey("share", id, "C32", "reply"), at);
        if (boolOf(a.granted)) {
          open(tx, e, {
            clause: "C32", name: "execute", subjectKind: "share", subjectId: id, startedAt: at,
            workingDays: numOf(a.executeWorkingDays) || dl.conditionalShareExecuteWorkingDays, note: "conditional sharing: carry out",
          });
        } else {
          const basis = strOf(a.basisDigest);
          check(tx, e, {
            clause: "C32", name: "refusal-basis", subjectKind: "share", subjectId: id, type: "rule", startedAt: at, workingDays: null,
            dueAt: at, provisional: false, ok: basis !== "" && basis !== ZERO_HASH, note: "a refusal cites its legal basis",
          });
        }
        return;
      }
      case "ShareExecuted":
        close(tx, e, deadlineKey("share", idOf(a.requestId), "C32", "execute"), numOf(a.executedAt) || e.timestamp);
        return;
      case "ReportFiled": {
        const kind = REPORT_KINDS[numOf(a.kind)] ?? String(a.kind);
        close(tx, e, deadlineKey("authorization", idOf(a.authorizationId), "C28", `${kind}-${numOf(a.period)}`), numOf(a.filedAt) || e.timestamp);
        return;
      }
      case "DisclosureAnchored":
        close(tx, e, deadlineKey("participant", idOf(a.participantId), "C37", `disclosure-${numOf(a.year)}`), numOf(a.anchoredAt) || e.timestamp);
        return;
    }
  }

  return {
    name: "deadlines",
    version: 3, // 2: provisional years count the statutory holidays; a due date on a rest day moves to the next working day. 3: only an implementing agency organizing a call owes a disclosure
    events: ["AuthorizationRegistry.*", "ResourceCatalog.*", "OversightRegistry.*"],
    apply(tx: ViewTx, e: ChainEvent): void {
      if (e.contract === "AuthorizationRegistry") onAuthorization(tx, e);
      else if (e.contract === "ResourceCatalog") onCatalog(tx, e);
      else if (e.contract === "OversightRegistry") onOversight(tx, e);
    },
  };
}
