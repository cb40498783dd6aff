/**
 * OversightRegistry: objections and quality feedback (C26, C27), conditional sharing (C32),
 * periodic reports (C28), evaluations (C29), annual disclosures (C37) and operation filings (C16).
 * Every refusal is checked for its named error and for an unchanged oversight state.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse, Log } from "ethers";
import {
  deployWorld,
  createResource,
  applyFor,
  toNoticeOver,
  nextCreditCode,
  h,
  Kind,
  Share,
  ROLE,
} from "../helpers/fixture";
import { activateAuthorization } from "../helpers/agreements";
import { cst } from "../helpers/dates";
import { listedProduct, recordScenarioOpinions } from "../helpers/products";
import { plain } from "../helpers/state";
import { PRODUCT_TEXT, SCENARIO_TEXT, STATEMENT, nextCode, statement } from "../helpers/texts";

/** IOversightRegistry enums. */
const Subject = { None: 0, Resource: 1, Product: 2, Authorization: 3 } as const;
const CaseKind = { None: 0, Objection: 1, QualityFeedback: 2 } as const;
const Outcome = { None: 0, Corrected: 1, Confirmed: 2 } as const;
const ShareStatus = { None: 0, Requested: 1, Granted: 2, Refused: 3, Executed: 4 } as const;
const Report = { None: 0, Monthly: 1, Quarterly: 2, Annual: 3 } as const;
const Evaluation = { None: 0, Pass: 1, Rectify: 2, Exit: 3 } as const;
const ZERO = ethers.ZeroHash;

/** The calendar year (China Standard Time) of a block timestamp. */
const cstYear = (ts: number): number => new Date((ts + 8 * 3600) * 1000).getUTCFullYear();
/** The calendar month (1-12, China Standard Time) of a block timestamp. */
const cstMonth = (ts: number): number => new Date((ts + 8 * 3600) * 1000).getUTCMonth() + 1;
/** The first moment after a reporting period (China Standard Time), computed independently. */
function periodEnd(kind: number, period: number): number {
  if (kind === Report.Monthly) {
    const [y, m] = [Math.floor(period / 100), period % 100];
    return m === 12 ? cst(y + 1, 1, 1) : cst(y, m + 1, 1);
  }
  if (kind === Report.Quarterly) {
    const [y, q] = [Math.floor(period / 10), period % 10];
    return q === 4 ? cst(y + 1, 1, 1) : cst(y, q * 3 + 1, 1);
  }
  return cst(period + 1, 1, 1);
}

/**
 * The deployment world plus: resource rA (deptA, Conditional), rB (deptB, Unconditional), an
 * active authorization of operatorA over both (its call organized by the agency), developerA's
 * application under it over rA, an approved scenario and a product derived from rB, a registered
 * third-party evaluator (not yet designated for anything), and the years around now.
 */
async function oversightWorld() {
  const w = await deployWorld();
  const { operatorA, expert1, authority, outsider } = w.signers;
  const rA = await createResource(w, { dept: "deptA", shareType: Share.Conditional });
  const rB = await createResource(w, { dept: "deptB", shareType: Share.Unconditional });
  const rC = await createResource(w, { dept: "deptA", shareType: Share.Conditional, register: false });
  await w.catalog.connect(authority).delistResource(rC, h("delisted"), STATEMENT);
  const auth = await applyFor(w, { resourceIds: [rA, rB] });
  await toNoticeOver(w, auth);
  await activateAuthorization(w, auth);
  // Developer A's tier-2 application under operator A: the path its data comes by (逐级溯源).
  const devAuth = await applyFor(w, { parentId: auth, resourceIds: [rA], termYears: 1 });

  await w.scenarios.connect(operatorA).proposeScenario({
    holderId: w.ids.operatorA,
    authorizationId: auth,
    purposeHash: h("purpose"),
    descriptionHash: h("scenario"),
    resourceIds: [rA, rB],
    publicText: SCENARIO_TEXT,
  });
  const scenarioId = await w.scenarios.scenarioCount();
  await recordScenarioOpinions(w, scenarioId);
  await w.scenarios.connect(authority).approveScenario(scenarioId, h("scenario-decision"), STATEMENT);
  await w.products.connect(operatorA).registerProduct({
    holderId: w.ids.operatorA,
    scenarioId,
    kind: 2,
    chargingBases: (1 << 1) | (1 << 3), // free trial for the source department, commercial
    previousVersionId: 0,
    pricingBasisHash: h("pricing"),
    usageHash: h("usage"),
    descriptionHash: h("product"),
    resourceIds: [rB],
    parentProductIds: [],
    publicText: PRODUCT_TEXT,
  });
  const product = await w.products.productCount();

  // A third-party evaluation agency (委托第三方评估机构, 004 第十九条); its key is `outsider`.
  await w.participants
    .connect(authority)
    .register(Kind.ServiceProvider, "第三方评估机构", nextCreditCode(), h("profile:evaluator"), [outsider.address]);
  const evaluator = await w.participants.participantCount();

  const year = cstYear(await time.latest());
  return { ...w, x: { rA, rB, rC, auth, devAuth, scenarioId, product, evaluator, year, prevYear: year - 1 } };
}

type OWorld = Awaited<ReturnType<typeof oversightWorld>>;

/** Everything the OversightRegistry stores or logs, for "no state change" checks. */
async function oversightState(w: OWorld): Promise<unknown> {
  const o = w.oversight;
  const [cases, shares, reports, evaluations, filings] = await o.counts();
  const out: Record<string, unknown> = { counts: [cases, shares, reports, evaluations, filings] };
  for (let i = 1n; i <= cases; i++) out[`case:${i}`] = await o.caseRecord(i);
  for (let i = 1n; i <= shares; i++) out[`share:${i}`] = await o.shareRequest(i);
  for (let i = 1n; i <= evaluations; i++) out[`evaluation:${i}`] = await o.evaluation(i);
  for (const id of Object.values(w.ids)) out[`latest:${id}`] = await o.latestEvaluation(id);
  out.latestOfAuth = await o.latestEvaluationOf(w.x.auth);
  out.designated = await o.isDesignatedEvaluator(w.x.auth, w.x.evaluator);
  for (const p of [w.ids.agency, w.ids.operatorA, w.ids.operatorB]) {
    for (const y of [w.x.prevYear, w.x.prevYear - 1]) out[`disclosure:${p}:${y}`] = await o.disclosureOf(p, y);
  }
  const logs = await ethers.provider.getLogs({ address: await o.getAddress(), fromBlock: 0 });
  out.logs = logs.length;
  return plain(out);
}

/** Expects a named custom error (and `args` when given) and an unchanged oversight state. */
async function refused(
  w: OWorld,
  action: () => Promise<ContractTransactionResponse>,
  error: string,
  args?: unknown[],
  contract: { interface: unknown } = w.oversight,
): Promise<void> {
  const before = await oversightState(w);
  const assertion = expect(action()).to.be.revertedWithCustomError(contract as never, error);
  if (args) await assertion.withArgs(...args);
  else await assertion;
  expect(await oversightState(w)).to.deep.equal(before);
}

/** The parsed OversightRegistry event `name` of a transaction. */
async function eventOf(w: OWorld, sent: Promise<ContractTransactionResponse>, name: string) {
  const receipt = await (await sent).wait();
  const block = await ethers.provider.getBlock(receipt!.blockNumber);
  const parsed = receipt!.logs
    .map((l: Log) => {
      try {
        return w.oversight.interface.parseLog(l);
      } catch {
        return null; // a log of another contract
      }
    })
    .find((l) => l?.name === name);
  expect(parsed, `event ${name}`).to.not.equal(undefined);
  return { args: parsed!.args, at: BigInt(block!.timestamp) };
}

function caseRequest(w: OWorld, o: Partial<Record<string, unknown>> = {}) {
  return {
    kind: CaseKind.Objection,
    subjectKind: Subject.Resource,
    subjectId: w.x.rA,
    filerId: w.ids.operatorA,
    departmentId: 0n,
    authorizationId: 0n,
    contentDigest: h("complaint"),
    personDigest: ZERO,
    ...o,
  };
}

/** A data subject's objection through the platform node; returns the case id. */
async function subjectObjection(w: OWorld, o: Partial<Record<string, unknown>> = {}): Promise<bigint> {
  await w.oversight
    .connect(w.signers.platformNode)
    .fileCase(caseRequest(w, { filerId: 0n, personDigest: h("salted-person"), ...o }));
  return (await w.oversight.counts())[0];
}

/** Quality feedback of developerA about rA, through its authorization; returns the case id. */
async function developerFeedback(w: OWorld): Promise<bigint> {
  await w.oversight.connect(w.signers.developerA).fileCase(
    caseRequest(w, {
      kind: CaseKind.QualityFeedback,
      filerId: w.ids.developerA,
      authorizationId: w.x.devAuth,
    }),
  );
  return (await w.oversight.counts())[0];
}

describe("OversightRegistry", () => {
  // ===== C27 OBJECTIONS =====

  describe("objections (C27)", () => {
    it("C27 a platform node files a data subject's objection as salted digests, routed to the source department with the profile's working days", async () => {
      const w = await loadFixture(oversightWorld);
      const req = caseRequest(w, { filerId: 0n, personDigest: h("salted-person") });
      const { args, at } = await eventOf(w, w.oversight.connect(w.signers.platformNode).fileCase(req), "CaseFiled");
      expect(args.caseId).to.equal(1n);
      expect(args.departmentId).to.equal(w.ids.deptA);
      expect(args.subjectId).to.equal(w.x.rA);
      expect(plain(args.request)).to.deep.equal(
        plain([CaseKind.Objection, Subject.Resource, w.x.rA, 0n, w.ids.deptA, 0n, h("complaint"), h("salted-person")]),
      );
      expect(args.handlerId).to.equal(w.ids.deptA);
      expect(args.replyWorkingDays).to.equal(w.profile.deadlines.objectionReplyWorkingDays);
      expect(args.filedAt).to.equal(at);
      expect(args.by).to.equal(w.signers.platformNode.address);
      const c = await w.oversight.caseRecord(1n);
      expect(c.departmentId).to.equal(w.ids.deptA);
      expect(c.filerId).to.equal(0n);
      expect(c.level).to.equal(1n);
      expect(c.replyWorkingDays).to.equal(10n);
      expect(c.filedAt).to.equal(at);
      expect(c.answeredAt).to.equal(0n);
      expect((await w.oversight.deadlines()).objectionReplyWorkingDays).to.equal(10n);
    });

    it("C27 C34 a data subject filing through a platform node must carry the person digest", async () => {
      const w = await loadFixture(oversightWorld);
      await refused(
        w,
        () => w.oversight.connect(w.signers.platformNode).fileCase(caseRequest(w, { filerId: 0n })),
        "OversightRegistryZeroDigest",
        ["person"],
      );
    });

    it("C27 only a PLATFORM_NODE key files for a data subject", async () => {
      const w = await loadFixture(oversightWorld);
      const { outsider } = w.signers;
      await refused(
        w,
        () => w.oversight.connect(outsider).fileCase(caseRequest(w, { filerId: 0n, personDigest: h("p") })),
        "HubConsumerUnauthorized",
        [outsider.address, ROLE.PLATFORM_NODE],
      );
    });

    it("C27 a participant files only through an active signer of its own", async () => {
      const w = await loadFixture(oversightWorld);
      const { developerA, operatorA, authority } = w.signers;
      await refused(w, () => w.oversight.connect(developerA).fileCase(caseRequest(w)), "OversightRegistryNotSigner", [
        w.ids.operatorA,
        developerA.address,
      ]);
      await w.participants.connect(authority).suspend(w.ids.operatorA, h("rectification"));
      await refused(w, () => w.oversight.connect(operatorA).fileCase(caseRequest(w)), "OversightRegistryNotSigner", [
        w.ids.operatorA,
        operatorA.address,
      ]);
    });

    it("C27 the source department answers once, corrected or confirmed, with the filing time in the event", async () => {
      const w = await loadFixture(oversightWorld);
      const caseId = await subjectObjection(w);
      const filedAt = (await w.oversight.caseRecord(caseId)).filedAt;
      await time.increase(3 * 86_400);
      const { args, at } = await eventOf(
        w,
        w.oversight.connect(w.signers.deptA).answerCase(caseId, Outcome.Corrected, h("resolution")),
        "CaseAnswered",
      );
      expect(plain(args)).to.deep.equal(
        plain([
          caseId,
          w.ids.deptA,
          CaseKind.Objection,
          Outcome.Corrected,
          h("resolution"),
          filedAt,
          at,
          w.signers.deptA.address,
        ]),
      );
      const c = await w.oversight.caseRecord(caseId);
      expect(c.outcome).to.equal(Outcome.Corrected);
      expect(c.answeredAt).to.equal(at);
      await refused(
        w,
        () => w.oversight.connect(w.signers.deptA).answerCase(caseId, Outcome.Confirmed, h("again")),
        "OversightRegistryCaseClosed",
        [caseId, at],
      );
    });

    it("C27 a reply by another department is refused", async () => {
      const w = await loadFixture(oversightWorld);
      const caseId = await subjectObjection(w);
      const { deptB } = w.signers;
      await refused(
        w,
        () => w.oversight.connect(deptB).answerCase(caseId, Outcome.Confirmed, h("r")),
        "OversightRegistryNotSigner",
        [w.ids.deptA, deptB.address],
      );
    });

    it("C27 an answer needs an outcome and a resolution digest, about a known case", async () => {
      const w = await loadFixture(oversightWorld);
      const caseId = await subjectObjection(w);
      const { deptA } = w.signers;
      await refused(
        w,
        () => w.oversight.connect(deptA).answerCase(caseId, Outcome.None, h("r")),
        "OversightRegistryInvalidCaseOutcome",
        [0],
      );
      await refused(
        w,
        () => w.oversight.connect(deptA).answerCase(caseId, Outcome.Confirmed, ZERO),
        "OversightRegistryZeroDigest",
        ["resolution"],
      );
      await refused(
        w,
        () => w.oversight.connect(deptA).answerCase(99n, Outcome.Confirmed, h("r")),
        "OversightRegistryUnknownCase",
        [99n],
      );
    });

    it("C27 a named department must be the resource's one source department", async () => {
      const w = await loadFixture(oversightWorld);
      await refused(
        w,
        () => w.oversight.connect(w.signers.operatorA).fileCase(caseRequest(w, { departmentId: w.ids.deptB })),
        "OversightRegistryNotResponsible",
        [w.ids.deptB, Subject.Resource, w.x.rA],
      );
      await w.oversight.connect(w.signers.operatorA).fileCase(caseRequest(w, { departmentId: w.ids.deptA }));
      expect((await w.oversight.caseRecord(1n)).departmentId).to.equal(w.ids.deptA);
    });

    it("C27 unknown subjects, kinds and empty complaints are refused", async () => {
      const w = await loadFixture(oversightWorld);
      const op = w.oversight.connect(w.signers.operatorA);
      for (const [subjectKind, subjectId] of [
        [Subject.Resource, 99n],
        [Subject.Authorization, 99n],
        [Subject.Product, 99n],
        [Subject.Resource, 0n],
        [Subject.None, w.x.rA],
      ] as const) {
        await refused(
          w,
          () => op.fileCase(caseRequest(w, { subjectKind, subjectId })),
          "OversightRegistryUnknownSubject",
          [subjectKind, subjectId],
        );
      }
      await refused(
        w,
        () => op.fileCase(caseRequest(w, { kind: CaseKind.None })),
        "OversightRegistryInvalidCaseKind",
        [0],
      );
      await refused(w, () => op.fileCase(caseRequest(w, { contentDigest: ZERO })), "OversightRegistryZeroDigest", [
        "content",
      ]);
    });

    it("C27 an objection to an authorization goes to the first resource's source department, or to a named responsible one", async () => {
      const w = await loadFixture(oversightWorld);
      const op = w.oversight.connect(w.signers.operatorA);
      const about = { subjectKind: Subject.Authorization, subjectId: w.x.auth };
      await op.fileCase(caseRequest(w, about));
      expect((await w.oversight.caseRecord(1n)).departmentId).to.equal(w.ids.deptA);
      await op.fileCase(caseRequest(w, { ...about, departmentId: w.ids.deptB }));
      expect((await w.oversight.caseRecord(2n)).departmentId).to.equal(w.ids.deptB);
      await refused(
        w,
        () => op.fileCase(caseRequest(w, { ...about, departmentId: w.ids.agency })),
        "OversightRegistryNotResponsible",
        [w.ids.agency, Subject.Authorization, w.x.auth],
      );
    });

    it("C27 an objection to a product goes to the source department of its lineage", async () => {
      const w = await loadFixture(oversightWorld);
      const about = { subjectKind: Subject.Product, subjectId: w.x.product };
      const caseId = await subjectObjection(w, about);
      expect((await w.oversight.caseRecord(caseId)).departmentId).to.equal(w.ids.deptB);
      expect((await w.oversight.caseRecord(caseId)).subjectKind).to.equal(Subject.Product);
      await refused(
        w,
        () =>
          w.oversight.connect(w.signers.operatorA).fileCase(caseRequest(w, { ...about, departmentId: w.ids.deptA })),
        "OversightRegistryNotResponsible",
        [w.ids.deptA, Subject.Product, w.x.product],
      );
    });

    it("C27 an objection to a product derived only from other products goes only to a source department of its lineage", async () => {
      const w = await loadFixture(oversightWorld);
      const { scenarioId, rB } = w.x;
      // pB <- rB (deptB); p2 <- pB; p3 <- p2: no resource of their own.
      const pB = await listedProduct(w, { scenarioId, resourceIds: [rB] });
      const p2 = await listedProduct(w, { scenarioId, parentProductIds: [pB] });
      await w.products.connect(w.signers.operatorA).registerProduct({
        holderId: w.ids.operatorA,
        scenarioId,
        kind: 2,
        chargingBases: (1 << 1) | (1 << 3),
        previousVersionId: 0,
        pricingBasisHash: h("pricing"),
        usageHash: h("usage"),
        descriptionHash: h("grandchild"),
        resourceIds: [],
        parentProductIds: [p2],
        publicText: PRODUCT_TEXT,
      });
      const p3 = await w.products.productCount();
      const node = w.oversight.connect(w.signers.platformNode);
      const about = (subjectId: bigint, departmentId = 0n) =>
        caseRequest(w, {
          filerId: 0n,
          personDigest: h("salted-person"),
          subjectKind: Subject.Product,
          subjectId,
          departmentId,
        });
      // deptA is an active source department, but none of p3's lineage is its data.
      await refused(w, () => node.fileCase(about(p3, w.ids.deptA)), "OversightRegistryNotResponsible", [
        w.ids.deptA,
        Subject.Product,
        p3,
      ]);
      // Routed by the lineage: two products up, rB's department.
      await node.fileCase(about(p3));
      expect((await w.oversight.caseRecord(1n)).departmentId).to.equal(w.ids.deptB);
      await node.fileCase(about(p2, w.ids.deptB));
      expect((await w.oversight.caseRecord(2n)).departmentId).to.equal(w.ids.deptB);
    });

    it("C27 the lineage walk is bounded: past MAX_LINEAGE_WALK products a named department cannot be confirmed", async () => {
      const w = await loadFixture(oversightWorld);
      const { scenarioId, rB } = w.x;
      const max = Number(await w.oversight.MAX_LINEAGE_WALK());
      // `max` usable parents from rB, registered together (one notice period for all).
      const { operatorA, authority, expert2 } = w.signers;
      const parents: bigint[] = [];
      const apps: bigint[] = [];
      for (let i = 0; i < max; i++) {
        await w.products.connect(operatorA).registerProduct({
          holderId: w.ids.operatorA,
          scenarioId,
          kind: 2,
          chargingBases: (1 << 1) | (1 << 3),
          previousVersionId: 0,
          pricingBasisHash: h("pricing"),
          usageHash: h("usage"),
          descriptionHash: h(`parent-${i}`),
          resourceIds: [rB],
          parentProductIds: [],
          publicText: PRODUCT_TEXT,
        });
        const id = await w.products.productCount();
        parents.push(id);
        await w.products.connect(expert2).reviewProduct(id, true, h("review"));
        await w.products.connect(operatorA).applyRegistration(id, 1, h("materials"));
        const app = (await w.products.registrationOf(id)).pendingApplication;
        await w.products.connect(authority).acceptRegistration(app, h("accepted"));
        await w.products.connect(authority).reviewRegistration(app, true, h("registration-review"));
        apps.push(app);
      }
      const noticeEnd = (await time.latest()) + w.profile.registrationNoticeWorkingDays * 86_400 + 600;
      for (const app of apps) await w.products.connect(authority).noticeRegistration(app, noticeEnd);
      await time.increaseTo(noticeEnd);
      for (const [i, app] of apps.entries()) {
        await w.products.connect(authority).issueRegistration(app, nextCode("P"));
        await w.products.connect(operatorA).listProduct(parents[i]);
      }
      await w.products.connect(operatorA).registerProduct({
        holderId: w.ids.operatorA,
        scenarioId,
        kind: 2,
        chargingBases: (1 << 1) | (1 << 3),
        previousVersionId: 0,
        pricingBasisHash: h("pricing"),
        usageHash: h("usage"),
        descriptionHash: h("wide-child"),
        resourceIds: [],
        parentProductIds: parents,
        publicText: PRODUCT_TEXT,
      });
      const child = await w.products.productCount();
      const node = w.oversight.connect(w.signers.platformNode);
      const about = (departmentId: bigint) =>
        caseRequest(w, {
          filerId: 0n,
          personDigest: h("salted-person"),
          subjectKind: Subject.Product,
          subjectId: child,
          departmentId,
        });
      await refused(w, () => node.fileCase(about(w.ids.deptA)), "OversightRegistryLineageTooLarge", [child, max]);
      // Within the bound the first parent answers for it.
      await node.fileCase(about(0n));
      expect((await w.oversight.caseRecord(1n)).departmentId).to.equal(w.ids.deptB);
    });

    it("C27 C32 the deployment refuses a deadline of zero working days", async () => {
      const w = await loadFixture(oversightWorld);
      const factory = await ethers.getContractFactory("OversightRegistry");
      const hub = await w.hub.getAddress();
      for (const d of [
        [0, 2, 3],
        [10, 0, 3],
        [10, 2, 0],
      ]) {
        const deadlines = {
          objectionReplyWorkingDays: d[0],
          shareReplyWorkingDays: d[1],
          shareExecuteWorkingDays: d[2],
        };
        await expect(factory.deploy(hub, deadlines))
          .to.be.revertedWithCustomError(factory, "OversightRegistryInvalidDeadlines")
          .withArgs(d[0], d[1], d[2]);
      }
      expect(plain(await w.oversight.deadlines())).to.deep.equal(
        plain([
          w.profile.deadlines.objectionReplyWorkingDays,
          w.profile.deadlines.conditionalShareReplyWorkingDays,
          w.profile.deadlines.conditionalShareExecuteWorkingDays,
        ]),
      );
    });
  });

  // ===== C26 QUALITY FEEDBACK =====

  describe("quality feedback (C26)", () => {
    it("C26 a developer's quality feedback travels level by level back along its data's path: operator, then the call's organizer, then the source department, each forward recorded", async () => {
      const w = await loadFixture(oversightWorld);
      const { operatorA, agency, deptA } = w.signers;
      const filed = await eventOf(
        w,
        w.oversight.connect(w.signers.developerA).fileCase(
          caseRequest(w, { kind: CaseKind.QualityFeedback, filerId: w.ids.developerA, authorizationId: w.x.devAuth }),
        ),
        "CaseFiled",
      );
      const caseId = filed.args.caseId;
      // It sits first with developer A's data provider: operator A, organizer of its authorization.
      expect(filed.args.handlerId).to.equal(w.ids.operatorA);
      expect(filed.args.request.authorizationId).to.equal(w.x.devAuth);
      let c = await w.oversight.caseRecord(caseId);
      expect([c.level, c.handlerId, c.traceAuthorizationId, c.departmentId]).to.deep.equal([
        1n,
        w.ids.operatorA,
        w.x.devAuth,
        w.ids.deptA,
      ]);

      const first = await eventOf(
        w,
        w.oversight.connect(operatorA).forwardFeedback(caseId, w.ids.operatorA, h("op-check")),
        "FeedbackForwarded",
      );
      // Next: the agency, which organized the call operator A's own authorization answered.
      expect(plain(first.args)).to.deep.equal(
        plain([caseId, w.ids.deptA, w.ids.operatorA, w.ids.agency, 2, h("op-check"), first.at, operatorA.address]),
      );
      c = await w.oversight.caseRecord(caseId);
      expect([c.level, c.handlerId, c.traceAuthorizationId]).to.deep.equal([2n, w.ids.agency, w.x.auth]);

      const second = await eventOf(
        w,
        w.oversight.connect(agency).forwardFeedback(caseId, w.ids.agency, h("agency-check")),
        "FeedbackForwarded",
      );
      expect(plain(second.args)).to.deep.equal(
        plain([caseId, w.ids.deptA, w.ids.agency, w.ids.deptA, 3, h("agency-check"), second.at, agency.address]),
      );
      c = await w.oversight.caseRecord(caseId);
      expect([c.level, c.handlerId, c.traceAuthorizationId, c.filerId]).to.deep.equal([
        3n,
        w.ids.deptA,
        0n,
        w.ids.developerA,
      ]);
      // At the source department the chain ends: it answers.
      await refused(
        w,
        () => w.oversight.connect(deptA).forwardFeedback(caseId, w.ids.deptA, h("n")),
        "OversightRegistryAtSource",
        [caseId, w.ids.deptA],
      );
      await w.oversight.connect(deptA).answerCase(caseId, Outcome.Corrected, h("fixed"));
      expect((await w.oversight.caseRecord(caseId)).outcome).to.equal(Outcome.Corrected);
    });

    it("C26 only the party the case sits with forwards it: unrelated participants cannot push it up or block the real forward", async () => {
      const w = await loadFixture(oversightWorld);
      const caseId = await developerFeedback(w);
      const { operatorA, operatorB, developerB, developerA, agency, deptA } = w.signers;
      // Two unrelated participants, and the parties of later levels, may not move it.
      for (const [signer, id] of [
        [operatorB, w.ids.operatorB],
        [developerB, w.ids.developerB],
        [developerA, w.ids.developerA],
        [agency, w.ids.agency],
        [deptA, w.ids.deptA],
      ] as const) {
        await refused(
          w,
          () => w.oversight.connect(signer).forwardFeedback(caseId, id, h("push")),
          "OversightRegistryNotAddressee",
          [caseId, id, w.ids.operatorA],
        );
      }
      // Nor sign for the addressee.
      await refused(
        w,
        () => w.oversight.connect(operatorB).forwardFeedback(caseId, w.ids.operatorA, h("push")),
        "OversightRegistryNotSigner",
        [w.ids.operatorA, operatorB.address],
      );
      // The real forward still goes through, to the next level only.
      await w.oversight.connect(operatorA).forwardFeedback(caseId, w.ids.operatorA, h("op-check"));
      const c = await w.oversight.caseRecord(caseId);
      expect([c.level, c.handlerId]).to.deep.equal([2n, w.ids.agency]);
      // Once forwarded it has left operator A.
      await refused(
        w,
        () => w.oversight.connect(operatorA).forwardFeedback(caseId, w.ids.operatorA, h("again")),
        "OversightRegistryNotAddressee",
        [caseId, w.ids.operatorA, w.ids.agency],
      );
    });

    it("C26 an operator's feedback starts with its call's organizer; other feedback starts at the source department", async () => {
      const w = await loadFixture(oversightWorld);
      const { operatorA, agency, deptA } = w.signers;
      const opFiled = await eventOf(
        w,
        w.oversight
          .connect(operatorA)
          .fileCase(caseRequest(w, { kind: CaseKind.QualityFeedback, authorizationId: w.x.auth })),
        "CaseFiled",
      );
      expect(opFiled.args.handlerId).to.equal(w.ids.agency);
      await w.oversight.connect(agency).forwardFeedback(opFiled.args.caseId, w.ids.agency, h("agency-check"));
      expect((await w.oversight.caseRecord(opFiled.args.caseId)).handlerId).to.equal(w.ids.deptA);

      // The implementing agency's own feedback has no path above it: at the department at once.
      const agencyFiled = await eventOf(
        w,
        w.oversight
          .connect(agency)
          .fileCase(caseRequest(w, { kind: CaseKind.QualityFeedback, filerId: w.ids.agency })),
        "CaseFiled",
      );
      expect(agencyFiled.args.handlerId).to.equal(w.ids.deptA);
      await refused(
        w,
        () => w.oversight.connect(deptA).forwardFeedback(agencyFiled.args.caseId, w.ids.deptA, h("n")),
        "OversightRegistryAtSource",
        [agencyFiled.args.caseId, w.ids.deptA],
      );
    });

    it("C26 the source department answers at any level: an intermediate level never holds its reply back", async () => {
      const w = await loadFixture(oversightWorld);
      const caseId = await developerFeedback(w);
      expect((await w.oversight.caseRecord(caseId)).handlerId).to.equal(w.ids.operatorA);
      await w.oversight.connect(w.signers.deptA).answerCase(caseId, Outcome.Confirmed, h("ok"));
      const answeredAt = (await w.oversight.caseRecord(caseId)).answeredAt;
      await refused(
        w,
        () => w.oversight.connect(w.signers.operatorA).forwardFeedback(caseId, w.ids.operatorA, h("late")),
        "OversightRegistryCaseClosed",
        [caseId, answeredAt],
      );
    });

    it("C26 an operator's or developer's feedback follows its own authorization, one that holds the resource; other cases name none", async () => {
      const w = await loadFixture(oversightWorld);
      const dev = w.oversight.connect(w.signers.developerA);
      const feedback = { kind: CaseKind.QualityFeedback, filerId: w.ids.developerA };
      for (const [o, bad] of [
        [{}, 0n], // no path named
        [{ authorizationId: w.x.auth }, w.x.auth], // operator A's, not developer A's
        [{ authorizationId: 99n }, 99n], // unknown
        [{ authorizationId: w.x.devAuth, subjectId: w.x.rB }, w.x.devAuth], // rB is outside its scope
      ] as const) {
        await refused(
          w,
          () => dev.fileCase(caseRequest(w, { ...feedback, ...o })),
          "OversightRegistryInvalidTraceAuthorization",
          [w.ids.developerA, bad],
        );
      }
      // An objection, or feedback of a party without an authorization, names no path.
      await refused(
        w,
        () => w.oversight.connect(w.signers.operatorA).fileCase(caseRequest(w, { authorizationId: w.x.auth })),
        "OversightRegistryInvalidTraceAuthorization",
        [w.ids.operatorA, w.x.auth],
      );
      await refused(
        w,
        () =>
          w.oversight
            .connect(w.signers.agency)
            .fileCase(
              caseRequest(w, { kind: CaseKind.QualityFeedback, filerId: w.ids.agency, authorizationId: w.x.auth }),
            ),
        "OversightRegistryInvalidTraceAuthorization",
        [w.ids.agency, w.x.auth],
      );
    });

    it("C26 only quality feedback is forwarded, with a note, about a known case", async () => {
      const w = await loadFixture(oversightWorld);
      const objection = await subjectObjection(w);
      const { operatorA } = w.signers;
      await refused(
        w,
        () => w.oversight.connect(operatorA).forwardFeedback(objection, w.ids.operatorA, h("n")),
        "OversightRegistryNotForwardable",
        [objection, CaseKind.Objection],
      );
      const caseId = await developerFeedback(w);
      await refused(
        w,
        () => w.oversight.connect(operatorA).forwardFeedback(caseId, w.ids.operatorA, ZERO),
        "OversightRegistryZeroDigest",
        ["note"],
      );
      await refused(
        w,
        () => w.oversight.connect(operatorA).forwardFeedback(77n, w.ids.operatorA, h("n")),
        "OversightRegistryUnknownCase",
        [77n],
      );
    });
  });

  // ===== C32 CONDITIONAL SHARING =====

  describe("conditional sharing (C32)", () => {
    it("C32 a request is granted and carried out, each step timed for the 2 + 3 working-day watch", async () => {
      const w = await loadFixture(oversightWorld);
      const { operatorA, deptA } = w.signers;
      const req = await eventOf(
        w,
        w.oversight.connect(operatorA).requestShare(w.ids.operatorA, w.x.rA, h("purpose")),
        "ShareRequested",
      );
      expect(plain(req.args)).to.deep.equal(
        plain([1n, w.x.rA, w.ids.operatorA, w.ids.deptA, h("purpose"), 2, req.at, operatorA.address]),
      );
      await time.increase(86_400);
      const rep = await eventOf(w, w.oversight.connect(deptA).replyShare(1n, true, h("conditions"), STATEMENT), "ShareReplied");
      expect(plain(rep.args)).to.deep.equal(
        plain([1n, w.x.rA, w.ids.deptA, true, h("conditions"), req.at, rep.at, 3, STATEMENT, deptA.address]),
      );
      const exe = await eventOf(w, w.oversight.connect(deptA).executeShare(1n, h("delivered")), "ShareExecuted");
      expect(plain(exe.args)).to.deep.equal(
        plain([1n, w.x.rA, w.ids.deptA, h("delivered"), rep.at, exe.at, deptA.address]),
      );
      const s = await w.oversight.shareRequest(1n);
      expect(s.status).to.equal(ShareStatus.Executed);
      expect([s.requestedAt, s.repliedAt, s.executedAt]).to.deep.equal([req.at, rep.at, exe.at]);
    });

    it("C32 a refusal must cite its legal basis, and a refused request is never carried out", async () => {
      const w = await loadFixture(oversightWorld);
      const { operatorA, deptA } = w.signers;
      await w.oversight.connect(operatorA).requestShare(w.ids.operatorA, w.x.rA, h("purpose"));
      await refused(
        w,
        () => w.oversight.connect(deptA).replyShare(1n, false, ZERO, STATEMENT),
        "OversightRegistryRefusalWithoutLegalBasis",
        [1n],
      );
      await w.oversight.connect(deptA).replyShare(1n, false, h("law-article"), STATEMENT);
      expect((await w.oversight.shareRequest(1n)).status).to.equal(ShareStatus.Refused);
      await refused(w, () => w.oversight.connect(deptA).executeShare(1n, h("d")), "OversightRegistryWrongShareStatus", [
        1n,
        ShareStatus.Refused,
      ]);
    });

    it("C34 refuses a share refusal without its public statement, or with a control character in it", async () => {
      const w = await loadFixture(oversightWorld);
      const { operatorA, deptA } = w.signers;
      await w.oversight.connect(operatorA).requestShare(w.ids.operatorA, w.x.rA, h("purpose"));
      const dept = w.oversight.connect(deptA);
      await refused(w, () => dept.replyShare(1n, false, h("law-article"), ""), "PublicTextRequired");
      await refused(w, () => dept.replyShare(1n, false, h("law-article"), '{"reason":"依据\u0007"}'), "PublicTextInvalid", [17]); // the BEL after 11 + 6 bytes
      expect((await w.oversight.shareRequest(1n)).status).to.equal(ShareStatus.Requested);
    });

    it("C21 a share reply carries its public statement; a grant may carry none", async () => {
      const w = await loadFixture(oversightWorld);
      const { operatorA, deptA } = w.signers;
      await w.oversight.connect(operatorA).requestShare(w.ids.operatorA, w.x.rA, h("purpose"));
      await w.oversight.connect(operatorA).requestShare(w.ids.operatorA, w.x.rA, h("purpose-2"));
      const reason = statement("依据《惠州市公共数据管理实施细则》第二十四条，该数据不予共享。", "Refused under article 24 of the Huizhou rules.");
      const refusal = await eventOf(w, w.oversight.connect(deptA).replyShare(1n, false, h("law-article"), reason), "ShareReplied");
      expect([refusal.args.granted, refusal.args.statement]).to.deep.equal([false, reason]);
      const grant = await eventOf(w, w.oversight.connect(deptA).replyShare(2n, true, ZERO, ""), "ShareReplied");
      expect([grant.args.granted, grant.args.statement]).to.deep.equal([true, ""]);
    });

    it("C32 only a Conditional resource in the catalog can be requested", async () => {
      const w = await loadFixture(oversightWorld);
      const op = w.oversight.connect(w.signers.operatorA);
      await refused(w, () => op.requestShare(w.ids.operatorA, w.x.rB, h("p")), "OversightRegistryNotConditional", [
        w.x.rB,
        Share.Unconditional,
      ]);
      await refused(w, () => op.requestShare(w.ids.operatorA, w.x.rC, h("p")), "OversightRegistryResourceNotListed", [
        w.x.rC,
        4,
      ]);
      await refused(w, () => op.requestShare(w.ids.operatorA, 99n, h("p")), "OversightRegistryUnknownSubject", [
        Subject.Resource,
        99n,
      ]);
    });

    it("C32 a request needs the requester's own signer and a purpose digest", async () => {
      const w = await loadFixture(oversightWorld);
      const { outsider, operatorA } = w.signers;
      await refused(
        w,
        () => w.oversight.connect(outsider).requestShare(w.ids.operatorA, w.x.rA, h("p")),
        "OversightRegistryNotSigner",
        [w.ids.operatorA, outsider.address],
      );
      await refused(
        w,
        () => w.oversight.connect(operatorA).requestShare(w.ids.operatorA, w.x.rA, ZERO),
        "OversightRegistryZeroDigest",
        ["purpose"],
      );
    });

    it("C32 only the resource's source department replies and carries out, once each, in order", async () => {
      const w = await loadFixture(oversightWorld);
      const { operatorA, deptA, deptB } = w.signers;
      await w.oversight.connect(operatorA).requestShare(w.ids.operatorA, w.x.rA, h("purpose"));
      await refused(w, () => w.oversight.connect(deptB).replyShare(1n, true, ZERO, STATEMENT), "OversightRegistryNotSigner", [
        w.ids.deptA,
        deptB.address,
      ]);
      await refused(w, () => w.oversight.connect(deptA).executeShare(1n, h("d")), "OversightRegistryWrongShareStatus", [
        1n,
        ShareStatus.Requested,
      ]);
      await w.oversight.connect(deptA).replyShare(1n, true, ZERO, STATEMENT);
      await refused(
        w,
        () => w.oversight.connect(deptA).replyShare(1n, true, ZERO, STATEMENT),
        "OversightRegistryWrongShareStatus",
        [1n, ShareStatus.Granted],
      );
      await refused(w, () => w.oversight.connect(deptB).executeShare(1n, h("d")), "OversightRegistryNotSigner", [
        w.ids.deptA,
        deptB.address,
      ]);
      await refused(w, () => w.oversight.connect(deptA).executeShare(1n, ZERO), "OversightRegistryZeroDigest", [
        "delivery",
      ]);
      await refused(
        w,
        () => w.oversight.connect(deptA).replyShare(5n, true, ZERO, STATEMENT),
        "OversightRegistryUnknownShareRequest",
        [5n],
      );
      await expect(w.oversight.shareRequest(5n)).to.be.revertedWithCustomError(
        w.oversight,
        "OversightRegistryUnknownShareRequest",
      );
    });
  });

  // ===== C28 REPORTS =====

  describe("periodic reports (C28)", () => {
    it("C28 the holder files one monthly, quarterly and annual report per authorization and period", async () => {
      const w = await loadFixture(oversightWorld);
      const { operatorA } = w.signers;
      const y = w.x.prevYear;
      const periods: [number, number][] = [
        [Report.Monthly, y * 100 + 12],
        [Report.Quarterly, y * 10 + 4],
        [Report.Annual, y],
      ];
      let id = 0n;
      for (const [kind, period] of periods) {
        id++;
        const { args, at } = await eventOf(
          w,
          w.oversight.connect(operatorA).fileReport(w.x.auth, kind, period, h(`report-${kind}`)),
          "ReportFiled",
        );
        expect(plain(args)).to.deep.equal(
          plain([id, w.x.auth, w.ids.operatorA, kind, period, h(`report-${kind}`), at, operatorA.address]),
        );
        expect(await w.oversight.reportOf(w.x.auth, kind, period)).to.equal(id);
      }
      for (const [kind, period] of periods) {
        const existing = await w.oversight.reportOf(w.x.auth, kind, period);
        await refused(
          w,
          () => w.oversight.connect(operatorA).fileReport(w.x.auth, kind, period, h("again")),
          "OversightRegistryDuplicateReport",
          [w.x.auth, kind, period, existing],
        );
      }
      // The next month is a new period.
      await w.oversight.connect(operatorA).fileReport(w.x.auth, Report.Monthly, y * 100 + 11, h("november"));
      expect((await w.oversight.counts())[2]).to.equal(4n);
    });

    it("C28 an authorization that is only applied for can already be reported on by its holder", async () => {
      const w = await loadFixture(oversightWorld);
      const pending = await applyFor(w, { holder: "operatorB", resourceIds: [w.x.rA] });
      await w.oversight.connect(w.signers.operatorB).fileReport(pending, Report.Annual, w.x.prevYear, h("annual"));
      expect(await w.oversight.reportOf(pending, Report.Annual, w.x.prevYear)).to.equal(1n);
    });

    it("C28 only a signer of the authorization's holder files its reports", async () => {
      const w = await loadFixture(oversightWorld);
      const { operatorB, operatorA } = w.signers;
      await refused(
        w,
        () => w.oversight.connect(operatorB).fileReport(w.x.auth, Report.Annual, w.x.prevYear, h("r")),
        "OversightRegistryNotSigner",
        [w.ids.operatorA, operatorB.address],
      );
      await refused(
        w,
        () => w.oversight.connect(operatorA).fileReport(99n, Report.Annual, w.x.prevYear, h("r")),
        "OversightRegistryUnknownSubject",
        [Subject.Authorization, 99n],
      );
    });

    it("C28 periods are yyyymm, yyyyq and yyyy, never ahead of time, with a document", async () => {
      const w = await loadFixture(oversightWorld);
      const op = w.oversight.connect(w.signers.operatorA);
      const { auth, prevYear, year } = w.x;
      for (const [kind, period] of [
        [Report.Monthly, prevYear * 100 + 13],
        [Report.Monthly, prevYear * 100],
        [Report.Quarterly, prevYear * 10 + 5],
        [Report.Quarterly, prevYear * 10],
        [Report.Annual, 1999],
        [Report.Monthly, 199_912],
        [Report.None, prevYear],
      ]) {
        await refused(w, () => op.fileReport(auth, kind, period, h("r")), "OversightRegistryInvalidPeriod", [
          kind,
          period,
        ]);
      }
      for (const [kind, period] of [
        [Report.Annual, year],
        [Report.Monthly, (year + 1) * 100 + 1],
        [Report.Quarterly, (year + 1) * 10 + 1],
      ]) {
        await refused(w, () => op.fileReport(auth, kind, period, h("r")), "OversightRegistryPeriodNotEnded", [
          kind,
          period,
          periodEnd(kind, period),
        ]);
      }
      await refused(w, () => op.fileReport(auth, Report.Annual, prevYear, ZERO), "OversightRegistryZeroDigest", [
        "document",
      ]);
    });

    it("C28 a report for a period not yet ended is refused, so the genuine report is still accepted once it ends", async () => {
      const w = await loadFixture(oversightWorld);
      const op = w.oversight.connect(w.signers.operatorA);
      const now = await time.latest();
      const [y, m] = [cstYear(now), cstMonth(now)];
      const month = y * 100 + m;
      const quarter = y * 10 + Math.ceil(m / 3);
      // The current month and quarter have begun but not ended: nothing may stand in for them.
      for (const [kind, period] of [
        [Report.Monthly, month],
        [Report.Quarterly, quarter],
      ]) {
        await refused(w, () => op.fileReport(w.x.auth, kind, period, h("early")), "OversightRegistryPeriodNotEnded", [
          kind,
          period,
          periodEnd(kind, period),
        ]);
        expect(await w.oversight.reportOf(w.x.auth, kind, period)).to.equal(0n);
      }
      // One second before the month ends it is still refused; at its end the genuine report goes in.
      const monthEnd = periodEnd(Report.Monthly, month);
      await time.setNextBlockTimestamp(monthEnd - 1);
      await expect(op.fileReport(w.x.auth, Report.Monthly, month, h("early")))
        .to.be.revertedWithCustomError(w.oversight, "OversightRegistryPeriodNotEnded")
        .withArgs(Report.Monthly, month, monthEnd);
      await time.setNextBlockTimestamp(monthEnd);
      await op.fileReport(w.x.auth, Report.Monthly, month, h("genuine"));
      expect(await w.oversight.reportOf(w.x.auth, Report.Monthly, month)).to.equal(1n);
      const quarterEnd = periodEnd(Report.Quarterly, quarter);
      if (quarterEnd > (await time.latest())) await time.increaseTo(quarterEnd);
      await op.fileReport(w.x.auth, Report.Quarterly, quarter, h("genuine-quarter"));
      expect(await w.oversight.reportOf(w.x.auth, Report.Quarterly, quarter)).to.equal(2n);
    });
  });

  // ===== C29 EVALUATIONS =====

  describe("evaluations (C29)", () => {
    function evaluationRequest(w: OWorld, o: Partial<Record<string, unknown>> = {}) {
      return {
        authorizationId: w.x.auth,
        evaluatorId: 0n,
        year: w.x.prevYear,
        score: 58,
        outcome: Evaluation.Rectify,
        documentHash: h("evaluation"),
        ...o,
      };
    }

    /** The authority commissions the evaluator for `authorizationId` (委托第三方). */
    async function designate(w: OWorld, authorizationId = w.x.auth, designated = true) {
      return w.oversight
        .connect(w.signers.authority)
        .designateEvaluator(authorizationId, w.x.evaluator, designated, h(`commission-${designated}`));
    }

    it("C29 evaluations are recorded; a commissioned third party's re-evaluation after rectification counts; re-application reads the latest", async () => {
      const w = await loadFixture(oversightWorld);
      const { authority, outsider } = w.signers;
      await designate(w);
      const first = await eventOf(
        w,
        w.oversight.connect(outsider).recordEvaluation(evaluationRequest(w, { evaluatorId: w.x.evaluator })),
        "EvaluationRecorded",
      );
      const expected1 = [
        1n,
        w.x.auth,
        w.ids.operatorA,
        w.x.evaluator,
        w.x.prevYear,
        58,
        Evaluation.Rectify,
        first.at,
        outsider.address,
        h("evaluation"),
      ];
      expect(plain(first.args)).to.deep.equal(plain([1n, w.x.auth, w.ids.operatorA, expected1, true, true]));
      expect(plain(await w.oversight.latestEvaluation(w.ids.operatorA))).to.deep.equal(plain(expected1));

      // 000 第二十六条: rectify, then re-evaluation by the commissioned third party.
      await w.oversight.connect(outsider).recordEvaluation(
        evaluationRequest(w, {
          evaluatorId: w.x.evaluator,
          score: 81,
          outcome: Evaluation.Pass,
          documentHash: h("re"),
        }),
      );
      const latest = await w.oversight.latestEvaluation(w.ids.operatorA);
      expect([latest.evaluationId, latest.evaluatorId, latest.score, latest.outcome]).to.deep.equal([
        2n,
        w.x.evaluator,
        81n,
        BigInt(Evaluation.Pass),
      ]);
      expect((await w.oversight.latestEvaluationOf(w.x.auth)).evaluationId).to.equal(2n);

      // An evaluation of an earlier year recorded later does not displace the latest year.
      const older = await eventOf(
        w,
        w.oversight
          .connect(authority)
          .recordEvaluation(evaluationRequest(w, { year: w.x.prevYear - 1, outcome: Evaluation.Pass, score: 90 })),
        "EvaluationRecorded",
      );
      expect([older.args.latestOfAuthorization, older.args.latestOfHolder]).to.deep.equal([false, false]);
      expect((await w.oversight.latestEvaluation(w.ids.operatorA)).evaluationId).to.equal(2n);
      expect((await w.oversight.evaluation(3n)).year).to.equal(BigInt(w.x.prevYear - 1));
      expect((await w.oversight.latestEvaluation(w.ids.operatorB)).evaluationId).to.equal(0n);
    });

    it("C29 a third party's later evaluation never displaces the authority's decision of that year; only the authority's own does", async () => {
      const w = await loadFixture(oversightWorld);
      const { authority, outsider } = w.signers;
      await designate(w);
      await w.oversight
        .connect(authority)
        .recordEvaluation(evaluationRequest(w, { score: 20, outcome: Evaluation.Exit, documentHash: h("exit") }));
      // The third party's Pass is recorded, and says it does not count.
      const pass = await eventOf(
        w,
        w.oversight
          .connect(outsider)
          .recordEvaluation(evaluationRequest(w, { evaluatorId: w.x.evaluator, score: 95, outcome: Evaluation.Pass })),
        "EvaluationRecorded",
      );
      expect(pass.args.evaluationId).to.equal(2n);
      expect([pass.args.latestOfAuthorization, pass.args.latestOfHolder]).to.deep.equal([false, false]);
      expect((await w.oversight.evaluation(2n)).outcome).to.equal(Evaluation.Pass);
      for (const e of [
        await w.oversight.latestEvaluationOf(w.x.auth),
        await w.oversight.latestEvaluation(w.ids.operatorA),
      ]) {
        expect([e.evaluationId, e.evaluatorId, e.outcome]).to.deep.equal([1n, 0n, BigInt(Evaluation.Exit)]);
      }
      // The authority's own re-evaluation of the year replaces its decision.
      const again = await eventOf(
        w,
        w.oversight
          .connect(authority)
          .recordEvaluation(evaluationRequest(w, { score: 70, outcome: Evaluation.Rectify, documentHash: h("again") })),
        "EvaluationRecorded",
      );
      expect([again.args.latestOfAuthorization, again.args.latestOfHolder]).to.deep.equal([true, true]);
      expect((await w.oversight.latestEvaluationOf(w.x.auth)).evaluationId).to.equal(3n);
      expect((await w.oversight.latestEvaluation(w.ids.operatorA)).evaluationId).to.equal(3n);
    });

    it("C29 a third party evaluates only an authorization the authority designated it for, while designated", async () => {
      const w = await loadFixture(oversightWorld);
      const { outsider, authority, agency } = w.signers;
      const asEvaluator = (authorizationId: bigint) =>
        w.oversight
          .connect(outsider)
          .recordEvaluation(evaluationRequest(w, { authorizationId, evaluatorId: w.x.evaluator, outcome: Evaluation.Pass }));
      // A registered ServiceProvider that nobody commissioned.
      await refused(w, () => asEvaluator(w.x.auth), "OversightRegistryNotDesignatedEvaluator", [
        w.x.auth,
        w.x.evaluator,
      ]);
      const designated = await eventOf(w, designate(w), "EvaluatorDesignated");
      expect(plain(designated.args)).to.deep.equal(
        plain([w.x.auth, w.x.evaluator, true, h("commission-true"), designated.at, authority.address]),
      );
      expect(await w.oversight.isDesignatedEvaluator(w.x.auth, w.x.evaluator)).to.equal(true);
      // Designated for operator A's authorization, not for another one.
      const other = await applyFor(w, { holder: "operatorB", resourceIds: [w.x.rA] });
      await refused(w, () => asEvaluator(other), "OversightRegistryNotDesignatedEvaluator", [other, w.x.evaluator]);
      await asEvaluator(w.x.auth);
      expect((await w.oversight.latestEvaluationOf(w.x.auth)).evaluatorId).to.equal(w.x.evaluator);
      // Withdrawn: no more.
      await designate(w, w.x.auth, false);
      expect(await w.oversight.isDesignatedEvaluator(w.x.auth, w.x.evaluator)).to.equal(false);
      await refused(w, () => asEvaluator(w.x.auth), "OversightRegistryNotDesignatedEvaluator", [
        w.x.auth,
        w.x.evaluator,
      ]);
      // Only the authority designates, an active ServiceProvider, about a known authorization, with the commission.
      const o = w.oversight;
      await refused(
        w,
        () => o.connect(agency).designateEvaluator(w.x.auth, w.x.evaluator, true, h("c")),
        "HubConsumerUnauthorized",
        [agency.address, ROLE.DATA_AUTHORITY],
      );
      await refused(
        w,
        () => o.connect(authority).designateEvaluator(w.x.auth, w.ids.operatorB, true, h("c")),
        "ParticipantRegistryWrongKind",
        [w.ids.operatorB, Kind.ServiceProvider, Kind.Operator],
        w.participants,
      );
      await refused(
        w,
        () => o.connect(authority).designateEvaluator(99n, w.x.evaluator, true, h("c")),
        "OversightRegistryUnknownSubject",
        [Subject.Authorization, 99n],
      );
      await refused(
        w,
        () => o.connect(authority).designateEvaluator(w.x.auth, w.x.evaluator, true, ZERO),
        "OversightRegistryZeroDigest",
        ["document"],
      );
    });

    it("C29 only the authority or a commissioned ServiceProvider evaluates", async () => {
      const w = await loadFixture(oversightWorld);
      const { operatorA, agency } = w.signers;
      await refused(
        w,
        () => w.oversight.connect(agency).recordEvaluation(evaluationRequest(w)),
        "HubConsumerUnauthorized",
        [agency.address, ROLE.DATA_AUTHORITY],
      );
      await refused(
        w,
        () => w.oversight.connect(operatorA).recordEvaluation(evaluationRequest(w, { evaluatorId: w.ids.operatorA })),
        "OversightRegistryWrongParticipantKind",
        [w.ids.operatorA, Kind.Operator],
      );
      await refused(
        w,
        () => w.oversight.connect(operatorA).recordEvaluation(evaluationRequest(w, { evaluatorId: w.x.evaluator })),
        "OversightRegistryNotSigner",
        [w.x.evaluator, operatorA.address],
      );
    });

    it("C29 score, outcome, an ended year, a document and a known authorization are required", async () => {
      const w = await loadFixture(oversightWorld);
      const ev = w.oversight.connect(w.signers.authority);
      await refused(
        w,
        () => ev.recordEvaluation(evaluationRequest(w, { score: 101 })),
        "OversightRegistryInvalidScore",
        [101],
      );
      await refused(
        w,
        () => ev.recordEvaluation(evaluationRequest(w, { outcome: Evaluation.None })),
        "OversightRegistryInvalidEvaluationOutcome",
        [0],
      );
      await refused(
        w,
        () => ev.recordEvaluation(evaluationRequest(w, { year: w.x.year })),
        "OversightRegistryYearNotEnded",
        [w.x.year],
      );
      await refused(
        w,
        () => ev.recordEvaluation(evaluationRequest(w, { year: 1999 })),
        "OversightRegistryInvalidYear",
        [1999],
      );
      await refused(
        w,
        () => ev.recordEvaluation(evaluationRequest(w, { documentHash: ZERO })),
        "OversightRegistryZeroDigest",
        ["document"],
      );
      await refused(
        w,
        () => ev.recordEvaluation(evaluationRequest(w, { authorizationId: 99n })),
        "OversightRegistryUnknownSubject",
        [Subject.Authorization, 99n],
      );
    });
  });

  // ===== C37 DISCLOSURE =====

  describe("annual disclosure (C37)", () => {
    it("C37 the implementing agency and each operator anchor disclosure versions for the previous year", async () => {
      const w = await loadFixture(oversightWorld);
      const { agency, operatorA } = w.signers;
      const y = w.x.prevYear;
      const v1 = await eventOf(
        w,
        w.oversight.connect(agency).anchorDisclosure(w.ids.agency, y, 1, h("agency-v1")),
        "DisclosureAnchored",
      );
      expect(plain(v1.args)).to.deep.equal(
        plain([w.ids.agency, y, 1, Kind.ImplementingAgency, h("agency-v1"), 0, v1.at, agency.address]),
      );
      const v3 = await eventOf(
        w,
        w.oversight.connect(agency).anchorDisclosure(w.ids.agency, y, 3, h("agency-v3")),
        "DisclosureAnchored",
      );
      expect(v3.args.previousVersion).to.equal(1n);
      await w.oversight.connect(operatorA).anchorDisclosure(w.ids.operatorA, y, 1, h("operator-v1"));
      expect(plain(await w.oversight.disclosureOf(w.ids.agency, y))).to.deep.equal(plain([3, v3.at, h("agency-v3")]));
      expect((await w.oversight.disclosureOf(w.ids.operatorA, y)).version).to.equal(1n);
      expect((await w.oversight.disclosureOf(w.ids.operatorB, y)).version).to.equal(0n);
    });

    it("C37 versions strictly increase per participant and year", async () => {
      const w = await loadFixture(oversightWorld);
      const { agency } = w.signers;
      const y = w.x.prevYear;
      const a = w.oversight.connect(agency);
      await refused(w, () => a.anchorDisclosure(w.ids.agency, y, 0, h("v0")), "OversightRegistryVersionNotIncreasing", [
        w.ids.agency,
        y,
        0,
        0,
      ]);
      await a.anchorDisclosure(w.ids.agency, y, 2, h("v2"));
      await refused(
        w,
        () => a.anchorDisclosure(w.ids.agency, y, 2, h("v2b")),
        "OversightRegistryVersionNotIncreasing",
        [w.ids.agency, y, 2, 2],
      );
      await refused(w, () => a.anchorDisclosure(w.ids.agency, y, 1, h("v1")), "OversightRegistryVersionNotIncreasing", [
        w.ids.agency,
        y,
        1,
        2,
      ]);
      // Another year has its own versions.
      await a.anchorDisclosure(w.ids.agency, y - 1, 1, h("older"));
      expect((await w.oversight.disclosureOf(w.ids.agency, y - 1)).version).to.equal(1n);
    });

    it("C37 only an implementing agency or an operator discloses, through its own signer, for an ended year", async () => {
      const w = await loadFixture(oversightWorld);
      const { deptA, developerA, operatorB, operatorA } = w.signers;
      const y = w.x.prevYear;
      await refused(
        w,
        () => w.oversight.connect(deptA).anchorDisclosure(w.ids.deptA, y, 1, h("d")),
        "OversightRegistryWrongParticipantKind",
        [w.ids.deptA, Kind.SourceDepartment],
      );
      await refused(
        w,
        () => w.oversight.connect(developerA).anchorDisclosure(w.ids.developerA, y, 1, h("d")),
        "OversightRegistryWrongParticipantKind",
        [w.ids.developerA, Kind.Developer],
      );
      await refused(
        w,
        () => w.oversight.connect(operatorB).anchorDisclosure(w.ids.operatorA, y, 1, h("d")),
        "OversightRegistryNotSigner",
        [w.ids.operatorA, operatorB.address],
      );
      await refused(
        w,
        () => w.oversight.connect(operatorA).anchorDisclosure(w.ids.operatorA, w.x.year, 1, h("d")),
        "OversightRegistryYearNotEnded",
        [w.x.year],
      );
      await refused(
        w,
        () => w.oversight.connect(operatorA).anchorDisclosure(w.ids.operatorA, y, 1, ZERO),
        "OversightRegistryZeroDigest",
        ["document"],
      );
    });
  });

  // ===== C16 OPERATION FILINGS =====

  describe("operation filings (C16)", () => {
    it("C16 the authority files an operation, queryable by subject and kind from its event", async () => {
      const w = await loadFixture(oversightWorld);
      const { authority } = w.signers;
      const kind = ethers.id("ProductRelease");
      const { args, at } = await eventOf(
        w,
        w.oversight.connect(authority).fileOperation(Subject.Product, w.x.product, kind, h("release-filing")),
        "OperationFiled",
      );
      expect(plain(args)).to.deep.equal(
        plain([1n, w.x.product, kind, Subject.Product, h("release-filing"), at, authority.address]),
      );
      await w.oversight
        .connect(authority)
        .fileOperation(Subject.Authorization, w.x.auth, ethers.id("MajorChange"), h("change"));
      const found = await w.oversight.queryFilter(w.oversight.filters.OperationFiled(undefined, undefined, kind));
      expect(found.map((e) => e.args.filingId)).to.deep.equal([1n]);
      expect((await w.oversight.counts())[4]).to.equal(2n);
    });

    it("C16 only DATA_AUTHORITY files, about a known subject, with a kind and a document", async () => {
      const w = await loadFixture(oversightWorld);
      const { agency, authority } = w.signers;
      const kind = ethers.id("OperationChange");
      await refused(
        w,
        () => w.oversight.connect(agency).fileOperation(Subject.Resource, w.x.rA, kind, h("d")),
        "HubConsumerUnauthorized",
        [agency.address, ROLE.DATA_AUTHORITY],
      );
      const a = w.oversight.connect(authority);
      await refused(w, () => a.fileOperation(Subject.None, 1n, kind, h("d")), "OversightRegistryUnknownSubject", [
        Subject.None,
        1n,
      ]);
      await refused(
        w,
        () => a.fileOperation(Subject.Authorization, 99n, kind, h("d")),
        "OversightRegistryUnknownSubject",
        [Subject.Authorization, 99n],
      );
      await refused(w, () => a.fileOperation(Subject.Resource, w.x.rA, ZERO, h("d")), "OversightRegistryZeroDigest", [
        "kind",
      ]);
      await refused(w, () => a.fileOperation(Subject.Resource, w.x.rA, kind, ZERO), "OversightRegistryZeroDigest", [
        "document",
      ]);
    });
  });
});
