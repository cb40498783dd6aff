// 治理变更 (C05, C22): registry address changes and governance-role grants waiting their delay.
import { el, replace } from "../dom.js";
import { hasLabel, label, t } from "../i18n.js";
import { chainText, hashNode, timeNode } from "../format.js";
import { badge, evidenceInline, pageHead, pagedTable } from "../ui.js";

export const strings = {
  zh: {
    "governance.title": "待生效治理变更",
    "governance.lead": "更换登记合约地址、授予治理角色和移交管理员，都要先在链上排期并公示，等待延迟期满后才能执行。这里列出仍在等待的变更。",
    "governance.kind": "类型",
    "governance.target": "对象",
    "governance.account": "新地址或持有者",
    "governance.current": "当前地址",
    "governance.readyAt": "可执行时间",
    "governance.state": "状态",
    "governance.ready": "可执行",
    "governance.waiting": "等待中",
    "governance.empty": "目前没有待生效的治理变更。",
    "governance.caption": "待生效治理变更",
  },
  en: {
    "governance.title": "Pending governance changes",
    "governance.lead": "A registry address change, a governance-role grant or an admin hand-over is first scheduled and disclosed on chain, and can be executed only after its delay. These are the changes still waiting.",
    "governance.kind": "Kind",
    "governance.target": "Target",
    "governance.account": "New address or holder",
    "governance.current": "Current address",
    "governance.readyAt": "Executable from",
    "governance.state": "State",
    "governance.ready": "Executable",
    "governance.waiting": "Waiting",
    "governance.empty": "No governance change is pending.",
    "governance.caption": "Pending governance changes",
  },
};

export async function render(main, ctx) {
  ctx.setTitle(t("governance.title"));
  const list = await pagedTable({
    path: "/governance/pending",
    ctx,
    caption: t("governance.caption"),
    emptyText: t("governance.empty"),
    columns: [
      { header: t("governance.kind"), cell: (c) => label("governanceKind", c.kind) },
      { header: t("governance.target"), cell: (c) => (hasLabel("contract", c.label) ? label("contract", c.label) : hasLabel("role", c.label) ? label("role", c.label) : chainText(c.label)) },
      { header: t("governance.account"), cell: (c) => hashNode(c.account) },
      { header: t("governance.current"), cell: (c) => (c.current ? hashNode(c.current) : "—") },
      { header: t("governance.readyAt"), cell: (c) => timeNode(c.readyAt, true) },
      { header: t("governance.state"), cell: (c) => el("span", { class: `badge ${c.ready ? "bad" : "neutral"}` }, c.ready ? t("governance.ready") : t("governance.waiting")) },
      { header: t("evidence"), cell: (c) => evidenceInline(c.anchor) },
    ],
  });
  replace(main, pageHead(t("governance.title"), t("governance.lead")), list);
}
