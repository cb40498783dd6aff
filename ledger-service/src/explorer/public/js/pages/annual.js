// 年度披露 (C37): who disclosed for a year, who is missing, and the due date.
import { el, replace } from "../dom.js";
import { get, names } from "../api.js";
import { label, t } from "../i18n.js";
import { date, monthDay, number, recordLink, timeNode } from "../format.js";
import { badge, empty, evidenceInline, hashNode, pageHead, section, table } from "../ui.js";

export const strings = {
  zh: {
    "annual.title": "{year} 年度披露",
    "annual.deadline": "{year}年{date}",
    "annual.lead": "参与主体应于次年 {due} 前公开上一年度的授权运营情况（{year} 年度的截止日为 {deadline}）。披露文件的哈希锚定在链上，任何人都可以核对文件是否被改动。",
    "annual.year": "年度",
    "annual.show": "查看",
    "annual.disclosed": "已披露",
    "annual.missing": "未按期披露",
    "annual.participant": "主体",
    "annual.kind": "主体类型",
    "annual.version": "版本",
    "annual.document": "披露文件哈希",
    "annual.anchoredAt": "披露时间",
    "annual.due": "截止日期",
    "annual.state": "状态",
    "annual.noneDisclosed": "{year} 年度尚无主体在链上披露。",
    "annual.noneMissing": "没有逾期或待披露的主体。",
    "annual.notDueYet": "{year} 年度的披露截止日（{deadline}）尚未到。",
    "annual.caption.disclosed": "已披露的主体",
    "annual.caption.missing": "未按期披露的主体",
  },
  en: {
    "annual.title": "Annual disclosures for {year}",
    "annual.deadline": "{date} {year}",
    "annual.lead": "Participants disclose their authorized operation of the year before by {due} (for {year}: by {deadline}). The hash of each disclosure document is anchored on chain so anyone can check the document was not altered.",
    "annual.year": "Year",
    "annual.show": "Show",
    "annual.disclosed": "Disclosed",
    "annual.missing": "Not disclosed on time",
    "annual.participant": "Participant",
    "annual.kind": "Kind",
    "annual.version": "Version",
    "annual.document": "Disclosure document hash",
    "annual.anchoredAt": "Disclosed on",
    "annual.due": "Due",
    "annual.state": "State",
    "annual.noneDisclosed": "No participant has disclosed for {year} on chain yet.",
    "annual.noneMissing": "No participant is late or still due.",
    "annual.notDueYet": "The disclosure for {year} is not due yet (due {deadline}).",
    "annual.caption.disclosed": "Participants that disclosed",
    "annual.caption.missing": "Participants that did not disclose on time",
  },
};

export async function render(main, ctx) {
  const asked = ctx.query.get("year");
  const year = asked && /^(19|20|21)\d\d$/.test(asked) ? asked : null;
  const [data, dir, health] = await Promise.all([get(`/disclosures/annual${year ? `?year=${year}` : ""}`), names(), get("/health").catch(() => ({}))]);
  const policy = health.profile ? await fetch(`/policy/${encodeURIComponent(health.profile)}.json`).then((r) => (r.ok ? r.json() : null)).catch(() => null) : null;
  const dueMd = (policy && policy.annualDisclosureDue) || "03-31";
  const [mm, dd] = dueMd.split("-");
  const deadlineText = t("annual.deadline", { year: data.year + 1, date: monthDay(dueMd) });
  const nowYear = new Date().getFullYear();
  const title = t("annual.title", { year: data.year });
  ctx.setTitle(title);

  const select = el("select", { id: "annual-year", name: "year" });
  for (let y = nowYear; y >= nowYear - 5; y--) select.append(el("option", { value: String(y), selected: y === data.year }, String(y)));
  const form = el(
    "form",
    {
      class: "controls",
      "on:submit": (e) => {
        e.preventDefault();
        location.hash = `#/annual?year=${select.value}`;
      },
    },
    el("label", { for: "annual-year" }, t("annual.year")),
    select,
    el("button", { type: "submit" }, t("annual.show")),
  );
  const dueAt = Date.UTC(data.year + 1, Number(mm) - 1, Number(dd), 16) / 1000; // the end of that day in Beijing time
  const notDue = Date.now() / 1000 < dueAt;

  replace(main, 
    pageHead(title, t("annual.lead", { due: monthDay(dueMd), year: data.year, deadline: deadlineText })),
    form,
    section(
      t("annual.disclosed"),
      data.disclosures.length
        ? table(
            [
              { header: t("annual.participant"), cell: (d) => recordLink("participant", d.participantId, d.participantName || dir.participant(d.participantId)) },
              { header: t("annual.kind"), cell: (d) => label("participantKind", d.participantKind) },
              { header: t("annual.version"), cell: (d) => number(d.version) },
              { header: t("annual.anchoredAt"), cell: (d) => timeNode(d.anchoredAt) },
              { header: t("annual.document"), cell: (d) => hashNode(d.documentHash) },
              { header: t("evidence"), cell: (d) => evidenceInline(d.anchor) },
            ],
            data.disclosures,
            t("annual.caption.disclosed"),
          )
        : empty(t("annual.noneDisclosed", { year: data.year })),
    ),
    section(
      t("annual.missing"),
      data.missing.length
        ? table(
            [
              { header: t("annual.participant"), cell: (m) => recordLink("participant", m.participantId, m.participantName || dir.participant(m.participantId)) },
              { header: t("annual.due"), cell: (m) => date(m.dueAt) },
              { header: t("annual.state"), cell: (m) => badge("deadlineStatus", m.status) },
            ],
            data.missing,
            t("annual.caption.missing"),
          )
        : empty(notDue ? t("annual.notDueYet", { year: data.year, deadline: deadlineText }) : t("annual.noneMissing")),
    ),
  );
}
