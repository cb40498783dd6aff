import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "hardhat";
import { applyFor, createResource, h } from "../helpers/fixture";
import {
  deployChain,
  proposeScenario,
  approvedScenario,
  recordScenarioOpinions,
  scenarioRequest,
  ScenarioStatus,
  type Chain,
} from "../helpers/products";
import { SCENARIO_TEXT, STATEMENT } from "../helpers/texts";

/** The stored scenario as a plain value, to compare before and after a refused call. */
async function snapshot(c: Chain, id: bigint) {
  return {
    scenario: (await c.w.scenarios.scenario(id)).toString(),
    count: await c.w.scenarios.scenarioCount(),
  };
}

const deployNationalChain = () => deployChain("national");

describe("ScenarioRegistry", () => {
  // ===== C13: one scenario, one authorization, one review =====

  it("C13 records a scenario under one authorization of its holder, with purpose and resources", async () => {
    const c = await loadFixture(deployChain);
    const { w } = c;
    const req = scenarioRequest(w, { authorizationId: c.opAuth, resourceIds: [c.r[0], c.r[2]], purpose: "credit" });
    await expect(w.scenarios.connect(w.signers.operatorA).proposeScenario(req))
      .to.emit(w.scenarios, "ScenarioProposed")
      .withArgs(1n, c.opAuth, w.ids.operatorA, req.purposeHash, req.descriptionHash, req.resourceIds, SCENARIO_TEXT, w.signers.operatorA.address);
    const s = await w.scenarios.scenario(1n);
    expect(s.authorizationId).to.equal(c.opAuth);
    expect(s.holderId).to.equal(w.ids.operatorA);
    expect(s.status).to.equal(ScenarioStatus.Proposed);
    expect(s.purposeHash).to.equal(h("credit"));
    expect(await w.scenarios.isApproved(1n)).to.equal(false);
  });

  it("C13 refuses a scenario whose holder is not the authorization's holder", async () => {
    const c = await loadFixture(deployChain);
    const { w } = c;
    // Developer A proposing under operator A's authorization.
    const req = scenarioRequest(w, { holder: "developerA", authorizationId: c.opAuth, resourceIds: [c.r[0]] });
    await expect(w.scenarios.connect(w.signers.developerA).proposeScenario(req))
      .to.be.revertedWithCustomError(w.scenarios, "ScenarioRegistryHolderMismatch")
      .withArgs(c.opAuth, w.ids.operatorA, w.ids.developerA);
    expect(await w.scenarios.scenarioCount()).to.equal(0n);
  });

  it("C13 approves a scenario once and refuses any second review", async () => {
    const c = await loadFixture(deployChain);
    const { w } = c;
    const id = await approvedScenario(w, { authorizationId: c.opAuth, resourceIds: [c.r[0]] });
    expect(await w.scenarios.isApproved(id)).to.equal(true);
    const before = await snapshot(c, id);
    await expect(w.scenarios.connect(w.signers.authority).approveScenario(id, h("again"), STATEMENT))
      .to.be.revertedWithCustomError(w.scenarios, "ScenarioRegistryAlreadyReviewed")
      .withArgs(id, ScenarioStatus.Approved);
    await expect(w.scenarios.connect(w.signers.authority).rejectScenario(id, h("second thoughts"), STATEMENT))
      .to.be.revertedWithCustomError(w.scenarios, "ScenarioRegistryAlreadyReviewed")
      .withArgs(id, ScenarioStatus.Approved);
    await expect(w.scenarios.connect(w.signers.expert3).recordOpinion(id, false, h("late opinion")))
      .to.be.revertedWithCustomError(w.scenarios, "ScenarioRegistryAlreadyReviewed")
      .withArgs(id, ScenarioStatus.Approved);
    expect(await snapshot(c, id)).to.deep.equal(before);
  });

  it("C13 refuses approving a scenario with only objecting opinions, or a majority against", async () => {
    const c = await loadFixture(deployChain);
    const { w } = c;
    const { authority, expert1, expert2, expert3, expert4 } = w.signers;
    const id = await proposeScenario(w, { authorizationId: c.opAuth, resourceIds: [c.r[0]] });
    for (const e of [expert1, expert2, expert3]) await w.scenarios.connect(e).recordOpinion(id, false, h(`against-${e.address}`));
    let before = await snapshot(c, id);
    await expect(w.scenarios.connect(authority).approveScenario(id, h("approve anyway"), STATEMENT))
      .to.be.revertedWithCustomError(w.scenarios, "ScenarioRegistryOpinionsAgainst")
      .withArgs(id, 0, 3);
    expect(await snapshot(c, id)).to.deep.equal(before);
    // Two in favour against three: still a majority against.
    await w.scenarios.connect(expert4).recordOpinion(id, true, h("for 1"));
    await w.scenarios.connect(authority).recordOpinion(id, true, h("for 2"));
    before = await snapshot(c, id);
    await expect(w.scenarios.connect(authority).approveScenario(id, h("approve anyway"), STATEMENT))
      .to.be.revertedWithCustomError(w.scenarios, "ScenarioRegistryOpinionsAgainst")
      .withArgs(id, 2, 3);
    expect(await snapshot(c, id)).to.deep.equal(before);
    expect(await w.scenarios.isApproved(id)).to.equal(false);
    // The authority may still reject it (its one review).
    await w.scenarios.connect(authority).rejectScenario(id, h("rejected"), STATEMENT);
    expect((await w.scenarios.scenario(id)).status).to.equal(ScenarioStatus.Rejected);
  });

  it("C13 approves on a tie (no majority against) once the profile's scenarioOpinionQuorum is reached", async () => {
    const c = await loadFixture(deployChain);
    const { w } = c;
    const { authority, expert1, expert2, expert3 } = w.signers;
    expect(w.profile.scenarioOpinionQuorum).to.equal(3);
    expect((await w.authorizations.policy()).scenarioOpinionQuorum).to.equal(3n);
    const id = await proposeScenario(w, { authorizationId: c.opAuth, resourceIds: [c.r[0]] });
    await expect(w.scenarios.connect(authority).approveScenario(id, h("no review"), STATEMENT))
      .to.be.revertedWithCustomError(w.scenarios, "ScenarioRegistryTooFewOpinions")
      .withArgs(id, 0, 3);
    await w.scenarios.connect(expert1).recordOpinion(id, true, h("for"));
    await w.scenarios.connect(expert2).recordOpinion(id, false, h("against"));
    const before = await snapshot(c, id);
    await expect(w.scenarios.connect(authority).approveScenario(id, h("two opinions"), STATEMENT))
      .to.be.revertedWithCustomError(w.scenarios, "ScenarioRegistryTooFewOpinions")
      .withArgs(id, 2, 3);
    expect(await snapshot(c, id)).to.deep.equal(before);
    await w.scenarios.connect(expert3).recordOpinion(id, true, h("for 2"));
    await expect(w.scenarios.connect(authority).approveScenario(id, h("decision"), STATEMENT))
      .to.emit(w.scenarios, "ScenarioDecided")
      .withArgs(id, c.opAuth, ScenarioStatus.Approved, h("decision"), 2, 1, STATEMENT, authority.address);
  });

  it("C13 under the national profile one opinion suffices, and a lone objection blocks approval", async () => {
    const c = await loadFixture(deployNationalChain);
    const { w } = c;
    const { authority, expert1, expert2 } = w.signers;
    expect(w.profile.scenarioOpinionQuorum).to.equal(1);
    const id = await proposeScenario(w, { authorizationId: c.opAuth, resourceIds: [c.r[0]] });
    await expect(w.scenarios.connect(authority).approveScenario(id, h("d"), STATEMENT))
      .to.be.revertedWithCustomError(w.scenarios, "ScenarioRegistryTooFewOpinions")
      .withArgs(id, 0, 1);
    await w.scenarios.connect(expert1).recordOpinion(id, false, h("against"));
    await expect(w.scenarios.connect(authority).approveScenario(id, h("d"), STATEMENT))
      .to.be.revertedWithCustomError(w.scenarios, "ScenarioRegistryOpinionsAgainst")
      .withArgs(id, 0, 1);
    await w.scenarios.connect(expert2).recordOpinion(id, true, h("for"));
    await w.scenarios.connect(authority).approveScenario(id, h("d"), STATEMENT);
    expect(await w.scenarios.isApproved(id)).to.equal(true);
  });

  it("C13 a rejection is the one review too: a changed scenario is a new scenario", async () => {
    const c = await loadFixture(deployChain);
    const { w } = c;
    const id = await proposeScenario(w, { authorizationId: c.opAuth, resourceIds: [c.r[0], c.r[1]], purpose: "p" });
    await expect(w.scenarios.connect(w.signers.authority).rejectScenario(id, h("too broad"), STATEMENT))
      .to.emit(w.scenarios, "ScenarioDecided")
      .withArgs(id, c.opAuth, ScenarioStatus.Rejected, h("too broad"), 0, 0, STATEMENT, w.signers.authority.address);
    await expect(w.scenarios.connect(w.signers.authority).approveScenario(id, h("x"), STATEMENT))
      .to.be.revertedWithCustomError(w.scenarios, "ScenarioRegistryAlreadyReviewed")
      .withArgs(id, ScenarioStatus.Rejected);
    // The narrowed scenario is a new record with its own review.
    const narrowed = await approvedScenario(w, { authorizationId: c.opAuth, resourceIds: [c.r[0]], purpose: "p" });
    expect(narrowed).to.equal(id + 1n);
    expect((await w.scenarios.scenario(id)).status).to.equal(ScenarioStatus.Rejected);
  });

  it("C13 refuses filing the same scenario twice while one copy is pending or approved", async () => {
    const c = await loadFixture(deployChain);
    const { w } = c;
    const o = { authorizationId: c.opAuth, resourceIds: [c.r[0]], purpose: "same" };
    const id = await proposeScenario(w, o);
    await expect(w.scenarios.connect(w.signers.operatorA).proposeScenario(scenarioRequest(w, o)))
      .to.be.revertedWithCustomError(w.scenarios, "ScenarioRegistryDuplicate")
      .withArgs(id);
    await recordScenarioOpinions(w, id);
    await w.scenarios.connect(w.signers.authority).approveScenario(id, h("ok"), STATEMENT);
    await expect(w.scenarios.connect(w.signers.operatorA).proposeScenario(scenarioRequest(w, o)))
      .to.be.revertedWithCustomError(w.scenarios, "ScenarioRegistryDuplicate")
      .withArgs(id);
    // Once retired, the same content may be proposed again (and reviewed once, again).
    await w.scenarios.connect(w.signers.operatorA).retireScenario(id, h("ended"), STATEMENT);
    await w.scenarios.connect(w.signers.operatorA).proposeScenario(scenarioRequest(w, o));
    expect(await w.scenarios.scenarioCount()).to.equal(id + 1n);
  });

  it("C13 data may be used only for an approved scenario whose authorization is active (requireUsable)", async () => {
    const c = await loadFixture(deployChain);
    const { w } = c;
    const id = await proposeScenario(w, { holder: "developerA", authorizationId: c.devAuth, resourceIds: [c.r[0]] });
    const now = BigInt(await time.latest());
    await expect(w.scenarios.requireUsable(id, now))
      .to.be.revertedWithCustomError(w.scenarios, "ScenarioRegistryNotApproved")
      .withArgs(id, ScenarioStatus.Proposed);
    await recordScenarioOpinions(w, id);
    await w.scenarios.connect(w.signers.authority).approveScenario(id, h("ok"), STATEMENT);
    await w.scenarios.requireUsable(id, now);
    expect(await w.scenarios.isUsable(id, now)).to.equal(true);
    // The parent operator authorization is suspended: the developer's scenario is not usable.
    await w.authorizations.connect(w.signers.authority).suspend(c.opAuth, h("rectify"), STATEMENT);
    const t = BigInt(await time.latest());
    await expect(w.scenarios.requireUsable(id, t))
      .to.be.revertedWithCustomError(w.scenarios, "ScenarioRegistryAuthorizationInactive")
      .withArgs(id, c.devAuth, t);
    expect(await w.scenarios.isUsable(id, t)).to.equal(false);
    await w.authorizations.connect(w.signers.authority).reinstate(c.opAuth, h("rectified"), STATEMENT);
    expect(await w.scenarios.isUsable(id, BigInt(await time.latest()))).to.equal(true);
    // After the developer's term the scenario is not usable, with no transaction.
    const end = (await w.authorizations.authorization(c.devAuth)).termEnd;
    expect(await w.scenarios.isUsable(id, end)).to.equal(false);
  });

  it("C13 refuses proposing or approving a scenario under a revoked authorization", async () => {
    const c = await loadFixture(deployChain);
    const { w } = c;
    const id = await proposeScenario(w, { holder: "developerA", authorizationId: c.devAuth, resourceIds: [c.r[0]] });
    await w.authorizations.connect(w.signers.authority).revoke(c.devAuth, h("breach"), STATEMENT);
    const before = await snapshot(c, id);
    await expect(w.scenarios.connect(w.signers.authority).approveScenario(id, h("ok"), STATEMENT))
      .to.be.revertedWithCustomError(w.scenarios, "ScenarioRegistryAuthorizationClosed")
      .withArgs(c.devAuth, 10); // AuthStatus.Revoked
    const req = scenarioRequest(w, { holder: "developerA", authorizationId: c.devAuth, resourceIds: [c.r[1]] });
    await expect(w.scenarios.connect(w.signers.developerA).proposeScenario(req))
      .to.be.revertedWithCustomError(w.scenarios, "ScenarioRegistryAuthorizationClosed")
      .withArgs(c.devAuth, 10);
    expect(await snapshot(c, id)).to.deep.equal(before);
  });

  it("C13 refuses a scenario under an expired authorization", async () => {
    const c = await loadFixture(deployChain);
    const { w } = c;
    const end = (await w.authorizations.authorization(c.devAuth)).termEnd;
    await time.increaseTo(end);
    const req = scenarioRequest(w, { holder: "developerA", authorizationId: c.devAuth, resourceIds: [c.r[0]] });
    await expect(w.scenarios.connect(w.signers.developerA).proposeScenario(req))
      .to.be.revertedWithCustomError(w.scenarios, "ScenarioRegistryAuthorizationClosed")
      .withArgs(c.devAuth, 12); // AuthStatus.Expired
  });

  it("C13 allows a scenario while the authorization is still under review (一场景一申请)", async () => {
    const c = await loadFixture(deployChain);
    const { w } = c;
    const r = await createResource(w);
    const pending = await applyFor(w, { holder: "operatorB", resourceIds: [r], termYears: 1 });
    const id = await approvedScenario(w, { holder: "operatorB", authorizationId: pending, resourceIds: [r] });
    expect(await w.scenarios.isApproved(id)).to.equal(true);
    // Approved, but the authorization is not active yet: not usable.
    expect(await w.scenarios.isUsable(id, BigInt(await time.latest()))).to.equal(false);
  });

  it("C13 retiring a scenario ends its usability; only the authority or the holder may retire", async () => {
    const c = await loadFixture(deployChain);
    const { w } = c;
    const id = await approvedScenario(w, { authorizationId: c.opAuth, resourceIds: [c.r[0]] });
    await expect(w.scenarios.connect(w.signers.operatorB).retireScenario(id, h("not mine"), STATEMENT))
      .to.be.revertedWithCustomError(w.scenarios, "ScenarioRegistryNotAuthorized")
      .withArgs(id, w.signers.operatorB.address);
    await expect(w.scenarios.connect(w.signers.authority).retireScenario(id, h("ended"), STATEMENT))
      .to.emit(w.scenarios, "ScenarioRetired")
      .withArgs(id, c.opAuth, ScenarioStatus.Approved, h("ended"), STATEMENT, w.signers.authority.address);
    expect(await w.scenarios.isApproved(id)).to.equal(false);
    expect(await w.scenarios.isUsable(id, BigInt(await time.latest()))).to.equal(false);
    await expect(w.scenarios.connect(w.signers.operatorA).retireScenario(id, h("again"), STATEMENT))
      .to.be.revertedWithCustomError(w.scenarios, "ScenarioRegistryWrongStatus")
      .withArgs(id, ScenarioStatus.Retired);
    await expect(w.scenarios.connect(w.signers.authority).approveScenario(id, h("revive"), STATEMENT))
      .to.be.revertedWithCustomError(w.scenarios, "ScenarioRegistryWrongStatus")
      .withArgs(id, ScenarioStatus.Retired);
  });

  it("C13 records EXPERT and authority opinions once each, never from the holder's own keys", async () => {
    const c = await loadFixture(deployChain);
    const { w } = c;
    const id = await proposeScenario(w, { authorizationId: c.opAuth, resourceIds: [c.r[0]] });
    await expect(w.scenarios.connect(w.signers.expert1).recordOpinion(id, true, h("o1")))
      .to.emit(w.scenarios, "ScenarioOpinionRecorded")
      .withArgs(id, true, h("o1"), w.signers.expert1.address);
    await w.scenarios.connect(w.signers.authority).recordOpinion(id, false, h("o2"));
    await expect(w.scenarios.connect(w.signers.expert1).recordOpinion(id, true, h("o3")))
      .to.be.revertedWithCustomError(w.scenarios, "ScenarioRegistryAlreadyGaveOpinion")
      .withArgs(id, w.signers.expert1.address);
    // An expert key that is also a signer of the holder may not review its own scenario.
    await w.participants.connect(w.signers.authority).addSigner(w.ids.operatorA, w.signers.expert3.address);
    await expect(w.scenarios.connect(w.signers.expert3).recordOpinion(id, true, h("o4")))
      .to.be.revertedWithCustomError(w.scenarios, "ScenarioRegistryConflictOfInterest")
      .withArgs(id, w.signers.expert3.address);
    await expect(w.scenarios.connect(w.signers.outsider).recordOpinion(id, true, h("o5")))
      .to.be.revertedWithCustomError(w.scenarios, "HubConsumerUnauthorized")
      .withArgs(w.signers.outsider.address, h("EXPERT"));
    await w.scenarios.connect(w.signers.expert2).recordOpinion(id, true, h("o6"));
    const s = await w.scenarios.scenario(id);
    expect([s.approvingOpinions, s.objectingOpinions]).to.deep.equal([2n, 1n]);
    await expect(w.scenarios.connect(w.signers.authority).approveScenario(id, h("decision"), STATEMENT))
      .to.emit(w.scenarios, "ScenarioDecided")
      .withArgs(id, c.opAuth, ScenarioStatus.Approved, h("decision"), 2, 1, STATEMENT, w.signers.authority.address);
  });

  // ===== C14: minimal necessary data =====

  it("C14 a scenario lists the resources it needs, each within the authorization's scope", async () => {
    const c = await loadFixture(deployChain);
    const { w } = c;
    // r3 is in the operator's scope but not the developer's.
    const req = scenarioRequest(w, { holder: "developerA", authorizationId: c.devAuth, resourceIds: [c.r[0], c.r[2]] });
    await expect(w.scenarios.connect(w.signers.developerA).proposeScenario(req))
      .to.be.revertedWithCustomError(w.scenarios, "ScenarioRegistryResourceOutOfScope")
      .withArgs(c.devAuth, c.r[2]);
    const id = await proposeScenario(w, { holder: "developerA", authorizationId: c.devAuth, resourceIds: [c.r[1]] });
    expect(await w.scenarios.usesResource(id, c.r[1])).to.equal(true);
    expect(await w.scenarios.usesResource(id, c.r[0])).to.equal(false);
    expect((await w.scenarios.scenario(id)).resourceIds).to.deep.equal([c.r[1]]);
  });

  it("C14 refuses an empty, unordered or duplicated resource list", async () => {
    const c = await loadFixture(deployChain);
    const { w } = c;
    const base = { authorizationId: c.opAuth };
    const send = (resourceIds: bigint[]) =>
      w.scenarios.connect(w.signers.operatorA).proposeScenario(scenarioRequest(w, { ...base, resourceIds }));
    await expect(send([])).to.be.revertedWithCustomError(w.scenarios, "ScenarioRegistryNoResources");
    await expect(send([c.r[1], c.r[0]]))
      .to.be.revertedWithCustomError(w.scenarios, "ScenarioRegistryResourcesNotAscending")
      .withArgs(1, c.r[0]);
    await expect(send([c.r[0], c.r[0]]))
      .to.be.revertedWithCustomError(w.scenarios, "ScenarioRegistryResourcesNotAscending")
      .withArgs(1, c.r[0]);
    expect(await w.scenarios.scenarioCount()).to.equal(0n);
  });

  // ===== Bad input on every function =====

  it("C13 refuses proposals from a key that is not the holder's, and zero hashes", async () => {
    const c = await loadFixture(deployChain);
    const { w } = c;
    const req = scenarioRequest(w, { authorizationId: c.opAuth, resourceIds: [c.r[0]] });
    await expect(w.scenarios.connect(w.signers.outsider).proposeScenario(req))
      .to.be.revertedWithCustomError(w.participants, "ParticipantRegistryNotActiveSigner")
      .withArgs(w.ids.operatorA, w.signers.outsider.address);
    await expect(w.scenarios.connect(w.signers.operatorA).proposeScenario({ ...req, purposeHash: ethers.ZeroHash }))
      .to.be.revertedWithCustomError(w.scenarios, "ScenarioRegistryZeroHash")
      .withArgs("purposeHash");
    await expect(w.scenarios.connect(w.signers.operatorA).proposeScenario({ ...req, descriptionHash: ethers.ZeroHash }))
      .to.be.revertedWithCustomError(w.scenarios, "ScenarioRegistryZeroHash")
      .withArgs("descriptionHash");
    await expect(w.scenarios.connect(w.signers.operatorA).proposeScenario({ ...req, authorizationId: 99n }))
      .to.be.revertedWithCustomError(w.authorizations, "AuthorizationRegistryUnknownAuthorization")
      .withArgs(99n);
    expect(await w.scenarios.scenarioCount()).to.equal(0n);
  });

  it("C13 refuses review by anyone but the authority, unknown ids, and zero decisions", async () => {
    const c = await loadFixture(deployChain);
    const { w } = c;
    const id = await proposeScenario(w, { authorizationId: c.opAuth, resourceIds: [c.r[0]] });
    await recordScenarioOpinions(w, id);
    const before = await snapshot(c, id);
    const DA = h("DATA_AUTHORITY");
    await expect(w.scenarios.connect(w.signers.expert1).approveScenario(id, h("x"), STATEMENT))
      .to.be.revertedWithCustomError(w.scenarios, "HubConsumerUnauthorized")
      .withArgs(w.signers.expert1.address, DA);
    await expect(w.scenarios.connect(w.signers.operatorA).rejectScenario(id, h("x"), STATEMENT))
      .to.be.revertedWithCustomError(w.scenarios, "HubConsumerUnauthorized")
      .withArgs(w.signers.operatorA.address, DA);
    await expect(w.scenarios.connect(w.signers.authority).approveScenario(id, ethers.ZeroHash, STATEMENT))
      .to.be.revertedWithCustomError(w.scenarios, "ScenarioRegistryZeroHash")
      .withArgs("decisionHash");
    await expect(w.scenarios.connect(w.signers.expert1).recordOpinion(id, true, ethers.ZeroHash))
      .to.be.revertedWithCustomError(w.scenarios, "ScenarioRegistryZeroHash")
      .withArgs("opinionHash");
    const unknown = [
      () => w.scenarios.connect(w.signers.authority).approveScenario(42n, h("x"), STATEMENT),
      () => w.scenarios.connect(w.signers.authority).rejectScenario(42n, h("x"), STATEMENT),
      () => w.scenarios.connect(w.signers.expert1).recordOpinion(42n, true, h("x")),
      () => w.scenarios.connect(w.signers.authority).retireScenario(42n, h("x"), STATEMENT),
      () => w.scenarios.scenario(42n),
      () => w.scenarios.requireUsable(42n, 0n),
      () => w.scenarios.usesResource(42n, c.r[0]),
    ];
    for (const call of unknown) {
      await expect(call()).to.be.revertedWithCustomError(w.scenarios, "ScenarioRegistryUnknownScenario").withArgs(42n);
    }
    expect(await w.scenarios.isApproved(42n)).to.equal(false);
    expect(await w.scenarios.isUsable(42n, 0n)).to.equal(false);
    expect(await snapshot(c, id)).to.deep.equal(before);
  });

  it("C13 refuses a proposal from a suspended holder", async () => {
    const c = await loadFixture(deployChain);
    const { w } = c;
    await w.participants.connect(w.signers.authority).suspend(w.ids.developerA, h("rectify"));
    const req = scenarioRequest(w, { holder: "developerA", authorizationId: c.devAuth, resourceIds: [c.r[0]] });
    await expect(w.scenarios.connect(w.signers.developerA).proposeScenario(req))
      .to.be.revertedWithCustomError(w.participants, "ParticipantRegistryInvalidStatus")
      .withArgs(w.ids.developerA, 2); // ParticipantStatus.Suspended
    expect(await w.scenarios.scenarioCount()).to.equal(0n);
  });
});
