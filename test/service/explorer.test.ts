/**
 * The portal over a seeded index (helpers/ledger.ts seedWorld, every registry) in a real browser:
 * what the demo chain does not cover — a name from the chain that is markup, pending governance
 * changes on the home page and their list (C05, C22), a record's history holding only its own
 * events (C22), the provenance tree down to the source departments (C21).
 * The demo-chain pages are in portal.test.ts.
 */
import { expect } from "chai";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { Browser } from "playwright-core";
import { loadProfile } from "../../policy/profile";
import { createApi } from "../../ledger-service/src/api/server";
import { createExplorer } from "../../ledger-service/src/explorer";
import { createViews } from "../../ledger-service/src/views";
import { launchBrowser, openPage, visit, type WatchedPage } from "./helpers/browser";
import { createChainBuilder, cst, GOV, h, openTestStore, seedGovernance, seedWorld, silentLogger, KEYS, type TestStore } from "./helpers/ledger";

// Browser globals, used only inside page.evaluate/waitForFunction callbacks that run in chromium
// (the project compiles for node without the DOM lib): untyped on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any, window: any, location: any, NodeFilter: any;

const HOSTILE_NAME = `<img src=x onerror="window.__pwned=1">恶意名称`;

describe("explorer: the portal over a seeded index in a real browser", function () {
  this.timeout(120_000);
  let ts: TestStore;
  let server: Server;
  let base: string;
  let browser: Browser;
  let w: WatchedPage;

  before(async function () {
    ts = await openTestStore(createViews(loadProfile("huizhou")));
    const b = createChainBuilder();
    seedWorld(b);
    // A participant whose registered name is markup: the page must show it as text.
    b.block(cst("2026-06-01"), [
      {
        contract: "ParticipantRegistry",
        event: "ParticipantRegistered",
        args: { id: "99", kind: 5, name: HOSTILE_NAME, creditCode: "91441300MA0000099X", profileHash: h("hostile"), signers: [KEYS.developer], registeredBy: KEYS.authority },
      },
    ]);
    // An AgreementRegistry swap and an EXPERT grant scheduled on the hub and still waiting.
    seedGovernance(b, cst("2026-06-02"));
    await ts.apply(b);
    const app = createApi(
      { logger: silentLogger },
      { reader: ts.store.reader, health: () => ({ chainId: 31337, indexedBlock: 42, lag: 0, demo: true }), hasRole: async () => false, rateLimit: false, explorer: createExplorer() },
    );
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
    w = await openPage(browser, "desktop");
  });

  after(async () => {
    await w?.close();
    await browser?.close();
    server?.close();
    await ts?.close();
  });

  afterEach(() => {
    expect(w.errors, "console errors").to.deep.equal([]);
  });

  it("C22 an authorization's history holds only its own events, statuses from → to, the agreement it names linked", async () => {
    await visit(w.page, `${base}/#/authorizations/1`);
    const items = w.page.locator("ol.timeline > li");
    const events = await items.locator(".what strong").allTextContents();
    expect(events).to.include("提交授权申请").and.include("授权生效");
    // The agreement's own events are on its page, not mixed in here.
    expect(events.join("|")).to.not.contain("协议备案");
    const activated = items.filter({ hasText: "授权生效" }).last();
    expect(await activated.locator('a[href="#/agreements/1"]').count()).to.equal(1);
    const change = items.filter({ has: w.page.locator(".change") }).last();
    expect(await change.locator(".badge").allTextContents()).to.deep.equal(["公示中", "授权生效"]);
    await activated.locator('a[href="#/agreements/1"]').click();
    await w.page.waitForFunction(() => location.hash === "#/agreements/1");
    await w.page.waitForSelector('main .view[data-page="agreement"] h1');
    expect(await w.page.textContent("main .doc-no")).to.contain("协议 #1");
  });

  it("C21 traces a product through its parent product, scenario and authorizations to the source departments", async () => {
    await visit(w.page, `${base}/#/products/2`);
    const kinds = await w.page.$$eval("#provenance .node-kind", (nodes) => nodes.map((n) => n.textContent));
    for (const kind of ["产品", "场景", "授权", "资源", "主体"]) expect(kinds).to.include(kind);
    expect(await w.page.textContent("#provenance")).to.contain("惠州市自然资源局");
  });

  it("shows a name from the chain as text, never as markup", async () => {
    await visit(w.page, `${base}/#/participants`);
    expect(await w.page.textContent("main")).to.contain(HOSTILE_NAME);
    expect(await w.page.locator("main img").count()).to.equal(0);
    expect(await w.page.evaluate("typeof window.__pwned")).to.equal("undefined");
  });

  it("C05 C22 warns on the home page of a pending registry swap and lists every pending governance change", async () => {
    await visit(w.page, `${base}/#/`);
    const notice = (await w.page.textContent("#governance-notice")) ?? "";
    expect(notice).to.contain("合约地址变更").and.contain("协议登记");
    await w.page.click("#governance-notice a");
    await w.page.waitForFunction(() => location.hash === "#/governance");
    await w.page.waitForSelector('main .view[data-page="governance"] h1');
    const rows = await w.page.$$eval("main table tbody tr", (trs) => trs.map((tr) => tr.textContent ?? ""));
    expect(rows).to.have.length(2);
    expect(rows[0]).to.contain("合约地址变更");
    expect(rows[1]).to.contain("角色授予");
    const titles = await w.page.$$eval("main table tbody tr code.hash", (cs) => cs.map((c) => c.getAttribute("title")));
    expect(titles).to.include(GOV.acceptAll).and.include(GOV.realAgreements).and.include(GOV.newExpert);
    await w.page.waitForSelector("body.demo .demo-banner", { state: "visible" });
  });

  it("C22 warns with a banner, in the chosen language, while the index has diverged from the chain", async () => {
    const app = createApi(
      { logger: silentLogger },
      { reader: ts.store.reader, health: () => ({ chainId: 31337, indexedBlock: 42, lag: 0, status: "diverged" }), hasRole: async () => false, rateLimit: false, explorer: createExplorer() },
    );
    const diverged = await new Promise<Server>((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    const other = await openPage(browser, "phone");
    try {
      await visit(other.page, `http://127.0.0.1:${(diverged.address() as AddressInfo).port}/#/`);
      await other.page.waitForSelector("#index-banner", { state: "visible" });
      expect(await other.page.textContent("#index-banner")).to.contain("索引与链已分叉");
      expect(await other.page.isVisible(".demo-banner")).to.equal(false);
      await other.page.click("#lang-toggle");
      await other.page.waitForFunction(() => document.documentElement.lang === "en");
      expect(await other.page.textContent("#index-banner")).to.contain("The index has diverged from the chain");
      expect(other.errors).to.deep.equal([]);
    } finally {
      await other.close();
      diverged.close();
    }
  });

  it("says in words, not codes, when a record does not exist", async () => {
    await visit(w.page, `${base}/#/products/999`);
    expect(await w.page.textContent("main .error")).to.contain("没有找到这条记录");
    expect(await w.page.textContent("main")).to.not.contain("not_found");
    w.errors.length = 0; // the 404 answer of the API is logged by the browser
  });
});
