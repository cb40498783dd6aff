/**
 * The public disclosure portal in a real browser (Debian's chromium via playwright-core) on the
 * demo chain served as `npm start` serves it: every page at a phone's 390×844 and a desktop's
 * 1366×900 with no console error, no sideways scrolling and no serious or critical axe-core
 * (WCAG 2.1 AA) violation; the notice of an authorization (C21), annual disclosures (C37),
 * history and evidence (C22), the 中文/EN toggle, search, reload and back.
 * Screenshots of every page go to screenshots/ (git-ignored).
 * PORTAL_BASE=http://127.0.0.1:port runs it against a portal already serving the demo.
 */
import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import { axe, launchBrowser, openPage, overflows, screenshot, seriousViolations, visit, waitRendered, VIEWPORTS, type ViewportName, type WatchedPage } from "./helpers/browser";
import { startPortalDemo, type PortalDemo } from "./helpers/portal-demo";

// Browser globals, used only inside page.evaluate/waitForFunction callbacks that run in chromium
// (the project compiles for node without the DOM lib): untyped on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any, window: any, location: any, NodeFilter: any;

type Json = Record<string, unknown>;
type Labels = Record<string, Record<string, { zh: string; en: string }>>;

const CJK = /[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]/;

describe("portal: the public disclosure portal in a real browser (C21 C22 C37)", function () {
  this.timeout(600_000);
  let demo: PortalDemo | undefined;
  let base: string;
  let browser: Browser;
  const api = async <T = Json>(path: string): Promise<T> => {
    const res = await fetch(`${base}/api/v1${path}`);
    if (!res.ok) throw new Error(`${path}: ${res.status}`);
    return (await res.json()) as T;
  };
  /** The routes of every page, with ids of real demo records. */
  let pages: [string, string][];
  let ids: { product: string; unusable: string | null; authorization: string; tier2: string | null; participant: string; resource: string; scenario: string; call: string; agreement: string; tx: string };

  before(async () => {
    if (process.env.PORTAL_BASE) base = process.env.PORTAL_BASE;
    else {
      demo = await startPortalDemo("portal");
      base = demo.base;
    }
    browser = await launchBrowser();
    const products = (await api<{ items: Json[] }>("/products?limit=500")).items;
    let unusable: string | null = null;
    for (const p of products) {
      const one = await api<{ usable: boolean }>(`/products/${p.id as string}`);
      if (!one.usable) unusable ??= p.id as string;
    }
    const auths = (await api<{ items: Json[] }>("/authorizations?limit=500")).items;
    const a1 = await api<{ anchor: { txHash: string }; agreements: { id: string }[]; callId: string; holderId: string; resourceIds: string[] }>("/authorizations/1");
    const scenarios = await api<{ items: Json[] }>("/authorizations/1").then((a) => (a as unknown as { scenarios: { id: string }[] }).scenarios);
    ids = {
      product: products[0].id as string,
      unusable,
      authorization: "1",
      tier2: (auths.find((a) => a.tier === 2)?.id as string) ?? null,
      participant: a1.holderId,
      resource: a1.resourceIds[0],
      scenario: scenarios[0].id,
      call: a1.callId,
      agreement: a1.agreements[0].id,
      tx: a1.anchor.txHash,
    };
    pages = [
      ["home", "#/"],
      ["authorizations", "#/authorizations"],
      ["authorization", `#/authorizations/${ids.authorization}`],
      ["products", "#/products"],
      ["product", `#/products/${ids.unusable ?? ids.product}`],
      ["participants", "#/participants"],
      ["participant", `#/participants/${ids.participant}`],
      ["catalog", "#/catalog"],
      ["resource", `#/resources/${ids.resource}`],
      ["scenario", `#/scenarios/${ids.scenario}`],
      ["call", `#/calls/${ids.call}`],
      ["agreement", `#/agreements/${ids.agreement}`],
      ["annual", "#/annual"],
      ["governance", "#/governance"],
      ["usage", "#/usage"],
      ["verify", "#/verify"],
      // The transaction and search pages read APIs of h-search; they are checked once those exist.
      ...((await fetch(`${base}/api/v1/tx/${ids.tx}`)).status === 404 ? [] : [["tx", `#/tx/${ids.tx}`] as [string, string]]),
      ...((await fetch(`${base}/api/v1/search?q=x`)).status === 404 ? [] : [["search", `#/search?q=${encodeURIComponent("惠州")}`] as [string, string]]),
      ["history", "#/history/case/1"],
      ["notfound", "#/no-such-page"],
    ];
  });

  after(async () => {
    await browser?.close();
    await demo?.stop();
  });

  for (const viewport of Object.keys(VIEWPORTS) as ViewportName[]) {
    it(`C21 every page at ${VIEWPORTS[viewport].width}×${VIEWPORTS[viewport].height}: no console error, no sideways scrolling, no serious or critical accessibility violation`, async () => {
      const w = await openPage(browser, viewport);
      const problems: string[] = [];
      try {
        for (const [name, hash] of pages) {
          w.errors.length = 0;
          await visit(w.page, `${base}/${hash}`);
          await screenshot(w.page, name, viewport);
          const o = await overflows(w.page);
          if (o.overflow) problems.push(`${name}: ${o.scrollWidth}px wide in a ${o.innerWidth}px window (${o.widest})`);
          for (const v of seriousViolations(await axe(w.page))) problems.push(`${name}: ${v}`);
          // No value leaks as a program's words: null, undefined, NaN, an object's string.
          const leaked = (await w.page.evaluate(() => document.querySelector("main").innerText as string)).match(/\bnull\b|\bundefined\b|\bNaN\b|\[object /g);
          if (leaked) problems.push(`${name}: shows ${leaked.join(", ")}`);
          for (const e of w.errors) problems.push(`${name}: console: ${e}`);
        }
        if (viewport === "phone") {
          // The collapsed menu opens, shows every entry, and closes on navigation.
          await visit(w.page, `${base}/#/`);
          expect(await w.page.isVisible("#nav")).to.equal(false);
          await w.page.click("#menu-button");
          expect(await w.page.getAttribute("#menu-button", "aria-expanded")).to.equal("true");
          await w.page.click('#nav a[data-nav="products"]');
          await waitRendered(w.page);
          expect(await w.page.isVisible("#nav")).to.equal(false);
          expect((await overflows(w.page)).overflow).to.equal(false);
        }
      } finally {
        await w.close();
      }
      expect(problems, problems.join("\n")).to.deep.equal([]);
    });
  }

  it("C21 the authorization notice reads as a notice: holder, organizer, mode and tier, resources by name, term, notice window, status, how to object with the authority's contact", async () => {
    const w = await openPage(browser, "desktop");
    try {
      const a = await api<Json & { holderId: string; organizerId: string; resourceIds: string[]; noticeStart: number; noticeEnd: number }>(`/authorizations/${ids.authorization}`);
      const holder = await api<{ name: string; creditCode: string }>(`/participants/${a.holderId}`);
      const organizer = await api<{ name: string }>(`/participants/${a.organizerId}`);
      await visit(w.page, `${base}/#/authorizations/${ids.authorization}`);
      const h1 = await w.page.textContent("main h1");
      expect(h1).to.equal(`授权公示：${holder.name}`);
      const notice = (await w.page.textContent(".notice-doc")) ?? "";
      expect(notice).to.contain(holder.name).and.contain(holder.creditCode).and.contain(organizer.name);
      expect(notice).to.contain("被授权对象").and.contain("授权方式").and.contain("授权层级").and.contain("授权期限").and.contain("公示期").and.contain("公示日期");
      // Dates as 2026年11月30日 in Beijing time, and the notice period's working days from the profile.
      const day = (s: number) => {
        const d = new Date((s + 8 * 3600) * 1000);
        return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
      };
      expect(notice).to.contain(`${day(a.noticeStart)} 至 ${day(a.noticeEnd)}（5 个工作日）`);
      // Every resource by name (or #id before it has one), each a link to its page.
      const resourceLinks = await w.page.$$eval('.notice-doc a[href^="#/resources/"]', (as) => as.map((x) => x.getAttribute("href")));
      expect(resourceLinks).to.deep.equal(a.resourceIds.map((r) => `#/resources/${r}`));
      const object = (await w.page.textContent(".object")) ?? "";
      expect(object).to.contain("如何提出异议").and.contain("OversightRegistry.fileCase").and.contain("数据主管部门");
      // The authority's public contact, from its profile on chain (when it published one).
      const authority = (await api<{ items: { kind: string; name: string; publicText?: { contact: string } | null }[] }>("/participants?limit=500")).items.find((p) => p.kind === "DataAuthority");
      expect(authority, "the demo's data authority").to.not.equal(undefined);
      expect(object).to.contain(authority!.name);
      if (authority!.publicText) expect(object).to.contain(authority!.publicText.contact);
      // Resources by name where they have one.
      for (const r of (a.resources as { id: string; name: string | null }[] | undefined) ?? []) if (r.name) expect(notice).to.contain(r.name);
      // Evidence of the record, its transaction linked to the transaction page.
      const txHref = await w.page.getAttribute('.evidence a[href^="#/tx/"]', "href");
      expect(txHref).to.equal(`#/tx/${(a.anchor as { txHash: string }).txHash}`);
      expect(w.errors).to.deep.equal([]);
    } finally {
      await w.close();
    }
  });

  it("C21 a tier-2 notice names its parent authorization", async function () {
    if (!ids.tier2) this.skip();
    const w = await openPage(browser, "desktop");
    try {
      const a = await api<{ parentId: string }>(`/authorizations/${ids.tier2}`);
      await visit(w.page, `${base}/#/authorizations/${ids.tier2}`);
      expect(await w.page.textContent(".notice-doc")).to.contain("上级授权").and.contain("二级");
      expect(await w.page.locator(`.notice-doc a[href="#/authorizations/${a.parentId}"]`).count()).to.equal(1);
    } finally {
      await w.close();
    }
  });

  it("C21 a product that may not be used says why, in its page and in its provenance tree", async function () {
    if (!ids.unusable) this.skip();
    const p = await api<{ notUsableBecause: string[] }>(`/products/${ids.unusable}`);
    expect(p.notUsableBecause.length).to.be.greaterThan(0);
    const w = await openPage(browser, "desktop");
    try {
      await visit(w.page, `${base}/#/products/${ids.unusable}`);
      const box = (await w.page.textContent(".problems")) ?? "";
      expect(box).to.contain("该产品当前不可使用");
      expect(await w.page.locator(".problems li").count()).to.equal(p.notUsableBecause.length);
      expect(box).to.not.match(/\b(is|not|Listed|Approved)\b/); // the API's English reasons in Chinese
      const kinds = await w.page.$$eval("#provenance .node-kind", (ns) => ns.map((n) => n.textContent));
      for (const kind of ["产品", "场景", "授权", "资源", "主体"]) expect(kinds).to.include(kind);
      expect(await w.page.locator("#provenance > li > .why-not").count()).to.equal(1);
    } finally {
      await w.close();
    }
  });

  it("C22 record pages show their own history with actor names, from → to statuses and evidence linked to the transaction", async () => {
    const w = await openPage(browser, "desktop");
    try {
      await visit(w.page, `${base}/#/authorizations/${ids.authorization}`);
      const items = w.page.locator("ol.timeline > li");
      expect(await items.count()).to.be.greaterThan(3);
      const changed = items.filter({ has: w.page.locator(".change") }).first();
      expect(await changed.locator(".badge").count()).to.equal(2);
      // Actors by participant name (a link), never only an address.
      const actors = await w.page.$$eval("ol.timeline .who a", (as) => as.map((x) => x.textContent ?? ""));
      expect(actors.length).to.be.greaterThan(0);
      for (const a of actors) expect(a).to.match(CJK);
      const txs = await w.page.$$eval('ol.timeline .ev a[href^="#/tx/0x"]', (as) => as.length);
      expect(txs).to.equal(await items.count());
    } finally {
      await w.close();
    }
  });

  it("C22 a page survives reload and the back button keeps the history of pages", async () => {
    const w = await openPage(browser, "phone");
    try {
      await visit(w.page, `${base}/#/`);
      await w.page.goto(`${base}/#/products`);
      await waitRendered(w.page);
      await w.page.click(`main a[href="#/products/${ids.product}"]`);
      await w.page.waitForFunction((id) => location.hash === `#/products/${id}`, ids.product);
      await waitRendered(w.page);
      const h1 = await w.page.textContent("main h1");
      // Focus moves to the new page's heading.
      expect(await w.page.evaluate(() => document.activeElement?.tagName)).to.equal("H1");
      await w.page.reload();
      await waitRendered(w.page);
      expect(await w.page.textContent("main h1")).to.equal(h1);
      await w.page.goBack();
      await w.page.waitForFunction(() => location.hash === "#/products");
      await waitRendered(w.page);
      expect(await w.page.textContent("main h1")).to.equal("数据产品");
      // Lists are paged with their total, the page in the URL: the second page of participants by 5.
      const participants = (await api<{ items: unknown[] }>("/participants?limit=500")).items.length;
      expect(participants).to.be.greaterThan(5);
      await w.page.goto(`${base}/#/participants?size=5`);
      await waitRendered(w.page);
      expect(await w.page.textContent("main .count")).to.equal(`第 1–5 条，共 ${participants} 条`);
      await w.page.click('main .pager a[rel="next"]');
      await w.page.waitForFunction(() => location.hash === "#/participants?size=5&page=2");
      await waitRendered(w.page);
      expect(await w.page.textContent("main .count")).to.equal(`第 6–${Math.min(10, participants)} 条，共 ${participants} 条`);
      expect(await w.page.textContent("main .pager .pages")).to.equal(`第 2 页，共 ${Math.ceil(participants / 5)} 页`);
      await w.page.reload();
      await waitRendered(w.page);
      expect(await w.page.locator("main table tbody tr").count()).to.equal(Math.min(5, participants - 5));
    } finally {
      await w.close();
    }
  });

  it("C21 the 中文/EN toggle switches every label, sets <html lang>, is remembered, and no enum is shown as its raw code", async () => {
    const labels = (await (await fetch(`${base}/i18n/labels.json`)).json()) as Labels;
    const codes = new Set<string>();
    for (const g of Object.values(labels)) for (const c of Object.keys(g)) if (/^[A-Z][A-Za-z]{3,}$/.test(c)) codes.add(c);
    const w = await openPage(browser, "desktop");
    /** The page's visible text outside chain texts (names, marked lang="zh-CN" on an English page) and hashes. */
    const uiText = (p: Page) =>
      p.evaluate(() => {
        const skip = '[lang^="zh"], code, .hash-wrap, script, style, #status, [hidden], .demo-banner';
        const lines: string[] = [];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const parent = n.parentElement;
          const text = (n.textContent ?? "").trim();
          if (!parent || text === "" || parent.closest(skip)) continue;
          lines.push(text);
        }
        // Attributes a reader hears: labels, titles, placeholders.
        for (const e of document.querySelectorAll("[aria-label], [placeholder], [title]")) {
          if (e.closest(skip)) continue;
          for (const at of ["aria-label", "placeholder"]) if (e.getAttribute(at)) lines.push(e.getAttribute(at) as string);
        }
        return lines.join("\n");
      });
    const rawCodes = (text: string, english: boolean) =>
      [...codes].filter((c) => new RegExp(`(^|[^A-Za-z])${c}([^A-Za-z]|$)`).test(text) && (!english || /[a-z][A-Z]/.test(c)));
    try {
      const checked = [`#/authorizations/${ids.authorization}`, `#/products/${ids.unusable ?? ids.product}`, "#/catalog", "#/participants", `#/participants/${ids.participant}`];
      for (const hash of checked) {
        await visit(w.page, `${base}/${hash}`);
        expect(await w.page.getAttribute("html", "lang")).to.equal("zh-CN");
        const zh = await uiText(w.page);
        expect(rawCodes(zh, false), `${hash} in Chinese`).to.deep.equal([]);
      }
      await visit(w.page, `${base}/#/authorizations/${ids.authorization}`);
      await w.page.click("#lang-toggle");
      await w.page.waitForFunction(() => document.documentElement.lang === "en");
      await waitRendered(w.page);
      expect(await w.page.textContent("main h1")).to.match(/^Authorization notice: /);
      expect(await w.page.evaluate(() => document.activeElement?.id)).to.equal("lang-toggle");
      const en = await uiText(w.page);
      const chinese = en.split("\n").filter((line) => CJK.test(line));
      expect(chinese, "Chinese left on the English page").to.deep.equal([]);
      expect(rawCodes(en, true)).to.deep.equal([]);
      for (const hash of checked.slice(1)) {
        await visit(w.page, `${base}/${hash}`);
        expect(rawCodes(await uiText(w.page), true), `${hash} in English`).to.deep.equal([]);
      }
      // Remembered: a reload stays in English, and the switch back restores Chinese.
      await w.page.reload();
      await waitRendered(w.page);
      expect(await w.page.getAttribute("html", "lang")).to.equal("en");
      expect(await w.page.textContent("#lang-toggle")).to.equal("中文");
      await w.page.click("#lang-toggle");
      await w.page.waitForFunction(() => document.documentElement.lang === "zh-CN");
      await waitRendered(w.page);
      expect(await w.page.textContent('#nav a[data-nav="authorizations"]')).to.equal("授权公示");
      expect(w.errors).to.deep.equal([]);
    } finally {
      await w.close();
    }
  });

  it("C37 annual disclosures: the year shown can be changed, the due date reads 3月31日, who disclosed and who is missing", async () => {
    const due = await api<{ year: number; disclosures: { participantId: string }[]; missing: unknown[] }>("/disclosures/annual");
    const w = await openPage(browser, "desktop");
    try {
      await visit(w.page, `${base}/#/annual`);
      expect(await w.page.textContent("main h1")).to.equal(`${due.year} 年度披露`);
      expect(await w.page.textContent("main .lead")).to.contain("3月31日").and.contain(`${due.year + 1}年3月31日`);
      expect(await w.page.locator("main section").first().locator("tbody tr").count()).to.equal(due.disclosures.length);
      const earlier = due.year - 3;
      await w.page.selectOption("#annual-year", String(earlier));
      await w.page.click('main form button[type="submit"]');
      await w.page.waitForFunction((y) => location.hash === `#/annual?year=${y}`, earlier);
      await waitRendered(w.page);
      expect(await w.page.textContent("main h1")).to.equal(`${earlier} 年度披露`);
      const old = await api<{ disclosures: unknown[] }>(`/disclosures/annual?year=${earlier}`);
      if (old.disclosures.length === 0) expect(await w.page.textContent("main .empty")).to.contain(`${earlier} 年度尚无主体在链上披露`);
    } finally {
      await w.close();
    }
  });

  it("C21 search from the header finds a registration code, a credit code and a Chinese name", async function () {
    const probe = await fetch(`${base}/api/v1/search?q=x`);
    if (probe.status === 404) this.skip(); // the search API is not in this build yet
    const product = await api<{ id: string; registration: { code: string } }>(`/products/${ids.product}`);
    const holder = await api<{ id: string; name: string; creditCode: string }>(`/participants/${ids.participant}`);
    const w = await openPage(browser, "phone");
    try {
      const search = async (q: string) => {
        await visit(w.page, `${base}/#/`);
        if (!(await w.page.isVisible("#search-input"))) await w.page.click("#menu-button");
        await w.page.fill("#search-input", q);
        await w.page.press("#search-input", "Enter");
        await w.page.waitForFunction((x) => location.hash === `#/search?q=${encodeURIComponent(x)}`, q);
        await waitRendered(w.page);
        return w.page.$$eval(".search-results a", (as) => as.map((a) => a.getAttribute("href")));
      };
      expect(await search(product.registration.code)).to.include(`#/products/${product.id}`);
      expect(await search(holder.creditCode)).to.include(`#/participants/${holder.id}`);
      const part = holder.name.replace(/^【演示】/, "").slice(0, 4);
      expect(await search(part)).to.include(`#/participants/${holder.id}`);
      await search("不存在的名称ZZZ");
      expect(await w.page.textContent("main .empty")).to.contain("没有找到");
    } finally {
      await w.close();
    }
  });

  it("an unknown route shows a 404 page in the chosen language; a browser asking an unknown path gets a 404 HTML page; the favicon is served", async () => {
    const w = await openPage(browser, "desktop");
    try {
      await visit(w.page, `${base}/#/no-such-page`);
      expect(await w.page.textContent("main h1")).to.equal("页面不存在");
      await visit(w.page, `${base}/#/products/999999`);
      expect(await w.page.textContent("main .error")).to.contain("没有找到这条记录");
      expect(await w.page.textContent("main")).to.not.contain("not_found");
      const res = await w.page.goto(`${base}/no/such/path`);
      expect(res?.status()).to.equal(404);
      expect(res?.headers()["content-type"]).to.match(/^text\/html/);
      expect(await w.page.textContent("h1")).to.equal("页面不存在");
    } finally {
      await w.close();
    }
    const api404 = await fetch(`${base}/no/such/path`, { headers: { accept: "application/json" } });
    expect(api404.status).to.equal(404);
    expect(((await api404.json()) as { error: { code: string } }).error.code).to.equal("not_found");
    const icon = await fetch(`${base}/favicon.svg`);
    expect(icon.status).to.equal(200);
    expect(icon.headers.get("content-type")).to.match(/^image\/svg\+xml/);
  });

  it("marks demo data as demo and keeps one small polite status region (no page-wide aria-live)", async () => {
    const w: WatchedPage = await openPage(browser, "desktop");
    try {
      await visit(w.page, `${base}/#/`);
      await w.page.waitForSelector("body.demo .demo-banner", { state: "visible" });
      expect(await w.page.textContent(".demo-banner")).to.contain("演示数据");
      const live = await w.page.$$eval("[aria-live]", (ns) => ns.map((n) => n.id));
      expect(live).to.deep.equal(["status"]);
      expect(await w.page.getAttribute("main", "aria-live")).to.equal(null);
      // The skip link is the first stop and leads to the page's heading.
      await w.page.keyboard.press("Tab");
      expect(await w.page.evaluate(() => document.activeElement?.className)).to.equal("skip");
      await w.page.keyboard.press("Enter");
      expect(await w.page.evaluate(() => document.activeElement?.tagName)).to.equal("H1");
    } finally {
      await w.close();
    }
  });
});
