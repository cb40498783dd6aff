/**
 * Search and evidence (issue 12; C21 disclosure, C22 traceability):
 *   GET /api/v1/search?q=   registration code, record id, 统一社会信用代码, name (substring,
 *                           Chinese too), transaction hash, address -> { query, total, items }
 *   GET /api/v1/tx/:hash    the decoded events of one transaction the index holds, each with the
 *                           record it belongs to
 * Both read what the search and tx views indexed when the events happened (views/search.ts,
 * views/tx.ts): a query reads a few keys and one bounded posting list, never every record.
 */
import { getAddress } from "ethers";
import { z } from "zod";
import type { JsonValue, ViewReader } from "../store/types";
import type { AuthorizationRecord } from "../views/authorizations";
import type { ParticipantRecord } from "../views/participants";
import { SEARCH_KINDS, SEARCH_SPACE, SEP, bigrams, normalizeText, textKey, type SearchKind, type SearchRef, type SearchText } from "../views/search";
import { readTimelineEntry, type TimelineEntry, type TimelineValue } from "../views/timeline";
import { TX_SPACE, txRange, type TxEventRef } from "../views/tx";
import { SPACE, pad, unpad } from "../views/util";
import { NotFoundError } from "./errors";
import type { RouteDef } from "./routes";

export type SearchMatch = "registrationCode" | "id" | "creditCode" | "name" | "txHash" | "address";
export type SearchItem = { kind: SearchKind | "tx" | "address"; id: string; name: string | null; match: SearchMatch; url: string | null };
export type SearchResult = { query: string; total: number; truncated: boolean; items: SearchItem[] };

export type TxEvent = { logIndex: number; contract: string; event: string; args: { [name: string]: JsonValue }; record: { kind: string; id: string } | null };
export type TxEvidence = { txHash: string; blockNumber: number; timestamp: number; events: TxEvent[] };

/** Most items one answer lists (`total` counts them all, up to the scan cap). */
export const SEARCH_ITEMS_CAP = 50;
/** Most postings one name query reads: the bound of a query's work whatever the index size. */
export const SEARCH_SCAN_CAP = 2_000;
/** Most events one transaction answer lists. */
const TX_EVENTS_CAP = 1_000;

const QUERY_MAX_CHARS = 200;

export const searchQuery = z.object({
  q: z
    .string({ error: "q is required: a registration code, record id, 统一社会信用代码, name, transaction hash or address" })
    .trim()
    .min(1, "q must not be empty")
    .refine((v) => Array.from(v).length <= QUERY_MAX_CHARS, `q must be at most ${QUERY_MAX_CHARS} characters`)
    .describe("what to find: a registration code (GM-2026-R-0001), a record id (12, product 12, 产品 12), a 统一社会信用代码, a name or part of one (Chinese or English), a transaction hash or an address; 1–200 characters, trimmed"),
});

export const txParams = z.object({
  hash: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "a transaction hash: 0x and 64 hex digits").describe("transaction hash"),
});

const PLURAL: Record<SearchKind, string> = {
  authorization: "authorizations", product: "products", resource: "resources", scenario: "scenarios",
  participant: "participants", call: "calls", agreement: "agreements",
};
/** The explorer's hash route of a search hit; none for an address no participant signs with (it has no page). */
export const urlOf = (kind: SearchItem["kind"], id: string): string | null =>
  kind === "tx" ? `#/tx/${id}` : kind === "address" ? null : `#/${PLURAL[kind]}/${id}`;

/** Where each kind's records are stored (keyed by the padded id). */
const RECORD_SPACE: Record<SearchKind, string> = {
  authorization: SPACE.authorization, product: SPACE.product, resource: SPACE.resource, scenario: SPACE.scenario,
  participant: SPACE.participant, call: SPACE.call, agreement: SPACE.agreement,
};

/** Words that name a kind before an id: `product 12`, `产品 12`, `授权12`. */
const KIND_WORDS: [RegExp, SearchKind][] = [
  [/^(products?|数据产品|产品)$/i, "product"],
  [/^(resources?|数据资源|公共数据资源|资源)$/i, "resource"],
  [/^(authori[sz]ations?|auth|授权)$/i, "authorization"],
  [/^(scenarios?|应用场景|场景)$/i, "scenario"],
  [/^(participants?|参与主体|主体)$/i, "participant"],
  [/^(calls?|征集公告|征集|公告)$/i, "call"],
  [/^(agreements?|协议)$/i, "agreement"],
];

const HEX32 = /^0x[0-9a-fA-F]{64}$/;
const HEX20 = /^0x[0-9a-fA-F]{40}$/;
/** 统一社会信用代码: 18 characters (GB 32100 uses digits and capitals; the registry checks its own). */
const CREDIT_CODE = /^[0-9A-Z]{18}$/;
const CODE_LIKE = /^[A-Z0-9-]{1,32}$/;
const UINT64_MAX = 2n ** 64n - 1n;

export function createSearchQueries(reader: ViewReader) {
  const textOf = (ref: SearchRef) => reader.get<SearchText>(SEARCH_SPACE.text, textKey(ref));

  /** A hit's display name: its own name, an authorization its holder's. */
  async function nameOf(ref: SearchRef): Promise<string | null> {
    const t = await textOf(ref);
    if (t) return t.name;
    if (ref.kind === "participant") return (await reader.get<ParticipantRecord>(SPACE.participant, pad(ref.id)))?.name ?? null;
    if (ref.kind === "authorization") {
      const a = await reader.get<AuthorizationRecord>(SPACE.authorization, pad(ref.id));
      return a ? nameOf({ kind: "participant", id: a.holderId }) : null;
    }
    return null;
  }

  async function refs(key: string): Promise<SearchRef[]> {
    return (await reader.get<SearchRef[]>(SEARCH_SPACE.key, key)) ?? [];
  }

  async function exists(ref: SearchRef): Promise<boolean> {
    return (await reader.get(RECORD_SPACE[ref.kind], pad(ref.id))) !== undefined;
  }

  async function firstTxEvent(hash: string): Promise<TxEventRef | undefined> {
    for await (const [, v] of reader.range<TxEventRef>(TX_SPACE, { ...txRange(hash), limit: 1 })) return v;
    return undefined;
  }

  /**
   * Records whose name contains `q` (normalized): the postings of q's rarest bigram, each checked
   * against the record's texts; a one-character query reads every bigram starting with it.
   * Returns the matches (ranked: whole name, then prefix, then inside) and whether the scan cap cut it.
   */
  async function byName(q: string): Promise<{ hits: SearchRef[]; truncated: boolean }> {
    const cps = Array.from(q);
    if (cps.length === 0) return { hits: [], truncated: false };
    let range: { gte: string; lt: string };
    if (cps.length === 1) {
      range = { gte: cps[0], lt: String.fromCodePoint(cps[0].codePointAt(0)! + 1) };
    } else {
      let best: string | null = null;
      let bestN = Infinity;
      for (const g of new Set(bigrams(q, false))) {
        const n = (await reader.get<number>(SEARCH_SPACE.gramCount, g)) ?? 0;
        if (n === 0) return { hits: [], truncated: false }; // a bigram no name has: no name contains q
        if (n < bestN) [best, bestN] = [g, n];
      }
      range = { gte: `${best}${SEP}`, lt: `${best}\u0001` };
    }
    const seen = new Set<string>();
    const ranked: { ref: SearchRef; rank: number }[] = [];
    let scanned = 0;
    let truncated = false;
    for await (const [key] of reader.range<number>(SEARCH_SPACE.gram, { ...range, limit: SEARCH_SCAN_CAP + 1 })) {
      if (++scanned > SEARCH_SCAN_CAP) {
        truncated = true;
        break;
      }
      const tail = key.slice(key.indexOf(SEP) + 1);
      if (seen.has(tail)) continue;
      seen.add(tail);
      const colon = tail.indexOf(":");
      const ref = { kind: tail.slice(0, colon) as SearchKind, id: unpad(tail.slice(colon + 1)) };
      const t = await textOf(ref);
      if (!t) continue;
      const rank = t.texts.some((x) => x === q) ? 0 : t.texts.some((x) => x.startsWith(q)) ? 1 : t.texts.some((x) => x.includes(q)) ? 2 : -1;
      if (rank >= 0) ranked.push({ ref, rank });
    }
    const order = (k: SearchKind) => SEARCH_KINDS.indexOf(k);
    ranked.sort((x, y) => x.rank - y.rank || order(x.ref.kind) - order(y.ref.kind) || x.ref.id.length - y.ref.id.length || (x.ref.id < y.ref.id ? -1 : 1));
    return { hits: ranked.map((r) => r.ref), truncated };
  }

  return {
    async search(raw: string): Promise<SearchResult> {
      const query = raw.trim();
      const found: { ref: SearchRef | { kind: "tx" | "address"; id: string }; match: SearchMatch }[] = [];
      const seen = new Set<string>();
      const add = (ref: SearchRef | { kind: "tx" | "address"; id: string }, match: SearchMatch) => {
        const k = `${ref.kind}:${ref.id}`;
        if (seen.has(k)) return;
        seen.add(k);
        found.push({ ref, match });
      };
      let truncated = false;
      const upper = normalizeText(query).toUpperCase();

      if (HEX32.test(query)) {
        const hex = query.toLowerCase();
        if (await firstTxEvent(hex)) add({ kind: "tx", id: hex }, "txHash");
        for (const r of await refs(`code:${hex}`)) add(r, "registrationCode"); // a code from before codes were ASCII
      } else if (HEX20.test(query)) {
        const address = query.toLowerCase();
        const holders = await refs(`addr:${address}`);
        for (const r of holders) add(r, "address");
        if (holders.length === 0) add({ kind: "address", id: getAddress(address) }, "address");
      } else {
        if (CODE_LIKE.test(upper)) {
          for (const r of await refs(`code:${upper}`)) add(r, "registrationCode");
          // A code's beginning (GM-2026-P) lists the codes that start with it.
          if (/[A-Z]/.test(upper) && upper.includes("-") && upper.length >= 4) {
            for await (const [key, list] of reader.range<SearchRef[]>(SEARCH_SPACE.key, { gt: `code:${upper}`, lt: `code:${upper}\uffff`, limit: SEARCH_ITEMS_CAP })) {
              if (!key.startsWith("code:0x")) for (const r of list) add(r, "registrationCode");
            }
          }
        }
        if (CREDIT_CODE.test(upper)) for (const r of await refs(`credit:${upper}`)) add(r, "creditCode");
        const id = /^#?\s*(\d{1,20})$/.exec(query)?.[1];
        const prefixed = /^(.+?)\s*#?\s*(\d{1,20})$/u.exec(query);
        const kindWord = prefixed ? KIND_WORDS.find(([re]) => re.test(prefixed[1].trim()))?.[1] : undefined;
        const want = id ?? (kindWord ? prefixed![2] : undefined);
        if (want !== undefined && BigInt(want) > 0n && BigInt(want) <= UINT64_MAX) {
          const canonical = unpad(want);
          for (const kind of kindWord ? [kindWord] : SEARCH_KINDS) {
            const ref = { kind, id: canonical };
            if (await exists(ref)) add(ref, "id");
          }
        }
        const byNames = await byName(normalizeText(query));
        truncated = byNames.truncated;
        for (const r of byNames.hits) add(r, "name");
      }

      const items: SearchItem[] = [];
      for (const { ref, match } of found.slice(0, SEARCH_ITEMS_CAP)) {
        const name = ref.kind === "tx" ? await txName(ref.id) : ref.kind === "address" ? null : await nameOf(ref as SearchRef);
        items.push({ kind: ref.kind, id: ref.id, name, match, url: urlOf(ref.kind, ref.id) });
      }
      return { query, total: found.length, truncated, items };
    },

    async tx(hash: string): Promise<TxEvidence> {
      const txHash = hash.toLowerCase();
      const events: TxEvent[] = [];
      let blockNumber = 0;
      let timestamp = 0;
      for await (const [key, v] of reader.range<TxEventRef>(TX_SPACE, { ...txRange(txHash), limit: TX_EVENTS_CAP })) {
        const logIndex = Number(key.slice(key.lastIndexOf(":") + 1));
        if ("timeline" in v) {
          const t = await timelineEntry(v.timeline);
          if (!t) continue;
          [blockNumber, timestamp] = [t.blockNumber, t.timestamp];
          events.push({ logIndex, contract: t.contract, event: t.event, args: t.args, record: { kind: t.kind, id: t.id } });
        } else {
          [blockNumber, timestamp] = [v.blockNumber, v.timestamp];
          events.push({ logIndex, contract: v.contract, event: v.event, args: v.args, record: null });
        }
      }
      if (events.length === 0) throw new NotFoundError(`transaction ${txHash} (no event of it is indexed)`);
      return { txHash, blockNumber, timestamp, events };
    },
  };

  /** A transaction hit's name: the event it emitted first (the explorer labels it). */
  async function txName(hash: string): Promise<string | null> {
    const v = await firstTxEvent(hash);
    if (!v) return null;
    if ("timeline" in v) return (await timelineEntry(v.timeline))?.event ?? null;
    return v.event;
  }

  /** The timeline entry stored under `key` (a batch's read back from its record). */
  async function timelineEntry(key: string): Promise<TimelineEntry | undefined> {
    const index = await reader.now();
    const v = index.get<TimelineValue>(SPACE.timeline, key);
    return v === undefined ? undefined : readTimelineEntry(v, index);
  }
}

const SEARCH_RESPONSE = {
  type: "object",
  required: ["query", "total", "truncated", "items"],
  properties: {
    query: { type: "string", description: "the query, trimmed" },
    total: { type: "integer", description: "hits found (items lists the first 50)" },
    truncated: { type: "boolean", description: "a name query stopped at its scan cap: there may be more hits" },
    items: {
      type: "array",
      items: {
        type: "object",
        required: ["kind", "id", "name", "match", "url"],
        properties: {
          kind: { type: "string", enum: [...SEARCH_KINDS, "tx", "address"] },
          id: { type: "string", description: "record id, transaction hash or address" },
          name: { type: ["string", "null"], description: "display name (an authorization: its holder's; a transaction: its first event)" },
          match: { type: "string", enum: ["registrationCode", "id", "creditCode", "name", "txHash", "address"] },
          url: { type: ["string", "null"], description: "the explorer's hash route, e.g. #/products/3; null for an address no participant signs with" },
        },
      },
    },
  },
} as const;

const TX_RESPONSE = {
  type: "object",
  required: ["txHash", "blockNumber", "timestamp", "events"],
  properties: {
    txHash: { type: "string" },
    blockNumber: { type: "integer" },
    timestamp: { type: "integer", description: "block time, seconds" },
    events: {
      type: "array",
      items: {
        type: "object",
        required: ["logIndex", "contract", "event", "args", "record"],
        properties: {
          logIndex: { type: "integer" },
          contract: { type: "string" },
          event: { type: "string" },
          args: { type: "object", description: "decoded arguments, enums by name (as the timeline shows them)" },
          record: { type: ["object", "null"], description: "{ kind, id } of the record the event belongs to (its timeline), null for hub events" },
        },
      },
    },
  },
} as const;

/** The two routes, for the route table (api/routes.ts). */
export function searchRoutes(reader: ViewReader): RouteDef[] {
  const q = createSearchQueries(reader);
  return [
    {
      method: "get", path: "/search", operationId: "search", tag: "public", query: searchQuery, response: SEARCH_RESPONSE,
      summary: "C21: find a record by registration code, id, 统一社会信用代码, name (substring, Chinese too), transaction hash or address",
      handle: ({ query }) => q.search((query as z.output<typeof searchQuery>).q),
    },
    {
      method: "get", path: "/tx/:hash", operationId: "getTransaction", tag: "public", params: txParams, response: TX_RESPONSE,
      summary: "C22: the decoded events of one transaction, each with the record it belongs to (404 when the index holds none)",
      handle: ({ params }) => q.tx((params as z.output<typeof txParams>).hash),
    },
  ];
}
