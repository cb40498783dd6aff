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
import { agreementBrief, authorizationBrief, productBrief, scenarioBrief } from "../../ledger-service/src/views/briefs";
import { productStatusAt, type ProductRecord } from "../../ledger-service/src/views/products";
import { scenarioStatusAt, type ScenarioRecord } from "../../ledger-service/src/views/scenarios";
import { LINKS_CAP, pad, putLinkedBrief, type Anchor } from "../../ledger-service/src/views/util";
import type { JsonValue, ViewReader, ViewTx } from "../../ledger-service/src/store/types";
import { createQueries } from "../../ledger-service/src/api/queries";
import { RawJson } from "../../ledger-service/src/api/respcache";
import { servingReader } from "../../ledger-service/src/runtime/service";
import type { Store } from "../../ledger-service/src/store/db";
import { createChainBuilder, cst, h, openSeededStore, openTestStore, P, seedWorld, type TestStore } from "./helpers/ledger";

type Historied = { history: { at: number; status: string; anchor: Anchor }[]; anchor: Anchor };
/**
 * The kinds with briefs: `brief`, the space of the briefs by record id; `linked`, the space of each
 * authorization's list of the briefs of its records of that kind (ascending id).
 */
const KINDS = [
  { kind: "authorization", space: SPACE.authorization, brief: SPACE.authorizationBrief, linked: null, of: (r: unknown) => authorizationBrief(r as AuthorizationRecord) },
  { kind: "agreement", space: SPACE.agreement, brief: null, linked: SPACE.agreementsOfAuth, of: (r: unknown) => agreementBrief(r as AgreementRecord) },
  { kind: "scenario", space: SPACE.scenario, brief: SPACE.scenarioBrief, linked: SPACE.scenariosOfAuth, of: (r: unknown) => scenarioBrief(r as ScenarioRecord) },
  { kind: "product", space: SPACE.product, brief: SPACE.productBrief, linked: null, of: (r: unknown) => productBrief(r as ProductRecord) },
] as const;

async function entries(reader: ViewReader, space: string): Promise<Map<string, JsonValue>> {
  const out = new Map<string, JsonValue>();
  for await (const [k, v] of reader.range<JsonValue>(space)) out.set(k, v);
  return out;
}

const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

/**
 * Every record of the four kinds has a brief equal to the one made from it now, in its space and
 * in its authorization's list (every record of the kind under that authorization, by ascending
 * id), and no brief is left without its record. Returns how many briefs it compared.
 */
async function expectBriefsMatchRecords(reader: ViewReader): Promise<number> {
  let n = 0;
  for (const k of KINDS) {
    const records = await entries(reader, k.space);
    if (k.brief !== null) {
      const briefs = await entries(reader, k.brief);
      expect([...briefs.keys()], `${k.kind} briefs`).to.deep.equal([...records.keys()]);
      for (const [key, r] of records) {
        expect(plain(briefs.get(key)), `${k.kind} ${key}`).to.deep.equal(plain(k.of(r)));
        n++;
      }
    }
    if (k.linked !== null) {
      const want = new Map<string, unknown[]>();
      for (const r of records.values()) {
        const auth = pad((r as { authorizationId: string }).authorizationId);
        want.set(auth, [...(want.get(auth) ?? []), plain(k.of(r))]);
      }
      const lists = await entries(reader, k.linked);
      expect([...lists.keys()].sort(), `${k.kind} lists`).to.deep.equal([...want.keys()].sort());
      for (const [auth, list] of want) {
        expect(plain(lists.get(auth)), `${k.kind} briefs of authorization ${auth}`).to.deep.equal(list);
        n += list.length;
      }
    }
  }
  return n;
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

  it("keeps a list of briefs in ascending id order, one per id, the LINKS_CAP lowest, without changing the value it read", async () => {
    const values = new Map<string, JsonValue>();
    const tx: ViewTx = {
      get: <T extends JsonValue>(space: string, key: string) => values.get(`${space}/${key}`) as T | undefined,
      put: (space, key, value) => void values.set(`${space}/${key}`, value),
      del: (space, key) => void values.delete(`${space}/${key}`),
    };
    const list = () => (values.get("s/k") ?? []) as { id: string; v: number }[];
    for (const id of ["10", "9", "100", "1"]) await putLinkedBrief(tx, "s", "k", { id, v: 1 });
    expect(list().map((b) => b.id)).to.deep.equal(["1", "9", "10", "100"]);
    const before = list();
    await putLinkedBrief(tx, "s", "k", { id: "9", v: 2 });
    expect(list()).to.deep.equal([{ id: "1", v: 1 }, { id: "9", v: 2 }, { id: "10", v: 1 }, { id: "100", v: 1 }]);
    // The value read stays as it was: the store keeps it for the undo record of its block.
    expect(before[1]).to.deep.equal({ id: "9", v: 1 });
    expect(list()).to.not.equal(before);

    values.set("s/k", Array.from({ length: LINKS_CAP }, (_, i) => ({ id: String(i + 1), v: 0 })));
    await putLinkedBrief(tx, "s", "k", { id: String(LINKS_CAP + 1), v: 1 });
    expect(list().length).to.equal(LINKS_CAP);
    expect(list().at(-1)!.id, "a higher id than the cap keeps is not added").to.equal(String(LINKS_CAP));
    await putLinkedBrief(tx, "s", "k", { id: String(LINKS_CAP), v: 3 });
    expect(list().at(-1), "a listed id is still replaced at the cap").to.deep.equal({ id: String(LINKS_CAP), v: 3 });
    await putLinkedBrief(tx, "s", "k", { id: "0", v: 1 });
    expect([list().length, list()[0].id, list().at(-1)!.id], "a lower id takes the place of the highest").to.deep.equal([LINKS_CAP, "0", String(LINKS_CAP - 1)]);
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
