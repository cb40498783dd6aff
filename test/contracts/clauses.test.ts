/**
 * C21 (public disclosure) and C22 (every activity leaves a trace; any record's full history can
 * be retrieved) are kept by what the contracts expose: getters and events. These tests read a
 * record the way a member of the public or an auditor does, from the chain alone, and compare
 * what they rebuild with the values the parties put in and with the stored record.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { Log } from "ethers";
import {
  noticeEndFrom,
  deployWorld,
  createResource,
  applyFor,
  approveAuthorization,
  confirmGrants,
  h,
  Kind,
  Mode,
  DAY,
  AuthStatus,
  nextCreditCode,
  type World,
} from "../helpers/fixture";
import { activateAuthorization, offChainApproval, planAgreement, proposeAgreement } from "../helpers/agreements";
import { deployChain, approvedScenario, listedProduct, productRequest, ProductStatus } from "../helpers/products";
import { AgreementStatus } from "../../scripts/lib/agreements";
import {
  batchRequest,
  buildBatch,
  decodeUsageWord,
  pseudonymousConsumer,
  purposeDigest,
  type ChargingBasisName,
  type Receipt,
} from "../../scripts/lib/receipts";
import { STATEMENT } from "../helpers/texts";

/** ParticipantStatus. */
const PStatus = { Active: 1, Suspended: 2, Exited: 3 } as const;

/** Events in chain order. */
const inOrder = <T extends Log>(logs: T[]): T[] =>
  [...logs].sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);

/** One event and what it does to a record a reader rebuilds. */
interface Step {
  log: Log;
  apply: () => Promise<void>;
}

/** Replays steps of several event kinds in chain order. */
async function replay(steps: Step[]): Promise<void> {
  const order = inOrder(steps.map((s) => s.log));
  for (const log of order) await steps.find((s) => s.log === log)!.apply();
}

async function blockTime(log: Log): Promise<bigint> {
  return BigInt((await ethers.provider.getBlock(log.blockNumber))!.timestamp);
}

/** A tier-1 authorization of operator A over a resource of each department and two domains, active. */
async function activeWithDomains() {
  const w = await deployWorld();
  const r1 = await createResource(w);
  const r2 = await createResource(w, { dept: "deptB" });
  const r3 = await createResource(w);
  const domains = [h("交通"), h("市场监管")].sort();
  const termStart = (await time.latest()) + 60;
  const termEnd = termStart + 2 * 365 * DAY;
  const id = await applyFor(w, { resourceIds: [r1, r2], domains, termStart, termEnd });
  await approveAuthorization(w, id);
  await confirmGrants(w, id);
  const noticeEnd = await noticeEndFrom(w);
  await w.authorizations.connect(w.signers.authority).startNotice(id, noticeEnd);
  await time.increaseTo(noticeEnd);
  const agreementId = await activateAuthorization(w, id);
  return { w, r1, r2, r3, domains, termStart, termEnd, noticeEnd, id, agreementId };
}

/** The chain with an approved scenario of operator A and a listed product over its first resource. */
async function listedChain() {
  const c = await deployChain();
  const scenarioId = await approvedScenario(c.w, { authorizationId: c.opAuth, resourceIds: [c.r[0], c.r[1]], purpose: "企业信用评估" });
  const productId = await listedProduct(c.w, { scenarioId, resourceIds: [c.r[0]] });
  return { ...c, scenarioId, productId };
}

let serial = 1;

/** A receipt of the implementing agency's node (the fixture's platform node). */
async function receipt(
  w: World,
  c: { opAuth: bigint; scenarioId: bigint },
  o: { productId?: bigint; resourceIds?: bigint[]; fee?: bigint; basis?: ChargingBasisName; secondsAgo?: number },
): Promise<Receipt> {
  const n = serial++;
  return {
    id: h(`clause-receipt-${n}`),
    nodeId: w.ids.agency,
    authorizationId: c.opAuth,
    scenarioId: c.scenarioId,
    productId: o.productId ?? 0n,
    resourceIds: o.resourceIds ?? [],
    consumer: pseudonymousConsumer(h(`clause-salt-${n}`), `clause-user-${n}`),
    purpose: purposeDigest("企业信用评估"),
    recordCount: 10n,
    requestDigest: h(`clause-request-${n}`),
    resultDigest: h(`clause-result-${n}`),
    chargingBasis: o.basis ?? "Commercial",
    fee: o.fee ?? 0n,
    timestamp: (await time.latest()) - (o.secondsAgo ?? 60),
  };
}

describe("disclosure and history, read from the chain", () => {
  describe("C21 authorizations, products and resource usage are public", () => {

    it("C21 an authorization's object, content, scope and term are public: the holder, organizer and mode, resources and their source departments, domains, term and agreement", async () => {
      const { w, r1, r2, r3, domains, termStart, termEnd, id, agreementId } = await loadFixture(activeWithDomains);
      const A = w.authorizations;
      // From the events alone.
      const [applied] = await A.queryFilter(A.filters.AuthorizationApplied(id));
      expect([applied.args.holderId, applied.args.organizerId, applied.args.mode, applied.args.tier]).to.deep.equal([
        w.ids.operatorA, w.ids.agency, BigInt(Mode.Comprehensive), 1n,
      ]);
      const req = applied.args.request;
      expect([req.resourceIds, req.domains, req.termStart, req.termEnd]).to.deep.equal([
        [r1, r2], domains, BigInt(termStart), BigInt(termEnd),
      ]);
      const [activated] = await A.queryFilter(A.filters.AuthorizationActivated(id));
      expect([activated.args.agreementId, activated.args.termStart, activated.args.termEnd]).to.deep.equal([
        agreementId, BigInt(termStart), BigInt(termEnd),
      ]);
      const [filed] = await w.agreements.queryFilter(w.agreements.filters.AgreementFiled(agreementId));
      expect(filed.args.authorizationId).to.equal(id);
      expect(filed.args.partyIds).to.include(w.ids.operatorA);
      // From the getters.
      const a = await A.authorization(id);
      expect([a.holderId, a.organizerId, a.mode, a.status, a.termStart, a.termEnd, a.agreementId]).to.deep.equal([
        w.ids.operatorA, w.ids.agency, BigInt(Mode.Comprehensive), BigInt(AuthStatus.Active), BigInt(termStart), BigInt(termEnd), agreementId,
      ]);
      expect([a.resourceIds, a.domains]).to.deep.equal([[r1, r2], domains]);
      expect([await A.inScope(id, r1), await A.inScope(id, r2), await A.inScope(id, r3)]).to.deep.equal([true, true, false]);
      // The object of the authorization: which organization holds it, and whose data it covers.
      const holder = await w.participants.participant(a.holderId);
      expect([holder.kind, holder.name]).to.deep.equal([BigInt(Kind.Operator), "惠州数据运营有限公司"]);
      expect([(await w.catalog.resource(r1)).sourceDeptId, (await w.catalog.resource(r2)).sourceDeptId]).to.deep.equal([w.ids.deptA, w.ids.deptB]);
    });

    it("C21 a product's capability list is public: its registration gives kind, scenario, charging bases, pricing basis, usage scope and method, description and lineage; its listing gives the registration code and review report", async () => {
      const { w, scenarioId, productId, opAuth, r } = await loadFixture(listedChain);
      const P = w.products;
      const expected = productRequest(w, { scenarioId, resourceIds: [r[0]] });
      const [registered] = await P.queryFilter(P.filters.ProductRegistered(productId));
      const q = registered.args.request;
      expect([registered.args.holderId, registered.args.scenarioId, registered.args.authorizationId, registered.args.version]).to.deep.equal([
        w.ids.operatorA, scenarioId, opAuth, 1n,
      ]);
      expect([q.kind, q.chargingBases, q.pricingBasisHash, q.usageHash, q.descriptionHash, q.resourceIds, q.parentProductIds]).to.deep.equal([
        BigInt(expected.kind), BigInt(expected.chargingBases), expected.pricingBasisHash, expected.usageHash, expected.descriptionHash, [r[0]], [],
      ]);
      const [listed] = await P.queryFilter(P.filters.ProductListed(productId));
      const registration = await P.registrationOf(productId);
      expect(listed.args.registrationCode).to.equal(registration.code);
      expect(listed.args.registrationValidUntil).to.equal(registration.validUntil);
      expect(listed.args.reviewReportHash).to.equal(h("compliance-security-review"));
      const p = await P.product(productId);
      expect([p.status, p.kind, p.chargingBases, p.pricingBasisHash, p.usageHash, p.descriptionHash, p.reviewReportHash, p.resourceIds]).to.deep.equal([
        BigInt(ProductStatus.Listed), BigInt(expected.kind), BigInt(expected.chargingBases), expected.pricingBasisHash, expected.usageHash,
        expected.descriptionHash, h("compliance-security-review"), [r[0]],
      ]);
      // The scenario it serves is public too: its purpose and resources.
      const s = await w.scenarios.scenario(scenarioId);
      expect([s.purposeHash, s.resourceIds]).to.deep.equal([h("企业信用评估"), [r[0], r[1]]]);
    });

    it("C21 resource usage with fees is public: a batch's usage words give the uses and fees per product, scenario and resource, adding up to its receipts", async () => {
      const c = await loadFixture(listedChain);
      const { w, productId, scenarioId, r } = c;
      const receipts = [
        await receipt(w, c, { productId, fee: 500n, secondsAgo: 300 }),
        await receipt(w, c, { productId, fee: 700n, secondsAgo: 200 }),
        await receipt(w, c, { resourceIds: [r[0], r[1]], basis: "FreeTrialForSourceDept", secondsAgo: 100 }),
      ];
      const batch = buildBatch(receipts);
      await w.receipts.connect(w.signers.platformNode).anchorBatch(batchRequest(batch, 1));
      const [anchored] = await w.receipts.queryFilter(w.receipts.filters.BatchAnchored(w.ids.agency, 1n));
      expect([anchored.args.receiptCount, anchored.args.firstAt, anchored.args.lastAt, anchored.args.anchoredBy]).to.deep.equal([
        3n, BigInt(receipts[0].timestamp), BigInt(receipts[2].timestamp), w.signers.platformNode.address,
      ]);
      const usage = anchored.args.usage.map(decodeUsageWord).map((e) => [e.kind, e.id, e.count, e.fee]);
      // Counted by hand from the three receipts above.
      expect(usage).to.deep.equal([
        ["Product", productId, 2, 1200n],
        ["Scenario", scenarioId, 3, 1200n],
        ["Resource", r[0], 1, 0n],
        ["Resource", r[1], 1, 0n],
      ]);
    });

  });

  describe("C22 every activity leaves a trace, and a record's full history can be rebuilt", () => {
    it("C22 an authorization's whole history is rebuilt from AuthorizationApplied and AuthorizationStatusChanged alone: each step in order, with its actor and time, ending at the stored status", async () => {
      const { w, id } = await loadFixture(activeWithDomains);
      const A = w.authorizations;
      const { authority, regulator } = w.signers;
      await A.connect(authority).suspend(id, h("违规"), STATEMENT);
      await A.connect(authority).reinstate(id, h("整改完成"), STATEMENT);
      await A.connect(regulator).emergencySuspend(id, h("风险"), STATEMENT);
      await A.connect(authority).revoke(id, h("撤销"), STATEMENT);

      let status = BigInt(AuthStatus.None);
      const steps: [bigint, string][] = [];
      let changedAt = 0n;
      const step = (log: Log, next: bigint, actor: string) => async () => {
        if (next !== status) changedAt = await blockTime(log);
        steps.push([next, actor]);
        status = next;
      };
      await replay([
        ...(await A.queryFilter(A.filters.AuthorizationApplied(id))).map((l) => ({ log: l, apply: step(l, BigInt(AuthStatus.Applied), l.args.applicant) })),
        // Every status change, reviews included, is an AuthorizationStatusChanged: no special case.
        ...(await A.queryFilter(A.filters.AuthorizationStatusChanged(id))).map((l) => ({
          log: l,
          apply: async () => {
            // Each change starts where the previous one left: no step is missing.
            expect(l.args.from).to.equal(status);
            await step(l, l.args.to, l.args.by)();
          },
        })),
      ]);
      const e = [w.signers.expert1, w.signers.expert2, w.signers.expert3].map((s) => s.address);
      expect(steps).to.deep.equal([
        [AuthStatus.Applied, w.signers.operatorA.address],
        [AuthStatus.PreReviewed, w.signers.agency.address],
        [AuthStatus.ExpertReviewed, e[2]], // the deciding opinion; undecided ones change no status
        [AuthStatus.Approved, authority.address],
        [AuthStatus.Noticed, authority.address],
        [AuthStatus.Active, authority.address],
        [AuthStatus.Suspended, authority.address],
        [AuthStatus.Active, authority.address],
        [AuthStatus.Suspended, regulator.address],
        [AuthStatus.Revoked, authority.address],
      ].map(([s, a]) => [BigInt(s), a]));
      const a = await A.authorization(id);
      expect([a.status, a.statusChangedAt]).to.deep.equal([status, changedAt]);
      const [applied] = await A.queryFilter(A.filters.AuthorizationApplied(id));
      expect(a.appliedAt).to.equal(await blockTime(applied));
      const [noticed] = await A.queryFilter(A.filters.AuthorizationNoticed(id));
      expect(a.noticeEnd).to.equal(noticed.args.noticeEnd);
      const [activated] = await A.queryFilter(A.filters.AuthorizationActivated(id));
      expect([a.activatedAt, a.agreementId]).to.deep.equal([await blockTime(activated), activated.args.agreementId]);
      // The reasons are on the record with the step they justify.
      const changes = await A.queryFilter(A.filters.AuthorizationStatusChanged(id));
      const reasons = changes.slice(-4).map((l) => [l.args.reasonHash, l.args.emergency]);
      expect(reasons).to.deep.equal([[h("违规"), false], [h("整改完成"), false], [h("风险"), true], [h("撤销"), false]]);
    });

    it("C22 an agreement's record is rebuilt from its events: the proposal, each party's signature with its key and time, the effect and the filing", async () => {
      const { w, id } = await loadFixture(activeWithDomains);
      const E = w.agreements;
      // A second operation agreement for the same authorization (filing needs no activation):
      // proposed by the operator, signed by it on chain and by the authority off line, filed.
      const plan = await planAgreement(w, id);
      const agreementId = await proposeAgreement(w, plan);
      await E.connect(w.signers.operatorA).sign(agreementId, w.ids.operatorA);
      await E.connect(w.signers.platformNode).submitSignatures(agreementId, [await offChainApproval(w, agreementId, w.ids.authority, { nonce: 4242n })]);
      await E.connect(w.signers.authority).file(agreementId, h("备案"));

      const [proposed] = await E.queryFilter(E.filters.AgreementProposed(agreementId));
      const req = proposed.args.request;
      const signatures = new Map<bigint, [string, bigint, boolean]>();
      for (const log of inOrder(await E.queryFilter(E.filters.AgreementSigned(agreementId)))) {
        signatures.set(log.args.partyId, [log.args.signer, await blockTime(log), log.args.offChain]);
      }
      const [effect] = await E.queryFilter(E.filters.AgreementTookEffect(agreementId));
      const [filed] = await E.queryFilter(E.filters.AgreementFiled(agreementId));
      const rebuilt = {
        kind: req.kind,
        status: BigInt(AgreementStatus.Filed),
        signatureCount: BigInt(signatures.size),
        proposerId: proposed.args.proposerId,
        authorizationId: proposed.args.authorizationId,
        termStart: req.termStart,
        termEnd: req.termEnd,
        proposedAt: await blockTime(proposed),
        effectiveAt: effect.args.effectiveAt,
        filedAt: await blockTime(filed),
        documentHash: req.documentHash,
        termsDigest: req.termsDigest,
        filingHash: filed.args.filingHash,
        partyIds: [...req.partyIds],
      };
      const a = await E.agreement(agreementId);
      expect(rebuilt).to.deep.equal({
        kind: a.kind, status: a.status, signatureCount: a.signatureCount, proposerId: a.proposerId, authorizationId: a.authorizationId,
        termStart: a.termStart, termEnd: a.termEnd, proposedAt: a.proposedAt, effectiveAt: a.effectiveAt, filedAt: a.filedAt,
        documentHash: a.documentHash, termsDigest: a.termsDigest, filingHash: a.filingHash, partyIds: [...a.partyIds],
      });
      // And against what the parties put in.
      expect([rebuilt.proposerId, rebuilt.documentHash, rebuilt.termsDigest, rebuilt.filingHash, rebuilt.partyIds]).to.deep.equal([
        w.ids.operatorA, plan.documentHash, plan.termsDigest, h("备案"), plan.partyIds,
      ]);
      const [byOperator, byAuthority] = [signatures.get(w.ids.operatorA)!, signatures.get(w.ids.authority)!];
      expect([byOperator[0], byOperator[2], byAuthority[0], byAuthority[2]]).to.deep.equal([
        w.signers.operatorA.address, false, w.signers.authority.address, true,
      ]);
      for (const partyId of a.partyIds) {
        const s = await E.signatureOf(agreementId, partyId);
        expect([s.signer, s.signedAt, s.offChain]).to.deep.equal(signatures.get(partyId));
      }
    });

    it("C22 a node's batch history is rebuilt from BatchAnchored alone: numbered without gaps, each root, time span and key, and the node's stored state", async () => {
      const c = await loadFixture(listedChain);
      const { w, productId } = c;
      const node = w.ids.agency;
      const sent = [];
      for (let i = 0; i < 3; i++) {
        const batch = buildBatch([
          await receipt(w, c, { productId, fee: 100n, secondsAgo: 50 }),
          await receipt(w, c, { productId, fee: 100n, secondsAgo: 40 }),
        ]);
        const req = batchRequest(batch, i + 1);
        await w.receipts.connect(w.signers.platformNode).anchorBatch(req);
        sent.push(req);
        await time.increase(3600);
      }
      let last = { sequence: 0n, firstAt: 0n, key: ethers.ZeroAddress };
      const events = inOrder(await w.receipts.queryFilter(w.receipts.filters.BatchAnchored(node)));
      expect(events.length).to.equal(sent.length);
      for (const [i, log] of events.entries()) {
        expect(log.args.sequence).to.equal(last.sequence + 1n);
        const req = sent[i];
        expect([log.args.root, log.args.receiptCount, log.args.firstAt, log.args.lastAt, log.args.metadataHash, log.args.usage]).to.deep.equal([
          req.root, BigInt(req.receiptCount), BigInt(req.firstAt), BigInt(req.lastAt), req.metadataHash, req.usage,
        ]);
        expect(await w.receipts.rootOf(node, log.args.sequence)).to.equal(log.args.root);
        last = { sequence: log.args.sequence, firstAt: log.args.firstAt, key: log.args.anchoredBy };
      }
      const state = await w.receipts.nodeState(node);
      expect([state.lastSequence, state.lastFirstAt, state.lastKey]).to.deep.equal([last.sequence, last.firstAt, last.key]);
      expect(last.key).to.equal(w.signers.platformNode.address);
      expect(await w.receipts.lastSequence(node)).to.equal(3n);
    });

    it("C22 a participant's record is rebuilt from its events: registration, keys added and removed, status changes with their reasons", async () => {
      const w = await loadFixture(deployWorld);
      const P = w.participants.connect(w.signers.authority);
      const [k1, k2] = [w.signers.outsider, w.signers.expert4];
      const code = nextCreditCode();
      await P.register(Kind.Developer, "留痕开发有限公司", code, h("profile"), [k1.address]);
      const id = await w.participants.participantCount();
      await P.addSigner(id, k2.address);
      await P.removeSigner(id, k1.address);
      await P.suspend(id, h("整改"));
      await P.reinstate(id, h("整改完成"));
      await P.exit(id, h("退出"));

      const R = w.participants;
      const rebuilt = { kind: 0n, name: "", creditCode: "", profileHash: "", status: 0n, registeredAt: 0n, statusChangedAt: 0n, signers: [] as string[] };
      const reasons: string[] = [];
      await replay([
        ...(await R.queryFilter(R.filters.ParticipantRegistered(id))).map((l) => ({
          log: l,
          apply: async () => {
            const at = await blockTime(l);
            Object.assign(rebuilt, { kind: l.args.kind, name: l.args.name, creditCode: l.args.creditCode, profileHash: l.args.profileHash });
            Object.assign(rebuilt, { status: BigInt(PStatus.Active), registeredAt: at, statusChangedAt: at });
          },
        })),
        ...(await R.queryFilter(R.filters.SignerAdded(id))).map((l) => ({
          log: l,
          apply: async () => {
            if (!rebuilt.signers.includes(l.args.signer)) rebuilt.signers.push(l.args.signer);
          },
        })),
        ...(await R.queryFilter(R.filters.SignerRemoved(id))).map((l) => ({
          log: l,
          apply: async () => {
            rebuilt.signers = rebuilt.signers.filter((k) => k !== l.args.signer);
          },
        })),
        ...(await R.queryFilter(R.filters.ParticipantStatusChanged(id))).map((l) => ({
          log: l,
          apply: async () => {
            expect(l.args.from).to.equal(rebuilt.status);
            Object.assign(rebuilt, { status: l.args.to, statusChangedAt: await blockTime(l) });
            reasons.push(l.args.reasonHash);
          },
        })),
      ]);
      const p = await R.participant(id);
      expect(rebuilt).to.deep.equal({
        kind: p.kind, name: p.name, creditCode: p.creditCode, profileHash: p.profileHash, status: p.status,
        registeredAt: p.registeredAt, statusChangedAt: p.statusChangedAt, signers: [...(await R.signers(id))],
      });
      expect([rebuilt.kind, rebuilt.name, rebuilt.creditCode, rebuilt.status, rebuilt.signers]).to.deep.equal([
        BigInt(Kind.Developer), "留痕开发有限公司", code, BigInt(PStatus.Exited), [k2.address],
      ]);
      expect(reasons).to.deep.equal([h("整改"), h("整改完成"), h("退出")]);
    });
  });
});
