/**
 * Governance delay of the ProvenantHub (issue 9): once the setup is sealed, a registry address
 * change and a governance-role grant are scheduled in the open and act only after the delay;
 * revocations and the ParticipantRegistry's mirrored roles stay immediate.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  applyFor,
  createResource,
  deployGovernedWorld,
  deployWorld,
  h,
  Kind,
  nextCreditCode,
  toNoticeOver,
  AuthStatus,
  GOVERNANCE_DELAY,
  ROLE,
} from "../../helpers/fixture";
import { expectRefused } from "../../helpers/state";
import { governanceDelayFor, DEFAULT_GOVERNANCE_DELAY } from "../../../scripts/lib/deploy";

const AGREEMENT_REGISTRY = ethers.id("AgreementRegistry");
const PARTICIPANT_REGISTRAR = ethers.id("PARTICIPANT_REGISTRAR");

/** The sealed world with a tier-1 authorization past its notice and no agreement filed. */
async function noticedInGovernedWorld() {
  const w = await deployGovernedWorld();
  const rA = await createResource(w, { dept: "deptA" });
  const id = await applyFor(w, { resourceIds: [rA] });
  await toNoticeOver(w, id);
  const mock = await (await ethers.getContractFactory("AcceptAllAgreementsMock")).deploy();
  return { w, id, mock: await mock.getAddress() };
}

describe("ProvenantHub governance delay", () => {
  it("C05 a registry address change cannot take effect before the delay, so activation without an agreement stays refused", async () => {
    const { w, id, mock } = await loadFixture(noticedInGovernedWorld);
    const { admin, authority } = w.signers;
    const real = await w.hub.contractOf(AGREEMENT_REGISTRY);
    expect(await w.hub.setupSealed()).to.equal(true);
    expect(await w.hub.governanceDelay()).to.equal(GOVERNANCE_DELAY);

    // At once: refused, and nothing changes.
    await expectRefused(w, () => w.hub.connect(admin).setContract(AGREEMENT_REGISTRY, mock), w.hub,
      "ProvenantHubContractChangeNeedsDelay", [AGREEMENT_REGISTRY, mock]);

    // Scheduled: recorded with its ready time, but the book still names the real registry.
    const scheduled = await w.hub.connect(admin).scheduleContract(AGREEMENT_REGISTRY, mock);
    const readyAt = (await time.latest()) + GOVERNANCE_DELAY;
    await expect(scheduled).to.emit(w.hub, "ContractChangeScheduled").withArgs(AGREEMENT_REGISTRY, mock, real, readyAt);
    expect(await w.hub.contractOf(AGREEMENT_REGISTRY)).to.equal(real);
    await expectRefused(w, () => w.authorizations.connect(authority).activate(id, 42n), w.agreements,
      "AgreementRegistryUnknownAgreement", [42n]);

    // Executing a second before the ready time is refused.
    await time.setNextBlockTimestamp(readyAt - 1);
    await expectRefused(w, () => w.hub.connect(admin).executeContract(AGREEMENT_REGISTRY), w.hub,
      "ProvenantHubContractChangeNotReady", [AGREEMENT_REGISTRY, readyAt, readyAt - 1]);
    expect((await w.authorizations.authorization(id)).status).to.equal(AuthStatus.Noticed);

    // Only at the ready time, after the change stood in the open for the whole delay, does it act.
    await time.setNextBlockTimestamp(readyAt);
    await expect(w.hub.connect(admin).executeContract(AGREEMENT_REGISTRY))
      .to.emit(w.hub, "ContractRecorded").withArgs(AGREEMENT_REGISTRY, mock, real);
    expect(await w.hub.contractOf(AGREEMENT_REGISTRY)).to.equal(mock);
    expect(await w.hub.pendingContract(AGREEMENT_REGISTRY)).to.deep.equal([ethers.ZeroAddress, 0n]);
  });

  it("C05 the registrar role, which would let a key mirror any role, is granted only through the delay", async () => {
    const w = await loadFixture(deployGovernedWorld);
    const { admin, outsider } = w.signers;
    expect(await w.hub.isGovernanceRole(PARTICIPANT_REGISTRAR)).to.equal(true);
    await expectRefused(w, () => w.hub.connect(admin).grantRole(PARTICIPANT_REGISTRAR, outsider.address), w.hub,
      "ProvenantHubRoleGrantNeedsDelay", [PARTICIPANT_REGISTRAR, outsider.address]);
    expect(await w.hub.hasRole(PARTICIPANT_REGISTRAR, outsider.address)).to.equal(false);
  });

  it("C22 pending changes are recorded with their events and ready times, and act only once executed after the delay", async () => {
    const w = await loadFixture(deployGovernedWorld);
    const { admin, outsider, authority } = w.signers;
    const [, , , , , , , , , , , , , , , , newExpert] = await ethers.getSigners();

    // A governance grant at once is refused for every governance role.
    for (const role of [ROLE.DATA_AUTHORITY, ROLE.IMPLEMENTING_AGENCY, ROLE.REGULATOR, ROLE.EXPERT]) {
      expect(await w.hub.isGovernanceRole(role)).to.equal(true);
      await expectRefused(w, () => w.hub.connect(admin).grantRole(role, outsider.address), w.hub,
        "ProvenantHubRoleGrantNeedsDelay", [role, outsider.address]);
    }

    // Scheduled: an event with the ready time, readable on chain; the role is not held yet.
    const tx = await w.hub.connect(admin).scheduleRoleGrant(ROLE.EXPERT, newExpert.address);
    const readyAt = (await time.latest()) + GOVERNANCE_DELAY;
    await expect(tx).to.emit(w.hub, "RoleGrantScheduled").withArgs(ROLE.EXPERT, newExpert.address, admin.address, readyAt);
    expect(await w.hub.pendingRoleGrant(ROLE.EXPERT, newExpert.address)).to.equal(readyAt);
    expect(await w.hub.hasRole(ROLE.EXPERT, newExpert.address)).to.equal(false);
    await expect(w.hub.connect(admin).scheduleRoleGrant(ROLE.EXPERT, newExpert.address))
      .to.be.revertedWithCustomError(w.hub, "ProvenantHubRoleGrantPending").withArgs(ROLE.EXPERT, newExpert.address, readyAt);
    await time.setNextBlockTimestamp(readyAt - 1);
    await expect(w.hub.connect(admin).executeRoleGrant(ROLE.EXPERT, newExpert.address))
      .to.be.revertedWithCustomError(w.hub, "ProvenantHubRoleGrantNotReady").withArgs(ROLE.EXPERT, newExpert.address, readyAt, readyAt - 1);
    expect(await w.hub.hasRole(ROLE.EXPERT, newExpert.address)).to.equal(false);
    await time.setNextBlockTimestamp(readyAt);
    await expect(w.hub.connect(admin).executeRoleGrant(ROLE.EXPERT, newExpert.address))
      .to.emit(w.hub, "RoleGranted").withArgs(ROLE.EXPERT, newExpert.address, admin.address);
    expect(await w.hub.hasRole(ROLE.EXPERT, newExpert.address)).to.equal(true);
    expect(await w.hub.pendingRoleGrant(ROLE.EXPERT, newExpert.address)).to.equal(0n);

    // Cancelled: an event, and nothing left to execute.
    await w.hub.connect(admin).scheduleRoleGrant(ROLE.REGULATOR, outsider.address);
    await expect(w.hub.connect(admin).cancelRoleGrant(ROLE.REGULATOR, outsider.address))
      .to.emit(w.hub, "RoleGrantCancelled").withArgs(ROLE.REGULATOR, outsider.address, admin.address);
    await time.increase(GOVERNANCE_DELAY);
    await expect(w.hub.connect(admin).executeRoleGrant(ROLE.REGULATOR, outsider.address))
      .to.be.revertedWithCustomError(w.hub, "ProvenantHubNoRoleGrant").withArgs(ROLE.REGULATOR, outsider.address);
    expect(await w.hub.hasRole(ROLE.REGULATOR, outsider.address)).to.equal(false);

    const name = ethers.id("ResourceCatalog");
    const current = await w.hub.contractOf(name);
    await w.hub.connect(admin).scheduleContract(name, outsider.address);
    const [pendingAddr, pendingReady] = await w.hub.pendingContract(name);
    expect(pendingAddr).to.equal(outsider.address);
    expect(pendingReady).to.equal(BigInt((await time.latest()) + GOVERNANCE_DELAY));
    await expect(w.hub.connect(admin).scheduleContract(name, authority.address))
      .to.be.revertedWithCustomError(w.hub, "ProvenantHubContractChangePending").withArgs(name, outsider.address, pendingReady);
    await expect(w.hub.connect(admin).cancelContract(name)).to.emit(w.hub, "ContractChangeCancelled").withArgs(name, outsider.address);
    await expect(w.hub.connect(admin).executeContract(name)).to.be.revertedWithCustomError(w.hub, "ProvenantHubNoContractChange").withArgs(name);
    expect(await w.hub.contractOf(name)).to.equal(current);
  });

  it("schedules only for the admin, only governance roles, never the zero address or a holder", async () => {
    const w = await loadFixture(deployGovernedWorld);
    const { admin, outsider, authority, expert1 } = w.signers;
    const adminRole = ethers.ZeroHash;
    await expectRefused(w, () => w.hub.connect(authority).scheduleContract(AGREEMENT_REGISTRY, outsider.address), w.hub,
      "AccessControlUnauthorizedAccount", [authority.address, adminRole]);
    await expectRefused(w, () => w.hub.connect(authority).scheduleRoleGrant(ROLE.EXPERT, outsider.address), w.hub,
      "AccessControlUnauthorizedAccount", [authority.address, adminRole]);
    await expectRefused(w, () => w.hub.connect(admin).scheduleContract(AGREEMENT_REGISTRY, ethers.ZeroAddress), w.hub,
      "ProvenantHubZeroAddress", [AGREEMENT_REGISTRY]);
    for (const role of [ROLE.OPERATOR, ROLE.DEVELOPER, ROLE.SOURCE_DEPT, ROLE.PLATFORM_NODE, adminRole]) {
      await expectRefused(w, () => w.hub.connect(admin).scheduleRoleGrant(role, outsider.address), w.hub,
        "ProvenantHubNotGovernanceRole", [role]);
    }
    await expectRefused(w, () => w.hub.connect(admin).scheduleRoleGrant(ROLE.EXPERT, ethers.ZeroAddress), w.hub,
      "ProvenantHubZeroAccount", [ROLE.EXPERT]);
    await expectRefused(w, () => w.hub.connect(admin).scheduleRoleGrant(ROLE.EXPERT, expert1.address), w.hub,
      "ProvenantHubRoleHeld", [ROLE.EXPERT, expert1.address]);
    await expectRefused(w, () => w.hub.connect(authority).sealSetup(), w.hub, "AccessControlUnauthorizedAccount", [authority.address, adminRole]);
    await expectRefused(w, () => w.hub.connect(admin).sealSetup(), w.hub, "ProvenantHubSetupSealed");
  });

  it("keeps revocations immediate and the ParticipantRegistry's mirrored roles working after the seal", async () => {
    const w = await loadFixture(deployGovernedWorld);
    const { admin, authority, expert1, outsider } = w.signers;
    await w.hub.connect(admin).revokeRole(ROLE.EXPERT, expert1.address);
    expect(await w.hub.hasRole(ROLE.EXPERT, expert1.address)).to.equal(false);
    // A new operator's key gets OPERATOR at once; a platform node's key gets PLATFORM_NODE and its binding.
    await w.participants.connect(authority).register(Kind.Operator, "惠州新运营有限公司", nextCreditCode(), h("profile:new"), [outsider.address]);
    const id = await w.participants.participantCount();
    expect(await w.hub.hasRole(ROLE.OPERATOR, outsider.address)).to.equal(true);
    await w.participants.connect(authority).setPlatformNode(id, true);
    expect(await w.hub.hasRole(ROLE.PLATFORM_NODE, outsider.address)).to.equal(true);
    expect(await w.hub.nodeOf(outsider.address)).to.equal(id);
  });

  it("acts at once before the seal, so a deployment wires itself, and seals once", async () => {
    const w = await loadFixture(deployWorld);
    const { admin, outsider } = w.signers;
    expect(await w.hub.setupSealed()).to.equal(false);
    await w.hub.connect(admin).grantRole(ROLE.EXPERT, outsider.address);
    expect(await w.hub.hasRole(ROLE.EXPERT, outsider.address)).to.equal(true);
    // A scheduled change is executed or cancelled, never overtaken by an at-once one (one record per change).
    const name = ethers.id("ResourceCatalog");
    await w.hub.connect(admin).scheduleContract(name, outsider.address);
    await expectRefused(w, () => w.hub.connect(admin).setContract(name, w.signers.authority.address), w.hub,
      "ProvenantHubContractChangePending", [name, outsider.address, await time.latest()]);
    await w.hub.connect(admin).scheduleRoleGrant(ROLE.REGULATOR, outsider.address);
    await expectRefused(w, () => w.hub.connect(admin).grantRole(ROLE.REGULATOR, outsider.address), w.hub,
      "ProvenantHubRoleGrantPending", [ROLE.REGULATOR, outsider.address, await time.latest()]);
    await w.hub.connect(admin).executeContract(name); // the delay is 0 in development
    expect(await w.hub.contractOf(name)).to.equal(outsider.address);
    await expect(w.hub.connect(admin).sealSetup()).to.emit(w.hub, "SetupSealed").withArgs(admin.address, 0);
    expect(await w.hub.setupSealed()).to.equal(true);
  });

  it("the deploy script's delay is non-zero outside development chains unless explicitly overridden", () => {
    expect(governanceDelayFor(31337, undefined)).to.equal(0);
    expect(governanceDelayFor(1337, undefined)).to.equal(0);
    expect(governanceDelayFor(1, undefined)).to.equal(DEFAULT_GOVERNANCE_DELAY);
    expect(governanceDelayFor(1, "3600")).to.equal(3600);
    expect(() => governanceDelayFor(1, "0")).to.throw(/not a development chain/);
    expect(governanceDelayFor(1, "0", true)).to.equal(0);
    expect(() => governanceDelayFor(1, "2d")).to.throw(/whole number/);
  });
});
