// The full history of a record without a page of its own (a case, a share request, a report…).
import { replace } from "../dom.js";
import { t } from "../i18n.js";
import { pageHead, timeline } from "../ui.js";

export const strings = {
  zh: { "historyPage.title": "{kind} #{id} 的历史记录" },
  en: { "historyPage.title": "History of {kind} #{id}" },
};

export async function render(main, ctx) {
  const { kind, id } = ctx.params;
  const title = t("historyPage.title", { kind: t(`kind.${kind}`), id });
  ctx.setTitle(title);
  const tl = await timeline(kind, id);
  replace(main, pageHead(title), tl);
}
