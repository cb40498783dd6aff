/**
 * Usability follows the resources and the lineage (C10, C14, C36), read from the index at any
 * time: a resource changed to need consent, delisted or deregistered stops the scenarios,
 * products and derived products built on it from that moment on — not before — and the
 * regulator's alerts and the platform node's per-use checks say so with the reason.
 */
import { expect } from "chai";
import { loadProfile } from "../../policy/profile";
import { createViews, SPACE } from "../../ledger-service/src/views";
import type { ProductRecord } from "../../ledger-service/src/views/products";
import type { ScenarioRecord } from "../../ledger-service/src/views/scenarios";
import type { ResourceRecord } from "../../ledger-service/src/views/resources";
import { resourceProblemAt } from "../../ledger-service/src/views/resources";
import { productProblemsAt, recordsOf, scenarioProblemsAt, type RecordReader } from "../../ledger-service/src/views/usability";
import { createQueries } from "../../ledger-service/src/api/queries";
import { createUseChecker } from "../../ledger-service/src/node/checks";
import type { ViewReader } from "../../ledger-service/src/store/types";
import { createChainBuilder, cst, h, openTestStore, resourceData, seedWorld, KEYS, P, type TestStore } from "./helpers/ledger";
import { sampleReceipt } from "./helpers/receipts";

describe("usability follows resources and lineage (C10, C14, C36)", () => {
  let ts: TestStore;
  let reader: ViewReader;
  let read: RecordReader;
  // Resource 1 needs consent from 2026-04-01 10:00; resource 2 is delisted on 2026-05-06.
  const consentRequired = cst("2026-04-01");
  const delisted = cst("2026-05-06");
  const earlier = consentRequired - 1;

  before(async () => {
    ts = await openTestStore(createViews(loadProfile("huizhou")));
    reader = ts.store.reader;
    const b = createChainBuilder();
    seedWorld(b);
    const changed = { ...resourceData("land parcels"), consent: 3 }; // ConsentBasis.Required
    b.block(cst("2026-03-30"), [{ contract: "ResourceCatalog", event: "ResourceChangeProposed", args: { id: "1", data: changed, by: KEYS.dept } }]);
    b.block(consentRequired, [
      { contract: "ResourceCatalog", event: "ResourceChangeReviewed", args: { id: "1", approved: true, data: changed, opinionHash: h("consent now needed"), by: KEYS.authority } },
    ]);
    b.block(delisted, [{ contract: "ResourceCatalog", event: "ResourceDelisted", args: { id: "2", reasonHash: h("source retired"), by: KEYS.authority } }]);
    await ts.apply(b);
    read = recordsOf(await reader.now());
  });
  after(async () => ts.close());

  const resource = async (id: string) => (await read<ResourceRecord>(SPACE.resource, id))!;
  const product = async (id: string) => (await read<ProductRecord>(SPACE.product, id))!;
  const scenario = async (id: string) => (await read<ScenarioRecord>(SPACE.scenario, id))!;

  it("C10 a resource changed to need its subjects' consent may carry no use from the change on, and could before", async () => {
    const r1 = await resource("1");
    expect(resourceProblemAt(r1, earlier)).to.equal(null);
    expect(resourceProblemAt(r1, consentRequired)).to.equal("resource 1 needs its data subjects' consent");
    expect(r1.history.at(-1)?.data?.consent).to.equal("Required");
  });

  it("C10 a delisted resource is out of the catalog from its delisting on", async () => {
    const r2 = await resource("2");
    expect(resourceProblemAt(r2, delisted - 1)).to.equal(null);
    expect(resourceProblemAt(r2, delisted)).to.equal("resource 2 is Delisted at that time, not in the catalog");
  });

  it("C36 a resource whose registration has lapsed may carry no use", async () => {
    const r2 = await resource("2");
    const lapsed = { ...r2, history: r2.history.slice(0, 2) }; // as if never delisted, to isolate the lapse
    const end = r2.registration.validUntil;
    expect(end).to.equal(cst("2028-10-14"));
    expect(resourceProblemAt(lapsed, end - 1)).to.equal(null);
    expect(resourceProblemAt(lapsed, end)).to.equal("resource 2 holds no valid registration code");
  });

  it("C10 scenarios listing a lost resource stop being usable with it (ScenarioRegistry.isUsable)", async () => {
    expect(await scenarioProblemsAt(read, await scenario("1"), earlier)).to.deep.equal([]);
    expect(await scenarioProblemsAt(read, await scenario("1"), consentRequired)).to.deep.equal(["resource 1 needs its data subjects' consent"]);
    expect(await scenarioProblemsAt(read, await scenario("2"), consentRequired)).to.deep.equal(["resource 1 needs its data subjects' consent"]);
  });

  it("C14 a derived product stops with its parent product, and says why", async () => {
    expect(await productProblemsAt(read, await product("1"), earlier)).to.deep.equal([]);
    expect(await productProblemsAt(read, await product("2"), earlier)).to.deep.equal([]);
    expect(await productProblemsAt(read, await product("1"), consentRequired)).to.deep.equal(["resource 1 needs its data subjects' consent"]);
    expect(await productProblemsAt(read, await product("2"), consentRequired)).to.deep.equal([
      "resource 1 needs its data subjects' consent",
      "its parent product 1 is not usable: resource 1 needs its data subjects' consent",
    ]);
  });

  it("C14 a derived product built only on a parent follows the parent's resources", async () => {
    const onlyParent = { ...(await product("2")), resourceIds: [] };
    expect(await productProblemsAt(read, onlyParent, earlier)).to.deep.equal([]);
    expect(await productProblemsAt(read, onlyParent, delisted)).to.deep.equal([
      "its parent product 1 is not usable: resource 1 needs its data subjects' consent",
    ]);
  });

  it("C10 the product API answers usable at ?at= with the reasons it is not", async () => {
    const q = createQueries(reader);
    const then = await q.product("2", earlier);
    expect([then.usable, then.notUsableBecause]).to.deep.equal([true, []]);
    const now = await q.product("2", delisted);
    expect(now.usable).to.equal(false);
    expect(now.notUsableBecause[1]).to.equal("its parent product 1 is not usable: resource 1 needs its data subjects' consent");
  });

  it("C10 the regulator's alerts list listed products and authorizations in force that rest on a lost resource, page by page", async () => {
    const alerts = await createQueries(reader).alerts({ now: delisted + 60, days: 30, limit: 50 });
    const of = (kind: string) => alerts.items.filter((x) => x.kind === kind);
    expect(of("listed-not-usable").map((x) => [x.subjectId, x.clause, x.at])).to.deep.equal([["2", "C10", delisted + 60], ["1", "C10", delisted + 60]]);
    expect(of("listed-not-usable")[1].detail).to.deep.equal({ productId: "1", reasons: ["resource 1 needs its data subjects' consent"] });
    expect(of("authorization-with-lost-resources").map((x) => x.detail)).to.deep.equal([
      { authorizationId: "2", holderId: P.developer, reason: "resource 1 needs its data subjects' consent" },
      { authorizationId: "1", holderId: P.operator, reason: "resource 1 needs its data subjects' consent" },
    ]);
    // Paged one by one while the clock moves on: each page is read at the first page's time, so
    // conditions found when asked (at: the time asked) are neither skipped nor repeated.
    const paged: typeof alerts.items = [];
    let after: string | undefined;
    for (let tick = 0; tick < 20; tick++) {
      const page = await createQueries(reader).alerts({ now: delisted + 60 + tick * 7, days: 30, limit: 1, after });
      expect(page.at).to.equal(delisted + 60);
      paged.push(...page.items);
      if (page.next === null) break;
      after = page.next;
    }
    expect(paged).to.deep.equal(alerts.items);
    const quiet = await createQueries(reader).alerts({ now: earlier, days: 30, limit: 50 });
    expect([quiet.counts["listed-not-usable"], quiet.counts["authorization-with-lost-resources"]]).to.deep.equal([0, 0]);
  });

  it("C10 a use that rests on a lost resource is flagged at the time of use, with the resource and why", async () => {
    const check = createUseChecker(reader);
    const ok = await check(sampleReceipt("before", 1n, { timestamp: earlier, productId: 0n }));
    expect(ok.map((f) => f.rule)).to.deep.equal([]);
    const lost = await check(sampleReceipt("after", 1n, { timestamp: delisted + 60, productId: 0n, resourceIds: [2n] }));
    expect(lost).to.deep.include({ rule: "resource-not-authorizable", clause: "C10", message: "resource 1 needs its data subjects' consent at the time of use" });
    const viaProduct = await check(sampleReceipt("product", 1n, { timestamp: consentRequired, productId: 1n }));
    expect(viaProduct.map((f) => f.rule)).to.deep.equal(["resource-not-authorizable", "product-not-usable"]);
  });
});
