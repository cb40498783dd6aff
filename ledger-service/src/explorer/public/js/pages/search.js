// Search results (#/search?q=): GET /api/v1/search — registration codes, ids, credit codes, names, tx hashes, addresses.
import { el, replace } from "../dom.js";
import { get } from "../api.js";
import { t } from "../i18n.js";
import { chainText, number } from "../format.js";
import { empty, pageHead } from "../ui.js";

export const strings = {
  zh: {
    "search.title": "搜索",
    "search.resultsFor": "“{q}”的搜索结果",
    "search.count": "找到 {n} 条结果",
    "search.none": "没有找到与“{q}”相符的记录。可以试试名称中的几个字、登记编号（如 GM-2026-R-0001）、统一社会信用代码或交易哈希。",
    "search.prompt": "在页面顶部的搜索框输入名称、登记编号、统一社会信用代码、记录编号、交易哈希或地址。",
    "search.match.registrationCode": "登记编号相符",
    "search.match.id": "编号相符",
    "search.match.creditCode": "信用代码相符",
    "search.match.name": "名称相符",
    "search.match.txHash": "交易哈希相符",
    "search.match.address": "地址相符",
    "search.caption": "搜索结果",
  },
  en: {
    "search.title": "Search",
    "search.resultsFor": "Results for “{q}”",
    "search.count": "{n} results",
    "search.none": "Nothing matches “{q}”. Try a few characters of a name, a registration code (such as GM-2026-R-0001), a unified social credit code or a transaction hash.",
    "search.prompt": "Type a name, registration code, unified social credit code, record number, transaction hash or address in the search box at the top of the page.",
    "search.match.registrationCode": "registration code",
    "search.match.id": "number",
    "search.match.creditCode": "credit code",
    "search.match.name": "name",
    "search.match.txHash": "transaction hash",
    "search.match.address": "address",
    "search.caption": "Search results",
  },
};

const ROUTE = { authorization: "authorizations", product: "products", resource: "resources", scenario: "scenarios", participant: "participants", call: "calls", agreement: "agreements" };

function hrefOf(item) {
  if (item.url === null) return null; // an address no participant signs with: no page of its own
  if (typeof item.url === "string" && item.url.startsWith("#/")) return item.url;
  if (item.kind === "tx") return `#/tx/${item.id}`;
  return ROUTE[item.kind] ? `#/${ROUTE[item.kind]}/${item.id}` : `#/search?q=${encodeURIComponent(item.id)}`;
}

export async function render(main, ctx) {
  const q = (ctx.query.get("q") || "").trim();
  const input = document.getElementById("search-input");
  if (input && input.value !== q) input.value = q;
  if (!q) {
    ctx.setTitle(t("search.title"));
    replace(main, pageHead(t("search.title"), t("search.prompt")));
    return;
  }
  const title = t("search.resultsFor", { q });
  ctx.setTitle(title);
  const res = await get(`/search?q=${encodeURIComponent(q)}`);
  const items = res.items || [];
  const total = typeof res.total === "number" ? res.total : items.length;
  replace(main, 
    pageHead(title),
    items.length
      ? el(
          "div",
          {},
          el("p", { class: "count" }, t("search.count", { n: number(total) })),
          el(
            "ol",
            { class: "search-results", "aria-label": t("search.caption") },
            items.map((it) =>
              el(
                "li",
                {},
                el("span", { class: "node-kind" }, t(`kind.${it.kind}`)),
                hrefOf(it) === null
                  ? el("span", { class: "hash" }, it.id)
                  : el("a", { href: hrefOf(it) }, it.name ? chainText(it.name) : `#${it.id}`),
                it.name && it.kind !== "tx" && it.kind !== "address" ? el("span", { class: "muted small" }, ` #${it.id}`) : null,
                it.match ? el("span", { class: "muted small" }, ` · ${t(`search.match.${it.match}`)}`) : null,
              ),
            ),
          ),
        )
      : empty(t("search.none", { q })),
  );
}
