// One catalog resource: its description, source department, share and open terms, registration.
import { el, replace } from "../dom.js";
import { get, names } from "../api.js";
import { label, t } from "../i18n.js";
import { chainText, date, hashNode, number, recordLink } from "../format.js";
import { badge, evidence, fields, nameOf, pageHead, section, statementNode, textOf, timeline } from "../ui.js";

export const strings = {
  zh: {
    "resource.description": "资源说明",
    "resource.fields": "数据项",
    "resource.dept": "数源部门",
    "resource.share": "共享类型",
    "resource.open": "开放属性",
    "resource.classification": "数据分级",
    "resource.classificationValue": "第 {n} 级",
    "resource.desensitized": "已脱敏",
    "resource.consent": "个人同意",
    "resource.frequency": "更新频率",
    "resource.code": "登记编号",
    "resource.validUntil": "登记有效期至",
    "resource.approved": "编目日期",
    "resource.catalogKey": "目录标识",
    "resource.metadataHash": "元数据文件哈希",
    "resource.pending": "待审核的变更",
    "resource.statement": "公开说明",
  },
  en: {
    "resource.description": "Description",
    "resource.fields": "Data fields",
    "resource.dept": "Source department",
    "resource.share": "Share type",
    "resource.open": "Open attribute",
    "resource.classification": "Classification",
    "resource.classificationValue": "Level {n}",
    "resource.desensitized": "Desensitized",
    "resource.consent": "Consent",
    "resource.frequency": "Update frequency",
    "resource.code": "Registration code",
    "resource.validUntil": "Registration valid until",
    "resource.approved": "Catalogued on",
    "resource.catalogKey": "Catalog key",
    "resource.metadataHash": "Metadata document hash",
    "resource.pending": "A change awaits review",
    "resource.statement": "Public statement",
  },
};

export async function render(main, ctx) {
  const id = ctx.params.id;
  const [r, dir] = await Promise.all([get(`/resources/${encodeURIComponent(id)}`), names()]);
  const name = nameOf(r) || `${t("kind.resource")} #${r.id}`;
  ctx.setTitle(name);
  const text = r.publicText || {};
  const d = r.data || {};
  const reg = r.registration || {};
  replace(main, 
    pageHead(chainText(name), null, el("p", { class: "doc-no" }, nameOf(r) ? `${t("kind.resource")} #${r.id} ` : null, badge("resourceStatus", r.status))),
    section(
      t("kind.resource"),
      fields([
        [t("resource.description"), textOf(text, "description") ? chainText(textOf(text, "description")) : null],
        [t("resource.fields"), textOf(text, "fields") ? chainText(textOf(text, "fields")) : null],
        [t("resource.dept"), recordLink("participant", r.sourceDeptId, r.sourceDeptName || dir.participant(r.sourceDeptId))],
        [t("resource.code"), reg.code || "—"],
        [t("resource.validUntil"), reg.validUntil ? date(reg.validUntil) : null],
        [t("resource.share"), label("shareType", d.shareType)],
        [t("resource.open"), label("openAttribute", d.openAttribute)],
        [t("resource.classification"), d.classification ? t("resource.classificationValue", { n: number(d.classification) }) : null],
        [t("resource.desensitized"), d.desensitized ? t("yes") : t("no")],
        [t("resource.consent"), label("consent", d.consent)],
        [t("resource.frequency"), label("updateFrequency", d.updateFrequency)],
        [t("resource.approved"), r.approvedAt ? date(r.approvedAt) : null],
        [t("resource.catalogKey"), hashNode(d.catalogKey)],
        [t("resource.metadataHash"), hashNode(d.metadataHash)],
        [t("resource.pending"), r.pendingChange ? t("yes") : null],
        [t("resource.statement"), statementNode(r.statement)],
      ]),
    ),
    evidence(r.anchor),
    await timeline("resource", r.id),
  );
}
