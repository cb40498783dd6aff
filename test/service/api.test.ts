/**
 * The HTTP API (ledger-service/src/api) over the real LevelDB store seeded through the views:
 * every route with real HTTP requests on an ephemeral loopback port — good queries, malformed
 * queries, unknown ids, hostile input — and the regulator sign-in (EIP-4361 challenge, HMAC token).
 */
import { expect } from "chai";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { Wallet, id as keccak } from "ethers";
import { loadProfile } from "../../policy/profile";
import { createApi, type ApiArgs } from "../../ledger-service/src/api/server";
import { REGULATOR_ROLE } from "../../ledger-service/src/api/auth";
import { createViews } from "../../ledger-service/src/views";
import { createQueries } from "../../ledger-service/src/api/queries";
import { NAME_SPACE } from "../../ledger-service/src/views/names";
import type { IndexNow, ViewReader } from "../../ledger-service/src/store/types";
import { createChainBuilder, cst, GOV, openTestStore, P, seedGovernance, seedWorld, silentLogger, TEXTS, type TestStore } from "./helpers/ledger";

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field

const regulator = new Wallet(keccak("regulator key"));
const outsider = new Wallet(keccak("outsider key"));

async function listen(args: Partial<ApiArgs> & Pick<ApiArgs, "reader">): Promise<{ server: Server; base: string }> {
  const app = createApi({ logger: silentLogger }, { health: () => ({ index: "test" }), hasRole: async () => false, rateLimit: false, ...args });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1` };
}

describe("api: public, disclosure and regulator routes", () => {
  let ts: TestStore;
  let server: Server;
  let base: string;
  let nowMs = cst("2026-04-10") * 1000;

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const r = await fetch(base + path, { headers });
    return { status: r.status, body: (await r.json()) as Json, headers: r.headers };
  };
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const r = await fetch(base + path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });
    return { status: r.status, body: (await r.json()) as Json, headers: r.headers };
  };
  const expectError = (r: { status: number; body: Json }, status: number) => {
    expect(r.status, JSON.stringify(r.body)).to.equal(status);
    expect(r.body.error.code).to.be.a("string");
    expect(r.body.error.message).to.be.a("string");
    expect(JSON.stringify(r.body)).to.not.match(/at .*\.ts:\d+/); // no stack traces
  };
  async function signIn(wallet: Wallet): Promise<string> {
    const c = await post("/auth/challenge", { address: wallet.address });
    expect(c.status).to.equal(200);
    const t = await post("/auth/token", { address: wallet.address, signature: await wallet.signMessage(c.body.message), nonce: c.body.nonce });
    expect(t.status, JSON.stringify(t.body)).to.equal(200);
    return t.body.token;
  }

  before(async () => {
    ts = await openTestStore(createViews(loadProfile("zhaoqing")));
    const b = createChainBuilder();
    seedWorld(b);
    await ts.apply(b);
    ({ server, base } = await listen({
      reader: ts.store.reader,
      now: () => nowMs,
      hasRole: async (role, address) => role === REGULATOR_ROLE && address === regulator.address,
    }));
  });
  after(async () => {
    server.close();
    await ts.close();
  });

  it("serves health and an OpenAPI 3.1 document generated from the request schemas", async () => {
    expect((await get("/health")).body).to.deep.equal({ status: "ok", index: "test" });
    const doc = (await get("/openapi.json")).body;
    expect(doc.openapi).to.equal("3.1.0");
    for (const p of ["/api/v1/authorizations/{id}", "/api/v1/products/{id}/provenance", "/api/v1/timeline/{kind}/{id}", "/api/v1/disclosures/annual", "/api/v1/auth/token", "/api/v1/regulator/alerts"]) {
      expect(doc.paths, p).to.have.property(p);
    }
    const list = doc.paths["/api/v1/authorizations"].get;
    expect(list.parameters.map((x: Json) => x.name)).to.include.members(["status", "holder", "mode", "activeAt", "parent", "limit", "after"]);
    expect(doc.paths["/api/v1/regulator/alerts"].get.security).to.deep.equal([{ bearer: [] }]);
    expect(doc.paths["/api/v1/auth/token"].post.requestBody.content["application/json"].schema.required).to.include.members(["address", "signature", "nonce"]);
  });

  it("lists participants in id order with a cursor, and serves one; unknown ids 404, malformed ids 400", async () => {
    const p1 = await get("/participants?limit=4");
    expect(p1.body.items.map((x: Json) => x.id)).to.deep.equal(["1", "2", "3", "4"]);
    const p2 = await get(`/participants?limit=4&after=${p1.body.next}`);
    expect(p2.body.items.map((x: Json) => x.id)).to.deep.equal(["5", "6", "7"]);
    expect(p2.body.next).to.equal(null);
    expect((await get(`/participants/${P.operator}`)).body.name).to.equal("惠州数据运营有限公司");
    expectError(await get("/participants/999"), 404);
    for (const bad of ["abc", "0", "-1", "1e3", "0x10", "184467440737095516160", "1".repeat(5000)]) expectError(await get(`/participants/${bad}`), 400);
    // Every route with an id validates it the same way: a leading zero never reaches record 4.
    const idRoutes = ["/participants/:id", "/resources/:id", "/authorizations/:id", "/calls/:id", "/scenarios/:id", "/agreements/:id", "/products/:id", "/products/:id/provenance", "/timeline/participant/:id", "/timeline/authorization/:id"];
    for (const route of idRoutes) {
      for (const bad of ["04", "abc", "0", "-1", "1e3", "0x10", "184467440737095516160"]) expectError(await get(route.replace(":id", bad)), 400);
    }
    expectError(await get("/participants?limit=0"), 400);
    expectError(await get("/participants?limit=100000"), 400);
    expectError(await get("/participants?after=%00%01"), 400);
    expectError(await get("/participants?unknown=1"), 400);
  });

  it("serves resources with registration", async () => {
    expect((await get("/resources")).body.items).to.have.length(2);
    const r = (await get("/resources/1")).body;
    expect(r.sourceDeptId).to.equal(P.dept);
    expect(r.registration.code).to.equal("GM-2025-R-0001");
    expectError(await get("/resources/3"), 404);
  });

  it("C21 C36 gives every record its public text and name, every reference the name of its record, and registration codes in their human format", async () => {
    const names = { dept: "惠州市自然资源局", dept2: "惠州市交通运输局", operator: "惠州数据运营有限公司", developer: "惠州开发者科技有限公司", agency: "惠州市政务数据事务中心" };
    const resources = (await get("/resources")).body.items;
    expect(resources.map((r: Json) => [r.id, r.name, r.publicText, r.publicTextError, r.sourceDeptName, r.registration.code])).to.deep.equal([
      ["1", TEXTS.resource1.name, TEXTS.resource1, null, names.dept, "GM-2025-R-0001"],
      ["2", TEXTS.resource2.name, TEXTS.resource2, null, names.dept2, "GM-2025-R-0002"],
    ]);
    const a = (await get("/authorizations/2")).body;
    expect([a.holderName, a.organizerName, a.parentName, a.resources]).to.deep.equal([names.developer, names.operator, names.operator, [{ id: "1", name: TEXTS.resource1.name }]]);
    expect(a.agreements.map((g: Json) => [g.name, g.parties])).to.deep.equal([[TEXTS.agreement2.title, [{ id: P.operator, name: names.operator }, { id: P.developer, name: names.developer }]]]);
    expect(a.scenarios.map((x: Json) => [x.name, x.resources])).to.deep.equal([[TEXTS.scenario2.name, [{ id: "1", name: TEXTS.resource1.name }]]]);
    const one = (await get("/authorizations/1")).body;
    expect([one.callName, one.children.map((c: Json) => c.holderName)]).to.deep.equal([TEXTS.call.title, [names.developer]]);
    // The latest decision's statement (the notice's) with the status it set; activation, a routine step without one, keeps it.
    expect(one.status).to.equal("Active");
    expect(one.statement).to.deep.include({ ...TEXTS.notice, status: "Noticed", at: one.noticeStart });
    expect(one.history.find((x: Json) => x.status === "Noticed").statement).to.deep.equal(one.statement);
    expect(one.history.find((x: Json) => x.status === "Active").statement).to.equal(null);
    const list = (await get("/authorizations")).body.items;
    expect(list.map((x: Json) => [x.id, x.holderName, x.resources.map((r: Json) => r.name)])).to.deep.equal([
      ["1", names.operator, [TEXTS.resource1.name, TEXTS.resource2.name]],
      ["2", names.developer, [TEXTS.resource1.name]],
    ]);
    const call = (await get("/calls/1")).body;
    expect([call.name, call.publicText, call.organizerName, call.selectedHolders]).to.deep.equal([TEXTS.call.title, TEXTS.call, names.agency, [{ id: P.operator, name: names.operator }]]);
    const sc = (await get("/scenarios/1")).body;
    expect([sc.name, sc.publicText, sc.holderName, sc.authorizationName, sc.resources.map((r: Json) => r.name)]).to.deep.equal([
      TEXTS.scenario1.name, TEXTS.scenario1, names.operator, names.operator, [TEXTS.resource1.name, TEXTS.resource2.name],
    ]);
    const ag = (await get("/agreements/1")).body;
    expect([ag.name, ag.proposerName, ag.authorizationName, ag.signatures.map((x: Json) => x.partyName)]).to.deep.equal([TEXTS.agreement1.title, names.agency, names.operator, [names.agency, names.operator]]);
    const p = (await get("/products/2")).body;
    expect([p.name, p.publicText, p.holderName, p.scenarioName, p.authorizationName, p.resources, p.parents, p.registration.code]).to.deep.equal([
      TEXTS.product2.name, TEXTS.product2, names.developer, TEXTS.scenario2.name, names.developer, [{ id: "1", name: TEXTS.resource1.name }], [{ id: "1", name: TEXTS.product1.name }], "GM-2025-P-0002",
    ]);
    expect((await get(`/products?holder=${P.operator}`)).body.items.map((x: Json) => [x.name, x.holderName])).to.deep.equal([[TEXTS.product1.name, names.operator]]);
    const disclosed = (await get("/disclosures/authorizations")).body.items[1];
    expect([disclosed.scope.parentName, disclosed.scope.organizerName, disclosed.content.resources.map((r: Json) => [r.name, r.sourceDeptName])]).to.deep.equal([names.operator, names.operator, [[TEXTS.resource1.name, names.dept]]]);
    const products = (await get("/disclosures/products")).body.items;
    expect(products.map((g: Json) => g.products.map((x: Json) => [x.name, x.scenarioName, x.registrationCode]))).to.deep.equal([
      [[TEXTS.product1.name, TEXTS.scenario1.name, "GM-2025-P-0001"]],
      [[TEXTS.product2.name, TEXTS.scenario2.name, "GM-2025-P-0002"]],
    ]);
    const tree = (await get("/products/2/provenance")).body.nodes;
    expect(tree.find((x: Json) => x.id === "resource:1").label).to.equal(TEXTS.resource1.name);
    const annual = (await get("/disclosures/annual?year=2025")).body;
    expect([annual.disclosures[0].participantName, annual.missing[0].participantName]).to.deep.equal([names.operator, names.agency]);
  });

  it("filters authorizations by status, holder, mode, activeAt and parent", async () => {
    const ids = async (q: string) => (await get(`/authorizations${q}`)).body.items.map((x: Json) => x.id);
    expect(await ids("")).to.deep.equal(["1", "2"]);
    expect(await ids(`?holder=${P.operator}`)).to.deep.equal(["1"]);
    expect(await ids("?parent=1")).to.deep.equal(["2"]);
    expect(await ids("?status=Active")).to.deep.equal(["1", "2"]);
    expect(await ids("?mode=Domain")).to.deep.equal([]);
    expect(await ids(`?activeAt=${cst("2025-10-25")}`)).to.deep.equal([]);
    expect(await ids(`?activeAt=${cst("2025-12-01")}`)).to.deep.equal(["1", "2"]);
    expect(await ids(`?activeAt=${cst("2027-12-01")}`)).to.deep.equal(["1"]); // the child's term is over
    expectError(await get("/authorizations?status=Bogus"), 400);
    expectError(await get("/authorizations?activeAt=yesterday"), 400);
    expectError(await get("/authorizations?holder=1&holder=2"), 400);
  });

  it("serves one authorization with its children, agreements and scenarios, and its status at ?at=", async () => {
    const a = (await get("/authorizations/1")).body;
    expect([a.status, a.storedStatus]).to.deep.equal(["Active", "Active"]);
    expect(a.inForce).to.equal(true);
    expect(a.children.map((c: Json) => c.id)).to.deep.equal(["2"]);
    expect(a.agreements.map((c: Json) => [c.id, c.status])).to.deep.equal([["1", "Filed"]]);
    expect(a.scenarios.map((c: Json) => c.id)).to.deep.equal(["1"]);
    expect((await get(`/authorizations/1?at=${cst("2025-10-21")}`)).body.status).to.equal("Noticed");
    const expired = (await get(`/authorizations/1?at=${cst("2028-11-02")}`)).body;
    expect([expired.status, expired.storedStatus]).to.deep.equal(["Expired", "Active"]);
    expectError(await get("/authorizations/77"), 404);
    // Before it was applied it did not exist: 404, not a record of that time marked "None".
    const applied = a.history[0].at;
    const before = await get(`/authorizations/1?at=${applied - 1}`);
    expectError(before, 404);
    expect(before.body.error.message).to.equal(`authorization 1 at ${applied - 1} (applied only at ${applied}) not found`);
    expect((await get(`/authorizations/1?at=${applied}`)).body.status).to.equal("Applied");
  });

  it("C06 states in the authorization list which status is effective (status, at `at`) and which is stored (storedStatus)", async () => {
    const saved = nowMs;
    nowMs = cst("2028-11-02") * 1000; // authorization 1's term ended on 2028-11-01 with no transaction
    try {
      const list = (await get("/authorizations")).body.items;
      expect(list.map((a: Json) => [a.id, a.status, a.storedStatus, a.at])).to.deep.equal([
        ["1", "Expired", "Active", cst("2028-11-02")],
        ["2", "Expired", "Active", cst("2028-11-02")],
      ]);
      expect(list.every((a: Json) => !("statusAt" in a))).to.equal(true);
      expect((await get("/authorizations?status=Expired")).body.items.map((a: Json) => a.id)).to.deep.equal(["1", "2"]);
    } finally {
      nowMs = saved;
    }
  });

  it("takes ?at= as seconds, an ISO date (00:00 China time) or an ISO date-time with its offset, on every route with `at`", async () => {
    const noticed = cst("2025-10-21"); // 10:00 China time: authorization 1 is in notice
    const statusAt = async (at: string) => (await get(`/authorizations/1?at=${encodeURIComponent(at)}`)).body;
    for (const at of [String(noticed), "2025-10-21T10:00:00+08:00", "2025-10-21T02:00:00Z", "2025-10-21T10:00", "2025-10-21T10:00:00.500+08:00"]) {
      const a = await statusAt(at);
      expect([at, a.at, a.status]).to.deep.equal([at, noticed, "Noticed"]);
    }
    // A bare date is the start of that day in China time (16:00 UTC the day before).
    expect((await statusAt("2025-10-21")).at).to.equal(cst("2025-10-21", 0));
    expect((await statusAt("2025-10-21")).at).to.equal(Date.UTC(2025, 9, 20, 16) / 1000);
    expect((await get(`/products/2?at=2025-11-21`)).body).to.include({ at: cst("2025-11-21", 0), usable: true });
    expect((await get(`/products/2/provenance?at=${encodeURIComponent("2026-01-01T00:00:00+08:00")}`)).body.at).to.equal(cst("2026-01-01", 0));
    expect((await get(`/authorizations?activeAt=2025-12-01`)).body.items.map((x: Json) => x.id)).to.deep.equal(["1", "2"]);
    expect((await get(`/authorizations?activeAt=2025-10-25`)).body.items).to.deep.equal([]);
    for (const bad of ["2026-02-30", "2026-13-01", "2026-03-31T25:00:00+08:00", "2026-03-31T12:60", "yesterday", "2026-03-31T12:00:00+0800", "-1", "1e9"]) {
      expectError(await get(`/authorizations/1?at=${encodeURIComponent(bad)}`), 400);
      expectError(await get(`/products/2/provenance?at=${encodeURIComponent(bad)}`), 400);
    }
  });

  it("serves scenarios, agreements and calls; unknown ids 404", async () => {
    expect((await get("/scenarios/2")).body.authorizationId).to.equal("2");
    expect((await get("/agreements/1")).body.signatures).to.have.length(2);
    expect((await get("/calls/1")).body.organizerId).to.equal(P.agency);
    expectError(await get("/scenarios/9"), 404);
    expectError(await get("/agreements/9"), 404);
  });

  it("serves products and whether one is usable at a time", async () => {
    expect((await get("/products")).body.items.map((x: Json) => x.id)).to.deep.equal(["1", "2"]);
    expect((await get(`/products?holder=${P.developer}`)).body.items.map((x: Json) => x.id)).to.deep.equal(["2"]);
    const p = (await get("/products/2")).body;
    expect(p.usable).to.equal(true);
    expect(p.parentProductIds).to.deep.equal(["1"]);
    expectError(await get("/products/3"), 404);
    // Before it was registered it did not exist: 404, not a product of that time marked "None".
    const registered = p.history[0].at;
    expectError(await get(`/products/2?at=${registered - 1}`), 404);
    expect((await get(`/products/2?at=${registered}`)).body.status).to.not.equal("None");
  });

  it("answers provenance: product -> parent product -> scenario -> authorization -> parent -> agreements -> resources -> source departments, each anchored", async () => {
    const g = (await get("/products/2/provenance")).body;
    const ids = g.nodes.map((n: Json) => n.id);
    expect(ids).to.include.members(["product:2", "product:1", "scenario:2", "scenario:1", "authorization:2", "authorization:1", "agreement:2", "agreement:1", "resource:1", "resource:2", `participant:${P.dept}`, `participant:${P.dept2}`]);
    for (const n of g.nodes) {
      expect(n.anchor.txHash, n.id).to.match(/^0x[0-9a-f]{64}$/);
      expect(n.anchor.blockNumber, n.id).to.be.a("number");
    }
    const has = (from: string, to: string, relation: string) => g.edges.some((e: Json) => e.from === from && e.to === to && e.relation === relation);
    expect(has("product:2", "product:1", "derivedFromProduct")).to.equal(true);
    expect(has("scenario:2", "authorization:2", "underAuthorization")).to.equal(true);
    expect(has("authorization:2", "authorization:1", "childOf")).to.equal(true);
    expect(has("authorization:1", "agreement:1", "governedBy")).to.equal(true);
    expect(has("resource:1", `participant:${P.dept}`, "sourcedFrom")).to.equal(true);
    // Before product 2 was registered there is no graph to answer: 404, not today's graph marked "None".
    const registered = (await get("/products/2")).body.history[0].at;
    const before = await get(`/products/2/provenance?at=${registered - 1}`);
    expectError(before, 404);
    expect(before.body.error.message).to.contain("product 2");
    const then = (await get(`/products/2/provenance?at=${registered}`)).body;
    expect(then.nodes.find((n: Json) => n.id === "product:2").status).to.equal((await get(`/products/2?at=${registered}`)).body.status).and.not.equal("None");
    expect(then.nodes.find((n: Json) => n.id === "product:1").status).to.equal("Listed");
    expectError(await get("/products/9/provenance"), 404);
    expectError(await get("/products/2/provenance?format=xml"), 400);
  });

  it("answers a record and the names beside it from one moment of the index", async () => {
    // A reader whose index moves on after the first read: every later moment names every record
    // "renamed later". An answer made of one moment shows the names of that first one.
    const real: ViewReader = ts.store.reader;
    const first = await real.now();
    const later: IndexNow = { get: <T,>(space: string, key: string) => (space === NAME_SPACE ? ("renamed later" as T) : first.get(space, key) as T | undefined) };
    const oneMoment = () => {
      let reads = 0;
      return createQueries({ ...real, now: async () => (++reads === 1 ? first : later) });
    };
    const plain = createQueries(real);
    const at = nowMs / 1000;
    const names = (x: Json) => JSON.stringify(x).match(/"(?:[a-zA-Z]+Name|name)":(?:null|"[^"]*")/g) ?? [];
    const answers: [string, (q: ReturnType<typeof createQueries>) => Promise<unknown>][] = [
      ["product", (q) => q.product("2", at)],
      ["scenario", (q) => q.scenario("1")],
      ["agreement", (q) => q.agreement("1")],
      ["resource", (q) => q.resource("1")],
      ["call", (q) => q.call("1")],
    ];
    for (const [what, ask] of answers) {
      const expected = names(await ask(plain));
      expect(expected.filter((x) => !x.endsWith(":null")).length, `${what} names something`).to.be.greaterThan(0);
      expect(names(await ask(oneMoment())), what).to.deep.equal(expected);
    }
  });

  it("exports provenance as W3C PROV-JSON", async () => {
    const prov = (await get("/products/2/provenance?format=prov")).body;
    // The product was generated by its scenario: entity and activity each in its own place.
    expect(Object.values(prov.wasGeneratedBy)).to.deep.include({ "prov:entity": "pvn:product/2", "prov:activity": "pvn:scenario/2" });
    for (const g of Object.values(prov.wasGeneratedBy) as Json[]) expect(g["prov:entity"], "an entity").to.match(/^pvn:product\//);
    for (const k of ["prefix", "entity", "activity", "agent", "wasDerivedFrom", "used", "wasAttributedTo"]) expect(prov, k).to.have.property(k);
    expect(prov.entity).to.have.property("pvn:product/2");
    expect(prov.activity).to.have.property("pvn:scenario/2");
    expect(prov.agent).to.have.property(`pvn:participant/${P.dept}`);
    expect(prov.entity["pvn:product/2"]["pvn:txHash"]).to.match(/^0x/);
    const derived = Object.values(prov.wasDerivedFrom) as Json[];
    expect(derived.some((d) => d["prov:generatedEntity"] === "pvn:product/2" && d["prov:usedEntity"] === "pvn:product/1")).to.equal(true);
  });

  it("C22 returns any record's full history, oldest first, with anchors; unknown subjects 404", async () => {
    const t = (await get("/timeline/authorization/1")).body;
    expect(t.items[0].event).to.equal("AuthorizationApplied");
    const order = t.items.map((e: Json) => e.blockNumber * 1000 + e.logIndex);
    expect(order).to.deep.equal([...order].sort((x: number, y: number) => x - y));
    expect(t.items.every((e: Json) => /^0x[0-9a-f]{64}$/.test(e.txHash))).to.equal(true);
    const page = (await get("/timeline/authorization/1?limit=2")).body;
    expect(page.items).to.have.length(2);
    expect((await get(`/timeline/authorization/1?limit=2&after=${page.next}`)).body.items[0].logIndex).to.be.a("number");
    expect((await get("/timeline/product/2")).body.items.map((e: Json) => e.event)).to.include("ProductListed");
    // Status-like fields by name, not number.
    const changes = t.items.filter((e: Json) => e.event === "AuthorizationStatusChanged").map((e: Json) => `${e.args.from}>${e.args.to}`);
    expect(changes).to.deep.equal(["Applied>PreReviewed", "PreReviewed>ExpertReviewed", "ExpertReviewed>Approved", "Approved>Noticed", "Noticed>Active"]);
    const reviewed = t.items.filter((e: Json) => e.event === "AuthorizationReviewed").map((e: Json) => [e.args.stage, e.args.status]);
    expect(reviewed).to.deep.equal([["PreReview", "PreReviewed"], ["Expert", "ExpertReviewed"]]);
    expect(t.items.filter((e: Json) => e.event === "GrantAdvanced").map((e: Json) => e.args.status)).to.deep.equal(["Evaluated", "Evaluated", "Confirmed", "Confirmed"]);
    // Only the authorization's own events; the records they name are links.
    expect(t.items.every((e: Json) => e.contract === "AuthorizationRegistry" && e.kind === "authorization" && e.id === "1")).to.equal(true);
    expect(t.items.find((e: Json) => e.event === "AuthorizationActivated").related).to.deep.equal([{ kind: "agreement", id: "1", name: TEXTS.agreement1.title }]);
    // C21: the item of an event that carried a decision's statement carries it, and only that one.
    expect(t.items.filter((e: Json) => "statement" in e).map((e: Json) => [e.event, e.args.to, e.statement])).to.deep.equal([["AuthorizationStatusChanged", "Noticed", TEXTS.notice]]);
    expect(t.items.every((e: Json) => e.name === "惠州数据运营有限公司")).to.equal(true);
    expect(t.items.find((e: Json) => e.event === "AuthorizationApplied")).to.deep.include({ actorId: P.operator, actorName: "惠州数据运营有限公司" });
    expect(t.items.find((e: Json) => e.event === "AuthorizationReviewed" && e.args.stage === "Expert").actorName).to.equal(null); // an expert is no participant
    const agreement = (await get("/timeline/agreement/1")).body.items;
    expect(agreement.map((e: Json) => e.event)).to.deep.equal(["AgreementProposed", "AgreementSigned", "AgreementSigned", "AgreementTookEffect", "AgreementFiled"]);
    expect(agreement.find((e: Json) => e.event === "AgreementFiled").related).to.deep.include({ kind: "authorization", id: "1", name: "惠州数据运营有限公司" });
    expect(agreement.find((e: Json) => e.event === "AgreementFiled").args.kind).to.equal("OperationAuthorization");
    expectError(await get("/timeline/product/99"), 404);
    expectError(await get("/timeline/spaceship/1"), 400);
    expectError(await get("/timeline/authorization/1?after=product:1"), 400);
  });

  it("C21 discloses authorization objects, content, scope and term; product capability lists; usage", async () => {
    const a = (await get("/disclosures/authorizations")).body.items;
    expect(a.map((x: Json) => x.id)).to.deep.equal(["1", "2"]);
    expect(a[0].object.name).to.equal("惠州数据运营有限公司");
    expect(a[0].content.resources.map((r: Json) => r.id)).to.deep.equal(["1", "2"]);
    expect(a[0].scope.mode).to.equal("Comprehensive");
    expect(a[0].term.end).to.be.greaterThan(a[0].term.start);
    const p = (await get("/disclosures/products")).body.items;
    expect(p.map((g: Json) => g.holder.id)).to.deep.equal([P.operator, P.developer]);
    expect(p[0].products[0].capabilityListHash).to.match(/^0x/);
    expect(p[0].products[0].chargingBases).to.deep.equal(["FreeTrialForSourceDept", "Commercial"]);
    expect((await get("/disclosures/usage")).body).to.deep.equal({
      receipts: 0, batches: 0, fees: "0", items: [], totals: [], days: [], batchesRecent: [], lateAfterSeconds: 86400,
    });
  });

  it("C37 lists the annual disclosures of a year and those missing after 31 March", async () => {
    const d = (await get("/disclosures/annual?year=2025")).body;
    expect(d.disclosures.map((x: Json) => x.participantId)).to.deep.equal([P.operator]);
    expect(d.missing).to.deep.equal([{ participantId: P.agency, participantName: "惠州市政务数据事务中心", dueAt: cst("2026-04-01", 0), dueDate: "2026-03-31", status: "overdue" }]);
    // Without ?year= the last year due: 2025's disclosure was due by 31 March 2026 (today is 10 April 2026).
    expect((await get("/disclosures/annual")).body).to.deep.equal(d);
    const saved = nowMs;
    try {
      nowMs = cst("2026-03-31", 23) * 1000; // 2025's is not due before the end of 31 March: 2024 is the last year due
      expect((await get("/disclosures/annual")).body.year).to.equal(2024);
      nowMs = cst("2026-04-01", 0) * 1000;
      expect((await get("/disclosures/annual")).body.year).to.equal(2025);
    } finally {
      nowMs = saved;
    }
    expectError(await get("/disclosures/annual?year=twenty"), 400);
  });

  describe("regulator sign-in and routes", () => {
    it("refuses regulator routes without a token, with a malformed or a forged one", async () => {
      expectError(await get("/regulator/alerts"), 401);
      expectError(await get("/regulator/alerts", { authorization: "Bearer nope" }), 401);
      const token = await signIn(regulator);
      const [payload] = token.split(".");
      expectError(await get("/regulator/alerts", { authorization: `Bearer ${payload}.${"A".repeat(43)}` }), 401);
      const forged = Buffer.from(JSON.stringify({ sub: outsider.address, role: "REGULATOR", iat: 0, exp: 9e9, jti: "x" })).toString("base64url");
      expectError(await get("/regulator/alerts", { authorization: `Bearer ${forged}.${token.split(".")[1]}` }), 401);
    });

    it("issues a token only to a key holding REGULATOR, and it expires", async () => {
      const c = await post("/auth/challenge", { address: outsider.address });
      expect(c.body.message).to.include("wants you to sign in with your Ethereum account");
      expect(c.body.message).to.include(`Nonce: ${c.body.nonce}`);
      expectError(await post("/auth/token", { address: outsider.address, signature: await outsider.signMessage(c.body.message), nonce: c.body.nonce }), 403);
      const token = await signIn(regulator);
      expect((await get("/regulator/deadlines?limit=1", { authorization: `Bearer ${token}` })).status).to.equal(200);
      nowMs += 16 * 60 * 1000;
      try {
        expectError(await get("/regulator/alerts", { authorization: `Bearer ${token}` }), 401);
      } finally {
        nowMs -= 16 * 60 * 1000;
      }
    });

    it("refuses a replayed, an expired, a mismatched or a wrongly signed challenge", async () => {
      const c = await post("/auth/challenge", { address: regulator.address });
      const signature = await regulator.signMessage(c.body.message);
      expect((await post("/auth/token", { address: regulator.address, signature, nonce: c.body.nonce })).status).to.equal(200);
      expectError(await post("/auth/token", { address: regulator.address, signature, nonce: c.body.nonce }), 401); // replay
      const late = await post("/auth/challenge", { address: regulator.address });
      nowMs += 6 * 60 * 1000;
      try {
        expectError(await post("/auth/token", { address: regulator.address, signature: await regulator.signMessage(late.body.message), nonce: late.body.nonce }), 401);
      } finally {
        nowMs -= 6 * 60 * 1000;
      }
      const other = await post("/auth/challenge", { address: regulator.address });
      expectError(await post("/auth/token", { address: regulator.address, signature: await outsider.signMessage(other.body.message), nonce: other.body.nonce }), 401);
      const mine = await post("/auth/challenge", { address: outsider.address });
      expectError(await post("/auth/token", { address: regulator.address, signature: await regulator.signMessage(mine.body.message), nonce: mine.body.nonce }), 401);
      expectError(await post("/auth/token", { address: regulator.address, signature: "0x1234", nonce: "a".repeat(32) }), 400);
    });

    it("C28 C37 C27 C04 alerts: missed deadlines, missing reports, breaches and terms expiring within ?days=, as one list newest first", async () => {
      const auth = { authorization: `Bearer ${await signIn(regulator)}` };
      const a = (await get("/regulator/alerts?days=600", auth)).body;
      const pad = (id: string) => id.padStart(20, "0");
      expect(a.items.map((x: Json) => [x.kind, x.clause, x.at, x.subjectKind, x.subjectId, x.status])).to.deep.equal([
        ["expiring-term", "C06", cst("2027-11-01", 0), "authorization", "2", null],
        ["missed-deadline", "C37", cst("2026-04-01", 0), "participant", P.agency, "overdue"],
        ["missing-report", "C28", cst("2026-01-16", 0), "authorization", "1", "overdue"],
        ["breach", "C27", a.items[3].detail.closedAt, "case", "1", "late"],
        ["breach", "C32", a.items[4].detail.closedAt, "share", "1", "violated"],
        ["breach", "C04", a.items[5].detail.closedAt, "authorization", "2", "violated"],
        ["breach", "C04", a.items[6].detail.closedAt, "authorization", "2", "violated"],
        ["breach", "C11", cst("2025-10-13", 9), "resource", "2", "late"],
      ]);
      expect([a.total, a.next, a.truncated, a.at, a.days]).to.deep.equal([8, null, false, nowMs / 1000, 600]);
      expect(a.counts).to.deep.equal({
        "missed-deadline": 1, "missing-report": 1, breach: 5, "expiring-term": 1, "operation-outside-authorization": 0, "listed-under-stopped-authorization": 0,
        "listed-not-usable": 0, "authorization-with-lost-resources": 0, "pending-governance-change": 0, "calendar-difference": 0, "invalid-public-text": 0,
      });
      expect(a.items.map((x: Json) => x.message).slice(1, 4)).to.deep.equal([
        "annual disclosure for 2025: due 2026-03-31, 10 days overdue",
        "AnnualReport report for period 2025: due 2026-01-15, 85 days overdue",
        "Objection answer by the source department: due 2025-12-15, done 2025-12-16, 1 day late",
      ]);
      expect(a.items[1].detail.key).to.equal(`participant:${pad(P.agency)}:C37:disclosure-2025`);
      expect(a.items[2].detail.name).to.equal("AnnualReport-2025");
      expect(a.items.slice(3).map((x: Json) => `${x.detail.clause}:${x.detail.name}`)).to.deep.equal(["C27:answer", "C32:refusal-basis", "C04:activation", "C04:notice", "C11:entry-approval"]);
      const soon = (await get("/regulator/alerts?days=30", auth)).body;
      expect([soon.total, soon.counts["expiring-term"], soon.items.some((x: Json) => x.kind === "expiring-term")]).to.deep.equal([7, 0, false]);
      expect((await get("/regulator/alerts?days=600&kind=breach", auth)).body.items.map((x: Json) => x.subjectKind)).to.deep.equal(["case", "share", "authorization", "authorization", "resource"]);
      expectError(await get("/regulator/alerts?days=-1", auth), 400);
      expectError(await get("/regulator/alerts?kind=nonsense", auth), 400);
    });

    it("pages the alerts with a cursor and a total: limit=1 walks every alert once, in order, missed deadlines included", async () => {
      const auth = { authorization: `Bearer ${await signIn(regulator)}` };
      const whole = (await get("/regulator/alerts?days=600", auth)).body;
      const seen: Json[] = [];
      let after: string | null = null;
      for (let i = 0; i < 20; i++) {
        const page: Json = (await get(`/regulator/alerts?days=600&limit=1${after ? `&after=${encodeURIComponent(after)}` : ""}`, auth)).body;
        expect(page.total).to.equal(8);
        seen.push(...page.items);
        after = page.next;
        if (after === null) break;
      }
      expect(seen).to.deep.equal(whole.items);
      expect(seen.filter((x) => x.kind === "missed-deadline" || x.kind === "missing-report")).to.have.length(2);
      const two = (await get("/regulator/alerts?days=600&limit=3", auth)).body;
      expect(two.next).to.equal(`${nowMs / 1000}_${whole.items[2].key}`);
      expect((await get(`/regulator/alerts?days=600&after=${encodeURIComponent(two.next)}`, auth)).body.items).to.deep.equal(whole.items.slice(3));
      expectError(await get("/regulator/alerts?after=%27;drop", auth), 400);
    });

    it("C37 C27 uses one vocabulary of deadline states: the alert's missed deadline is `overdue` in deadlines and alerts alike, with its days overdue", async () => {
      const auth = { authorization: `Bearer ${await signIn(regulator)}` };
      const alert = (await get("/regulator/alerts?kind=missed-deadline", auth)).body.items[0];
      const deadline = (await get("/regulator/deadlines?subjectKind=participant&clause=C37&limit=500", auth)).body.items.find((d: Json) => d.key === alert.detail.key);
      expect([alert.status, alert.detail.status, deadline.status]).to.deep.equal(["overdue", "overdue", "overdue"]);
      expect([alert.detail.daysOverdue, deadline.daysOverdue]).to.deep.equal([10, 10]);
      const late = (await get("/regulator/deadlines?status=late&limit=500", auth)).body.items.map((d: Json) => [d.clause, d.name, d.daysOverdue]);
      expect(late).to.deep.equal([["C27", "answer", 1], ["C11", "entry-approval", 3]]);
      const met = (await get("/regulator/deadlines?clause=C12&limit=500", auth)).body.items;
      expect(met.every((d: Json) => d.status === "met" && d.daysOverdue === null)).to.equal(true);
      const doc = (await get("/openapi.json")).body;
      const statuses = doc.paths["/api/v1/regulator/deadlines"].get.parameters.find((x: Json) => x.name === "status").schema.enum;
      expect(statuses).to.deep.equal(["open", "overdue", "met", "late", "closed", "violated"]);
      const alertParams = doc.paths["/api/v1/regulator/alerts"].get.parameters.map((x: Json) => x.name);
      expect(alertParams).to.deep.equal(["days", "kind", "limit", "after"]);
      const answer = doc.paths["/api/v1/regulator/alerts"].get.responses["200"].content["application/json"].schema;
      expect(answer.required).to.include.members(["total", "items", "next"]);
      expect(answer.properties.items.items.properties.kind.enum).to.include.members(["missed-deadline", "missing-report", "use-outside-rules"]);
      expect(answer.properties.items.items.properties.status.enum).to.deep.equal(["open", "overdue", "met", "late", "closed", "violated", null]);
    });

    it("C12 C32 lists deadlines with computed status and filters", async () => {
      const auth = { authorization: `Bearer ${await signIn(regulator)}` };
      const c12 = (await get("/regulator/deadlines?clause=C12&limit=500", auth)).body.items;
      expect(c12.length).to.equal(7);
      expect(c12.every((d: Json) => d.status === "met" && d.workingDays === 5)).to.equal(true);
      const overdue = (await get("/regulator/deadlines?status=overdue&limit=500", auth)).body.items.map((d: Json) => d.name);
      expect(overdue).to.include.members(["disclosure-2025", "AnnualReport-2025"]);
      const shares = (await get("/regulator/deadlines?subjectKind=share", auth)).body.items.map((d: Json) => d.name);
      expect(shares).to.deep.equal(["refusal-basis", "reply"]);
      expectError(await get("/regulator/deadlines?clause=X1", auth), 400);
    });

    it("C24 flags products still listed under an authorization that is no longer in force", async () => {
      const b = createChainBuilder(2000);
      b.block(cst("2026-04-09"), [
        { contract: "AuthorizationRegistry", event: "AuthorizationStatusChanged", args: { id: "1", from: 7, to: 10, reasonHash: keccak("revoked"), emergency: false, by: regulator.address } },
      ]);
      await ts.apply(b);
      const auth = { authorization: `Bearer ${await signIn(regulator)}` };
      const a = (await get("/regulator/alerts?kind=listed-under-stopped-authorization", auth)).body;
      expect(a.items.map((x: Json) => [x.subjectId, x.detail.authorizationStatus, x.at])).to.deep.equal([
        ["2", "Active", nowMs / 1000], // its parent was revoked: stopped as far as the alert can tell when asked
        ["1", "Revoked", cst("2026-04-09")],
      ]);
      expect(a.items.map((x: Json) => x.clause)).to.deep.equal(["C24", "C24"]);
      expect((await get("/authorizations?status=Revoked")).body.items.map((x: Json) => x.id)).to.deep.equal(["1"]);
      expect((await get("/products/2")).body.usable).to.equal(false); // its parent authorization is revoked
    });

    it("C05 C22 lists pending governance changes publicly and raises an alert for each until it is executed or cancelled", async () => {
      const b = createChainBuilder(2100);
      const { readyAt } = seedGovernance(b, cst("2026-04-09", 12));
      await ts.apply(b);
      const list = (await get("/governance/pending")).body;
      expect(list.next).to.equal(null);
      expect(list.items.map((c: Json) => [c.kind, c.label, c.account, c.readyAt, c.ready, c.secondsLeft])).to.deep.equal([
        ["contract-change", "AgreementRegistry", GOV.acceptAll, readyAt, false, readyAt - nowMs / 1000],
        ["role-grant", "EXPERT", GOV.newExpert, readyAt, false, readyAt - nowMs / 1000],
      ]);
      const first = (await get("/governance/pending?limit=1")).body;
      expect(first.items.map((c: Json) => c.label)).to.deep.equal(["AgreementRegistry"]);
      expect((await get(`/governance/pending?after=${encodeURIComponent(first.next)}`)).body.items.map((c: Json) => c.label)).to.deep.equal(["EXPERT"]);
      expectError(await get("/governance/pending?limit=0"), 400);
      const doc = (await get("/openapi.json")).body;
      expect(doc.paths).to.have.property("/api/v1/governance/pending");

      const auth = { authorization: `Bearer ${await signIn(regulator)}` };
      const alerts = (await get("/regulator/alerts?kind=pending-governance-change", auth)).body.items.map((x: Json) => x.detail).reverse();
      expect(alerts.map((c: Json) => [c.kind, c.label, c.account, c.current, c.ready])).to.deep.equal([
        ["contract-change", "AgreementRegistry", GOV.acceptAll, GOV.realAgreements, false],
        ["role-grant", "EXPERT", GOV.newExpert, null, false],
      ]);
      const saved = nowMs;
      nowMs = readyAt * 1000;
      try {
        const later = { authorization: `Bearer ${await signIn(regulator)}` }; // tokens are short-lived
        const ready = (await get("/regulator/alerts?kind=pending-governance-change", later)).body.items.map((x: Json) => x.detail);
        expect(ready.map((c: Json) => [c.ready, c.secondsLeft])).to.deep.equal([[true, 0], [true, 0]]);
      } finally {
        nowMs = saved;
      }
    });
  });

  describe("hostile input", () => {
    it("answers oversized, malformed, deeply nested and wrongly typed bodies with a clear 4xx and keeps serving", async () => {
      expectError(await post("/auth/challenge", { address: "0x" + "g".repeat(40) }), 400);
      expectError(await post("/auth/challenge", { address: "0x1234" }), 400);
      expectError(await post("/auth/challenge", "{not json"), 400);
      expectError(await post("/auth/challenge", { address: regulator.address, extra: 1 }), 400);
      expectError(await post("/auth/challenge", '{"__proto__":{"admin":true},"address":"' + regulator.address + '"}'), 400);
      expectError(await post("/auth/challenge", "[".repeat(3000) + "]".repeat(3000)), 400);
      expectError(await post("/auth/challenge", { address: "x".repeat(200_000) }), 413);
      expectError(await post("/auth/challenge", [1, 2, 3]), 400);
      expectError(await post("/auth/challenge", "null"), 400);
      const r = await fetch(base + "/auth/challenge", { method: "POST", headers: { "content-type": "text/plain" }, body: "address" });
      expect(r.status).to.equal(415);
      const long = await fetch(`${base}/participants/${"9".repeat(100_000)}`);
      expect(long.status).to.be.within(400, 499);
      expectError(await get("/nothing/here"), 404);
      expectError(await post("/participants", {}), 404);
      expect((await get("/health")).status).to.equal(200);
    });

    it("rate-limits public routes per IP with 429 and Retry-After", async () => {
      const limited = await listen({ reader: ts.store.reader, rateLimit: { capacity: 3, refillPerSecond: 0.5 } });
      try {
        const statuses = [];
        let last: Response | undefined;
        for (let i = 0; i < 5; i++) {
          last = await fetch(`${limited.base}/participants/1`);
          statuses.push(last.status);
        }
        expect(statuses).to.deep.equal([200, 200, 200, 429, 429]);
        expect(Number(last!.headers.get("retry-after"))).to.be.within(1, 2);
        expect(((await last!.json()) as Json).error.code).to.equal("rate_limited");
      } finally {
        limited.server.close();
      }
    });
  });
});
