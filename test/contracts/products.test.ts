import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { DAY, h, RegKind } from "../helpers/fixture";
import {
  deployChain,
  proposeScenario,
  approvedScenario,
  productRequest,
  registerProduct,
  issueProductCode,
  listedProduct,
  bases,
  ChargingBasis,
  ProductKind,
  ProductStatus,
} from "../helpers/products";
import { PRODUCT_TEXT, STATEMENT, nextCode } from "../helpers/texts";

/** The active two-tier chain with one approved scenario per tier. */
async function deployProducts() {
  const c = await deployChain();
  const { w } = c;
  const opScenario = await approvedScenario(w, { authorizationId: c.opAuth, resourceIds: [c.r[0], c.r[1]] });
  const devScenario = await approvedScenario(w, { holder: "developerA", authorizationId: c.devAuth, resourceIds: [c.r[0]] });
  return { ...c, opScenario, devScenario };
}

type P = Awaited<ReturnType<typeof deployProducts>>;

/** The chain under a stricter Huizhou variant that needs 2 passed reviews (C18), with one approved scenario. */
async function deployStrictReviewWorld() {
  const c = await deployChain("huizhou", { productReviewQuorum: 2 });
  const scenarioId = await approvedScenario(c.w, { authorizationId: c.opAuth, resourceIds: [c.r[0]] });
  return { world: c.w, scenarioId, resourceId: c.r[0] };
}

async function now(): Promise<bigint> {
  return BigInt(await time.latest());
}

/** The stored product as a plain value, to compare before and after a refused call. */
async function snapshot(p: P, id: bigint) {
  return { product: (await p.w.products.product(id)).toString(), count: await p.w.products.productCount() };
}

/** A developer product, reviewed and registered, ready to list. */
async function readyDevProduct(p: P): Promise<bigint> {
  const { w } = p;
  const id = await registerProduct(w, { holder: "developerA", scenarioId: p.devScenario, resourceIds: [p.r[0]] });
  await w.products.connect(w.signers.expert1).reviewProduct(id, true, h("review"));
  await issueProductCode(w, w.signers.developerA, id);
  return id;
}

describe("ProductRegistry", () => {
  // ===== C17: registration and filing =====

  it("C17 registers a product with pricing basis, scenario, usage scope and method", async () => {
    const p = await loadFixture(deployProducts);
    const { w } = p;
    const req = productRequest(w, { scenarioId: p.opScenario, kind: ProductKind.Dataset, resourceIds: [p.r[1]] });
    const tx = w.products.connect(w.signers.operatorA).registerProduct(req);
    await expect(tx)
      .to.emit(w.products, "ProductRegistered")
      .withArgs(1n, w.ids.operatorA, p.opScenario, p.opAuth, 1, Object.values(req), PRODUCT_TEXT, w.signers.operatorA.address);
    const prod = await w.products.product(1n);
    expect(prod.status).to.equal(ProductStatus.Registered);
    expect(prod.scenarioId).to.equal(p.opScenario);
    expect(prod.authorizationId).to.equal(p.opAuth);
    expect(prod.pricingBasisHash).to.equal(h("pricing-basis"));
    expect(prod.usageHash).to.equal(h("usage-scope-and-method"));
    expect(prod.kind).to.equal(ProductKind.Dataset);
    expect(prod.resourceIds).to.deep.equal([p.r[1]]);
  });

  it("C17 refuses a product for an unreviewed, rejected or retired scenario", async () => {
    const p = await loadFixture(deployProducts);
    const { w } = p;
    const pending = await proposeScenario(w, { authorizationId: p.opAuth, resourceIds: [p.r[2]] });
    const rejected = await proposeScenario(w, { authorizationId: p.opAuth, resourceIds: [p.r[0], p.r[2]] });
    await w.scenarios.connect(w.signers.authority).rejectScenario(rejected, h("no"), STATEMENT);
    const retired = await approvedScenario(w, { authorizationId: p.opAuth, resourceIds: [p.r[1], p.r[2]] });
    await w.scenarios.connect(w.signers.operatorA).retireScenario(retired, h("done"), STATEMENT);
    for (const scenarioId of [pending, rejected, retired]) {
      await expect(
        w.products.connect(w.signers.operatorA).registerProduct(productRequest(w, { scenarioId, resourceIds: [p.r[2]] })),
      )
        .to.be.revertedWithCustomError(w.products, "ProductRegistryScenarioNotApproved")
        .withArgs(scenarioId);
    }
    await expect(
      w.products.connect(w.signers.operatorA).registerProduct(productRequest(w, { scenarioId: 77n, resourceIds: [p.r[0]] })),
    )
      .to.be.revertedWithCustomError(w.scenarios, "ScenarioRegistryUnknownScenario")
      .withArgs(77n);
    expect(await w.products.productCount()).to.equal(0n);
  });

  it("C17 refuses a product whose holder is not the scenario's holder", async () => {
    const p = await loadFixture(deployProducts);
    const { w } = p;
    const req = productRequest(w, { holder: "developerA", scenarioId: p.opScenario, resourceIds: [p.r[0]] });
    await expect(w.products.connect(w.signers.developerA).registerProduct(req))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryHolderMismatch")
      .withArgs(p.opScenario, w.ids.operatorA, w.ids.developerA);
  });

  it("C17 refuses registration while the scenario's authorization is suspended", async () => {
    const p = await loadFixture(deployProducts);
    const { w } = p;
    await w.authorizations.connect(w.signers.authority).suspend(p.opAuth, h("rectify"), STATEMENT);
    const req = productRequest(w, { holder: "developerA", scenarioId: p.devScenario, resourceIds: [p.r[0]] });
    const tx = w.products.connect(w.signers.developerA).registerProduct(req);
    await expect(tx).to.be.revertedWithCustomError(w.products, "ProductRegistryAuthorizationInactive");
    expect(await w.products.productCount()).to.equal(0n);
  });

  it("C17 refuses a registration without kind, pricing basis, usage or description", async () => {
    const p = await loadFixture(deployProducts);
    const { w } = p;
    const req = productRequest(w, { scenarioId: p.opScenario, resourceIds: [p.r[0]] });
    const cases: [Partial<typeof req>, string][] = [
      [{ kind: ProductKind.None }, "kind"],
      [{ pricingBasisHash: ethers.ZeroHash }, "pricingBasisHash"],
      [{ usageHash: ethers.ZeroHash }, "usageHash"],
      [{ descriptionHash: ethers.ZeroHash }, "descriptionHash"],
    ];
    for (const [change, field] of cases) {
      await expect(w.products.connect(w.signers.operatorA).registerProduct({ ...req, ...change }))
        .to.be.revertedWithCustomError(w.products, "ProductRegistryInvalidData")
        .withArgs(field);
    }
    await expect(w.products.connect(w.signers.outsider).registerProduct(req))
      .to.be.revertedWithCustomError(w.participants, "ParticipantRegistryNotActiveSigner")
      .withArgs(w.ids.operatorA, w.signers.outsider.address);
    expect(await w.products.productCount()).to.equal(0n);
  });

  // ===== C14 in products: lineage stays inside the scenario =====

  it("C14 refuses lineage to a resource the scenario does not list, even inside the authorization", async () => {
    const p = await loadFixture(deployProducts);
    const { w } = p;
    // r3 is in operator A's authorization but not in opScenario.
    const req = productRequest(w, { scenarioId: p.opScenario, resourceIds: [p.r[0], p.r[2]] });
    await expect(w.products.connect(w.signers.operatorA).registerProduct(req))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryResourceOutsideScenario")
      .withArgs(p.opScenario, p.r[2]);
    const dev = productRequest(w, { holder: "developerA", scenarioId: p.devScenario, resourceIds: [p.r[1]] });
    await expect(w.products.connect(w.signers.developerA).registerProduct(dev))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryResourceOutsideScenario")
      .withArgs(p.devScenario, p.r[1]);
    expect(await w.products.productCount()).to.equal(0n);
  });

  it("C14 refuses empty or unordered lineage", async () => {
    const p = await loadFixture(deployProducts);
    const { w } = p;
    const send = (resourceIds: bigint[], parentProductIds: bigint[] = []) =>
      w.products
        .connect(w.signers.operatorA)
        .registerProduct(productRequest(w, { scenarioId: p.opScenario, resourceIds, parentProductIds }));
    await expect(send([])).to.be.revertedWithCustomError(w.products, "ProductRegistryEmptyLineage");
    await expect(send([p.r[1], p.r[0]]))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryLineageNotAscending")
      .withArgs("resourceIds", 1, p.r[0]);
    await expect(send([p.r[0], p.r[0]]))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryLineageNotAscending")
      .withArgs("resourceIds", 1, p.r[0]);
    await expect(send([p.r[0]], [5n]))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryParentNotUsable")
      .withArgs(5n);
  });

  it("C17 lineage: a derived product names usable parent products, in ascending order", async () => {
    const p = await loadFixture(deployProducts);
    const { w } = p;
    const a = await listedProduct(w, { scenarioId: p.opScenario, resourceIds: [p.r[0]] });
    const unlisted = await registerProduct(w, { scenarioId: p.opScenario, resourceIds: [p.r[1]] });
    const b = await listedProduct(w, { scenarioId: p.opScenario, resourceIds: [p.r[1]] });
    const send = (parentProductIds: bigint[]) =>
      w.products
        .connect(w.signers.developerA)
        .registerProduct(productRequest(w, { holder: "developerA", scenarioId: p.devScenario, parentProductIds }));
    await expect(send([unlisted]))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryParentNotUsable")
      .withArgs(unlisted);
    await expect(send([b, a]))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryLineageNotAscending")
      .withArgs("parentProductIds", 1, a);
    await send([a, b]);
    const derived = await w.products.productCount();
    expect((await w.products.product(derived)).parentProductIds).to.deep.equal([a, b]);
  });

  it("C17 a new version is registered anew and keeps lineage to the old, one successor each", async () => {
    const p = await loadFixture(deployProducts);
    const { w } = p;
    const v1 = await registerProduct(w, { scenarioId: p.opScenario, resourceIds: [p.r[0]] });
    const v2 = await registerProduct(w, { scenarioId: p.opScenario, resourceIds: [p.r[0], p.r[1]], previousVersionId: v1 });
    const [old, next] = [await w.products.product(v1), await w.products.product(v2)];
    expect([old.version, old.nextVersionId]).to.deep.equal([1n, v2]);
    expect([next.version, next.previousVersionId]).to.deep.equal([2n, v1]);
    const again = productRequest(w, { scenarioId: p.opScenario, resourceIds: [p.r[0]], previousVersionId: v1 });
    await expect(w.products.connect(w.signers.operatorA).registerProduct(again))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryVersionTaken")
      .withArgs(v1, v2);
    await expect(w.products.connect(w.signers.operatorA).registerProduct({ ...again, previousVersionId: v2, kind: ProductKind.Report }))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryVersionMismatch")
      .withArgs(v2, w.ids.operatorA, ProductKind.Api);
    const foreign = productRequest(w, { holder: "developerA", scenarioId: p.devScenario, resourceIds: [p.r[0]], previousVersionId: v2 });
    await expect(w.products.connect(w.signers.developerA).registerProduct(foreign))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryVersionMismatch")
      .withArgs(v2, w.ids.operatorA, ProductKind.Api);
    await expect(w.products.connect(w.signers.operatorA).registerProduct({ ...again, previousVersionId: 50n }))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryUnknownProduct")
      .withArgs(50n);
    expect(await w.products.productCount()).to.equal(2n);
  });

  // ===== C18: compliance and security review before release =====

  it("C18 refuses listing before a passed compliance and security review", async () => {
    const p = await loadFixture(deployProducts);
    const { w } = p;
    const id = await registerProduct(w, { holder: "developerA", scenarioId: p.devScenario, resourceIds: [p.r[0]] });
    await issueProductCode(w, w.signers.developerA, id);
    await expect(w.products.connect(w.signers.developerA).listProduct(id))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryWrongStatus")
      .withArgs(id, ProductStatus.Registered);
    // A failed review is recorded and leaves the product unlistable.
    await expect(w.products.connect(w.signers.expert1).reviewProduct(id, false, h("leaks ids")))
      .to.emit(w.products, "ProductReviewed")
      .withArgs(id, false, h("leaks ids"), ProductStatus.Registered, w.signers.expert1.address);
    await expect(w.products.connect(w.signers.developerA).listProduct(id))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryWrongStatus")
      .withArgs(id, ProductStatus.Registered);
    // One pass after a failure only ties it (C18: passes must outnumber failures); a second pass lists.
    await expect(w.products.connect(w.signers.authority).reviewProduct(id, true, h("rectified")))
      .to.emit(w.products, "ProductReviewed")
      .withArgs(id, true, h("rectified"), ProductStatus.Registered, w.signers.authority.address);
    await expect(w.products.connect(w.signers.expert2).reviewProduct(id, true, h("confirmed")))
      .to.emit(w.products, "ProductReviewed")
      .withArgs(id, true, h("confirmed"), ProductStatus.Reviewed, w.signers.expert2.address);
    expect((await w.products.product(id)).reviewReportHash).to.equal(h("confirmed"));
    await w.products.connect(w.signers.developerA).listProduct(id);
    expect(await w.products.isUsable(id, await now())).to.equal(true);
  });

  it("C18 after two failed reviews one pass does not list a product: passes must outnumber failures", async () => {
    const p = await loadFixture(deployProducts);
    const { w } = p;
    expect(w.profile.productReviewQuorum).to.equal(1);
    const id = await registerProduct(w, { holder: "developerA", scenarioId: p.devScenario, resourceIds: [p.r[0]] });
    await issueProductCode(w, w.signers.developerA, id);
    await w.products.connect(w.signers.expert1).reviewProduct(id, false, h("fails 1"));
    await w.products.connect(w.signers.expert3).reviewProduct(id, false, h("fails 2"));
    await expect(w.products.connect(w.signers.expert2).reviewProduct(id, true, h("passes 1")))
      .to.emit(w.products, "ProductReviewed")
      .withArgs(id, true, h("passes 1"), ProductStatus.Registered, w.signers.expert2.address);
    let pr = await w.products.product(id);
    expect([pr.status, pr.reviewPasses, pr.reviewFailures, pr.passesSinceFailure, pr.reviewedAt, pr.reviewReportHash])
      .to.deep.equal([BigInt(ProductStatus.Registered), 1n, 2n, 1n, 0n, ethers.ZeroHash]);
    await expect(w.products.connect(w.signers.developerA).listProduct(id))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryWrongStatus")
      .withArgs(id, ProductStatus.Registered);
    // A second pass ties the failures: still not listable.
    await w.products.connect(w.signers.authority).reviewProduct(id, true, h("passes 2"));
    expect((await w.products.product(id)).status).to.equal(ProductStatus.Registered);
    // A third pass outnumbers them: reviewed, with the deciding report.
    await expect(w.products.connect(w.signers.expert4).reviewProduct(id, true, h("passes 3")))
      .to.emit(w.products, "ProductReviewed")
      .withArgs(id, true, h("passes 3"), ProductStatus.Reviewed, w.signers.expert4.address);
    pr = await w.products.product(id);
    expect([pr.reviewPasses, pr.reviewFailures, pr.passesSinceFailure, pr.reviewReportHash]).to.deep.equal([3n, 2n, 3n, h("passes 3")]);
    await w.products.connect(w.signers.developerA).listProduct(id);
    expect((await w.products.product(id)).status).to.equal(ProductStatus.Listed);
  });

  it("C18 a failure resets the passes counted toward the profile's productReviewQuorum", async () => {
    // A stricter profile (quorum 2) on the same contracts: the quorum counts only passes since
    // the last failure, so pass, fail, pass is not enough although passes outnumber failures.
    const w = await loadFixture(deployStrictReviewWorld);
    expect((await w.world.authorizations.policy()).productReviewQuorum).to.equal(2n);
    const id = await registerProduct(w.world, { holder: "operatorA", scenarioId: w.scenarioId, resourceIds: [w.resourceId] });
    const review = (signer: keyof typeof w.world.signers, pass: boolean, label: string) =>
      w.world.products.connect(w.world.signers[signer]).reviewProduct(id, pass, h(label));
    await review("expert1", true, "p1");
    await review("expert2", false, "f1");
    await review("expert3", true, "p2");
    await review("expert4", true, "p3");
    let pr = await w.world.products.product(id);
    // passes 3 > failures 1, but only 2 passes since the failure: exactly the quorum of 2.
    expect([pr.status, pr.passesSinceFailure]).to.deep.equal([BigInt(ProductStatus.Reviewed), 2n]);
    // With one pass after the failure it stays Registered although passes outnumber failures.
    const id2 = await registerProduct(w.world, { holder: "operatorA", scenarioId: w.scenarioId, resourceIds: [w.resourceId] });
    await w.world.products.connect(w.world.signers.expert1).reviewProduct(id2, true, h("q1"));
    await w.world.products.connect(w.world.signers.expert2).reviewProduct(id2, false, h("q2"));
    await w.world.products.connect(w.world.signers.expert3).reviewProduct(id2, true, h("q3"));
    pr = await w.world.products.product(id2);
    expect([pr.status, pr.reviewPasses, pr.reviewFailures, pr.passesSinceFailure]).to.deep.equal([BigInt(ProductStatus.Registered), 2n, 1n, 1n]);
  });

  it("C18 records reviews by EXPERT or DATA_AUTHORITY only, once passed, never by the holder's keys", async () => {
    const p = await loadFixture(deployProducts);
    const { w } = p;
    const id = await registerProduct(w, { scenarioId: p.opScenario, resourceIds: [p.r[0]] });
    const before = await snapshot(p, id);
    await expect(w.products.connect(w.signers.operatorA).reviewProduct(id, true, h("self")))
      .to.be.revertedWithCustomError(w.products, "HubConsumerUnauthorized")
      .withArgs(w.signers.operatorA.address, h("EXPERT"));
    await w.participants.connect(w.signers.authority).addSigner(w.ids.operatorA, w.signers.expert4.address);
    await expect(w.products.connect(w.signers.expert4).reviewProduct(id, true, h("self")))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryConflictOfInterest")
      .withArgs(id, w.signers.expert4.address);
    await expect(w.products.connect(w.signers.expert1).reviewProduct(id, true, ethers.ZeroHash))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryInvalidData")
      .withArgs("reportHash");
    await expect(w.products.connect(w.signers.expert1).reviewProduct(9n, true, h("r")))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryUnknownProduct")
      .withArgs(9n);
    expect(await snapshot(p, id)).to.deep.equal(before);
    await w.products.connect(w.signers.expert1).reviewProduct(id, true, h("r"));
    await expect(w.products.connect(w.signers.expert2).reviewProduct(id, true, h("r2")))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryWrongStatus")
      .withArgs(id, ProductStatus.Reviewed);
  });

  it("C18 refuses listing while the authorization is suspended, revoked or expired", async () => {
    const p = await loadFixture(deployProducts);
    const { w } = p;
    const id = await readyDevProduct(p);
    const auth = w.authorizations.connect(w.signers.authority);
    const list = () => w.products.connect(w.signers.developerA).listProduct(id);
    const before = await snapshot(p, id);

    await auth.suspend(p.devAuth, h("rectify"), STATEMENT);
    await expect(list()).to.be.revertedWithCustomError(w.products, "ProductRegistryAuthorizationInactive");
    await auth.reinstate(p.devAuth, h("rectified"), STATEMENT);

    // The parent operator authorization suspended: the developer's cannot list either.
    await auth.suspend(p.opAuth, h("rectify"), STATEMENT);
    await expect(list()).to.be.revertedWithCustomError(w.products, "ProductRegistryAuthorizationInactive");
    await auth.reinstate(p.opAuth, h("rectified"), STATEMENT);
    expect(await snapshot(p, id)).to.deep.equal(before);

    const snap = await ethers.provider.send("evm_snapshot", []);
    await auth.revoke(p.devAuth, h("breach"), STATEMENT);
    await expect(list()).to.be.revertedWithCustomError(w.products, "ProductRegistryAuthorizationInactive");
    await ethers.provider.send("evm_revert", [snap]);

    const end = (await w.authorizations.authorization(p.devAuth)).termEnd;
    await time.increaseTo(end);
    await expect(list())
      .to.be.revertedWithCustomError(w.products, "ProductRegistryAuthorizationInactive")
      .withArgs(p.devScenario, p.devAuth, end + 1n);
    expect(await snapshot(p, id)).to.deep.equal(before);
  });

  it("C18 refuses listing once the scenario was retired", async () => {
    const p = await loadFixture(deployProducts);
    const { w } = p;
    const id = await readyDevProduct(p);
    await w.scenarios.connect(w.signers.authority).retireScenario(p.devScenario, h("purpose ended"), STATEMENT);
    await expect(w.products.connect(w.signers.developerA).listProduct(id))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryScenarioNotApproved")
      .withArgs(p.devScenario);
  });

  // ===== C36: registration codes for products =====

  it("C36 product listing requires a valid registration code", async () => {
    const p = await loadFixture(deployProducts);
    const { w } = p;
    const id = await registerProduct(w, { holder: "developerA", scenarioId: p.devScenario, resourceIds: [p.r[0]] });
    await w.products.connect(w.signers.expert1).reviewProduct(id, true, h("review"));
    const t = (await now()) + 1n;
    await expect(w.products.connect(w.signers.developerA).listProduct(id))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryNotRegistered")
      .withArgs(id, t);
    await issueProductCode(w, w.signers.developerA, id);
    const reg = await w.products.registrationOf(id);
    expect(reg.validUntil - reg.issuedAt).to.be.greaterThanOrEqual(3n * 365n * 86_400n);
    await w.products.connect(w.signers.developerA).listProduct(id);
    expect((await w.products.product(id)).status).to.equal(ProductStatus.Listed);
  });

  it("C36 product registration is applied for by the holder and runs apply, accept, review, notice, issue", async () => {
    const p = await loadFixture(deployProducts);
    const { w } = p;
    const id = await registerProduct(w, { scenarioId: p.opScenario, resourceIds: [p.r[0]] });
    await expect(w.products.connect(w.signers.developerA).applyRegistration(id, RegKind.Initial, h("m")))
      .to.be.revertedWithCustomError(w.participants, "ParticipantRegistryNotActiveSigner")
      .withArgs(w.ids.operatorA, w.signers.developerA.address);
    await expect(w.products.connect(w.signers.operatorA).applyRegistration(99n, RegKind.Initial, h("m")))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryUnknownProduct")
      .withArgs(99n);
    await w.products.connect(w.signers.operatorA).applyRegistration(id, RegKind.Initial, h("m"));
    const appId = (await w.products.registrationOf(id)).pendingApplication;
    await expect(w.products.connect(w.signers.authority).issueRegistration(appId, nextCode("P")))
      .to.be.revertedWithCustomError(w.products, "RegistrableWrongStep")
      .withArgs(appId, 1); // RegistrationStep.Applied
    expect(await w.products.isRegistered(id, await now())).to.equal(false);
  });

  it("C36 product deregistration makes a listed product unusable; a renewal near the end extends its registration", async () => {
    const p = await loadFixture(deployProducts);
    const { w } = p;
    const gone = await listedProduct(w, { scenarioId: p.opScenario, resourceIds: [p.r[0]] });
    expect(await w.products.isUsable(gone, await now())).to.equal(true);
    await issueProductCode(w, w.signers.operatorA, gone, RegKind.Deregistration);
    expect(await w.products.isUsable(gone, await now())).to.equal(false);

    const id = await listedProduct(w, { scenarioId: p.opScenario, resourceIds: [p.r[0]] });
    const before = (await w.products.registrationOf(id)).validUntil;
    await time.increaseTo(before - BigInt(30 * DAY)); // a renewal opens in the last 90 days
    await issueProductCode(w, w.signers.operatorA, id, RegKind.Renewal);
    expect((await w.products.registrationOf(id)).validUntil).to.be.greaterThan(before);
    expect(await w.products.isRegistered(id, before + BigInt(DAY))).to.equal(true); // past the first period
  });

  // ===== C19: registration, certificates, release, delisting recorded =====

  it("C19 records certificates, release and delisting as events with every field", async () => {
    const p = await loadFixture(deployProducts);
    const { w } = p;
    const id = await readyDevProduct(p);
    const dev = w.signers.developerA;
    await expect(w.products.connect(dev).recordCertificate(id, h("SecurityAssessment"), h("cert-doc")))
      .to.emit(w.products, "ProductCertificateRecorded")
      .withArgs(id, 0, h("SecurityAssessment"), h("cert-doc"), dev.address);
    await w.products.connect(w.signers.authority).recordCertificate(id, h("RegistrationCertificate"), h("reg-cert"));
    const cert = await w.products.certificate(id, 1);
    expect([cert.kind, cert.documentHash, cert.recordedBy]).to.deep.equal([
      h("RegistrationCertificate"),
      h("reg-cert"),
      w.signers.authority.address,
    ]);
    const reg = await w.products.registrationOf(id);
    await expect(w.products.connect(dev).listProduct(id))
      .to.emit(w.products, "ProductListed")
      .withArgs(id, w.ids.developerA, p.devScenario, p.devAuth, reg.code, reg.validUntil, h("review"), dev.address);
    await expect(w.products.connect(w.signers.authority).delistProduct(id, h("complaint"), STATEMENT))
      .to.emit(w.products, "ProductDelisted")
      .withArgs(id, w.ids.developerA, ProductStatus.Listed, h("complaint"), STATEMENT, w.signers.authority.address);
    const prod = await w.products.product(id);
    expect(prod.status).to.equal(ProductStatus.Delisted);
    expect(prod.certificateCount).to.equal(2n);
    expect(prod.delistedAt).to.be.greaterThan(0n);
    expect(await w.products.isUsable(id, await now())).to.equal(false);
  });

  it("C19 refuses certificates and delisting from others, relisting a delisted product, and bad values", async () => {
    const p = await loadFixture(deployProducts);
    const { w } = p;
    const id = await listedProduct(w, { scenarioId: p.opScenario, resourceIds: [p.r[0]] });
    const before = await snapshot(p, id);
    await expect(w.products.connect(w.signers.developerA).recordCertificate(id, h("k"), h("d")))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryNotAuthorized")
      .withArgs(id, w.signers.developerA.address);
    await expect(w.products.connect(w.signers.operatorA).recordCertificate(id, ethers.ZeroHash, h("d")))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryInvalidData")
      .withArgs("kind");
    await expect(w.products.connect(w.signers.operatorA).recordCertificate(id, h("k"), ethers.ZeroHash))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryInvalidData")
      .withArgs("documentHash");
    await expect(w.products.certificate(id, 0))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryInvalidData")
      .withArgs("index");
    await expect(w.products.connect(w.signers.outsider).delistProduct(id, h("r"), STATEMENT))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryNotAuthorized")
      .withArgs(id, w.signers.outsider.address);
    await expect(w.products.connect(w.signers.operatorA).delistProduct(id, ethers.ZeroHash, STATEMENT))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryInvalidData")
      .withArgs("reasonHash");
    await expect(w.products.connect(w.signers.operatorA).delistProduct(8n, h("r"), STATEMENT))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryUnknownProduct")
      .withArgs(8n);
    await expect(w.products.connect(w.signers.operatorA).listProduct(8n))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryUnknownProduct")
      .withArgs(8n);
    await expect(w.products.connect(w.signers.developerA).listProduct(id))
      .to.be.revertedWithCustomError(w.participants, "ParticipantRegistryNotActiveSigner")
      .withArgs(w.ids.operatorA, w.signers.developerA.address);
    await expect(w.products.connect(w.signers.operatorA).listProduct(id))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryWrongStatus")
      .withArgs(id, ProductStatus.Listed);
    expect(await snapshot(p, id)).to.deep.equal(before);
    await w.products.connect(w.signers.operatorA).delistProduct(id, h("withdrawn"), STATEMENT);
    await expect(w.products.connect(w.signers.operatorA).listProduct(id))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryWrongStatus")
      .withArgs(id, ProductStatus.Delisted);
    await expect(w.products.connect(w.signers.operatorA).delistProduct(id, h("again"), STATEMENT))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryWrongStatus")
      .withArgs(id, ProductStatus.Delisted);
  });

  // ===== C20: what a usage receipt references =====

  it("C20 a product carries what a usage receipt references: holder, scenario, authorization, charging bases", async () => {
    const p = await loadFixture(deployProducts);
    const { w } = p;
    const id = await listedProduct(w, { holder: "developerA", scenarioId: p.devScenario, resourceIds: [p.r[0]] });
    const prod = await w.products.product(id);
    // A receipt names product id, the pseudonymous user id (off chain) and a charging basis;
    // the product resolves the rest without another registry.
    expect([prod.holderId, prod.scenarioId, prod.authorizationId]).to.deep.equal([
      w.ids.developerA,
      p.devScenario,
      p.devAuth,
    ]);
    expect(await w.products.allowsCharging(id, ChargingBasis.Commercial)).to.equal(true);
    expect(await w.products.isUsable(id, await now())).to.equal(true);
  });

  // ===== C33: charging bases =====

  it("C33 records the charging bases a product allows, for receipts to reference", async () => {
    const p = await loadFixture(deployProducts);
    const { w } = p;
    const chargingBases = bases(ChargingBasis.FreeTrialForSourceDept, ChargingBasis.PublicInterestFree);
    const id = await registerProduct(w, { scenarioId: p.opScenario, resourceIds: [p.r[0]], chargingBases });
    expect((await w.products.product(id)).chargingBases).to.equal(BigInt(chargingBases));
    expect(await w.products.allowsCharging(id, ChargingBasis.FreeTrialForSourceDept)).to.equal(true);
    expect(await w.products.allowsCharging(id, ChargingBasis.PublicInterestFree)).to.equal(true);
    expect(await w.products.allowsCharging(id, ChargingBasis.Commercial)).to.equal(false);
    expect(await w.products.allowsCharging(id, ChargingBasis.None)).to.equal(false);
  });

  it("C33 refuses a product that takes away the source departments' free trial (004 第十六条)", async () => {
    const p = await loadFixture(deployProducts);
    const { w } = p;
    const chargingBases = bases(ChargingBasis.Commercial);
    const req = productRequest(w, { scenarioId: p.opScenario, resourceIds: [p.r[0]], chargingBases });
    await expect(w.products.connect(w.signers.operatorA).registerProduct(req))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryFreeTrialMissing")
      .withArgs(chargingBases);
  });

  it("C33 refuses unknown or empty charging bases", async () => {
    const p = await loadFixture(deployProducts);
    const { w } = p;
    for (const chargingBases of [0, 1, 0x12, 0xff]) {
      const req = productRequest(w, { scenarioId: p.opScenario, resourceIds: [p.r[0]], chargingBases });
      await expect(w.products.connect(w.signers.operatorA).registerProduct(req))
        .to.be.revertedWithCustomError(w.products, "ProductRegistryInvalidChargingBases")
        .withArgs(chargingBases);
    }
    await expect(w.products.allowsCharging(3n, ChargingBasis.Commercial))
      .to.be.revertedWithCustomError(w.products, "ProductRegistryUnknownProduct")
      .withArgs(3n);
  });

  // ===== Usability follows every ancestor authorization =====

  it("C13 isUsable is false whenever any ancestor authorization is not active", async () => {
    const p = await loadFixture(deployProducts);
    const { w } = p;
    const id = await listedProduct(w, { holder: "developerA", scenarioId: p.devScenario, resourceIds: [p.r[0]] });
    const auth = w.authorizations.connect(w.signers.authority);
    expect(await w.products.isUsable(id, await now())).to.equal(true);

    await auth.suspend(p.opAuth, h("parent rectify"), STATEMENT);
    expect(await w.products.isUsable(id, await now())).to.equal(false);
    await auth.reinstate(p.opAuth, h("ok"), STATEMENT);
    expect(await w.products.isUsable(id, await now())).to.equal(true);

    await auth.emergencySuspend(p.devAuth, h("risk"), STATEMENT);
    expect(await w.products.isUsable(id, await now())).to.equal(false);
    await auth.reinstate(p.devAuth, h("ok"), STATEMENT);
    expect(await w.products.isUsable(id, await now())).to.equal(true);

    // The holder's participant suspended.
    await w.participants.connect(w.signers.authority).suspend(w.ids.developerA, h("rectify"));
    expect(await w.products.isUsable(id, await now())).to.equal(false);
    await w.participants.connect(w.signers.authority).reinstate(w.ids.developerA, h("ok"));
    expect(await w.products.isUsable(id, await now())).to.equal(true);

    // Expiry is a fact of time: no transaction needed.
    const end = (await w.authorizations.authorization(p.devAuth)).termEnd;
    expect(await w.products.isUsable(id, end - 1n)).to.equal(true);
    expect(await w.products.isUsable(id, end)).to.equal(false);

    await auth.revoke(p.opAuth, h("parent revoked"), STATEMENT);
    expect(await w.products.isUsable(id, await now())).to.equal(false);
    expect(await w.products.isUsable(99n, await now())).to.equal(false);
  });
});
