/**
 * Browser-test helpers: Debian's chromium driven by playwright-core, the page's console errors
 * collected, axe-core run inside the page, the horizontal-overflow check, and screenshots into
 * `screenshots/` at the repository root (git-ignored) named `<page>-<viewport>.png`.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

// Browser globals, used only inside page.evaluate/waitForFunction callbacks that run in chromium
// (the project compiles for node without the DOM lib): untyped on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any, window: any, location: any, NodeFilter: any;

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const ROOT = path.resolve(__dirname, "..", "..", "..");
export const SCREENSHOTS = path.join(ROOT, "screenshots");
export const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export const VIEWPORTS = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1366, height: 900 },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}

/** A page whose console errors and uncaught exceptions are collected in `errors`. */
export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  errors: string[];
  close(): Promise<void>;
}

export async function openPage(browser: Browser, viewport: ViewportName = "desktop", opts: { locale?: string } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: VIEWPORTS[viewport], locale: opts.locale ?? "zh-CN", timezoneId: "Asia/Shanghai" });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on("pageerror", (e) => errors.push(`uncaught: ${e.message}`));
  return { context, page, errors, close: () => context.close() };
}

/** Navigates to a hash route and waits until the page has rendered (the shell is no longer busy). */
export async function visit(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await waitRendered(page);
}

export async function waitRendered(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    // The view of the current address (not the one before a hash change), finished and headed.
    const view = document.querySelector("#main .view");
    return view !== null && view.getAttribute("data-route") === (location.hash || "#/") && !document.body.hasAttribute("aria-busy") && view.querySelector("h1") !== null;
  }, undefined, { timeout: 30_000 });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; html: string }[];
}

let axeSource: string | null = null;

/** axe-core's WCAG 2.1 A/AA rules in the page (its source evaluated as a script: the CSP forbids inline scripts). */
export async function axe(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(path.join(ROOT, "node_modules", "axe-core", "axe.min.js"), "utf8");
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== "undefined");
  if (!loaded) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const w = window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[]; html: string }[] }[] }> } };
    const r = await w.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] }, resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, html: n.html.slice(0, 200) })) }));
  });
}

/** Violations of impact serious or critical, as readable lines. */
export function seriousViolations(violations: AxeViolation[]): string[] {
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => `${n.target.join(" ")} ${n.html}`).join(" | ")}`);
}

/** Whether the document is wider than the window (a page that scrolls sideways). */
export async function overflows(page: Page): Promise<{ overflow: boolean; scrollWidth: number; innerWidth: number; widest: string | null }> {
  return page.evaluate(() => {
    const scrollWidth = document.documentElement.scrollWidth;
    const overflow = scrollWidth > window.innerWidth;
    let widest: string | null = null;
    if (overflow) {
      // Name the first element sticking out, to say what to fix.
      for (const e of document.querySelectorAll("body *")) {
        const r = e.getBoundingClientRect();
        if (r.right > window.innerWidth + 1) {
          widest = `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ""}${e.className && typeof e.className === "string" ? `.${e.className.split(" ").join(".")}` : ""} right=${Math.round(r.right)}`;
          break;
        }
      }
    }
    return { overflow, scrollWidth, innerWidth: window.innerWidth, widest };
  });
}

/** A full-page screenshot as screenshots/<name>-<viewport>.png. */
export async function screenshot(page: Page, name: string, viewport: ViewportName): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}-${viewport}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
