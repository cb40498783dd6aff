/**
 * The public disclosure explorer in a real browser (Debian's chromium driven by playwright-core):
 * the page reads only the public API of a service whose index was built by the real views, shows
 * disclosures (C21), a product's provenance down to its source departments, and every record's
 * history (C22); names from the chain are rendered as text, never as markup.
 */
import { expect } from "chai";
import { existsSync, mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { loadProfile } from "../../policy/profile";
import { createApi } from "../../ledger-service/src/api/server";
import { createExplorer } from "../../ledger-service/src/explorer";
import { createViews } from "../../ledger-service/src/views";
import { createChainBuilder, cst, GOV, h, openTestStore, seedGovernance, seedWorld, silentLogger, KEYS, P, type TestStore } from "./helpers/ledger";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const HOSTILE_NAME = `<img src=x onerror="window.__pwned=1">恶意名称`;

describe("explorer: the public disclosure page in a real browser", function () {
  this.timeout(120_000);
  let ts: TestStore;
  let server: Server;
  let base: string;
  let browser: Browser;
  let page: Page;

  before(async function () {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)`);
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
      {
        contract: "ReceiptAnchor",
        event: "BatchAnchored",
        args: {
          nodeId: P.operator, sequence: "1", root: h("root"), receiptCount: 640, firstAt: String(cst("2026-05-31")),
          lastAt: String(cst("2026-05-31", 20)), metadataHash: h("meta"), anchoredAt: String(cst("2026-06-01")), anchoredBy: KEYS.operator,
        },
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
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    page = await browser.newPage();
  });

  after(async () => {
    await browser?.close();
    server?.close();
    await ts?.close();
  });

  it("C21 lists the authorization disclosures: object, content, scope, term and status", async () => {
    await page.goto(`${base}/`);
    await page.waitForSelector("main table tbody tr td a");
    const text = await page.textContent("main");
    expect(text).to.contain("授权公示");
    expect(text).to.contain("惠州数据运营有限公司");
    expect(text).to.match(/Comprehensive, tier 1/);
    expect(await page.textContent("#health")).to.contain("31337");
  });

  it("C22 opens an authorization with its children and its full on-chain history", async () => {
    await page.goto(`${base}/#/authorization/1`);
    await page.waitForSelector("main h2");
    expect(await page.textContent("main h2")).to.contain("authorization #1");
    expect(await page.locator('main a[href="#/authorization/2"]').count()).to.be.greaterThan(0);
    await page.click("text=完整记录 Full history");
    await page.waitForSelector("main table tbody tr");
    const history = await page.textContent("main");
    expect(history).to.contain("AuthorizationRegistry.AuthorizationApplied");
    expect(history).to.contain("AuthorizationRegistry.AuthorizationActivated");
    // Statuses by name; only the authorization's own events, the agreement they name as a link.
    expect(history).to.contain("(from: Noticed, to: Active)");
    expect(history).to.not.contain("AgreementRegistry.AgreementFiled");
    const activated = page.locator("main table tbody tr", { hasText: "AuthorizationActivated" });
    expect(await activated.locator('a[href="#/agreement/1"]').textContent()).to.equal("agreement #1");
    await activated.locator('a[href="#/agreement/1"]').click();
    await page.waitForSelector("main h2");
    expect(await page.textContent("main h2")).to.contain("agreement #1");
  });

  it("C37 shows the annual disclosures of the last year due without being told the year", async () => {
    await page.goto(`${base}/#/annual`);
    await page.waitForSelector("main h2");
    const due = await (await fetch(`${base}/api/v1/disclosures/annual`)).json() as { year: number };
    expect(await page.textContent("main h2")).to.contain(`${due.year} 年度披露`);
  });

  it("shows an authorization's effective status beside the one stored", async () => {
    await page.goto(`${base}/#/authorization/1`);
    await page.waitForSelector("main h2 .status");
    const a = await (await fetch(`${base}/api/v1/authorizations/1`)).json() as { status: string; storedStatus: string };
    expect(await page.textContent("main h2 .status")).to.equal(a.status);
    const row = page.locator("main table tbody tr", { hasText: "storedStatus" });
    expect(await row.locator(".status").textContent()).to.equal(a.storedStatus);
  });

  it("traces a product back through its parent product, scenario and authorizations to the source departments", async () => {
    await page.goto(`${base}/#/product/2`);
    await page.waitForSelector("#provenance li");
    const kinds = await page.$$eval("#provenance .kind", (nodes) => nodes.map((n) => n.textContent));
    for (const kind of ["product", "scenario", "authorization", "resource", "participant"]) expect(kinds).to.include(kind);
    expect(await page.textContent("#provenance")).to.contain("惠州市自然资源局");
    mkdirSync(path.join("test", "service", ".screenshots"), { recursive: true });
    await page.screenshot({ path: path.join("test", "service", ".screenshots", "provenance.png"), fullPage: true });
  });

  it("shows a name from the chain as text, never as markup", async () => {
    await page.goto(`${base}/#/participants`);
    await page.waitForSelector("main table tbody tr");
    expect(await page.textContent("main")).to.contain(HOSTILE_NAME);
    expect(await page.locator("main img").count()).to.equal(0);
    expect(await page.evaluate("typeof window.__pwned")).to.equal("undefined");
  });

  it("C21 shows usage statistics from anchored receipt batches, and marks demo data as demo", async () => {
    await page.goto(`${base}/#/usage`);
    await page.waitForSelector("main table tbody tr");
    const text = await page.textContent("main");
    expect(text).to.contain("Anchored receipts: 640");
    expect(text).to.contain("惠州数据运营有限公司");
    await page.waitForSelector("body.demo .demo-banner", { state: "visible", timeout: 10_000 });
    expect(await page.textContent(".demo-banner")).to.contain("演示数据");
  });

  it("C05 C22 warns on the front page of a pending registry swap and lists every pending governance change", async () => {
    await page.goto(`${base}/`);
    await page.waitForSelector("#governance-notice");
    const notice = await page.textContent("#governance-notice");
    expect(notice).to.contain("AgreementRegistry");
    expect(notice).to.contain(GOV.acceptAll);
    await page.click("#governance-notice a");
    await page.waitForSelector("main table tbody tr");
    const rows = await page.$$eval("main table tbody tr", (trs) => trs.map((tr) => tr.textContent ?? ""));
    expect(rows).to.have.length(2);
    expect(rows[0]).to.contain("Registry address change").and.contain("AgreementRegistry").and.contain(GOV.acceptAll).and.contain(GOV.realAgreements);
    expect(rows[1]).to.contain("Governance role grant").and.contain("EXPERT").and.contain(GOV.newExpert);
  });

  it("says clearly when a record does not exist", async () => {
    await page.goto(`${base}/#/product/999`);
    await page.waitForSelector("main .error");
    expect(await page.textContent("main .error")).to.match(/not.?found/i);
  });
});
