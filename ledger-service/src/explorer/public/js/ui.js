// Building blocks the pages share: headings, labelled fields, status badges, evidence, paged
// tables that turn into cards on a phone, timelines, error and empty states.
import { el } from "./dom.js";
import { get, getAll, getPage, names, total } from "./api.js";
import { label, lang, t } from "./i18n.js";
import { chainText, date, dateTime, hashNode, number, recordHref, recordLink, sep, timeNode } from "./format.js";

/** The page's main heading (focused on navigation) and an optional lead paragraph. */
export function pageHead(title, lead, extra) {
  return el("div", { class: "page-head" }, el("h1", { tabindex: "-1" }, title), extra || null, lead ? el("p", { class: "lead" }, lead) : null);
}

export function section(title, ...children) {
  return el("section", { class: "block" }, el("h2", {}, title), ...children);
}

/** A labelled layout: rows of [label, value]; rows whose value is null or undefined are left out. */
export function fields(rows) {
  const dl = el("dl", { class: "fields" });
  for (const [k, v] of rows) {
    if (v === null || v === undefined) continue;
    dl.append(el("div", { class: "field" }, el("dt", {}, k), el("dd", {}, v === "" ? "—" : v)));
  }
  return dl;
}

const GOOD = new Set(["Active", "Listed", "Effective", "Filed", "Approved", "Registered", "Confirmed", "Granted", "Executed", "Answered", "Disclosed", "Ready", "Published", "Valid", "Closed"]);
const BAD = new Set(["Expired", "Revoked", "Terminated", "Rejected", "Exited", "Delisted", "Retired", "Refused", "Deregistered", "Missing", "Late", "Suspended", "Overdue", "Cancelled", "Invalid"]);

/** A status badge: its label from labels.json, its colour from the code (never colour alone: the word is always there). */
export function badge(group, code) {
  if (!code) return "—";
  const tone = GOOD.has(code) ? "good" : BAD.has(code) ? "bad" : "neutral";
  return el("span", { class: `badge ${tone}`, "data-code": code }, label(group, code));
}

/** A record's display name in the chosen language: publicText's English when asked and present, else its name. */
export function nameOf(r) {
  if (!r) return null;
  const p = r.publicText || null;
  if (lang() === "en" && p) {
    const en = p.nameEn || p.titleEn;
    if (en) return en;
  }
  return r.name || (p && (p.name || p.title)) || null;
}

/** A public text field in the chosen language (`key` and `keyEn`). */
export function textOf(obj, key) {
  if (!obj) return null;
  if (lang() === "en" && obj[`${key}En`]) return obj[`${key}En`];
  return obj[key] || null;
}

/** The public statement of a decision: reason, date and evidence. */
export function statementNode(s) {
  if (!s || !(s.reason || s.reasonEn)) return null;
  return el(
    "div",
    { class: "statement" },
    el("p", {}, chainText(textOf(s, "reason"))),
    s.at || (s.anchor && s.anchor.timestamp) ? el("p", { class: "muted small" }, timeNode(s.at || s.anchor.timestamp)) : null,
  );
}

/** Block, time and transaction of the event that made a record (the transaction links to its page). */
export function evidence(anchor, title) {
  if (!anchor) return null;
  return el(
    "section",
    { class: "block evidence" },
    el("h2", {}, title || t("evidence")),
    fields([
      [t("evidence.block"), `#${number(anchor.blockNumber)}`],
      [t("evidence.time"), timeNode(anchor.timestamp, true)],
      [t("evidence.tx"), hashNode(anchor.txHash, `#/tx/${anchor.txHash}`)],
    ]),
  );
}

/** A compact evidence line inside a table or timeline. */
export function evidenceInline(anchor) {
  if (!anchor) return "—";
  return el("span", { class: "evidence-inline" }, `${t("evidence.block")} #${number(anchor.blockNumber)} · `, hashNode(anchor.txHash, `#/tx/${anchor.txHash}`));
}

/** A table whose cells carry their column's label, so that on a phone each row reads as a card. */
export function table(columns, items, caption) {
  return el(
    "div",
    { class: "table-wrap" },
    el(
      "table",
      { class: "cards" },
      caption ? el("caption", { class: "sr-only" }, caption) : null,
      el("thead", {}, el("tr", {}, columns.map((c) => el("th", { scope: "col" }, c.header)))),
      el("tbody", {}, items.map((item) => el("tr", {}, columns.map((c) => el("td", { "data-label": c.header }, c.cell(item) ?? "—"))))),
    ),
  );
}

export function empty(text) {
  return el("p", { class: "empty" }, text || t("empty"));
}

/**
 * One page of a list with its total and page links that keep the page in the URL (?page=N).
 * `filter` drops items client-side (the total then counts what is shown).
 */
export async function pagedTable({ path, columns, ctx, size: defaultSize = 20, caption, emptyText, filter }) {
  const page = Math.max(1, Math.floor(Number(ctx.query.get("page"))) || 1);
  const size = Math.min(100, Math.max(1, Math.floor(Number(ctx.query.get("size"))) || defaultSize));
  let items;
  let count;
  if (filter) {
    const all = (await getAll(path)).filter(filter);
    count = all.length;
    items = all.slice((page - 1) * size, page * size);
  } else {
    const [p, n] = await Promise.all([getPage(path, page, size), total(path)]);
    items = p.items;
    count = n;
  }
  const pages = Math.max(1, Math.ceil(count / size));
  const out = el("div", { class: "paged" });
  if (count === 0) {
    out.append(empty(emptyText));
    return out;
  }
  const from = (page - 1) * size + 1;
  out.append(el("p", { class: "count" }, t("pager.shown", { from: number(Math.min(from, count)), to: number(Math.min(from + items.length - 1, count)), total: number(count) })));
  out.append(table(columns, items, caption));
  if (pages > 1) out.append(pager(ctx, page, pages));
  return out;
}

function pager(ctx, page, pages) {
  const href = (n) => {
    const q = new URLSearchParams(ctx.query);
    q.set("page", String(n));
    return `#${ctx.path}?${q}`;
  };
  return el(
    "nav",
    { class: "pager", "aria-label": t("pager.label") },
    page > 1 ? el("a", { href: href(page - 1), rel: "prev" }, t("pager.prev")) : el("span", { class: "disabled", "aria-hidden": "true" }, t("pager.prev")),
    el("span", { class: "pages" }, t("pager.page", { page: number(page), pages: number(pages) })),
    page < pages ? el("a", { href: href(page + 1), rel: "next" }, t("pager.next")) : el("span", { class: "disabled", "aria-hidden": "true" }, t("pager.next")),
  );
}

/** The label group of a record kind's statuses. */
export const statusGroup = (kind) => `${kind}Status`;

/** The participant behind an address (a signer key), as a link, else the shortened address. */
export function actorNode(address, dir) {
  if (!address) return "—";
  const p = dir && dir.signer(address);
  if (p) return recordLink("participant", p.id, p.name);
  return hashNode(address);
}

const STATUS_ARG_GROUP = {
  GrantAdvanced: "grantStatus",
  RegistrationIssued: "registrationStatus",
};

/** What an event changed: from → to statuses, or the status it set. */
function change(kind, item) {
  const a = item.args || {};
  const group = statusGroup(kind);
  if (typeof a.from === "string" && typeof a.to === "string" && !a.from.startsWith("0x")) {
    return el("span", { class: "change" }, badge(group, a.from), el("span", { "aria-hidden": "true" }, " → "), el("span", { class: "sr-only" }, lang() === "zh" ? " 变为 " : " to "), badge(group, a.to));
  }
  if (typeof a.status === "string" && !a.status.startsWith("0x")) return badge(STATUS_ARG_GROUP[item.event] || group, a.status);
  return null;
}

/** The record's own events, oldest first: date, event, actor, from → to, statement, related records, evidence. */
export async function timeline(kind, id) {
  const [items, dir] = await Promise.all([getAll(`/timeline/${kind}/${encodeURIComponent(id)}`, 1000).catch((e) => (e.status === 404 ? [] : Promise.reject(e))), names()]);
  if (items.length === 0) return section(t("history"), empty(t("history.empty")));
  const list = el("ol", { class: "timeline" });
  for (const item of items) {
    const related = (item.related || []).filter((r) => !(r.kind === kind && r.id === String(id)));
    const relName = (r) => (r.kind === "participant" ? dir.participant(r.id) : r.kind === "resource" ? dir.resource(r.id) : r.kind === "product" ? dir.product(r.id) : null);
    list.append(
      el(
        "li",
        {},
        el("div", { class: "when" }, timeNode(item.timestamp, true)),
        el("div", { class: "what" }, el("strong", {}, label("event", item.event)), " ", change(kind, item)),
        item.actor ? el("div", { class: "who" }, t("history.by", { actor: "" }), item.actorId ? recordLink("participant", item.actorId, item.actorName || dir.participant(item.actorId)) : actorNode(item.actor, dir)) : null,
        item.statement && (item.statement.reason || item.statement.reasonEn) ? el("div", { class: "why" }, t("history.statement"), chainText(textOf(item.statement, "reason"))) : null,
        related.length
          ? el("div", { class: "related" }, t("history.related"), related.flatMap((r, i) => [i ? sep() : "", recordLink(r.kind, r.id, relName(r) || r.name)]))
          : null,
        el("div", { class: "ev" }, evidenceInline({ blockNumber: item.blockNumber, txHash: item.txHash, timestamp: item.timestamp })),
      ),
    );
  }
  return section(t("history"), list);
}

/** The error of a failed page in the chosen language (never a raw code). */
export function errorView(err, retry) {
  const code = err && err.code;
  const key = code === "not_found" ? "error.not_found" : code === "index_not_ready" ? "error.index_not_ready" : code === "rate_limited" ? "error.rate_limited" : code === "validation" ? "error.validation" : code === "network" ? "error.network" : "error.generic";
  return el(
    "div",
    { class: "error-page" },
    el("h1", { tabindex: "-1" }, t("error.title")),
    el("p", { class: "error", role: "alert" }, t(key)),
    el("p", {}, retry ? el("button", { type: "button", "on:click": retry }, t("error.retry")) : null, " ", el("a", { href: "#/" }, t("error.home"))),
  );
}

export { recordLink, recordHref, date, dateTime, number, hashNode, timeNode, chainText, get, names, label };

const EXPLAIN = [
  [/^product (\d+) is (\w+), not Listed$/, (m) => ({ zh: `产品 #${m[1]} 当前为“${label("productStatus", m[2])}”，不在上架状态`, en: `product #${m[1]} is ${label("productStatus", m[2])}, not listed` })],
  [/^product (\d+) holds no valid registration code$/, (m) => ({ zh: `产品 #${m[1]} 没有有效的登记编号`, en: `product #${m[1]} holds no valid registration code` })],
  [/^its scenario (\d+) is not Approved$/, (m) => ({ zh: `其应用场景 #${m[1]} 未获批准`, en: `its scenario #${m[1]} is not approved` })],
  [/^scenario (\d+) is (\w+), not Approved$/, (m) => ({ zh: `应用场景 #${m[1]} 当前为“${label("scenarioStatus", m[2])}”，未获批准`, en: `scenario #${m[1]} is ${label("scenarioStatus", m[2])}, not approved` })],
  [/^authorization (\d+) is (\w+) at that time$/, (m) => ({ zh: `授权 #${m[1]} 当前为“${label("authorizationStatus", m[2])}”`, en: `authorization #${m[1]} is ${label("authorizationStatus", m[2])}` })],
  [/^the holder of authorization (\d+) \(participant (\d+)\) is (\w+) at that time$/, (m) => ({ zh: `授权 #${m[1]} 的被授权主体（#${m[2]}）当前为“${label("participantStatus", m[3])}”`, en: `the holder of authorization #${m[1]} (participant #${m[2]}) is ${label("participantStatus", m[3])}` })],
  [/^the parent authorization (\d+) of (\d+) is unknown$/, (m) => ({ zh: `授权 #${m[2]} 的上级授权 #${m[1]} 不存在`, en: `the parent authorization #${m[1]} of #${m[2]} is unknown` })],
  [/^(.*) \(the parent of authorization (\d+)\)$/, (m) => ({ zh: `${explain(m[1])}（授权 #${m[2]} 的上级授权）`, en: `${explain(m[1])} (the parent of authorization #${m[2]})` })],
  [/^its authorization (\d+) is unknown$|^authorization (\d+) is unknown$/, (m) => ({ zh: `授权 #${m[1] || m[2]} 不存在`, en: `authorization #${m[1] || m[2]} is unknown` })],
  [/^resource (\d+) is unknown$/, (m) => ({ zh: `资源 #${m[1]} 不存在`, en: `resource #${m[1]} is unknown` })],
  [/^resource (\d+) is (\w+) at that time, not in the catalog$/, (m) => ({ zh: `资源 #${m[1]} 当前为“${label("resourceStatus", m[2])}”，不在目录中`, en: `resource #${m[1]} is ${label("resourceStatus", m[2])}, not in the catalog` })],
  [/^resource (\d+) is not open and not desensitized$/, (m) => ({ zh: `资源 #${m[1]} 不予开放且未脱敏`, en: `resource #${m[1]} is not open and not desensitized` })],
  [/^resource (\d+) needs its data subjects' consent$/, (m) => ({ zh: `资源 #${m[1]} 需要数据主体同意`, en: `resource #${m[1]} needs its data subjects' consent` })],
  [/^resource (\d+) holds no valid registration code$/, (m) => ({ zh: `资源 #${m[1]} 没有有效的登记编号`, en: `resource #${m[1]} holds no valid registration code` })],
  [/^its parent product (\d+) is not usable: (.*)$/, (m) => ({ zh: `其上级产品 #${m[1]} 不可用：${m[2].split("; ").map(explain).join("；")}`, en: `its parent product #${m[1]} is not usable: ${m[2].split("; ").map(explain).join("; ")}` })],
  [/^its parent product (\d+) is unknown$/, (m) => ({ zh: `其上级产品 #${m[1]} 不存在`, en: `its parent product #${m[1]} is unknown` })],
];

/** A "not usable because …" reason from the API in the chosen language (the API's text when its form is new). */
export function explain(reason) {
  const text = typeof reason === "string" ? reason : reason && (reason[lang()] || reason.reason || reason.message || JSON.stringify(reason));
  for (const [re, fn] of EXPLAIN) {
    const m = re.exec(text);
    if (m) return fn(m)[lang()];
  }
  return text;
}

/** The "not usable because …" box (or a short note that the record is usable). */
export function usability(reasons, okText, notText) {
  if (!reasons || reasons.length === 0) return okText ? el("p", { class: "ok-note" }, okText) : null;
  return el("div", { class: "problems", role: "note" }, el("strong", {}, notText), el("ul", {}, reasons.map((r) => el("li", {}, explain(r)))));
}

/** Labels of a list of codes, joined. */
export function labels(group, codes) {
  if (!codes || codes.length === 0) return "—";
  return codes.map((c) => label(group, c)).join(sep());
}

/** A list of record links by name, joined. */
export function linkList(kind, items) {
  if (!items || items.length === 0) return "—";
  return el("span", {}, items.flatMap((it, i) => [i ? sep() : "", recordLink(kind, it.id, it.name)]));
}
