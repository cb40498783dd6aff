// Placeholder (h-portal): helper h-charts replaces this page module. Interface: spec-12 part E.
import { el, clear } from "../dom.js";
import { t } from "../i18n.js";

export const strings = {
  zh: { "tx.title": "交易" },
  en: { "tx.title": "Transaction" },
};

export async function render(main, ctx) {
  ctx.setTitle(t("tx.title"));
  clear(main).append(el("h1", { tabindex: "-1" }, t("tx.title")));
}
