/**
 * The public disclosure portal (公示平台): static ES modules that read only the public API.
 * Chinese first with an English toggle. Mounted by the runtime at "/" beside the API. Also serves
 * the enum labels the pages use (`/i18n/labels.json`, straight from ledger-service/src/i18n) and
 * the policy profiles (`/policy/<id>.json`, the public rules of the deployment). A browser asking
 * an unknown page (Accept: text/html) gets a 404 HTML page in both languages; anything else falls
 * through to the API's JSON 404.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import express, { type NextFunction, type Request, type Response, type Router } from "express";

/** Directory of the page's files. */
export const EXPLORER_DIR = path.join(__dirname, "public");
/** The labels of every enum and code (one file shared with the CLI). */
export const LABELS_FILE = path.join(__dirname, "..", "i18n", "labels.json");
/** The policy profiles (public rules: notice days, terms, due dates). */
export const PROFILES_DIR = path.join(__dirname, "..", "..", "..", "policy", "profiles");

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

function secure(res: Response): void {
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Content-Security-Policy", CSP);
  res.setHeader("Referrer-Policy", "no-referrer");
}

const NOT_FOUND_HTML = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>页面不存在 · Page not found</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/style.css">
</head>
<body>
<main id="main">
<h1>页面不存在</h1>
<p>找不到这个地址。请从<a href="/">公示平台首页</a>查找要看的记录。</p>
<h2 lang="en">Page not found</h2>
<p lang="en">There is no such address. Find the record from the <a href="/">portal's home page</a>.</p>
</main>
</body>
</html>
`;

// ===== Vendor files of the usage and receipt-verify pages (h-charts) =====
// Served from the npm packages (no CDN, no copy in the repository): Apache ECharts' browser build
// for the usage charts, and the few ES modules of @noble/hashes' ESM build that keccak256 needs,
// for the browser's own check of a receipt proof. Paths resolved through the package resolver.

/** Apache ECharts' minified browser build (UMD: defines `window.echarts`). */
export const ECHARTS_FILE = require.resolve("echarts/dist/echarts.min.js");
/** @noble/hashes' ESM build (the directory holding sha3.js). */
export const NOBLE_HASHES_ESM_DIR = path.join(path.dirname(require.resolve("@noble/hashes/sha3")), "esm");
/** The ESM files keccak_256 imports, and nothing else of the package. */
const NOBLE_FILES = new Set(["sha3.js", "_u64.js", "utils.js", "crypto.js"]);

function mountVendor(router: Router): void {
  router.get("/vendor/echarts.min.js", (_req: Request, res: Response) => {
    secure(res);
    res.setHeader("Cache-Control", "public, max-age=86400");
    res.type("text/javascript").sendFile(ECHARTS_FILE);
  });
  const noble = new Map<string, string>();
  router.get("/vendor/noble-hashes/:file", (req: Request, res: Response, next: NextFunction) => {
    const file = String(req.params.file);
    if (!NOBLE_FILES.has(file)) return next();
    let body = noble.get(file);
    if (body === undefined) {
      // utils.js imports its crypto by package name, which a browser without an import map cannot
      // resolve (and an inline import map would break the CSP): point it at the file beside it.
      body = readFileSync(path.join(NOBLE_HASHES_ESM_DIR, file), "utf8").replace(/from\s+(['"])@noble\/hashes\/crypto\1/g, 'from "./crypto.js"');
      noble.set(file, body);
    }
    secure(res);
    res.setHeader("Cache-Control", "public, max-age=86400");
    res.type("text/javascript").send(body);
  });
}
// ===== end of the vendor files =====

/** A router serving the portal; unknown non-page paths fall through to the API's 404. */
export function createExplorer(): Router {
  const router = express.Router();
  mountVendor(router);
  router.get("/i18n/labels.json", (_req: Request, res: Response, next: NextFunction) => {
    // Read on each request (a small file): the source file is the only copy.
    if (!existsSync(LABELS_FILE)) return next();
    secure(res);
    res.setHeader("Cache-Control", "no-cache");
    res.type("application/json").send(readFileSync(LABELS_FILE));
  });
  router.get("/policy/:id.json", (req: Request, res: Response, next: NextFunction) => {
    const id = String(req.params.id);
    if (!/^[a-z][a-z0-9-]{0,40}$/.test(id)) return next();
    const file = path.join(PROFILES_DIR, `${id}.json`);
    if (!existsSync(file)) return next();
    secure(res);
    res.type("application/json").send(readFileSync(file));
  });
  router.use(
    express.static(EXPLORER_DIR, {
      index: "index.html",
      fallthrough: true,
      setHeaders: secure,
    }),
  );
  router.use((req: Request, res: Response, next: NextFunction) => {
    const page = (req.method === "GET" || req.method === "HEAD") && !req.path.startsWith("/api/") && req.accepts(["json", "html"]) === "html";
    if (!page) return next();
    secure(res);
    res.status(404).type("html").send(NOT_FOUND_HTML);
  });
  return router;
}
