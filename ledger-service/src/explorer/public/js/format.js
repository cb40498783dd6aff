// Formatting in the chosen language: dates in Beijing time, locale numbers, shortened hashes with
// a copy button, links to records by name.
import { el } from "./dom.js";
import { lang, locale, t } from "./i18n.js";

const TZ = "Asia/Shanghai";
const MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function parts(seconds) {
  const f = new Intl.DateTimeFormat("en-GB", { timeZone: TZ, year: "numeric", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const out = {};
  for (const p of f.formatToParts(new Date(Number(seconds) * 1000))) out[p.type] = p.value;
  return { y: out.year, m: Number(out.month), d: Number(out.day), hh: out.hour, mm: out.minute };
}

const valid = (s) => s !== null && s !== undefined && s !== "" && Number(s) > 0 && Number.isFinite(Number(s));

/** 2026年11月30日 / 30 Nov 2026 (Beijing time); "—" for none. */
export function date(seconds) {
  if (!valid(seconds)) return "—";
  const p = parts(seconds);
  return lang() === "zh" ? `${p.y}年${p.m}月${p.d}日` : `${p.d} ${MONTHS_EN[p.m - 1]} ${p.y}`;
}

/** 2026年11月30日 14:05 / 30 Nov 2026, 14:05 (Beijing time). */
export function dateTime(seconds) {
  if (!valid(seconds)) return "—";
  const p = parts(seconds);
  return lang() === "zh" ? `${p.y}年${p.m}月${p.d}日 ${p.hh}:${p.mm}` : `${p.d} ${MONTHS_EN[p.m - 1]} ${p.y}, ${p.hh}:${p.mm}`;
}

/** A month and day: 3月31日 / 31 March ("MM-DD"). */
export function monthDay(mmdd) {
  const [m, d] = String(mmdd).split("-").map(Number);
  const long = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
  return lang() === "zh" ? `${m}月${d}日` : `${d} ${long[m - 1]}`;
}

/** A <time> node for a date. */
export function timeNode(seconds, withTime = false) {
  if (!valid(seconds)) return "—";
  return el("time", { datetime: new Date(Number(seconds) * 1000).toISOString() }, withTime ? dateTime(seconds) : date(seconds));
}

/** 12,345 in the locale's format. */
export function number(n) {
  if (n === null || n === undefined || n === "") return "—";
  const v = typeof n === "bigint" ? n : Number(n);
  if (typeof v === "number" && !Number.isFinite(v)) return String(n);
  return new Intl.NumberFormat(locale()).format(v);
}

/** Fen (分) as yuan: ¥1,234.50. */
export function money(fen) {
  if (fen === null || fen === undefined) return "—";
  const v = Number(fen) / 100;
  return new Intl.NumberFormat(locale(), { style: "currency", currency: "CNY" }).format(v);
}

/** 0x1234…abcd */
export function shortHash(hex) {
  const s = String(hex);
  return s.length > 14 ? `${s.slice(0, 8)}…${s.slice(-6)}` : s;
}

/** Reports a short message in the page's small polite status region. */
export function announce(text) {
  const region = document.getElementById("status");
  if (!region) return;
  region.textContent = "";
  setTimeout(() => (region.textContent = text), 30);
}

/** A shortened hash (full value in its title) with a copy button; `href` makes it a link. */
export function hashNode(hex, href) {
  if (!hex) return "—";
  const full = String(hex);
  const text = el("code", { class: "hash", title: full }, shortHash(full));
  const button = el(
    "button",
    {
      type: "button",
      class: "copy",
      "aria-label": t("copy.label", { hash: full }),
      "on:click": async () => {
        try {
          await navigator.clipboard.writeText(full);
          announce(t("copied"));
          button.textContent = t("copied");
          setTimeout(() => (button.textContent = t("copy")), 1500);
        } catch {
          announce(t("copy.failed"));
        }
      },
    },
    t("copy"),
  );
  return el("span", { class: "hash-wrap" }, href ? el("a", { href }, text) : text, button);
}

const ROUTE = {
  authorization: "authorizations",
  product: "products",
  participant: "participants",
  resource: "resources",
  scenario: "scenarios",
  call: "calls",
  agreement: "agreements",
};

/** The explorer's hash route of a record (records without a page of their own: their history). */
export function recordHref(kind, id) {
  if (kind === "tx") return `#/tx/${id}`;
  return ROUTE[kind] ? `#/${ROUTE[kind]}/${encodeURIComponent(id)}` : `#/history/${kind}/${encodeURIComponent(id)}`;
}

/** A text from the chain: marked lang="zh" when it is Chinese on an English page. */
export function chainText(text) {
  const s = String(text);
  return lang() === "en" && /[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]/.test(s) ? el("span", { lang: "zh-CN" }, s) : s;
}

/** The separator of a list in the chosen language. */
export function sep() {
  return lang() === "zh" ? "、" : ", ";
}

/** A UI string whose placeholders are nodes (a name from the chain in a heading). */
export function tNodes(key, vars) {
  const template = t(key);
  const out = [];
  let last = 0;
  template.replace(/\{(\w+)\}/g, (m, k, at) => {
    out.push(template.slice(last, at));
    const v = vars[k];
    out.push(v === undefined || v === null ? m : typeof v === "string" ? chainText(v) : v);
    last = at + m.length;
    return m;
  });
  out.push(template.slice(last));
  return out.filter((x) => x !== "");
}

/** A link to a record by its name ("#id" when the record has no name). */
export function recordLink(kind, id, name) {
  if (id === null || id === undefined || id === "" || id === "0") return "—";
  if (kind === "authorization") {
    // An authorization's name is its holder's: the link says which authorization, the name who holds it.
    const link = el("a", { href: recordHref(kind, id), class: "record-link" }, `${t("kind.authorization")} #${id}`);
    return name ? el("span", {}, link, el("span", { class: "muted" }, lang() === "zh" ? "（" : " (", chainText(name), lang() === "zh" ? "）" : ")")) : link;
  }
  const label = name ? chainText(name) : `${t(`kind.${kind}`)} #${id}`;
  return el("a", { href: recordHref(kind, id), class: "record-link" }, label);
}
