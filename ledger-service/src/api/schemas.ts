/**
 * Request schemas (zod): the same objects validate requests and generate the OpenAPI document.
 */
import { getAddress } from "ethers";
import { z } from "zod";
import { AUTH_STATUSES, MODES } from "../views/authorizations";
import { PRODUCT_STATUSES } from "../views/products";
import { SUBJECT_KIND_NAMES } from "../views/timeline";

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
export const timelineParams = z.object({ kind: z.enum(SUBJECT_KIND_NAMES), id }).strict();

export const pageQuery = z.object(page).strict();
export const atQuery = z.object({ at: seconds.optional() }).strict();

export const authorizationsQuery = z
  .object({
    ...page,
    status: z.enum(AUTH_STATUSES).optional().describe("effective status now"),
    holder: id.optional().describe("holder participant id"),
    mode: z.enum(MODES.slice(1) as [string, ...string[]]).optional(),
    activeAt: seconds.optional().describe("in force at this time (holder active, parents in force)"),
    parent: id.optional().describe("parent authorization id"),
  })
  .strict();

export const productsQuery = z
  .object({ ...page, holder: id.optional(), status: z.enum(PRODUCT_STATUSES).optional() })
  .strict();

export const provenanceQuery = z
  .object({ at: seconds.optional(), format: z.enum(["graph", "prov"]).optional().describe("prov: W3C PROV-JSON") })
  .strict();

export const annualQuery = z
  .object({ year: z.string().regex(/^(19|20|21)[0-9]{2}$/, "a year").transform(Number) })
  .strict();

export const alertsQuery = z
  .object({
    days: z.string().regex(/^[0-9]{1,4}$/).transform(Number).pipe(z.number().int().min(0).max(3660)).optional().describe("terms ending within N days (default 30)"),
    limit,
  })
  .strict();

export const deadlinesQuery = z
  .object({
    ...page,
    status: z.enum(["open", "overdue", "met", "late", "closed", "violated"]).optional(),
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
