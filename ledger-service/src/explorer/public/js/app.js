// The explorer's shell: hash routes (#/…) to page modules, the language toggle, the search box,
// the collapsed menu, the health line and banners. Every page is a module under pages/ with
// `strings` and `render(main, ctx)`.
import { el, clear } from "./dom.js";
import { addStrings, initI18n, lang, onLangChange, setLang, t } from "./i18n.js";
import { get } from "./api.js";
import { announce, number } from "./format.js";
import { errorView } from "./ui.js";

/** [pattern, page module, menu entry]. */
const ROUTES = [
  ["/", "home", "home"],
  ["/authorizations", "authorizations", "authorizations"],
  ["/authorizations/:id", "authorization", "authorizations"],
  ["/products", "products", "products"],
  ["/products/:id", "product", "products"],
  ["/participants", "participants", "participants"],
  ["/participants/:id", "participant", "participants"],
  ["/catalog", "catalog", "catalog"],
  ["/resources/:id", "resource", "catalog"],
  ["/scenarios/:id", "scenario", "authorizations"],
  ["/calls/:id", "call", "authorizations"],
  ["/agreements/:id", "agreement", "authorizations"],
  ["/annual", "annual", "annual"],
  ["/usage", "usage", "usage"],
  ["/verify", "verify", "verify"],
  ["/tx/:hash", "tx", null],
  ["/governance", "governance", "governance"],
  ["/search", "search", null],
  ["/history/:kind/:id", "history", null],
];

/** Older addresses of the same pages. */
const ALIASES = [
  [/^\/(authorization|product|participant|resource|scenario|call|agreement)\/(\d+)$/, (m) => `/${m[1]}s/${m[2]}`],
  [/^\/resources$/, () => "/catalog"],
  [/^\/timeline\/([a-z]+)\/(\d+)$/, (m) => `/history/${m[1]}/${m[2]}`],
];

const NAV = ["home", "authorizations", "products", "participants", "catalog", "annual", "usage", "verify", "governance"];
const NAV_HREF = { home: "#/", authorizations: "#/authorizations", products: "#/products", participants: "#/participants", catalog: "#/catalog", annual: "#/annual", usage: "#/usage", verify: "#/verify", governance: "#/governance" };

function match(pattern, path) {
  const a = pattern.split("/");
  const b = path.split("/");
  if (a.length !== b.length) return null;
  const params = {};
  for (let i = 0; i < a.length; i++) {
    if (a[i].startsWith(":")) {
      if (b[i] === "") return null;
      params[a[i].slice(1)] = decodeURIComponent(b[i]);
    } else if (a[i] !== b[i]) return null;
  }
  return params;
}

/** The current hash as { path, query }. */
function location_() {
  const raw = location.hash.replace(/^#/, "") || "/";
  const i = raw.indexOf("?");
  const path = (i < 0 ? raw : raw.slice(0, i)) || "/";
  return { path: path.length > 1 ? path.replace(/\/+$/, "") : path, query: new URLSearchParams(i < 0 ? "" : raw.slice(i + 1)) };
}

const modules = new Map();
async function load(name) {
  if (!modules.has(name)) {
    const mod = await import(`./pages/${name}.js`);
    if (mod.strings) addStrings(mod.strings);
    modules.set(name, mod);
  }
  return modules.get(name);
}

let renderSeq = 0;
let firstRender = true;

async function route(opts = {}) {
  const seq = ++renderSeq;
  let { path, query } = location_();
  for (const [re, to] of ALIASES) {
    const m = re.exec(path);
    if (m) {
      location.replace(`#${to(m)}${query.toString() ? `?${query}` : ""}`);
      return;
    }
  }
  let found = null;
  for (const [pattern, page, nav] of ROUTES) {
    const params = match(pattern, path);
    if (params) {
      found = { page, nav, params };
      break;
    }
  }
  if (!found) found = { page: "notfound", nav: null, params: {} };
  markNav(found.nav);
  closeMenu();
  const main = document.getElementById("main");
  const view = el("div", { class: "view", "data-page": found.page, "data-route": location.hash || "#/" });
  clear(main).append(view);
  view.append(el("p", { class: "loading" }, t("loading")));
  document.body.setAttribute("aria-busy", "true");
  announce(t("loading"));
  const ctx = {
    params: found.params,
    query,
    path,
    setTitle(text) {
      document.title = `${text} · ${t("site.short")}`;
    },
  };
  try {
    const mod = await load(found.page);
    if (seq !== renderSeq) return;
    await mod.render(view, ctx);
  } catch (err) {
    if (seq !== renderSeq) return;
    clear(view).append(errorView(err, () => route()));
    document.title = `${t("error.title")} · ${t("site.short")}`;
  }
  if (seq !== renderSeq) return;
  for (const p of view.querySelectorAll(":scope > p.loading")) p.remove();
  document.body.removeAttribute("aria-busy");
  announce(t("loaded"));
  if (!firstRender && !opts.keepFocus) {
    window.scrollTo(0, 0);
    const h1 = view.querySelector("h1") || main;
    if (!h1.hasAttribute("tabindex")) h1.setAttribute("tabindex", "-1");
    h1.focus({ preventScroll: true });
  }
  firstRender = false;
}

function markNav(active) {
  for (const a of document.querySelectorAll("#nav a")) {
    if (a.dataset.nav === active) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

function closeMenu() {
  const button = document.getElementById("menu-button");
  if (button) button.setAttribute("aria-expanded", "false");
  document.body.classList.remove("menu-open");
}

/** Everything outside <main> in the chosen language. */
function renderShell() {
  document.querySelector(".skip").textContent = t("skip");
  document.getElementById("site-title").textContent = t("site.title");
  const toggle = document.getElementById("lang-toggle");
  toggle.textContent = t("lang.switch");
  toggle.setAttribute("aria-label", t("lang.switchLabel"));
  toggle.setAttribute("lang", lang() === "zh" ? "en" : "zh-CN");
  const menu = document.getElementById("menu-button");
  menu.querySelector(".label").textContent = t("menu");
  const nav = document.getElementById("nav");
  nav.setAttribute("aria-label", t("nav.main"));
  const list = clear(nav.querySelector("ul"));
  for (const key of NAV) list.append(el("li", {}, el("a", { href: NAV_HREF[key], "data-nav": key }, t(`nav.${key}`))));
  document.getElementById("search-label").textContent = t("search.label");
  const input = document.getElementById("search-input");
  input.setAttribute("placeholder", t("search.placeholder"));
  document.getElementById("search-submit").textContent = t("search.submit");
  document.getElementById("demo-banner").textContent = t("demo.banner");
  document.getElementById("footer-text").textContent = t("footer.text");
  document.getElementById("footer-api").textContent = t("footer.api");
  renderHealth();
}

let lastHealth = null;
function renderHealth() {
  const line = document.getElementById("health");
  const banner = document.getElementById("index-banner");
  const h = lastHealth;
  if (!h) return;
  if (h.error) {
    line.textContent = t("health.down");
    return;
  }
  line.textContent = t("health.ok", { chain: h.chainId, block: number(h.indexedBlock) });
  document.body.classList.toggle("demo", h.demo === true);
  let text = null;
  if (h.status === "diverged") text = t("index.diverged");
  else if (h.reindex) text = t("index.reindex", { block: h.reindex.indexedBlock ?? "—" });
  else if (h.status === "starting" || h.status === "syncing") text = t("index.syncing", { lag: h.lag ?? "—" });
  banner.textContent = text || "";
  banner.hidden = text === null;
}

async function health() {
  try {
    lastHealth = await get("/health");
  } catch {
    lastHealth = { error: true };
  }
  renderHealth();
}

function wire() {
  document.getElementById("lang-toggle").addEventListener("click", () => {
    setLang(lang() === "zh" ? "en" : "zh");
  });
  document.getElementById("menu-button").addEventListener("click", (e) => {
    const open = e.currentTarget.getAttribute("aria-expanded") !== "true";
    e.currentTarget.setAttribute("aria-expanded", String(open));
    document.body.classList.toggle("menu-open", open);
  });
  document.getElementById("search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const q = document.getElementById("search-input").value.trim();
    if (q) location.hash = `#/search?q=${encodeURIComponent(q)}`;
  });
  document.querySelector(".skip").addEventListener("click", (e) => {
    e.preventDefault();
    const target = document.querySelector("#main h1") || document.getElementById("main");
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
  });
  onLangChange(() => {
    renderShell();
    void route({ keepFocus: true });
  });
  window.addEventListener("hashchange", () => void route());
}

async function start() {
  await initI18n();
  wire();
  renderShell();
  void health();
  setInterval(health, 10_000);
  await route();
}

void start();
