// Placeholder (h-portal): helper h-charts replaces this page module. Interface: spec-12 part E.
import { el, clear } from "../dom.js";
import { t } from "../i18n.js";

export const strings = {
  zh: { "usage.title": "使用统计" },
  en: { "usage.title": "Usage" },
};

export async function render(main, ctx) {
  ctx.setTitle(t("usage.title"));
  clear(main).append(el("h1", { tabindex: "-1" }, t("usage.title")));
}
