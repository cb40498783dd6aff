/**
 * Read-side queries over the views: what the routes return. Pure reads through a ViewReader;
 * unknown ids raise NotFoundError. Times are chain seconds.
 */
import type { IndexNow, JsonValue, RangeOptions, ViewReader } from "../store/types";
import type { AgreementRecord } from "../views/agreements";
import { statusAnchorAt, type AuthorizationBrief, type AuthorizationLinks, type ProductBrief, type ScenarioBrief } from "../views/briefs";
import { agreementStatusAt } from "../views/agreements";
import { ALERT_SPACE, LISTED_SPACE, type OperationAlert } from "../views/alerts";
import {
  authorizationStatusAt,
  type AuthorizationRecord,
  type AuthorizationState,
  type CallRecord,
} from "../views/authorizations";
import type { DeadlineRecord } from "../views/deadlines";
import { GOVERNANCE_SPACE, type PendingGovernanceChange } from "../views/governance";
import type { DisclosureRecord } from "../views/oversight";
import { participantStatusAt, type ParticipantRecord } from "../views/participants";
import { productStatusAt, type ProductRecord } from "../views/products";
import type { ResourceRecord } from "../views/resources";
import { scenarioStatusAt, type ScenarioRecord } from "../views/scenarios";
import { readTimelineEntry, timelineRange, type TimelineValue } from "../views/timeline";
import { LATE_AFTER_SECONDS, type BatchRecord, dayTotals, receiptBatchKey, type SeriesBucket, type SeriesBucketRecord, type SeriesBy, type UsageDayRecord, type UsageRecord, type UsageTotal } from "../views/usage";
import { authorizationProblemAt, productProblemsAt, recordsOf, resourcesProblemAt, type RecordReader } from "../views/usability";
import { SPACE, compareIds, pad, padTime, unpad, type Anchor } from "../views/util";
import { CALENDAR_SPACE, calendarDifferences, type ChainCalendarYear } from "../views/calendar";
import { INVALID_TEXT_SPACE, type InvalidText } from "../views/alerts";
import { NAMED_KINDS as NAMED_REF_KINDS, NAME_SPACE, nameKey, type NamedKind } from "../views/names";
import { chinaCalendar, chinaDate, chinaDayStart, type Calendar } from "../calendar";
import { NotFoundError, ValidationError } from "./errors";
import { RawJson } from "./respcache";

export type Page<T> = { items: T[]; next: string | null };
export type PageArgs = { limit: number; after?: string };

/** At most this many records are read to answer one filtered list page. */
export const SCAN_CAP = 5_000;
const DAY = 86_400;

export type ProvNode = {
  id: string;
  kind: "product" | "scenario" | "authorization" | "agreement" | "resource" | "participant";
  recordId: string;
  /** The record's public name where it has one (C21), else what identifies it (a catalog key, a kind). */
  label: string;
  status: string;
  anchor: Anchor;
  statusAnchor: Anchor | null;
};
export type ProvEdge = { from: string; to: string; relation: string };
export type ProvenanceGraph = { root: string; at: number; nodes: ProvNode[]; edges: ProvEdge[]; truncated: boolean };

/**
 * Limits of one provenance walk (hostile lineage cannot make a request unbounded): at most `nodes`
 * nodes, and parent products and parent authorizations followed `depth` levels down. A graph cut
 * short by either says so (`truncated`).
 */
export const PROVENANCE_LIMITS = { nodes: 2_000, depth: 32 } as const;

function lastAt<T extends { at: number }>(history: T[], at: number): T | null {
  let out: T | null = null;
  for (const h of history) if (h.at <= at) out = h;
  return out;
}

/** A reference to a record with its display name beside its id. */
export type NamedRef = { id: string; name: string | null };

/**
 * Display names for one answer (C21), read synchronously from the index at one moment
 * (ViewReader.now): each distinct (kind, id) is one point read of the names index
 * (views/names.ts), memoized for the answer, so a list page of 100 records reads each holder,
 * scenario or resource it names once. "0" (no record) has no name.
 */
export function namesAt(index: IndexNow) {
  const memo = new Map<string, string | null>();
  const name = (kind: NamedKind, id: string): string | null => {
    if (id === "0" || id === "") return null;
    const key = nameKey(kind, id);
    let v = memo.get(key);
    if (v === undefined) {
      v = index.get<string>(NAME_SPACE, key) ?? null;
      memo.set(key, v);
    }
    return v;
  };
  const refs = (kind: NamedKind, ids: readonly string[]): NamedRef[] => ids.map((id) => ({ id, name: name(kind, id) }));
  /** The participant whose signer key `address` is (null: none, e.g. an expert's or the hub admin's key). */
  const signer = (address: string | null): NamedRef | null => {
    if (address === null) return null;
    const id = index.get<string>(SPACE.signer, address.toLowerCase());
    return id === undefined ? null : { id, name: name("participant", id) };
  };
  return { name, refs, signer };
}
export type Names = ReturnType<typeof namesAt>;

/**
 * `namesAt` for an answer made across awaits (a list page read from a range): each call takes the
 * index as it is then (a reindex swaps it), and the names stay memoized while it is the same one.
 * `at()` gives them for a synchronous stretch of the answer.
 */
export function createNamer(reader: ViewReader) {
  let names: { index: IndexNow; n: Names } | undefined;
  const at = async (): Promise<Names> => {
    const index = await reader.now();
    if (names?.index !== index) names = { index, n: namesAt(index) };
    return names.n;
  };
  return {
    at,
    name: async (kind: NamedKind, id: string) => (await at()).name(kind, id),
    refs: async (kind: NamedKind, ids: readonly string[]) => (await at()).refs(kind, ids),
    signer: async (address: string | null) => (await at()).signer(address),
  };
}
export type Namer = ReturnType<typeof createNamer>;

/** A resource with the name of its source department. */
function namedResource(n: Names, r: ResourceRecord) {
  return { ...r, sourceDeptName: n.name("participant", r.sourceDeptId) };
}
/** A call with the names of its organizer and the holders it selected. */
function namedCall(n: Names, c: CallRecord) {
  return { ...c, organizerName: n.name("participant", c.organizerId), selectedHolders: n.refs("participant", c.selectedHolderIds) };
}
/** A scenario with the names of its holder, its authorization (its holder's) and its resources. */
function namedScenario(n: Names, s: ScenarioRecord) {
  return {
    ...s,
    holderName: n.name("participant", s.holderId),
    authorizationName: n.name("authorization", s.authorizationId),
    resources: n.refs("resource", s.resourceIds),
  };
}
/** An agreement with the names of its proposer, authorization, scenario, parties and signing parties. */
function namedAgreement(n: Names, g: AgreementRecord) {
  return {
    ...g,
    proposerName: n.name("participant", g.proposerId),
    authorizationName: n.name("authorization", g.authorizationId),
    scenarioName: n.name("scenario", g.scenarioId),
    parties: n.refs("participant", g.partyIds),
    signatures: g.signatures.map((x) => ({ ...x, partyName: n.name("participant", x.partyId) })),
  };
}
/** A product with the names of its holder, scenario, authorization, previous version, resources and parent products. */
function namedProduct(n: Names, p: ProductRecord) {
  return {
    ...p,
    holderName: n.name("participant", p.holderId),
    scenarioName: n.name("scenario", p.scenarioId),
    authorizationName: n.name("authorization", p.authorizationId),
    previousVersionName: n.name("product", p.previousVersionId),
    resources: n.refs("resource", p.resourceIds),
    parents: n.refs("product", p.parentProductIds),
  };
}
/** The names an authorization references: holder, organizer, parent (its holder's), call, resources. */
function authorizationNames(n: Names, a: Pick<AuthorizationRecord, "holderId" | "organizerId" | "parentId" | "callId" | "resourceIds">) {
  return {
    holderName: n.name("participant", a.holderId),
    organizerName: n.name("participant", a.organizerId),
    parentName: n.name("authorization", a.parentId),
    callName: n.name("call", a.callId),
    resources: n.refs("resource", a.resourceIds),
  };
}

/** A pending governance change as read at `now`: whether its delay is over, and how long is left. */
function pendingView(c: PendingGovernanceChange, now: number) {
  return { ...c, ready: now >= c.readyAt, secondsLeft: Math.max(0, c.readyAt - now) };
}

export type QueryOptions = {
  /** "MM-DD": the day by which the annual disclosure of the year before is due (the profile's `annualDisclosureDue`; national default 03-31). */
  annualDisclosureDue?: string;
  /** The working-day calendar the chain's is compared with (default: the pinned China calendar). */
  calendar?: Calendar;
};

export function createQueries(reader: ViewReader, opts: QueryOptions = {}) {
  const calendar = opts.calendar ?? chinaCalendar();
  const disclosureDue = opts.annualDisclosureDue ?? "03-31";
  /** The last year whose annual disclosure is due at `now` (C37): year Y is due by the end of MM-DD of Y+1, China time. */
  const lastYearDue = (now: number): number => {
    const y = Number(chinaDate(now).slice(0, 4));
    return now >= chinaDayStart(`${y}-${disclosureDue}`) + DAY ? y - 1 : y - 2;
  };

  async function must<T extends JsonValue>(space: string, key: string, what: string): Promise<T> {
    const v = await reader.get<T>(space, key);
    if (v === undefined) throw new NotFoundError(what);
    return v;
  }

  /** One page of a space (or of the keys under `prefix`), with an optional async filter/map. */
  async function page<V extends JsonValue, T>(
    space: string,
    args: PageArgs & { prefix?: string },
    map: (value: V, key: string) => Promise<T | undefined> | T | undefined,
  ): Promise<Page<T>> {
    const opts: RangeOptions = {};
    if (args.prefix !== undefined) {
      opts.gte = args.prefix;
      opts.lt = args.prefix.slice(0, -1) + String.fromCharCode(args.prefix.charCodeAt(args.prefix.length - 1) + 1);
    }
    if (args.after !== undefined) {
      if (args.prefix !== undefined && !args.after.startsWith(args.prefix)) throw new ValidationError("cursor does not belong to this list");
      delete opts.gte;
      opts.gt = args.after;
    }
    const items: T[] = [];
    let scanned = 0;
    let last: string | null = null;
    for await (const [key, value] of reader.range<V>(space, opts)) {
      scanned += 1;
      last = key;
      const item = await map(value, key);
      if (item !== undefined) items.push(item);
      if (items.length >= args.limit || scanned >= SCAN_CAP) return { items, next: key };
    }
    void last;
    return { items, next: null };
  }

  /**
   * One record by space and (unpadded) id with the index it was read from: its reader and names
   * answer from the same moment, so a record and the names beside it never come from two
   * versions of the index (a block applied between two awaits). 404 when there is none.
   */
  async function recordWithNames<T extends JsonValue>(space: string, id: string, what: string) {
    const index = await reader.now();
    const read = recordsOf(index);
    const record = read<T>(space, id);
    if (record === undefined) throw new NotFoundError(what);
    return { record, read, names: namesAt(index) };
  }

  const participant = (id: string) => reader.get<ParticipantRecord>(SPACE.participant, pad(id));
  const authorization = (id: string) => reader.get<AuthorizationRecord>(SPACE.authorization, pad(id));

  /** The records as they are now, for the usability cascades (read before the next await). */
  const records = async (): Promise<RecordReader> => recordsOf(await reader.now());

  /** A record's public name: its `name`, else its public text's name (spec B), else null. */
  const publicName = (r: JsonValue | undefined): string | null => {
    if (r === null || typeof r !== "object" || Array.isArray(r)) return null;
    if (typeof r.name === "string" && r.name !== "") return r.name;
    const t = r.publicText;
    if (t !== null && typeof t === "object" && !Array.isArray(t) && typeof t.name === "string" && t.name !== "") return t.name;
    return null;
  };
  /** A record's English name from its public text (`nameEn`), else null. */
  const publicNameEn = (r: JsonValue | undefined): string | null => {
    const t = r !== null && typeof r === "object" && !Array.isArray(r) ? r.publicText : null;
    return t !== null && typeof t === "object" && !Array.isArray(t) && typeof t.nameEn === "string" && t.nameEn !== "" ? t.nameEn : null;
  };
  /** The display names of a series' product, scenario or operator (a participant's registered name). */
  const seriesName = async (by: SeriesBy, id: string): Promise<{ name: string | null; nameEn: string | null }> => {
    const r = await reader.get(by === "product" ? SPACE.product : by === "scenario" ? SPACE.scenario : SPACE.participant, pad(id));
    return { name: publicName(r), nameEn: publicNameEn(r) };
  };

  /** In force at `at`: its own record, its holder active, and every ancestor in force. */
  async function inForce(a: AuthorizationState, at: number): Promise<boolean> {
    return authorizationProblemAt(await records(), a, at) === null;
  }

  /**
   * An authorization as the routes give it: `status` is its effective status at `at` (Expired
   * once its term is over, with no transaction), `storedStatus` the last status an event stored.
   */
  function authorizationView(a: AuthorizationRecord, at: number, read: RecordReader, n: Names) {
    return { ...a, ...authorizationNames(n, a), storedStatus: a.status, status: authorizationStatusAt(a, at), inForce: authorizationProblemAt(read, a, at) === null, at };
  }

  /**
   * An authorization's children, agreements and scenarios as its route lists them at `at`: the
   * links its brief holds (views/briefs.ts; none when it has no brief), each child from its brief.
   */
  function authorizationLists(links: AuthorizationLinks | undefined, at: number, read: RecordReader, n: Names) {
    const children = [];
    for (const cid of links?.childIds ?? []) {
      const c = read<AuthorizationBrief>(SPACE.authorizationBrief, cid);
      if (c) children.push({ id: c.id, holderId: c.holderId, holderName: n.name("participant", c.holderId), status: authorizationStatusAt(c, at), inForce: authorizationProblemAt(read, c, at) === null, termStart: c.termStart, termEnd: c.termEnd });
    }
    const agreements = [];
    for (const g of links?.agreements ?? []) {
      agreements.push({
        id: g.id, name: g.name, kind: g.kind, status: agreementStatusAt(g, at), statement: g.statement, termStart: g.termStart, termEnd: g.termEnd,
        partyIds: g.partyIds, parties: n.refs("participant", g.partyIds), termsDigest: g.termsDigest, anchor: g.anchor,
      });
    }
    const scenarios = [];
    for (const s of links?.scenarios ?? []) {
      scenarios.push({
        id: s.id, name: s.name, status: scenarioStatusAt(s, at), statement: s.statement, purposeHash: s.purposeHash,
        resourceIds: s.resourceIds, resources: n.refs("resource", s.resourceIds), anchor: s.anchor,
      });
    }
    return { children, agreements, scenarios };
  }

  /**
   * One authorization as its route gives it: the record at `at` with its names, children,
   * agreements and scenarios, all read from the index at one moment without an await.
   */
  async function authorizationAnswer(id: string, at: number) {
    const index = await reader.now();
    const read = recordsOf(index);
    const a = read<AuthorizationRecord>(SPACE.authorization, id);
    if (a === undefined) throw new NotFoundError(`authorization ${id}`);
    notYetAt("authorization", a, at);
    const n = namesAt(index);
    return { ...authorizationView(a, at, read, n), ...authorizationLists(read<AuthorizationBrief>(SPACE.authorizationBrief, id), at, read, n) };
  }

  /**
   * A record asked at a time before its first event did not exist then: 404 (as provenance does),
   * not a record of that time with the status "None".
   */
  function notYetAt(kind: "authorization" | "product", r: { id: string; history: readonly { at: number }[] }, at: number): void {
    const first = r.history[0]?.at;
    if (first !== undefined && at < first) throw new NotFoundError(`${kind} ${r.id} at ${at} (${kind === "product" ? "registered" : "applied"} only at ${first})`);
  }

  // ===== PROVENANCE =====

  /**
   * The graph of a product at `at`. Its tens of point reads, most of them hits of the record cache,
   * are made synchronously on the index as it is when the walk starts (ViewReader.now): an await
   * each was a tenth of the request.
   */
  async function provenance(productId: string, at: number): Promise<ProvenanceGraph> {
    const get = recordsOf(await reader.now()) as <T>(space: string, id: string) => T | undefined;
    const root = get<ProductBrief>(SPACE.productBrief, productId);
    if (root === undefined) throw new NotFoundError(`product ${productId}`);
    notYetAt("product", root, at);
    // The nodes in the order they were added, and per kind the node id of each record id: a
    // record's node id ("kind:id") is made once, when it is added. Made afresh for every lookup,
    // those ids and the edges' keys (below) were a fifth of a graph's work with its records cached.
    const nodes: ProvNode[] = [];
    const known: Record<ProvNode["kind"], Map<string, string>> = {
      product: new Map(), scenario: new Map(), authorization: new Map(), agreement: new Map(), resource: new Map(), participant: new Map(),
    };
    const edges: ProvEdge[] = [];
    let truncated = false;
    // A node's edges are drawn once, when it is added (each addX returns early for a record already
    // in the graph), and each list is walked without its repeated ids (the contracts keep the lists
    // strictly ascending; an index holding a repeated id still draws one edge): no edge twice.
    const edge = (from: string, to: string, relation: string) => {
      edges.push({ from, to, relation });
    };
    const repeated = (list: readonly string[], i: number) => i > 0 && list.indexOf(list[i]) < i;
    /** Whether another node fits (PROVENANCE_LIMITS.nodes); when none does, the graph is truncated. */
    const room = (): boolean => {
      if (nodes.length < PROVENANCE_LIMITS.nodes) return true;
      truncated = true;
      return false;
    };
    /**
     * Adds the node of a record and returns its id. Each addX below returns null for a record
     * that is unknown or that no longer fits, so no edge leads to a node the graph lacks.
     */
    const add = (n: ProvNode): string => {
      known[n.kind].set(n.recordId, n.id);
      nodes.push(n);
      return n.id;
    };

    const addParticipant = (id: string): string | null => {
      const seen = known.participant.get(id);
      if (seen !== undefined) return seen;
      const p = get<ParticipantRecord>(SPACE.participant, id);
      if (!p || !room()) return null;
      return add({ id: `participant:${id}`, kind: "participant", recordId: id, label: p.name, status: participantStatusAt(p, at), anchor: p.anchor, statusAnchor: null });
    };
    const addResource = (id: string): string | null => {
      const seen = known.resource.get(id);
      if (seen !== undefined) return seen;
      const r = get<ResourceRecord>(SPACE.resource, id);
      if (!r || !room()) return null;
      const h = lastAt(r.history, at);
      const nid = add({ id: `resource:${id}`, kind: "resource", recordId: id, label: r.name ?? r.data.catalogKey, status: h?.status ?? "None", anchor: r.anchor, statusAnchor: h?.anchor ?? null });
      const dept = addParticipant(r.sourceDeptId);
      if (dept) edge(nid, dept, "sourcedFrom");
      return nid;
    };
    // An authorization's brief is read once a walk: its scenarios' briefs are in it (views/briefs.ts).
    const authBriefs = new Map<string, AuthorizationBrief | undefined>();
    const authBrief = (id: string): AuthorizationBrief | undefined => {
      if (!authBriefs.has(id)) authBriefs.set(id, get<AuthorizationBrief>(SPACE.authorizationBrief, id));
      return authBriefs.get(id);
    };
    const addAgreements = (a: AuthorizationBrief, authNode: string) => {
      for (const g of a.agreements) {
        const seen = known.agreement.get(g.id);
        if (seen !== undefined) {
          edge(authNode, seen, "governedBy");
          continue;
        }
        if (!room()) return;
        const statusAnchor = statusAnchorAt(g, at, () => get<AgreementRecord>(SPACE.agreement, g.id));
        edge(authNode, add({ id: `agreement:${g.id}`, kind: "agreement", recordId: g.id, label: g.label, status: agreementStatusAt(g, at), anchor: g.anchor, statusAnchor }), "governedBy");
      }
    };
    const addAuthorization = (id: string, depth: number): string | null => {
      const seen = known.authorization.get(id);
      if (seen !== undefined) return seen;
      const a = authBrief(id);
      if (!a || !room()) return null;
      const statusAnchor = statusAnchorAt(a, at, () => get<AuthorizationRecord>(SPACE.authorization, id));
      const nid = add({ id: `authorization:${id}`, kind: "authorization", recordId: id, label: a.label, status: authorizationStatusAt(a, at), anchor: a.anchor, statusAnchor });
      const holder = addParticipant(a.holderId);
      if (holder) edge(nid, holder, "heldBy");
      addAgreements(a, nid);
      for (let i = 0; i < a.resourceIds.length; i++) {
        if (repeated(a.resourceIds, i)) continue;
        const r = addResource(a.resourceIds[i]);
        if (r) edge(nid, r, "scopeIncludes");
      }
      if (a.parentId !== "0" && depth < PROVENANCE_LIMITS.depth) {
        const p = addAuthorization(a.parentId, depth + 1);
        if (p) edge(nid, p, "childOf");
      }
      return nid;
    };
    /** A product's scenario: its brief from the authorization's brief that lists it, else by its id (a list keeps at most LINKS_CAP). */
    const addScenario = (id: string, authorizationId: string): string | null => {
      const seen = known.scenario.get(id);
      if (seen !== undefined) return seen;
      const s = authBrief(authorizationId)?.scenarios.find((x) => x.id === id) ?? get<ScenarioBrief>(SPACE.scenarioBrief, id);
      if (!s || !room()) return null;
      const statusAnchor = statusAnchorAt(s, at, () => get<ScenarioRecord>(SPACE.scenario, id));
      const nid = add({ id: `scenario:${id}`, kind: "scenario", recordId: id, label: s.label, status: scenarioStatusAt(s, at), anchor: s.anchor, statusAnchor });
      const auth = addAuthorization(s.authorizationId, 0);
      if (auth) edge(nid, auth, "underAuthorization");
      for (let i = 0; i < s.resourceIds.length; i++) {
        if (repeated(s.resourceIds, i)) continue;
        const r = addResource(s.resourceIds[i]);
        if (r) edge(nid, r, "uses");
      }
      return nid;
    };
    /** Adds a product not yet in the graph (`p`: its brief) with its lineage. */
    const addProduct = (p: ProductBrief, depth: number): string | null => {
      if (!room()) return null;
      const statusAnchor = statusAnchorAt(p, at, () => get<ProductRecord>(SPACE.product, p.id));
      const nid = add({ id: `product:${p.id}`, kind: "product", recordId: p.id, label: p.label, status: productStatusAt(p, at), anchor: p.anchor, statusAnchor });
      const holder = addParticipant(p.holderId);
      if (holder) edge(nid, holder, "heldBy");
      for (let i = 0; i < p.parentProductIds.length; i++) {
        if (depth >= PROVENANCE_LIMITS.depth) {
          truncated = true;
          break;
        }
        const parentId = p.parentProductIds[i];
        if (repeated(p.parentProductIds, i)) continue;
        const seen = known.product.get(parentId);
        if (seen !== undefined) {
          edge(nid, seen, "derivedFromProduct");
          continue;
        }
        const parent = get<ProductBrief>(SPACE.productBrief, parentId);
        const pn = parent && addProduct(parent, depth + 1);
        if (pn) edge(nid, pn, "derivedFromProduct");
      }
      const sc = addScenario(p.scenarioId, p.authorizationId);
      if (sc) edge(nid, sc, "servesScenario");
      for (let i = 0; i < p.resourceIds.length; i++) {
        if (repeated(p.resourceIds, i)) continue;
        const r = addResource(p.resourceIds[i]);
        if (r) edge(nid, r, "derivedFromResource");
      }
      return nid;
    };
    addProduct(root, 0);
    return { root: `product:${root.id}`, at, nodes, edges, truncated };
  }

  const alertSources = createAlertSources(reader, { authorization, inForce, records, calendar });

  return {
    inForce,
    provenance,

    participant: (id: string) => must<ParticipantRecord>(SPACE.participant, pad(id), `participant ${id}`),
    participants: (args: PageArgs) => page<ParticipantRecord, ParticipantRecord>(SPACE.participant, args, (v) => v),

    resource: async (id: string) => {
      const { record, names } = await recordWithNames<ResourceRecord>(SPACE.resource, id, `resource ${id}`);
      return namedResource(names, record);
    },
    resources: (args: PageArgs) => {
      const n = createNamer(reader);
      return page<ResourceRecord, ReturnType<typeof namedResource>>(SPACE.resource, args, async (v) => namedResource(await n.at(), v));
    },

    call: async (id: string) => {
      const { record, names } = await recordWithNames<CallRecord>(SPACE.call, id, `call ${id}`);
      return namedCall(names, record);
    },

    async authorizations(
      f: { status?: string; holder?: string; mode?: string; activeAt?: number; parent?: string },
      args: PageArgs,
      now: number,
    ) {
      const n = createNamer(reader);
      const keyed = f.holder !== undefined ? { space: SPACE.authByHolder, prefix: `${pad(f.holder)}:` } : f.parent !== undefined ? { space: SPACE.authByParent, prefix: `${pad(f.parent)}:` } : null;
      const pick = async (a: AuthorizationRecord | undefined) => {
        if (!a) return undefined;
        if (f.parent !== undefined && a.parentId !== f.parent) return undefined;
        if (f.holder !== undefined && a.holderId !== f.holder) return undefined;
        if (f.mode !== undefined && a.mode !== f.mode) return undefined;
        if (f.status !== undefined && authorizationStatusAt(a, now) !== f.status) return undefined;
        const read = recordsOf(await reader.now());
        if (f.activeAt !== undefined && authorizationProblemAt(read, a, f.activeAt) !== null) return undefined;
        return authorizationView(a, f.activeAt ?? now, read, await n.at());
      };
      if (keyed) return page<string, Awaited<ReturnType<typeof pick>>>(keyed.space, { ...args, prefix: keyed.prefix }, async (id) => pick(await authorization(id)));
      return page<AuthorizationRecord, Awaited<ReturnType<typeof pick>>>(SPACE.authorization, args, (a) => pick(a));
    },

    authorization: authorizationAnswer,

    /**
     * `authorization(id, at)` as JSON text, the same bytes as JSON.stringify of it, made without
     * decoding the record: its stored text with the effective status in place of the stored one,
     * then the fields the route adds, computed from the record's brief (views/briefs.ts). The
     * record's fields before `status` are ids, the mode and the tier (views/authorizations.ts), so
     * the first `,"status":` is the record's own; when the text does not read as expected (or the
     * reader cannot give text) it is made the ordinary way.
     */
    async authorizationJson(id: string, at: number): Promise<RawJson | Awaited<ReturnType<typeof authorizationAnswer>>> {
      const index = await reader.now();
      const text = reader.getText?.(SPACE.authorization, pad(id));
      const read = recordsOf(index);
      const b = text === undefined ? undefined : read<AuthorizationBrief>(SPACE.authorizationBrief, id);
      const head = b && `,"status":${JSON.stringify(b.status)},`;
      const i = head ? text!.indexOf(',"status":') : -1;
      if (text === undefined || b === undefined || i < 0 || !text.startsWith(head!, i) || !text.endsWith("}")) return authorizationAnswer(id, at);
      notYetAt("authorization", b, at);
      const n = namesAt(index);
      const added = JSON.stringify({ ...authorizationNames(n, b), storedStatus: b.status, inForce: authorizationProblemAt(read, b, at) === null, at, ...authorizationLists(b, at, read, n) });
      return new RawJson(`${text.slice(0, i)},"status":${JSON.stringify(authorizationStatusAt(b, at))},${text.slice(i + head!.length, -1)},${added.slice(1)}`);
    },

    scenario: async (id: string) => {
      const { record, names } = await recordWithNames<ScenarioRecord>(SPACE.scenario, id, `scenario ${id}`);
      return namedScenario(names, record);
    },
    agreement: async (id: string) => {
      const { record, names } = await recordWithNames<AgreementRecord>(SPACE.agreement, id, `agreement ${id}`);
      return namedAgreement(names, record);
    },

    async products(f: { holder?: string; status?: string }, args: PageArgs) {
      const n = createNamer(reader);
      const pick = async (p: ProductRecord | undefined) => (p && (f.status === undefined || p.status === f.status) ? namedProduct(await n.at(), p) : undefined);
      type Named = ReturnType<typeof namedProduct>;
      if (f.holder !== undefined) {
        return page<string, Named>(SPACE.productByHolder, { ...args, prefix: `${pad(f.holder)}:` }, async (id) =>
          pick(await reader.get<ProductRecord>(SPACE.product, pad(id))),
        );
      }
      return page<ProductRecord, Named>(SPACE.product, args, pick);
    },

    async product(id: string, at: number) {
      const { record: p, read, names } = await recordWithNames<ProductRecord>(SPACE.product, id, `product ${id}`);
      notYetAt("product", p, at);
      const notUsableBecause = productProblemsAt(read, p, at);
      // As for authorizations: `status` at `at`, `storedStatus` the last one stored.
      return { ...namedProduct(names, p), storedStatus: p.status, status: productStatusAt(p, at), usable: notUsableBecause.length === 0, notUsableBecause, at };
    },

    async timeline(kind: string, id: string, args: PageArgs) {
      const r = timelineRange(kind, id);
      const n = createNamer(reader);
      const named = new Set<string>(NAMED_REF_KINDS);
      const result = await page<TimelineValue, JsonValue>(SPACE.timeline, { ...args, prefix: r.gte }, async (stored) => {
        const index = await reader.now();
        const v = readTimelineEntry(stored, index);
        if (v === undefined) return undefined;
        const actor = await n.signer(v.actor);
        return {
          ...v,
          name: named.has(v.kind) ? await n.name(v.kind as NamedKind, v.id) : null,
          actorId: actor?.id ?? null,
          actorName: actor?.name ?? null,
          related: await Promise.all(v.related.map(async (x) => ({ ...x, name: named.has(x.kind) ? await n.name(x.kind as NamedKind, x.id) : null }))),
        };
      });
      if (result.items.length === 0 && args.after === undefined) throw new NotFoundError(`${kind} ${id}`);
      return result;
    },

    // ===== DISCLOSURES (C21, C37) =====

    async disclosedAuthorizations(args: PageArgs, now: number) {
      const decided = new Set(["Approved", "Noticed", "Active", "Suspended", "Expired", "Terminated", "Revoked", "Exited"]);
      const n = createNamer(reader);
      return page<AuthorizationRecord, JsonValue>(SPACE.authorization, args, async (a) => {
        const status = authorizationStatusAt(a, now);
        if (!decided.has(status)) return undefined;
        const holder = await participant(a.holderId);
        const resources = [];
        for (const rid of a.resourceIds) {
          const r = await reader.get<ResourceRecord>(SPACE.resource, pad(rid));
          resources.push({
            id: rid, name: r?.name ?? null, catalogKey: r?.data.catalogKey ?? null, shareType: r?.data.shareType ?? null, openAttribute: r?.data.openAttribute ?? null,
            sourceDeptId: r?.sourceDeptId ?? null, sourceDeptName: r ? await n.name("participant", r.sourceDeptId) : null,
          });
        }
        return {
          id: a.id,
          object: { participantId: a.holderId, name: holder?.name ?? null, creditCode: holder?.creditCode ?? null, kind: holder?.kind ?? null },
          content: { resources, domains: a.domains },
          scope: {
            mode: a.mode, tier: a.tier, parentId: a.parentId === "0" ? null : a.parentId, parentName: await n.name("authorization", a.parentId),
            organizerId: a.organizerId, organizerName: await n.name("participant", a.organizerId),
          },
          term: { start: a.termStart, end: a.termEnd },
          status,
          statement: a.statement,
          anchor: a.anchor,
        };
      });
    },

    async disclosedProducts(args: PageArgs) {
      // Capability lists per operator: listed products grouped by holder, in holder order.
      const n = createNamer(reader);
      const result = await page<string, ProductRecord>(SPACE.productByHolder, args, async (id) => {
        const p = await reader.get<ProductRecord>(SPACE.product, pad(id));
        return p && p.status === "Listed" ? p : undefined;
      });
      const groups = new Map<string, { holder: { id: string; name: string | null }; products: JsonValue[] }>();
      for (const p of result.items) {
        let g = groups.get(p.holderId);
        if (!g) {
          const h = await participant(p.holderId);
          g = { holder: { id: p.holderId, name: h?.name ?? null }, products: [] };
          groups.set(p.holderId, g);
        }
        g.products.push({
          id: p.id, name: p.name, publicText: p.publicText, publicTextError: p.publicTextError, kind: p.kind, version: p.version,
          scenarioId: p.scenarioId, scenarioName: await n.name("scenario", p.scenarioId), capabilityListHash: p.descriptionHash,
          usageHash: p.usageHash, pricingBasisHash: p.pricingBasisHash, chargingBases: p.chargingBases,
          registrationCode: p.registration.code, listedAt: p.listedAt, anchor: p.anchor,
        });
      }
      return { items: [...groups.values()], next: result.next };
    },

    async usage(q: { kind?: string; id?: string; from?: string; to?: string; limit: number }) {
      // Usage statistics (C21) and fees (004 第十九条) from the batches platform nodes anchored.
      const nodes: JsonValue[] = [];
      let receipts = 0;
      let batches = 0;
      let fees = 0n;
      for await (const [, u] of reader.range<UsageRecord>(SPACE.usage, { limit: 1_000 })) {
        receipts += u.receipts;
        batches += u.batches;
        fees += BigInt(u.fees ?? "0");
        const node = await participant(u.nodeId);
        nodes.push({ ...u, nodeName: node?.name ?? null });
      }
      const match = (t: UsageTotal) => (q.kind === undefined || t.kind === q.kind) && (q.id === undefined || t.id === q.id);
      const n = createNamer(reader);
      const named = async (t: UsageTotal) => ({ ...t, name: await n.name(t.kind.toLowerCase() as NamedKind, t.id) });
      const totals: JsonValue[] = [];
      for await (const [, t] of reader.range<UsageTotal>(SPACE.usageTotal, { limit: SCAN_CAP })) if (match(t)) totals.push(await named(t));
      const days: JsonValue[] = [];
      let scanned = 0;
      days: for await (const [, d] of reader.range<UsageDayRecord>(SPACE.usageDay, { gte: q.from ?? "", lte: q.to ?? "9999-12-31" })) {
        for (const t of dayTotals(d)) {
          if (match(t)) days.push(await named(t));
          if (days.length >= q.limit || ++scanned >= SCAN_CAP) break days;
        }
      }
      const recent: BatchRecord[] = [];
      for await (const [, b] of reader.range<BatchRecord>(SPACE.receiptBatch, { reverse: true, limit: q.limit })) recent.push(b);
      return { receipts, batches, fees: fees.toString(), items: nodes, totals, days, batchesRecent: recent, lateAfterSeconds: LATE_AFTER_SECONDS };
    },

    async usageSeries(by: SeriesBy, bucket: SeriesBucket) {
      // C21: uses and fees over time, from the records the usage view keeps per bucket (all ids of
      // one bucket in one record), read newest first so that a cut drops the oldest points.
      const points = new Map<string, [number, number, string][]>();
      let scanned = 0;
      let truncated = false;
      buckets: for await (const [, b] of reader.range<SeriesBucketRecord>(SPACE.usageSeries, { gte: `${by}:${bucket}:`, lt: `${by}:${bucket};`, reverse: true })) {
        for (const [id, [uses, fee]] of Object.entries(b.points)) {
          if (scanned++ >= SCAN_CAP) {
            truncated = true;
            break buckets;
          }
          const list = points.get(id) ?? [];
          points.set(id, list);
          list.push([b.start, uses, fee]);
        }
      }
      const ids = [...points.keys()].sort(compareIds);
      const series: { id: string; name: string | null; nameEn: string | null; points: [number, number, string][] }[] = [];
      for (const id of ids) series.push({ id, ...(await seriesName(by, id)), points: points.get(id)!.reverse() });
      return { by, bucket, series, truncated };
    },

    async batches(args: { limit: number; cursor?: string }) {
      // Every anchored batch, newest first (chain order), with the sequence numbers missing before it (C22).
      let total = 0;
      for await (const [, u] of reader.range<UsageRecord>(SPACE.usage, { limit: 1_000 })) total += u.batches;
      const names = new Map<string, string | null>();
      const items: JsonValue[] = [];
      let last: string | null = null;
      let more = false;
      for await (const [key, batchKey] of reader.range<string>(SPACE.batchOrder, { reverse: true, ...(args.cursor !== undefined ? { lt: args.cursor } : {}), limit: args.limit + 1 })) {
        if (items.length >= args.limit) {
          more = true;
          break;
        }
        const b = await reader.get<BatchRecord>(SPACE.receiptBatch, batchKey);
        if (b) {
          if (!names.has(b.nodeId)) names.set(b.nodeId, (await participant(b.nodeId))?.name ?? null);
          items.push({ nodeId: b.nodeId, nodeName: names.get(b.nodeId) ?? null, sequence: b.sequence, root: b.root, count: b.receiptCount, firstAt: b.firstAt, lastAt: b.lastAt, late: b.late, anchor: b.anchor, gapBefore: b.gapBefore ?? 0 });
        }
        last = key;
      }
      return { total, next: more ? last : null, items };
    },

    async batch(nodeId: string, sequence: string) {
      // One anchored batch: what a receipt proof is checked against (the root, its transaction).
      const b = await must<BatchRecord>(SPACE.receiptBatch, receiptBatchKey(nodeId, sequence), `batch ${sequence} of node ${nodeId}`);
      return { ...b, nodeName: (await participant(b.nodeId))?.name ?? null };
    },

    async annualDisclosures(asked: number | undefined, now: number) {
      const year = asked ?? lastYearDue(now);
      const disclosures: DisclosureRecord[] = [];
      for await (const [key, v] of reader.range<DisclosureRecord>(SPACE.disclosure, {})) if (key.endsWith(`:${pad(year, 4)}`)) disclosures.push(v);
      const due: DeadlineRecord[] = [];
      for await (const [, d] of reader.range<DeadlineRecord>(SPACE.deadline, { gte: "participant:", lt: "participant;" })) {
        if (d.clause === "C37" && d.name === `disclosure-${year}`) due.push(d);
      }
      const n = createNamer(reader);
      const missing = [];
      for (const d of due.filter((x) => x.status === "open" || x.status === "late")) {
        missing.push({ participantId: d.subjectId, participantName: await n.name("participant", d.subjectId), dueAt: d.dueAt, dueDate: d.dueDate, status: deadlineStatusAt(d, now) });
      }
      const named = [];
      for (const d of disclosures) named.push({ ...d, participantName: await n.name("participant", d.participantId) });
      return { year, disclosures: named, missing };
    },

    // ===== GOVERNANCE (issue 9: C05, C22) =====

    /** Registry address changes, governance-role grants and admin hand-overs waiting their delay. */
    async pendingGovernance(args: PageArgs, now: number) {
      return page<PendingGovernanceChange, JsonValue>(GOVERNANCE_SPACE, args, (c) => pendingView(c, now));
    },

    // ===== REGULATOR =====

    async deadlines(f: { status?: string; clause?: string; subjectKind?: string }, args: PageArgs, now: number) {
      return page<DeadlineRecord, JsonValue>(SPACE.deadline, { ...args, ...(f.subjectKind ? { prefix: `${f.subjectKind}:` } : {}) }, (d) => {
        const view = deadlineView(d, now);
        if (f.status !== undefined && view.status !== f.status) return undefined;
        if (f.clause !== undefined && d.clause !== f.clause) return undefined;
        return view;
      });
    },

    /**
     * Every regulator alert as one list, newest first (`at` descending, then `key`), with the
     * `total` and the count of each kind. Each kind is one source of createAlertSources (plus
     * `extra`, e.g. the platform node's uses outside the rules): adding a kind is adding a
     * source. A source returns at most SCAN_CAP alerts; `truncated` says one returned that many.
     *
     * Paged by `next` = `${time}_${key}`: the page after the item `key`, read at the time of the
     * first page, so conditions found when asked (at: the time asked) neither move nor repeat
     * between pages. A bare item `key` as `after` pages on at the present time.
     */
    async alerts(q: { now: number; days: number; limit: number; after?: string; kind?: string }, extra: Partial<Record<AlertKind, AlertSource>> = {}) {
      const cursor = q.after === undefined ? null : /^([0-9]{1,12})_(.+)$/.exec(q.after);
      const now = cursor ? Number(cursor[1]) : q.now;
      const after = cursor ? cursor[2] : q.after;
      const ctx: AlertContext = { now, days: q.days, cap: SCAN_CAP };
      const sources = { ...alertSources, ...extra };
      const counts: Partial<Record<AlertKind, number>> = {};
      let truncated = false;
      let all: AlertItem[] = [];
      for (const [kind, source] of Object.entries(sources) as [AlertKind, AlertSource][]) {
        const found = await source(ctx);
        counts[kind] = found.length;
        if (found.length >= SCAN_CAP) truncated = true;
        if (q.kind === undefined || q.kind === kind) all = all.concat(found);
      }
      all.sort((x, y) => (x.key < y.key ? 1 : x.key > y.key ? -1 : 0));
      const from = after === undefined ? 0 : all.findIndex((x) => x.key < after);
      const rest = from < 0 ? [] : all.slice(from);
      const items = rest.slice(0, q.limit);
      const next = rest.length > q.limit ? `${now}_${items[items.length - 1].key}` : null;
      return { at: now, days: q.days, total: all.length, counts, truncated, items, next };
    },
  };
}

// ===== ALERTS =====

/**
 * The kinds of regulator alert, each from one source. `use-outside-rules` comes from a platform
 * node's own store (only a node instance answers it).
 */
export const ALERT_KINDS = [
  "missed-deadline",
  "missing-report",
  "breach",
  "expiring-term",
  "operation-outside-authorization",
  "listed-under-stopped-authorization",
  "listed-not-usable",
  "authorization-with-lost-resources",
  "pending-governance-change",
  "calendar-difference",
  "invalid-public-text",
  "use-outside-rules",
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** One regulator alert: what, under which clause, when, about which record, why. */
export type AlertItem = {
  kind: AlertKind;
  clause: string;
  /** When it happened (a deadline's due time, a breach's time, a use's time); for an expiring term its end; for a condition found when asked, the time asked. */
  at: number;
  subjectKind: string;
  subjectId: string;
  message: string;
  /** A deadline's status in the one vocabulary (see DEADLINE_STATUSES); null for other kinds. */
  status: string | null;
  /** The record behind the alert, as its own list gives it. */
  detail: JsonValue;
  /** Sort key (at, kind, source key) and the cursor to page after this item. */
  key: string;
};
export type AlertContext = { now: number; days: number; cap: number };
export type AlertSource = (ctx: AlertContext) => Promise<AlertItem[]>;

export const alertKey = (at: number, kind: AlertKind, sourceKey: string): string => `${padTime(at)}:${kind}:${sourceKey}`;

/**
 * The one vocabulary of deadline states, in every route and the CLI: `open` until due,
 * `overdue` once past due and unmet, `met` (done in time), `late` (done after its due time),
 * `closed` (no longer required), `violated` (a one-off rule broken: a notice too short, a
 * refusal without its legal basis).
 */
export const DEADLINE_STATUSES = ["open", "overdue", "met", "late", "closed", "violated"] as const;
export type DeadlineState = (typeof DEADLINE_STATUSES)[number];

export function deadlineStatusAt(d: DeadlineRecord, now: number): DeadlineState {
  return d.status === "open" && now >= d.dueAt ? "overdue" : d.status;
}

/** Whole China days between a due time and a later moment, counting a started day (0 if not later). */
const daysAfter = (dueAt: number, t: number): number => (t > dueAt ? Math.ceil((t - dueAt) / DAY) : 0);
const nDays = (n: number | null): string => `${n} day${n === 1 ? "" : "s"}`;

/** A deadline as the routes give it: its status at `now` and how many days overdue (or late) it is. */
export function deadlineView(d: DeadlineRecord, now: number) {
  const status = deadlineStatusAt(d, now);
  const daysOverdue = status === "overdue" ? daysAfter(d.dueAt, now) : status === "late" && d.closedAt !== null ? daysAfter(d.dueAt, d.closedAt) : null;
  return { ...d, status, daysOverdue };
}

function createAlertSources(
  reader: ViewReader,
  q: { authorization(id: string): Promise<AuthorizationRecord | undefined>; inForce(a: AuthorizationRecord, at: number): Promise<boolean>; records(): Promise<RecordReader>; calendar: Calendar },
) {
  const deadlineItem = (kind: AlertKind, d: DeadlineRecord, now: number, at: number): AlertItem => {
    const v = deadlineView(d, now);
    const what = d.note ?? d.name;
    const message =
      v.status === "overdue" ? `${what}: due ${d.dueDate}, ${nDays(v.daysOverdue)} overdue`
      : v.status === "late" ? `${what}: due ${d.dueDate}, done ${chinaDate(d.closedAt ?? at)}, ${nDays(v.daysOverdue)} late`
      : what;
    return { kind, clause: d.clause, at, subjectKind: d.subjectKind, subjectId: d.subjectId, message, status: v.status, detail: v, key: alertKey(at, kind, d.key) };
  };
  /** Open deadlines past due: `report` picks the periodic reports (C28) or every other one. */
  const missed = (kind: AlertKind, report: boolean): AlertSource => async ({ now, cap }) => {
    const out: AlertItem[] = [];
    let scanned = 0;
    for await (const [, key] of reader.range<string>(SPACE.deadlineOpen, { lt: `${padTime(now)}:` })) {
      if (++scanned > cap || out.length >= cap) break;
      const d = await reader.get<DeadlineRecord>(SPACE.deadline, key);
      if (d && (d.clause === "C28") === report) out.push(deadlineItem(kind, d, now, d.dueAt));
    }
    return out;
  };
  /** When an authorization stopped being in force, as far as its own record tells. */
  const stoppedAt = (a: AuthorizationRecord, now: number): number => {
    const status = authorizationStatusAt(a, now);
    if (status === "Expired") return a.termEnd;
    if (status !== "Active") return lastAt(a.history, now)?.at ?? now;
    return now; // its holder or an ancestor stopped
  };
  /** Products on offer (C13, C24), each with its authorization and whether it is usable now. */
  async function* listed(cap: number) {
    let scanned = 0;
    for await (const [key, authId] of reader.range<string>(LISTED_SPACE, {})) {
      if (++scanned > cap) break;
      yield { productId: unpad(key), key, authId, a: await q.authorization(authId) };
    }
  }

  const sources: Record<Exclude<AlertKind, "use-outside-rules">, AlertSource> = {
    "missed-deadline": missed("missed-deadline", false),
    "missing-report": missed("missing-report", true),

    async breach({ now, cap }) {
      const out: AlertItem[] = [];
      for await (const [k, key] of reader.range<string>(SPACE.violation, { reverse: true, limit: cap })) {
        const d = await reader.get<DeadlineRecord>(SPACE.deadline, key);
        if (d) out.push(deadlineItem("breach", d, now, Number(k.slice(0, k.indexOf(":")))));
      }
      return out;
    },

    async "expiring-term"({ now, days, cap }) {
      const out: AlertItem[] = [];
      for await (const [, id] of reader.range<string>(SPACE.expiry, { gte: `${padTime(now)}:`, lt: `${padTime(now + days * DAY)}:`, limit: cap })) {
        const a = await q.authorization(id);
        if (!a) continue;
        const status = authorizationStatusAt(a, now);
        if (status !== "Active" && status !== "Suspended") continue;
        const daysLeft = Math.floor((a.termEnd - now) / DAY);
        out.push({
          kind: "expiring-term", clause: "C06", at: a.termEnd, subjectKind: "authorization", subjectId: a.id,
          message: `authorization ${a.id} (${status}) ends ${chinaDate(a.termEnd)}, in ${nDays(daysLeft)}`, status: null,
          detail: { id: a.id, holderId: a.holderId, status, termEnd: a.termEnd, daysLeft }, key: alertKey(a.termEnd, "expiring-term", pad(a.id)),
        });
      }
      return out;
    },

    async "operation-outside-authorization"({ cap }) {
      const out: AlertItem[] = [];
      for await (const [k, v] of reader.range<OperationAlert>(ALERT_SPACE, { reverse: true, limit: cap })) {
        out.push({
          kind: "operation-outside-authorization", clause: "C24", at: v.at, subjectKind: v.subjectKind, subjectId: v.subjectId,
          message: `${v.event} of ${v.subjectKind} ${v.subjectId} while authorization ${v.authorizationId} was ${v.authorizationStatus}`, status: null,
          detail: v, key: alertKey(v.at, "operation-outside-authorization", k.slice(k.indexOf(":") + 1)),
        });
      }
      return out;
    },

    async "listed-under-stopped-authorization"({ now, cap }) {
      const out: AlertItem[] = [];
      for await (const { productId, key, authId, a } of listed(cap)) {
        if (!a || (await q.inForce(a, now))) continue;
        const authorizationStatus = authorizationStatusAt(a, now);
        const at = stoppedAt(a, now);
        out.push({
          kind: "listed-under-stopped-authorization", clause: "C24", at, subjectKind: "product", subjectId: productId,
          message: `product ${productId} is on offer under authorization ${authId}, which is not in force (${authorizationStatus})`, status: null,
          detail: { productId, authorizationId: authId, authorizationStatus }, key: alertKey(at, "listed-under-stopped-authorization", key),
        });
      }
      return out;
    },

    async "listed-not-usable"({ now, cap }) {
      const out: AlertItem[] = [];
      for await (const { productId, key, a } of listed(cap)) {
        // On offer under an authorization in force, yet not usable: a resource it rests on or a
        // parent product has stopped (C10, C14, C36).
        if (!a || !(await q.inForce(a, now))) continue;
        const p = await reader.get<ProductRecord>(SPACE.product, key);
        const reasons = p ? productProblemsAt(await q.records(), p, now) : [];
        if (reasons.length === 0) continue;
        out.push({
          kind: "listed-not-usable", clause: "C10", at: now, subjectKind: "product", subjectId: productId,
          message: `product ${productId} is on offer but not usable: ${reasons.join("; ")}`, status: null,
          detail: { productId, reasons }, key: alertKey(now, "listed-not-usable", key),
        });
      }
      return out;
    },

    async "authorization-with-lost-resources"({ now, cap }) {
      // Authorizations in force whose scope holds a resource that may no longer carry use.
      const out: AlertItem[] = [];
      let scanned = 0;
      for await (const [, id] of reader.range<string>(SPACE.expiry, { gte: `${padTime(now)}:` })) {
        if (++scanned > cap) break;
        const a = await q.authorization(id);
        if (!a || !(await q.inForce(a, now))) continue;
        const reason = resourcesProblemAt(await q.records(), a.resourceIds, now);
        if (reason === null) continue;
        out.push({
          kind: "authorization-with-lost-resources", clause: "C10", at: now, subjectKind: "authorization", subjectId: a.id,
          message: `authorization ${a.id} is in force but ${reason}`, status: null,
          detail: { authorizationId: a.id, holderId: a.holderId, reason }, key: alertKey(now, "authorization-with-lost-resources", pad(a.id)),
        });
      }
      return out;
    },

    async "pending-governance-change"({ now, cap }) {
      // Every pending governance change is an alert until it is executed or cancelled.
      const out: AlertItem[] = [];
      for await (const [k, c] of reader.range<PendingGovernanceChange>(GOVERNANCE_SPACE, { limit: cap })) {
        const v = pendingView(c, now);
        out.push({
          kind: "pending-governance-change", clause: "C05", at: c.scheduledAt, subjectKind: "hub", subjectId: c.label,
          message: `${c.kind} ${c.label} → ${c.account}, ${v.ready ? "ready since" : "ready at"} ${chinaDate(c.readyAt)}`, status: null,
          detail: v, key: alertKey(c.scheduledAt, "pending-governance-change", k),
        });
      }
      return out;
    },

    async "invalid-public-text"({ cap }) {
      // Public texts on chain the service shows as absent (C21, C34): each one refused, newest first.
      const out: AlertItem[] = [];
      for await (const [k, v] of reader.range<InvalidText>(INVALID_TEXT_SPACE, { reverse: true, limit: cap })) {
        out.push({
          kind: "invalid-public-text", clause: "C21", at: v.at, subjectKind: v.subjectKind, subjectId: v.subjectId,
          message: `the ${v.field === "statement" ? "statement" : "public text"} of ${v.event} (${v.subjectKind} ${v.subjectId}) is not shown: ${v.error}`, status: null,
          detail: v, key: alertKey(v.at, "invalid-public-text", k.slice(k.indexOf(":") + 1)),
        });
      }
      return out;
    },

    async "calendar-difference"({ now }) {
      // The chain's working-day calendar against the service's (C04): every year set on chain
      // that the service's calendar covers, and every covered year from the first one set on chain
      // on that the chain lacks (it counts those provisionally).
      const out: AlertItem[] = [];
      const chainYears = new Map<number, ChainCalendarYear>();
      for await (const [, y] of reader.range<ChainCalendarYear>(CALENDAR_SPACE, {})) chainYears.set(y.year, y);
      const item = (year: number, message: string, detail: JsonValue): AlertItem => ({
        kind: "calendar-difference", clause: "C04", at: now, subjectKind: "calendar", subjectId: String(year), message, status: null, detail,
        key: alertKey(now, "calendar-difference", String(year)),
      });
      for (const y of chainYears.values()) {
        if (!q.calendar.covers(y.year)) continue;
        const dates = calendarDifferences(y, q.calendar);
        if (dates.length > 0) {
          out.push(item(y.year, `the chain's calendar for ${y.year} (version ${y.version}) differs from the service's on ${dates.join(", ")}`, { year: y.year, kind: "differs", dates, chainVersion: y.version }));
        }
      }
      if (chainYears.size > 0) {
        const firstSet = Math.min(...chainYears.keys());
        for (const year of q.calendar.info().coveredYears) {
          if (year >= firstSet && !chainYears.has(year)) {
            out.push(item(year, `the chain's calendar has no schedule for ${year}: it counts that year provisionally`, { year, kind: "not-set-on-chain", dates: [], chainVersion: null }));
          }
        }
      }
      return out;
    },
  };
  return sources;
}

export type Queries = ReturnType<typeof createQueries>;
