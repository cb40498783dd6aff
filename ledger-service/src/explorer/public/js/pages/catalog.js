// 资源目录: the public data resources in the catalog.
import { replace } from "../dom.js";
import { names } from "../api.js";
import { label, t } from "../i18n.js";
import { recordLink } from "../format.js";
import { badge, nameOf, pageHead, pagedTable } from "../ui.js";

export const strings = {
  zh: {
    "catalog.title": "公共数据资源目录",
    "catalog.lead": "可供授权运营的公共数据资源：名称、数源部门、共享类型、开放属性和登记编号。",
    "catalog.dept": "数源部门",
    "catalog.share": "共享类型",
    "catalog.open": "开放属性",
    "catalog.code": "登记编号",
    "catalog.caption": "资源目录",
  },
  en: {
    "catalog.title": "Public data resource catalog",
    "catalog.lead": "The public data resources open to authorized operation: name, source department, share type, open attribute and registration code.",
    "catalog.dept": "Source department",
    "catalog.share": "Share type",
    "catalog.open": "Open attribute",
    "catalog.code": "Registration code",
    "catalog.caption": "Resource catalog",
  },
};

export async function render(main, ctx) {
  ctx.setTitle(t("catalog.title"));
  const dir = await names();
  const list = await pagedTable({
    path: "/resources",
    ctx,
    caption: t("catalog.caption"),
    columns: [
      { header: t("name"), cell: (r) => recordLink("resource", r.id, nameOf(r)) },
      { header: t("catalog.dept"), cell: (r) => recordLink("participant", r.sourceDeptId, r.sourceDeptName || dir.participant(r.sourceDeptId)) },
      { header: t("catalog.share"), cell: (r) => (r.data ? label("shareType", r.data.shareType) : "—") },
      { header: t("catalog.open"), cell: (r) => (r.data ? label("openAttribute", r.data.openAttribute) : "—") },
      { header: t("catalog.code"), cell: (r) => (r.registration && r.registration.code) || "—" },
      { header: t("status"), cell: (r) => badge("resourceStatus", r.status) },
    ],
  });
  replace(main, pageHead(t("catalog.title"), t("catalog.lead")), list);
}
