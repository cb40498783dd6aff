// One application scenario: its purpose, the authorization it runs under, its resources and decision.
import { el, replace } from "../dom.js";
import { get, names } from "../api.js";
import { t } from "../i18n.js";
import { chainText, date, hashNode, number, recordLink } from "../format.js";
import { badge, evidence, fields, linkList, nameOf, pageHead, section, statementNode, textOf, timeline } from "../ui.js";

export const strings = {
  zh: {
    "scenario.purpose": "用途",
    "scenario.holder": "申请方",
    "scenario.authorization": "所依授权",
    "scenario.resources": "使用的资源",
    "scenario.opinions": "评审意见",
    "scenario.opinionsValue": "同意 {yes}，反对 {no}",
    "scenario.proposed": "提出日期",
    "scenario.decided": "决定日期",
    "scenario.statement": "公开说明",
    "scenario.purposeHash": "用途文件哈希",
    "scenario.authNo": "授权 #{id}",
  },
  en: {
    "scenario.purpose": "Purpose",
    "scenario.holder": "Applicant",
    "scenario.authorization": "Under authorization",
    "scenario.resources": "Resources used",
    "scenario.opinions": "Review opinions",
    "scenario.opinionsValue": "For {yes}, against {no}",
    "scenario.proposed": "Proposed on",
    "scenario.decided": "Decided on",
    "scenario.statement": "Public statement",
    "scenario.purposeHash": "Purpose document hash",
    "scenario.authNo": "Authorization #{id}",
  },
};

export async function render(main, ctx) {
  const id = ctx.params.id;
  const [s, dir] = await Promise.all([get(`/scenarios/${encodeURIComponent(id)}`), names()]);
  const name = nameOf(s) || `${t("kind.scenario")} #${s.id}`;
  ctx.setTitle(name);
  const text = s.publicText || {};
  const yes = (s.opinions || []).filter((o) => o.pass).length;
  replace(main, 
    pageHead(chainText(name), null, el("p", { class: "doc-no" }, nameOf(s) ? `${t("kind.scenario")} #${s.id} ` : null, badge("scenarioStatus", s.status))),
    section(
      t("kind.scenario"),
      fields([
        [t("scenario.purpose"), textOf(text, "purpose") ? chainText(textOf(text, "purpose")) : null],
        [t("scenario.holder"), recordLink("participant", s.holderId, s.holderName || dir.participant(s.holderId))],
        [t("scenario.authorization"), recordLink("authorization", s.authorizationId, s.authorizationName || null)],
        [t("scenario.resources"), linkList("resource", (s.resources || (s.resourceIds || []).map((r) => ({ id: r, name: null }))).map((r) => ({ id: r.id, name: dir.resource(r.id) || r.name })))],
        [t("scenario.opinions"), t("scenario.opinionsValue", { yes: number(yes), no: number((s.opinions || []).length - yes) })],
        [t("scenario.proposed"), date(s.proposedAt)],
        [t("scenario.decided"), s.decidedAt ? date(s.decidedAt) : null],
        [t("scenario.statement"), statementNode(s.statement)],
        [t("scenario.purposeHash"), hashNode(s.purposeHash)],
      ]),
    ),
    evidence(s.anchor),
    await timeline("scenario", s.id),
  );
}
