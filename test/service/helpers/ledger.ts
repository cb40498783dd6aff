/**
 * Service-test helpers for the read side: realistic ChainEvents (args encoded as the follower
 * encodes them: uints as decimal strings, uint8 as numbers, structs as objects), a real LevelDB
 * store (ledger-service/src/store/db.ts) that applies them through the views block by block, and
 * a seeded world covering every registry.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { id as keccak, Wallet } from "ethers";
import { openStore, type BlockRef, type Store } from "../../../ledger-service/src/store/db";
import type { ChainEvent, JsonValue, View, ViewTx } from "../../../ledger-service/src/store/types";
import { chinaDayStart } from "../../../ledger-service/src/calendar";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { createApi, type ApiArgs } from "../../../ledger-service/src/api/server";
import { createViews } from "../../../ledger-service/src/views";
import { loadProfile, type PolicyProfile } from "../../../policy/profile";

export const silentLogger = pino({ level: "silent" });

/** Seconds at hh:00 China time on a China date. */
export const cst = (date: string, hour = 10): number => chinaDayStart(date) + hour * 3600;

export const h = (label: string): string => keccak(label);
export const addr = (label: string): string => new Wallet(keccak(label)).address;

/** Builds events in chain order: each `tx` is one block at time `at`. */
export function createChainBuilder(startBlock = 1) {
  let block = startBlock;
  const pending: ChainEvent[] = [];
  const blocks: BlockRef[] = [];
  let lastAt = 0;
  return {
    /** One block with these events at time `at` (seconds). */
    block(at: number, events: { contract: string; event: string; args: { [k: string]: JsonValue } }[]): ChainEvent[] {
      if (at < lastAt) throw new Error(`time goes backwards: ${at} < ${lastAt}`);
      lastAt = at;
      const number = block++;
      const hash = h(`block ${number}`);
      const parentHash = h(`block ${number - 1}`);
      blocks.push({ number, hash, parentHash, timestamp: at });
      const out = events.map((e, i) => ({ ...e, blockNumber: number, blockHash: hash, timestamp: at, txHash: h(`tx ${number} ${i}`), logIndex: i }));
      pending.push(...out);
      return out;
    },
    /** Takes the events and block refs built so far. */
    drain(): { events: ChainEvent[]; blocks: BlockRef[] } {
      const out = { events: pending.splice(0), blocks: blocks.splice(0) };
      return out;
    },
  };
}

/**
 * A view transaction over a plain Map keyed `${space}/${key}` (what a view sees of the store's,
 * without undo records or a batch): for testing one view's writes without a store.
 */
export function memoryTx(): { tx: ViewTx; values: Map<string, JsonValue> } {
  const values = new Map<string, JsonValue>();
  const set = (space: string, key: string, value: JsonValue) => void values.set(`${space}/${key}`, value);
  const tx: ViewTx = {
    get: <T extends JsonValue>(space: string, key: string) => values.get(`${space}/${key}`) as T | undefined,
    put: set,
    del: (space, key) => void values.delete(`${space}/${key}`),
    append: set,
  };
  return { tx, values };
}

export type TestStore = { store: Store; apply(b: ReturnType<typeof createChainBuilder>): Promise<void>; close(): Promise<void> };

/** A real LevelDB store in a temporary directory. */
export async function openTestStore(views: readonly View[]): Promise<TestStore> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "provenant-views-"));
  const { store } = await openStore(
    { logger: silentLogger },
    {
      dataDir: dir,
      identity: { chainId: 31337, startBlock: 0, startBlockHash: h("block 0"), contracts: [], views: views.map((v) => v.name) },
    },
  );
  return {
    store,
    async apply(b) {
      const { events, blocks } = b.drain();
      if (blocks.length === 0) return;
      await store.applyRange({ blocks, events, finalized: blocks[blocks.length - 1].number, views });
    },
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ===== A SEEDED WORLD =====

export const P = { authority: "1", agency: "2", dept: "3", operator: "4", developer: "5", regulator: "6", dept2: "7" } as const;
export const KEYS = {
  authority: addr("authority"),
  agency: addr("agency"),
  dept: addr("dept"),
  operator: addr("operator"),
  developer: addr("developer"),
  regulator: addr("regulator"),
  dept2: addr("dept2"),
};

/** A registration code as the registries hold it: printable ASCII, left-aligned, zero-padded bytes32. */
export const regCode = (text: string): string => "0x" + Buffer.from(text, "latin1").toString("hex").padEnd(64, "0");

/** The public texts of the seeded world (C21), as the events carry them (JSON strings). */
export const TEXTS = {
  resource1: { name: "不动产宗地信息", nameEn: "Land parcels", description: "宗地编号、用途、面积" },
  resource2: { name: "公交线路", nameEn: "Bus routes" },
  call: { title: "惠州市公共数据授权运营（综合授权）公开征集" },
  agreement1: { title: "公共数据授权运营协议" },
  agreement2: { title: "授权开发协议" },
  scenario1: { name: "交通规划", purpose: "城市交通规划与公交线网优化" },
  scenario2: { name: "宗地估值", purpose: "宗地价值评估" },
  product1: { name: "交通规划指数", price: "按次计费" },
  product2: { name: "宗地估值接口" },
  notice: { reason: "经审核，予以公示", reasonEn: "Approved for public notice" },
} as const;
const text = (t: object): string => JSON.stringify(t);

export const resourceData = (key: string, share = 1, open = 1) => ({
  catalogKey: h(key), classification: 2, shareType: share, openAttribute: open, desensitized: true, consent: 1, updateFrequency: 2, metadataHash: h(`meta ${key}`),
});

/**
 * A world through every registry, on China dates chosen to cross the 2025 National Day break:
 * participants, two registered resources, a tier-1 authorization with a tier-2 child, their
 * agreements and scenarios, two products (the second derived from the first), a report, a case,
 * a conditional share and an annual disclosure. Returns the times of interest.
 */
export function seedWorld(b: ReturnType<typeof createChainBuilder>) {
  const PR = "ParticipantRegistry", RC = "ResourceCatalog", AR = "AuthorizationRegistry", AG = "AgreementRegistry", SR = "ScenarioRegistry", PD = "ProductRegistry", OV = "OversightRegistry";
  const t0 = cst("2025-09-01");
  const kinds: [keyof typeof P, number, string][] = [
    ["authority", 1, "惠州市政务服务数据管理局"], ["agency", 2, "惠州市政务数据事务中心"], ["dept", 3, "惠州市自然资源局"],
    ["operator", 4, "惠州数据运营有限公司"], ["developer", 5, "惠州开发者科技有限公司"], ["regulator", 6, "惠州市网信办"], ["dept2", 3, "惠州市交通运输局"],
  ];
  b.block(t0, kinds.map(([k, kind, name]) => ({
    contract: PR, event: "ParticipantRegistered",
    args: { id: P[k], kind, name, creditCode: `91441300MA${P[k].padStart(7, "0")}X`, profileHash: h(`profile ${k}`), signers: [KEYS[k]], registeredBy: KEYS.authority },
  })));
  b.block(t0 + 3600, [{ contract: PR, event: "QualificationAttested", args: { id: P.operator, index: "0", kind: h("ISO27001"), documentHash: h("cert"), validUntil: String(cst("2028-01-01")), attestedBy: KEYS.authority } }]);

  // Resources: proposed Friday 26 September 2025; resource 1 approved in time, resource 2 late.
  const proposed = cst("2025-09-26");
  b.block(proposed, [
    { contract: RC, event: "ResourceProposed", args: { id: "1", sourceDeptId: P.dept, data: resourceData("land parcels"), publicText: text(TEXTS.resource1), by: KEYS.dept } },
    { contract: RC, event: "ResourceProposed", args: { id: "2", sourceDeptId: P.dept2, data: resourceData("bus routes", 2, 2), publicText: text(TEXTS.resource2), by: KEYS.dept2 } },
  ]);
  b.block(cst("2025-10-10", 16), [{ contract: RC, event: "ResourceReviewed", args: { id: "1", approved: true, opinionHash: h("ok 1"), by: KEYS.authority } }]);
  b.block(cst("2025-10-13", 9), [{ contract: RC, event: "ResourceReviewed", args: { id: "2", approved: true, opinionHash: h("ok 2"), by: KEYS.authority } }]);
  b.block(cst("2025-10-14"), [
    { contract: RC, event: "RegistrationApplied", args: { applicationId: "1", subjectId: "1", kind: 1, materialsHash: h("reg 1"), applicant: KEYS.dept } },
    { contract: RC, event: "RegistrationIssued", args: { applicationId: "1", subjectId: "1", kind: 1, code: regCode("GM-2025-R-0001"), issuedAt: String(cst("2025-10-14")), validUntil: String(cst("2028-10-14")), deregistered: false } },
    { contract: RC, event: "RegistrationApplied", args: { applicationId: "2", subjectId: "2", kind: 1, materialsHash: h("reg 2"), applicant: KEYS.dept2 } },
    { contract: RC, event: "RegistrationIssued", args: { applicationId: "2", subjectId: "2", kind: 1, code: regCode("GM-2025-R-0002"), issuedAt: String(cst("2025-10-14")), validUntil: String(cst("2028-10-14")), deregistered: false } },
  ]);

  // Call and tier-1 authorization.
  const termStart = cst("2025-11-01", 0);
  const termEnd = cst("2028-11-01", 0);
  const applied = cst("2025-10-15");
  b.block(applied, [
    { contract: AR, event: "CallPublished", args: { callId: "1", organizerId: P.agency, mode: 1, closesAt: String(cst("2025-10-16")), announcementHash: h("call"), publicText: text(TEXTS.call), by: KEYS.agency } },
    {
      contract: AR, event: "AuthorizationApplied",
      args: {
        id: "1", parentId: "0", holderId: P.operator, organizerId: P.agency, mode: 1, tier: 1,
        request: { parentId: "0", holderId: P.operator, callId: "1", termStart: String(termStart), termEnd: String(termEnd), materialsHash: h("materials 1"), resourceIds: ["1", "2"], domains: [h("transport")] },
        applicant: KEYS.operator,
      },
    },
  ]);
  // The call closes and its selection result names the operator before the approval (C35).
  b.block(cst("2025-10-16"), [
    { contract: AR, event: "CallClosed", args: { callId: "1", resultHash: h("selection"), selectedHolderIds: [P.operator], by: KEYS.agency } },
    { contract: AR, event: "AuthorizationReviewed", args: { id: "1", stage: 1, pass: true, opinionHash: h("pre"), status: 2, reviewer: KEYS.agency } },
    { contract: AR, event: "AuthorizationStatusChanged", args: { id: "1", from: 1, to: 2, reasonHash: h("pre"), emergency: false, by: KEYS.agency } },
    { contract: AR, event: "GrantAdvanced", args: { authorizationId: "1", resourceId: "1", status: 3, opinionHash: h("eval 1"), by: KEYS.authority } },
    { contract: AR, event: "GrantAdvanced", args: { authorizationId: "1", resourceId: "2", status: 3, opinionHash: h("eval 2"), by: KEYS.authority } },
  ]);
  b.block(cst("2025-10-17"), [
    { contract: AR, event: "AuthorizationReviewed", args: { id: "1", stage: 2, pass: true, opinionHash: h("expert"), status: 3, reviewer: addr("expert") } },
    { contract: AR, event: "AuthorizationStatusChanged", args: { id: "1", from: 2, to: 3, reasonHash: h("expert"), emergency: false, by: addr("expert") } },
    { contract: AR, event: "GrantAdvanced", args: { authorizationId: "1", resourceId: "1", status: 4, opinionHash: h("conf 1"), by: KEYS.dept } },
    { contract: AR, event: "GrantAdvanced", args: { authorizationId: "1", resourceId: "2", status: 4, opinionHash: h("conf 2"), by: KEYS.dept2 } },
    { contract: AR, event: "AuthorizationStatusChanged", args: { id: "1", from: 3, to: 4, reasonHash: h("decision"), emergency: false, by: KEYS.authority } },
  ]);
  // Notice from Monday 20 October for 5 working days: lawful end is the end of Monday 27 October.
  const noticeStart = cst("2025-10-20");
  b.block(noticeStart, [
    { contract: AR, event: "AuthorizationStatusChanged", args: { id: "1", from: 4, to: 6, reasonHash: "0x" + "0".repeat(64), emergency: false, statement: text(TEXTS.notice), by: KEYS.agency } },
    { contract: AR, event: "AuthorizationNoticed", args: { id: "1", noticeEnd: String(cst("2025-10-28", 0)), by: KEYS.agency } },
  ]);
  b.block(cst("2025-10-21"), [
    { contract: AG, event: "AgreementProposed", args: { agreementId: "1", authorizationId: "1", proposerId: P.agency, request: { kind: 1, proposerId: P.agency, authorizationId: "1", scenarioId: "0", termStart: String(termStart), termEnd: String(termEnd), documentHash: h("agreement doc 1"), termsDigest: h("odrl 1"), scopeDigest: h("scope 1"), partyIds: [P.agency, P.operator], publicText: text(TEXTS.agreement1) }, by: KEYS.agency } },
    { contract: AG, event: "AgreementSigned", args: { agreementId: "1", partyId: P.agency, signer: KEYS.agency, offChain: false, nonce: "0", signatureCount: 1, partyCount: 2, submittedBy: KEYS.agency } },
    { contract: AG, event: "AgreementSigned", args: { agreementId: "1", partyId: P.operator, signer: KEYS.operator, offChain: true, nonce: "0", signatureCount: 2, partyCount: 2, submittedBy: KEYS.agency } },
    { contract: AG, event: "AgreementTookEffect", args: { agreementId: "1", authorizationId: "1", effectiveAt: String(cst("2025-10-21")) } },
    { contract: AG, event: "AgreementFiled", args: { agreementId: "1", authorizationId: "1", kind: 1, scenarioId: "0", termStart: String(termStart), termEnd: String(termEnd), documentHash: h("agreement doc 1"), termsDigest: h("odrl 1"), scopeDigest: h("scope 1"), filingHash: h("filing 1"), partyIds: [P.agency, P.operator], by: KEYS.authority } },
  ]);
  const activated = termStart + 10 * 3600;
  b.block(activated, [
    { contract: AR, event: "AuthorizationStatusChanged", args: { id: "1", from: 6, to: 7, reasonHash: "0x" + "0".repeat(64), emergency: false, by: KEYS.authority } },
    { contract: AR, event: "AuthorizationActivated", args: { id: "1", agreementId: "1", termStart: String(termStart), termEnd: String(termEnd), by: KEYS.authority } },
  ]);

  // Tier-2 child for the developer, with its grant steps; notice too short (3 working days).
  const childEnd = cst("2027-11-01", 0);
  b.block(cst("2025-11-03"), [
    {
      contract: AR, event: "AuthorizationApplied",
      args: {
        id: "2", parentId: "1", holderId: P.developer, organizerId: P.operator, mode: 1, tier: 2,
        request: { parentId: "1", holderId: P.developer, callId: "0", termStart: String(termStart), termEnd: String(childEnd), materialsHash: h("materials 2"), resourceIds: ["1"], domains: [] },
        applicant: KEYS.developer,
      },
    },
  ]);
  b.block(cst("2025-11-04"), [{ contract: AR, event: "GrantAdvanced", args: { authorizationId: "2", resourceId: "1", status: 2, opinionHash: h("op pre"), by: KEYS.operator } }]);
  b.block(cst("2025-11-05"), [{ contract: AR, event: "GrantAdvanced", args: { authorizationId: "2", resourceId: "1", status: 3, opinionHash: h("op eval"), by: KEYS.authority } }]);
  b.block(cst("2025-11-06"), [
    { contract: AR, event: "GrantAdvanced", args: { authorizationId: "2", resourceId: "1", status: 4, opinionHash: h("op conf"), by: KEYS.dept } },
    { contract: AR, event: "AuthorizationStatusChanged", args: { id: "2", from: 3, to: 4, reasonHash: h("decision 2"), emergency: false, by: KEYS.authority } },
  ]);
  b.block(cst("2025-11-07"), [
    { contract: AR, event: "AuthorizationStatusChanged", args: { id: "2", from: 4, to: 6, reasonHash: "0x" + "0".repeat(64), emergency: false, by: KEYS.agency } },
    { contract: AR, event: "AuthorizationNoticed", args: { id: "2", noticeEnd: String(cst("2025-11-13", 0)), by: KEYS.agency } },
  ]);
  b.block(cst("2025-11-14"), [
    { contract: AG, event: "AgreementProposed", args: { agreementId: "2", authorizationId: "2", proposerId: P.operator, request: { kind: 4, proposerId: P.operator, authorizationId: "2", scenarioId: "0", termStart: String(termStart), termEnd: String(childEnd), documentHash: h("agreement doc 2"), termsDigest: h("odrl 2"), scopeDigest: h("scope 2"), partyIds: [P.operator, P.developer], publicText: text(TEXTS.agreement2) }, by: KEYS.operator } },
    { contract: AG, event: "AgreementTookEffect", args: { agreementId: "2", authorizationId: "2", effectiveAt: String(cst("2025-11-14")) } },
    { contract: AG, event: "AgreementFiled", args: { agreementId: "2", authorizationId: "2", kind: 4, scenarioId: "0", termStart: String(termStart), termEnd: String(childEnd), documentHash: h("agreement doc 2"), termsDigest: h("odrl 2"), scopeDigest: h("scope 2"), filingHash: h("filing 2"), partyIds: [P.operator, P.developer], by: KEYS.authority } },
    { contract: AR, event: "AuthorizationStatusChanged", args: { id: "2", from: 6, to: 7, reasonHash: "0x" + "0".repeat(64), emergency: false, by: KEYS.authority } },
    { contract: AR, event: "AuthorizationActivated", args: { id: "2", agreementId: "2", termStart: String(termStart), termEnd: String(childEnd), by: KEYS.authority } },
  ]);

  // Scenarios and products.
  b.block(cst("2025-11-17"), [
    { contract: SR, event: "ScenarioProposed", args: { id: "1", authorizationId: "1", holderId: P.operator, purposeHash: h("traffic planning"), descriptionHash: h("scenario 1"), resourceIds: ["1", "2"], publicText: text(TEXTS.scenario1), by: KEYS.operator } },
    { contract: SR, event: "ScenarioProposed", args: { id: "2", authorizationId: "2", holderId: P.developer, purposeHash: h("parcel valuation"), descriptionHash: h("scenario 2"), resourceIds: ["1"], publicText: text(TEXTS.scenario2), by: KEYS.developer } },
  ]);
  b.block(cst("2025-11-18"), [
    { contract: SR, event: "ScenarioOpinionRecorded", args: { id: "1", pass: true, opinionHash: h("s1 op"), reviewer: addr("expert") } },
    { contract: SR, event: "ScenarioDecided", args: { id: "1", authorizationId: "1", status: 2, decisionHash: h("s1 ok"), approvingOpinions: "1", objectingOpinions: "0", by: KEYS.authority } },
    { contract: SR, event: "ScenarioDecided", args: { id: "2", authorizationId: "2", status: 2, decisionHash: h("s2 ok"), approvingOpinions: "1", objectingOpinions: "0", by: KEYS.authority } },
  ]);
  const productReq = (holder: string, scenario: string, res: string[], parents: string[]) => ({
    holderId: holder, scenarioId: scenario, kind: 2, chargingBases: 0b1010, previousVersionId: "0", pricingBasisHash: h(`price ${scenario}`), usageHash: h(`usage ${scenario}`), descriptionHash: h(`capabilities ${scenario}`), resourceIds: res, parentProductIds: parents,
  });
  b.block(cst("2025-11-19"), [
    { contract: PD, event: "ProductRegistered", args: { id: "1", holderId: P.operator, scenarioId: "1", authorizationId: "1", version: "1", request: { ...productReq(P.operator, "1", ["1", "2"], []), publicText: text(TEXTS.product1) }, by: KEYS.operator } },
    { contract: PD, event: "ProductReviewed", args: { id: "1", pass: true, reportHash: h("review 1"), status: 2, reviewer: addr("expert") } },
    { contract: PD, event: "RegistrationApplied", args: { applicationId: "1", subjectId: "1", kind: 1, materialsHash: h("preg 1"), applicant: KEYS.operator } },
    { contract: PD, event: "RegistrationIssued", args: { applicationId: "1", subjectId: "1", kind: 1, code: regCode("GM-2025-P-0001"), issuedAt: String(cst("2025-11-19")), validUntil: String(cst("2028-11-19")), deregistered: false } },
    { contract: PD, event: "ProductListed", args: { id: "1", holderId: P.operator, scenarioId: "1", authorizationId: "1", registrationCode: regCode("GM-2025-P-0001"), registrationValidUntil: String(cst("2028-11-19")), reviewReportHash: h("review 1"), by: KEYS.operator } },
  ]);
  b.block(cst("2025-11-20"), [
    { contract: PD, event: "ProductRegistered", args: { id: "2", holderId: P.developer, scenarioId: "2", authorizationId: "2", version: "1", request: { ...productReq(P.developer, "2", ["1"], ["1"]), publicText: text(TEXTS.product2) }, by: KEYS.developer } },
    { contract: PD, event: "ProductReviewed", args: { id: "2", pass: true, reportHash: h("review 2"), status: 2, reviewer: addr("expert") } },
    { contract: PD, event: "RegistrationApplied", args: { applicationId: "2", subjectId: "2", kind: 1, materialsHash: h("preg 2"), applicant: KEYS.developer } },
    { contract: PD, event: "RegistrationIssued", args: { applicationId: "2", subjectId: "2", kind: 1, code: regCode("GM-2025-P-0002"), issuedAt: String(cst("2025-11-20")), validUntil: String(cst("2028-11-20")), deregistered: false } },
    { contract: PD, event: "ProductListed", args: { id: "2", holderId: P.developer, scenarioId: "2", authorizationId: "2", registrationCode: regCode("GM-2025-P-0002"), registrationValidUntil: String(cst("2028-11-20")), reviewReportHash: h("review 2"), by: KEYS.developer } },
  ]);

  // Oversight: an objection (answered late), a conditional share (refused without basis), a report.
  const caseFiled = cst("2025-12-01");
  b.block(caseFiled, [
    { contract: OV, event: "CaseFiled", args: { caseId: "1", departmentId: P.dept, subjectId: "1", request: { kind: 1, subjectKind: 1, subjectId: "1", filerId: "0", departmentId: P.dept, authorizationId: "0", contentDigest: h("complaint"), personDigest: h("salted person") }, handlerId: P.dept, replyWorkingDays: 10, filedAt: String(caseFiled), by: addr("node") } },
    { contract: OV, event: "ShareRequested", args: { requestId: "1", resourceId: "2", requesterId: P.operator, departmentId: P.dept2, purposeDigest: h("share purpose"), replyWorkingDays: 2, requestedAt: String(caseFiled), by: KEYS.operator } },
  ]);
  b.block(cst("2025-12-03", 11), [
    { contract: OV, event: "ShareReplied", args: { requestId: "1", resourceId: "2", departmentId: P.dept2, granted: false, basisDigest: "0x" + "0".repeat(64), requestedAt: String(caseFiled), repliedAt: String(cst("2025-12-03", 11)), executeWorkingDays: 3, by: KEYS.dept2 } },
  ]);
  b.block(cst("2025-12-16"), [
    { contract: OV, event: "CaseAnswered", args: { caseId: "1", departmentId: P.dept, kind: 1, outcome: 1, resolutionDigest: h("corrected"), filedAt: String(caseFiled), answeredAt: String(cst("2025-12-16")), by: KEYS.dept } },
  ]);
  b.block(cst("2026-01-08"), [
    { contract: OV, event: "ReportFiled", args: { reportId: "1", authorizationId: "1", holderId: P.operator, kind: 2, period: "20254", documentHash: h("q4 report"), filedAt: String(cst("2026-01-08")), by: KEYS.operator } },
  ]);
  b.block(cst("2026-03-20"), [
    { contract: OV, event: "DisclosureAnchored", args: { participantId: P.operator, year: "2025", version: "1", participantKind: 4, documentHash: h("disclosure 2025 op"), previousVersion: "0", anchoredAt: String(cst("2026-03-20")), by: KEYS.operator } },
  ]);
  return { t0, proposed, applied, noticeStart, termStart, termEnd, childEnd, activated, caseFiled };
}

// ===== GOVERNANCE (ProvenantHub, issue 9) =====

/** Every view of `profile` over the seeded world in a fresh store, and the times seedWorld returned. */
export async function openSeededStore(profile: PolicyProfile): Promise<{ ts: TestStore; times: ReturnType<typeof seedWorld> }> {
  const ts = await openTestStore(createViews(profile));
  const b = createChainBuilder();
  const times = seedWorld(b);
  await ts.apply(b);
  return { ts, times };
}

export const GOV = {
  agreementRegistry: keccak("AgreementRegistry"),
  resourceCatalog: keccak("ResourceCatalog"),
  expert: keccak("EXPERT"),
  regulator: keccak("REGULATOR"),
  realAgreements: addr("real agreement registry"),
  acceptAll: addr("accept-all agreement registry"),
  newCatalog: addr("new catalog"),
  newExpert: addr("new expert"),
  admin: addr("hub admin"),
  delay: 2 * 86_400,
} as const;

/**
 * Hub events from `at` on: an AgreementRegistry swap and an EXPERT grant scheduled and left
 * pending, a REGULATOR grant scheduled then cancelled, a ResourceCatalog change scheduled then
 * executed after the delay. Two changes stay pending; returns their ready times.
 */
export function seedGovernance(b: ReturnType<typeof createChainBuilder>, at: number) {
  const HUB = "ProvenantHub";
  const ready = (t: number) => String(t + GOV.delay);
  b.block(at, [
    { contract: HUB, event: "ContractChangeScheduled", args: { name: GOV.agreementRegistry, addr: GOV.acceptAll, current: GOV.realAgreements, readyAt: ready(at) } },
    { contract: HUB, event: "RoleGrantScheduled", args: { role: GOV.expert, account: GOV.newExpert, by: GOV.admin, readyAt: ready(at) } },
    { contract: HUB, event: "RoleGrantScheduled", args: { role: GOV.regulator, account: GOV.newExpert, by: GOV.admin, readyAt: ready(at) } },
    { contract: HUB, event: "ContractChangeScheduled", args: { name: GOV.resourceCatalog, addr: GOV.newCatalog, current: addr("old catalog"), readyAt: ready(at) } },
  ]);
  b.block(at + 60, [{ contract: HUB, event: "RoleGrantCancelled", args: { role: GOV.regulator, account: GOV.newExpert, by: GOV.admin } }]);
  b.block(at + GOV.delay + 60, [{ contract: HUB, event: "ContractRecorded", args: { name: GOV.resourceCatalog, addr: GOV.newCatalog, previous: addr("old catalog") } }]);
  return { readyAt: at + GOV.delay, scheduledAt: at };
}

/**
 * The seeded world (seedWorld) in a real store under every view of `profileId`, served by the API
 * on an ephemeral loopback port: `base` is its /api/v1. `close` stops both.
 */
export async function seededApi(profileId = "huizhou", args: Partial<ApiArgs> = {}): Promise<{ ts: TestStore; base: string; port: number; close(): Promise<void> }> {
  const ts = await openTestStore(createViews(loadProfile(profileId)));
  const b = createChainBuilder();
  seedWorld(b);
  await ts.apply(b);
  const app = createApi({ logger: silentLogger }, { reader: ts.store.reader, health: () => ({}), hasRole: async () => false, rateLimit: false, ...args });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    ts,
    base: `http://127.0.0.1:${port}/api/v1`,
    port,
    async close() {
      server.close();
      await ts.close();
    },
  };
}
