// Any hash route the portal does not know.
import { el, replace } from "../dom.js";
import { t } from "../i18n.js";

export const strings = { zh: {}, en: {} };

export async function render(main, ctx) {
  ctx.setTitle(t("notfound.title"));
  replace(main, 
    el("div", { class: "error-page" }, el("h1", { tabindex: "-1" }, t("notfound.title")), el("p", {}, t("notfound.text")), el("p", {}, el("a", { href: "#/" }, t("error.home")))),
  );
}
