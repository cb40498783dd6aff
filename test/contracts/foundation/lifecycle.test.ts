import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  noticeEndFrom,
  deployWorld,
  createResource,
  applyFor,
  approveAuthorization,
  toNoticeOver,
  h,
  Kind,
  ROLE,
  DAY,
  YEAR,
  AuthStatus,
  Grant,
  type World,
} from "../../helpers/fixture";
import { activateAuthorization } from "../../helpers/agreements";
import { activeOperator, activeDeveloper, applyChild } from "../../helpers/foundation";
import { expectRefused } from "../../helpers/state";
import { STATEMENT } from "../../helpers/texts";

const now = async (): Promise<number> => time.latest();

/** An active operator authorization with an active developer authorization under it. */
async function family(w: World) {
  const parent = await activeOperator(w);
  const child = await activeDeveloper(w, parent);
  return { parent, child };
}

describe("foundation: AuthorizationRegistry, tiers and supervision", () => {
  describe("C07 two tiers", () => {
    it("C07 a developer authorization is a child of an active operator authorization, organized by that operator", async () => {
      const w = await loadFixture(deployWorld);
      const { parent, child } = await family(w);
      const c = await w.authorizations.authorization(child);
      const p = await w.authorizations.authorization(parent);
      expect([c.parentId, c.tier, c.organizerId, c.mode, c.callId]).to.deep.equal([parent, 2n, w.ids.operatorA, p.mode, 0n]);
      expect(await w.authorizations.isActive(child, await now())).to.equal(true);
    });

    it("C07 refuses a child whose term outlives its parent or starts before it", async () => {
      const w = await loadFixture(deployWorld);
      const A = w.authorizations;
      const parent = await activeOperator(w);
      const p = await A.authorization(parent);
      await expectRefused(w, () => applyChild(w, parent, { termEnd: Number(p.termEnd) + 1 }), A, "AuthorizationRegistryChildExceedsParent", [parent, "term"]);
      await expectRefused(w, () => applyChild(w, parent, { termStart: Number(p.termStart) - 1 }), A, "AuthorizationRegistryChildExceedsParent", [parent, "term"]);
      const id = await applyChild(w, parent, { termEnd: Number(p.termEnd) });
      expect((await A.authorization(id)).termEnd).to.equal(p.termEnd);
    });

    it("C07 refuses a child whose resources or domains exceed its parent's", async () => {
      const w = await loadFixture(deployWorld);
      const A = w.authorizations;
      const [r1, r2, r3] = [await createResource(w), await createResource(w, { dept: "deptB" }), await createResource(w)];
      const [d1, d2, d3] = [h("交通"), h("医疗"), h("金融")].sort();
      const parent = await activeOperator(w, { resourceIds: [r1, r2], domains: [d1, d2] });
      await expectRefused(w, () => applyChild(w, parent, { resourceIds: [r1, r3] }), A, "AuthorizationRegistryChildExceedsParent", [parent, "resources"]);
      await expectRefused(w, () => applyChild(w, parent, { resourceIds: [r3] }), A, "AuthorizationRegistryChildExceedsParent", [parent, "resources"]);
      await expectRefused(w, () => applyChild(w, parent, { domains: [d1, d3] }), A, "AuthorizationRegistryChildExceedsParent", [parent, "domains"]);
      const id = await applyChild(w, parent, { resourceIds: [r2], domains: [d2] });
      expect((await A.authorization(id)).resourceIds).to.deep.equal([r2]);
    });

    it("C07 refuses a third tier", async () => {
      const w = await loadFixture(deployWorld);
      const { child } = await family(w);
      await expectRefused(w, () => applyChild(w, child, { holder: "developerB" }), w.authorizations, "AuthorizationRegistryTooManyTiers", [3, 2]);
    });

    it("C07 refuses a child under a parent that is not active: pending, suspended, revoked or expired", async () => {
      const w = await loadFixture(deployWorld);
      const A = w.authorizations;
      const { authority } = w.signers;
      const r = await createResource(w);
      const pending = await applyFor(w, { resourceIds: [r] });
      await expectRefused(w, async () => applyChild(w, pending, { termEnd: Number((await A.authorization(pending)).termEnd) }), A, "AuthorizationRegistryParentInactive", [pending]);
      await expectRefused(w, async () => applyChild(w, 99n, { resourceIds: [r], termEnd: (await now()) + YEAR }), A, "AuthorizationRegistryUnknownAuthorization", [99]);
      const parent = await activeOperator(w, { resourceIds: [r] });
      await A.connect(authority).suspend(parent, h("整改"), STATEMENT);
      await expectRefused(w, () => applyChild(w, parent), A, "AuthorizationRegistryParentInactive", [parent]);
      await A.connect(authority).reinstate(parent, h("整改完成"), STATEMENT);
      await applyChild(w, parent);
      // after the parent's term no child term fits inside it: the term check names the problem first
      const parentEnd = (await A.authorization(parent)).termEnd;
      await time.increaseTo(parentEnd);
      const start = Number(parentEnd) - DAY;
      await expectRefused(w, () => applyChild(w, parent, { termStart: start }), A, "AuthorizationRegistryInvalidTerm", [start, parentEnd]);
      const revoked = await activeOperator(w, { resourceIds: [await createResource(w)] });
      await A.connect(authority).revoke(revoked, h("撤销"), STATEMENT);
      await expectRefused(w, () => applyChild(w, revoked), A, "AuthorizationRegistryParentInactive", [revoked]);
    });

    it("C07 refuses a child application by an operator, with a call reference, or for another developer", async () => {
      const w = await loadFixture(deployWorld);
      const A = w.authorizations;
      const parent = await activeOperator(w);
      const p = await A.authorization(parent);
      const req = {
        parentId: parent,
        holderId: w.ids.developerA,
        callId: 0n,
        termStart: (await now()) + 60,
        termEnd: p.termEnd,
        materialsHash: h("m"),
        resourceIds: [...p.resourceIds],
        domains: [] as string[],
      };
      await expectRefused(w, () => A.connect(w.signers.developerA).applyFor({ ...req, callId: p.callId }), A, "AuthorizationRegistryInvalidCallReference", [p.callId]);
      await expectRefused(w, () => A.connect(w.signers.operatorB).applyFor({ ...req, holderId: w.ids.operatorB }), w.participants, "ParticipantRegistryWrongKind", [w.ids.operatorB, Kind.Developer, Kind.Operator]);
      await expectRefused(w, () => A.connect(w.signers.developerB).applyFor(req), w.participants, "ParticipantRegistryNotActiveSigner", [w.ids.developerA, w.signers.developerB.address]);
      await A.connect(w.signers.developerA).applyFor(req);
    });

    it("C07 the parent operator pre-reviews a child and its resource grants, before the authority evaluates", async () => {
      const w = await loadFixture(deployWorld);
      const A = w.authorizations;
      const { agency, authority, operatorA, operatorB } = w.signers;
      const parent = await activeOperator(w);
      const child = await applyChild(w, parent);
      const [r] = (await A.authorization(child)).resourceIds;
      await expectRefused(w, () => A.connect(agency).preReview(child, true, h("p"), STATEMENT), A, "AuthorizationRegistryNotAuthorized", [child, agency.address]);
      await expectRefused(w, () => A.connect(operatorB).preReview(child, true, h("p"), STATEMENT), A, "AuthorizationRegistryNotAuthorized", [child, operatorB.address]);
      await expectRefused(w, () => A.connect(authority).evaluateGrant(child, r, true, h("e"), ""), A, "AuthorizationRegistryWrongGrantStatus", [child, r, Grant.Requested]);
      await expectRefused(w, () => A.connect(operatorB).preReviewGrant(child, r, true, h("p"), ""), A, "AuthorizationRegistryNotAuthorized", [child, operatorB.address]);
      await expectRefused(w, () => A.connect(operatorA).preReviewGrant(99, r, true, h("p"), ""), A, "AuthorizationRegistryUnknownAuthorization", [99]);
      await expectRefused(w, () => A.connect(operatorA).preReviewGrant(child, r, true, ethers.ZeroHash, ""), A, "AuthorizationRegistryZeroHash");
      await expect(A.connect(operatorA).preReviewGrant(child, r, true, h("运营单位预审"), "")).to.emit(A, "GrantAdvanced").withArgs(child, r, Grant.PreReviewed, h("运营单位预审"), "", operatorA.address);
      await expectRefused(w, () => A.connect(operatorA).preReviewGrant(child, r, true, h("p"), ""), A, "AuthorizationRegistryWrongGrantStatus", [child, r, Grant.PreReviewed]);
      await A.connect(authority).evaluateGrant(child, r, true, h("e"), "");
      expect(await A.grantStatus(child, r)).to.equal(Grant.Evaluated);
      await A.connect(operatorA).preReview(child, true, h("p"), STATEMENT);
      expect((await A.authorization(child)).status).to.equal(AuthStatus.PreReviewed);
    });

    it("C07 a child cannot be activated once its parent is suspended", async () => {
      const w = await loadFixture(deployWorld);
      const A = w.authorizations;
      const parent = await activeOperator(w);
      const child = await applyChild(w, parent);
      await toNoticeOver(w, child);
      await A.connect(w.signers.authority).suspend(parent, h("整改"), STATEMENT);
      await expect(activateAuthorization(w, child)).to.be.revertedWithCustomError(A, "AuthorizationRegistryParentInactive").withArgs(parent);
      expect((await A.authorization(child)).status).to.equal(AuthStatus.Noticed);
    });
  });

  describe("cascade and expiry", () => {
    it("C07 suspending a parent makes its child inactive at once without touching it; reinstating brings it back", async () => {
      const w = await loadFixture(deployWorld);
      const A = w.authorizations;
      const { parent, child } = await family(w);
      const before = await A.authorization(child);
      await A.connect(w.signers.authority).suspend(parent, h("整改"), STATEMENT);
      const t = await now();
      expect(await A.isActive(child, t)).to.equal(false);
      expect((await A.authorization(child)).statusChangedAt).to.equal(before.statusChangedAt);
      expect(await A.statusAt(child, t)).to.equal(AuthStatus.Active);
      await expect(A.requireActive(child)).to.be.revertedWithCustomError(A, "AuthorizationRegistryParentInactive").withArgs(parent);
      await A.connect(w.signers.authority).reinstate(parent, h("整改完成"), STATEMENT);
      expect(await A.isActive(child, await now())).to.equal(true);
      await A.requireActive(child);
    });

    for (const [how, end] of [
      ["C24 revoking a parent", async (w: World, id: bigint) => w.authorizations.connect(w.signers.authority).revoke(id, h("撤销"), STATEMENT)],
      ["C24 terminating a parent", async (w: World, id: bigint) => {
        await w.authorizations.connect(w.signers.authority).suspend(id, h("整改"), STATEMENT);
        return w.authorizations.connect(w.signers.authority).terminate(id, h("整改不到位"), STATEMENT);
      }],
      ["C30 emergency-suspending a parent", async (w: World, id: bigint) => w.authorizations.connect(w.signers.regulator).emergencySuspend(id, h("风险"), STATEMENT)],
      ["C23 suspending the parent's holder organization", async (w: World) => w.participants.connect(w.signers.authority).suspend(w.ids.operatorA, h("违规"))],
    ] as const) {
      it(`${how} makes every descendant inactive at once, without a transaction on the child`, async () => {
        const w = await loadFixture(deployWorld);
        const A = w.authorizations;
        const { parent, child } = await family(w);
        const second = await activeDeveloper(w, parent, { holder: "developerB" });
        const childBefore = await A.authorization(child);
        await end(w, parent);
        const t = await now();
        for (const id of [parent, child, second]) expect(await A.isActive(id, t)).to.equal(false);
        expect((await A.authorization(child)).status).to.equal(AuthStatus.Active);
        expect((await A.authorization(child)).statusChangedAt).to.equal(childBefore.statusChangedAt);
      });
    }

    it("C06 expiry is a fact of time: statusAt gives Expired and isActive false after termEnd, with no transaction", async () => {
      const w = await loadFixture(deployWorld);
      const A = w.authorizations;
      const { parent, child } = await family(w);
      const termEnd = (await A.authorization(parent)).termEnd;
      expect(await A.statusAt(parent, termEnd - 1n)).to.equal(AuthStatus.Active);
      expect(await A.isActive(parent, termEnd - 1n)).to.equal(true);
      expect(await A.statusAt(parent, termEnd)).to.equal(AuthStatus.Expired);
      expect(await A.isActive(parent, termEnd)).to.equal(false);
      expect(await A.isActive(child, termEnd)).to.equal(false);
      const blockBefore = await ethers.provider.getBlockNumber();
      await time.increaseTo(termEnd);
      expect(await ethers.provider.getBlockNumber()).to.equal(blockBefore + 1); // the time jump only
      expect(await A.statusAt(parent, await now())).to.equal(AuthStatus.Expired);
      expect((await A.authorization(parent)).status).to.equal(AuthStatus.Active); // stored status untouched
      await expect(A.requireActive(parent)).to.be.revertedWithCustomError(A, "AuthorizationRegistryWrongStatus").withArgs(parent, AuthStatus.Expired);
      // an expired authorization changes no more
      await expectRefused(w, () => A.connect(w.signers.authority).suspend(parent, h("s"), STATEMENT), A, "AuthorizationRegistryWrongStatus", [parent, AuthStatus.Expired]);
      await expectRefused(w, () => A.connect(w.signers.regulator).emergencySuspend(parent, h("s"), STATEMENT), A, "AuthorizationRegistryWrongStatus", [parent, AuthStatus.Expired]);
    });

    it("C06 a suspended authorization also expires, and cannot be reinstated after its term", async () => {
      const w = await loadFixture(deployWorld);
      const A = w.authorizations;
      const id = await activeOperator(w);
      await A.connect(w.signers.authority).suspend(id, h("s"), STATEMENT);
      const termEnd = (await A.authorization(id)).termEnd;
      await time.increaseTo(termEnd);
      expect(await A.statusAt(id, termEnd)).to.equal(AuthStatus.Expired);
      await expectRefused(w, () => A.connect(w.signers.authority).reinstate(id, h("r"), STATEMENT), A, "AuthorizationRegistryWrongStatus", [id, AuthStatus.Expired]);
    });
  });

  describe("C23 violation, rectification, termination", () => {
    it("C23 suspends for rectification, reinstates after it, and terminates when it fails", async () => {
      const w = await loadFixture(deployWorld);
      const A = w.authorizations;
      const { authority } = w.signers;
      const id = await activeOperator(w);
      await expect(A.connect(authority).suspend(id, h("违规"), STATEMENT))
        .to.emit(A, "AuthorizationStatusChanged")
        .withArgs(id, AuthStatus.Active, AuthStatus.Suspended, h("违规"), false, STATEMENT, authority.address);
      expect(await A.isActive(id, await now())).to.equal(false);
      await expect(A.connect(authority).reinstate(id, h("整改报告"), STATEMENT))
        .to.emit(A, "AuthorizationStatusChanged")
        .withArgs(id, AuthStatus.Suspended, AuthStatus.Active, h("整改报告"), false, STATEMENT, authority.address);
      expect(await A.isActive(id, await now())).to.equal(true);
      await A.connect(authority).suspend(id, h("再次违规"), STATEMENT);
      await expect(A.connect(authority).terminate(id, h("整改不到位"), STATEMENT))
        .to.emit(A, "AuthorizationStatusChanged")
        .withArgs(id, AuthStatus.Suspended, AuthStatus.Terminated, h("整改不到位"), false, STATEMENT, authority.address);
      expect(await A.statusAt(id, await now())).to.equal(AuthStatus.Terminated);
      expect(await A.isActive(id, await now())).to.equal(false);
    });

    it("C23 refuses suspend(), reinstate() and terminate() by others, out of order, repeated, or after termination", async () => {
      const w = await loadFixture(deployWorld);
      const A = w.authorizations;
      const { authority, regulator, operatorA } = w.signers;
      const r = await createResource(w);
      const pending = await applyFor(w, { resourceIds: [r] });
      const id = await activeOperator(w);
      await expectRefused(w, () => A.connect(regulator).suspend(id, h("s"), STATEMENT), A, "HubConsumerUnauthorized", [regulator.address, ROLE.DATA_AUTHORITY]);
      await expectRefused(w, () => A.connect(operatorA).suspend(id, h("s"), STATEMENT), A, "HubConsumerUnauthorized", [operatorA.address, ROLE.DATA_AUTHORITY]);
      await expectRefused(w, () => A.connect(authority).suspend(99, h("s"), STATEMENT), A, "AuthorizationRegistryUnknownAuthorization", [99]);
      await expectRefused(w, () => A.connect(authority).suspend(pending, h("s"), STATEMENT), A, "AuthorizationRegistryWrongStatus", [pending, AuthStatus.Applied]);
      await expectRefused(w, () => A.connect(authority).reinstate(id, h("r"), STATEMENT), A, "AuthorizationRegistryWrongStatus", [id, AuthStatus.Active]);
      await expectRefused(w, () => A.connect(authority).terminate(id, h("t"), STATEMENT), A, "AuthorizationRegistryWrongStatus", [id, AuthStatus.Active]);
      await expectRefused(w, () => A.connect(authority).terminate(pending, h("t"), STATEMENT), A, "AuthorizationRegistryWrongStatus", [pending, AuthStatus.Applied]);
      await A.connect(authority).suspend(id, h("s"), STATEMENT);
      await expectRefused(w, () => A.connect(authority).suspend(id, h("s"), STATEMENT), A, "AuthorizationRegistryWrongStatus", [id, AuthStatus.Suspended]);
      await expectRefused(w, () => A.connect(regulator).reinstate(id, h("r"), STATEMENT), A, "HubConsumerUnauthorized", [regulator.address, ROLE.DATA_AUTHORITY]);
      await expectRefused(w, () => A.connect(authority).reinstate(id, ethers.ZeroHash, STATEMENT), A, "AuthorizationRegistryZeroHash");
      await expectRefused(w, () => A.connect(authority).reinstate(99, h("r"), STATEMENT), A, "AuthorizationRegistryUnknownAuthorization", [99]);
      await expectRefused(w, () => A.connect(regulator).terminate(id, h("t"), STATEMENT), A, "HubConsumerUnauthorized", [regulator.address, ROLE.DATA_AUTHORITY]);
      await expectRefused(w, () => A.connect(authority).terminate(99, h("t"), STATEMENT), A, "AuthorizationRegistryUnknownAuthorization", [99]);
      await A.connect(authority).terminate(id, h("t"), STATEMENT);
      for (const call of [
        () => A.connect(authority).reinstate(id, h("r"), STATEMENT),
        () => A.connect(authority).terminate(id, h("t"), STATEMENT),
        () => A.connect(authority).suspend(id, h("s"), STATEMENT),
        () => A.connect(authority).revoke(id, h("v"), STATEMENT),
      ]) {
        await expectRefused(w, call, A, "AuthorizationRegistryWrongStatus", [id, AuthStatus.Terminated]);
      }
    });
  });

  describe("C24 termination and revocation close access at once; the record stays", () => {
    it("C24 revocation closes access in the same block, and the full history stays queryable years later", async () => {
      const w = await loadFixture(deployWorld);
      const A = w.authorizations;
      const { authority } = w.signers;
      const id = await activeOperator(w);
      const tx = await A.connect(authority).revoke(id, h("撤销决定"), STATEMENT);
      const block = (await tx.wait())!.blockNumber;
      const at = (await ethers.provider.getBlock(block))!.timestamp;
      expect(await A.isActive(id, at)).to.equal(false);
      await expect(A.requireActive(id)).to.be.revertedWithCustomError(A, "AuthorizationRegistryWrongStatus").withArgs(id, AuthStatus.Revoked);
      await time.increase(w.profile.logRetentionYears * YEAR + DAY);
      expect(w.profile.logRetentionYears).to.be.at.least(3);
      const a = await A.authorization(id);
      expect(a.status).to.equal(AuthStatus.Revoked);
      expect(await A.statusAt(id, await now())).to.equal(AuthStatus.Revoked); // not Expired: revocation is final
      const changes = await A.queryFilter(A.filters.AuthorizationStatusChanged(id));
      expect(changes.map((e) => Number(e.args.to))).to.deep.equal([AuthStatus.PreReviewed, AuthStatus.ExpertReviewed, AuthStatus.Approved, AuthStatus.Noticed, AuthStatus.Active, AuthStatus.Revoked]);
      expect(changes[5].args.reasonHash).to.equal(h("撤销决定"));
      expect((await A.queryFilter(A.filters.AuthorizationApplied(id))).length).to.equal(1);
      expect((await A.queryFilter(A.filters.AuthorizationReviewed(id))).length).to.equal(1 + w.profile.expertQuorum);
      expect((await A.queryFilter(A.filters.AuthorizationActivated(id))).length).to.equal(1);
    });

    it("C24 revoke() works from approval to suspension, by the authority only, and is final", async () => {
      const w = await loadFixture(deployWorld);
      const A = w.authorizations;
      const { authority, regulator } = w.signers;
      const r = await createResource(w);
      const pending = await applyFor(w, { resourceIds: [r] });
      await expectRefused(w, () => A.connect(authority).revoke(pending, h("v"), STATEMENT), A, "AuthorizationRegistryWrongStatus", [pending, AuthStatus.Applied]);
      await expectRefused(w, () => A.connect(authority).revoke(99, h("v"), STATEMENT), A, "AuthorizationRegistryUnknownAuthorization", [99]);
      await approveAuthorization(w, pending);
      await expectRefused(w, () => A.connect(regulator).revoke(pending, h("v"), STATEMENT), A, "HubConsumerUnauthorized", [regulator.address, ROLE.DATA_AUTHORITY]);
      await A.connect(authority).revoke(pending, h("v"), STATEMENT);
      await expectRefused(w, () => A.connect(authority).revoke(pending, h("v"), STATEMENT), A, "AuthorizationRegistryWrongStatus", [pending, AuthStatus.Revoked]);
      await expectRefused(w, async () => A.connect(authority).startNotice(pending, (await now()) + 10 * DAY), A, "AuthorizationRegistryWrongStatus", [pending, AuthStatus.Revoked]);
      const suspended = await activeOperator(w, { resourceIds: [r] });
      await A.connect(authority).suspend(suspended, h("s"), STATEMENT);
      await A.connect(authority).revoke(suspended, h("v"), STATEMENT);
      await expectRefused(w, () => A.connect(authority).reinstate(suspended, h("r"), STATEMENT), A, "AuthorizationRegistryWrongStatus", [suspended, AuthStatus.Revoked]);
      await expectRefused(w, () => A.connect(w.signers.operatorA).requestExit(suspended, h("e")), A, "AuthorizationRegistryWrongStatus", [suspended, AuthStatus.Revoked]);
    });
  });

  describe("C25 exit", () => {
    it("C25 the operator applies to exit; the authority reviews it and notices it; exit completes after the notice", async () => {
      const w = await loadFixture(deployWorld);
      const A = w.authorizations;
      const { authority, operatorA } = w.signers;
      const { parent, child } = await family(w);
      await expect(A.connect(operatorA).requestExit(parent, h("退出申请"))).to.emit(A, "ExitRequested").withArgs(parent, h("退出申请"), operatorA.address);
      expect((await A.authorization(parent)).exitRequested).to.equal(true);
      await expectRefused(w, () => A.connect(authority).completeExit(parent), A, "AuthorizationRegistryNoExitRequest", [parent]);
      const t = (await now()) + 100;
      const [calendarEnd] = await w.calendar.addWorkingDays(t, w.profile.noticeWorkingDays);
      const earliest = Math.max(Number(calendarEnd), t + w.profile.noticeWorkingDays * DAY);
      await time.setNextBlockTimestamp(t);
      await expectRefused(w, () => A.connect(authority).reviewExit(parent, true, earliest - 1, h("o"), STATEMENT), A, "AuthorizationRegistryNoticeTooShort", [earliest - 1, earliest]);
      await time.setNextBlockTimestamp(t + 1);
      await expect(A.connect(authority).reviewExit(parent, true, earliest + 1, h("同意退出"), STATEMENT)).to.emit(A, "ExitReviewed").withArgs(parent, true, earliest + 1, h("同意退出"), STATEMENT, authority.address);
      expect((await A.authorization(parent)).exitNoticeEnd).to.equal(earliest + 1);
      expect(await A.isActive(parent, await now())).to.equal(true); // still operating during the notice
      await expectRefused(w, () => A.connect(authority).reviewExit(parent, true, earliest + DAY, h("o"), STATEMENT), A, "AuthorizationRegistryNoExitRequest", [parent]);
      await expectRefused(w, () => A.connect(authority).completeExit(parent), A, "AuthorizationRegistryNoticeOpen", [parent, earliest + 1]);
      await time.increaseTo(earliest + 1);
      await expect(A.connect(authority).completeExit(parent))
        .to.emit(A, "AuthorizationStatusChanged")
        .withArgs(parent, AuthStatus.Active, AuthStatus.Exited, ethers.ZeroHash, false, "", authority.address);
      expect(await A.isActive(parent, await now())).to.equal(false);
      expect(await A.isActive(child, await now())).to.equal(false);
      await expectRefused(w, () => A.connect(authority).completeExit(parent), A, "AuthorizationRegistryWrongStatus", [parent, AuthStatus.Exited]);
      await expectRefused(w, () => A.connect(authority).reinstate(parent, h("r"), STATEMENT), A, "AuthorizationRegistryWrongStatus", [parent, AuthStatus.Exited]);
    });

    it("C25 a refused exit clears the request; the holder may apply again", async () => {
      const w = await loadFixture(deployWorld);
      const A = w.authorizations;
      const { authority, operatorA } = w.signers;
      const id = await activeOperator(w);
      await A.connect(operatorA).requestExit(id, h("e"));
      await expect(A.connect(authority).reviewExit(id, false, 0, h("不同意"), STATEMENT)).to.emit(A, "ExitReviewed").withArgs(id, false, 0, h("不同意"), STATEMENT, authority.address);
      const a = await A.authorization(id);
      expect([a.exitRequested, a.exitNoticeEnd, a.status]).to.deep.equal([false, 0n, BigInt(AuthStatus.Active)]);
      await A.connect(operatorA).requestExit(id, h("e2"));
    });

    it("C25 refuses requestExit(), reviewExit() and completeExit() by others, out of order or repeated", async () => {
      const w = await loadFixture(deployWorld);
      const A = w.authorizations;
      const { authority, operatorA, operatorB, regulator } = w.signers;
      const r = await createResource(w);
      const pending = await applyFor(w, { resourceIds: [r] });
      const id = await activeOperator(w, { resourceIds: [r] });
      await expectRefused(w, () => A.connect(operatorB).requestExit(id, h("e")), A, "AuthorizationRegistryNotAuthorized", [id, operatorB.address]);
      await expectRefused(w, () => A.connect(authority).requestExit(id, h("e")), A, "AuthorizationRegistryNotAuthorized", [id, authority.address]);
      await expectRefused(w, () => A.connect(operatorA).requestExit(99, h("e")), A, "AuthorizationRegistryUnknownAuthorization", [99]);
      await expectRefused(w, () => A.connect(operatorA).requestExit(pending, h("e")), A, "AuthorizationRegistryWrongStatus", [pending, AuthStatus.Applied]);
      await expectRefused(w, () => A.connect(operatorA).requestExit(id, ethers.ZeroHash), A, "AuthorizationRegistryZeroHash");
      await expectRefused(w, async () => A.connect(authority).reviewExit(id, true, (await now()) + 10 * DAY, h("o"), STATEMENT), A, "AuthorizationRegistryNoExitRequest", [id]);
      await expectRefused(w, () => A.connect(authority).completeExit(id), A, "AuthorizationRegistryNoExitRequest", [id]);
      await A.connect(operatorA).requestExit(id, h("e"));
      await expectRefused(w, () => A.connect(operatorA).requestExit(id, h("e")), A, "AuthorizationRegistryExitPending", [id]);
      await expectRefused(w, async () => A.connect(regulator).reviewExit(id, true, (await now()) + 10 * DAY, h("o"), STATEMENT), A, "HubConsumerUnauthorized", [regulator.address, ROLE.DATA_AUTHORITY]);
      await expectRefused(w, async () => A.connect(authority).reviewExit(99, true, (await now()) + 10 * DAY, h("o"), STATEMENT), A, "AuthorizationRegistryUnknownAuthorization", [99]);
      const end = await noticeEndFrom(w, DAY);
      await A.connect(authority).reviewExit(id, true, end, h("o"), STATEMENT);
      await time.increaseTo(end);
      await expectRefused(w, () => A.connect(operatorA).completeExit(id), A, "HubConsumerUnauthorized", [operatorA.address, ROLE.DATA_AUTHORITY]);
      await expectRefused(w, () => A.connect(authority).completeExit(99), A, "AuthorizationRegistryUnknownAuthorization", [99]);
      // a revocation during the exit notice wins: the exit can no longer complete
      await A.connect(authority).revoke(id, h("v"), STATEMENT);
      await expectRefused(w, () => A.connect(authority).completeExit(id), A, "AuthorizationRegistryWrongStatus", [id, AuthStatus.Revoked]);
    });
  });

  describe("C30 emergency suspension", () => {
    it("C30 a regulator, the holder, the parent operator or the authority can stop an authorization at once on a discovered risk", async () => {
      const w = await loadFixture(deployWorld);
      const A = w.authorizations;
      const { regulator, developerA, operatorA, authority } = w.signers;
      const { parent, child } = await family(w);
      for (const by of [regulator, developerA, operatorA, authority]) {
        await expect(A.connect(by).emergencySuspend(child, h("数据泄露风险"), STATEMENT))
          .to.emit(A, "AuthorizationStatusChanged")
          .withArgs(child, AuthStatus.Active, AuthStatus.Suspended, h("数据泄露风险"), true, STATEMENT, by.address);
        expect(await A.isActive(child, await now())).to.equal(false);
        await A.connect(authority).reinstate(child, h("风险消除"), STATEMENT);
      }
      await A.connect(operatorA).emergencySuspend(parent, h("风险"), STATEMENT);
      expect(await A.isActive(parent, await now())).to.equal(false);
      expect(await A.isActive(child, await now())).to.equal(false);
    });

    it("C30 refuses emergencySuspend() by anyone else, without a risk hash, or on an authorization that is not active", async () => {
      const w = await loadFixture(deployWorld);
      const A = w.authorizations;
      const { outsider, operatorB, developerB, expert1, regulator, agency } = w.signers;
      const { parent, child } = await family(w);
      for (const by of [outsider, operatorB, developerB, expert1, agency]) {
        await expectRefused(w, () => A.connect(by).emergencySuspend(child, h("r"), STATEMENT), A, "AuthorizationRegistryNotAuthorized", [child, by.address]);
      }
      // a developer may not stop its parent operator's authorization
      await expectRefused(w, () => A.connect(w.signers.developerA).emergencySuspend(parent, h("r"), STATEMENT), A, "AuthorizationRegistryNotAuthorized", [parent, w.signers.developerA.address]);
      await expectRefused(w, () => A.connect(regulator).emergencySuspend(child, ethers.ZeroHash, STATEMENT), A, "AuthorizationRegistryZeroHash");
      await expectRefused(w, () => A.connect(regulator).emergencySuspend(99, h("r"), STATEMENT), A, "AuthorizationRegistryUnknownAuthorization", [99]);
      await A.connect(regulator).emergencySuspend(child, h("r"), STATEMENT);
      await expectRefused(w, () => A.connect(regulator).emergencySuspend(child, h("r"), STATEMENT), A, "AuthorizationRegistryWrongStatus", [child, AuthStatus.Suspended]);
      // a suspended holder's own keys can no longer act for it
      await w.participants.connect(w.signers.authority).suspend(w.ids.operatorA, h("s"));
      await expectRefused(w, () => A.connect(w.signers.operatorA).emergencySuspend(parent, h("r"), STATEMENT), A, "AuthorizationRegistryNotAuthorized", [parent, w.signers.operatorA.address]);
    });
  });
});
