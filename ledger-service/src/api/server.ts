/**
 * The ledger-service HTTP API (express 5): read-only public routes (rate-limited), regulator
 * sign-in and routes, the OpenAPI document. Every request is validated with zod; every error is
 * an ApiError mapped to JSON in one middleware.
 */
import express, { type Express, type NextFunction, type Request, type Response } from "express";
import http from "node:http";
import type { Socket } from "node:net";
import type { Logger } from "pino";
import type { z } from "zod";
import type { ViewReader } from "../store/types";
import { createAuth, REGULATOR_ROLE, type AuthOptions, type HasRole, type IsIntakeClient } from "./auth";
import { ApiError, ForbiddenError, IndexNotReadyError, NotFoundError, PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError, errorHandler } from "./errors";
import { openApiDocument } from "./openapi";
import { createQueries } from "./queries";
import { createRateLimiter, type RateLimitOptions } from "./ratelimit";
import { createRoutes, type NodeRoutes, type RouteDef } from "./routes";
import { createResponseCache, RawJson, type CacheKey } from "./respcache";
import type { CacheStats } from "../store/cache";
import { searchRoutes } from "./search";

/** A platform-node instance: receipt intake and reads (ledger-service/src/node). */
export type NodeApi = NodeRoutes & {
  /** Validates, checks and durably acknowledges one request's receipts. */
  intake(items: unknown[]): Promise<unknown>;
  isIntakeClient: IsIntakeClient;
  /** Largest intake body (default 32mb: 10,000 receipts of about 1 KB as JSON). */
  bodyLimit?: string;
};

export type ApiCommon = { logger: Logger };

export type ApiArgs = {
  reader: ViewReader;
  health: () => object;
  /** Milliseconds since the epoch (default Date.now). */
  now?: () => number;
  /** Whether `address` holds `role` on the ProvenantHub at the current block. */
  hasRole: HasRole;
  auth?: AuthOptions;
  /** Per-IP token bucket on every route; false disables it (benchmarks). */
  rateLimit?: RateLimitOptions | false;
  /** Largest accepted JSON body (default 8kb). */
  bodyLimit?: string;
  /** Served at "/" beside the API (the public explorer); paths it does not know fall through. */
  explorer?: express.Router;
  /** "MM-DD": the profile's `annualDisclosureDue`, for the default year of the annual disclosures (default 03-31). */
  annualDisclosureDue?: string;
  /** Present on a platform node: the intake and receipt routes. */
  node?: NodeApi;
  /**
   * Whether `address` holds `role` in the index (RoleGranted/RoleRevoked of the hub). When given,
   * a REGULATOR token is honoured only while its key still holds REGULATOR there, on every request.
   */
  roleInIndex?: HasRole;
  /**
   * Whether the index's answers are complete and current (default: always). While `not-ready`
   * the data routes answer 503; otherwise they name the state in the X-Provenant-Index header.
   */
  readState?: () => { state: "current" | "not-ready" | "diverged" | "reindexing"; health: { status: string; indexedBlock: number | null; headBlock: number | null; lag: number | null } };
  /**
   * The version of the index the reader serves (changes with every applied range and unwind).
   * When given, the public read routes keep their answers per version (api/respcache.ts).
   */
  indexVersion?: () => string;
  /** Operators' metrics (runtime/metrics.ts): served at /metrics unless `metrics.ownPort`. */
  metrics?: ApiMetrics;
};

/** What the API needs of the operators' metrics. */
export interface ApiMetrics {
  /** Times every request by route pattern and counts refusals (first middleware). */
  middleware: express.RequestHandler;
  /** GET /metrics, outside the rate limit; absent when the metrics have their own port. */
  endpoint?: express.RequestHandler;
  /** Hands the metrics the response cache's figures, read at each scrape. */
  watchResponseCache?: (stats: () => CacheStats) => void;
}

/** Routes answered from the index (not health, sign-in or the node's own store). */
const INDEX_TAGS: ReadonlySet<RouteDef["tag"]> = new Set(["public", "disclosure", "regulator"]);
export const INDEX_STATE_HEADER = "X-Provenant-Index";

export const API_PREFIX = "/api/v1";

function parse<T extends z.ZodObject>(schema: T | undefined, value: unknown, where: string): unknown {
  if (!schema) return undefined;
  const r = schema.safeParse(value ?? {});
  if (!r.success) {
    throw new ValidationError(`invalid ${where}`, r.error.issues.slice(0, 20).map((i) => ({ path: i.path.map(String).join("."), message: i.message })));
  }
  return r.data;
}

/** How many times the API's rate limit the portal's static files get (their own bucket per client). */
export const EXPLORER_RATE_FACTOR = 4;

export function createApi(common: ApiCommon, args: ApiArgs): Express {
  const log = common.logger.child({ module: "api" });
  const now = args.now ?? Date.now;
  const bodyLimit = args.bodyLimit ?? "8kb";
  const queries = createQueries(args.reader, { annualDisclosureDue: args.annualDisclosureDue });
  const auth = createAuth(args.auth ?? {}, args.hasRole, now, args.node?.isIntakeClient);
  // Search and transaction evidence (api/search.ts) read their own views' spaces.
  const routes = [...createRoutes(queries, auth, args.health, args.node), ...searchRoutes(args.reader)];
  const openapi = openApiDocument(
    [...routes, { method: "get", path: "/openapi.json", operationId: "openapi", summary: "This document", tag: "meta", handle: () => null }],
    { title: "Provenant ledger-service", version: "1.0.0" },
  );

  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");
  if (args.metrics) {
    app.use(args.metrics.middleware);
    if (args.metrics.endpoint) app.get("/metrics", args.metrics.endpoint);
  }
  // Ready-to-send answers of the public reads with ETag/304 and compression (api/respcache.ts).
  const responses = createResponseCache({ version: args.indexVersion });
  args.metrics?.watchResponseCache?.(() => responses.stats());

  const api = express.Router({ strict: false, caseSensitive: true });
  // One bucket per client for the public routes and the explorer's pages alike.
  const limits = args.rateLimit === false ? null : (args.rateLimit ?? { capacity: 120, refillPerSecond: 20 });
  const limiter = limits === null ? null : createRateLimiter(limits, now);
  if (limiter) api.use(limiter);
  // The portal's files have a bucket of their own, EXPLORER_RATE_FACTOR times the API's: one page
  // load asks for some 20 ES modules, styles and labels, which must not starve its API reads.
  const pageLimiter = limits === null ? null : createRateLimiter({ ...limits, capacity: limits.capacity * EXPLORER_RATE_FACTOR, refillPerSecond: limits.refillPerSecond * EXPLORER_RATE_FACTOR }, now);

  const jsonBody = express.json({ limit: bodyLimit, strict: true, type: "application/json" });
  const requireJson = (req: Request, _res: Response, next: NextFunction) =>
    next(req.is("application/json") ? undefined : new UnsupportedMediaTypeError());

  const mount = (r: RouteDef) => {
    if (r.custom) return;
    const fromIndex = INDEX_TAGS.has(r.tag);
    // Public reads answer the same bytes for the same URL and index version (and second, when
    // they read the time): they go through the response cache, with an ETag.
    const cached = r.method === "get" && fromIndex && !r.regulator;
    const handler = async (req: Request, res: Response) => {
      if (fromIndex && args.readState) {
        const rs = args.readState();
        if (rs.state === "not-ready") {
          const { status, indexedBlock, headBlock, lag } = rs.health;
          throw new IndexNotReadyError({ status, indexedBlock, headBlock, lag });
        }
        res.setHeader(INDEX_STATE_HEADER, rs.state);
      }
      if (r.regulator) {
        const claims = auth.verify(req.get("authorization"), "REGULATOR");
        if (args.roleInIndex && !(await args.roleInIndex(REGULATOR_ROLE, claims.sub))) {
          throw new ForbiddenError(`${claims.sub} no longer holds REGULATOR on the chain: this token is no longer honoured`);
        }
      }
      const nowSecond = Math.floor(now() / 1000);
      let key: CacheKey | null = null;
      if (cached) {
        key = responses.key(req.originalUrl, nowSecond);
        const hit = key && responses.lookup(key);
        if (hit) return responses.send(req, res, hit);
      }
      let readTime = false;
      const input = {
        params: parse(r.params, req.params, "path parameters"),
        query: parse(r.query, req.query, "query"),
        body: parse(r.body, req.body, "body"),
        // Whether the answer depends on the time asked: it is then kept for this second only.
        get now() {
          readTime = true;
          return nowSecond;
        },
      };
      if (!r.query && Object.keys(req.query as object).length > 0) throw new ValidationError("this route takes no query parameters");
      const value = await r.handle(input);
      if (cached && value !== undefined) responses.send(req, res, responses.prepare(value, key, readTime));
      else if (value instanceof RawJson) res.type("application/json").send(value.text);
      else res.json(value);
    };
    if (r.method === "get") api.get(r.path, handler);
    else api.post(r.path, requireJson, jsonBody, handler);
  };
  for (const r of routes) mount(r);
  api.get("/openapi.json", (_req, res) => {
    res.json(openapi);
  });
  api.use((req) => {
    throw new NotFoundError(`route ${req.method} ${API_PREFIX}${req.path}`);
  });

  if (args.node) app.use(API_PREFIX, intakeRouter(args.node, auth));
  app.use(API_PREFIX, api);
  if (args.explorer) {
    if (pageLimiter) app.use(pageLimiter, args.explorer);
    else app.use(args.explorer);
  }
  app.use((req) => {
    throw new NotFoundError(`route ${req.method} ${req.path}`);
  });
  app.use(errorHandler(log, bodyLimit));
  app.listen = listenWithAppPrototypes(app);
  log.debug({ routes: routes.length }, "api ready");
  return app;
}

const NDJSON_TYPES = ["application/x-ndjson", "application/ndjson", "application/jsonl"];
/** How long an intake caller's key check is trusted before it is asked of the chain again. */
const CLIENT_RECHECK_MS = 5_000;

/**
 * POST /receipts, outside the public rate limit (callers hold an INTAKE token): JSON
 * `{"receipts": [...]}` or NDJSON (one receipt per line), up to the node's body limit.
 */
function intakeRouter(node: NodeApi, auth: ReturnType<typeof createAuth>): express.Router {
  const limit = node.bodyLimit ?? "32mb";
  const r = express.Router({ strict: false, caseSensitive: true });
  const json = express.json({ limit, strict: true, type: "application/json" });
  const text = express.text({ limit, type: NDJSON_TYPES });
  // A token outlives a change of the node's signer keys; the caller is checked again at most
  // CLIENT_RECHECK_MS after its last check (one eth_call), so a removed key loses access quickly.
  const checked = new Map<string, { ok: boolean; at: number }>();
  const stillClient = async (address: string): Promise<boolean> => {
    const now = Date.now();
    const c = checked.get(address);
    if (c && now - c.at < CLIENT_RECHECK_MS) return c.ok;
    let ok: boolean;
    try {
      ok = await node.isIntakeClient(address);
    } catch {
      // The chain cannot be asked now: keep the last answer, or refuse for now (nothing is stored).
      if (c) return c.ok;
      throw new ApiError(503, "unavailable", "the node cannot check the caller's key on the chain now; nothing was stored, retry shortly");
    }
    if (checked.size > 10_000) checked.clear();
    checked.set(address, { ok, at: now });
    return ok;
  };
  r.post(
    "/receipts",
    async (req: Request, _res: Response, next: NextFunction) => {
      const claims = auth.verify(req.get("authorization"), "INTAKE");
      if (!req.is(["application/json", ...NDJSON_TYPES])) throw new ApiError(415, "unsupported_media_type", "send application/json ({\"receipts\": [...]}) or application/x-ndjson (one receipt per line)");
      if (!(await stillClient(claims.sub))) throw new ForbiddenError(`${claims.sub} is no longer an active signer key of this node's participant: sign in again with one`);
      next();
    },
    json,
    text,
    async (req: Request, res: Response) => {
      let items: unknown[];
      if (typeof req.body === "string") {
        items = [];
        const lines = req.body.split("\n");
        for (let i = 0; i < lines.length; i++) {
          const line = lines[i].trim();
          if (line === "") continue;
          try {
            items.push(JSON.parse(line));
          } catch {
            throw new ValidationError(`line ${i + 1} of the NDJSON body is not JSON: nothing was stored`, { line: i + 1 });
          }
        }
      } else {
        const b = req.body as unknown;
        if (typeof b !== "object" || b === null || Array.isArray(b) || !Array.isArray((b as { receipts?: unknown }).receipts) || Object.keys(b).length !== 1) {
          throw new ValidationError('the body must be {"receipts": [...]} (or NDJSON, one receipt per line)');
        }
        items = (b as { receipts: unknown[] }).receipts;
      }
      res.json(await node.intake(items));
    },
  );
  r.use((err: unknown, _req: Request, _res: Response, next: NextFunction) => {
    const type = typeof err === "object" && err !== null ? (err as { type?: unknown }).type : undefined;
    if (type === "entity.too.large") return next(new PayloadTooLargeError(limit));
    next(err);
  });
  return r;
}

/**
 * `app.listen` with a server whose requests and responses are born with the app's prototypes.
 * Express otherwise swaps the prototype of every request and response (Object.setPrototypeOf in
 * app.handle), which hands node's http code objects of a fresh shape on every request: on a
 * small route that was two thirds of the API's CPU. With the prototypes already in place the
 * swap is a no-op. Same arguments and error handling as express's own `app.listen`.
 */
function listenWithAppPrototypes(app: Express): Express["listen"] {
  function ApiRequest(this: http.IncomingMessage, socket: Socket) {
    http.IncomingMessage.call(this, socket);
  }
  ApiRequest.prototype = app.request;
  function ApiResponse(this: http.ServerResponse, req: http.IncomingMessage, options?: unknown) {
    (http.ServerResponse as unknown as (this: http.ServerResponse, req: http.IncomingMessage, options?: unknown) => void).call(this, req, options);
  }
  ApiResponse.prototype = app.response;
  const options = {
    IncomingMessage: ApiRequest as unknown as typeof http.IncomingMessage,
    ServerResponse: ApiResponse as unknown as typeof http.ServerResponse,
  };
  return function listen(...args: unknown[]) {
    const server = http.createServer(options, app);
    server.on("clientError", answerClientError);
    const done = args[args.length - 1];
    if (typeof done === "function") {
      let called = false;
      const once = (...a: unknown[]) => {
        if (called) return;
        called = true;
        (done as (...x: unknown[]) => void)(...a);
      };
      args[args.length - 1] = once;
      server.once("error", once);
    }
    return server.listen(...(args as Parameters<http.Server["listen"]>));
  } as Express["listen"];
}

/** What node's HTTP parser refuses, as the status and code the API's JSON errors use. */
function parserRefusal(err: NodeJS.ErrnoException): [number, string, string] {
  switch (err.code) {
    case "HPE_HEADER_OVERFLOW":
      return [431, "headers_too_large", "request headers too large (16 KB at most)"];
    case "HPE_URI_TOO_LONG":
      return [414, "uri_too_long", "request URI too long"];
    case "ERR_HTTP_REQUEST_TIMEOUT":
    case "ERR_HTTP_HEADERS_TIMEOUT":
      return [408, "request_timeout", "the request was not received in time"];
    default:
      return [400, "bad_request", "malformed HTTP request (invalid characters in the path or a header name)"];
  }
}

/**
 * A request node's HTTP parser refuses never reaches express: answer it with the same JSON error
 * body as every other refusal where the socket still allows a reply, then close it.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: import("node:stream").Duplex): void {
  if (err.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, code, message] = parserRefusal(err);
  const body = JSON.stringify({ error: { code, message, details: null } });
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? "Bad Request"}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
