// 参与主体: every registered participant with its kind, credit code and status.
import { replace } from "../dom.js";
import { label, t } from "../i18n.js";
import { chainText, recordLink } from "../format.js";
import { badge, pageHead, pagedTable } from "../ui.js";

export const strings = {
  zh: {
    "participants.title": "参与主体",
    "participants.lead": "在平台登记的数据主管部门、实施机构、数源部门、运营机构、开发者和监管方。",
    "participants.creditCode": "统一社会信用代码",
    "participants.caption": "参与主体列表",
  },
  en: {
    "participants.title": "Participants",
    "participants.lead": "Data authorities, implementing agencies, source departments, operators, developers and regulators registered on the platform.",
    "participants.creditCode": "Unified social credit code",
    "participants.caption": "Participants",
  },
};

export async function render(main, ctx) {
  ctx.setTitle(t("participants.title"));
  const list = await pagedTable({
    path: "/participants",
    ctx,
    caption: t("participants.caption"),
    columns: [
      { header: t("name"), cell: (p) => recordLink("participant", p.id, p.name) },
      { header: t("kind"), cell: (p) => label("participantKind", p.kind) },
      { header: t("participants.creditCode"), cell: (p) => chainText(p.creditCode) },
      { header: t("status"), cell: (p) => badge("participantStatus", p.status) },
    ],
  });
  replace(main, pageHead(t("participants.title"), t("participants.lead")), list);
}
