import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  noticeEndFrom,
  deployWorld,
  createResource,
  publishCall,
  selectApplicants,
  applyFor,
  approveAuthorization,
  confirmGrants,
  toNoticeOver,
  h,
  Kind,
  Mode,
  ROLE,
  DAY,
  YEAR,
  AuthStatus,
  Grant,
  type World,
} from "../../helpers/fixture";
import { activateAuthorization, fileAgreement, planAgreement } from "../../helpers/agreements";
import { expectRefused } from "../../helpers/state";
import { addYearsCst, cst } from "../../helpers/dates";
import { STATEMENT, TITLE_TEXT } from "../../helpers/texts";

const deployYangzhou = () => deployWorld("yangzhou");
const deployNational = () => deployWorld("national");

/** The next ApplicationRequest of operatorA answering `callId`. */
async function request(w: World, callId: bigint, resourceIds: bigint[], o: Record<string, unknown> = {}) {
  const termStart = (await time.latest()) + 60;
  return {
    parentId: 0n,
    holderId: w.ids.operatorA,
    callId,
    termStart,
    termEnd: termStart + 2 * YEAR,
    materialsHash: h("materials"),
    resourceIds,
    domains: [] as string[],
    ...o,
  };
}

/** A world with one registered resource of each department and an open comprehensive call. */
async function withCall(w: World) {
  const r1 = await createResource(w);
  const r2 = await createResource(w, { dept: "deptB" });
  const callId = await publishCall(w);
  return { r1, r2, callId };
}

describe("foundation: AuthorizationRegistry, from call to activation", () => {
  describe("C35 open, competitive selection", () => {
    it("C35 records the call for applications and its selection result", async () => {
      const w = await loadFixture(deployWorld);
      const { agency } = w.signers;
      const closesAt = (await time.latest()) + 30 * DAY;
      await expect(w.authorizations.connect(agency).publishCall(w.ids.agency, Mode.Comprehensive, closesAt, h("征集公告"), TITLE_TEXT))
        .to.emit(w.authorizations, "CallPublished")
        .withArgs(1, w.ids.agency, Mode.Comprehensive, closesAt, h("征集公告"), TITLE_TEXT, agency.address);
      const c = await w.authorizations.call(1);
      expect([c.organizerId, c.mode, c.closesAt, c.closed, c.announcementHash]).to.deep.equal([w.ids.agency, BigInt(Mode.Comprehensive), BigInt(closesAt), false, h("征集公告")]);
      await time.increaseTo(closesAt);
      await expect(w.authorizations.connect(agency).closeCall(1, h("遴选结果"), [w.ids.operatorA]))
        .to.emit(w.authorizations, "CallClosed")
        .withArgs(1, h("遴选结果"), [w.ids.operatorA], agency.address);
      const closed = await w.authorizations.call(1);
      expect(closed.closed).to.equal(true);
      expect(closed.resultHash).to.equal(h("遴选结果"));
      expect([await w.authorizations.isSelected(1, w.ids.operatorA), await w.authorizations.isSelected(1, w.ids.operatorB)]).to.deep.equal([true, false]);
    });

    it("C35 refuses closing a call before closesAt: the selection follows the whole application period", async () => {
      const w = await loadFixture(deployWorld);
      const { agency } = w.signers;
      const A = w.authorizations;
      const callId = await publishCall(w);
      const { closesAt } = await A.call(callId);
      for (const t of [BigInt(await time.latest()) + 1n, closesAt - 1n]) {
        await time.setNextBlockTimestamp(t);
        await expectRefused(w, () => A.connect(agency).closeCall(callId, h("遴选结果"), [w.ids.operatorA]), A,
          "AuthorizationRegistryCallStillOpen", [callId, closesAt, t]);
      }
      expect([(await A.call(callId)).closed, await A.isSelected(callId, w.ids.operatorA)]).to.deep.equal([false, false]);
      await time.setNextBlockTimestamp(closesAt);
      await expect(A.connect(agency).closeCall(callId, h("遴选结果"), [w.ids.operatorA]))
        .to.emit(A, "CallClosed").withArgs(callId, h("遴选结果"), [w.ids.operatorA], agency.address);
      expect([(await A.call(callId)).closed, await A.isSelected(callId, w.ids.operatorA)]).to.deep.equal([true, true]);
    });

    it("C35 refuses a selection result that names an operator twice", async () => {
      const w = await loadFixture(deployWorld);
      const A = w.authorizations;
      const callId = await publishCall(w);
      await time.increaseTo((await A.call(callId)).closesAt);
      const { operatorA, operatorB } = w.ids;
      for (const twice of [[operatorA, operatorA], [operatorA, operatorB, operatorA]]) {
        await expectRefused(w, () => A.connect(w.signers.agency).closeCall(callId, h("result"), twice), A,
          "AuthorizationRegistryDuplicateSelection", [callId, operatorA]);
      }
      expect([await A.isSelected(callId, operatorA), await A.isSelected(callId, operatorB)]).to.deep.equal([false, false]);
    });

    it("C35 C02 approves an operator only once its call is closed and the selection result names it", async () => {
      const w = await loadFixture(deployWorld);
      const A = w.authorizations;
      const { authority, agency } = w.signers;
      const { r1, callId } = await withCall(w);
      const idA = await applyFor(w, { resourceIds: [r1], callId });
      const idB = await applyFor(w, { holder: "operatorB", resourceIds: [r1], callId });
      for (const id of [idA, idB]) {
        await A.connect(agency).preReview(id, true, h("pre-review"), STATEMENT);
        for (const e of [w.signers.expert1, w.signers.expert2, w.signers.expert3].slice(0, w.profile.expertQuorum)) {
          await A.connect(e).expertReview(id, true, h(`opinion-${e.address}`), STATEMENT);
        }
      }
      // Both reviewed, but no selection result yet: the call still takes applications.
      await expectRefused(w, () => A.connect(authority).approve(idA, h("decision"), STATEMENT), A, "AuthorizationRegistryCallNotClosed", [idA, callId]);
      await time.increaseTo((await A.call(callId)).closesAt);
      await A.connect(agency).closeCall(callId, h("遴选结果"), [w.ids.operatorA]);
      // Operator B applied and passed review, but the recorded selection does not name it.
      await expectRefused(w, () => A.connect(authority).approve(idB, h("decision"), STATEMENT), A, "AuthorizationRegistryNotSelected", [idB, callId, w.ids.operatorB]);
      expect((await A.authorization(idB)).status).to.equal(AuthStatus.ExpertReviewed);
      await A.connect(authority).approve(idA, h("decision"), STATEMENT);
      expect((await A.authorization(idA)).status).to.equal(AuthStatus.Approved);
    });

    it("C35 the organizer fits the mode: agency for comprehensive, source department for domain, authority for both", async () => {
      const w = await loadFixture(deployWorld);
      const { agency, deptA, authority, operatorA } = w.signers;
      const A = w.authorizations;
      const closesAt = (await time.latest()) + 30 * DAY;
      await expectRefused(w, () => A.connect(agency).publishCall(w.ids.agency, Mode.Domain, closesAt, h("c"), TITLE_TEXT), A, "AuthorizationRegistryInvalidOrganizer", [w.ids.agency, Mode.Domain]);
      await expectRefused(w, () => A.connect(deptA).publishCall(w.ids.deptA, Mode.Comprehensive, closesAt, h("c"), TITLE_TEXT), A, "AuthorizationRegistryInvalidOrganizer", [w.ids.deptA, Mode.Comprehensive]);
      await expectRefused(w, () => A.connect(operatorA).publishCall(w.ids.operatorA, Mode.Comprehensive, closesAt, h("c"), TITLE_TEXT), A, "AuthorizationRegistryInvalidOrganizer", [w.ids.operatorA, Mode.Comprehensive]);
      await expectRefused(w, () => A.connect(authority).publishCall(w.ids.authority, Mode.None, closesAt, h("c"), TITLE_TEXT), A, "AuthorizationRegistryInvalidOrganizer", [w.ids.authority, Mode.None]);
      await A.connect(authority).publishCall(w.ids.authority, Mode.Domain, closesAt, h("c1"), TITLE_TEXT);
      await A.connect(authority).publishCall(w.ids.authority, Mode.Comprehensive, closesAt, h("c2"), TITLE_TEXT);
      await A.connect(deptA).publishCall(w.ids.deptA, Mode.Domain, closesAt, h("c3"), TITLE_TEXT);
      expect((await A.call(3)).organizerId).to.equal(w.ids.deptA);
    });

    it("C35 refuses publishCall() by a non-signer, with a zero hash or a past closing time", async () => {
      const w = await loadFixture(deployWorld);
      const { agency, outsider } = w.signers;
      const A = w.authorizations;
      const closesAt = (await time.latest()) + 30 * DAY;
      await expectRefused(w, () => A.connect(outsider).publishCall(w.ids.agency, Mode.Comprehensive, closesAt, h("c"), TITLE_TEXT), w.participants, "ParticipantRegistryNotActiveSigner", [w.ids.agency, outsider.address]);
      await expectRefused(w, () => A.connect(agency).publishCall(99, Mode.Comprehensive, closesAt, h("c"), TITLE_TEXT), w.participants, "ParticipantRegistryUnknownParticipant", [99]);
      await expectRefused(w, () => A.connect(agency).publishCall(w.ids.agency, Mode.Comprehensive, closesAt, ethers.ZeroHash, TITLE_TEXT), A, "AuthorizationRegistryZeroHash");
      const t = (await time.latest()) + 10;
      await time.setNextBlockTimestamp(t);
      await expectRefused(w, () => A.connect(agency).publishCall(w.ids.agency, Mode.Comprehensive, t, h("c"), TITLE_TEXT), A, "AuthorizationRegistryInvalidTerm", [t, t]);
    });

    it("C35 refuses closeCall() by others, twice, with a zero hash, or for an unknown call; a closed call takes no applications", async () => {
      const w = await loadFixture(deployWorld);
      const { agency, deptA, operatorA } = w.signers;
      const A = w.authorizations;
      const r = await createResource(w);
      const callId = await publishCall(w);
      await expectRefused(w, () => A.connect(deptA).closeCall(callId, h("res"), []), w.participants, "ParticipantRegistryNotActiveSigner", [w.ids.agency, deptA.address]);
      await expectRefused(w, () => A.connect(agency).closeCall(99, h("res"), []), A, "AuthorizationRegistryUnknownCall", [99]);
      await time.increaseTo((await A.call(callId)).closesAt);
      await expectRefused(w, () => A.connect(agency).closeCall(callId, ethers.ZeroHash, []), A, "AuthorizationRegistryZeroHash");
      await A.connect(agency).closeCall(callId, h("res"), [w.ids.operatorA]);
      await expectRefused(w, () => A.connect(agency).closeCall(callId, h("res2"), []), A, "AuthorizationRegistryCallClosed", [callId]);
      await expectRefused(w, async () => A.connect(operatorA).applyFor(await request(w, callId, [r])), A, "AuthorizationRegistryCallClosed", [callId]);
      await expect(A.call(99)).to.be.revertedWithCustomError(A, "AuthorizationRegistryUnknownCall").withArgs(99);
    });

    it("C35 a call takes no application after it closes", async () => {
      const w = await loadFixture(deployWorld);
      const r = await createResource(w);
      const callId = await publishCall(w);
      await time.increaseTo((await w.authorizations.call(callId)).closesAt);
      await expectRefused(w, async () => w.authorizations.connect(w.signers.operatorA).applyFor(await request(w, callId, [r])), w.authorizations, "AuthorizationRegistryCallClosed", [callId]);
    });
  });

  describe("C01 mode and organizing body", () => {
    it("C01 a comprehensive authorization records its mode and the implementing agency as organizer", async () => {
      const w = await loadFixture(deployWorld);
      const { r1, callId } = await withCall(w);
      const id = await applyFor(w, { resourceIds: [r1], callId });
      const a = await w.authorizations.authorization(id);
      expect(a.mode).to.equal(Mode.Comprehensive);
      expect(a.organizerId).to.equal(w.ids.agency);
      expect(a.tier).to.equal(1);
      expect(a.callId).to.equal(callId);
    });

    it("C01 a domain authorization records its mode, the source department as organizer, and needs domains", async () => {
      const w = await loadFixture(deployWorld);
      const r = await createResource(w);
      const callId = await publishCall(w, Mode.Domain);
      await expectRefused(w, async () => w.authorizations.connect(w.signers.operatorA).applyFor(await request(w, callId, [r])), w.authorizations, "AuthorizationRegistryInvalidScope", ["domain mode needs domains"]);
      const id = await applyFor(w, { resourceIds: [r], callId, domains: [h("交通"), h("市场监管")] });
      const a = await w.authorizations.authorization(id);
      expect(a.mode).to.equal(Mode.Domain);
      expect(a.organizerId).to.equal(w.ids.deptA);
      expect(a.domains).to.deep.equal([h("交通"), h("市场监管")].sort());
    });

    it("C01 a call records its mode and a body that may organize it: the agency for comprehensive, a source department for domain, the authority for either; no call without a mode", async () => {
      const w = await loadFixture(deployWorld);
      const { agency, deptA, authority, operatorA } = w.signers;
      const A = w.authorizations;
      const closesAt = (await time.latest()) + 30 * DAY;
      const refused = [
        [agency, w.ids.agency, Mode.Domain],
        [deptA, w.ids.deptA, Mode.Comprehensive],
        [operatorA, w.ids.operatorA, Mode.Comprehensive],
        [operatorA, w.ids.operatorA, Mode.Domain],
        [agency, w.ids.agency, Mode.None],
        [authority, w.ids.authority, Mode.None],
      ] as const;
      for (const [signer, organizerId, mode] of refused) {
        await expectRefused(w, () => A.connect(signer).publishCall(organizerId, mode, closesAt, h("征集公告"), TITLE_TEXT), A,
          "AuthorizationRegistryInvalidOrganizer", [organizerId, mode]);
      }
      const accepted = [
        [agency, w.ids.agency, Mode.Comprehensive],
        [deptA, w.ids.deptA, Mode.Domain],
        [authority, w.ids.authority, Mode.Comprehensive],
        [authority, w.ids.authority, Mode.Domain],
      ] as const;
      for (const [i, [signer, organizerId, mode]] of accepted.entries()) {
        const callId = BigInt(i + 1);
        await expect(A.connect(signer).publishCall(organizerId, mode, closesAt, h(`征集公告${i}`), TITLE_TEXT))
          .to.emit(A, "CallPublished")
          .withArgs(callId, organizerId, mode, closesAt, h(`征集公告${i}`), TITLE_TEXT, signer.address);
        const c = await A.call(callId);
        expect([c.organizerId, c.mode]).to.deep.equal([organizerId, BigInt(mode)]);
      }
      // The call's mode and organizer pass to the authorization that answers it.
      const r = await createResource(w);
      const id = await applyFor(w, { resourceIds: [r], callId: 4n, domains: [h("交通")] });
      const a = await A.authorization(id);
      expect([a.mode, a.organizerId]).to.deep.equal([BigInt(Mode.Domain), w.ids.authority]);
    });
  });

  describe("C02 application", () => {
    it("C02 an application references the call and the materials hash, and the event carries the whole request", async () => {
      const w = await loadFixture(deployWorld);
      const { r1, r2, callId } = await withCall(w);
      const req = await request(w, callId, [r1, r2]);
      await expect(w.authorizations.connect(w.signers.operatorA).applyFor(req))
        .to.emit(w.authorizations, "AuthorizationApplied")
        .withArgs(1, 0, w.ids.operatorA, w.ids.agency, Mode.Comprehensive, 1, (r: unknown[]) => {
          expect(r[2]).to.equal(callId);
          expect(r[5]).to.equal(h("materials"));
          return true;
        }, w.signers.operatorA.address);
      const a = await w.authorizations.authorization(1);
      expect(a.status).to.equal(AuthStatus.Applied);
      expect(a.materialsHash).to.equal(h("materials"));
      expect(a.callId).to.equal(callId);
      expect(a.resourceIds).to.deep.equal([r1, r2]);
      expect(await w.authorizations.grantStatus(1, r1)).to.equal(Grant.Requested);
      expect(await w.authorizations.inScope(1, r2)).to.equal(true);
    });

    it("C02 refuses an application without materials, without a known call, or filed for another organization", async () => {
      const w = await loadFixture(deployWorld);
      const { r1, callId } = await withCall(w);
      const A = w.authorizations;
      const { operatorA, operatorB, developerA, outsider } = w.signers;
      await expectRefused(w, async () => A.connect(operatorA).applyFor(await request(w, callId, [r1], { materialsHash: ethers.ZeroHash })), A, "AuthorizationRegistryZeroHash");
      await expectRefused(w, async () => A.connect(operatorA).applyFor(await request(w, 99n, [r1])), A, "AuthorizationRegistryUnknownCall", [99]);
      await expectRefused(w, async () => A.connect(operatorA).applyFor(await request(w, 0n, [r1])), A, "AuthorizationRegistryUnknownCall", [0]);
      await expectRefused(w, async () => A.connect(operatorB).applyFor(await request(w, callId, [r1])), w.participants, "ParticipantRegistryNotActiveSigner", [w.ids.operatorA, operatorB.address]);
      await expectRefused(w, async () => A.connect(outsider).applyFor(await request(w, callId, [r1])), w.participants, "ParticipantRegistryNotActiveSigner", [w.ids.operatorA, outsider.address]);
      // a developer cannot answer a call as an operator
      await expectRefused(w, async () => A.connect(developerA).applyFor(await request(w, callId, [r1], { holderId: w.ids.developerA })), w.participants, "ParticipantRegistryWrongKind", [w.ids.developerA, Kind.Operator, Kind.Developer]);
    });

    it("C02 refuses a scope that is empty, unordered, duplicated, oversized or unknown", async () => {
      const w = await loadFixture(deployWorld);
      const { r1, r2, callId } = await withCall(w);
      const A = w.authorizations;
      const op = w.signers.operatorA;
      const apply = (o: Record<string, unknown>) => async () => A.connect(op).applyFor(await request(w, callId, [r1], o));
      await expectRefused(w, apply({ resourceIds: [] }), A, "AuthorizationRegistryInvalidScope", ["resource count"]);
      await expectRefused(w, apply({ resourceIds: Array.from({ length: 65 }, (_, i) => BigInt(i + 1)) }), A, "AuthorizationRegistryInvalidScope", ["resource count"]);
      await expectRefused(w, apply({ resourceIds: [r2, r1] }), A, "AuthorizationRegistryInvalidScope", ["resources order"]);
      await expectRefused(w, apply({ resourceIds: [r1, r1] }), A, "AuthorizationRegistryInvalidScope", ["resources order"]);
      await expectRefused(w, apply({ resourceIds: [r1, 99n] }), w.catalog, "ResourceCatalogUnknownResource", [99]);
      const [d1, d2] = [h("d1"), h("d2")].sort();
      await expectRefused(w, apply({ domains: [d2, d1] }), A, "AuthorizationRegistryInvalidScope", ["domains order"]);
      await expectRefused(w, apply({ domains: [d1, d1] }), A, "AuthorizationRegistryInvalidScope", ["domains order"]);
      await expectRefused(w, apply({ domains: [ethers.ZeroHash] }), A, "AuthorizationRegistryInvalidScope", ["domains order"]);
      const many = Array.from({ length: 33 }, (_, i) => h(`d${i}`)).sort();
      await expectRefused(w, apply({ domains: many }), A, "AuthorizationRegistryInvalidScope", ["domain count"]);
      await A.connect(op).applyFor(await request(w, callId, [r1, r2], { domains: [d1, d2] }));
    });

    it("C02 an application answers an open call: accepted until the second before closesAt, refused from closesAt on", async () => {
      const w = await loadFixture(deployWorld);
      const { r1, callId } = await withCall(w);
      const A = w.authorizations;
      const op = w.signers.operatorA;
      const closesAt = Number((await A.call(callId)).closesAt);
      const onTime = await request(w, callId, [r1]);
      await time.setNextBlockTimestamp(closesAt - 1);
      await A.connect(op).applyFor(onTime);
      const a = await A.authorization(await A.authorizationCount());
      expect([a.callId, a.appliedAt, a.status]).to.deep.equal([callId, BigInt(closesAt - 1), BigInt(AuthStatus.Applied)]);
      const late = await request(w, callId, [r1]);
      await time.setNextBlockTimestamp(closesAt);
      await expectRefused(w, () => A.connect(op).applyFor(late), A, "AuthorizationRegistryCallClosed", [callId]);
      await expectRefused(w, async () => A.connect(op).applyFor(await request(w, callId, [r1])), A, "AuthorizationRegistryCallClosed", [callId]);
    });
  });

  describe("C03 pre-review, expert review, approval", () => {
    it("C03 approval needs the pre-review and a quorum of expert opinions, each recorded with its reviewer", async () => {
      const w = await loadFixture(deployWorld);
      const { r1, callId } = await withCall(w);
      const A = w.authorizations;
      const { authority, agency, expert1, expert2, expert3 } = w.signers;
      const id = await applyFor(w, { resourceIds: [r1], callId });
      await expectRefused(w, () => A.connect(authority).approve(id, h("d"), STATEMENT), A, "AuthorizationRegistryWrongStatus", [id, AuthStatus.Applied]);
      await expectRefused(w, () => A.connect(expert1).expertReview(id, true, h("o"), STATEMENT), A, "AuthorizationRegistryWrongStatus", [id, AuthStatus.Applied]);
      await expect(A.connect(agency).preReview(id, true, h("初审"), STATEMENT))
        .to.emit(A, "AuthorizationReviewed")
        .withArgs(id, 1, true, h("初审"), AuthStatus.PreReviewed, STATEMENT, agency.address);
      await expectRefused(w, () => A.connect(authority).approve(id, h("d"), STATEMENT), A, "AuthorizationRegistryWrongStatus", [id, AuthStatus.PreReviewed]);
      await expect(A.connect(expert1).expertReview(id, true, h("e1"), STATEMENT)).to.emit(A, "AuthorizationReviewed").withArgs(id, 2, true, h("e1"), AuthStatus.PreReviewed, STATEMENT, expert1.address);
      await A.connect(expert2).expertReview(id, false, h("e2"), STATEMENT);
      await expectRefused(w, () => A.connect(authority).approve(id, h("d"), STATEMENT), A, "AuthorizationRegistryWrongStatus", [id, AuthStatus.PreReviewed]);
      await A.connect(expert3).expertReview(id, true, h("e3"), STATEMENT);
      expect((await A.authorization(id)).status).to.equal(AuthStatus.PreReviewed); // 2 of quorum 3
      await A.connect(w.signers.expert4).expertReview(id, true, h("e4"), STATEMENT);
      const a = await A.authorization(id);
      expect([a.status, a.expertApprovals, a.expertRejections]).to.deep.equal([BigInt(AuthStatus.ExpertReviewed), 3n, 1n]);
      await selectApplicants(w, callId); // the call's selection result names the operator (C35)
      await expect(A.connect(authority).approve(id, h("审定"), STATEMENT)).to.emit(A, "AuthorizationStatusChanged").withArgs(id, AuthStatus.ExpertReviewed, AuthStatus.Approved, h("审定"), false, STATEMENT, authority.address);
    });

    it("C03 under the national profile (quorum 1) an objection rejects: 3 rejections and 1 approval never reach ExpertReviewed", async () => {
      const w = await loadFixture(deployNational);
      expect(w.profile.expertQuorum).to.equal(1);
      const { r1, callId } = await withCall(w);
      const A = w.authorizations;
      const { agency, authority, expert1, expert2, expert3, expert4 } = w.signers;
      const id = await applyFor(w, { resourceIds: [r1], callId });
      await A.connect(agency).preReview(id, true, h("p"), STATEMENT);
      await expect(A.connect(expert1).expertReview(id, false, h("反对1"), STATEMENT))
        .to.emit(A, "AuthorizationReviewed").withArgs(id, 2, false, h("反对1"), AuthStatus.Rejected, STATEMENT, expert1.address)
        .and.to.emit(A, "AuthorizationStatusChanged").withArgs(id, AuthStatus.PreReviewed, AuthStatus.Rejected, h("反对1"), false, STATEMENT, expert1.address);
      for (const e of [expert2, expert3]) {
        await expectRefused(w, () => A.connect(e).expertReview(id, false, h("反对"), STATEMENT), A, "AuthorizationRegistryWrongStatus", [id, AuthStatus.Rejected]);
      }
      await expectRefused(w, () => A.connect(expert4).expertReview(id, true, h("赞成"), STATEMENT), A, "AuthorizationRegistryWrongStatus", [id, AuthStatus.Rejected]);
      await expectRefused(w, () => A.connect(authority).approve(id, h("审定"), STATEMENT), A, "AuthorizationRegistryWrongStatus", [id, AuthStatus.Rejected]);
      const a = await A.authorization(id);
      expect([a.status, a.expertApprovals, a.expertRejections]).to.deep.equal([BigInt(AuthStatus.Rejected), 0n, 1n]);
    });

    it("C03 the first side to reach the quorum decides: quorum objections reject, quorum approvals pass only with the majority", async () => {
      const w = await loadFixture(deployWorld);
      expect(w.profile.expertQuorum).to.equal(3);
      const { r1, callId } = await withCall(w);
      const A = w.authorizations;
      const { agency, authority, expert1, expert2, expert3, expert4 } = w.signers;
      const expert5 = (await ethers.getSigners())[16];
      await w.hub.connect(w.signers.admin).grantRole(ROLE.EXPERT, expert5.address);
      const review = async (id: bigint, votes: [typeof expert1, boolean][]) => {
        for (const [e, pass] of votes) await A.connect(e).expertReview(id, pass, h(`${id}-${e.address}`), STATEMENT);
        const a = await A.authorization(id);
        return [Number(a.status), Number(a.expertApprovals), Number(a.expertRejections)];
      };
      // Three objections reject at once, before any approval.
      const rejected = await applyFor(w, { resourceIds: [r1], callId });
      await A.connect(agency).preReview(rejected, true, h("p"), STATEMENT);
      expect(await review(rejected, [[expert1, false], [expert2, false], [expert3, false]])).to.deep.equal([AuthStatus.Rejected, 0, 3]);
      await expectRefused(w, () => A.connect(expert4).expertReview(rejected, true, h("late"), STATEMENT), A, "AuthorizationRegistryWrongStatus", [rejected, AuthStatus.Rejected]);
      // Two against two: undecided; the fifth opinion, against, rejects 3 to 2.
      const split = await applyFor(w, { resourceIds: [r1], callId });
      await A.connect(agency).preReview(split, true, h("p"), STATEMENT);
      expect(await review(split, [[expert1, true], [expert2, false], [expert3, true], [expert4, false]])).to.deep.equal([AuthStatus.PreReviewed, 2, 2]);
      await expectRefused(w, () => A.connect(authority).approve(split, h("d"), STATEMENT), A, "AuthorizationRegistryWrongStatus", [split, AuthStatus.PreReviewed]);
      await expect(A.connect(expert5).expertReview(split, false, h("第五位"), STATEMENT))
        .to.emit(A, "AuthorizationStatusChanged").withArgs(split, AuthStatus.PreReviewed, AuthStatus.Rejected, h("第五位"), false, STATEMENT, expert5.address);
      expect((await A.authorization(split)).status).to.equal(AuthStatus.Rejected);
      // Two objections first, then three approvals: passes 3 to 2, a majority.
      const passed = await applyFor(w, { resourceIds: [r1], callId });
      await A.connect(agency).preReview(passed, true, h("p"), STATEMENT);
      expect(await review(passed, [[expert1, false], [expert2, false], [expert3, true], [expert4, true], [expert5, true]])).to.deep.equal([AuthStatus.ExpertReviewed, 3, 2]);
      await selectApplicants(w, callId);
      await A.connect(authority).approve(passed, h("审定"), STATEMENT);
    });

    it("C03 only EXPERT keys give expert opinions, once each, never on their own organization", async () => {
      const w = await loadFixture(deployWorld);
      const { r1, callId } = await withCall(w);
      const A = w.authorizations;
      const { admin, agency, expert1, expert4, operatorB, authority } = w.signers;
      const id = await applyFor(w, { resourceIds: [r1], callId });
      await A.connect(agency).preReview(id, true, h("p"), STATEMENT);
      await expectRefused(w, () => A.connect(operatorB).expertReview(id, true, h("o"), STATEMENT), A, "HubConsumerUnauthorized", [operatorB.address, ROLE.EXPERT]);
      await expectRefused(w, () => A.connect(authority).expertReview(id, true, h("o"), STATEMENT), A, "HubConsumerUnauthorized", [authority.address, ROLE.EXPERT]);
      await expectRefused(w, () => A.connect(expert1).expertReview(99, true, h("o"), STATEMENT), A, "AuthorizationRegistryUnknownAuthorization", [99]);
      await expectRefused(w, () => A.connect(expert1).expertReview(id, true, ethers.ZeroHash, STATEMENT), A, "AuthorizationRegistryZeroHash");
      await A.connect(expert1).expertReview(id, true, h("o"), STATEMENT);
      await expectRefused(w, () => A.connect(expert1).expertReview(id, true, h("o2"), STATEMENT), A, "AuthorizationRegistryAlreadyReviewed", [id, expert1.address]);
      await expectRefused(w, () => A.connect(expert1).expertReview(id, false, h("o2"), STATEMENT), A, "AuthorizationRegistryAlreadyReviewed", [id, expert1.address]);
      // an expert who is a signer of the applicant has a conflict of interest
      await w.participants.connect(authority).addSigner(w.ids.operatorA, expert4.address);
      await expectRefused(w, () => A.connect(expert4).expertReview(id, true, h("o"), STATEMENT), A, "AuthorizationRegistryConflictOfInterest", [id, expert4.address]);
      expect(admin.address).to.not.equal(expert4.address);
    });

    it("C03 refuses preReview() by others, twice, with a zero hash; a failed pre-review rejects", async () => {
      const w = await loadFixture(deployWorld);
      const { r1, callId } = await withCall(w);
      const A = w.authorizations;
      const { agency, authority, operatorA, expert1 } = w.signers;
      const id = await applyFor(w, { resourceIds: [r1], callId });
      await expectRefused(w, () => A.connect(operatorA).preReview(id, true, h("p"), STATEMENT), A, "HubConsumerUnauthorized", [operatorA.address, ROLE.DATA_AUTHORITY]);
      await expectRefused(w, () => A.connect(expert1).preReview(id, true, h("p"), STATEMENT), A, "HubConsumerUnauthorized", [expert1.address, ROLE.DATA_AUTHORITY]);
      await expectRefused(w, () => A.connect(agency).preReview(99, true, h("p"), STATEMENT), A, "AuthorizationRegistryUnknownAuthorization", [99]);
      await expectRefused(w, () => A.connect(agency).preReview(id, true, ethers.ZeroHash, STATEMENT), A, "AuthorizationRegistryZeroHash");
      await A.connect(authority).preReview(id, true, h("p"), STATEMENT);
      await expectRefused(w, () => A.connect(agency).preReview(id, true, h("p"), STATEMENT), A, "AuthorizationRegistryWrongStatus", [id, AuthStatus.PreReviewed]);
      const other = await applyFor(w, { resourceIds: [r1], callId });
      await A.connect(agency).preReview(other, false, h("材料不全"), STATEMENT);
      expect((await A.authorization(other)).status).to.equal(AuthStatus.Rejected);
      await expectRefused(w, () => A.connect(expert1).expertReview(other, true, h("o"), STATEMENT), A, "AuthorizationRegistryWrongStatus", [other, AuthStatus.Rejected]);
    });

    it("C03 refuses approve() by others, twice, or with a zero decision hash", async () => {
      const w = await loadFixture(deployWorld);
      const { r1, callId } = await withCall(w);
      const A = w.authorizations;
      const { agency, authority } = w.signers;
      const id = await applyFor(w, { resourceIds: [r1], callId });
      await A.connect(agency).preReview(id, true, h("p"), STATEMENT);
      for (const e of [w.signers.expert1, w.signers.expert2, w.signers.expert3]) await A.connect(e).expertReview(id, true, h(e.address), STATEMENT);
      await selectApplicants(w, callId);
      await expectRefused(w, () => A.connect(agency).approve(id, h("d"), STATEMENT), A, "HubConsumerUnauthorized", [agency.address, ROLE.DATA_AUTHORITY]);
      await expectRefused(w, () => A.connect(authority).approve(99, h("d"), STATEMENT), A, "AuthorizationRegistryUnknownAuthorization", [99]);
      await expectRefused(w, () => A.connect(authority).approve(id, ethers.ZeroHash, STATEMENT), A, "AuthorizationRegistryZeroHash");
      await A.connect(authority).approve(id, h("d"), STATEMENT);
      await expectRefused(w, () => A.connect(authority).approve(id, h("d"), STATEMENT), A, "AuthorizationRegistryWrongStatus", [id, AuthStatus.Approved]);
    });

    it("C03 reject() works at any step before activation, by the authority only, and is final", async () => {
      const w = await loadFixture(deployWorld);
      const { r1, callId } = await withCall(w);
      const A = w.authorizations;
      const { authority, agency } = w.signers;
      const applied = await applyFor(w, { resourceIds: [r1], callId });
      // every application answers the call before it closes (C35)
      const noticed = await applyFor(w, { resourceIds: [r1], callId });
      const active = await applyFor(w, { resourceIds: [r1], callId });
      await expectRefused(w, () => A.connect(agency).reject(applied, h("r"), STATEMENT), A, "HubConsumerUnauthorized", [agency.address, ROLE.DATA_AUTHORITY]);
      await expectRefused(w, () => A.connect(authority).reject(99, h("r"), STATEMENT), A, "AuthorizationRegistryUnknownAuthorization", [99]);
      await A.connect(authority).reject(applied, h("r"), STATEMENT);
      await expectRefused(w, () => A.connect(authority).reject(applied, h("r"), STATEMENT), A, "AuthorizationRegistryWrongStatus", [applied, AuthStatus.Rejected]);
      await expectRefused(w, () => A.connect(agency).preReview(applied, true, h("p"), STATEMENT), A, "AuthorizationRegistryWrongStatus", [applied, AuthStatus.Rejected]);
      await expectRefused(w, () => A.connect(authority).evaluateGrant(applied, r1, true, h("e"), ""), A, "AuthorizationRegistryWrongStatus", [applied, AuthStatus.Rejected]);
      await toNoticeOver(w, noticed);
      await A.connect(authority).reject(noticed, h("公示异议成立"), STATEMENT);
      expect((await A.authorization(noticed)).status).to.equal(AuthStatus.Rejected);
      await expectRefused(w, () => A.connect(authority).activate(noticed, 1), A, "AuthorizationRegistryWrongStatus", [noticed, AuthStatus.Rejected]);
      await toNoticeOver(w, active);
      await activateAuthorization(w, active);
      await expectRefused(w, () => A.connect(authority).reject(active, h("r"), STATEMENT), A, "AuthorizationRegistryWrongStatus", [active, AuthStatus.Active]);
    });
  });

  describe("C22 every status change emits AuthorizationStatusChanged", () => {
    it("C22 pre-review and a deciding expert opinion emit AuthorizationStatusChanged; an undecided opinion emits none", async () => {
      const w = await loadFixture(deployWorld);
      const { r1, callId } = await withCall(w);
      const A = w.authorizations;
      const { agency, authority, expert1, expert2, expert3 } = w.signers;
      const id = await applyFor(w, { resourceIds: [r1], callId });
      await expect(A.connect(agency).preReview(id, true, h("初审"), STATEMENT))
        .to.emit(A, "AuthorizationStatusChanged").withArgs(id, AuthStatus.Applied, AuthStatus.PreReviewed, h("初审"), false, STATEMENT, agency.address);
      await expect(A.connect(expert1).expertReview(id, true, h("e1"), STATEMENT)).to.not.emit(A, "AuthorizationStatusChanged");
      await expect(A.connect(expert2).expertReview(id, true, h("e2"), STATEMENT)).to.not.emit(A, "AuthorizationStatusChanged");
      await expect(A.connect(expert3).expertReview(id, true, h("e3"), STATEMENT))
        .to.emit(A, "AuthorizationStatusChanged").withArgs(id, AuthStatus.PreReviewed, AuthStatus.ExpertReviewed, h("e3"), false, STATEMENT, expert3.address);
      // A failed pre-review is a status change too.
      const other = await applyFor(w, { resourceIds: [r1], callId });
      await expect(A.connect(authority).preReview(other, false, h("材料不全"), STATEMENT))
        .to.emit(A, "AuthorizationStatusChanged").withArgs(other, AuthStatus.Applied, AuthStatus.Rejected, h("材料不全"), false, STATEMENT, authority.address);
      // The status history reads from this one event alone, from Applied to the stored status.
      await selectApplicants(w, callId);
      await A.connect(authority).approve(id, h("审定"), STATEMENT);
      await confirmGrants(w, id);
      const noticeEnd = await noticeEndFrom(w);
      await A.connect(authority).startNotice(id, noticeEnd);
      await time.increaseTo(noticeEnd);
      await activateAuthorization(w, id);
      const changes = await A.queryFilter(A.filters.AuthorizationStatusChanged(id));
      expect(changes.map((e) => [Number(e.args.from), Number(e.args.to)])).to.deep.equal([
        [AuthStatus.Applied, AuthStatus.PreReviewed],
        [AuthStatus.PreReviewed, AuthStatus.ExpertReviewed],
        [AuthStatus.ExpertReviewed, AuthStatus.Approved],
        [AuthStatus.Approved, AuthStatus.Noticed],
        [AuthStatus.Noticed, AuthStatus.Active],
      ]);
      expect(changes.at(-1)!.args.to).to.equal((await A.authorization(id)).status);
    });
  });

  describe("C04 public notice", () => {
    it("C04 refuses a notice shorter than the profile minimum and accepts exactly the minimum", async () => {
      const w = await loadFixture(deployWorld);
      const { r1, callId } = await withCall(w);
      const A = w.authorizations;
      const id = await applyFor(w, { resourceIds: [r1], callId });
      await approveAuthorization(w, id);
      const t = (await time.latest()) + 100;
      // The end of the profile's 5th working day after today on the chain's calendar.
      const [calendarEnd, provisional] = await w.calendar.addWorkingDays(t, w.profile.noticeWorkingDays);
      const earliest = Math.max(Number(calendarEnd), t + w.profile.noticeWorkingDays * DAY);
      await time.setNextBlockTimestamp(t);
      await expectRefused(w, () => A.connect(w.signers.authority).startNotice(id, earliest - 1), A, "AuthorizationRegistryNoticeTooShort", [earliest - 1, earliest]);
      await time.setNextBlockTimestamp(t + 10);
      await expect(A.connect(w.signers.agency).startNotice(id, earliest + 10))
        .to.emit(A, "AuthorizationNoticed")
        .withArgs(id, earliest + 10, earliest, provisional, w.signers.agency.address);
      const a = await A.authorization(id);
      expect([a.status, a.noticeEnd]).to.deep.equal([BigInt(AuthStatus.Noticed), BigInt(earliest + 10)]);
    });

    it("C04 refuses activation until the notice is over", async () => {
      const w = await loadFixture(deployWorld);
      const { r1, callId } = await withCall(w);
      const A = w.authorizations;
      const id = await applyFor(w, { resourceIds: [r1], callId });
      await approveAuthorization(w, id);
      await confirmGrants(w, id);
      const noticeEnd = await noticeEndFrom(w, 100);
      await A.connect(w.signers.authority).startNotice(id, noticeEnd);
      // No agreement can be proposed while the notice runs (C04), so none can be named either.
      const plan = await planAgreement(w, id);
      await time.setNextBlockTimestamp(noticeEnd - 1);
      await expectRefused(w, () => A.connect(w.signers.authority).activate(id, 1n), A, "AuthorizationRegistryNoticeOpen", [id, noticeEnd]);
      await time.setNextBlockTimestamp(noticeEnd);
      const agreementId = await fileAgreement(w, plan);
      await expect(A.connect(w.signers.authority).activate(id, agreementId))
        .to.emit(A, "AuthorizationActivated")
        .withArgs(id, agreementId, (await A.authorization(id)).termStart, (await A.authorization(id)).termEnd, w.signers.authority.address);
      expect((await A.authorization(id)).status).to.equal(AuthStatus.Active);
    });

    it("C04 refuses startNotice() by others, before approval, twice, or ending after the term", async () => {
      const w = await loadFixture(deployWorld);
      const { r1, callId } = await withCall(w);
      const A = w.authorizations;
      const { authority, operatorA, regulator } = w.signers;
      const id = await applyFor(w, { resourceIds: [r1], callId });
      let end = await noticeEndFrom(w, DAY);
      await expectRefused(w, () => A.connect(authority).startNotice(id, end), A, "AuthorizationRegistryWrongStatus", [id, AuthStatus.Applied]);
      await expectRefused(w, () => A.connect(authority).startNotice(99, end), A, "AuthorizationRegistryUnknownAuthorization", [99]);
      await approveAuthorization(w, id); // waits for the call to close (C35)
      end = await noticeEndFrom(w, DAY);
      await expectRefused(w, () => A.connect(operatorA).startNotice(id, end), A, "HubConsumerUnauthorized", [operatorA.address, ROLE.DATA_AUTHORITY]);
      await expectRefused(w, () => A.connect(regulator).startNotice(id, end), A, "HubConsumerUnauthorized", [regulator.address, ROLE.DATA_AUTHORITY]);
      const termEnd = (await A.authorization(id)).termEnd;
      await expectRefused(w, () => A.connect(authority).startNotice(id, termEnd), A, "AuthorizationRegistryTermOver", [id, termEnd]);
      await A.connect(authority).startNotice(id, end);
      await expectRefused(w, () => A.connect(authority).startNotice(id, end + DAY), A, "AuthorizationRegistryWrongStatus", [id, AuthStatus.Noticed]);
    });
  });

  describe("C05 activation", () => {
    it("C05 refuses activation while a resource grant is unconfirmed, even with a filed agreement", async () => {
      const w = await loadFixture(deployWorld);
      const { r1, r2, callId } = await withCall(w);
      const A = w.authorizations;
      const { authority, deptB } = w.signers;
      const id = await applyFor(w, { resourceIds: [r1, r2], callId });
      await approveAuthorization(w, id);
      const noticeEnd = await noticeEndFrom(w);
      await A.connect(authority).startNotice(id, noticeEnd);
      await time.increaseTo(noticeEnd);
      const agreementId = await fileAgreement(w, await planAgreement(w, id));
      await expectRefused(w, () => A.connect(authority).activate(id, agreementId), A, "AuthorizationRegistryGrantsIncomplete", [id, 0, 2]);
      await A.connect(authority).evaluateGrant(id, r1, true, h("e"), "");
      await A.connect(w.signers.deptA).confirmGrant(id, r1, true, h("c"), "");
      await A.connect(authority).evaluateGrant(id, r2, true, h("e"), "");
      await expectRefused(w, () => A.connect(authority).activate(id, agreementId), A, "AuthorizationRegistryGrantsIncomplete", [id, 1, 2]);
      await A.connect(deptB).confirmGrant(id, r2, true, h("c"), "");
      await A.connect(authority).activate(id, agreementId);
      const a = await A.authorization(id);
      expect([a.status, a.agreementId, a.activatedAt]).to.deep.equal([BigInt(AuthStatus.Active), agreementId, BigInt(await time.latest())]);
      expect(await A.isActive(id, await time.latest())).to.equal(true);
      await A.requireActive(id);
    });

    it("C05 a refused grant keeps the authorization from ever activating", async () => {
      const w = await loadFixture(deployWorld);
      const { r1, callId } = await withCall(w);
      const A = w.authorizations;
      const id = await applyFor(w, { resourceIds: [r1], callId });
      await approveAuthorization(w, id);
      await A.connect(w.signers.authority).evaluateGrant(id, r1, true, h("e"), "");
      await A.connect(w.signers.deptA).confirmGrant(id, r1, false, h("不同意"), STATEMENT);
      expect(await A.grantStatus(id, r1)).to.equal(Grant.Refused);
      const noticeEnd = await noticeEndFrom(w);
      await A.connect(w.signers.authority).startNotice(id, noticeEnd);
      await time.increaseTo(noticeEnd);
      const agreementId = await fileAgreement(w, await planAgreement(w, id));
      await expectRefused(w, () => A.connect(w.signers.authority).activate(id, agreementId), A, "AuthorizationRegistryGrantsIncomplete", [id, 0, 1]);
      await expectRefused(w, () => A.connect(w.signers.deptA).confirmGrant(id, r1, true, h("c"), ""), A, "AuthorizationRegistryWrongGrantStatus", [id, r1, Grant.Refused]);
    });

    it("C05 refuses activate() by others, before notice, twice, after the term, or for a suspended holder", async () => {
      const w = await loadFixture(deployWorld);
      const { r1, callId } = await withCall(w);
      const A = w.authorizations;
      const { authority, agency } = w.signers;
      const id = await applyFor(w, { resourceIds: [r1], callId, termYears: 1 });
      await expectRefused(w, () => A.connect(authority).activate(id, 1), A, "AuthorizationRegistryWrongStatus", [id, AuthStatus.Applied]);
      await expectRefused(w, () => A.connect(authority).activate(99, 1), A, "AuthorizationRegistryUnknownAuthorization", [99]);
      await toNoticeOver(w, id);
      const agreementId = await fileAgreement(w, await planAgreement(w, id));
      await expectRefused(w, () => A.connect(agency).activate(id, agreementId), A, "HubConsumerUnauthorized", [agency.address, ROLE.DATA_AUTHORITY]);
      await w.participants.connect(authority).suspend(w.ids.operatorA, h("s"));
      await expectRefused(w, () => A.connect(authority).activate(id, agreementId), w.participants, "ParticipantRegistryInvalidStatus", [w.ids.operatorA, 2]);
      await w.participants.connect(authority).reinstate(w.ids.operatorA, h("r"));
      await A.connect(authority).activate(id, agreementId);
      await expectRefused(w, () => A.connect(authority).activate(id, agreementId), A, "AuthorizationRegistryWrongStatus", [id, AuthStatus.Active]);
      // a noticed authorization whose term ran out can no longer activate
      // (it answers a call of its own, which closes the next day)
      const late = await applyFor(w, { resourceIds: [r1], termEnd: (await time.latest()) + 20 * DAY });
      await toNoticeOver(w, late);
      const lateAgreement = await fileAgreement(w, await planAgreement(w, late));
      const termEnd = (await A.authorization(late)).termEnd;
      await time.increaseTo(termEnd);
      await expectRefused(w, () => A.connect(authority).activate(late, lateAgreement), A, "AuthorizationRegistryTermOver", [late, termEnd]);
    });
  });

  describe("C06 term", () => {
    it("C06 accepts a term of exactly 3 calendar years in China time and refuses one second more", async () => {
      const w = await loadFixture(deployWorld);
      const { r1, callId } = await withCall(w);
      const start = cst(2031, 3, 1, 9);
      const maxEnd = addYearsCst(start, 3);
      expect(maxEnd).to.equal(BigInt(cst(2034, 3, 1, 9)));
      expect(maxEnd - BigInt(start)).to.be.greaterThan(3n * BigInt(YEAR)); // 2032 is a leap year: not 3 x 365 days
      const A = w.authorizations;
      await expectRefused(w, async () => A.connect(w.signers.operatorA).applyFor(await request(w, callId, [r1], { termStart: start, termEnd: maxEnd + 1n })), A, "AuthorizationRegistryTermExceedsPolicy", [maxEnd + 1n, maxEnd]);
      const id = await applyFor(w, { resourceIds: [r1], callId, termStart: start, termEnd: Number(maxEnd) });
      expect((await A.authorization(id)).termEnd).to.equal(maxEnd);
    });

    it("C06 a term starting on 29 February (China time) ends on 28 February", async () => {
      const w = await loadFixture(deployWorld);
      const { r1, callId } = await withCall(w);
      const A = w.authorizations;
      // 2032-02-29 02:00 +08:00 is still 28 February in UTC: the term is counted in China time
      const start = cst(2032, 2, 29, 2);
      expect(new Date(start * 1000).getUTCDate()).to.equal(28);
      const maxEnd = BigInt(cst(2035, 2, 28, 2));
      expect(addYearsCst(start, 3)).to.equal(maxEnd);
      await expectRefused(w, async () => A.connect(w.signers.operatorA).applyFor(await request(w, callId, [r1], { termStart: start, termEnd: maxEnd + 1n })), A, "AuthorizationRegistryTermExceedsPolicy", [maxEnd + 1n, maxEnd]);
      await applyFor(w, { resourceIds: [r1], callId, termStart: start, termEnd: Number(maxEnd) });
    });

    it("C06 Yangzhou (2 years) accepts 2 calendar years and refuses 3", async () => {
      const w = await loadFixture(deployYangzhou);
      expect((await w.authorizations.policy()).maxTermYears).to.equal(2);
      const { r1, callId } = await withCall(w);
      const A = w.authorizations;
      const start = cst(2031, 7, 1);
      const twoYears = addYearsCst(start, 2);
      const threeYears = addYearsCst(start, 3);
      await expectRefused(w, async () => A.connect(w.signers.operatorA).applyFor(await request(w, callId, [r1], { termStart: start, termEnd: threeYears })), A, "AuthorizationRegistryTermExceedsPolicy", [threeYears, twoYears]);
      await expectRefused(w, async () => A.connect(w.signers.operatorA).applyFor(await request(w, callId, [r1], { termStart: start, termEnd: twoYears + 1n })), A, "AuthorizationRegistryTermExceedsPolicy", [twoYears + 1n, twoYears]);
      await applyFor(w, { resourceIds: [r1], callId, termStart: start, termEnd: Number(twoYears) });
    });

    it("C06 refuses a term that ends before it starts or is already over", async () => {
      const w = await loadFixture(deployWorld);
      const { r1, callId } = await withCall(w);
      const A = w.authorizations;
      const op = w.signers.operatorA;
      const start = cst(2031, 1, 1);
      await expectRefused(w, async () => A.connect(op).applyFor(await request(w, callId, [r1], { termStart: start, termEnd: start })), A, "AuthorizationRegistryInvalidTerm", [start, start]);
      await expectRefused(w, async () => A.connect(op).applyFor(await request(w, callId, [r1], { termStart: start, termEnd: start - 1 })), A, "AuthorizationRegistryInvalidTerm", [start, start - 1]);
      const past = (await time.latest()) - 10;
      await expectRefused(w, async () => A.connect(op).applyFor(await request(w, callId, [r1], { termStart: past - 100, termEnd: past })), A, "AuthorizationRegistryInvalidTerm", [past - 100, past]);
    });

    it("C06 renewal is a new application: no function extends a term", async () => {
      const w = await loadFixture(deployWorld);
      const fns = w.authorizations.interface.fragments.filter((f) => f.type === "function").map((f) => (f as unknown as { name: string }).name);
      expect(fns.filter((n) => /renew|extend|prolong/i.test(n))).to.deep.equal([]);
      const { r1, callId } = await withCall(w);
      const first = await applyFor(w, { resourceIds: [r1], callId, termYears: 1 });
      const a = await w.authorizations.authorization(first);
      const second = await applyFor(w, { resourceIds: [r1], callId, termStart: Number(a.termEnd), termEnd: Number(addYearsCst(a.termEnd, 3)) });
      expect(second).to.not.equal(first);
      expect((await w.authorizations.authorization(second)).status).to.equal(AuthStatus.Applied);
    });
  });

  describe("C12 resource grants", () => {
    it("C12 the authority evaluates first, then the resource's own source department confirms", async () => {
      const w = await loadFixture(deployWorld);
      const { r1, r2, callId } = await withCall(w);
      const A = w.authorizations;
      const { authority, deptA, deptB } = w.signers;
      const id = await applyFor(w, { resourceIds: [r1, r2], callId });
      await expectRefused(w, () => A.connect(deptA).confirmGrant(id, r1, true, h("c"), ""), A, "AuthorizationRegistryWrongGrantStatus", [id, r1, Grant.Requested]);
      await expect(A.connect(authority).evaluateGrant(id, r1, true, h("评估"), ""))
        .to.emit(A, "GrantAdvanced")
        .withArgs(id, r1, Grant.Evaluated, h("评估"), "", authority.address);
      await expectRefused(w, () => A.connect(deptB).confirmGrant(id, r1, true, h("c"), ""), A, "AuthorizationRegistryNotAuthorized", [id, deptB.address]);
      await expectRefused(w, () => A.connect(authority).confirmGrant(id, r1, true, h("c"), ""), A, "AuthorizationRegistryNotAuthorized", [id, authority.address]);
      await expect(A.connect(deptA).confirmGrant(id, r1, true, h("确认"), ""))
        .to.emit(A, "GrantAdvanced")
        .withArgs(id, r1, Grant.Confirmed, h("确认"), "", deptA.address);
      expect(await A.grantStatus(id, r1)).to.equal(Grant.Confirmed);
      expect(await A.grantStatus(id, r2)).to.equal(Grant.Requested);
    });

    it("C12 refuses grant steps by others, repeated, out of scope, with zero hashes, or the operator's pre-review on tier 1", async () => {
      const w = await loadFixture(deployWorld);
      const { r1, r2, callId } = await withCall(w);
      const A = w.authorizations;
      const { authority, deptA, operatorA, agency } = w.signers;
      const id = await applyFor(w, { resourceIds: [r1], callId });
      await expectRefused(w, () => A.connect(operatorA).preReviewGrant(id, r1, true, h("p"), ""), A, "AuthorizationRegistryWrongGrantStatus", [id, r1, Grant.Requested]);
      await expectRefused(w, () => A.connect(agency).evaluateGrant(id, r1, true, h("e"), ""), A, "HubConsumerUnauthorized", [agency.address, ROLE.DATA_AUTHORITY]);
      await expectRefused(w, () => A.connect(authority).evaluateGrant(99, r1, true, h("e"), ""), A, "AuthorizationRegistryUnknownAuthorization", [99]);
      await expectRefused(w, () => A.connect(authority).evaluateGrant(id, r2, true, h("e"), ""), A, "AuthorizationRegistryWrongGrantStatus", [id, r2, Grant.None]);
      await expectRefused(w, () => A.connect(authority).evaluateGrant(id, r1, true, ethers.ZeroHash, ""), A, "AuthorizationRegistryZeroHash");
      await A.connect(authority).evaluateGrant(id, r1, true, h("e"), "");
      await expectRefused(w, () => A.connect(authority).evaluateGrant(id, r1, true, h("e"), ""), A, "AuthorizationRegistryWrongGrantStatus", [id, r1, Grant.Evaluated]);
      await expectRefused(w, () => A.connect(deptA).confirmGrant(id, 99, true, h("c"), ""), w.catalog, "ResourceCatalogUnknownResource", [99]);
      await expectRefused(w, () => A.connect(deptA).confirmGrant(99, r1, true, h("c"), ""), A, "AuthorizationRegistryUnknownAuthorization", [99]);
      await expectRefused(w, () => A.connect(deptA).confirmGrant(id, r1, true, ethers.ZeroHash, ""), A, "AuthorizationRegistryZeroHash");
      await A.connect(deptA).confirmGrant(id, r1, true, h("c"), "");
      await expectRefused(w, () => A.connect(deptA).confirmGrant(id, r1, true, h("c"), ""), A, "AuthorizationRegistryWrongGrantStatus", [id, r1, Grant.Confirmed]);
      // once active, grants no longer move
      await approveAuthorization(w, id);
      const noticeEnd = await noticeEndFrom(w);
      await A.connect(authority).startNotice(id, noticeEnd);
      await time.increaseTo(noticeEnd);
      await activateAuthorization(w, id);
      await expectRefused(w, () => A.connect(authority).evaluateGrant(id, r1, true, h("e"), ""), A, "AuthorizationRegistryWrongStatus", [id, AuthStatus.Active]);
    });

    it("C12 a partner's grant is pre-reviewed by its parent operator, then evaluated by the authority, then confirmed by the source department, in that order", async () => {
      const w = await loadFixture(deployWorld);
      const A = w.authorizations;
      const { authority, operatorA, operatorB, developerA, deptA } = w.signers;
      const r1 = await createResource(w);
      const r2 = await createResource(w, { dept: "deptB" });
      const parent = await applyFor(w, { resourceIds: [r1, r2], termYears: 3 });
      await toNoticeOver(w, parent);
      await activateAuthorization(w, parent);
      const child = await applyFor(w, { parentId: parent, resourceIds: [r1, r2], termYears: 1 });
      await expectRefused(w, () => A.connect(authority).evaluateGrant(child, r1, true, h("评估"), ""), A, "AuthorizationRegistryWrongGrantStatus", [child, r1, Grant.Requested]);
      await expectRefused(w, () => A.connect(deptA).confirmGrant(child, r1, true, h("确认"), ""), A, "AuthorizationRegistryWrongGrantStatus", [child, r1, Grant.Requested]);
      for (const other of [operatorB, developerA, authority]) {
        await expectRefused(w, () => A.connect(other).preReviewGrant(child, r1, true, h("预审"), ""), A, "AuthorizationRegistryNotAuthorized", [child, other.address]);
      }
      await expect(A.connect(operatorA).preReviewGrant(child, r1, true, h("运营单位预审"), ""))
        .to.emit(A, "GrantAdvanced")
        .withArgs(child, r1, Grant.PreReviewed, h("运营单位预审"), "", operatorA.address);
      await expectRefused(w, () => A.connect(operatorA).preReviewGrant(child, r1, true, h("预审"), ""), A, "AuthorizationRegistryWrongGrantStatus", [child, r1, Grant.PreReviewed]);
      await expectRefused(w, () => A.connect(deptA).confirmGrant(child, r1, true, h("确认"), ""), A, "AuthorizationRegistryWrongGrantStatus", [child, r1, Grant.PreReviewed]);
      await expect(A.connect(authority).evaluateGrant(child, r1, true, h("评估"), ""))
        .to.emit(A, "GrantAdvanced")
        .withArgs(child, r1, Grant.Evaluated, h("评估"), "", authority.address);
      await expect(A.connect(deptA).confirmGrant(child, r1, true, h("确认"), ""))
        .to.emit(A, "GrantAdvanced")
        .withArgs(child, r1, Grant.Confirmed, h("确认"), "", deptA.address);
      expect([await A.grantStatus(child, r1), await A.grantStatus(child, r2)]).to.deep.equal([BigInt(Grant.Confirmed), BigInt(Grant.Requested)]);
    });

    it("C12 C21 activation needs every grant confirmed: a refused grant says why in public, stays refused and never counts", async () => {
      const w = await loadFixture(deployWorld);
      const { r1, r2, callId } = await withCall(w);
      const A = w.authorizations;
      const { authority, deptA, deptB } = w.signers;
      const id = await applyFor(w, { resourceIds: [r1, r2], callId });
      await approveAuthorization(w, id);
      for (const r of [r1, r2]) await A.connect(authority).evaluateGrant(id, r, true, h("评估"), "");
      await A.connect(deptA).confirmGrant(id, r1, true, h("确认"), "");
      // C21: a refusal says why, in public.
      await expectRefused(w, () => A.connect(deptB).confirmGrant(id, r2, false, h("不同意"), ""), A, "PublicTextRequired");
      await expect(A.connect(deptB).confirmGrant(id, r2, false, h("不同意"), STATEMENT))
        .to.emit(A, "GrantAdvanced")
        .withArgs(id, r2, Grant.Refused, h("不同意"), STATEMENT, deptB.address);
      expect([await A.grantStatus(id, r1), await A.grantStatus(id, r2)]).to.deep.equal([BigInt(Grant.Confirmed), BigInt(Grant.Refused)]);
      await expectRefused(w, () => A.connect(deptB).confirmGrant(id, r2, true, h("改为同意"), ""), A, "AuthorizationRegistryWrongGrantStatus", [id, r2, Grant.Refused]);
      await expectRefused(w, () => A.connect(authority).evaluateGrant(id, r2, true, h("再评估"), ""), A, "AuthorizationRegistryWrongGrantStatus", [id, r2, Grant.Refused]);
      const noticeEnd = await noticeEndFrom(w);
      await A.connect(authority).startNotice(id, noticeEnd);
      await time.increaseTo(noticeEnd);
      const agreementId = await fileAgreement(w, await planAgreement(w, id));
      await expectRefused(w, () => A.connect(authority).activate(id, agreementId), A, "AuthorizationRegistryGrantsIncomplete", [id, 1, 2]);
    });
  });

  describe("views", () => {
    it("the views name the problem for unknown or inactive authorizations", async () => {
      const w = await loadFixture(deployWorld);
      const { r1, callId } = await withCall(w);
      const A = w.authorizations;
      const now = await time.latest();
      await expect(A.authorization(99)).to.be.revertedWithCustomError(A, "AuthorizationRegistryUnknownAuthorization").withArgs(99);
      await expect(A.statusAt(99, now)).to.be.revertedWithCustomError(A, "AuthorizationRegistryUnknownAuthorization").withArgs(99);
      await expect(A.requireActive(99)).to.be.revertedWithCustomError(A, "AuthorizationRegistryUnknownAuthorization").withArgs(99);
      expect(await A.isActive(99, now)).to.equal(false);
      const id = await applyFor(w, { resourceIds: [r1], callId });
      expect(await A.isActive(id, now)).to.equal(false);
      await expect(A.requireActive(id)).to.be.revertedWithCustomError(A, "AuthorizationRegistryWrongStatus").withArgs(id, AuthStatus.Applied);
      expect(await A.grantStatus(id, 99)).to.equal(Grant.None);
      expect(await A.inScope(id, 99)).to.equal(false);
    });
  });
});
