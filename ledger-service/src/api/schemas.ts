/**
 * Request schemas (zod): the same objects validate requests and generate the OpenAPI document.
 */
import { getAddress } from "ethers";
import { z } from "zod";
import { chinaDayStart } from "../calendar";
import { ALERT_KINDS, DEADLINE_STATUSES } from "./queries";
import { AUTH_STATUSES, MODES } from "../views/authorizations";
import { PRODUCT_STATUSES } from "../views/products";
import { SUBJECT_KIND_NAMES } from "../views/timeline";
import { SERIES_BUCKETS, SERIES_BY } from "../views/usage";

const UINT64_MAX = 2n ** 64n - 1n;

/** A record id: positive decimal uint64. */
export const id = z
  .string()
  .regex(/^[1-9][0-9]{0,19}$/, "a positive decimal id")
  // zod runs every check even after the regex failed: never hand BigInt a non-decimal string.
  .refine((v) => /^[0-9]{1,20}$/.test(v) && BigInt(v) <= UINT64_MAX, "exceeds uint64")
  .describe("record id (decimal uint64)");

/** Seconds since the epoch (chain time). */
export const seconds = z
  .string()
  .regex(/^[0-9]{1,12}$/, "seconds since the epoch")
  .transform(Number)
  .describe("seconds since the epoch");

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATETIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/;

/** A real calendar day (2026-02-30 is not one). */
const realDay = (d: string): boolean => {
  const m = ISO_DATE.exec(d);
  return m !== null && new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).toISOString().slice(0, 10) === d;
};

/**
 * The seconds since the epoch an `at` names: seconds themselves, an ISO date (the start of that
 * day in China time, UTC+8, the time of the regulations) or an ISO date-time (with its offset;
 * without one, China time). Null when it names no instant.
 */
export function instantOf(v: string): number | null {
  if (/^[0-9]{1,12}$/.test(v)) return Number(v);
  if (ISO_DATE.test(v)) return realDay(v) ? chinaDayStart(v) : null;
  const m = ISO_DATETIME.exec(v);
  if (!m || !realDay(m[1]) || Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4] ?? 0) > 59) return null;
  const ms = Date.parse(`${v.slice(0, v.length - (m[5]?.length ?? 0))}${m[5] ?? "+08:00"}`);
  return Number.isFinite(ms) && ms >= 0 ? Math.floor(ms / 1000) : null;
}

/** A moment: seconds since the epoch, or an ISO date / date-time (a bare date: 00:00 China time). */
export const instant = z
  .string()
  .max(40)
  .refine((v) => instantOf(v) !== null, "seconds since the epoch, a date YYYY-MM-DD (00:00 China time) or an ISO date-time such as 2026-03-31T12:00:00+08:00")
  .transform((v) => instantOf(v) as number)
  .describe("seconds since the epoch, a date YYYY-MM-DD (the start of that day in China time) or an ISO 8601 date-time (with its offset; without one, China time)");

export const limit = z
  .string()
  .regex(/^[0-9]{1,4}$/, "an integer")
  .transform(Number)
  .pipe(z.number().int().min(1).max(500))
  .optional()
  .describe("page size, 1-500 (default 100)");

export const after = z
  .string()
  .max(256)
  .regex(/^[0-9A-Za-z:_-]+$/, "a cursor returned as `next`")
  .optional()
  .describe("cursor: the `next` of the previous page");

export const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "a 20-byte 0x-hex address")
  .refine((a) => {
    // Mixed case means an EIP-55 checksum, which must then be right (all lower or all upper carries none).
    try {
      getAddress(a);
      return true;
    } catch {
      return false;
    }
  }, "the address's EIP-55 checksum (its mixed case) is wrong");

const page = { limit, after };

export const idParams = z.object({ id }).strict();
export const clauseParams = z.object({ clause: z.string().regex(/^C(0[1-9]|[1-3][0-9])$/, "a clause id: C and two digits, e.g. C04 (an id of that shape that names no rule is 404)") }).strict();
export const timelineParams = z.object({ kind: z.enum(SUBJECT_KIND_NAMES), id }).strict();

export const pageQuery = z.object(page).strict();
export const atQuery = z.object({ at: instant.optional() }).strict();

export const authorizationsQuery = z
  .object({
    ...page,
    status: z.enum(AUTH_STATUSES).optional().describe("effective status now"),
    holder: id.optional().describe("holder participant id"),
    mode: z.enum(MODES.slice(1) as [string, ...string[]]).optional(),
    activeAt: instant.optional().describe("in force at this moment (holder active, parents in force); seconds or an ISO date / date-time"),
    parent: id.optional().describe("parent authorization id"),
  })
  .strict();

export const productsQuery = z
  .object({ ...page, holder: id.optional(), status: z.enum(PRODUCT_STATUSES).optional() })
  .strict();

export const provenanceQuery = z
  .object({ at: instant.optional(), format: z.enum(["graph", "prov"]).optional().describe("prov: W3C PROV-JSON") })
  .strict();

export const annualQuery = z
  .object({ year: z.string().regex(/^(19|20|21)[0-9]{2}$/, "a year").transform(Number).optional().describe("the year disclosed (default: the last year whose disclosure is due)") })
  .strict();

export const alertsQuery = z
  .object({
    days: z.string().regex(/^[0-9]{1,4}$/).transform(Number).pipe(z.number().int().min(0).max(3660)).optional().describe("terms ending within N days (default 30)"),
    kind: z.enum(ALERT_KINDS).optional().describe("only alerts of this kind"),
    ...page,
  })
  .strict();

export const deadlinesQuery = z
  .object({
    ...page,
    status: z.enum(DEADLINE_STATUSES).optional().describe("open (not yet due), overdue (past due, unmet), met, late (done after its due time), closed (no longer required), violated (a one-off rule broken)"),
    clause: z.string().regex(/^C[0-9]{2}$/, "a clause id such as C12").optional(),
    subjectKind: z.enum(SUBJECT_KIND_NAMES).optional(),
  })
  .strict();

export const challengeBody = z.object({ address }).strict();
export const tokenBody = z
  .object({
    address,
    signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "a 65-byte 0x-hex signature"),
    nonce: z.string().regex(/^[0-9a-f]{32}$/, "the challenge nonce"),
  })
  .strict();

export const emptyObject = z.object({}).strict();

/** A receipt id: 0x and 32 bytes of hex. */
export const receiptIdParams = z.object({ id: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "a receipt id (0x and 64 hex digits)") }).strict();
/** The intake body as documented (the route parses JSON and NDJSON itself). */
export const receiptsBody = z.object({ receipts: z.array(z.object({}).passthrough()).min(1).max(10_000) }).strict();

const chinaDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date YYYY-MM-DD (China time)");
export const usageQuery = z
  .object({
    kind: z.enum(["Product", "Scenario", "Resource"]).optional().describe("only uses of this kind of record"),
    id: id.optional().describe("only this product, scenario or resource (with kind)"),
    from: chinaDay.optional().describe("first day (China time) of the daily figures"),
    to: chinaDay.optional().describe("last day (China time) of the daily figures"),
    limit,
  })
  .strict();

/** GET /disclosures/usage/series: what a series is per, and its time buckets (C21). */
export const usageSeriesQuery = z
  .object({
    by: z.enum(SERIES_BY, { message: `by: one of ${SERIES_BY.join(", ")}` }).describe("product, scenario, or operator (the participant whose platform node anchored the uses)"),
    bucket: z.enum(SERIES_BUCKETS, { message: `bucket: one of ${SERIES_BUCKETS.join(", ")}` }).optional().describe("day or month, China time (default day)"),
  })
  .strict();

/** GET /batches: a page of anchored batches, newest first. */
export const batchesQuery = z
  .object({
    cursor: z
      .string()
      .regex(/^[0-9]{12}:[0-9]{6}$/, "a cursor returned as `next`")
      .optional()
      .describe("the `next` of the previous page"),
    limit,
  })
  .strict();

/** GET /batches/:nodeId/:sequence. */
export const batchParams = z.object({ nodeId: id, sequence: id }).strict();
