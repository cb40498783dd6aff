import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  deployWorld,
  createResource,
  resourceData,
  applyFor,
  publishCall,
  issueRegistration,
  h,
  DAY,
  Kind,
  ROLE,
  Share,
  Open,
  Consent,
  type World,
} from "../../helpers/fixture";
import { expectRefused, plain } from "../../helpers/state";
import { RESOURCE_TEXT, STATEMENT } from "../../helpers/texts";

/** IResourceCatalog.ResourceStatus. */
const RStatus = { None: 0, Proposed: 1, Listed: 2, Updated: 3, Delisted: 4, Rejected: 5 } as const;
const PStatus = { Suspended: 2 } as const;

async function propose(w: World, data = resourceData(), dept: "deptA" | "deptB" = "deptA"): Promise<bigint> {
  await w.catalog.connect(w.signers[dept]).proposeResource(w.ids[dept], data, RESOURCE_TEXT);
  return w.catalog.resourceCount();
}

describe("foundation: ResourceCatalog", () => {
  describe("C09 one source per data item", () => {
    it("C09 refuses a second source department for the same catalog key", async () => {
      const w = await loadFixture(deployWorld);
      const data = resourceData({ key: "企业登记信息" });
      const id = await propose(w, data, "deptA");
      expect((await w.catalog.resource(id)).sourceDeptId).to.equal(w.ids.deptA);
      expect(await w.catalog.resourceByKey(data.catalogKey)).to.equal(id);
      await expectRefused(w, () => w.catalog.connect(w.signers.deptB).proposeResource(w.ids.deptB, data, RESOURCE_TEXT), w.catalog, "ResourceCatalogDuplicateSource", [data.catalogKey, id, w.ids.deptA]);
      // nor can the same department file it twice
      await expectRefused(w, () => w.catalog.connect(w.signers.deptA).proposeResource(w.ids.deptA, data, RESOURCE_TEXT), w.catalog, "ResourceCatalogDuplicateSource", [data.catalogKey, id, w.ids.deptA]);
    });

    it("C09 a refused entry frees its key for the rightful source", async () => {
      const w = await loadFixture(deployWorld);
      const data = resourceData({ key: "车辆通行数据" });
      const wrong = await propose(w, data, "deptA");
      await w.catalog.connect(w.signers.authority).reviewResource(wrong, false, h("wrong source"));
      expect((await w.catalog.resource(wrong)).status).to.equal(RStatus.Rejected);
      expect(await w.catalog.resourceByKey(data.catalogKey)).to.equal(0);
      const right = await propose(w, data, "deptB");
      expect(await w.catalog.resourceByKey(data.catalogKey)).to.equal(right);
      expect((await w.catalog.resource(right)).sourceDeptId).to.equal(w.ids.deptB);
    });

    it("C09 a catalog change may not move the data item to another key", async () => {
      const w = await loadFixture(deployWorld);
      const id = await createResource(w, { register: false });
      await expectRefused(w, () => w.catalog.connect(w.signers.deptA).proposeChange(id, resourceData({ key: "other" }), RESOURCE_TEXT), w.catalog, "ResourceCatalogCatalogKeyChanged", [id]);
    });
  });

  describe("C10 share type, open attribute, desensitization, consent", () => {
    it("C10 records share type, open attribute, desensitization and consent", async () => {
      const w = await loadFixture(deployWorld);
      const data = resourceData({ shareType: Share.Unconditional, openAttribute: Open.NotOpen, desensitized: true, consent: Consent.Obtained, classification: 3 });
      const id = await propose(w, data);
      const r = await w.catalog.resource(id);
      expect(plain(r.data)).to.deep.equal(plain(Object.values(data)));
      expect(r.data.shareType).to.equal(Share.Unconditional);
      expect(r.data.openAttribute).to.equal(Open.NotOpen);
      expect(r.data.desensitized).to.equal(true);
      expect(r.data.consent).to.equal(Consent.Obtained);
    });

    it("C10 refuses to authorize non-open data that was not desensitized", async () => {
      const w = await loadFixture(deployWorld);
      const raw = await createResource(w, { openAttribute: Open.NotOpen, desensitized: false });
      await expect(w.catalog.requireAuthorizable(raw)).to.be.revertedWithCustomError(w.catalog, "ResourceCatalogNotOpenNotDesensitized").withArgs(raw);
      const callId = await publishCall(w);
      await expectRefused(w, () => applyFor(w, { resourceIds: [raw], callId }), w.catalog, "ResourceCatalogNotOpenNotDesensitized", [raw]);
      // desensitized non-open data may be authorized
      const clean = await createResource(w, { openAttribute: Open.NotOpen, desensitized: true });
      await w.catalog.requireAuthorizable(clean);
      const id = await applyFor(w, { resourceIds: [clean], callId });
      expect(await w.authorizations.inScope(id, clean)).to.equal(true);
    });

    it("C10 refuses to authorize data whose subjects' consent is required and not held", async () => {
      const w = await loadFixture(deployWorld);
      const r = await createResource(w, { consent: Consent.Required });
      await expect(w.catalog.requireAuthorizable(r)).to.be.revertedWithCustomError(w.catalog, "ResourceCatalogConsentMissing").withArgs(r);
      const callId = await publishCall(w);
      await expectRefused(w, () => applyFor(w, { resourceIds: [r], callId }), w.catalog, "ResourceCatalogConsentMissing", [r]);
      const withConsent = await createResource(w, { consent: Consent.Obtained });
      await w.catalog.requireAuthorizable(withConsent);
    });

    it("C10 once consent is recorded by an approved change, the resource becomes authorizable", async () => {
      const w = await loadFixture(deployWorld);
      const data = resourceData({ consent: Consent.Required });
      await w.catalog.connect(w.signers.deptA).proposeResource(w.ids.deptA, data, RESOURCE_TEXT);
      const id = await w.catalog.resourceCount();
      await w.catalog.connect(w.signers.authority).reviewResource(id, true, h("ok"));
      await issueRegistration(w, w.catalog, w.signers.deptA, id);
      await expect(w.catalog.requireAuthorizable(id)).to.be.revertedWithCustomError(w.catalog, "ResourceCatalogConsentMissing");
      await w.catalog.connect(w.signers.deptA).proposeChange(id, { ...data, consent: Consent.Obtained }, RESOURCE_TEXT);
      await w.catalog.connect(w.signers.authority).reviewChange(id, true, h("ok"), RESOURCE_TEXT);
      await w.catalog.requireAuthorizable(id);
    });
  });

  describe("C11 catalog changes recorded with their time", () => {
    it("C11 a change applies only on the authority's approval, recording when", async () => {
      const w = await loadFixture(deployWorld);
      const { deptA, authority } = w.signers;
      const id = await createResource(w, { register: false });
      const before = await w.catalog.resource(id);
      const changed = { ...resourceData(), catalogKey: before.data.catalogKey, classification: 3, metadataHash: h("metadata-v2") };
      await expect(w.catalog.connect(deptA).proposeChange(id, changed, RESOURCE_TEXT)).to.emit(w.catalog, "ResourceChangeProposed");
      expect((await w.catalog.resource(id)).changePending).to.equal(true);
      expect((await w.catalog.resource(id)).data.classification).to.equal(before.data.classification);
      expect(plain(await w.catalog.pendingChange(id))).to.deep.equal(plain(Object.values(changed)));
      await time.increase(3600);
      await expect(w.catalog.connect(authority).reviewChange(id, true, h("approved"), RESOURCE_TEXT)).to.emit(w.catalog, "ResourceChangeReviewed");
      const after = await w.catalog.resource(id);
      expect(after.status).to.equal(RStatus.Updated);
      expect(after.data.classification).to.equal(3);
      expect(after.changedAt).to.equal(await time.latest());
      expect(after.changedAt).to.be.greaterThan(before.changedAt);
      expect(after.changePending).to.equal(false);
    });

    it("C11 a refused change leaves the entry as it was", async () => {
      const w = await loadFixture(deployWorld);
      const id = await createResource(w, { register: false });
      const before = await w.catalog.resource(id);
      await w.catalog.connect(w.signers.deptA).proposeChange(id, { ...resourceData(), catalogKey: before.data.catalogKey, classification: 4 }, RESOURCE_TEXT);
      await w.catalog.connect(w.signers.authority).reviewChange(id, false, h("refused"), RESOURCE_TEXT);
      const after = await w.catalog.resource(id);
      expect(plain(after)).to.deep.equal(plain(before));
    });

    it("C11 the entry records proposal and approval times", async () => {
      const w = await loadFixture(deployWorld);
      const id = await propose(w);
      const proposedAt = await time.latest();
      expect((await w.catalog.resource(id)).status).to.equal(RStatus.Proposed);
      expect((await w.catalog.resource(id)).approvedAt).to.equal(0);
      await time.increase(DAY);
      await w.catalog.connect(w.signers.authority).reviewResource(id, true, h("approved"));
      const r = await w.catalog.resource(id);
      expect(r.proposedAt).to.equal(proposedAt);
      expect(r.approvedAt).to.equal(await time.latest());
      expect(r.status).to.equal(RStatus.Listed);
    });

    it("C11 a change pending when the resource is delisted cannot bring it back", async () => {
      const w = await loadFixture(deployWorld);
      const { deptA, authority } = w.signers;
      const id = await createResource(w);
      const key = (await w.catalog.resource(id)).data.catalogKey;
      await w.catalog.connect(deptA).proposeChange(id, { ...resourceData(), catalogKey: key, classification: 3 }, RESOURCE_TEXT);
      await w.catalog.connect(authority).delistResource(id, h("withdrawn"), STATEMENT);
      await expectRefused(w, () => w.catalog.connect(authority).reviewChange(id, true, h("approved"), RESOURCE_TEXT), w.catalog, "ResourceCatalogWrongStatus", [id, RStatus.Delisted]);
      expect((await w.catalog.resource(id)).status).to.equal(RStatus.Delisted);
      await expect(w.catalog.requireAuthorizable(id)).to.be.revertedWithCustomError(w.catalog, "ResourceCatalogWrongStatus").withArgs(id, RStatus.Delisted);
    });
  });

  describe("bad input", () => {
    it("refuses proposeResource() from anyone but an active signer of a source department, and invalid fields", async () => {
      const w = await loadFixture(deployWorld);
      const { deptA, deptB, operatorA, outsider, authority } = w.signers;
      const C = w.catalog;
      const P = w.participants;
      const data = resourceData();
      await expectRefused(w, () => C.connect(outsider).proposeResource(w.ids.deptA, data, RESOURCE_TEXT), P, "ParticipantRegistryNotActiveSigner", [w.ids.deptA, outsider.address]);
      await expectRefused(w, () => C.connect(deptB).proposeResource(w.ids.deptA, data, RESOURCE_TEXT), P, "ParticipantRegistryNotActiveSigner", [w.ids.deptA, deptB.address]);
      await expectRefused(w, () => C.connect(operatorA).proposeResource(w.ids.operatorA, data, RESOURCE_TEXT), P, "ParticipantRegistryWrongKind", [w.ids.operatorA, Kind.SourceDepartment, Kind.Operator]);
      await expectRefused(w, () => C.connect(deptA).proposeResource(99, data, RESOURCE_TEXT), P, "ParticipantRegistryUnknownParticipant", [99]);
      for (const [field, bad] of [
        ["catalogKey", { catalogKey: ethers.ZeroHash }],
        ["classification", { classification: 0 }],
        ["classification", { classification: 5 }],
        ["shareType", { shareType: 0 }],
        ["openAttribute", { openAttribute: 0 }],
        ["consent", { consent: 0 }],
        ["updateFrequency", { updateFrequency: 0 }],
        ["metadataHash", { metadataHash: ethers.ZeroHash }],
      ] as const) {
        await expectRefused(w, () => C.connect(deptA).proposeResource(w.ids.deptA, { ...data, ...bad }, RESOURCE_TEXT), C, "ResourceCatalogInvalidData", [field]);
      }
      await P.connect(authority).suspend(w.ids.deptA, h("suspended"));
      await expectRefused(w, () => C.connect(deptA).proposeResource(w.ids.deptA, data, RESOURCE_TEXT), P, "ParticipantRegistryInvalidStatus", [w.ids.deptA, PStatus.Suspended]);
    });

    it("refuses reviewResource() by non-authorities, for unknown entries, and twice", async () => {
      const w = await loadFixture(deployWorld);
      const { authority, deptA, outsider } = w.signers;
      const C = w.catalog;
      const id = await propose(w);
      await expectRefused(w, () => C.connect(deptA).reviewResource(id, true, h("o")), C, "HubConsumerUnauthorized", [deptA.address, ROLE.DATA_AUTHORITY]);
      await expectRefused(w, () => C.connect(outsider).reviewResource(id, true, h("o")), C, "HubConsumerUnauthorized", [outsider.address, ROLE.DATA_AUTHORITY]);
      await expectRefused(w, () => C.connect(authority).reviewResource(99, true, h("o")), C, "ResourceCatalogUnknownResource", [99]);
      await C.connect(authority).reviewResource(id, true, h("o"));
      await expectRefused(w, () => C.connect(authority).reviewResource(id, false, h("o")), C, "ResourceCatalogWrongStatus", [id, RStatus.Listed]);
    });

    it("refuses proposeChange() by another department, before listing, twice, or with invalid fields", async () => {
      const w = await loadFixture(deployWorld);
      const { authority, deptA, deptB } = w.signers;
      const C = w.catalog;
      const proposed = await propose(w);
      const key = (await C.resource(proposed)).data.catalogKey;
      const change = { ...resourceData(), catalogKey: key };
      await expectRefused(w, () => C.connect(deptA).proposeChange(99, change, RESOURCE_TEXT), C, "ResourceCatalogUnknownResource", [99]);
      await expectRefused(w, () => C.connect(deptA).proposeChange(proposed, change, RESOURCE_TEXT), C, "ResourceCatalogWrongStatus", [proposed, RStatus.Proposed]);
      await C.connect(authority).reviewResource(proposed, true, h("o"));
      await expectRefused(w, () => C.connect(deptB).proposeChange(proposed, change, RESOURCE_TEXT), w.participants, "ParticipantRegistryNotActiveSigner", [w.ids.deptA, deptB.address]);
      await expectRefused(w, () => C.connect(deptA).proposeChange(proposed, { ...change, metadataHash: ethers.ZeroHash }, RESOURCE_TEXT), C, "ResourceCatalogInvalidData", ["metadataHash"]);
      await C.connect(deptA).proposeChange(proposed, change, RESOURCE_TEXT);
      await expectRefused(w, () => C.connect(deptA).proposeChange(proposed, change, RESOURCE_TEXT), C, "ResourceCatalogChangePending", [proposed]);
      await C.connect(authority).reviewChange(proposed, false, h("no"), RESOURCE_TEXT);
      await C.connect(authority).delistResource(proposed, h("gone"), STATEMENT);
      await expectRefused(w, () => C.connect(deptA).proposeChange(proposed, change, RESOURCE_TEXT), C, "ResourceCatalogWrongStatus", [proposed, RStatus.Delisted]);
    });

    it("refuses reviewChange() by non-authorities, for unknown entries, or with no pending change", async () => {
      const w = await loadFixture(deployWorld);
      const { authority, deptA } = w.signers;
      const C = w.catalog;
      const id = await createResource(w, { register: false });
      await expectRefused(w, () => C.connect(authority).reviewChange(id, true, h("o"), RESOURCE_TEXT), C, "ResourceCatalogNoPendingChange", [id]);
      await expect(C.pendingChange(id)).to.be.revertedWithCustomError(C, "ResourceCatalogNoPendingChange").withArgs(id);
      await expectRefused(w, () => C.connect(authority).reviewChange(99, true, h("o"), RESOURCE_TEXT), C, "ResourceCatalogUnknownResource", [99]);
      await C.connect(deptA).proposeChange(id, { ...resourceData(), catalogKey: (await C.resource(id)).data.catalogKey }, RESOURCE_TEXT);
      await expectRefused(w, () => C.connect(deptA).reviewChange(id, true, h("o"), RESOURCE_TEXT), C, "HubConsumerUnauthorized", [deptA.address, ROLE.DATA_AUTHORITY]);
      await C.connect(authority).reviewChange(id, true, h("o"), RESOURCE_TEXT);
      await expectRefused(w, () => C.connect(authority).reviewChange(id, true, h("o"), RESOURCE_TEXT), C, "ResourceCatalogNoPendingChange", [id]);
    });

    it("refuses delistResource() by non-authorities, for unknown, unlisted or delisted entries", async () => {
      const w = await loadFixture(deployWorld);
      const { authority, deptA } = w.signers;
      const C = w.catalog;
      const proposed = await propose(w);
      await expectRefused(w, () => C.connect(authority).delistResource(99, h("r"), STATEMENT), C, "ResourceCatalogUnknownResource", [99]);
      await expectRefused(w, () => C.connect(authority).delistResource(proposed, h("r"), STATEMENT), C, "ResourceCatalogWrongStatus", [proposed, RStatus.Proposed]);
      await C.connect(authority).reviewResource(proposed, true, h("o"));
      await expectRefused(w, () => C.connect(deptA).delistResource(proposed, h("r"), STATEMENT), C, "HubConsumerUnauthorized", [deptA.address, ROLE.DATA_AUTHORITY]);
      await expect(C.connect(authority).delistResource(proposed, h("r"), STATEMENT)).to.emit(C, "ResourceDelisted").withArgs(proposed, h("r"), STATEMENT, authority.address);
      await expectRefused(w, () => C.connect(authority).delistResource(proposed, h("r"), STATEMENT), C, "ResourceCatalogWrongStatus", [proposed, RStatus.Delisted]);
    });

    it("the views name the problem: unknown, unlisted or unregistered resources are not authorizable", async () => {
      const w = await loadFixture(deployWorld);
      const C = w.catalog;
      await expect(C.resource(99)).to.be.revertedWithCustomError(C, "ResourceCatalogUnknownResource").withArgs(99);
      await expect(C.requireAuthorizable(99)).to.be.revertedWithCustomError(C, "ResourceCatalogUnknownResource").withArgs(99);
      const proposed = await propose(w);
      await expect(C.requireAuthorizable(proposed)).to.be.revertedWithCustomError(C, "ResourceCatalogWrongStatus").withArgs(proposed, RStatus.Proposed);
      const unregistered = await createResource(w, { register: false });
      await expect(C.requireAuthorizable(unregistered)).to.be.revertedWithCustomError(C, "ResourceCatalogNotRegistered").withArgs(unregistered);
      expect(await C.resourceByKey(h("never filed"))).to.equal(0);
    });
  });
});
