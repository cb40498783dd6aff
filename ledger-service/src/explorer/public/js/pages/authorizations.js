// 授权公示: every decided authorization (C21) — holder, content, mode and tier, term, status.
import { el, replace } from "../dom.js";
import { names } from "../api.js";
import { label, lang, t } from "../i18n.js";
import { date, recordLink } from "../format.js";
import { badge, linkList, pageHead, pagedTable } from "../ui.js";

export const strings = {
  zh: {
    "auths.title": "授权公示",
    "auths.lead": "经审议决定的每一项公共数据授权：被授权对象、授权内容、方式与层级、期限和当前状态。点击编号阅读完整公示。",
    "auths.notice": "公示",
    "auths.holder": "被授权对象",
    "auths.content": "授权资源",
    "auths.scope": "方式与层级",
    "auths.term": "授权期限",
    "auths.caption": "授权公示列表",
    "auths.noticeNo": "授权 #{id}",
  },
  en: {
    "auths.title": "Authorization notices",
    "auths.lead": "Every public-data authorization decided: its holder, the resources it covers, mode and tier, term and current status. Open a number to read the full notice.",
    "auths.notice": "Notice",
    "auths.holder": "Holder",
    "auths.content": "Resources",
    "auths.scope": "Mode and tier",
    "auths.term": "Term",
    "auths.caption": "Authorization notices",
    "auths.noticeNo": "Authorization #{id}",
  },
};

export async function render(main, ctx) {
  ctx.setTitle(t("auths.title"));
  const dir = await names();
  const list = await pagedTable({
    path: "/disclosures/authorizations",
    ctx,
    caption: t("auths.caption"),
    columns: [
      { header: t("auths.notice"), cell: (a) => el("a", { href: `#/authorizations/${a.id}` }, t("auths.noticeNo", { id: a.id })) },
      { header: t("auths.holder"), cell: (a) => recordLink("participant", a.object.participantId, a.object.name || dir.participant(a.object.participantId)) },
      { header: t("auths.content"), cell: (a) => linkList("resource", a.content.resources.map((r) => ({ id: r.id, name: dir.resource(r.id) || r.name }))) },
      {
        header: t("auths.scope"),
        cell: (a) => [label("mode", a.scope.mode), lang() === "zh" ? "，" : ", ", label("tier", String(a.scope.tier))],
      },
      { header: t("auths.term"), cell: (a) => `${date(a.term.start)} – ${date(a.term.end)}` },
      { header: t("status"), cell: (a) => badge("authorizationStatus", a.status) },
    ],
  });
  replace(main, pageHead(t("auths.title"), t("auths.lead")), list);
}
