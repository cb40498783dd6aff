/**
 * The route table: path, schemas, and a handler of a few lines over the queries. The same table
 * mounts the express routes and generates the OpenAPI document.
 */
import type { z } from "zod";
import type { Auth } from "./auth";
import { ALERT_KINDS, DEADLINE_STATUSES, SCAN_CAP, type AlertItem, type Queries } from "./queries";
import { toProvJson } from "./prov";
import * as s from "./schemas";
import { clauses } from "./clauses";
import { NotFoundError } from "./errors";

export type RouteInput = { params: unknown; query: unknown; body: unknown; now: number };

export type RouteDef = {
  method: "get" | "post";
  path: string;
  operationId: string;
  summary: string;
  tag: "public" | "disclosure" | "auth" | "regulator" | "node" | "meta";
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodObject;
  regulator?: boolean;
  /** Needs an INTAKE token (a platform reporting to this node). */
  intake?: boolean;
  /** Mounted by its own router (documented here for OpenAPI only). */
  custom?: boolean;
  /** The 200 answer's JSON schema, where documented (default: an object). */
  response?: Record<string, unknown>;
  handle: (input: RouteInput) => Promise<unknown> | unknown;
};

/** What a platform-node instance adds to the routes. */
export interface NodeRoutes {
  status(id: string): Promise<unknown>;
  proof(id: string): Promise<unknown>;
  flags(limit: number, after?: string): Promise<{ items: unknown[]; next: string | null }>;
  /** The node's uses outside the rules as regulator alert items, newest first (at most `cap`). */
  useAlerts(cap: number): Promise<AlertItem[]>;
}

/** Typed definition: the handler sees the parsed shapes of its schemas. */
function route<P extends z.ZodObject | undefined, Q extends z.ZodObject | undefined, B extends z.ZodObject | undefined>(def: {
  method: "get" | "post";
  path: string;
  operationId: string;
  summary: string;
  tag: RouteDef["tag"];
  params?: P;
  query?: Q;
  body?: B;
  regulator?: boolean;
  intake?: boolean;
  custom?: boolean;
  response?: Record<string, unknown>;
  handle: (input: {
    params: P extends z.ZodObject ? z.output<P> : undefined;
    query: Q extends z.ZodObject ? z.output<Q> : undefined;
    body: B extends z.ZodObject ? z.output<B> : undefined;
    now: number;
  }) => Promise<unknown> | unknown;
}): RouteDef {
  return def as unknown as RouteDef; // the input is parsed with these very schemas before `handle`
}

const DEFAULT_LIMIT = 100;

/** The answer of GET /regulator/alerts (api/queries.ts `alerts`). */
const ALERTS_PAGE_SCHEMA = {
  type: "object",
  required: ["at", "days", "total", "counts", "truncated", "items", "next"],
  properties: {
    at: { type: "integer", description: "the time asked, seconds" },
    days: { type: "integer", description: "terms ending within this many days are alerts" },
    total: { type: "integer", description: "alerts in the list (of ?kind= when given)" },
    counts: { type: "object", description: "alerts of each kind", additionalProperties: { type: "integer" } },
    truncated: { type: "boolean", description: "a source stopped at its scan cap: there may be more" },
    next: { type: ["string", "null"], description: "cursor of the next page (?after=), read at the same time as this one" },
    items: {
      type: "array",
      items: {
        type: "object",
        required: ["kind", "clause", "at", "subjectKind", "subjectId", "message", "status", "detail", "key"],
        properties: {
          kind: { type: "string", enum: [...ALERT_KINDS] },
          clause: { type: "string", description: "the rule (C01-C38)" },
          at: { type: "integer", description: "when it happened (a due time, a breach, a use); an expiring term's end; for a condition found when asked, the time asked" },
          subjectKind: { type: "string" },
          subjectId: { type: "string" },
          message: { type: "string" },
          status: { type: ["string", "null"], enum: [...DEADLINE_STATUSES, null], description: "a deadline's state" },
          detail: { type: "object", description: "the record behind the alert" },
          key: { type: "string", description: "sort key (at, kind, record)" },
        },
      },
    },
  },
} as const;
const pg = (q: { limit?: number; after?: string }) => ({ limit: q.limit ?? DEFAULT_LIMIT, after: q.after });

export function createRoutes(q: Queries, auth: Auth, health: () => object, node?: NodeRoutes): RouteDef[] {
  const nodeRoutes: RouteDef[] = node
    ? [
        route({
          method: "post", path: "/receipts", operationId: "submitReceipts", summary: "Platform node intake: up to 10,000 receipts (JSON {receipts} or NDJSON); answers after they are durable, with the node's signed acknowledgement", tag: "node", intake: true, custom: true, body: s.receiptsBody,
          handle: () => undefined,
        }),
        route({ method: "get", path: "/receipts/:id", operationId: "getReceipt", summary: "A receipt's state: pending, anchored or final, with its batch and transaction", tag: "node", params: s.receiptIdParams, handle: ({ params }) => node.status(params.id) }),
        route({
          method: "get", path: "/regulator/uses-outside-rules", operationId: "regulatorUsesOutsideRules", summary: "C31: every use this node recorded that broke a rule, newest first, paged", tag: "regulator", regulator: true, query: s.pageQuery,
          handle: ({ query }) => node.flags(query.limit ?? DEFAULT_LIMIT, query.after),
        }),
        route({ method: "get", path: "/receipts/:id/proof", operationId: "getReceiptProof", summary: "The provenant-receipt-proof/1 file of an anchored receipt (409 while pending)", tag: "node", params: s.receiptIdParams, handle: ({ params }) => node.proof(params.id) }),
      ]
    : [];
  return [
    route({ method: "get", path: "/health", operationId: "health", summary: "Service and index health", tag: "meta", handle: () => ({ status: "ok", ...health() }) }),
    route({
      method: "get", path: "/clauses", operationId: "listClauses", summary: "The rules C01–C38: rule, kind, contracts, alert kinds (docs/CLAUSES.md)", tag: "meta",
      handle: () => ({ items: [...clauses().values()].map(({ text: _text, ...summary }) => ({ ...summary, url: `/api/v1/clauses/${summary.id}` })) }),
    }),
    route({
      method: "get", path: "/clauses/:clause", operationId: "getClause", summary: "One rule: what it says, where the chain enforces it, the service monitors it and the tests name it", tag: "meta", params: s.clauseParams,
      handle: ({ params }) => {
        const { clause } = params as { clause: string };
        const c = clauses().get(clause);
        if (!c) throw new NotFoundError(`clause ${clause}`);
        return c;
      },
    }),

    route({ method: "get", path: "/participants", operationId: "listParticipants", summary: "Participants, each with its public profile (publicText: contact, website; C21)", tag: "public", query: s.pageQuery, handle: ({ query }) => q.participants(pg(query)) }),
    route({ method: "get", path: "/participants/:id", operationId: "getParticipant", summary: "One participant", tag: "public", params: s.idParams, handle: ({ params }) => q.participant(params.id) }),
    route({ method: "get", path: "/resources", operationId: "listResources", summary: "Catalog resources: name, publicText (or publicTextError), statement, sourceDeptName, registration code in its human format", tag: "public", query: s.pageQuery, handle: ({ query }) => q.resources(pg(query)) }),
    route({ method: "get", path: "/resources/:id", operationId: "getResource", summary: "One resource with its registration", tag: "public", params: s.idParams, handle: ({ params }) => q.resource(params.id) }),

    route({
      method: "get", path: "/authorizations", operationId: "listAuthorizations", summary: "Authorizations (filters: status, holder, mode, activeAt, parent)", tag: "public", query: s.authorizationsQuery,
      handle: ({ query, now }) => q.authorizations(query, pg(query), now),
    }),
    route({
      method: "get", path: "/authorizations/:id", operationId: "getAuthorization", summary: "One authorization with children, agreements and scenarios; status at ?at=", tag: "public", params: s.idParams, query: s.atQuery,
      handle: ({ params, query, now }) => q.authorizationJson(params.id, query.at ?? now),
    }),
    route({ method: "get", path: "/calls/:id", operationId: "getCall", summary: "One call for applications (C35): name (its title), publicText, organizerName, selectedHolders [{id, name}]", tag: "public", params: s.idParams, handle: ({ params }) => q.call(params.id) }),
    route({ method: "get", path: "/scenarios/:id", operationId: "getScenario", summary: "One scenario: name, publicText, statement, holderName, authorizationName, resources [{id, name}]", tag: "public", params: s.idParams, handle: ({ params }) => q.scenario(params.id) }),
    route({ method: "get", path: "/agreements/:id", operationId: "getAgreement", summary: "One agreement: name (its title), publicText, statement, proposerName, authorizationName, scenarioName, parties [{id, name}]", tag: "public", params: s.idParams, handle: ({ params }) => q.agreement(params.id) }),

    route({ method: "get", path: "/products", operationId: "listProducts", summary: "Products: name, publicText, statement, holderName, scenarioName, authorizationName, resources and parents [{id, name}]", tag: "public", query: s.productsQuery, handle: ({ query }) => q.products(query, pg(query)) }),
    route({
      method: "get", path: "/products/:id", operationId: "getProduct", summary: "One product; usable at ?at=", tag: "public", params: s.idParams, query: s.atQuery,
      handle: ({ params, query, now }) => q.product(params.id, query.at ?? now),
    }),
    route({
      method: "get", path: "/products/:id/provenance", operationId: "getProvenance", summary: "Provenance graph (or W3C PROV-JSON with ?format=prov)", tag: "public", params: s.idParams, query: s.provenanceQuery,
      handle: async ({ params, query, now }) => {
        const g = await q.provenance(params.id, query.at ?? now);
        return query.format === "prov" ? toProvJson(g) : g;
      },
    }),
    route({
      method: "get", path: "/timeline/:kind/:id", operationId: "getTimeline", summary: "Every event of one record, oldest first (C22), with the record's and each related record's name, the actor's participant (actorId, actorName), and the decision's statement where the event carried one", tag: "public", params: s.timelineParams, query: s.pageQuery,
      handle: ({ params, query }) => q.timeline(params.kind, params.id, pg(query)),
    }),

    route({
      method: "get", path: "/governance/pending", operationId: "listPendingGovernance", summary: "Registry address changes, governance-role grants and admin hand-overs scheduled on the hub and waiting their delay (C05, C22)", tag: "public", query: s.pageQuery,
      handle: ({ query, now }) => q.pendingGovernance(pg(query), now),
    }),

    route({ method: "get", path: "/disclosures/authorizations", operationId: "discloseAuthorizations", summary: "C21: authorization objects, content, scope and term", tag: "disclosure", query: s.pageQuery, handle: ({ query, now }) => q.disclosedAuthorizations(pg(query), now) }),
    route({ method: "get", path: "/disclosures/products", operationId: "discloseProducts", summary: "C21: product capability lists per operator", tag: "disclosure", query: s.pageQuery, handle: ({ query }) => q.disclosedProducts(pg(query)) }),
    route({ method: "get", path: "/disclosures/usage", operationId: "discloseUsage", summary: "C21: uses and fees per node, product, scenario, resource and day, from anchored receipt batches", tag: "disclosure", query: s.usageQuery, handle: ({ query }) => q.usage({ ...query, limit: query.limit ?? DEFAULT_LIMIT }) }),
    route({
      method: "get", path: "/disclosures/usage/series", operationId: "discloseUsageSeries", tag: "disclosure", query: s.usageSeriesQuery,
      summary: "C21: uses and fees over time per product, scenario or operator (?by=), in China-day or China-month buckets (?bucket=): series [{ id, name, nameEn, points: [[bucketStartSeconds, uses, fee]] }] (names from the records' public texts; an operator's registered name), fees in fen. A batch counts in the bucket of its first receipt",
      handle: ({ query }) => q.usageSeries(query.by, query.bucket ?? "day"),
    }),
    route({
      method: "get", path: "/batches", operationId: "listBatches", tag: "disclosure", query: s.batchesQuery,
      summary: "C22: anchored receipt batches, newest first: { total, next, items: [{ nodeId, nodeName, sequence, root, count, anchor, gapBefore }] }; gapBefore counts the node's sequence numbers missing before the batch",
      handle: ({ query }) => q.batches({ limit: query.limit ?? DEFAULT_LIMIT, cursor: query.cursor }),
    }),
    route({
      method: "get", path: "/batches/:nodeId/:sequence", operationId: "getBatch", tag: "disclosure", params: s.batchParams,
      summary: "C31: one anchored batch (root, counts, time range, usage, anchor): what a receipt proof's root is compared with",
      handle: ({ params }) => q.batch(params.nodeId, params.sequence),
    }),
    route({ method: "get", path: "/disclosures/annual", operationId: "discloseAnnual", summary: "C37: annual disclosures of a year (default: the last year whose disclosure is due, by 31 March of the next year) and the missing ones", tag: "disclosure", query: s.annualQuery, handle: ({ query, now }) => q.annualDisclosures(query.year, now) }),

    route({ method: "post", path: "/auth/challenge", operationId: "authChallenge", summary: "One-time EIP-4361 sign-in challenge", tag: "auth", body: s.challengeBody, handle: ({ body }) => auth.challenge(body.address) }),
    route({ method: "post", path: "/auth/token", operationId: "authToken", summary: "Bearer token for a REGULATOR key", tag: "auth", body: s.tokenBody, handle: ({ body }) => auth.token(body.address, body.signature, body.nonce) }),

    route({
      method: "get", path: "/regulator/alerts", operationId: "regulatorAlerts", tag: "regulator", regulator: true, query: s.alertsQuery, response: ALERTS_PAGE_SCHEMA,
      summary:
        "Every alert as one list, newest first: items {kind, clause, at, subjectKind, subjectId, message, status, detail, key}, `total`, `counts` per kind, `next` cursor. " +
        "Kinds: missed-deadline, missing-report (C28), breach, expiring-term (within ?days=), operation-outside-authorization, listed-under-stopped-authorization, listed-not-usable, " +
        "authorization-with-lost-resources, pending-governance-change, calendar-difference (C04), invalid-public-text (C21), and on a platform node use-outside-rules (C31)",
      handle: ({ query, now }) =>
        q.alerts(
          { now, days: query.days ?? 30, limit: query.limit ?? DEFAULT_LIMIT, after: query.after, kind: query.kind },
          node ? { "use-outside-rules": () => node.useAlerts(SCAN_CAP) } : {},
        ),
    }),
    route({
      method: "get", path: "/regulator/deadlines", operationId: "regulatorDeadlines", summary: "Statutory deadlines in working days", tag: "regulator", regulator: true, query: s.deadlinesQuery,
      handle: ({ query, now }) => q.deadlines(query, pg(query), now),
    }),
    ...nodeRoutes,
  ];
}
