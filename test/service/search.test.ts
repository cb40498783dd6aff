/**
 * Search and evidence (issue 12): GET /api/v1/search finds a record by registration code, id,
 * 统一社会信用代码, name (substring, Chinese), transaction hash and address (C21: what is disclosed
 * can be found); GET /api/v1/tx/:hash lists the decoded events of one transaction with their
 * records (C22: every record's on-chain evidence). The seeded world (helpers/ledger.ts) through
 * the real views and store, plus a registry-format code, a named resource (spec-12 part A's
 * public text), a new signer key, a two-event transaction and hub events.
 */
import { expect } from "chai";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { encodeBytes32String } from "ethers";
import { createApi } from "../../ledger-service/src/api/server";
import { SEARCH_SCAN_CAP, createSearchQueries } from "../../ledger-service/src/api/search";
import { createViews } from "../../ledger-service/src/views";
import { SEARCH_SPACE, bigrams, codeString, createSearchView, namesOfPublicText } from "../../ledger-service/src/views/search";
import { loadProfile } from "../../policy/profile";
import type { ChainEvent } from "../../ledger-service/src/store/types";
import { KEYS, P, TEXTS, addr, createChainBuilder, cst, h, openTestStore, resourceData, seedGovernance, seedWorld, silentLogger, type TestStore } from "./helpers/ledger";

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field

const CODE = "GM-2026-P-0003";
const NAME = "惠州市不动产登记信息";
const NAME_EN = "Huizhou Real Estate Registry";
const RENAMED = "惠州市不动产权属数据";
const NEW_SIGNER = addr("operator second key");

describe("search and evidence: GET /api/v1/search and /api/v1/tx/:hash", () => {
  let ts: TestStore;
  let server: Server;
  let base: string;
  let world: ReturnType<typeof seedWorld>;
  const tx: { product1: ChainEvent; pair: ChainEvent[]; hub: ChainEvent; rename: ChainEvent; resource3: ChainEvent } = {} as never;

  before(async () => {
    ts = await openTestStore(createViews(loadProfile("huizhou")));
    const b = createChainBuilder();
    world = seedWorld(b);
    const at = cst("2026-04-10");
    // A registry-format code (spec-12 part A) for product 2, issued on a renewal.
    b.block(at, [
      { contract: "ProductRegistry", event: "RegistrationApplied", args: { applicationId: "3", subjectId: "2", kind: 5, materialsHash: h("renew p2"), applicant: KEYS.developer } },
      { contract: "ProductRegistry", event: "RegistrationIssued", args: { applicationId: "3", subjectId: "2", kind: 5, code: encodeBytes32String(CODE), issuedAt: String(at), validUntil: String(cst("2029-04-10")), deregistered: false } },
    ]);
    // A resource with its public text (name in Chinese and English), and a second signer for the operator.
    [tx.resource3] = b.block(at + 3600, [
      { contract: "ResourceCatalog", event: "ResourceProposed", args: { id: "3", sourceDeptId: P.dept, data: resourceData("real estate"), publicText: JSON.stringify({ name: NAME, nameEn: NAME_EN, description: "不动产登记" }), by: KEYS.dept } },
    ]);
    b.block(at + 7200, [{ contract: "ParticipantRegistry", event: "SignerAdded", args: { id: P.operator, signer: NEW_SIGNER, by: KEYS.authority } }]);
    // Two events of one transaction: the review and the approval of a change that renames resource 3.
    tx.pair = b.block(at + 10800, [
      { contract: "ResourceCatalog", event: "ResourceReviewed", args: { id: "3", approved: true, opinionHash: h("ok 3"), by: KEYS.authority } },
      { contract: "ResourceCatalog", event: "ResourceChangeProposed", args: { id: "3", data: resourceData("real estate"), publicText: JSON.stringify({ name: RENAMED }), by: KEYS.dept } },
    ]);
    tx.pair[1].txHash = tx.pair[0].txHash;
    [tx.rename] = b.block(at + 14400, [
      { contract: "ResourceCatalog", event: "ResourceChangeReviewed", args: { id: "3", approved: true, data: resourceData("real estate"), publicText: JSON.stringify({ name: RENAMED }), opinionHash: h("ok change 3"), by: KEYS.authority } },
    ]);
    seedGovernance(b, at + 20000);
    await ts.apply(b);
    const app = createApi({ logger: silentLogger }, { reader: ts.store.reader, health: () => ({}), hasRole: async () => false, rateLimit: false });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
    // The first product's registration, from the seeded world's events.
    const dump = await ts.store.dump();
    const entry = dump.find((d) => d.space === "timeline" && (d.value as Json).event === "ProductRegistered" && (d.value as Json).id === "1");
    tx.product1 = { ...(entry!.value as Json) };
  });
  after(async () => {
    server?.close();
    await ts?.close();
  });

  const get = async (path: string): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${base}${path}`);
    return { status: res.status, body: await res.json() };
  };
  const search = async (q: string) => {
    const r = await get(`/search?q=${encodeURIComponent(q)}`);
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return r.body as { query: string; total: number; truncated: boolean; items: { kind: string; id: string; name: string | null; match: string; url: string }[] };
  };
  const hits = (body: { items: { kind: string; id: string; match: string }[] }) => body.items.map((i) => `${i.kind}:${i.id}:${i.match}`);

  it("C21 finds a registration code in the registry's format (GM-2026-P-0003), in any case, and by its beginning", async () => {
    const r = await search(CODE);
    expect(r.items).to.deep.equal([{ kind: "product", id: "2", name: TEXTS.product2.name, match: "registrationCode", url: "#/products/2" }]);
    expect([r.query, r.total]).to.deep.equal([CODE, 1]);
    expect(hits(await search(`  ${CODE.toLowerCase()} `))).to.deep.equal(["product:2:registrationCode"]);
    expect(hits(await search("GM-2026-P"))).to.deep.equal(["product:2:registrationCode"]);
    expect((await search("GM-2026-R-0001")).total).to.equal(0);
    expect(codeString(encodeBytes32String(CODE))).to.equal(CODE);
    expect(codeString(h("code r1"))).to.equal(null);
  });

  it("C21 finds a code by its bytes32 hex too (as the chain holds it, and as codes were before they were ASCII)", async () => {
    expect(hits(await search(encodeBytes32String("GM-2025-R-0001")))).to.deep.equal(["resource:1:registrationCode"]);
    expect(hits(await search(encodeBytes32String("GM-2025-P-0001").toUpperCase().replace("0X", "0x")))).to.deep.equal(["product:1:registrationCode"]);
    expect(hits(await search("GM-2025-R-0002"))).to.deep.equal(["resource:2:registrationCode"]);
  });

  it("C21 finds a participant by its 统一社会信用代码", async () => {
    const r = await search("91441300MA0000004X");
    expect(r.items).to.deep.equal([{ kind: "participant", id: "4", name: "惠州数据运营有限公司", match: "creditCode", url: "#/participants/4" }]);
    expect(hits(await search("91441300ma0000007x"))).to.deep.equal(["participant:7:creditCode"]);
  });

  it("C21 finds names by a Chinese substring: inside, at the start, a single last character", async () => {
    expect((await search("数据运营")).items).to.deep.equal([{ kind: "participant", id: "4", name: "惠州数据运营有限公司", match: "name", url: "#/participants/4" }]);
    expect(hits(await search("自然资源"))).to.deep.equal(["participant:3:name"]);
    expect(hits(await search("交通运输局"))).to.deep.equal(["participant:7:name"]);
    // One character, the last of three names: found through its END bigram.
    expect(hits(await search("局")).sort()).to.deep.equal(["participant:1:name", "participant:3:name", "participant:7:name"]);
    // Every participant and the named resource start with 惠州: whole-name and prefix hits first.
    const all = await search("惠州");
    expect(all.total).to.equal(9); // 7 participants, the call's title and resource 3
    expect(hits(all)).to.include.members(["resource:3:name", "participant:1:name", "participant:7:name", "call:1:name"]);
    expect((await search("不存在的名称")).items).to.deep.equal([]);
    expect((await search("运营数据")).items, "the bigrams all occur, the substring does not").to.deep.equal([]);
  });

  it("C21 finds a record by the name of its public text, Chinese or English, and follows a rename", async () => {
    const renamed = await search("不动产权属");
    expect(renamed.items).to.deep.equal([{ kind: "resource", id: "3", name: RENAMED, match: "name", url: "#/resources/3" }]);
    // The approved change replaced the name: the old one no longer finds the record, nor its English.
    expect((await search("不动产登记信息")).total).to.equal(0);
    expect((await search("real estate registry")).total).to.equal(0);
    // The index holds no posting of the old name.
    const grams = new Set(bigrams("不动产登记信息"));
    const stale = (await ts.store.dump()).filter((d) => d.space === SEARCH_SPACE.gram && d.key.endsWith("resource:00000000000000000003") && grams.has(d.key.split("\u0000")[0]) && !bigrams(RENAMED).includes(d.key.split("\u0000")[0]));
    expect(stale).to.deep.equal([]);
  });

  it("C21 reads names from the public text as spec-12 part A shapes them, and refuses what is not one", () => {
    expect(namesOfPublicText("resource", JSON.stringify({ name: NAME, nameEn: NAME_EN }))).to.deep.equal({ name: NAME, nameEn: NAME_EN });
    expect(namesOfPublicText("call", JSON.stringify({ title: "2026年征集公告", titleEn: "Call 2026" }))).to.deep.equal({ name: "2026年征集公告", nameEn: "Call 2026" });
    expect(namesOfPublicText("resource", "not json")).to.equal(null);
    expect(namesOfPublicText("resource", JSON.stringify({ name: "e\u0301" }))).to.equal(null); // not NFC
    expect(namesOfPublicText("resource", JSON.stringify({ name: "名".repeat(61) }))).to.equal(null); // over 60 characters
    expect(namesOfPublicText("resource", JSON.stringify({ name: "a\u202eb" }))).to.equal(null); // a bidi control
    expect(namesOfPublicText("resource", JSON.stringify({ name: "a\u061cb" }))).to.equal(null); // the Arabic letter mark, a bidi control too
    expect(namesOfPublicText("resource", JSON.stringify(["name"]))).to.equal(null);
  });

  it("C21 finds a record by id, every kind with that id, or one kind named before it (产品 2, product 2)", async () => {
    expect(hits(await search("2")).filter((x) => x.endsWith(":id"))).to.deep.equal(
      ["authorization:2:id", "product:2:id", "resource:2:id", "scenario:2:id", "participant:2:id", "agreement:2:id"],
    );
    const product = await search("产品 2");
    expect(product.items[0]).to.deep.equal({ kind: "product", id: "2", name: TEXTS.product2.name, match: "id", url: "#/products/2" });
    expect(hits(await search("product 2")).filter((x) => x.endsWith(":id"))).to.deep.equal(["product:2:id"]);
    expect(hits(await search("授权 1"))[0]).to.equal("authorization:1:id");
    expect((await search("授权 1")).items[0].name, "an authorization shows its holder").to.equal("惠州数据运营有限公司");
    expect(hits(await search("999")).filter((x) => x.endsWith(":id"))).to.deep.equal([]);
  });

  it("C22 finds a transaction by its hash, and an address as its participant (signer keys, added ones too) or as an address", async () => {
    const t = await search(tx.product1.txHash);
    expect(t.items).to.deep.equal([{ kind: "tx", id: tx.product1.txHash, name: "ProductRegistered", match: "txHash", url: `#/tx/${tx.product1.txHash}` }]);
    expect((await search(h("no such transaction"))).total).to.equal(0);
    expect((await search(KEYS.operator)).items).to.deep.equal([{ kind: "participant", id: "4", name: "惠州数据运营有限公司", match: "address", url: "#/participants/4" }]);
    expect(hits(await search(NEW_SIGNER.toLowerCase()))).to.deep.equal(["participant:4:address"]);
    const other = addr("nobody");
    expect((await search(other.toLowerCase())).items).to.deep.equal([{ kind: "address", id: other, name: null, match: "address", url: null }]);
  });

  it("C21 refuses an empty, blank, missing or too long q with a clear 400", async () => {
    for (const path of ["/search", "/search?q=", "/search?q=%20%20%20", `/search?q=${"数".repeat(201)}`, "/search?q=a&q=b"]) {
      const r = await get(path);
      expect(r.status, path).to.equal(400);
      expect(r.body.error.code, path).to.equal("invalid_request");
      expect(JSON.stringify(r.body.error.details), path).to.match(/q/);
    }
    expect((await search("数".repeat(200))).total).to.equal(0);
  });

  it("C22 lists the events of a transaction, each with its record and the args its timeline shows", async () => {
    const r = await get(`/tx/${tx.product1.txHash}`);
    expect(r.status).to.equal(200);
    const timeline = (await get("/timeline/product/1")).body.items as Json[];
    const fromTimeline = timeline.filter((e) => e.txHash === tx.product1.txHash);
    expect(fromTimeline).to.have.length(1);
    expect(r.body).to.deep.equal({
      txHash: tx.product1.txHash,
      blockNumber: fromTimeline[0].blockNumber,
      timestamp: fromTimeline[0].timestamp,
      events: fromTimeline.map((e) => ({ logIndex: e.logIndex, contract: "ProductRegistry", event: "ProductRegistered", args: e.args, record: { kind: "product", id: "1" } })),
    });
    expect(r.body.events[0].args.request.kind, "enums by name, as the timeline").to.equal("Api");
  });

  it("C22 lists every event of a transaction in log order, and hub events with no record", async () => {
    const pair = (await get(`/tx/${tx.pair[0].txHash.toUpperCase().replace("0X", "0x")}`)).body;
    expect(pair.events.map((e: Json) => [e.logIndex, e.event, e.record])).to.deep.equal([
      [0, "ResourceReviewed", { kind: "resource", id: "3" }],
      [1, "ResourceChangeProposed", { kind: "resource", id: "3" }],
    ]);
    expect(pair.events[1].args.publicText).to.equal(JSON.stringify({ name: RENAMED }));
    const dump = await ts.store.dump();
    const hub = dump.find((d) => d.space === "tx-event" && (d.value as Json).event === "ContractChangeScheduled");
    const hash = hub!.key.split(":")[0];
    const hubTx = (await get(`/tx/${hash}`)).body;
    expect(hubTx.events).to.have.length(1);
    expect(hubTx.events[0]).to.include({ contract: "ProvenantHub", event: "ContractChangeScheduled", record: null });
    expect(hubTx.events[0].args.readyAt).to.be.a("string");
  });

  it("C22 answers 404 for a transaction the index has no event of, 400 for a malformed hash, with the JSON error shape", async () => {
    const missing = await get(`/tx/${h("never sent")}`);
    expect([missing.status, missing.body.error.code]).to.deep.equal([404, "not_found"]);
    for (const bad of ["0x123", "abc", "0x" + "g".repeat(64), "0x" + "1".repeat(65)]) {
      const r = await get(`/tx/${bad}`);
      expect([r.status, r.body.error.code], bad).to.deep.equal([400, "invalid_request"]);
    }
  });

  it("C21 documents both routes in the OpenAPI document", async () => {
    const doc = (await get("/openapi.json")).body;
    expect(doc.paths["/api/v1/search"].get.parameters.map((p: Json) => p.name)).to.include("q");
    expect(doc.paths["/api/v1/tx/{hash}"].get.operationId).to.equal("getTransaction");
  });

});

describe("search and evidence: a reorganization undoes what the search and tx views indexed", () => {
  it("C22 a renamed resource's old name comes back, the new one and its transaction go, when the block is unwound", async () => {
    const ts = await openTestStore(createViews(loadProfile("huizhou")));
    try {
      const b = createChainBuilder();
      seedWorld(b);
      await ts.apply(b);
      const head = ts.store.state().checkpoint!;
      const at = cst("2026-04-10");
      const next = createChainBuilder(head.number + 1);
      next.block(at, [{ contract: "ResourceCatalog", event: "ResourceProposed", args: { id: "3", sourceDeptId: P.dept, data: resourceData("real estate"), publicText: JSON.stringify({ name: NAME }), by: KEYS.dept } }]);
      const [renamed] = next.block(at + 60, [{ contract: "ResourceCatalog", event: "ResourceChangeReviewed", args: { id: "3", approved: true, data: resourceData("real estate"), publicText: JSON.stringify({ name: RENAMED }), opinionHash: h("ok"), by: KEYS.authority } }]);
      const { events, blocks } = next.drain();
      // Applied above the finalized head, with undo records, as the follower applies unfinalized blocks.
      await ts.store.applyRange({ blocks, events, finalized: head.number, views: createViews(loadProfile("huizhou")) });
      const q = createSearchQueries(ts.store.reader);
      expect((await q.search("权属")).items.map((i) => i.id)).to.deep.equal(["3"]);
      expect((await q.search("登记信息")).total).to.equal(0);
      expect((await q.tx(renamed.txHash)).events).to.have.length(1);
      await ts.store.unwindTo({ ...blocks[0] });
      expect((await q.search("权属")).total).to.equal(0);
      expect((await q.search("登记信息")).items.map((i) => [i.kind, i.id, i.name])).to.deep.equal([["resource", "3", NAME]]);
      let notFound = false;
      await q.tx(renamed.txHash).catch((err: Error) => (notFound = err.name === "NotFoundError"));
      expect(notFound).to.equal(true);
    } finally {
      await ts.close();
    }
  });
});

describe("search: a name query's work is bounded by its rarest bigram, not by the number of records", () => {
  it("C21 among 3,000 names sharing 数据, a rare name reads one posting, a common bigram stops at the scan cap", async function () {
    this.timeout(120_000);
    const ts = await openTestStore([createSearchView()]);
    try {
      const b = createChainBuilder();
      const N = 3_000;
      for (let start = 1; start <= N; start += 500) {
        b.block(cst("2026-01-01") + start, Array.from({ length: 500 }, (_, i) => {
          const id = String(start + i);
          // One distinct CJK character per name (U+4E00 + id), the rest shared by all.
          return { contract: "ParticipantRegistry", event: "ParticipantRegistered", args: { id, kind: 5, name: `惠州数据开发${String.fromCodePoint(0x4e00 + start + i)}号有限公司`, creditCode: "", profileHash: h(id), signers: [], registeredBy: KEYS.authority } };
        }));
      }
      await ts.apply(b);
      // A reader that counts the entries its ranges yield (the postings a query reads).
      let yielded = 0;
      const reader = ts.store.reader;
      const counting: typeof reader = {
        get: (space, key) => reader.get(space, key),
        now: () => reader.now(),
        range: async function* (space, options) {
          for await (const entry of reader.range(space, options)) {
            yielded++;
            yield entry;
          }
        } as typeof reader.range,
      };
      const q = createSearchQueries(counting);
      const rare = await q.search(`开发${String.fromCodePoint(0x4e00 + 2718)}号`);
      expect(rare.items.map((i) => i.id)).to.deep.equal(["2718"]);
      expect(yielded, "postings read for a rare name: its rarest bigram's one").to.equal(1);
      yielded = 0;
      const common = await q.search("数据开发");
      expect([common.truncated, common.total, common.items.length]).to.deep.equal([true, SEARCH_SCAN_CAP, 50]);
      expect(yielded).to.be.at.most(SEARCH_SCAN_CAP + 1);
    } finally {
      await ts.close();
    }
  });
});
