/**
 * The portal's usage, receipt-verify and transaction pages in a real browser (Debian's chromium
 * driven by playwright-core) against the demo served as `npm start` serves it (helpers/portal-demo:
 * a seeded chain, the service with operator A's platform node, the demo's receipts anchored):
 * the usage charts are drawn by ECharts (served by the site) with tables equal to the API's
 * series, the batches list shows each batch's sequence gap; the browser checks a receipt proof
 * fetched from the node's API by itself and refuses tampered copies, naming the step and field;
 * the transaction page lists the decoded events of a batch's anchoring transaction.
 */
import { expect } from "chai";
import { existsSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { demoReceiptPeriods } from "../../scripts/lib/demo-receipts";
import { startPortalDemo, type PortalDemo } from "./helpers/portal-demo";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const AXE = path.join(path.dirname(require.resolve("axe-core")), "axe.min.js");
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

type Series = { by: string; bucket: string; series: { id: string; name: string | null; points: [number, number, string][] }[] };
type Batches = { total: number; next: string | null; items: { nodeId: string; sequence: string; root: string; count: number; gapBefore: number; anchor: { txHash: string } }[] };
type ProofFile = { receipt: Record<string, unknown>; leaf: string; proof: string[]; batch: { nodeId: string; sequence: string; root: string } };

describe("portal: usage charts, batches, receipt verification and transactions in a real browser", function () {
  this.timeout(600_000);
  let demo: PortalDemo;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[] = [];
  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${demo.base}/api/v1${path}`);
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  /** A proof file of one of the demo's receipts, from the platform node's API. */
  const proofOf = (batch: number, index = 0) => api<ProofFile>(`/receipts/${demoReceiptPeriods(demo.chain.summary)[batch].receipts[index].id}/proof`);

  before(async function () {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)`);
    demo = await startPortalDemo("portal-usage");
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
    context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    page = await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("response", (r) => {
      if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
    });
  });

  after(async () => {
    await browser?.close();
    await demo?.stop();
  });

  beforeEach(() => {
    errors = [];
  });
  afterEach(function () {
    if (this.currentTest?.state === "passed") expect(errors, "console errors").to.deep.equal([]);
  });

  async function open(hash: string) {
    await page.goto("about:blank");
    await page.goto(`${demo.base}/${hash}`);
    await page.waitForSelector("main h1");
  }

  it("C21 draws a chart per product, scenario and operator with ECharts, and each table equals the API's series", async () => {
    await open("#/usage");
    await page.waitForSelector('.chart[data-by="operator"] canvas');
    expect(await page.locator(".chart canvas").count()).to.be.at.least(3);
    expect(await page.evaluate(() => typeof (globalThis as unknown as { echarts?: unknown }).echarts)).to.equal("object");
    for (const by of ["product", "scenario", "operator"]) {
      const body = await api<Series>(`/disclosures/usage/series?by=${by}&bucket=month`);
      expect(body.series.length, by).to.be.greaterThan(0);
      const cells = await page.$$eval(`table.series-table[data-by="${by}"] tbody td[data-uses]:not([data-uses="0"])`, (tds) =>
        tds.map((td) => [td.getAttribute("data-series"), Number(td.closest("tr")!.getAttribute("data-start")), Number(td.getAttribute("data-uses")), td.getAttribute("data-fee"), td.textContent]),
      );
      const want = body.series.flatMap((s) => s.points.map((p) => [s.id, p[0], p[1], p[2]]));
      expect(cells.map((c) => c.slice(0, 4)).sort(), by).to.deep.equal(want.sort());
      for (const c of cells) expect(c[4], by).to.contain(new Intl.NumberFormat("zh-CN").format(c[2] as number));
      // Each series by its record's public name (its public text's name; an operator's registered name), shown as the column head.
      for (const s of body.series) {
        const record = await api<{ name: string | null }>(`/${by === "operator" ? "participants" : `${by}s`}/${s.id}`);
        expect(record.name, `${by} ${s.id}`).to.be.a("string").and.not.equal("");
        expect(s.name, `${by} ${s.id}`).to.equal(record.name);
        expect(await page.textContent(`table.series-table[data-by="${by}"] thead th[data-series="${s.id}"]`)).to.equal(record.name);
      }
    }
    // The demo's own receipts: every one of them is counted once per operator.
    const ops = await api<Series>("/disclosures/usage/series?by=operator&bucket=month");
    const receipts = demoReceiptPeriods(demo.chain.summary).reduce((n, p) => n + p.receipts.length, 0);
    expect(ops.series.reduce((n, s) => n + s.points.reduce((m, p) => m + p[1], 0), 0)).to.equal(receipts);
  });

  it("C21 shows the usage page in English on request: strings, and each series by its English public name where it has one", async () => {
    await open("#/usage");
    await page.evaluate("localStorage.setItem('provenant.lang', 'en')");
    try {
      await open("#/usage?bucket=month");
      await page.waitForSelector('.chart[data-by="product"] canvas');
      expect(await page.textContent("main h1")).to.equal("Usage");
      expect(await page.getAttribute("html", "lang")).to.equal("en");
      expect(await page.textContent("#batches h2")).to.equal("Anchored batches");
      const body = await api<Series & { series: { nameEn: string | null }[] }>("/disclosures/usage/series?by=product&bucket=month");
      for (const s of body.series) {
        expect(await page.textContent(`table.series-table[data-by="product"] thead th[data-series="${s.id}"]`)).to.equal(s.nameEn ?? s.name);
      }
    } finally {
      await page.evaluate("localStorage.setItem('provenant.lang', 'zh')");
    }
  });

  it("C22 lists the anchored batches with the sequence gap of each, as the API gives them", async () => {
    await open("#/usage");
    await page.waitForSelector("table.batches tbody tr");
    const body = await api<Batches>("/batches?limit=20");
    const rows = await page.$$eval("table.batches tbody tr", (trs) => trs.map((tr) => [tr.getAttribute("data-node"), tr.getAttribute("data-sequence"), Number(tr.getAttribute("data-gap")), tr.classList.contains("gap")]));
    expect(rows).to.deep.equal(body.items.map((b) => [b.nodeId, b.sequence, b.gapBefore, b.gapBefore > 0]));
    // One node, numbered without gaps (the contract refuses a skip), newest first.
    expect(rows.map((r) => r[1])).to.deep.equal(Array.from({ length: body.total }, (_, i) => String(body.total - i)));
    expect(body.total).to.be.at.least(demoReceiptPeriods(demo.chain.summary).length);
    expect(await page.locator(`table.batches a[href="#/tx/${body.items[0].anchor.txHash}"]`).count()).to.equal(1);
  });

  it("C21 keeps the usage page inside 390 px: the charts resize and the tables scroll in their box", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await open("#/usage?bucket=day");
      await page.waitForSelector('.chart[data-by="operator"] canvas');
      const m = (await page.evaluate(`({
        overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        canvases: [...document.querySelectorAll(".chart canvas")].map((c) => c.getBoundingClientRect().right),
      })`)) as { overflow: number; canvases: number[] };
      expect(m.overflow).to.be.at.most(0);
      for (const right of m.canvases) expect(right).to.be.at.most(390);
      expect(await page.locator("#usage-bucket").inputValue()).to.equal("day");
    } finally {
      await page.setViewportSize({ width: 1366, height: 900 });
    }
  });

  it("C31 accepts a demo receipt's proof file: the browser recomputes leaf and path and finds the root anchored, with its transaction", async () => {
    const file = await proofOf(1, 7);
    const batch = await api<{ root: string; anchor: { txHash: string } }>(`/batches/${file.batch.nodeId}/${file.batch.sequence}`);
    await open("#/verify");
    await page.fill("#verify-text", JSON.stringify(file, null, 2));
    await page.click("#verify-run");
    await page.waitForSelector(".verdict");
    expect(await page.getAttribute(".verdict", "data-ok")).to.equal("true");
    const steps = await page.$$eval(".verify-steps li", (lis) => lis.map((li) => [li.getAttribute("data-step"), li.getAttribute("data-status")]));
    expect(steps).to.deep.equal(["file", "leaf", "node", "proof", "anchored", "timeRange"].map((s) => [s, "pass"]));
    expect(await page.textContent('.verify-steps li[data-step="leaf"]')).to.contain(file.leaf);
    expect(await page.locator(`#verify-result a[href="#/tx/${batch.anchor.txHash}"]`).count()).to.equal(1);
    // The same file chosen with the file input.
    await open("#/verify");
    await page.setInputFiles("#verify-file", { name: "receipt.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(file)) });
    await page.waitForSelector(".verdict");
    expect(await page.getAttribute(".verdict", "data-ok")).to.equal("true");
  });

  it("C31 rejects tampered proof files with the step and field that give them away", async () => {
    const file = await proofOf(0, 4); // a commercial use: its fee can change and stay well formed
    const other = await api<Batches>("/batches?limit=20");
    const cases: { name: string; edit: (f: ProofFile) => void; step: string; text: RegExp }[] = [
      { name: "a changed fee", edit: (f) => (f.receipt.fee = String(BigInt(f.receipt.fee as string) + 100n)), step: "leaf", text: /receipt/ },
      { name: "a changed time, no leaf", edit: (f) => { f.receipt.timestamp = (f.receipt.timestamp as number) + 1; delete (f as Partial<ProofFile>).leaf; }, step: "proof", text: /batch\.root/ },
      { name: "a changed proof step", edit: (f) => (f.proof[0] = `0x${"ab".repeat(32)}`), step: "proof", text: /proof/ },
      { name: "another batch's number", edit: (f) => (f.batch.sequence = other.items[0].sequence), step: "anchored", text: /batch\.root/ },
      { name: "a batch never anchored", edit: (f) => (f.batch.sequence = "99"), step: "anchored", text: /batch\.sequence/ },
      { name: "a malformed field", edit: (f) => (f.receipt.consumer = "0x1234"), step: "file", text: /receipt\.consumer/ },
      { name: "another node", edit: (f) => (f.batch.nodeId = "1"), step: "node", text: /batch\.nodeId/ },
    ];
    await open("#/verify");
    for (const c of cases) {
      const bad = JSON.parse(JSON.stringify(file)) as ProofFile;
      c.edit(bad);
      await page.fill("#verify-text", JSON.stringify(bad));
      await page.click("#verify-run");
      await page.waitForSelector(`.verify-steps li[data-step="${c.step}"][data-status="fail"]`);
      expect(await page.getAttribute(".verdict", "data-ok"), c.name).to.equal("false");
      expect(await page.textContent(`.verify-steps li[data-step="${c.step}"]`), c.name).to.match(c.text);
      expect(await page.locator('.verify-steps li[data-status="fail"]').count(), c.name).to.equal(1);
    }
  });

  it("C22 lists the decoded events of a demo transaction with links to their records", async () => {
    const batches = await api<Batches>("/batches?limit=1");
    const hash = batches.items[0].anchor.txHash;
    const tx = await api<{ events: { logIndex: number; event: string; record: { kind: string; id: string } | null }[] }>(`/tx/${hash}`);
    await open(`#/tx/${hash}`);
    await page.waitForSelector(".tx-events li[data-event]");
    const shown = await page.$$eval(".tx-events > li", (lis) => lis.map((li) => [Number(li.getAttribute("data-log")), li.getAttribute("data-event")]));
    expect(shown).to.deep.equal(tx.events.map((e) => [e.logIndex, e.event]));
    expect(shown.map((s) => s[1])).to.include("BatchAnchored");
    expect(await page.textContent(".tx-events")).to.contain("使用回执批次锚定");
    for (const e of tx.events.filter((x) => x.record)) {
      expect(await page.locator(`.tx-events > li[data-log="${e.logIndex}"] a.record-link`).count(), e.event).to.be.greaterThan(0);
    }
  });

  it("C21 has no serious or critical accessibility violation (axe-core) on the usage, verify and transaction pages", async () => {
    // axe is injected as an inline script, which the site's CSP forbids: a context that bypasses it, for axe alone.
    // These pages' own content (main); the shell around it is the portal test's.
    const axeContext = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true });
    try {
      const p = await axeContext.newPage();
      const batches = await api<Batches>("/batches?limit=1");
      const file = await proofOf(0, 0);
      for (const hash of ["#/usage", "#/verify", `#/tx/${batches.items[0].anchor.txHash}`]) {
        await p.goto(`${demo.base}/${hash}`);
        await p.waitForSelector("main h1");
        if (hash === "#/usage") await p.waitForSelector(".chart canvas");
        if (hash === "#/verify") {
          await p.fill("#verify-text", JSON.stringify({ ...file, leaf: `0x${"12".repeat(32)}` }));
          await p.click("#verify-run");
          await p.waitForSelector(".verdict");
        }
        if (hash.startsWith("#/tx/")) await p.waitForSelector(".tx-events li");
        await p.addScriptTag({ path: AXE });
        const result = (await p.evaluate("axe.run({ include: [['main']] }, { resultTypes: ['violations'] })")) as { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] };
        const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
        expect(bad, hash).to.deep.equal([]);
      }
    } finally {
      await axeContext.close();
    }
  });
});
