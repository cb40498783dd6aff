/**
 * Rules that keep holding after the first check (issue 9's audit): scenarios and products follow
 * the resources they rest on and the whole product lineage, on read, without a transaction on
 * the scenario or product; and a parent product cannot bring data into a child's authorization
 * that never granted it.
 */
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { h, Consent, Open, RegKind, resourceData, issueRegistration } from "../helpers/fixture";
import { deployChain, approvedScenario, listedProduct, registerProduct, productRequest, ascending } from "../helpers/products";
import { RESOURCE_TEXT, STATEMENT } from "../helpers/texts";

async function deployCascade() {
  const c = await deployChain();
  const { w } = c;
  // Operator scenario over r1 and r3; developer scenario over r1 (developer A holds r1 and r2).
  const opScenario = await approvedScenario(w, { authorizationId: c.opAuth, resourceIds: [c.r[0], c.r[2]] });
  const devScenario = await approvedScenario(w, { holder: "developerA", authorizationId: c.devAuth, resourceIds: [c.r[0]] });
  const opProduct = await listedProduct(w, { scenarioId: opScenario, resourceIds: [c.r[0]] });
  const devProduct = await listedProduct(w, { holder: "developerA", scenarioId: devScenario, resourceIds: [c.r[0]] });
  // An operator product derived only from the developer's product (lineage without own resources).
  const derived = await listedProduct(w, { scenarioId: opScenario, parentProductIds: [devProduct] });
  return { ...c, opScenario, devScenario, opProduct, devProduct, derived };
}

type C = Awaited<ReturnType<typeof deployCascade>>;
const now = async (): Promise<bigint> => BigInt(await time.latest());

/** Every usability answer that a resource or lineage change can move. */
async function usability(c: C) {
  const t = await now();
  return {
    opScenario: await c.w.scenarios.isUsable(c.opScenario, t),
    devScenario: await c.w.scenarios.isUsable(c.devScenario, t),
    opProduct: await c.w.products.isUsable(c.opProduct, t),
    devProduct: await c.w.products.isUsable(c.devProduct, t),
    derived: await c.w.products.isUsable(c.derived, t),
  };
}
const allUsable = { opScenario: true, devScenario: true, opProduct: true, devProduct: true, derived: true };

describe("Usability cascades: resources and lineage", () => {
  it("C10 a delisted resource stops every scenario and product built on it, at once and on read", async () => {
    const c = await loadFixture(deployCascade);
    expect(await usability(c)).to.deep.equal(allUsable);
    expect(await c.w.catalog.isAuthorizable(c.r[0], await now())).to.equal(true);
    await c.w.catalog.connect(c.w.signers.authority).delistResource(c.r[0], h("withdrawn"), STATEMENT);
    expect(await c.w.catalog.isAuthorizable(c.r[0], await now())).to.equal(false);
    expect(await usability(c)).to.deep.equal({ opScenario: false, devScenario: false, opProduct: false, devProduct: false, derived: false });
    await expect(c.w.scenarios.requireUsable(c.devScenario, await now()))
      .to.be.revertedWithCustomError(c.w.scenarios, "ScenarioRegistryResourceNotAuthorizable")
      .withArgs(c.devScenario, c.r[0]);
  });

  it("C10 a resource changed to not open and not desensitized, or to need consent, stops what rests on it", async () => {
    for (const change of [{ openAttribute: Open.NotOpen, desensitized: false }, { consent: Consent.Required }]) {
      const c = await loadFixture(deployCascade);
      const { w } = c;
      const current = (await w.catalog.resource(c.r[0])).data;
      const data = { ...resourceData(), catalogKey: current.catalogKey, ...change };
      await w.catalog.connect(w.signers.deptA).proposeChange(c.r[0], data, RESOURCE_TEXT);
      expect(await usability(c)).to.deep.equal(allUsable); // a pending change changes nothing
      await w.catalog.connect(w.signers.authority).reviewChange(c.r[0], true, h("change approved"), RESOURCE_TEXT);
      expect(await usability(c)).to.deep.equal({ opScenario: false, devScenario: false, opProduct: false, devProduct: false, derived: false });
    }
  });

  it("C10 a resource outside a product's own lineage leaves it usable (the scenario's other resource stops only the scenario)", async () => {
    const c = await loadFixture(deployCascade);
    await c.w.catalog.connect(c.w.signers.authority).delistResource(c.r[2], h("withdrawn"), STATEMENT); // r3: operator scenario only
    expect(await usability(c)).to.deep.equal({ opScenario: false, devScenario: true, opProduct: true, devProduct: true, derived: true });
  });

  it("C36 a deregistered resource stops every scenario and product built on it", async () => {
    const c = await loadFixture(deployCascade);
    await issueRegistration(c.w, c.w.catalog, c.w.signers.deptA, c.r[0], RegKind.Deregistration);
    expect(await c.w.catalog.isRegistered(c.r[0], await now())).to.equal(false);
    expect(await usability(c)).to.deep.equal({ opScenario: false, devScenario: false, opProduct: false, devProduct: false, derived: false });
  });

  it("C36 a resource registration that lapses stops what rests on it, as a fact of time", async () => {
    const c = await loadFixture(deployCascade);
    const until = (await c.w.catalog.registrationOf(c.r[0])).validUntil;
    expect(await c.w.catalog.isAuthorizable(c.r[0], until - 1n)).to.equal(true);
    expect(await c.w.catalog.isAuthorizable(c.r[0], until)).to.equal(false);
    // The products and scenarios read the same answer (see the deregistration test above).
  });

  it("C14 a product derived from another stops when its parent's authorization is revoked", async () => {
    const c = await loadFixture(deployCascade);
    expect(await c.w.products.isUsable(c.derived, await now())).to.equal(true);
    await c.w.authorizations.connect(c.w.signers.authority).revoke(c.devAuth, h("revoked"), STATEMENT);
    expect(await c.w.products.isUsable(c.devProduct, await now())).to.equal(false);
    // The operator's own authorization is untouched, yet its derived product follows its parent.
    expect(await c.w.authorizations.isActive(c.opAuth, await now())).to.equal(true);
    expect(await c.w.products.isUsable(c.opProduct, await now())).to.equal(true);
    expect(await c.w.products.isUsable(c.derived, await now())).to.equal(false);
  });

  it("C14 a delisted parent product stops the products derived from it", async () => {
    const c = await loadFixture(deployCascade);
    await c.w.products.connect(c.w.signers.authority).delistProduct(c.devProduct, h("complaint"), STATEMENT);
    expect(await c.w.products.isUsable(c.derived, await now())).to.equal(false);
    expect(await c.w.products.isUsable(c.opProduct, await now())).to.equal(true);
  });

  it("C14 refuses a product whose parent rests on a resource outside the child's authorization", async () => {
    const c = await loadFixture(deployCascade);
    const { w } = c;
    // An operator product over r3, which developer A's authorization (r1, r2) never granted.
    const outside = await listedProduct(w, { scenarioId: c.opScenario, resourceIds: [c.r[2]] });
    const req = productRequest(w, { holder: "developerA", scenarioId: c.devScenario, parentProductIds: [outside] });
    const count = await w.products.productCount();
    await expect(w.products.connect(w.signers.developerA).registerProduct(req))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryParentOutsideScope")
      .withArgs(outside, c.r[2], c.devAuth);
    expect(await w.products.productCount()).to.equal(count);
    // The same reach through a grandparent is caught too: a product derived from `outside`.
    const grand = await listedProduct(w, { scenarioId: c.opScenario, parentProductIds: [outside] });
    const viaGrand = productRequest(w, { holder: "developerA", scenarioId: c.devScenario, parentProductIds: [grand] });
    await expect(w.products.connect(w.signers.developerA).registerProduct(viaGrand))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryParentOutsideScope")
      .withArgs(outside, c.r[2], c.devAuth);
    // A parent within the child's scope is accepted.
    const inside = await registerProduct(w, { holder: "developerA", scenarioId: c.devScenario, parentProductIds: [c.opProduct] });
    expect(inside).to.equal(count + 2n);
  });

  it("C24 isActive and isUsable apply today's statuses to a past moment, as their interfaces say: after a revocation, earlier moments read false", async () => {
    const c = await loadFixture(deployCascade);
    const before = await now();
    expect(await c.w.authorizations.isActive(c.devAuth, before)).to.equal(true);
    expect(await c.w.products.isUsable(c.devProduct, before)).to.equal(true);
    await c.w.authorizations.connect(c.w.signers.authority).revoke(c.devAuth, h("revoked"), STATEMENT);
    // Access closes at once (C24), and the answer for `before` changes with it: the stored status
    // is not historical. The service answers "was it in force then?" from the events (?at=).
    expect(await c.w.authorizations.isActive(c.devAuth, before)).to.equal(false);
    expect(await c.w.products.isUsable(c.devProduct, before)).to.equal(false);
    // What is dated stays dated: the term end is read at the moment asked.
    const opEnd = (await c.w.authorizations.authorization(c.opAuth)).termEnd;
    expect(await c.w.authorizations.isActive(c.opAuth, opEnd - 1n)).to.equal(true);
    expect(await c.w.authorizations.isActive(c.opAuth, opEnd)).to.equal(false);
  });

  it("C18 one reviewer key gives one opinion per round: it cannot make up the quorum or outvote a failure alone", async () => {
    const c = await loadFixture(deployCascade);
    const { w } = c;
    const P = w.products;
    const id = await registerProduct(w, { scenarioId: c.opScenario, resourceIds: [c.r[0]] });
    await P.connect(w.signers.expert1).reviewProduct(id, false, h("fails: no security assessment"));
    await P.connect(w.signers.expert2).reviewProduct(id, true, h("passes"));
    expect((await P.product(id)).status).to.equal(1n); // Registered: one pass does not outvote one failure
    await expect(P.connect(w.signers.expert2).reviewProduct(id, true, h("passes again")))
      .to.be.revertedWithCustomError(P, "ProductRegistryAlreadyReviewed")
      .withArgs(id, w.signers.expert2.address);
    const p = await P.product(id);
    expect([p.status, p.reviewPasses, p.reviewFailures]).to.deep.equal([1n, 1n, 1n]);
    // The failure opened a new round: the reviewer who failed it may review the rectified product.
    await P.connect(w.signers.expert1).reviewProduct(id, true, h("rectified"));
    expect((await P.product(id)).status).to.equal(2n); // Reviewed: two passes from two keys against one failure
  });

  it("C14 a lineage whose walk would visit more than MAX_LINEAGE_WEIGHT products is refused at registration", async () => {
    const c = await loadFixture(deployCascade);
    const { w } = c;
    expect(await w.products.MAX_LINEAGE_WEIGHT()).to.equal(64n);
    // Each level derives from both products of the level below: weights 1, 3, 7, 15, 31, 63.
    let pair = [
      await listedProduct(w, { scenarioId: c.opScenario, resourceIds: [c.r[0]] }),
      await listedProduct(w, { scenarioId: c.opScenario, resourceIds: [c.r[0]] }),
    ];
    for (let level = 1; level <= 5; level++) {
      const parents = ascending(pair);
      pair = [await listedProduct(w, { scenarioId: c.opScenario, parentProductIds: parents }), await listedProduct(w, { scenarioId: c.opScenario, parentProductIds: parents })];
    }
    const count = await w.products.productCount();
    const req = productRequest(w, { scenarioId: c.opScenario, parentProductIds: ascending(pair) });
    await expect(w.products.connect(w.signers.operatorA).registerProduct(req))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryLineageTooLarge")
      .withArgs(127, 64);
    expect(await w.products.productCount()).to.equal(count);
    // One of them alone (weight 1 + 63) is accepted.
    await registerProduct(w, { scenarioId: c.opScenario, parentProductIds: [pair[0]] });
    expect(await w.products.productCount()).to.equal(count + 1n);
  });
});
