/**
 * API errors: classes carrying their HTTP status and code, mapped to a JSON response in one
 * middleware (`errorHandler`). Nothing else writes an error response.
 */
import type { ErrorRequestHandler } from "express";
import type { Logger } from "pino";

export type ErrorDetails = { [key: string]: unknown } | unknown[] | null;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetails = null,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends ApiError {
  constructor(message: string, details: ErrorDetails = null) {
    super(400, "invalid_request", message, details);
  }
}
export class NotFoundError extends ApiError {
  constructor(what: string) {
    super(404, "not_found", `${what} not found`);
  }
}
export class UnauthorizedError extends ApiError {
  constructor(message: string) {
    super(401, "unauthorized", message);
  }
}
export class ForbiddenError extends ApiError {
  constructor(message: string) {
    super(403, "forbidden", message);
  }
}
export class PayloadTooLargeError extends ApiError {
  constructor(limit: string) {
    super(413, "payload_too_large", `request body exceeds ${limit}`);
  }
}
export class RateLimitedError extends ApiError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, "rate_limited", "too many requests", { retryAfterSeconds });
  }
}
export class UnsupportedMediaTypeError extends ApiError {
  constructor() {
    super(415, "unsupported_media_type", "request body must be application/json");
  }
}

export class ServiceUnavailableError extends ApiError {
  constructor() {
    super(503, "unavailable", "the index is not open (starting or shutting down)");
  }
}

/** The index has not caught up with the chain since the service started: it may deny what exists. */
export class IndexNotReadyError extends ApiError {
  constructor(details: { status: string; indexedBlock: number | null; headBlock: number | null; lag: number | null }) {
    super(
      503,
      "index_not_ready",
      `the index is catching up with the chain (${details.status}, indexed block ${details.indexedBlock ?? "none"} of ${details.headBlock ?? "unknown"}): ` +
        "its answers may miss records that exist; retry shortly",
      details,
    );
  }
}

/** The chain (RPC) could not answer a question a request depends on; nothing was changed. */
export class ChainUnavailableError extends ApiError {
  constructor(message: string) {
    super(503, "chain_unavailable", message);
  }
}

/** Messages for the 4xx errors express and node raise themselves (their own text may echo input). */
const FOREIGN_4XX: Record<number, [string, string]> = {
  400: ["bad_request", "malformed request"],
  413: ["payload_too_large", "request body too large"],
  414: ["uri_too_long", "request URI too long"],
  415: ["unsupported_media_type", "unsupported content encoding or type"],
  431: ["headers_too_large", "request headers too large"],
};

/**
 * Errors raised by express, its body parser and the router carry `status` (or `statusCode`), and
 * the body parser a `type`: a 4xx among them is the client's and keeps its status.
 */
function fromFramework(err: unknown, limit: string): ApiError | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const type = (err as { type?: unknown }).type;
  if (type === "entity.too.large") return new PayloadTooLargeError(limit);
  if (type === "entity.parse.failed") return new ValidationError("request body is not valid JSON");
  if (type === "encoding.unsupported" || type === "charset.unsupported") return new UnsupportedMediaTypeError();
  // A compressed body that does not decompress (zlib's Z_* codes, brotli's ERR__ERROR_*): the client's fault.
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && /^(Z_|ERR__ERROR_|ERR_BROTLI)/.test(code)) return new ValidationError("request body does not decompress with its content-encoding");
  if (err instanceof URIError) return new ValidationError("the request path is not valid percent-encoding");
  const e = err as { status?: unknown; statusCode?: unknown };
  const status = typeof e.status === "number" ? e.status : e.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    const [c, message] = FOREIGN_4XX[status] ?? ["bad_request", "malformed request"];
    return new ApiError(status, c, message);
  }
  return undefined;
}

/** The one error middleware: ApiError -> its status; anything else -> 500 without internals. */
export function errorHandler(log: Logger, bodyLimit: string): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const code = typeof err === "object" && err !== null ? (err as { code?: unknown }).code : undefined;
    const closed = code === "LEVEL_DATABASE_NOT_OPEN" || code === "LEVEL_ITERATOR_NOT_OPEN";
    const e = err instanceof ApiError ? err : closed ? new ServiceUnavailableError() : fromFramework(err, bodyLimit);
    if (e) {
      if (e instanceof RateLimitedError) res.setHeader("Retry-After", String(e.retryAfterSeconds));
      if (e.status === 503) res.setHeader("Retry-After", "1");
      res.status(e.status).json({ error: { code: e.code, message: e.message, details: e.details } });
      return;
    }
    log.error({ err, method: req.method, path: req.path }, "unhandled error");
    res.status(500).json({ error: { code: "internal", message: "internal error", details: null } });
  };
}
