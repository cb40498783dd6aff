/**
 * The public disclosure explorer (公示平台): a static page that reads only the public API.
 * Chinese first, English second. Mounted by the runtime at "/".
 */
import path from "node:path";
import express, { type Router } from "express";

/** Directory of the page's files. */
export const EXPLORER_DIR = path.join(__dirname, "public");

/** A router serving the explorer; unknown paths fall through to the API's 404. */
export function createExplorer(): Router {
  const router = express.Router();
  router.use(
    express.static(EXPLORER_DIR, {
      index: "index.html",
      fallthrough: true,
      setHeaders: (res) => {
        res.setHeader("X-Content-Type-Options", "nosniff");
        res.setHeader(
          "Content-Security-Policy",
          "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'",
        );
      },
    }),
  );
  return router;
}
