// One authorization as a notice (授权公示): holder, organizer, mode and tier, resources, scope,
// term, publication and notice window, status with its public statement, the parent of a tier-2
// authorization, how to object, then its agreements, scenarios, children, evidence and history.
import { el, replace } from "../dom.js";
import { get, names } from "../api.js";
import { label, lang, t } from "../i18n.js";
import { chainText, date, number, recordLink, timeNode, tNodes } from "../format.js";
import { badge, evidence, fields, linkList, nameOf, pageHead, section, statementNode, table, textOf, timeline } from "../ui.js";

export const strings = {
  zh: {
    "auth.title": "授权公示：{holder}",
    "auth.docNo": "授权编号 #{id}",
    "auth.holder": "被授权对象",
    "auth.creditCode": "统一社会信用代码",
    "auth.organizer": "组织实施单位",
    "auth.mode": "授权方式",
    "auth.tier": "授权层级",
    "auth.parent": "上级授权",
    "auth.call": "征集公告",
    "auth.resources": "授权资源",
    "auth.scope": "授权范围",
    "auth.scopeResources": "限于上列 {n} 项资源",
    "auth.domains": "领域：{list}",
    "auth.term": "授权期限",
    "auth.published": "公示日期",
    "auth.window": "公示期",
    "auth.windowValue": "{start} 至 {end}（{days}）",
    "auth.status": "当前状态",
    "auth.since": "自 {date} 起",
    "auth.statement": "公开说明",
    "auth.notInForce": "该授权目前不在效力中。",
    "auth.object": "如何提出异议",
    "auth.objectText": "对本授权有异议的单位或个人，可在公示期内（至 {end}）向数据主管部门提出。异议在链上登记：由受理部门通过监督登记合约（{fn}）登记为“{kind}”类案件，对象为授权 #{id}；登记、转办和答复均在本授权及受理部门的记录中公示。",
    "auth.objectClosed": "公示期已于 {end} 结束；对授权执行情况的投诉和异议仍可向数据主管部门提出，登记方式同上。",
    "auth.contact": "数据主管部门联系方式",
    "auth.contactMissing": "数据主管部门尚未在链上公布联系方式。",
    "auth.website": "网站",
    "auth.agreements": "授权协议",
    "auth.scenarios": "应用场景",
    "auth.children": "下级授权（二级授权）",
    "auth.reviews": "审议",
    "auth.reviewValue": "专家评审同意 {yes} 票，反对 {no} 票",
    "auth.caption.agreements": "授权协议",
    "auth.caption.scenarios": "应用场景",
    "auth.caption.children": "下级授权",
    "auth.agreementNo": "协议 #{id}",
  },
  en: {
    "auth.title": "Authorization notice: {holder}",
    "auth.docNo": "Authorization No. {id}",
    "auth.holder": "Holder",
    "auth.creditCode": "Unified social credit code",
    "auth.organizer": "Organizer",
    "auth.mode": "Mode",
    "auth.tier": "Tier",
    "auth.parent": "Parent authorization",
    "auth.call": "Call for applications",
    "auth.resources": "Resources authorized",
    "auth.scope": "Scope",
    "auth.scopeResources": "Only the resources listed above ({n})",
    "auth.domains": "Domains: {list}",
    "auth.term": "Term",
    "auth.published": "Published on",
    "auth.window": "Notice period",
    "auth.windowValue": "{start} to {end} ({days})",
    "auth.status": "Status",
    "auth.since": "since {date}",
    "auth.statement": "Public statement",
    "auth.notInForce": "This authorization is not in force now.",
    "auth.object": "How to object",
    "auth.objectText": "Anyone who objects to this authorization can tell the data authority during the notice period (until {end}). The objection is recorded on chain: the department that receives it files it through the oversight registry ({fn}) as a case of kind “{kind}” about authorization #{id}; its filing, forwarding and answer are disclosed with this authorization and the department.",
    "auth.objectClosed": "The notice period ended on {end}; complaints and objections about how the authorization is carried out can still be made to the data authority, recorded the same way.",
    "auth.contact": "Contact of the data authority",
    "auth.contactMissing": "The data authority has not published a contact on chain yet.",
    "auth.website": "Website",
    "auth.agreements": "Agreements",
    "auth.scenarios": "Scenarios",
    "auth.children": "Tier-2 authorizations under it",
    "auth.reviews": "Review",
    "auth.reviewValue": "Experts for: {yes}, against: {no}",
    "auth.caption.agreements": "Agreements",
    "auth.caption.scenarios": "Scenarios",
    "auth.caption.children": "Tier-2 authorizations",
    "auth.agreementNo": "Agreement #{id}",
  },
};

let profileCache = null;
async function profile() {
  if (!profileCache) {
    profileCache = get("/health")
      .then((h) => (h.profile ? fetch(`/policy/${encodeURIComponent(h.profile)}.json`).then((r) => (r.ok ? r.json() : null)) : null))
      .catch(() => null);
  }
  return profileCache;
}

export async function render(main, ctx) {
  const id = ctx.params.id;
  const [a, dir, policy] = await Promise.all([get(`/authorizations/${encodeURIComponent(id)}`), names(), profile()]);
  const holderName = a.holderName || dir.participant(a.holderId);
  const holder = dir.participants.get(a.holderId);
  const title = t("auth.title", { holder: holderName || `#${a.holderId}` });
  ctx.setTitle(title);
  const resources = (a.resources || a.resourceIds.map((rid) => ({ id: rid, name: null }))).map((r) => ({ id: r.id, name: dir.resource(r.id) || r.name }));
  const days = policy ? t("unit.workingDays", { n: number(policy.noticeWorkingDays) }) : "";
  const windowText = a.noticeStart ? t("auth.windowValue", { start: date(a.noticeStart), end: date(a.noticeEnd), days }).replace(/（）|\(\)/, "") : "—";
  const authority = [...dir.participants.values()].find((p) => p.kind === "DataAuthority" && p.status === "Active");
  const contact = authority && authority.publicText;
  const nowSec = Date.now() / 1000;

  const notice = el(
    "article",
    { class: "notice-doc" },
    el("p", { class: "doc-no" }, t("auth.docNo", { id: a.id }), " ", badge("authorizationStatus", a.status)),
    fields([
      [t("auth.holder"), recordLink("participant", a.holderId, holderName)],
      [t("auth.creditCode"), holder ? holder.creditCode : null],
      [t("auth.organizer"), recordLink("participant", a.organizerId, a.organizerName || dir.participant(a.organizerId))],
      [t("auth.mode"), label("mode", a.mode)],
      [t("auth.tier"), label("tier", String(a.tier))],
      [t("auth.parent"), a.parentId && a.parentId !== "0" ? recordLink("authorization", a.parentId, a.parentName || null) : null],
      [t("auth.call"), a.callId && a.callId !== "0" ? recordLink("call", a.callId, a.callName || null) : null],
      [t("auth.resources"), linkList("resource", resources)],
      [t("auth.scope"), a.domains && a.domains.length ? t("auth.domains", { list: a.domains.join(lang() === "zh" ? "、" : ", ") }) : t("auth.scopeResources", { n: number(resources.length) })],
      [t("auth.term"), `${date(a.termStart)} – ${date(a.termEnd)}`],
      [t("auth.published"), a.noticeStart ? timeNode(a.noticeStart) : "—"],
      [t("auth.window"), windowText],
      [t("auth.reviews"), t("auth.reviewValue", { yes: number(a.expertApprovals), no: number(a.expertRejections) })],
      [
        t("auth.status"),
        el(
          "div",
          {},
          badge("authorizationStatus", a.status),
          " ",
          a.statusChangedAt ? el("span", { class: "muted" }, t("auth.since", { date: date(a.status === "Expired" && a.storedStatus !== "Expired" ? a.termEnd : a.statusChangedAt) })) : null,
          a.inForce === false && a.status !== "Noticed" ? el("p", { class: "muted small" }, t("auth.notInForce")) : null,
          statementNode(a.statement),
        ),
      ],
    ]),
  );

  const objectVars = { end: date(a.noticeEnd), id: a.id, fn: el("code", {}, "OversightRegistry.fileCase"), kind: label("caseKind", "Objection") };
  const objection = el(
    "section",
    { class: "object" },
    el("h2", {}, t("auth.object")),
    el("p", {}, tNodes("auth.objectText", objectVars), a.noticeEnd && a.noticeEnd > nowSec ? null : [" ", t("auth.objectClosed", { end: date(a.noticeEnd) })]),
    el("h3", {}, t("auth.contact")),
    contact && contact.contact
      ? el("p", {}, authority ? [recordLink("participant", authority.id, authority.name), lang() === "zh" ? "：" : ": "] : null, chainText(textOf(contact, "contact")), contact.website ? [" · ", t("auth.website"), " ", el("span", {}, contact.website)] : null)
      : el("p", {}, authority ? [recordLink("participant", authority.id, authority.name), lang() === "zh" ? "：" : ": "] : null, t("auth.contactMissing")),
  );

  const out = [pageHead(tNodes("auth.title", { holder: holderName || `#${a.holderId}` })), notice, objection];
  if (a.agreements && a.agreements.length) {
    out.push(
      section(
        t("auth.agreements"),
        table(
          [
            { header: t("name"), cell: (g) => recordLink("agreement", g.id, nameOf(g) || t("auth.agreementNo", { id: g.id })) },
            { header: t("kind"), cell: (g) => label("agreementKind", g.kind) },
            { header: t("auth.term"), cell: (g) => `${date(g.termStart)} – ${date(g.termEnd)}` },
            { header: t("status"), cell: (g) => badge("agreementStatus", g.status) },
          ],
          a.agreements,
          t("auth.caption.agreements"),
        ),
      ),
    );
  }
  if (a.scenarios && a.scenarios.length) {
    out.push(
      section(
        t("auth.scenarios"),
        table(
          [
            { header: t("name"), cell: (s) => recordLink("scenario", s.id, nameOf(s)) },
            { header: t("auth.resources"), cell: (s) => linkList("resource", (s.resourceIds || []).map((rid) => ({ id: rid, name: dir.resource(rid) }))) },
            { header: t("status"), cell: (s) => badge("scenarioStatus", s.status) },
          ],
          a.scenarios,
          t("auth.caption.scenarios"),
        ),
      ),
    );
  }
  if (a.children && a.children.length) {
    out.push(
      section(
        t("auth.children"),
        table(
          [
            { header: t("id"), cell: (c) => el("a", { href: `#/authorizations/${c.id}` }, t("auth.docNo", { id: c.id })) },
            { header: t("auth.holder"), cell: (c) => recordLink("participant", c.holderId, c.holderName || dir.participant(c.holderId)) },
            { header: t("auth.term"), cell: (c) => `${date(c.termStart)} – ${date(c.termEnd)}` },
            { header: t("status"), cell: (c) => badge("authorizationStatus", c.status) },
          ],
          a.children,
          t("auth.caption.children"),
        ),
      ),
    );
  }
  out.push(evidence(a.anchor));
  out.push(await timeline("authorization", a.id));
  replace(main, ...out);
}
