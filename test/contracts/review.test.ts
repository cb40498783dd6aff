/**
 * Findings of the contract review: each test failed before its fix.
 */
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  noticeEndFrom,
  deployWorld,
  createResource,
  resourceData,
  applyFor,
  approveAuthorization,
  confirmGrants,
  toNoticeOver,
  h,
  AuthStatus,
  Open,

} from "../helpers/fixture";
import { activeOperator } from "../helpers/foundation";
import { fileAgreement, planAgreement, proposeAgreement } from "../helpers/agreements";
import { AgreementStatus } from "../../scripts/lib/agreements";
import { expectRefused } from "../helpers/state";
import { RESOURCE_TEXT, STATEMENT } from "../helpers/texts";

describe("review findings", () => {
  it("C05 C24 refuses to terminate the agreement of a live authorization: revoke it first, then the agreement", async () => {
    const w = await loadFixture(deployWorld);
    const { authority } = w.signers;
    const id = await activeOperator(w);
    const agreementId = (await w.authorizations.authorization(id)).agreementId;
    // Terminating the agreement must not leave the authorization active without one (001 第十四条).
    await expectRefused(w, () => w.agreements.connect(authority).terminate(agreementId, h("ended"), STATEMENT), w.agreements,
      "AgreementRegistryGovernsLiveAuthorization", [agreementId, id]);
    await w.authorizations.connect(authority).suspend(id, h("rectify"), STATEMENT);
    await expectRefused(w, () => w.agreements.connect(authority).terminate(agreementId, h("ended"), STATEMENT), w.agreements,
      "AgreementRegistryGovernsLiveAuthorization", [agreementId, id]);
    await w.authorizations.connect(authority).revoke(id, h("revoked"), STATEMENT);
    await expect(w.agreements.connect(authority).terminate(agreementId, h("ended"), STATEMENT))
      .to.emit(w.agreements, "AgreementTerminated")
      .withArgs(agreementId, id, AgreementStatus.Filed, h("ended"), STATEMENT, authority.address);
    expect((await w.authorizations.authorization(id)).status).to.equal(AuthStatus.Revoked);
  });

  it("C10 refuses to activate an authorization over a resource delisted after the application", async () => {
    const w = await loadFixture(deployWorld);
    const { authority } = w.signers;
    const r = await createResource(w);
    const id = await applyFor(w, { resourceIds: [r] });
    await toNoticeOver(w, id);
    await w.catalog.connect(authority).delistResource(r, h("withdrawn"), STATEMENT);
    const agreementId = await fileAgreement(w, await planAgreement(w, id));
    await expectRefused(w, () => w.authorizations.connect(authority).activate(id, agreementId), w.catalog,
      "ResourceCatalogWrongStatus", [r, 4]);
  });

  it("C10 refuses to activate an authorization over a resource changed to non-open, not desensitized data", async () => {
    const w = await loadFixture(deployWorld);
    const { authority, deptA } = w.signers;
    const r = await createResource(w, { key: "review-c10" });
    const id = await applyFor(w, { resourceIds: [r] });
    await toNoticeOver(w, id);
    await w.catalog.connect(deptA).proposeChange(r, resourceData({ key: "review-c10", openAttribute: Open.NotOpen }), RESOURCE_TEXT);
    await w.catalog.connect(authority).reviewChange(r, true, h("ok"), RESOURCE_TEXT);
    const agreementId = await fileAgreement(w, await planAgreement(w, id));
    await expectRefused(w, () => w.authorizations.connect(authority).activate(id, agreementId), w.catalog,
      "ResourceCatalogNotOpenNotDesensitized", [r]);
  });

  it("C04 refuses to propose an agreement before the public notice of the decision is over", async () => {
    const w = await loadFixture(deployWorld);
    const { authority } = w.signers;
    const r = await createResource(w);
    const id = await applyFor(w, { resourceIds: [r] });
    // Not even approved yet: no notice has started.
    await expectRefused(w, async () => proposeAgreement(w, await planAgreement(w, id)), w.agreements,
      "AgreementRegistryNoticeNotOver", [id, 0]);
    await approveAuthorization(w, id);
    await confirmGrants(w, id);
    const noticeEnd = await noticeEndFrom(w);
    await w.authorizations.connect(authority).startNotice(id, noticeEnd);
    // 000 第十条(6): 结果公示期满且无异议的 ... 组织签订协议.
    await expectRefused(w, async () => proposeAgreement(w, await planAgreement(w, id)), w.agreements,
      "AgreementRegistryNoticeNotOver", [id, noticeEnd]);
    await time.increaseTo(noticeEnd);
    const agreementId = await fileAgreement(w, await planAgreement(w, id));
    await w.authorizations.connect(authority).activate(id, agreementId);
    expect(await w.authorizations.isActive(id, await time.latest())).to.equal(true);
  });
});
