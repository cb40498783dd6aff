// Placeholder (h-portal): helper h-charts replaces this page module. Interface: spec-12 part E.
import { el, clear } from "../dom.js";
import { t } from "../i18n.js";

export const strings = {
  zh: { "verify.title": "回执验证" },
  en: { "verify.title": "Verify a receipt" },
};

export async function render(main, ctx) {
  ctx.setTitle(t("verify.title"));
  clear(main).append(el("h1", { tabindex: "-1" }, t("verify.title")));
}
