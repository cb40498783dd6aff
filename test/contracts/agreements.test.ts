import { expect } from "chai";
import { deployChain, proposeScenario } from "../helpers/products";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { BaseContract } from "ethers";
import {
  deployWorld,
  createResource,
  applyFor,
  toNoticeOver,
  h,
  AuthStatus,
  type World,
} from "../helpers/fixture";
import {
  activateAuthorization,
  fileAgreement,
  offChainApproval,
  planAgreement,
  proposalOf,
  proposeAgreement,
  signAll,
  signerOf,
  type AgreementPlan,
} from "../helpers/agreements";
import {
  AgreementKind,
  AgreementStatus,
  PartyRole,
  agreementScopeDigest,
  agreementSignatureTypedData,
  odrlResourceIds,
  signAgreement,
} from "../../scripts/lib/agreements";
import { loadProfile } from "../../policy/profile";
import { STATEMENT, TITLE_TEXT } from "../helpers/texts";

// ===== FIXTURES =====

/** A tier-1 authorization of operatorA over one resource of deptA, past its notice. */
async function noticedTier1() {
  const w = await deployWorld();
  const rA = await createResource(w, { dept: "deptA" });
  const id = await applyFor(w, { resourceIds: [rA] });
  await toNoticeOver(w, id);
  return { w, rA, id };
}

/** An active operator authorization over a resource of deptA and one of deptB, and a
 * developer's child authorization over both, past its notice. */
async function noticedTier2(profileId = "huizhou") {
  const w = await deployWorld(profileId);
  const rA = await createResource(w, { dept: "deptA" });
  const rB = await createResource(w, { dept: "deptB" });
  const parentId = await applyFor(w, { resourceIds: [rA, rB], termYears: Math.min(3, w.profile.maxTermYears) });
  await toNoticeOver(w, parentId);
  const parentAgreementId = await activateAuthorization(w, parentId);
  const childId = await applyFor(w, { parentId, resourceIds: [rA, rB], termYears: 1 });
  await toNoticeOver(w, childId);
  return { w, rA, rB, parentId, childId, parentAgreementId };
}

const noticedTier2Guangming = () => noticedTier2("guangming");
const noticedTier2Yangzhou = () => noticedTier2("yangzhou");

/** A tier-1 agreement proposed and not signed by anyone. */
async function proposedTier1() {
  const f = await noticedTier1();
  const plan = await planAgreement(f.w, f.id);
  const agreementId = await proposeAgreement(f.w, plan);
  return { ...f, plan, agreementId };
}

// ===== STATE DIGEST =====

const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));

/** Everything the agreement and authorization registries store, through their getters. */
async function agreementState(w: World): Promise<string> {
  const out: unknown[] = [];
  const n = await w.agreements.agreementCount();
  out.push(n);
  for (let id = 1n; id <= n; id++) {
    const a = await w.agreements.agreement(id);
    out.push(a);
    for (const p of a.partyIds) out.push(await w.agreements.signatureOf(id, p));
  }
  const m = await w.authorizations.authorizationCount();
  for (let id = 1n; id <= m; id++) out.push(await w.authorizations.authorization(id));
  return json(out);
}

/** Expects a custom-error revert and no change of stored state. */
async function expectRefused(
  w: World,
  action: () => Promise<unknown>,
  contract: BaseContract,
  error: string,
  args?: unknown[],
): Promise<void> {
  const before = await agreementState(w);
  const assertion = expect(action()).to.be.revertedWithCustomError(contract, error);
  await (args ? assertion.withArgs(...args) : assertion);
  expect(await agreementState(w)).to.equal(before);
}

const withParties = (plan: AgreementPlan, partyIds: bigint[], proposerId = plan.proposerId): AgreementPlan => ({
  ...plan,
  proposerId,
  partyIds: [...partyIds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
});

describe("AgreementRegistry", () => {
  describe("helper and happy path", () => {
    it("activateAuthorization activates a tier-1 and a tier-2 authorization", async () => {
      const { w, parentId, childId } = await loadFixture(noticedTier2);
      expect((await w.authorizations.authorization(parentId)).status).to.equal(AuthStatus.Active);
      const agreementId = await activateAuthorization(w, childId);
      const child = await w.authorizations.authorization(childId);
      expect(child.status).to.equal(AuthStatus.Active);
      expect(child.agreementId).to.equal(agreementId);
      expect((await w.agreements.agreement(agreementId)).kind).to.equal(AgreementKind.DevelopmentAuthorization);
    });

    it("emits every field: proposed, signed (on chain and off line), took effect", async () => {
      const { w, id } = await loadFixture(noticedTier1);
      const plan = await planAgreement(w, id);
      const operator = w.signers.operatorA;
      await expect(w.agreements.connect(operator).propose(proposalOf(plan)))
        .to.emit(w.agreements, "AgreementProposed")
        .withArgs(1n, id, w.ids.operatorA, (r: unknown[]) => r[7] === plan.termsDigest, TITLE_TEXT, operator.address);
      await expect(w.agreements.connect(operator).sign(1n, w.ids.operatorA))
        .to.emit(w.agreements, "AgreementSigned")
        .withArgs(1n, w.ids.operatorA, operator.address, false, 0n, 1n, 2n, operator.address);
      const approval = await offChainApproval(w, 1n, w.ids.authority, { nonce: 77n });
      const tx = w.agreements.connect(w.signers.outsider).submitSignatures(1n, [approval]);
      await expect(tx)
        .to.emit(w.agreements, "AgreementSigned")
        .withArgs(1n, w.ids.authority, w.signers.authority.address, true, 77n, 2n, 2n, w.signers.outsider.address);
      await expect(tx).to.emit(w.agreements, "AgreementTookEffect").withArgs(1n, id, await time.latest());
      const a = await w.agreements.agreement(1n);
      expect(a.status).to.equal(AgreementStatus.Effective);
      expect(a.signatureCount).to.equal(2n);
      expect((await w.agreements.signatureOf(1n, w.ids.authority)).offChain).to.equal(true);
      expect(await w.agreements.nonceUsed(w.signers.authority.address, 77n)).to.equal(true);
    });

    it("accepts an ERC-1271 contract wallet as a party's signer key", async () => {
      const { w, agreementId } = await loadFixture(proposedTier1);
      const wallet = await (await ethers.getContractFactory("ERC1271WalletMock")).deploy(w.signers.expert4.address);
      const walletAddress = await wallet.getAddress();
      await w.participants.connect(w.signers.authority).addSigner(w.ids.authority, walletAddress);
      const a = await w.agreements.agreement(agreementId);
      const approval = await signAgreement(w.signers.expert4, {
        chainId: (await ethers.provider.getNetwork()).chainId,
        verifyingContract: await w.agreements.getAddress(),
        agreementId,
        documentHash: a.documentHash,
        termsDigest: a.termsDigest,
        partyId: w.ids.authority,
        nonce: 1n,
        deadline: BigInt(await time.latest()) + 600n,
      });
      await w.agreements.submitSignatures(agreementId, [{ ...approval, signer: walletAddress }]);
      expect((await w.agreements.signatureOf(agreementId, w.ids.authority)).signer).to.equal(walletAddress);
    });

    it("the TypeScript typed data and the contract agree on domain and digest", async () => {
      const { w } = await loadFixture(proposedTier1);
      const chainId = (await ethers.provider.getNetwork()).chainId;
      const verifyingContract = await w.agreements.getAddress();
      const td = agreementSignatureTypedData({
        chainId,
        verifyingContract,
        agreementId: 9n,
        documentHash: h("doc"),
        termsDigest: h("terms"),
        partyId: 3n,
        nonce: 5n,
        deadline: 1_900_000_000n,
      });
      const domain = await w.agreements.eip712Domain();
      expect([domain.name, domain.version, domain.chainId, domain.verifyingContract]).to.deep.equal([
        td.domain.name,
        td.domain.version,
        chainId,
        verifyingContract,
      ]);
      expect(await w.agreements.signatureDigest(9n, h("doc"), h("terms"), 3n, 5n, 1_900_000_000n)).to.equal(
        ethers.TypedDataEncoder.hash(td.domain, td.types, td.value),
      );
    });
  });

  describe("C05 activation needs a signed, filed agreement that covers the authorization", () => {
    it("C05 refuses to activate with an agreement that is not filed", async () => {
      const { w, id, agreementId } = await loadFixture(proposedTier1);
      const authority = w.signers.authority;
      await expectRefused(w, () => w.authorizations.connect(authority).activate(id, agreementId), w.agreements,
        "AgreementRegistryNotFiled", [agreementId, AgreementStatus.Proposed]);
      await signAll(w, agreementId);
      await expectRefused(w, () => w.authorizations.connect(authority).activate(id, agreementId), w.agreements,
        "AgreementRegistryNotFiled", [agreementId, AgreementStatus.Effective]);
      await w.agreements.connect(authority).file(agreementId, h("filing"));
      await w.authorizations.connect(authority).activate(id, agreementId);
      expect((await w.authorizations.authorization(id)).status).to.equal(AuthStatus.Active);
    });

    it("C05 refuses to activate with an unknown agreement", async () => {
      const { w, id } = await loadFixture(noticedTier1);
      await expectRefused(w, () => w.authorizations.connect(w.signers.authority).activate(id, 42n), w.agreements,
        "AgreementRegistryUnknownAgreement", [42n]);
    });

    it("C05 refuses to activate with an agreement that governs another authorization", async () => {
      const { w, id, rA } = await loadFixture(noticedTier1);
      const other = await applyFor(w, { holder: "operatorB", resourceIds: [rA] });
      await toNoticeOver(w, other);
      const agreementId = await fileAgreement(w, await planAgreement(w, other));
      await expectRefused(w, () => w.authorizations.connect(w.signers.authority).activate(id, agreementId),
        w.agreements, "AgreementRegistryGovernsOther", [agreementId, other, id]);
    });

    it("C05 refuses an agreement whose term does not cover the authorization's", async () => {
      const { w, id } = await loadFixture(noticedTier1);
      const a = await w.authorizations.authorization(id);
      const agreementId = await fileAgreement(w, await planAgreement(w, id, { termEnd: a.termEnd - 1n }));
      await expectRefused(w, () => w.authorizations.connect(w.signers.authority).activate(id, agreementId),
        w.agreements, "AgreementRegistryTermNotCovered",
        [agreementId, a.termStart, a.termEnd - 1n, a.termStart, a.termEnd]);
    });

    it("C05 refuses an agreement whose recorded scope is not the authorization's, though every party signed it", async () => {
      const { w, id, rA } = await loadFixture(noticedTier1);
      const authority = w.signers.authority;
      const authScope = agreementScopeDigest([rA]);
      expect(await w.agreements.scopeDigestOf(id)).to.equal(authScope);
      const rX = await createResource(w, { dept: "deptB" });
      for (const resourceIds of [[rA, rX], [rX], []]) {
        const plan = await planAgreement(w, id, { resourceIds });
        expect(odrlResourceIds(plan.terms)).to.deep.equal(resourceIds);
        const agreementId = await fileAgreement(w, plan);
        expect((await w.agreements.agreement(agreementId)).scopeDigest).to.equal(agreementScopeDigest(resourceIds));
        await expectRefused(w, () => w.authorizations.connect(authority).activate(id, agreementId), w.agreements,
          "AgreementRegistryScopeMismatch", [agreementId, agreementScopeDigest(resourceIds), authScope]);
      }
      // The same agreement stating the authorization's own scope activates it.
      const plan = await planAgreement(w, id);
      expect(plan.scopeDigest).to.equal(authScope);
      const agreementId = await fileAgreement(w, plan);
      await w.authorizations.connect(authority).activate(id, agreementId);
      expect((await w.authorizations.authorization(id)).agreementId).to.equal(agreementId);
    });

    it("C05 refuses an agreement that records the authorization's resources but not its domains", async () => {
      const w = await loadFixture(deployWorld);
      const r = await createResource(w);
      const domains = [h("交通"), h("市场监管")].sort();
      const id = await applyFor(w, { resourceIds: [r], domains });
      await toNoticeOver(w, id);
      const authScope = agreementScopeDigest([r], domains);
      expect(await w.agreements.scopeDigestOf(id)).to.equal(authScope);
      const plan = await planAgreement(w, id);
      const resourcesOnly = await fileAgreement(w, { ...plan, scopeDigest: agreementScopeDigest([r]) });
      await expectRefused(w, () => w.authorizations.connect(w.signers.authority).activate(id, resourcesOnly), w.agreements,
        "AgreementRegistryScopeMismatch", [resourcesOnly, agreementScopeDigest([r]), authScope]);
      expect(plan.scopeDigest).to.equal(authScope);
      await w.authorizations.connect(w.signers.authority).activate(id, await fileAgreement(w, plan));
      expect((await w.authorizations.authorization(id)).status).to.equal(AuthStatus.Active);
    });

    it("C05 refuses a development service agreement for a tier-1 authorization at activation", async () => {
      const { w, id } = await loadFixture(noticedTier1);
      const agreementId = await fileAgreement(w, await planAgreement(w, id, { kind: AgreementKind.DevelopmentService }));
      await expectRefused(w, () => w.authorizations.connect(w.signers.authority).activate(id, agreementId),
        w.agreements, "AgreementRegistryKindMismatch", [AgreementKind.DevelopmentService, 1n]);
    });

    it("C05 refuses a development authorization agreement for a tier-1 authorization", async () => {
      const { w, id } = await loadFixture(noticedTier1);
      const plan = withParties(await planAgreement(w, id), [w.ids.operatorA, w.ids.authority]);
      await expectRefused(w, () => w.agreements.connect(w.signers.operatorA)
        .propose({ ...proposalOf(plan), kind: AgreementKind.DevelopmentAuthorization }),
      w.agreements, "AgreementRegistryKindMismatch", [AgreementKind.DevelopmentAuthorization, 1n]);
    });

    it("C05 refuses an operation agreement without the authority or implementing agency", async () => {
      const { w, id } = await loadFixture(noticedTier1);
      const plan = withParties(await planAgreement(w, id), [w.ids.operatorA, w.ids.deptA]);
      await expectRefused(w, () => proposeAgreement(w, plan), w.agreements, "AgreementRegistryMissingParty",
        [PartyRole.AuthorityOrAgency, 0n]);
    });

    it("C05 accepts the implementing agency in place of the authority", async () => {
      const { w, id } = await loadFixture(noticedTier1);
      const plan = withParties(await planAgreement(w, id), [w.ids.operatorA, w.ids.agency]);
      const agreementId = await fileAgreement(w, plan);
      await w.authorizations.connect(w.signers.authority).activate(id, agreementId);
      expect((await w.authorizations.authorization(id)).status).to.equal(AuthStatus.Active);
    });

    it("C05 refuses an operation agreement without the holder", async () => {
      const { w, id } = await loadFixture(noticedTier1);
      const plan = withParties(await planAgreement(w, id), [w.ids.operatorB, w.ids.authority], w.ids.authority);
      await expectRefused(w, () => proposeAgreement(w, plan), w.agreements, "AgreementRegistryMissingParty",
        [PartyRole.Holder, w.ids.operatorA]);
    });

    it("C05 refuses a tier-2 development authorization without the parent's operator", async () => {
      const { w, childId } = await loadFixture(noticedTier2);
      const plan = withParties(await planAgreement(w, childId), [w.ids.developerA, w.ids.operatorB]);
      await expectRefused(w, () => proposeAgreement(w, plan), w.agreements, "AgreementRegistryMissingParty",
        [PartyRole.Operator, w.ids.operatorA]);
    });

    it("C05 refuses to file before every party signed", async () => {
      const { w, agreementId } = await loadFixture(proposedTier1);
      await w.agreements.connect(w.signers.operatorA).sign(agreementId, w.ids.operatorA);
      await expectRefused(w, () => w.agreements.connect(w.signers.authority).file(agreementId, h("filing")),
        w.agreements, "AgreementRegistryWrongStatus", [agreementId, AgreementStatus.Proposed]);
    });

    it("C05 refuses to activate with a terminated agreement", async () => {
      const { w, id } = await loadFixture(noticedTier1);
      const agreementId = await fileAgreement(w, await planAgreement(w, id));
      await expect(w.agreements.connect(w.signers.authority).terminate(agreementId, h("ended"), STATEMENT))
        .to.emit(w.agreements, "AgreementTerminated")
        .withArgs(agreementId, id, AgreementStatus.Filed, h("ended"), STATEMENT, w.signers.authority.address);
      await expectRefused(w, () => w.authorizations.connect(w.signers.authority).activate(id, agreementId),
        w.agreements, "AgreementRegistryNotFiled", [agreementId, AgreementStatus.Terminated]);
    });
  });

  describe("C15 the development service agreement binds operator, developer, authority and source departments", () => {
    it("C15 activates a developer under a development service agreement signed by all of them", async () => {
      const { w, childId } = await loadFixture(noticedTier2);
      const plan = await planAgreement(w, childId, { kind: AgreementKind.DevelopmentService });
      expect(plan.partyIds).to.deep.equal(
        [w.ids.authority, w.ids.deptA, w.ids.deptB, w.ids.operatorA, w.ids.developerA].sort((a, b) => Number(a - b)),
      );
      const agreementId = await fileAgreement(w, plan);
      await w.authorizations.connect(w.signers.authority).activate(childId, agreementId);
      expect((await w.authorizations.authorization(childId)).status).to.equal(AuthStatus.Active);
    });

    it("C15 under Guangming (001 第十九条) a two-party 授权开发协议 does not activate a developer; the four-party 开发利用服务协议 does", async () => {
      const { w, childId } = await loadFixture(noticedTier2Guangming);
      expect(w.profile.tier2Agreements).to.deep.equal(["DevelopmentService"]);
      const accepted = 1 << AgreementKind.DevelopmentService;
      expect((await w.authorizations.policy()).tier2AgreementKinds).to.equal(BigInt(accepted));
      const twoParty = await fileAgreement(w, await planAgreement(w, childId, { kind: AgreementKind.DevelopmentAuthorization }));
      expect((await w.agreements.agreement(twoParty)).status).to.equal(AgreementStatus.Filed);
      await expectRefused(w, () => w.authorizations.connect(w.signers.authority).activate(childId, twoParty),
        w.agreements, "AgreementRegistryKindNotAccepted", [twoParty, AgreementKind.DevelopmentAuthorization, accepted]);
      const fourParty = await fileAgreement(w, await planAgreement(w, childId));
      const ag = await w.agreements.agreement(fourParty);
      expect(ag.kind).to.equal(AgreementKind.DevelopmentService);
      expect(ag.partyIds).to.deep.equal(
        [w.ids.authority, w.ids.deptA, w.ids.deptB, w.ids.operatorA, w.ids.developerA].sort((a, b) => Number(a - b)),
      );
      await w.authorizations.connect(w.signers.authority).activate(childId, fourParty);
      const a = await w.authorizations.authorization(childId);
      expect([a.status, a.agreementId]).to.deep.equal([BigInt(AuthStatus.Active), fourParty]);
    });

    it("C15 under Yangzhou (004 第八条) the 授权开发协议 activates a developer and a 开发利用服务协议 does not", async () => {
      const { w, childId } = await loadFixture(noticedTier2Yangzhou);
      expect(w.profile.tier2Agreements).to.deep.equal(["DevelopmentAuthorization"]);
      const accepted = 1 << AgreementKind.DevelopmentAuthorization;
      const service = await fileAgreement(w, await planAgreement(w, childId, { kind: AgreementKind.DevelopmentService }));
      await expectRefused(w, () => w.authorizations.connect(w.signers.authority).activate(childId, service),
        w.agreements, "AgreementRegistryKindNotAccepted", [service, AgreementKind.DevelopmentService, accepted]);
      const development = await fileAgreement(w, await planAgreement(w, childId));
      expect((await w.agreements.agreement(development)).partyIds).to.deep.equal(
        [w.ids.operatorA, w.ids.developerA].sort((a, b) => Number(a - b)),
      );
      await w.authorizations.connect(w.signers.authority).activate(childId, development);
      expect((await w.authorizations.authorization(childId)).status).to.equal(AuthStatus.Active);
    });

    it("C15 Huizhou and the national baseline accept either development agreement for a developer", async () => {
      for (const id of ["huizhou", "national", "zhaoqing"]) {
        const profile = loadProfile(id);
        expect(profile.tier2Agreements, id).to.have.members(
          id === "zhaoqing" ? ["DevelopmentService"] : ["DevelopmentService", "DevelopmentAuthorization"],
        );
      }
      // Huizhou: the two-party agreement (the other C15 tests show the four-party one).
      const { w, childId } = await loadFixture(noticedTier2);
      const development = await fileAgreement(w, await planAgreement(w, childId, { kind: AgreementKind.DevelopmentAuthorization }));
      await w.authorizations.connect(w.signers.authority).activate(childId, development);
      expect((await w.authorizations.authorization(childId)).status).to.equal(AuthStatus.Active);
    });

    it("C15 refuses a development service agreement without the source department", async () => {
      const { w, childId } = await loadFixture(noticedTier2);
      const plan = await planAgreement(w, childId, { kind: AgreementKind.DevelopmentService });
      const missing = withParties(plan, plan.partyIds.filter((p) => p !== w.ids.deptB));
      await expectRefused(w, () => proposeAgreement(w, missing), w.agreements, "AgreementRegistryMissingParty",
        [PartyRole.SourceDepartment, w.ids.deptB]);
    });

    it("C15 refuses a development service agreement without the authority or implementing agency", async () => {
      const { w, childId } = await loadFixture(noticedTier2);
      const plan = await planAgreement(w, childId, { kind: AgreementKind.DevelopmentService });
      const missing = withParties(plan, plan.partyIds.filter((p) => p !== w.ids.authority));
      await expectRefused(w, () => proposeAgreement(w, missing), w.agreements, "AgreementRegistryMissingParty",
        [PartyRole.AuthorityOrAgency, 0n]);
    });

    it("C15 refuses a development service agreement without the operator", async () => {
      const { w, childId } = await loadFixture(noticedTier2);
      const plan = await planAgreement(w, childId, { kind: AgreementKind.DevelopmentService });
      const missing = withParties(plan, plan.partyIds.filter((p) => p !== w.ids.operatorA));
      await expectRefused(w, () => proposeAgreement(w, missing), w.agreements, "AgreementRegistryMissingParty",
        [PartyRole.Operator, w.ids.operatorA]);
    });

    it("C15 refuses a development service agreement without a developer", async () => {
      const { w, id } = await loadFixture(noticedTier1);
      const plan = await planAgreement(w, id, { kind: AgreementKind.DevelopmentService });
      const missing = withParties(plan, plan.partyIds.filter((p) => p !== w.ids.developerA));
      await expectRefused(w, () => proposeAgreement(w, missing), w.agreements, "AgreementRegistryMissingParty",
        [PartyRole.Developer, 0n]);
    });

    it("C15 stays ineffective until the source departments have signed", async () => {
      const { w, childId } = await loadFixture(noticedTier2);
      const agreementId = await proposeAgreement(w, await planAgreement(w, childId, { kind: AgreementKind.DevelopmentService }));
      for (const p of [w.ids.developerA, w.ids.operatorA, w.ids.authority, w.ids.deptA]) {
        await w.agreements.connect(signerOf(w, p)).sign(agreementId, p);
      }
      expect((await w.agreements.agreement(agreementId)).status).to.equal(AgreementStatus.Proposed);
      await w.agreements.submitSignatures(agreementId, [await offChainApproval(w, agreementId, w.ids.deptB)]);
      expect((await w.agreements.agreement(agreementId)).status).to.equal(AgreementStatus.Effective);
    });
  });

  describe("C15 each signature is a party's own, fresh, and counted once", () => {
    it("C15 refuses an off-line signature past its deadline; one submitted at its deadline counts", async () => {
      const { w, agreementId } = await loadFixture(proposedTier1);
      const late = BigInt(await time.latest()) + 100n;
      const stale = await offChainApproval(w, agreementId, w.ids.authority, { nonce: 31n, deadline: late });
      await time.setNextBlockTimestamp(late + 1n);
      await expectRefused(w, () => w.agreements.submitSignatures(agreementId, [stale]), w.agreements,
        "AgreementRegistrySignatureExpired", [late, late + 1n]);
      expect(await w.agreements.nonceUsed(w.signers.authority.address, 31n)).to.equal(false);
      const due = BigInt(await time.latest()) + 100n;
      const fresh = await offChainApproval(w, agreementId, w.ids.authority, { nonce: 32n, deadline: due });
      await time.setNextBlockTimestamp(due);
      await w.agreements.submitSignatures(agreementId, [fresh]);
      const s = await w.agreements.signatureOf(agreementId, w.ids.authority);
      expect([s.signer, s.signedAt, s.offChain]).to.deep.equal([w.signers.authority.address, due, true]);
      expect((await w.agreements.agreement(agreementId)).signatureCount).to.equal(1n);
    });

    it("C15 a signature's nonce serves once: the same nonce on another agreement, or a cancelled one, is refused", async () => {
      const f = await loadFixture(noticedTier2);
      const { w } = f;
      const first = await proposeAgreement(w, await planAgreement(w, f.childId));
      const second = await proposeAgreement(w, await planAgreement(w, f.childId, { kind: AgreementKind.DevelopmentService }));
      const operator = w.signers.operatorA.address;
      await w.agreements.submitSignatures(first, [await offChainApproval(w, first, w.ids.operatorA, { nonce: 600n })]);
      expect(await w.agreements.nonceUsed(operator, 600n)).to.equal(true);
      // A genuine signature over the second agreement, but with the nonce already spent.
      const replay = await offChainApproval(w, second, w.ids.operatorA, { nonce: 600n });
      await expectRefused(w, () => w.agreements.submitSignatures(second, [replay]), w.agreements,
        "AgreementRegistryNonceUsed", [operator, 600n]);
      await w.agreements.connect(w.signers.operatorA).cancelNonce(601n);
      const cancelled = await offChainApproval(w, second, w.ids.operatorA, { nonce: 601n });
      await expectRefused(w, () => w.agreements.submitSignatures(second, [cancelled]), w.agreements,
        "AgreementRegistryNonceUsed", [operator, 601n]);
      expect((await w.agreements.signatureOf(second, w.ids.operatorA)).signer).to.equal(ethers.ZeroAddress);
      expect((await w.agreements.agreement(second)).signatureCount).to.equal(0n);
      // A fresh nonce is accepted.
      await w.agreements.submitSignatures(second, [await offChainApproval(w, second, w.ids.operatorA, { nonce: 602n })]);
      expect((await w.agreements.signatureOf(second, w.ids.operatorA)).signer).to.equal(operator);
      expect((await w.agreements.agreement(second)).signatureCount).to.equal(1n);
    });

    it("C15 each party signs once: a second signature, on chain, off line or twice in one batch, is refused and counts nothing", async () => {
      const { w, id } = await loadFixture(noticedTier1);
      const E = w.agreements;
      const operator = w.signers.operatorA;
      const plan = withParties(await planAgreement(w, id), [w.ids.operatorA, w.ids.authority, w.ids.deptA]);
      const agreementId = await proposeAgreement(w, plan);
      await E.connect(operator).sign(agreementId, w.ids.operatorA);
      // Were a second signature counted, the agreement would take effect without every party's.
      await expectRefused(w, () => E.connect(operator).sign(agreementId, w.ids.operatorA), E,
        "AgreementRegistryAlreadySigned", [agreementId, w.ids.operatorA, operator.address]);
      const again = await offChainApproval(w, agreementId, w.ids.operatorA, { nonce: 41n });
      await expectRefused(w, () => E.submitSignatures(agreementId, [again]), E,
        "AgreementRegistryAlreadySigned", [agreementId, w.ids.operatorA, operator.address]);
      const a1 = await offChainApproval(w, agreementId, w.ids.authority, { nonce: 42n });
      const a2 = await offChainApproval(w, agreementId, w.ids.authority, { nonce: 43n });
      await expectRefused(w, () => E.submitSignatures(agreementId, [a1, a2]), E,
        "AgreementRegistryAlreadySigned", [agreementId, w.ids.authority, w.signers.authority.address]);
      const a = await E.agreement(agreementId);
      expect([a.status, a.signatureCount]).to.deep.equal([BigInt(AgreementStatus.Proposed), 1n]);
      await E.submitSignatures(agreementId, [a1, await offChainApproval(w, agreementId, w.ids.deptA)]);
      const done = await E.agreement(agreementId);
      expect([done.status, done.signatureCount]).to.deep.equal([BigInt(AgreementStatus.Effective), 3n]);
    });

    it("C15 C23 every party named in a proposal is an active participant: a suspended or exited one is refused, a reinstated one accepted", async () => {
      const { w, id } = await loadFixture(noticedTier1);
      const plan = withParties(await planAgreement(w, id), [w.ids.operatorA, w.ids.authority, w.ids.deptB]);
      const authority = w.participants.connect(w.signers.authority);
      await authority.suspend(w.ids.deptB, h("rectification"));
      await expectRefused(w, () => proposeAgreement(w, plan), w.agreements, "AgreementRegistryPartyInactive",
        [w.ids.deptB, 2n]);
      await authority.reinstate(w.ids.deptB, h("rectified"));
      const agreementId = await proposeAgreement(w, plan);
      expect((await w.agreements.agreement(agreementId)).partyIds).to.deep.equal(plan.partyIds);
      await authority.exit(w.ids.deptB, h("exit"));
      await expectRefused(w, () => proposeAgreement(w, plan), w.agreements, "AgreementRegistryPartyInactive",
        [w.ids.deptB, 3n]);
      expect(await w.agreements.agreementCount()).to.equal(agreementId);
    });
  });

  describe("C16 agreements are filed with the authority and queryable", () => {
    it("C16 filing records the filing and emits every field", async () => {
      const { w, id, agreementId, plan } = await loadFixture(proposedTier1);
      await signAll(w, agreementId);
      const authority = w.signers.authority;
      await expect(w.agreements.connect(authority).file(agreementId, h("filing")))
        .to.emit(w.agreements, "AgreementFiled")
        .withArgs(agreementId, id, plan.kind, 0n, plan.termStart, plan.termEnd, plan.documentHash, plan.termsDigest,
          plan.scopeDigest, h("filing"), plan.partyIds, authority.address);
      const a = await w.agreements.agreement(agreementId);
      expect([a.status, a.filingHash, a.filedAt]).to.deep.equal([
        BigInt(AgreementStatus.Filed), h("filing"), BigInt(await time.latest()),
      ]);
      const filed = await w.agreements.queryFilter(w.agreements.filters.AgreementFiled(undefined, id));
      expect(filed.map((e) => e.args.agreementId)).to.deep.equal([agreementId]);
    });

    it("C16 only the data authority files an agreement", async () => {
      const { w, agreementId } = await loadFixture(proposedTier1);
      await signAll(w, agreementId);
      for (const s of [w.signers.agency, w.signers.operatorA, w.signers.outsider]) {
        await expectRefused(w, () => w.agreements.connect(s).file(agreementId, h("filing")), w.agreements,
          "HubConsumerUnauthorized", [s.address, ethers.id("DATA_AUTHORITY")]);
      }
    });

    it("C16 refuses to file twice, an unknown agreement, or a zero filing hash", async () => {
      const { w, agreementId } = await loadFixture(proposedTier1);
      await signAll(w, agreementId);
      const authority = w.signers.authority;
      await expectRefused(w, () => w.agreements.connect(authority).file(agreementId, ethers.ZeroHash), w.agreements,
        "AgreementRegistryZeroHash");
      await expectRefused(w, () => w.agreements.connect(authority).file(99n, h("filing")), w.agreements,
        "AgreementRegistryUnknownAgreement", [99n]);
      await w.agreements.connect(authority).file(agreementId, h("filing"));
      await expectRefused(w, () => w.agreements.connect(authority).file(agreementId, h("again")), w.agreements,
        "AgreementRegistryWrongStatus", [agreementId, AgreementStatus.Filed]);
    });
  });

  describe("propose refuses bad input", () => {
    it("refuses a caller that is not a signer of the proposing party", async () => {
      const { w, id } = await loadFixture(noticedTier1);
      const plan = await planAgreement(w, id);
      await expectRefused(w, () => w.agreements.connect(w.signers.outsider).propose(proposalOf(plan)),
        w.participants, "ParticipantRegistryNotActiveSigner", [w.ids.operatorA, w.signers.outsider.address]);
    });

    it("refuses unknown ids: authorization, party", async () => {
      const { w, id } = await loadFixture(noticedTier1);
      const plan = await planAgreement(w, id);
      const operator = w.signers.operatorA;
      await expectRefused(w, () => w.agreements.connect(operator)
        .propose({ ...proposalOf(plan), authorizationId: 99n }), w.agreements,
      "AgreementRegistryUnknownAuthorization", [99n]);
      await expectRefused(w, () => w.agreements.connect(operator)
        .propose({ ...proposalOf(plan), partyIds: [...plan.partyIds, 999n] }), w.participants,
      "ParticipantRegistryUnknownParticipant", [999n]);
    });

    it("refuses a malformed request: kind, hashes, term, party list, proposer, scenario", async () => {
      const { w, id } = await loadFixture(noticedTier1);
      const plan = await planAgreement(w, id);
      const req = proposalOf(plan);
      const propose = (r: typeof req) => () => w.agreements.connect(w.signers.operatorA).propose(r);
      const E = w.agreements;
      await expectRefused(w, propose({ ...req, kind: AgreementKind.None }), E, "AgreementRegistryInvalidKind", [0n]);
      await expectRefused(w, propose({ ...req, documentHash: ethers.ZeroHash }), E, "AgreementRegistryZeroHash");
      await expectRefused(w, propose({ ...req, termsDigest: ethers.ZeroHash }), E, "AgreementRegistryZeroHash");
      await expectRefused(w, propose({ ...req, scopeDigest: ethers.ZeroHash }), E, "AgreementRegistryZeroHash");
      await expectRefused(w, propose({ ...req, termEnd: req.termStart }), E, "AgreementRegistryInvalidTerm",
        [req.termStart, req.termStart]);
      await expectRefused(w, propose({ ...req, partyIds: [w.ids.operatorA] }), E, "AgreementRegistryInvalidPartyCount",
        [1n, 32n]);
      await expectRefused(w, propose({ ...req, partyIds: [...req.partyIds].reverse() }), E,
        "AgreementRegistryPartiesNotAscending", [req.partyIds[1], req.partyIds[0]]);
      await expectRefused(w, propose({ ...req, partyIds: [req.partyIds[0], req.partyIds[0]] }), E,
        "AgreementRegistryPartiesNotAscending", [req.partyIds[0], req.partyIds[0]]);
      await expectRefused(w, propose({ ...req, partyIds: [w.ids.authority, w.ids.agency] }), E,
        "AgreementRegistryProposerNotParty", [w.ids.operatorA]);
      await expectRefused(w, propose({ ...req, kind: AgreementKind.ScenarioProduct }), E,
        "AgreementRegistryScenarioRequired", [AgreementKind.ScenarioProduct]);
    });

    it("refuses a party that is not active", async () => {
      const { w, id } = await loadFixture(noticedTier1);
      const plan = withParties(await planAgreement(w, id), [w.ids.operatorA, w.ids.authority, w.ids.deptB]);
      await w.participants.connect(w.signers.authority).suspend(w.ids.deptB, h("rectification"));
      await expectRefused(w, () => proposeAgreement(w, plan), w.agreements, "AgreementRegistryPartyInactive",
        [w.ids.deptB, 2n]);
    });

    it("C13 records a scenario product agreement for a scenario of the authorization; refuses an unknown scenario or one of another authorization", async () => {
      const { w, opAuth, devAuth, r } = await loadFixture(deployChain);
      const scenarioId = await proposeScenario(w, { authorizationId: opAuth, resourceIds: [r[0]] });
      const plan = await planAgreement(w, opAuth, { kind: AgreementKind.ScenarioProduct, scenarioId });
      const agreementId = await fileAgreement(w, plan);
      expect((await w.agreements.agreement(agreementId)).scenarioId).to.equal(scenarioId);
      // (It can never activate an authorization, C05: its scenario needs an authorization in force.)
      // A scenario that does not exist, or belongs to another authorization, is refused.
      const unknown = await planAgreement(w, opAuth, { kind: AgreementKind.ScenarioProduct, scenarioId: 999n });
      await expectRefused(w, () => proposeAgreement(w, unknown), w.scenarios, "ScenarioRegistryUnknownScenario", [999n]);
      const devScenario = await proposeScenario(w, { holder: "developerA", authorizationId: devAuth, resourceIds: [r[0]] });
      const other = await planAgreement(w, opAuth, { kind: AgreementKind.ScenarioProduct, scenarioId: devScenario });
      await expectRefused(w, () => proposeAgreement(w, other), w.agreements, "AgreementRegistryScenarioOfOtherAuthorization", [devScenario, devAuth, opAuth]);
    });
  });

  describe("sign (on chain) refuses bad input", () => {
    it("refuses an unknown agreement, a non-party, a key of another party, a duplicate", async () => {
      const { w, agreementId } = await loadFixture(proposedTier1);
      const E = w.agreements;
      const operator = w.signers.operatorA;
      await expectRefused(w, () => E.connect(operator).sign(99n, w.ids.operatorA), E,
        "AgreementRegistryUnknownAgreement", [99n]);
      await expectRefused(w, () => E.connect(w.signers.deptA).sign(agreementId, w.ids.deptA), E,
        "AgreementRegistryNotParty", [agreementId, w.ids.deptA]);
      await expectRefused(w, () => E.connect(w.signers.outsider).sign(agreementId, w.ids.operatorA), E,
        "AgreementRegistryNotPartySigner", [w.ids.operatorA, w.signers.outsider.address]);
      await expectRefused(w, () => E.connect(w.signers.authority).sign(agreementId, w.ids.operatorA), E,
        "AgreementRegistryNotPartySigner", [w.ids.operatorA, w.signers.authority.address]);
      await E.connect(operator).sign(agreementId, w.ids.operatorA);
      await expectRefused(w, () => E.connect(operator).sign(agreementId, w.ids.operatorA), E,
        "AgreementRegistryAlreadySigned", [agreementId, w.ids.operatorA, operator.address]);
    });

    it("refuses a signature once the agreement is effective", async () => {
      const { w, agreementId } = await loadFixture(proposedTier1);
      await signAll(w, agreementId);
      await expectRefused(w, () => w.agreements.connect(w.signers.operatorA).sign(agreementId, w.ids.operatorA),
        w.agreements, "AgreementRegistryWrongStatus", [agreementId, AgreementStatus.Effective]);
    });

    it("refuses the key of a suspended party", async () => {
      const { w, agreementId } = await loadFixture(proposedTier1);
      await w.participants.connect(w.signers.authority).suspend(w.ids.operatorA, h("rectification"));
      await expectRefused(w, () => w.agreements.connect(w.signers.operatorA).sign(agreementId, w.ids.operatorA),
        w.agreements, "AgreementRegistryNotPartySigner", [w.ids.operatorA, w.signers.operatorA.address]);
    });
  });

  describe("submitSignatures (EIP-712) refuses bad input", () => {
    it("refuses an empty batch and an unknown agreement", async () => {
      const { w, agreementId } = await loadFixture(proposedTier1);
      await expectRefused(w, () => w.agreements.submitSignatures(agreementId, []), w.agreements,
        "AgreementRegistryNoSignatures");
      const approval = await offChainApproval(w, agreementId, w.ids.authority);
      await expectRefused(w, () => w.agreements.submitSignatures(99n, [approval]), w.agreements,
        "AgreementRegistryUnknownAgreement", [99n]);
    });

    it("refuses a forged signature (made by another key than the signer named)", async () => {
      const { w, agreementId } = await loadFixture(proposedTier1);
      const forged = await offChainApproval(w, agreementId, w.ids.authority, { signer: w.signers.outsider });
      await expectRefused(w, () => w.agreements.submitSignatures(agreementId,
        [{ ...forged, signer: w.signers.authority.address }]), w.agreements, "AgreementRegistryInvalidSignature",
      [agreementId, w.ids.authority, w.signers.authority.address]);
    });

    it("refuses a signature over other terms (tampered digest)", async () => {
      const { w, agreementId } = await loadFixture(proposedTier1);
      const a = await w.agreements.agreement(agreementId);
      const approval = await signAgreement(w.signers.authority, {
        chainId: (await ethers.provider.getNetwork()).chainId,
        verifyingContract: await w.agreements.getAddress(),
        agreementId,
        documentHash: a.documentHash,
        termsDigest: h("other terms"),
        partyId: w.ids.authority,
        nonce: 3n,
        deadline: BigInt(await time.latest()) + 600n,
      });
      await expectRefused(w, () => w.agreements.submitSignatures(agreementId, [approval]), w.agreements,
        "AgreementRegistryInvalidSignature", [agreementId, w.ids.authority, w.signers.authority.address]);
    });

    it("refuses a signer that is not a key of the party", async () => {
      const { w, agreementId } = await loadFixture(proposedTier1);
      const approval = await offChainApproval(w, agreementId, w.ids.authority, { signer: w.signers.deptA });
      await expectRefused(w, () => w.agreements.submitSignatures(agreementId, [approval]), w.agreements,
        "AgreementRegistryNotPartySigner", [w.ids.authority, w.signers.deptA.address]);
    });

    it("refuses a signature past its deadline", async () => {
      const { w, agreementId } = await loadFixture(proposedTier1);
      const deadline = BigInt(await time.latest()) + 100n;
      const approval = await offChainApproval(w, agreementId, w.ids.authority, { deadline });
      await time.increaseTo(deadline + 1n);
      await expectRefused(w, () => w.agreements.submitSignatures(agreementId, [approval]), w.agreements,
        "AgreementRegistrySignatureExpired", [deadline, deadline + 2n]);
    });

    it("refuses a signature for another chain id", async () => {
      const { w, agreementId } = await loadFixture(proposedTier1);
      const approval = await offChainApproval(w, agreementId, w.ids.authority, { chainId: 1n });
      await expectRefused(w, () => w.agreements.submitSignatures(agreementId, [approval]), w.agreements,
        "AgreementRegistryInvalidSignature", [agreementId, w.ids.authority, w.signers.authority.address]);
    });

    it("refuses a signature for another contract address (a second registry)", async () => {
      const { w, agreementId } = await loadFixture(proposedTier1);
      const second = await (await ethers.getContractFactory("AgreementRegistry")).deploy(await w.hub.getAddress());
      const approval = await offChainApproval(w, agreementId, w.ids.authority, {
        verifyingContract: await second.getAddress(),
      });
      await expectRefused(w, () => w.agreements.submitSignatures(agreementId, [approval]), w.agreements,
        "AgreementRegistryInvalidSignature", [agreementId, w.ids.authority, w.signers.authority.address]);
    });

    it("refuses a duplicate signature and a replayed nonce", async () => {
      const f = await loadFixture(noticedTier2);
      const { w } = f;
      // Two agreements awaiting the same operator: a signature's nonce serves once only.
      const first = await proposeAgreement(w, await planAgreement(w, f.childId));
      const second = await proposeAgreement(w, await planAgreement(w, f.childId, { kind: AgreementKind.DevelopmentService }));
      const approval = await offChainApproval(w, first, w.ids.operatorA, { nonce: 500n });
      await w.agreements.submitSignatures(first, [approval]);
      await expectRefused(w, () => w.agreements.submitSignatures(first, [approval]), w.agreements,
        "AgreementRegistryAlreadySigned", [first, w.ids.operatorA, w.signers.operatorA.address]);
      await expectRefused(w, () => w.agreements.connect(w.signers.operatorA).sign(first, w.ids.operatorA),
        w.agreements, "AgreementRegistryAlreadySigned", [first, w.ids.operatorA, w.signers.operatorA.address]);
      const replay = await offChainApproval(w, second, w.ids.operatorA, { nonce: 500n });
      await expectRefused(w, () => w.agreements.submitSignatures(second, [replay]), w.agreements,
        "AgreementRegistryNonceUsed", [w.signers.operatorA.address, 500n]);
      // Two approvals for one party in one batch: the second is a duplicate.
      const a1 = await offChainApproval(w, second, w.ids.operatorA, { nonce: 501n });
      const a2 = await offChainApproval(w, second, w.ids.operatorA, { nonce: 502n });
      await expectRefused(w, () => w.agreements.submitSignatures(second, [a1, a2]), w.agreements,
        "AgreementRegistryAlreadySigned", [second, w.ids.operatorA, w.signers.operatorA.address]);
    });

    it("C15 an approval copied out of a batch and submitted first does not make the batch revert: the rest is recorded", async () => {
      const f = await loadFixture(noticedTier2);
      const { w } = f;
      const agreementId = await proposeAgreement(w, await planAgreement(w, f.childId));
      const parties = (await w.agreements.agreement(agreementId)).partyIds;
      const approvals = [];
      for (const [i, party] of parties.entries()) approvals.push(await offChainApproval(w, agreementId, party, { nonce: 700n + BigInt(i) }));
      // Someone watching the pool submits one of them first.
      await w.agreements.connect(w.signers.outsider).submitSignatures(agreementId, [approvals[1]]);
      const tx = w.agreements.submitSignatures(agreementId, approvals);
      await expect(tx).to.emit(w.agreements, "AgreementTookEffect");
      const a = await w.agreements.agreement(agreementId);
      expect(a.signatureCount).to.equal(parties.length);
      expect(a.status).to.equal(AgreementStatus.Effective);
      // Each party signed once: the skipped approval left no second AgreementSigned.
      const signed = await w.agreements.queryFilter(w.agreements.filters.AgreementSigned(agreementId));
      expect(signed.map((e) => e.args.partyId).sort()).to.deep.equal([...parties].sort());
    });

    it("refuses a signature whose nonce its signer cancelled", async () => {
      const { w, agreementId } = await loadFixture(proposedTier1);
      const approval = await offChainApproval(w, agreementId, w.ids.authority, { nonce: 900n });
      await expect(w.agreements.connect(w.signers.authority).cancelNonce(900n))
        .to.emit(w.agreements, "NonceCancelled")
        .withArgs(w.signers.authority.address, 900n);
      await expectRefused(w, () => w.agreements.submitSignatures(agreementId, [approval]), w.agreements,
        "AgreementRegistryNonceUsed", [w.signers.authority.address, 900n]);
      await expectRefused(w, () => w.agreements.connect(w.signers.authority).cancelNonce(900n), w.agreements,
        "AgreementRegistryNonceUsed", [w.signers.authority.address, 900n]);
    });

    it("refuses a signature for a party of another agreement", async () => {
      const { w, agreementId } = await loadFixture(proposedTier1);
      const approval = await offChainApproval(w, agreementId, w.ids.deptA);
      await expectRefused(w, () => w.agreements.submitSignatures(agreementId, [approval]), w.agreements,
        "AgreementRegistryNotParty", [agreementId, w.ids.deptA]);
    });
  });

  describe("terminate refuses bad input", () => {
    it("refuses the wrong role, an unknown agreement, a zero reason, a second termination", async () => {
      const { w, agreementId } = await loadFixture(proposedTier1);
      const authority = w.signers.authority;
      await expectRefused(w, () => w.agreements.connect(w.signers.operatorA).terminate(agreementId, h("r"), STATEMENT),
        w.agreements, "HubConsumerUnauthorized", [w.signers.operatorA.address, ethers.id("DATA_AUTHORITY")]);
      await expectRefused(w, () => w.agreements.connect(authority).terminate(99n, h("r"), STATEMENT), w.agreements,
        "AgreementRegistryUnknownAgreement", [99n]);
      await expectRefused(w, () => w.agreements.connect(authority).terminate(agreementId, ethers.ZeroHash, STATEMENT),
        w.agreements, "AgreementRegistryZeroHash");
      await w.agreements.connect(authority).terminate(agreementId, h("r"), STATEMENT);
      await expectRefused(w, () => w.agreements.connect(authority).terminate(agreementId, h("r"), STATEMENT), w.agreements,
        "AgreementRegistryWrongStatus", [agreementId, AgreementStatus.Terminated]);
      await expectRefused(w, () => w.agreements.connect(w.signers.operatorA).sign(agreementId, w.ids.operatorA),
        w.agreements, "AgreementRegistryWrongStatus", [agreementId, AgreementStatus.Terminated]);
    });
  });

  describe("getters", () => {
    it("refuses unknown agreements and reports parties", async () => {
      const { w, agreementId } = await loadFixture(proposedTier1);
      await expect(w.agreements.agreement(5n)).to.be.revertedWithCustomError(w.agreements,
        "AgreementRegistryUnknownAgreement").withArgs(5n);
      await expect(w.agreements.signatureOf(5n, 1n)).to.be.revertedWithCustomError(w.agreements,
        "AgreementRegistryUnknownAgreement").withArgs(5n);
      expect(await w.agreements.isParty(agreementId, w.ids.operatorA)).to.equal(true);
      expect(await w.agreements.isParty(agreementId, w.ids.deptA)).to.equal(false);
    });
  });
});
