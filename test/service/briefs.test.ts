/**
 * Briefs (ledger-service/src/views/briefs.ts): the small per-record projections the provenance
 * graph and an authorization's lists read instead of whole records (issue 13). They must say what
 * the full records say, after every change, after an unwind, and at any time asked.
 */
import { expect } from "chai";
import { loadProfile } from "../../policy/profile";
import { createViews, SPACE } from "../../ledger-service/src/views";
import { agreementStatusAt, type AgreementRecord } from "../../ledger-service/src/views/agreements";
import { authorizationStatusAt, type AuthorizationRecord } from "../../ledger-service/src/views/authorizations";
import { agreementBrief, authorizationBrief, productBrief, putLink, scenarioBrief, withLink, type AuthorizationLinks } from "../../ledger-service/src/views/briefs";
import { productStatusAt, type ProductRecord } from "../../ledger-service/src/views/products";
import { scenarioStatusAt, type ScenarioRecord } from "../../ledger-service/src/views/scenarios";
import { LINKS_CAP, pad, type Anchor } from "../../ledger-service/src/views/util";
import type { JsonValue, ViewReader, ViewTx } from "../../ledger-service/src/store/types";
import { createQueries } from "../../ledger-service/src/api/queries";
import { RawJson } from "../../ledger-service/src/api/respcache";
import { servingReader } from "../../ledger-service/src/runtime/service";
import type { Store } from "../../ledger-service/src/store/db";
import { createChainBuilder, cst, h, memoryTx, openSeededStore, openTestStore, P, seedWorld, type TestStore } from "./helpers/ledger";

type Historied = { history: { at: number; status: string; anchor: Anchor }[]; anchor: Anchor };
/** The kinds with briefs of their own, by record id (agreements have theirs only in their authorization's brief). */
const KINDS = [
  { kind: "scenario", space: SPACE.scenario, brief: SPACE.scenarioBrief, of: (r: unknown) => scenarioBrief(r as ScenarioRecord) },
  { kind: "product", space: SPACE.product, brief: SPACE.productBrief, of: (r: unknown) => productBrief(r as ProductRecord) },
] as const;

async function entries(reader: ViewReader, space: string): Promise<Map<string, JsonValue>> {
  const out = new Map<string, JsonValue>();
  for await (const [k, v] of reader.range<JsonValue>(space)) out.set(k, v);
  return out;
}

const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

/**
 * Every authorization, scenario and product has a brief equal to the one made from its record
 * now, and no brief is left without its record. An authorization's brief holds, as its links, its
 * children's ids and the briefs of its agreements and scenarios, each list every such record by
 * ascending id, made from the records too. Returns how many briefs it compared.
 */
async function expectBriefsMatchRecords(reader: ViewReader): Promise<number> {
  let n = 0;
  const authorizations = await entries(reader, SPACE.authorization);
  const links = new Map<string, AuthorizationLinks>([...authorizations.keys()].map((k) => [k, { childIds: [], agreements: [], scenarios: [] }]));
  const linksOf = (id: string) => links.get(pad(id))!;
  // Ranges come in key order, that is by ascending id.
  for (const r of authorizations.values() as Iterable<unknown> as Iterable<AuthorizationRecord>) if (r.parentId !== "0") linksOf(r.parentId).childIds.push(r.id);
  for (const r of (await entries(reader, SPACE.agreement)).values() as Iterable<unknown> as Iterable<AgreementRecord>) linksOf(r.authorizationId).agreements.push(agreementBrief(r));
  for (const r of (await entries(reader, SPACE.scenario)).values() as Iterable<unknown> as Iterable<ScenarioRecord>) linksOf(r.authorizationId).scenarios.push(scenarioBrief(r));
  const kinds = [{ kind: "authorization", space: SPACE.authorization, brief: SPACE.authorizationBrief, of: (r: unknown) => authorizationBrief(r as AuthorizationRecord, linksOf((r as AuthorizationRecord).id)) }, ...KINDS];
  for (const k of kinds) {
    const records = await entries(reader, k.space);
    const briefs = await entries(reader, k.brief);
    expect([...briefs.keys()], `${k.kind} briefs`).to.deep.equal([...records.keys()]);
    for (const [key, r] of records) {
      expect(plain(briefs.get(key)), `${k.kind} ${key}`).to.deep.equal(plain(k.of(r)));
      n++;
    }
  }
  const linked = [...links.values()].reduce((sum, l) => sum + l.childIds.length + l.agreements.length + l.scenarios.length, 0);
  expect(linked, "the world links children, agreements and scenarios to authorizations").to.be.greaterThan(2);
  return n + linked;
}

const lastAt = <T extends { at: number }>(history: T[], at: number): T | null => history.filter((x) => x.at <= at).at(-1) ?? null;

describe("briefs: the small projections the provenance graph and authorization lists read", () => {
  const profile = loadProfile("zhaoqing");
  let ts: TestStore;
  let reader: ViewReader;
  let times: ReturnType<typeof seedWorld>;

  before(async () => {
    ({ ts, times } = await openSeededStore(profile));
    reader = ts.store.reader;
  });
  after(async () => ts.close());

  /** Each graph node of a record kind with a brief shows what the full record says at `at`. */
  async function expectGraphFromRecords(productId: string, at: number): Promise<string[]> {
    const g = await createQueries(reader).provenance(productId, at);
    const checked: string[] = [];
    for (const node of g.nodes) {
      const read = <T>(space: string) => reader.get(space, pad(node.recordId)) as Promise<unknown> as Promise<T>;
      let status: string;
      let label: string;
      let r: Historied;
      if (node.kind === "authorization") {
        const a = await read<AuthorizationRecord>(SPACE.authorization);
        [r, status, label] = [a, authorizationStatusAt(a, at), `${a.mode} tier ${a.tier}`];
      } else if (node.kind === "agreement") {
        const x = await read<AgreementRecord>(SPACE.agreement);
        [r, status, label] = [x, agreementStatusAt(x, at), x.name ?? x.kind];
      } else if (node.kind === "scenario") {
        const x = await read<ScenarioRecord>(SPACE.scenario);
        [r, status, label] = [x, scenarioStatusAt(x, at), x.name ?? x.purposeHash];
      } else if (node.kind === "product") {
        const x = await read<ProductRecord>(SPACE.product);
        [r, status, label] = [x, productStatusAt(x, at), x.name ?? `${x.kind} v${x.version}`];
      } else continue;
      expect({ label: node.label, status: node.status, anchor: node.anchor, statusAnchor: node.statusAnchor }, node.id).to.deep.equal({
        label, status, anchor: r.anchor, statusAnchor: lastAt(r.history, at)?.anchor ?? null,
      });
      checked.push(`${node.id}=${node.status}`);
    }
    return checked;
  }

  it("keeps one brief per record, equal to the brief of the record as stored, and the graph's nodes say what the records say at any time", async () => {
    expect(await expectBriefsMatchRecords(reader)).to.be.greaterThan(6);
    const p2 = (await reader.get<ProductRecord>(SPACE.product, pad("2")))!;
    expect(p2.history.map((x) => x.status)).to.deep.equal(["Registered", "Reviewed", "Listed"]);
    const now = await expectGraphFromRecords("2", times.caseFiled);
    expect(now).to.include.members(["authorization:1=Active", "authorization:2=Active", "product:2=Listed", "product:1=Listed", "agreement:1=Filed"]);
    // After the term: Expired, computed from the brief's termEnd.
    expect(await expectGraphFromRecords("1", times.termEnd + 1)).to.include("authorization:1=Expired");
  });

  it("keeps each list of links in ascending id order, one per id, the LINKS_CAP lowest, as a new list", () => {
    type B = { id: string; v: number };
    const put = (list: readonly B[], id: string, v: number) => withLink(list, { id, v }, (b) => b.id);
    let list: readonly B[] = [];
    for (const id of ["10", "9", "100", "1"]) list = put(list, id, 1);
    expect(list.map((b) => b.id)).to.deep.equal(["1", "9", "10", "100"]);
    const before = list;
    list = put(list, "9", 2);
    expect(list).to.deep.equal([{ id: "1", v: 1 }, { id: "9", v: 2 }, { id: "10", v: 1 }, { id: "100", v: 1 }]);
    // The list read stays as it was: the store keeps it for the undo record of its block.
    expect(before[1]).to.deep.equal({ id: "9", v: 1 });
    expect(list).to.not.equal(before);

    const full: readonly B[] = Array.from({ length: LINKS_CAP }, (_, i) => ({ id: String(i + 1), v: 0 }));
    expect(put(full, String(LINKS_CAP + 1), 1), "a higher id than the cap keeps is not added").to.equal(full);
    const replaced = put(full, String(LINKS_CAP), 3);
    expect([replaced.length, replaced.at(-1)], "a listed id is still replaced at the cap").to.deep.equal([LINKS_CAP, { id: String(LINKS_CAP), v: 3 }]);
    const lower = put(full, "0", 1);
    expect([lower.length, lower[0].id, lower.at(-1)!.id], "a lower id takes the place of the highest").to.deep.equal([LINKS_CAP, "0", String(LINKS_CAP - 1)]);
    expect(withLink(["2", "10"], "3", (x) => x), "ids sort as numbers").to.deep.equal(["2", "3", "10"]);
  });

  it("puts a link into its authorization's brief as a new value, keeping the brief's own fields and the other lists, and nothing without a brief", () => {
    const memory = memoryTx();
    const values = memory.values;
    const tx: ViewTx = { ...memory.tx, append: () => expect.fail("putLink appends nothing") };
    const key = `${SPACE.authorizationBrief}/${pad("7")}`;
    putLink(tx, "7", "childIds", "8");
    expect(values.size, "no brief is made for an authorization without one").to.equal(0);
    const own = { id: "7", label: "x", status: "Active", holderId: "3" };
    values.set(key, { ...own, childIds: ["9"], agreements: [], scenarios: [{ id: "4", v: 1 }] } as unknown as JsonValue);
    const before = values.get(key);
    putLink(tx, "7", "childIds", "8");
    putLink(tx, "7", "scenarios", { id: "2" } as never);
    expect(values.get(key)).to.deep.equal({ ...own, childIds: ["8", "9"], agreements: [], scenarios: [{ id: "2" }, { id: "4", v: 1 }] });
    expect(before, "the value read is left as it was, for its block's undo record").to.deep.equal({ ...own, childIds: ["9"], agreements: [], scenarios: [{ id: "4", v: 1 }] });
  });

  it("takes a graph's scenarios from their authorization's brief, and the same from their own briefs when it does not list them", async () => {
    const reads = new Map<string, number>();
    /** The reader, counting the walk's reads by space; `unlisted`: every authorization's brief without its scenarios (a list past LINKS_CAP). */
    const counting = (unlisted: boolean): ViewReader => ({
      ...reader,
      get: reader.get.bind(reader),
      range: reader.range.bind(reader),
      now: async () => {
        const now = await reader.now();
        return {
          get<T extends JsonValue>(space: string, key: string) {
            reads.set(space, (reads.get(space) ?? 0) + 1);
            const v = now.get<T>(space, key);
            return (unlisted && space === SPACE.authorizationBrief && v !== undefined ? { ...(v as object), scenarios: [] } : v) as T | undefined;
          },
        };
      },
    });
    const products: string[] = [];
    for await (const [, p] of reader.range<ProductRecord>(SPACE.product)) products.push(p.id);
    expect(products.length).to.be.greaterThan(1);
    for (const id of products) {
      for (const at of [times.caseFiled, times.termEnd + 1]) {
        reads.clear();
        const listed = await createQueries(counting(false)).provenance(id, at);
        expect(listed.nodes.filter((n) => n.kind === "scenario").length, `product ${id}: a scenario node`).to.be.greaterThan(0);
        expect(reads.get(SPACE.scenarioBrief) ?? 0, `product ${id}: no scenario brief read on its own`).to.equal(0);
        reads.clear();
        expect(await createQueries(counting(true)).provenance(id, at), `product ${id} at ${at}`).to.deep.equal(listed);
        expect(reads.get(SPACE.scenarioBrief) ?? 0, `product ${id}: scenario briefs read by id`).to.be.greaterThan(0);
      }
    }
  });

  it("follows a status change into the brief, and an unwind of it back out", async () => {
    const state = ts.store.state();
    const checkpoint = state.checkpoint!;
    const b = createChainBuilder(checkpoint.number + 1);
    const at = cst("2026-06-01");
    b.block(at, [
      { contract: "AuthorizationRegistry", event: "AuthorizationStatusChanged", args: { id: "1", from: 7, to: 8, reasonHash: h("rectify"), emergency: false, by: "0x" + "22".repeat(20) } },
      { contract: "ProductRegistry", event: "ProductDelisted", args: { id: "1", holderId: P.operator, by: "0x" + "22".repeat(20) } },
    ]);
    const { events, blocks } = b.drain();
    // Chain the new block onto the stored checkpoint.
    blocks[0] = { ...blocks[0], parentHash: checkpoint.hash };
    await ts.store.applyRange({ blocks, events, finalized: checkpoint.number, views: createViews(profile) });

    await expectBriefsMatchRecords(reader);
    const brief = (await reader.get(SPACE.authorizationBrief, pad("1"))) as unknown as { status: string; lastAnchor: Anchor };
    expect(brief.status).to.equal("Suspended");
    expect(brief.lastAnchor.blockNumber).to.equal(blocks[0].number);
    const after = await expectGraphFromRecords("2", at + 60);
    expect(after).to.include.members(["authorization:1=Suspended", "product:1=Delisted"]);
    // Asked just before the change: the statuses and anchors before it (the brief keeps only the
    // last status's anchor; the older one is read from the full record).
    expect(await expectGraphFromRecords("2", at - 60)).to.include.members(["authorization:1=Active", "product:1=Listed"]);

    await ts.store.unwindTo(checkpoint);
    await expectBriefsMatchRecords(reader);
    const restored = (await reader.get(SPACE.authorizationBrief, pad("1"))) as unknown as { status: string };
    expect(restored.status).to.equal("Active");
    expect(await expectGraphFromRecords("2", at + 60)).to.include.members(["authorization:1=Active", "product:1=Listed"]);
  });

  it("sends an authorization as the same JSON text as JSON.stringify of the decoded answer, at every time asked, made from its stored text and brief", async () => {
    const q = createQueries(reader);
    const ids: string[] = [];
    for await (const [, a] of reader.range<AuthorizationRecord>(SPACE.authorization)) ids.push(a.id);
    expect(ids.length).to.be.greaterThan(1);
    const moments = [times.applied - 1, times.applied, times.noticeStart + 60, times.activated + 1, times.caseFiled, times.childEnd, times.termEnd, times.termEnd + 1];
    const refusal = (p: Promise<unknown>) => p.then(() => null, (e: Error) => `${e.name}: ${e.message}`);
    for (const id of ids) {
      for (const at of moments) {
        if (at < (await reader.get<AuthorizationRecord>(SPACE.authorization, pad(id)))!.history[0].at) {
          // Before it was applied it did not exist: both ways refuse alike.
          const why = await refusal(q.authorizationJson(id, at));
          expect(why, `authorization ${id} at ${at}`).to.match(/^NotFoundError: authorization \d+ at \d+ \(applied only at \d+\) not found$/);
          expect(await refusal(q.authorization(id, at))).to.equal(why);
          continue;
        }
        const raw = await q.authorizationJson(id, at);
        expect(raw, `authorization ${id} at ${at}: made from the stored text`).to.be.instanceOf(RawJson);
        expect((raw as RawJson).text, `authorization ${id} at ${at}`).to.equal(JSON.stringify(await q.authorization(id, at)));
      }
    }
    // Without text from the reader (a reader that has no getText), the decoded answer itself.
    const plain = createQueries({ get: reader.get.bind(reader), range: reader.range.bind(reader), now: reader.now.bind(reader) });
    expect(await plain.authorizationJson("1", times.caseFiled)).to.deep.equal(await q.authorization("1", times.caseFiled));
    let missing: unknown;
    await q.authorizationJson("999", times.caseFiled).catch((e: unknown) => (missing = e));
    expect((missing as Error)?.name).to.equal("NotFoundError");
  });

  it("through the service's reader: reads asked before the index opens wait for it, then the answers are made from the stored text", async () => {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    let serving: Store | undefined;
    const served = servingReader(
      async () => {
        await opened;
        return ts.store;
      },
      () => serving,
    );
    const early = createQueries(served).provenance("2", times.caseFiled);
    expect(served.getText?.(SPACE.authorization, pad("1")), "no text before the index serves").to.equal(undefined);
    serving = ts.store;
    open();
    expect(await early).to.deep.equal(await createQueries(reader).provenance("2", times.caseFiled));
    const raw = await createQueries(served).authorizationJson("1", times.caseFiled);
    expect(raw, "made from the stored text").to.be.instanceOf(RawJson);
    expect((raw as RawJson).text).to.equal(JSON.stringify(await createQueries(reader).authorization("1", times.caseFiled)));
  });
});
