// 数据产品: every product with its holder, kind, registration code, charging and status.
import { replace } from "../dom.js";
import { names } from "../api.js";
import { label, t } from "../i18n.js";
import { recordLink } from "../format.js";
import { badge, labels, nameOf, pageHead, pagedTable } from "../ui.js";

export const strings = {
  zh: {
    "products.title": "数据产品",
    "products.lead": "在平台登记的数据产品和服务，含其提供方、登记编号、收费依据和状态。点击产品名称查看能力清单和数据来源追溯。",
    "products.holder": "提供方",
    "products.code": "登记编号",
    "products.charging": "收费依据",
    "products.caption": "数据产品列表",
  },
  en: {
    "products.title": "Data products",
    "products.lead": "Data products and services registered on the platform, with their provider, registration code, charging basis and status. Open a product for its capability list and where its data comes from.",
    "products.holder": "Provider",
    "products.code": "Registration code",
    "products.charging": "Charging basis",
    "products.caption": "Data products",
  },
};

export async function render(main, ctx) {
  ctx.setTitle(t("products.title"));
  const dir = await names();
  const list = await pagedTable({
    path: "/products",
    ctx,
    caption: t("products.caption"),
    columns: [
      { header: t("name"), cell: (p) => recordLink("product", p.id, nameOf(p)) },
      { header: t("products.holder"), cell: (p) => recordLink("participant", p.holderId, p.holderName || dir.participant(p.holderId)) },
      { header: t("kind"), cell: (p) => label("productKind", p.kind) },
      { header: t("products.code"), cell: (p) => (p.registration && p.registration.code) || p.registrationCode || "—" },
      { header: t("products.charging"), cell: (p) => labels("chargingBasis", p.chargingBases) },
      { header: t("status"), cell: (p) => badge("productStatus", p.status) },
    ],
  });
  replace(main, pageHead(t("products.title"), t("products.lead")), list);
}
