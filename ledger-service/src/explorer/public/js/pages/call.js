// One call for applications (C35): its organizer, mode, dates and who was selected.
import { el, replace } from "../dom.js";
import { get, names } from "../api.js";
import { label, t } from "../i18n.js";
import { chainText, hashNode, recordLink, timeNode } from "../format.js";
import { badge, evidence, fields, linkList, nameOf, pageHead, section, timeline } from "../ui.js";

export const strings = {
  zh: {
    "call.organizer": "组织实施单位",
    "call.mode": "授权方式",
    "call.published": "发布日期",
    "call.closes": "截止日期",
    "call.state": "征集状态",
    "call.open": "征集中",
    "call.closed": "已截止",
    "call.selected": "入选主体",
    "call.announcement": "公告文件哈希",
    "call.result": "结果文件哈希",
  },
  en: {
    "call.organizer": "Organizer",
    "call.mode": "Mode",
    "call.published": "Published on",
    "call.closes": "Closes on",
    "call.state": "State",
    "call.open": "Open",
    "call.closed": "Closed",
    "call.selected": "Selected",
    "call.announcement": "Announcement document hash",
    "call.result": "Result document hash",
  },
};

export async function render(main, ctx) {
  const id = ctx.params.id;
  const [c, dir] = await Promise.all([get(`/calls/${encodeURIComponent(id)}`), names()]);
  const name = nameOf(c) || `${t("kind.call")} #${c.id}`;
  ctx.setTitle(name);
  replace(main, 
    pageHead(chainText(name), null, el("p", { class: "doc-no" }, nameOf(c) ? `${t("kind.call")} #${c.id} ` : null, badge("callStatus", c.closed ? "closed" : "open"))),
    section(
      t("kind.call"),
      fields([
        [t("call.organizer"), recordLink("participant", c.organizerId, c.organizerName || dir.participant(c.organizerId))],
        [t("call.mode"), label("mode", c.mode)],
        [t("call.published"), timeNode(c.publishedAt)],
        [t("call.closes"), timeNode(c.closesAt, true)],
        [t("call.state"), label("callStatus", c.closed ? "closed" : "open")],
        [t("call.selected"), c.selectedHolderIds && c.selectedHolderIds.length ? linkList("participant", c.selectedHolderIds.map((h) => ({ id: h, name: dir.participant(h) }))) : null],
        [t("call.announcement"), hashNode(c.announcementHash)],
        [t("call.result"), c.resultHash ? hashNode(c.resultHash) : null],
      ]),
    ),
    evidence(c.anchor),
    await timeline("call", c.id),
  );
}
