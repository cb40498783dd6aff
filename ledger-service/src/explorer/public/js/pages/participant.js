// One participant: who it is, its public contact, its authorizations, products and usage receipts.
import { el, replace } from "../dom.js";
import { get, getAll, names } from "../api.js";
import { label, t } from "../i18n.js";
import { chainText, date, hashNode, money, number, recordLink } from "../format.js";
import { badge, empty, evidence, fields, nameOf, pageHead, section, table, textOf, timeline } from "../ui.js";

export const strings = {
  zh: {
    "participant.kind": "主体类型",
    "participant.creditCode": "统一社会信用代码",
    "participant.registered": "登记日期",
    "participant.contact": "公开联系方式",
    "participant.website": "网站",
    "participant.signers": "签名账户",
    "participant.qualifications": "资质",
    "participant.qualificationValue": "{kind}，有效期至 {until}",
    "participant.revoked": "已撤销",
    "participant.authorizations": "获得的授权",
    "participant.products": "数据产品",
    "participant.receipts": "使用回执",
    "participant.receiptsText": "作为平台节点，已锚定 {receipts} 张使用回执，共 {batches} 个批次，收费合计 {fees}；最近一批在 {last}。",
    "participant.noReceipts": "该主体没有作为平台节点锚定的使用回执。",
    "participant.term": "期限",
    "participant.code": "登记编号",
    "participant.authNo": "授权 #{id}",
    "participant.usageLink": "查看使用统计",
  },
  en: {
    "participant.kind": "Kind",
    "participant.creditCode": "Unified social credit code",
    "participant.registered": "Registered on",
    "participant.contact": "Public contact",
    "participant.website": "Website",
    "participant.signers": "Signer accounts",
    "participant.qualifications": "Qualifications",
    "participant.qualificationValue": "{kind}, valid until {until}",
    "participant.revoked": "revoked",
    "participant.authorizations": "Authorizations held",
    "participant.products": "Data products",
    "participant.receipts": "Usage receipts",
    "participant.receiptsText": "As a platform node it has anchored {receipts} usage receipts in {batches} batches, fees {fees} in total; the latest batch on {last}.",
    "participant.noReceipts": "This participant has anchored no usage receipts as a platform node.",
    "participant.term": "Term",
    "participant.code": "Registration code",
    "participant.authNo": "Authorization #{id}",
    "participant.usageLink": "See usage",
  },
};

export async function render(main, ctx) {
  const id = ctx.params.id;
  const [p, dir, auths, products, usage] = await Promise.all([
    get(`/participants/${encodeURIComponent(id)}`),
    names(),
    getAll(`/authorizations?holder=${encodeURIComponent(id)}`, 500),
    getAll(`/products?holder=${encodeURIComponent(id)}`, 500),
    get("/disclosures/usage").catch(() => null),
  ]);
  ctx.setTitle(p.name);
  const profile = p.publicText || null;
  const node = usage && (usage.items || []).find((u) => u.nodeId === p.id);
  const out = [
    pageHead(chainText(p.name), null, el("p", { class: "doc-no" }, `${t("kind.participant")} #${p.id} `, badge("participantStatus", p.status))),
    section(
      t("kind.participant"),
      fields([
        [t("participant.kind"), label("participantKind", p.kind)],
        [t("participant.creditCode"), chainText(p.creditCode)],
        [t("participant.registered"), date(p.registeredAt)],
        [t("participant.contact"), profile && profile.contact ? chainText(textOf(profile, "contact")) : null],
        [t("participant.website"), profile && profile.website ? profile.website : null],
        [t("participant.signers"), el("ul", { class: "chips" }, (p.signers || []).map((s) => el("li", {}, hashNode(s))))],
        [
          t("participant.qualifications"),
          p.qualifications && p.qualifications.length
            ? el("ul", {}, p.qualifications.map((q) => el("li", {}, t("participant.qualificationValue", { kind: label("qualificationKind", q.kind), until: date(q.validUntil) }), q.revoked ? ` (${t("participant.revoked")})` : "")))
            : null,
        ],
      ]),
    ),
    section(
      t("participant.authorizations"),
      auths.length
        ? table(
            [
              { header: t("id"), cell: (a) => el("a", { href: `#/authorizations/${a.id}` }, t("participant.authNo", { id: a.id })) },
              { header: t("kind"), cell: (a) => [label("mode", a.mode), " · ", label("tier", String(a.tier))] },
              { header: t("participant.term"), cell: (a) => `${date(a.termStart)} – ${date(a.termEnd)}` },
              { header: t("status"), cell: (a) => badge("authorizationStatus", a.status) },
            ],
            auths,
            t("participant.authorizations"),
          )
        : empty(),
    ),
    section(
      t("participant.products"),
      products.length
        ? table(
            [
              { header: t("name"), cell: (x) => recordLink("product", x.id, nameOf(x)) },
              { header: t("participant.code"), cell: (x) => (x.registration && x.registration.code) || "—" },
              { header: t("kind"), cell: (x) => label("productKind", x.kind) },
              { header: t("status"), cell: (x) => badge("productStatus", x.status) },
            ],
            products,
            t("participant.products"),
          )
        : empty(),
    ),
    section(
      t("participant.receipts"),
      node
        ? el(
            "p",
            {},
            t("participant.receiptsText", { receipts: number(node.receipts), batches: number(node.batches), fees: money(node.fees), last: date(node.lastAt) }),
            " ",
            el("a", { href: "#/usage" }, t("participant.usageLink")),
          )
        : el("p", { class: "muted" }, t("participant.noReceipts")),
    ),
    evidence(p.anchor),
    await timeline("participant", p.id),
  ];
  replace(main, ...out);
}
