import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  deployWorld,
  createResource,
  issueRegistration,
  publishCall,
  applyFor,
  h,
  ROLE,
  DAY,
  RegKind,
  resourceData,
  type World,
} from "../../helpers/fixture";
import { expectRefused } from "../../helpers/state";
import { addYearsCst } from "../../helpers/dates";
import { RESOURCE_TEXT, registrationCode } from "../../helpers/texts";

/** RegistrationStep. */
const Step = { None: 0, Applied: 1, Accepted: 2, Reviewed: 3, Noticed: 4, Issued: 5, Rejected: 6 } as const;

async function lastApplication(w: World): Promise<bigint> {
  const events = await w.catalog.queryFilter(w.catalog.filters.RegistrationApplied());
  return events[events.length - 1].args.applicationId;
}

/** A listed resource without registration, and the open initial application for it. */
async function applied(w: World, kind: number = RegKind.Initial, resourceId?: bigint) {
  const id = resourceId ?? (await createResource(w, { register: false }));
  await w.catalog.connect(w.signers.deptA).applyRegistration(id, kind, h("materials"));
  return { id, app: await lastApplication(w) };
}

describe("foundation: registration (登记)", () => {
  it("C36 walks apply -> accept -> review -> notice -> issue, and the code is valid 3 calendar years", async () => {
    const w = await loadFixture(deployWorld);
    const { authority, deptA } = w.signers;
    const C = w.catalog;
    const id = await createResource(w, { register: false });
    await expect(C.connect(deptA).applyRegistration(id, RegKind.Initial, h("materials")))
      .to.emit(C, "RegistrationApplied")
      .withArgs(1, id, RegKind.Initial, h("materials"), deptA.address);
    expect((await C.registrationOf(id)).pendingApplication).to.equal(1);
    await expect(C.connect(authority).acceptRegistration(1, h("accepted"))).to.emit(C, "RegistrationAdvanced").withArgs(1, id, Step.Accepted, h("accepted"), 0, authority.address);
    await C.connect(authority).reviewRegistration(1, true, h("reviewed"));
    const noticeEnd = (await time.latest()) + 5 * DAY + 10;
    await C.connect(authority).noticeRegistration(1, noticeEnd);
    expect((await C.registrationApplication(1)).step).to.equal(Step.Noticed);
    expect((await C.registrationApplication(1)).noticeEnd).to.equal(noticeEnd);
    await time.increaseTo(noticeEnd);
    const code = registrationCode("GD-HZ-2026-0001");
    await C.connect(authority).issueRegistration(1, code);
    const issuedAt = await time.latest();
    const rec = await C.registrationOf(id);
    expect(rec.code).to.equal(code);
    expect(rec.issuedAt).to.equal(issuedAt);
    expect(rec.validUntil).to.equal(addYearsCst(issuedAt, 3));
    expect(rec.pendingApplication).to.equal(0);
    expect(await C.isRegistered(id, issuedAt)).to.equal(true);
    expect(await C.isRegistered(id, rec.validUntil - 1n)).to.equal(true);
    expect(await C.isRegistered(id, rec.validUntil)).to.equal(false);
    expect((await C.registrationApplication(1)).step).to.equal(Step.Issued);
  });

  it("C36 a resource in authorized operation must be registered, and a lapsed registration stops new authorizations", async () => {
    const w = await loadFixture(deployWorld);
    const unregistered = await createResource(w, { register: false });
    const callId = await publishCall(w);
    await expectRefused(w, () => applyFor(w, { resourceIds: [unregistered], callId }), w.catalog, "ResourceCatalogNotRegistered", [unregistered]);
    const registered = await createResource(w);
    await applyFor(w, { resourceIds: [registered], callId });
    const until = (await w.catalog.registrationOf(registered)).validUntil;
    await time.increaseTo(until);
    await expect(w.catalog.requireAuthorizable(registered)).to.be.revertedWithCustomError(w.catalog, "ResourceCatalogNotRegistered").withArgs(registered);
  });

  it("C36 renewal extends validity by 3 years from the old end; change and correction keep code and validity", async () => {
    const w = await loadFixture(deployWorld);
    const id = await createResource(w);
    const first = await w.catalog.registrationOf(id);
    await issueRegistration(w, w.catalog, w.signers.deptA, id, RegKind.Change);
    await issueRegistration(w, w.catalog, w.signers.deptA, id, RegKind.Correction);
    const kept = await w.catalog.registrationOf(id);
    expect([kept.code, kept.issuedAt, kept.validUntil]).to.deep.equal([first.code, first.issuedAt, first.validUntil]);
    await time.increaseTo(first.validUntil - BigInt(30 * DAY)); // inside the renewal window
    await issueRegistration(w, w.catalog, w.signers.deptA, id, RegKind.Renewal);
    const renewed = await w.catalog.registrationOf(id);
    expect(renewed.code).to.equal(first.code);
    expect(renewed.validUntil).to.equal(addYearsCst(first.validUntil, 3));
  });

  it("C36 renewals do not stack: a renewal opens in the last 90 days of validity, one period at a time", async () => {
    const w = await loadFixture(deployWorld);
    const id = await createResource(w);
    const first = await w.catalog.registrationOf(id);
    const opensAt = first.validUntil - BigInt(90 * DAY);
    const apply = () => w.catalog.connect(w.signers.deptA).applyRegistration(id, RegKind.Renewal, h("materials"));
    await expectRefused(w, apply, w.catalog, "RegistrableRenewalTooEarly", [id, opensAt]);
    await time.increaseTo(opensAt - 10n);
    await expectRefused(w, apply, w.catalog, "RegistrableRenewalTooEarly", [id, opensAt]);
    await time.increaseTo(opensAt);
    await issueRegistration(w, w.catalog, w.signers.deptA, id, RegKind.Renewal);
    const renewed = await w.catalog.registrationOf(id);
    expect(renewed.validUntil).to.equal(addYearsCst(first.validUntil, 3));
    // A second renewal at once would have stacked a third period: refused until the new window.
    await expectRefused(w, apply, w.catalog, "RegistrableRenewalTooEarly", [id, renewed.validUntil - BigInt(90 * DAY)]);
    // A lapsed registration renews from the day of issue.
    await time.increaseTo(renewed.validUntil + BigInt(10 * DAY));
    await issueRegistration(w, w.catalog, w.signers.deptA, id, RegKind.Renewal);
    const late = await w.catalog.registrationOf(id);
    expect(late.validUntil > renewed.validUntil + BigInt(3 * 365 * DAY)).to.equal(true);
  });

  it("C36 deregistration ends the registration; only a new initial registration (with a new code) restores it", async () => {
    const w = await loadFixture(deployWorld);
    const id = await createResource(w);
    const first = await w.catalog.registrationOf(id);
    await issueRegistration(w, w.catalog, w.signers.deptA, id, RegKind.Deregistration);
    const rec = await w.catalog.registrationOf(id);
    expect(rec.deregistered).to.equal(true);
    expect(await w.catalog.isRegistered(id, await time.latest())).to.equal(false);
    await expect(w.catalog.requireAuthorizable(id)).to.be.revertedWithCustomError(w.catalog, "ResourceCatalogNotRegistered");
    for (const kind of [RegKind.Change, RegKind.Correction, RegKind.Renewal, RegKind.Deregistration]) {
      await expectRefused(w, () => w.catalog.connect(w.signers.deptA).applyRegistration(id, kind, h("m")), w.catalog, "RegistrableInvalidKind", [id, kind]);
    }
    // the old code names this subject for ever: a new initial registration needs a new one
    await w.catalog.connect(w.signers.deptA).applyRegistration(id, RegKind.Initial, h("m"));
    const app = await lastApplication(w);
    await w.catalog.connect(w.signers.authority).acceptRegistration(app, h("a"));
    await w.catalog.connect(w.signers.authority).reviewRegistration(app, true, h("r"));
    const end = (await time.latest()) + 6 * DAY;
    await w.catalog.connect(w.signers.authority).noticeRegistration(app, end);
    await time.increaseTo(end);
    await expectRefused(w, () => w.catalog.connect(w.signers.authority).issueRegistration(app, first.code), w.catalog, "RegistrableCodeTaken", [first.code, id]);
    await w.catalog.connect(w.signers.authority).issueRegistration(app, registrationCode("NEW-CODE"));
    expect(await w.catalog.isRegistered(id, await time.latest())).to.equal(true);
  });

  it("C36 a failed review rejects the application and frees the subject for a new one", async () => {
    const w = await loadFixture(deployWorld);
    const { id, app } = await applied(w);
    await w.catalog.connect(w.signers.authority).acceptRegistration(app, h("a"));
    await w.catalog.connect(w.signers.authority).reviewRegistration(app, false, h("incomplete"));
    expect((await w.catalog.registrationApplication(app)).step).to.equal(Step.Rejected);
    expect((await w.catalog.registrationOf(id)).pendingApplication).to.equal(0);
    const end = (await time.latest()) + 10 * DAY;
    await expectRefused(w, () => w.catalog.connect(w.signers.authority).noticeRegistration(app, end), w.catalog, "RegistrableWrongStep", [app, Step.Rejected]);
    await w.catalog.connect(w.signers.deptA).applyRegistration(id, RegKind.Initial, h("m2"));
  });

  it("C36 refuses applyRegistration() from others, for unlisted or unknown subjects, the wrong kind, zero hashes, or while one is open", async () => {
    const w = await loadFixture(deployWorld);
    const { deptA, deptB, outsider } = w.signers;
    const C = w.catalog;
    const P = w.participants;
    const id = await createResource(w, { register: false });
    await expectRefused(w, () => C.connect(deptB).applyRegistration(id, RegKind.Initial, h("m")), P, "ParticipantRegistryNotActiveSigner", [w.ids.deptA, deptB.address]);
    await expectRefused(w, () => C.connect(outsider).applyRegistration(id, RegKind.Initial, h("m")), P, "ParticipantRegistryNotActiveSigner", [w.ids.deptA, outsider.address]);
    await expectRefused(w, () => C.connect(deptA).applyRegistration(99, RegKind.Initial, h("m")), C, "ResourceCatalogUnknownResource", [99]);
    await expectRefused(w, () => C.connect(deptA).applyRegistration(id, RegKind.Initial, ethers.ZeroHash), C, "RegistrableZeroHash");
    await expectRefused(w, () => C.connect(deptA).applyRegistration(id, RegKind.None, h("m")), C, "RegistrableInvalidKind", [id, RegKind.None]);
    for (const kind of [RegKind.Change, RegKind.Correction, RegKind.Renewal, RegKind.Deregistration]) {
      await expectRefused(w, () => C.connect(deptA).applyRegistration(id, kind, h("m")), C, "RegistrableInvalidKind", [id, kind]);
    }
    await C.connect(deptA).applyRegistration(id, RegKind.Initial, h("m"));
    const app = await lastApplication(w);
    await expectRefused(w, () => C.connect(deptA).applyRegistration(id, RegKind.Initial, h("m")), C, "RegistrableApplicationPending", [id, app]);
    // a registered subject cannot be registered initially again
    const registered = await createResource(w);
    await expectRefused(w, () => C.connect(deptA).applyRegistration(registered, RegKind.Initial, h("m")), C, "RegistrableInvalidKind", [registered, RegKind.Initial]);
    // an entry that is only proposed cannot be registered
    await C.connect(deptA).proposeResource(w.ids.deptA, resourceData(), RESOURCE_TEXT);
    const proposed = await C.resourceCount();
    await expectRefused(w, () => C.connect(deptA).applyRegistration(proposed, RegKind.Initial, h("m")), C, "ResourceCatalogWrongStatus", [proposed, 1]);
  });

  it("C36 refuses each step by a non-authority, out of order, repeated, or on an unknown application", async () => {
    const w = await loadFixture(deployWorld);
    const { authority, deptA } = w.signers;
    const C = w.catalog;
    const A = C.connect(authority);
    const { app } = await applied(w);
    const later = (await time.latest()) + 30 * DAY;
    for (const call of [
      () => C.connect(deptA).acceptRegistration(app, h("a")),
      () => C.connect(deptA).reviewRegistration(app, true, h("r")),
      () => C.connect(deptA).noticeRegistration(app, later),
      () => C.connect(deptA).issueRegistration(app, registrationCode("C")),
    ]) {
      await expectRefused(w, call, C, "HubConsumerUnauthorized", [deptA.address, ROLE.DATA_AUTHORITY]);
    }
    for (const call of [
      () => A.acceptRegistration(99, h("a")),
      () => A.reviewRegistration(99, true, h("r")),
      () => A.noticeRegistration(99, later),
      () => A.issueRegistration(99, registrationCode("C")),
    ]) {
      await expectRefused(w, call, C, "RegistrableUnknownApplication", [99]);
    }
    await expect(C.registrationApplication(99)).to.be.revertedWithCustomError(C, "RegistrableUnknownApplication").withArgs(99);
    // out of order from Applied
    await expectRefused(w, () => A.reviewRegistration(app, true, h("r")), C, "RegistrableWrongStep", [app, Step.Applied]);
    await expectRefused(w, () => A.noticeRegistration(app, later), C, "RegistrableWrongStep", [app, Step.Applied]);
    await expectRefused(w, () => A.issueRegistration(app, registrationCode("C")), C, "RegistrableWrongStep", [app, Step.Applied]);
    await A.acceptRegistration(app, h("a"));
    await expectRefused(w, () => A.acceptRegistration(app, h("a")), C, "RegistrableWrongStep", [app, Step.Accepted]);
    await expectRefused(w, () => A.reviewRegistration(app, true, ethers.ZeroHash), C, "RegistrableZeroHash");
    await A.reviewRegistration(app, true, h("r"));
    await expectRefused(w, () => A.reviewRegistration(app, true, h("r")), C, "RegistrableWrongStep", [app, Step.Reviewed]);
    // the notice lasts at least the profile minimum
    const t = (await time.latest()) + 100;
    const earliest = t + w.profile.registrationNoticeWorkingDays * DAY;
    await time.setNextBlockTimestamp(t);
    await expectRefused(w, () => A.noticeRegistration(app, earliest - 1), C, "RegistrableNoticeTooShort", [earliest - 1, earliest]);
    await time.setNextBlockTimestamp(t + 1);
    await A.noticeRegistration(app, earliest + 1);
    await expectRefused(w, () => A.noticeRegistration(app, later), C, "RegistrableWrongStep", [app, Step.Noticed]);
    // no code while the notice is open
    await expectRefused(w, () => A.issueRegistration(app, registrationCode("C")), C, "RegistrableNoticeOpen", [app, earliest + 1]);
    await time.increaseTo(earliest + 1);
    await expectRefused(w, () => A.issueRegistration(app, ethers.ZeroHash), C, "RegistrableRegistrationCodeInvalid", [ethers.ZeroHash]);
    await A.issueRegistration(app, registrationCode("C"));
    await expectRefused(w, () => A.issueRegistration(app, registrationCode("CODE-2")), C, "RegistrableWrongStep", [app, Step.Issued]);
  });
});
