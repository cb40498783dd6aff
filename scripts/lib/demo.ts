/**
 * The demo world of the embedded chain (`npm start` on an empty data directory): a data
 * authority, an implementing agency, three source departments with catalog entries of different
 * share types and open attributes, two operators selected through a recorded call, developers
 * under them, authorizations through the whole lifecycle (active, suspended for rectification
 * 整改, expired, rejected), agreements signed by every party, scenarios, products with lineage and
 * objections. Every organization's name starts with 【演示】.
 *
 * Time: statutory windows (registration and authorization notices of 5+ working days, terms that
 * end) need the chain clock to move. The caller starts the chain about 400 days in the past;
 * `seedDemo` walks it forward step by step and finally sets it to the wall clock, so the chain
 * never runs ahead of real time afterwards.
 *
 * The actors are anvil's well-known dev keys (mnemonic "test test … junk"): never use them on a
 * real chain. `DEMO_KEYS` lists which key holds which role.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  HDNodeWallet,
  Mnemonic,
  id as keccakText,
  JsonRpcProvider,
  type ContractTransactionResponse,
  type Signer,
  type TransactionRequest,
} from "ethers";
import type { PolicyProfile } from "../../policy/profile";
import { AgreementKind, agreementScopeDigest, buildOdrlAgreement, odrlTermsDigest, signAgreement, type AgreementKindValue } from "./agreements";
import { makeCreditCode } from "./creditCode";
import { publicText, registrationCode, statement } from "./public-text";
import { connectProvenant, type Deployment } from "./deploy";

// ===== KEYS =====

/** anvil's and Hardhat's default mnemonic: public knowledge, dev chains only. */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";

/** Which dev account (m/44'/60'/0'/0/<index>) holds which demo role. */
export const DEMO_KEYS = [
  { index: 0, key: "admin", role: "hub admin, deployer (部署者)" },
  { index: 1, key: "authority", role: "DATA_AUTHORITY — 数据主管部门 (【演示】惠州市政务服务和数据管理局)" },
  { index: 2, key: "agency", role: "IMPLEMENTING_AGENCY — 实施机构 (【演示】惠州市政务数据事务中心)" },
  { index: 3, key: "regulator", role: "REGULATOR — 监管 (regulator API sign-in)" },
  { index: 4, key: "expert1", role: "EXPERT — 评审专家" },
  { index: 5, key: "expert2", role: "EXPERT — 评审专家" },
  { index: 6, key: "expert3", role: "EXPERT — 评审专家" },
  { index: 7, key: "market", role: "SOURCE_DEPT — 数源部门 (【演示】惠州市市场监督管理局)" },
  { index: 8, key: "transport", role: "SOURCE_DEPT — 数源部门 (【演示】惠州市交通运输局)" },
  { index: 9, key: "health", role: "SOURCE_DEPT — 数源部门 (【演示】惠州市卫生健康局)" },
  { index: 10, key: "operatorA", role: "OPERATOR — 一级运营主体 (【演示】惠州数据运营有限公司)" },
  { index: 11, key: "operatorB", role: "OPERATOR — 一级运营主体 (【演示】粤数科技有限公司)" },
  { index: 12, key: "developerA", role: "DEVELOPER — 二级开发主体 (【演示】惠州智算开发有限公司), under operator A" },
  { index: 13, key: "developerB", role: "DEVELOPER — 二级开发主体 (【演示】城市交通数据开发有限公司), under operator B" },
  { index: 14, key: "platformNode", role: "PLATFORM_NODE — 授权运营平台节点 (submits signatures, files data subjects' objections)" },
] as const;
export type DemoKey = (typeof DEMO_KEYS)[number]["key"];

/** The dev wallet at `index` of the default mnemonic. */
export function devWallet(index: number, provider?: JsonRpcProvider): HDNodeWallet {
  const w = HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(DEV_MNEMONIC), `m/44'/60'/0'/0/${index}`);
  return provider ? w.connect(provider) : w;
}

// ===== MARKERS =====

/** Written when seeding starts, replaced by DEMO_DONE when it completes. */
export const DEMO_STARTED = "demo.started";
export const DEMO_DONE = "demo.json";

export type DemoState = "none" | "seeded" | "interrupted";

/** Whether the data directory holds a seeded demo, none, or an interrupted seeding. */
export function demoState(dataDir: string): DemoState {
  if (existsSync(path.join(dataDir, DEMO_DONE))) return "seeded";
  if (existsSync(path.join(dataDir, DEMO_STARTED))) return "interrupted";
  return "none";
}

/** What the demo created, by name (written to `<dataDir>/demo.json`). */
export interface DemoSummary {
  demo: true;
  seededAt: string;
  chainStart: number;
  chainEnd: number;
  participants: Record<string, number>;
  resources: Record<string, number>;
  callId: number;
  authorizations: Record<"operatorA" | "operatorB" | "developerAExpired" | "developerA" | "developerBRejected", number>;
  agreements: number[];
  scenarios: Record<string, number>;
  products: Record<string, number>;
  cases: Record<string, number>;
}

export function readDemoSummary(dataDir: string): DemoSummary | undefined {
  const file = path.join(dataDir, DEMO_DONE);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")) as DemoSummary;
}


// ===== SEEDING =====

/**
 * A dev-chain provider whose gas estimates carry a margin: anvil's estimate can fall a little
 * short when the block that mines a transaction has a later timestamp than the one it was
 * estimated in (a status write next to `statusChangedAt`), and gas is free on a dev chain.
 */
export class DevChainProvider extends JsonRpcProvider {
  constructor(url: string) {
    super(url, undefined, { cacheTimeout: -1, pollingInterval: 100 });
  }
  override async estimateGas(tx: TransactionRequest): Promise<bigint> {
    return ((await super.estimateGas(tx)) * 3n) / 2n + 50_000n;
  }
}

export interface SeedDemoArgs {
  /** RPC URL of the dev chain (anvil): the demo moves its clock. */
  rpcUrl: string;
  deployment: Deployment;
  profile: PolicyProfile;
  /** Root data directory (markers). */
  dataDir: string;
  /** Progress lines. */
  log?: (line: string) => void;
  /** Wall-clock time (seconds) the chain clock ends on; default now. */
  endAt?: number;
}

const DAY = 86_400;
const h = (label: string): string => keccakText(`provenant-demo:${label}`);
const ZERO = "0x" + "00".repeat(32);
const asc = (ids: bigint[]): bigint[] => [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** ParticipantKind, IResourceCatalog and registry enums (contracts/common/Types.sol and interfaces). */
const Kind = { DataAuthority: 1, ImplementingAgency: 2, SourceDepartment: 3, Operator: 4, Developer: 5, Regulator: 6 } as const;
const Mode = { Comprehensive: 1 } as const;
const Share = { Unconditional: 1, Conditional: 2, NotShared: 3 } as const;
const Open = { Unconditional: 1, Conditional: 2, NotOpen: 3 } as const;
const Consent = { NotRequired: 1, Obtained: 2 } as const;
const Frequency = { RealTime: 1, Daily: 2, Weekly: 3, Monthly: 4 } as const;
const RegInitial = 1;
/** IAuthorizationRegistry.AuthorizationStatus.Rejected. */
const AUTH_REJECTED = 5n;
const ProductKind = { Dataset: 1, Api: 2, Indicator: 3, Report: 4 } as const;
const ChargingBasis = { FreeTrialForSourceDept: 1, PublicInterestFree: 2, Commercial: 3 } as const;
const bases = (...b: number[]): number => b.reduce((m, x) => m | (1 << x), 0);
const CaseKind = { Objection: 1, QualityFeedback: 2 } as const;
const Subject = { Resource: 1, Product: 2, Authorization: 3 } as const;
const ReportKind = { AnnualReport: 3 } as const;
/** The China-local year of a moment, and the first instant of a China-local year. */
const chinaYear = (t: number): number => new Date((t + 8 * 3600) * 1000).getUTCFullYear();
const chinaYearStart = (y: number): number => Date.UTC(y, 0, 1) / 1000 - 8 * 3600;
const Outcome = { Corrected: 1, Confirmed: 2 } as const;
/** The city prefix of registration codes (登记编号) under each policy profile. */
const CITY_PREFIX: Record<string, string> = { huizhou: "HZ", guangming: "GM", yangzhou: "YZ", zhaoqing: "ZQ", national: "CN" };

/**
 * Seeds the demo on a freshly deployed dev chain whose clock is at least ~400 days behind
 * `endAt`. Writes DEMO_STARTED first and DEMO_DONE (the summary) last.
 */
export async function seedDemo(args: SeedDemoArgs): Promise<DemoSummary> {
  const provider = new DevChainProvider(args.rpcUrl);
  try {
    return await seed(provider, args);
  } finally {
    provider.destroy();
  }
}

async function seed(provider: JsonRpcProvider, args: SeedDemoArgs): Promise<DemoSummary> {
  const { deployment, profile, dataDir } = args;
  const log = args.log ?? (() => undefined);
  const endAt = args.endAt ?? Math.floor(Date.now() / 1000);
  const state = demoState(dataDir);
  if (state !== "none") throw new Error(`the demo was already ${state === "seeded" ? "seeded" : "started"} in ${dataDir}`);
  writeFileSync(path.join(dataDir, DEMO_STARTED), new Date().toISOString() + "\n");

  const wallets = Object.fromEntries(DEMO_KEYS.map((k) => [k.key, devWallet(k.index, provider)])) as Record<DemoKey, HDNodeWallet>;
  const addr = deployment.contracts;
  const as = (s: Signer) => connectProvenant(addr, s);
  const hubAs = (s: Signer) => as(s).hub;
  const participantsAs = (s: Signer) => as(s).participants;
  const catalogAs = (s: Signer) => as(s).catalog;
  const authAs = (s: Signer) => as(s).authorizations;
  const agreementsAs = (s: Signer) => as(s).agreements;
  const scenariosAs = (s: Signer) => as(s).scenarios;
  const productsAs = (s: Signer) => as(s).products;
  const oversightAs = (s: Signer) => as(s).oversight;
  const W = wallets;
  const reader = W.admin;

  let txs = 0;
  async function send(p: Promise<ContractTransactionResponse>): Promise<void> {
    const tx = await p;
    const receipt = await tx.wait();
    if (!receipt || receipt.status !== 1) throw new Error(`demo transaction ${tx.hash} failed`);
    txs++;
  }
  async function latest(): Promise<number> {
    const b = await provider.getBlock("latest");
    if (!b) throw new Error("no latest block");
    return b.timestamp;
  }
  /** Moves the chain clock to `t` (never backwards) and mines a block there. */
  async function moveTo(t: number): Promise<void> {
    const now = await latest();
    if (t <= now) return;
    await provider.send("evm_setNextBlockTimestamp", [t]);
    await provider.send("evm_mine", []);
  }
  /**
   * Duties with a date the demo keeps on time whatever day it runs (annual reports, C28; annual
   * disclosures, C37): the clock stops at each one it passes, which is then done.
   */
  const duties: { at: number; run: () => Promise<void>; done: boolean }[] = [];
  /** Moves the chain clock to `t`, doing every duty due on the way at its own time. */
  async function timeTo(t: number): Promise<void> {
    for (const d of [...duties].sort((a, b) => a.at - b.at)) {
      if (d.done || d.at >= t) continue;
      d.done = true;
      await moveTo(d.at);
      await d.run();
    }
    await moveTo(t);
  }
  const chainStart = await latest();
  if (endAt - chainStart < 390 * DAY) {
    throw new Error(
      `the demo needs the chain clock at least 390 days behind the wall clock (it is ${Math.round((endAt - chainStart) / DAY)} days); ` +
        "start it on a fresh chain created with a genesis timestamp in the past",
    );
  }
  const day = (n: number) => chainStart + n * DAY;
  /**
   * The end of a notice started in the next block that keeps C04: the profile's working days on
   * the chain's WorkingDayCalendar (what the chain enforces and the service checks), counted one
   * working day further so a block landing after China midnight still keeps it, plus a minute.
   */
  async function lawfulNoticeEnd(): Promise<number> {
    const [endsAt] = await as(reader).calendar.addWorkingDays((await latest()) + 1, noticeDays + 1);
    return Number(endsAt) + 60;
  }
  const noticeDays = profile.noticeWorkingDays;
  const regNoticeDays = profile.registrationNoticeWorkingDays;

  // ----- roles and participants -----
  log("demo: governance roles and participants");
  const hub = hubAs(W.admin);
  await send(hub.grantRole(keccakText("DATA_AUTHORITY"), W.authority.address));
  await send(hub.grantRole(keccakText("IMPLEMENTING_AGENCY"), W.agency.address));
  await send(hub.grantRole(keccakText("REGULATOR"), W.regulator.address));
  for (const e of [W.expert1, W.expert2, W.expert3]) await send(hub.grantRole(keccakText("EXPERT"), e.address));

  let serial = 9001; // stable credit codes, far from the tests' serials
  const participants = participantsAs(W.authority);
  async function register(kind: number, name: string, key: DemoKey, category: "1" | "9"): Promise<bigint> {
    await send(participants.register(kind, `【演示】${name}`, makeCreditCode(serial++, category), h(`profile:${name}`), [W[key].address]));
    return participants.participantCount();
  }
  const P = {
    authority: await register(Kind.DataAuthority, "惠州市政务服务和数据管理局", "authority", "1"),
    agency: await register(Kind.ImplementingAgency, "惠州市政务数据事务中心", "agency", "1"),
    market: await register(Kind.SourceDepartment, "惠州市市场监督管理局", "market", "1"),
    transport: await register(Kind.SourceDepartment, "惠州市交通运输局", "transport", "1"),
    health: await register(Kind.SourceDepartment, "惠州市卫生健康局", "health", "1"),
    operatorA: await register(Kind.Operator, "惠州数据运营有限公司", "operatorA", "9"),
    operatorB: await register(Kind.Operator, "粤数科技有限公司", "operatorB", "9"),
    developerA: await register(Kind.Developer, "惠州智算开发有限公司", "developerA", "9"),
    developerB: await register(Kind.Developer, "城市交通数据开发有限公司", "developerB", "9"),
  };
  // Operator A runs the platform node (授权运营平台): its node key is one of operator A's signer
  // keys, and the registry mirrors PLATFORM_NODE to it once operator A is marked as a node.
  await send(participants.addSigner(P.operatorA, W.platformNode.address));
  await send(participants.setPlatformNode(P.operatorA, true));
  // Public office contacts (C21): where the public asks and objects. Offices only, never a
  // person (C34); the telephone numbers are demo numbers that reach no one.
  await send(
    participants.publishProfile(
      P.authority,
      publicText({
        contact: "惠州市政务服务中心三楼 公共数据管理窗口；咨询与异议电话 0752-0000000（演示号码）",
        contactEn: "Public Data Administration window, 3rd floor, Huizhou Government Service Center; enquiries and objections 0752-0000000 (demo number)",
        website: "https://example.org/provenant-demo/authority",
      }),
    ),
  );
  await send(
    participantsAs(W.agency).publishProfile(
      P.agency,
      publicText({
        contact: "惠州市政务数据事务中心 授权运营服务窗口；电话 0752-0000001（演示号码）",
        contactEn: "Authorized Operation service window, Huizhou Government Data Affairs Center; tel. 0752-0000001 (demo number)",
        website: "https://example.org/provenant-demo/agency",
      }),
    ),
  );
  const deptKey = new Map<bigint, DemoKey>([
    [P.market, "market"],
    [P.transport, "transport"],
    [P.health, "health"],
  ]);
  const keyOf = new Map<bigint, DemoKey>(Object.entries(P).map(([k, v]) => [v, k as DemoKey]));
  const signerOf = (participantId: bigint): HDNodeWallet => {
    const k = keyOf.get(participantId);
    if (!k) throw new Error(`no demo key for participant ${participantId}`);
    return W[k];
  };

  // ----- catalog (资源目录) with registration codes (登记, C36) -----
  log("demo: catalog entries of three source departments");
  const catalogSpecs = [
    {
      name: "enterpriseRegistry", dept: "market", share: Share.Unconditional, open: Open.Unconditional, freq: Frequency.Daily, cls: 1, desens: false, consent: Consent.NotRequired, register: true,
      text: {
        name: "企业登记信息", nameEn: "Enterprise registration records",
        description: "本市登记在册企业的设立、变更、注销等登记信息，每日更新。", descriptionEn: "Registration, changes and deregistration of enterprises registered in the city, updated daily.",
        fields: "统一社会信用代码、企业名称、登记状态、成立日期、注册资本、住所所在区县", fieldsEn: "Unified social credit code, enterprise name, status, date of establishment, registered capital, district of domicile",
      },
    },
    {
      name: "penalties", dept: "market", share: Share.Conditional, open: Open.Conditional, freq: Frequency.Weekly, cls: 2, desens: false, consent: Consent.NotRequired, register: true,
      text: {
        name: "市场监管行政处罚信息", nameEn: "Market regulation administrative penalties",
        description: "市场监督管理部门对企业作出的行政处罚决定，每周更新。", descriptionEn: "Administrative penalty decisions against enterprises by the market regulator, updated weekly.",
        fields: "处罚决定书文号、被处罚企业统一社会信用代码、违法行为类型、处罚种类、处罚日期", fieldsEn: "Decision number, credit code of the enterprise, type of violation, kind of penalty, date",
      },
    },
    {
      name: "busArrivals", dept: "transport", share: Share.Unconditional, open: Open.Conditional, freq: Frequency.RealTime, cls: 2, desens: false, consent: Consent.NotRequired, register: true,
      text: {
        name: "公交实时到站数据", nameEn: "Real-time bus arrivals",
        description: "全市公交线路车辆的实时到站与预计到站时间。", descriptionEn: "Real-time and predicted arrival times of buses on every line in the city.",
        fields: "线路编号、站点编号、车辆编号、到站时间、预计到站时间", fieldsEn: "Line, stop, vehicle, arrival time, predicted arrival time",
      },
    },
    {
      name: "medicalInstitutions", dept: "health", share: Share.Conditional, open: Open.NotOpen, freq: Frequency.Monthly, cls: 3, desens: true, consent: Consent.Obtained, register: true,
      text: {
        name: "医疗机构服务量统计（脱敏）", nameEn: "Service volume of medical institutions (desensitized)",
        description: "各医疗机构按月汇总的门急诊与住院服务量，已脱敏，不含个人信息。", descriptionEn: "Monthly outpatient, emergency and inpatient volumes per medical institution; desensitized, no personal information.",
        fields: "机构名称、机构类别、所在区县、统计月份、门急诊人次、出院人次", fieldsEn: "Institution, category, district, month, outpatient and emergency visits, discharges",
      },
    },
    {
      name: "healthRecords", dept: "health", share: Share.NotShared, open: Open.NotOpen, freq: Frequency.Daily, cls: 4, desens: false, consent: Consent.NotRequired, register: false,
      text: {
        name: "居民电子健康档案", nameEn: "Residents' electronic health records",
        description: "不予共享、不予开放的数据资源，仅在目录中登记，不得授权运营。", descriptionEn: "Not shared and not open: listed in the catalog only, never under authorized operation.",
        fields: "档案类别、建档机构、更新时间（目录项，不含个人信息）", fieldsEn: "Record category, institution, update time (catalog entry; no personal information)",
      },
    },
  ] as const;
  const R: Record<string, bigint> = {};
  for (const spec of catalogSpecs) {
    const dept = W[spec.dept];
    const catalog = catalogAs(dept);
    await send(
      catalog.proposeResource(P[spec.dept], {
        catalogKey: h(`resource:${spec.name}`),
        classification: spec.cls,
        shareType: spec.share,
        openAttribute: spec.open,
        desensitized: spec.desens,
        consent: spec.consent,
        updateFrequency: spec.freq,
        metadataHash: h(`metadata:${spec.name}`),
      }, publicText(spec.text)),
    );
    R[spec.name] = await catalog.resourceCount();
    await send(catalogAs(W.authority).reviewResource(R[spec.name], true, h(`catalog-approval:${spec.name}`)));
  }
  // Registration of the authorizable entries: apply, accept, review, one notice for all, issue.
  const registered = catalogSpecs.filter((s) => s.register);
  const resourceApps: bigint[] = [];
  for (const spec of registered) {
    await send(catalogAs(W[spec.dept]).applyRegistration(R[spec.name], RegInitial, h(`materials:${spec.name}`)));
    resourceApps.push((await catalogAs(reader).registrationOf(R[spec.name])).pendingApplication);
  }
  const regNoticeEnd = (await latest()) + regNoticeDays * DAY + 2 * DAY;
  for (const app of resourceApps) {
    const c = catalogAs(W.authority);
    await send(c.acceptRegistration(app, h(`accepted:${app}`)));
    await send(c.reviewRegistration(app, true, h(`registration-review:${app}`)));
    await send(c.noticeRegistration(app, regNoticeEnd));
  }
  await timeTo(regNoticeEnd + 60);
  // Registration codes in the registry's format: city prefix, year, R (resource) or P (product), serial.
  const cityPrefix = CITY_PREFIX[profile.id] ?? profile.id.slice(0, 2).toUpperCase();
  const codeSerial = { R: 0, P: 0 };
  const nextCode = async (kind: "R" | "P"): Promise<string> =>
    registrationCode(`${cityPrefix}-${chinaYear(await latest())}-${kind}-${String(++codeSerial[kind]).padStart(4, "0")}`);
  for (const app of resourceApps) {
    await send(catalogAs(W.authority).issueRegistration(app, await nextCode("R")));
  }

  // ----- the call (征集) and two operators (一级运营主体) -----
  log("demo: a call for applications and the selection of two operators");
  await timeTo(day(10));
  const auth = authAs(W.authority);
  await send(
    authAs(W.agency).publishCall(
      P.agency, Mode.Comprehensive, day(20), h("call-announcement"),
      publicText({
        title: "【演示】惠州市公共数据授权运营（综合授权）运营主体征集公告",
        titleEn: "[Demo] Call for operators: comprehensive authorized operation of Huizhou public data",
      }),
    ),
  );
  const callId = 1n;
  const termYears = Math.min(3, profile.maxTermYears);
  const opTermStart = day(30);
  const opTermEnd = opTermStart + termYears * 365 * DAY;
  await timeTo(day(12));
  await send(
    authAs(W.operatorA).applyFor({
      parentId: 0n, holderId: P.operatorA, callId, termStart: opTermStart, termEnd: opTermEnd,
      materialsHash: h("application:operatorA"),
      resourceIds: asc([R.enterpriseRegistry, R.penalties, R.busArrivals, R.medicalInstitutions]), domains: [],
    }),
  );
  const A1 = await auth.authorizationCount();
  await send(
    authAs(W.operatorB).applyFor({
      parentId: 0n, holderId: P.operatorB, callId, termStart: opTermStart, termEnd: opTermEnd,
      materialsHash: h("application:operatorB"),
      resourceIds: asc([R.busArrivals, R.medicalInstitutions]), domains: [],
    }),
  );
  const A2 = await auth.authorizationCount();
  const experts = [W.expert1, W.expert2, W.expert3].slice(0, profile.expertQuorum);
  async function reviewAndApprove(id: bigint, preReviewer: Signer): Promise<void> {
    await send(authAs(preReviewer).preReview(id, true, h(`pre-review:${id}`), ""));
    for (const e of experts) await send(authAs(e).expertReview(id, true, h(`expert-opinion:${id}:${e.address}`), ""));
    await send(
      auth.approve(
        id, h(`decision:${id}`),
        statement("经初审、专家评审和审定，同意授权；授权结果予以公示。", "Approved after pre-review, expert review and decision; the result is publicly noticed."),
      ),
    );
  }
  async function confirmGrants(id: bigint, parentHolder?: HDNodeWallet): Promise<void> {
    const a = await auth.authorization(id);
    for (const r of a.resourceIds) {
      if (parentHolder) await send(authAs(parentHolder).preReviewGrant(id, r, true, h(`grant-pre-review:${id}:${r}`), ""));
      await send(auth.evaluateGrant(id, r, true, h(`grant-evaluation:${id}:${r}`), ""));
      const res = await catalogAs(reader).resource(r);
      const dept = deptKey.get(res.sourceDeptId);
      if (!dept) throw new Error(`resource ${r} has no demo department`);
      await send(authAs(W[dept]).confirmGrant(id, r, true, h(`grant-confirmation:${id}:${r}`), ""));
    }
  }

  // The resource grants are evaluated and confirmed on the day of the applications (C12: within
  // 5 working days each), while the call is still open.
  for (const id of [A1, A2]) await confirmGrants(id);
  // The selection result is recorded once the call has closed (C35), naming both operators.
  await timeTo(day(20));
  await send(authAs(W.agency).closeCall(callId, h("call-selection-result"), asc([P.operatorA, P.operatorB])));

  // ----- agreements (协议), signed by every party, filed (备案) -----
  const agreementIds: bigint[] = [];
  let nonce = 1n;
  const { chainId } = await provider.getNetwork();
  async function fileAgreement(
    kind: AgreementKindValue,
    authorizationId: bigint,
    partyIds: bigint[],
    assignerId: bigint,
    purpose: string,
    title: { zh: string; en: string },
    scenarioId = 0n,
  ): Promise<bigint> {
    const a = await auth.authorization(authorizationId);
    const terms = buildOdrlAgreement({
      uid: `urn:provenant:agreement:${chainId}:${authorizationId}:${kind}:${scenarioId}`,
      assignerId,
      assigneeId: a.holderId,
      resourceIds: a.resourceIds,
      authorizationId,
      actions: ["use", "derive"],
      prohibitedActions: ["sell"],
      purpose,
      termStart: a.termStart,
      termEnd: a.termEnd,
      spatial: "441300",
    });
    const parties = asc([...new Set(partyIds)]);
    const proposer = a.holderId;
    const registry = agreementsAs(signerOf(proposer));
    await send(
      registry.propose({
        kind, proposerId: proposer, authorizationId, scenarioId, termStart: a.termStart, termEnd: a.termEnd,
        documentHash: h(`agreement-document:${authorizationId}:${kind}:${scenarioId}`),
        termsDigest: odrlTermsDigest(terms), scopeDigest: agreementScopeDigest(a.resourceIds, a.domains), partyIds: parties,
        publicText: publicText({ title: title.zh, titleEn: title.en }),
      }),
    );
    const agreementId = await registry.agreementCount();
    await send(registry.sign(agreementId, proposer));
    const ag = await registry.agreement(agreementId);
    const approvals = [];
    for (const partyId of parties.filter((p) => p !== proposer)) {
      approvals.push(
        await signAgreement(signerOf(partyId), {
          chainId, verifyingContract: addr.AgreementRegistry.address, agreementId,
          documentHash: ag.documentHash, termsDigest: ag.termsDigest, partyId,
          nonce: nonce++, deadline: BigInt((await latest()) + 3 * DAY),
        }),
      );
    }
    await send(agreementsAs(W.platformNode).submitSignatures(agreementId, approvals));
    await send(agreementsAs(W.authority).file(agreementId, h(`filing:${agreementId}`)));
    agreementIds.push(agreementId);
    return agreementId;
  }

  log("demo: operator authorizations — review, grants, notice (公示), agreements, activation");
  await timeTo(day(22));
  for (const id of [A1, A2]) await reviewAndApprove(id, W.agency);
  const opNoticeEnd = await lawfulNoticeEnd();
  for (const id of [A1, A2]) await send(auth.startNotice(id, opNoticeEnd));
  await timeTo(Math.max(opNoticeEnd + 60, opTermStart + 60));
  for (const [id, holder, zh, en] of [
    [A1, P.operatorA, "惠州数据运营有限公司", "Huizhou Data Operation Co., Ltd."],
    [A2, P.operatorB, "粤数科技有限公司", "Yueshu Technology Co., Ltd."],
  ] as const) {
    const ag = await fileAgreement(AgreementKind.OperationAuthorization, id, [holder, P.authority], P.authority, "公共数据授权运营（综合授权）", {
      zh: `【演示】公共数据授权运营协议（${zh}）`,
      en: `[Demo] Public data authorized operation agreement (${en})`,
    });
    await send(auth.activate(id, ag));
  }
  // Each year the operators are in force ends with an annual report of each authorization
  // (C28: within 10 working days) and the annual disclosures of the agency and both operators
  // (C37: by 31 March); the demo files them on the first working day of the next year.
  const calendar = as(reader).calendar;
  const activatedAt = Number((await auth.authorization(A1)).activatedAt);
  for (let y = chinaYear(activatedAt); chinaYearStart(y + 1) < endAt; y++) {
    const [firstWorkingDayEnds] = await calendar.addWorkingDays(chinaYearStart(y + 1) - 1, 1);
    const year = y;
    duties.push({
      at: Number(firstWorkingDayEnds) - DAY + 10 * 3600,
      done: false,
      run: async () => {
        log(`demo: annual reports and disclosures for ${year}`);
        for (const [id, holder] of [[A1, W.operatorA], [A2, W.operatorB]] as const) {
          await send(oversightAs(holder).fileReport(id, ReportKind.AnnualReport, year, h(`annual-report:${id}:${year}`)));
        }
        for (const [pid, key] of [[P.agency, W.agency], [P.operatorA, W.operatorA], [P.operatorB, W.operatorB]] as const) {
          await send(oversightAs(key).anchorDisclosure(pid, year, 1, h(`annual-disclosure:${pid}:${year}`)));
        }
      },
    });
  }

  // ----- developers (二级开发主体) -----
  log("demo: developer authorizations (one to expire, one active, one rejected)");
  await timeTo(day(45));
  const devStart = (await latest()) + DAY;
  const a1 = await auth.authorization(A1);
  await send(
    authAs(W.developerA).applyFor({
      parentId: A1, holderId: P.developerA, callId: 0n, termStart: devStart, termEnd: day(220),
      materialsHash: h("application:developerA:pilot"), resourceIds: asc([R.busArrivals]), domains: [],
    }),
  );
  const A3 = await auth.authorizationCount();
  await send(
    authAs(W.developerA).applyFor({
      parentId: A1, holderId: P.developerA, callId: 0n, termStart: devStart, termEnd: a1.termEnd,
      materialsHash: h("application:developerA"), resourceIds: asc([R.enterpriseRegistry, R.penalties, R.busArrivals]), domains: [],
    }),
  );
  const A4 = await auth.authorizationCount();
  await send(
    authAs(W.developerB).applyFor({
      parentId: A2, holderId: P.developerB, callId: 0n, termStart: devStart, termEnd: day(500),
      materialsHash: h("application:developerB"), resourceIds: asc([R.busArrivals, R.medicalInstitutions]), domains: [],
    }),
  );
  const A5 = await auth.authorizationCount();
  for (const id of [A3, A4]) {
    await confirmGrants(id, W.operatorA);
    await reviewAndApprove(id, W.operatorA);
  }
  // The rejected one: the operator passes it, the first expert objects, the authority rejects (C03).
  // Where the expert quorum is one (national), that objection already rejected it.
  await send(authAs(W.operatorB).preReview(A5, true, h(`pre-review:${A5}`), ""));
  await send(authAs(W.expert1).expertReview(A5, false, h("expert-opinion:developerB:insufficient-security"), statement("专家组认为申请未附数据安全风险评估报告，数据安全保障能力不足，评审不予通过。", "The expert panel finds no data security risk assessment report attached and the data security safeguards insufficient: not passed.")));
  if ((await auth.authorization(A5)).status !== AUTH_REJECTED) {
    await send(
      auth.reject(
        A5, h("rejection:developerB:security-assessment-missing"),
        statement("申请材料未附数据安全风险评估报告，不符合准入条件，不予授权。", "The application lacks a data security risk assessment report and does not meet the admission conditions: not authorized."),
      ),
    );
  }

  const devNoticeEnd = await lawfulNoticeEnd();
  for (const id of [A3, A4]) await send(auth.startNotice(id, devNoticeEnd));
  await timeTo(devNoticeEnd + 60);
  for (const id of [A3, A4]) {
    // The agreement the profile requires for a developer (C15): the 授权开发协议 between operator
    // and developer where accepted (004 第八条), else the 开发利用服务协议 that the authority and
    // every source department sign too (001 第十九条; 002 第十九条).
    let ag: bigint;
    if (profile.tier2Agreements.includes("DevelopmentAuthorization")) {
      ag = await fileAgreement(AgreementKind.DevelopmentAuthorization, id, [P.developerA, P.operatorA], P.operatorA, "授权开发（二级开发主体）", {
        zh: "【演示】公共数据授权开发协议（惠州智算开发有限公司）",
        en: "[Demo] Public data development authorization agreement (Huizhou Smart Computing Development Co., Ltd.)",
      });
    } else {
      const depts = await Promise.all((await auth.authorization(id)).resourceIds.map(async (r) => (await catalogAs(reader).resource(r)).sourceDeptId));
      ag = await fileAgreement(AgreementKind.DevelopmentService, id, [P.developerA, P.operatorA, P.authority, ...depts], P.authority, "公共数据开发利用服务（二级开发主体）", {
        zh: "【演示】公共数据开发利用服务协议（惠州智算开发有限公司）",
        en: "[Demo] Public data development and use service agreement (Huizhou Smart Computing Development Co., Ltd.)",
      });
    }
    await send(auth.activate(id, ag));
  }

  // ----- scenarios (一场景一授权，一场景一审定) -----
  log("demo: scenarios and their reviews");
  await timeTo(day(70));
  const scenarios = scenariosAs(reader);
  interface ScenarioSpec { name: string; nameEn: string; purposeText: string; purposeEn: string }
  async function approvedScenario(
    holder: DemoKey, holderId: bigint, authorizationId: bigint, resourceIds: bigint[], purpose: string, text: ScenarioSpec,
  ): Promise<bigint> {
    await send(
      scenariosAs(W[holder]).proposeScenario({
        holderId, authorizationId, purposeHash: h(`purpose:${purpose}`), descriptionHash: h(`scenario:${purpose}`), resourceIds: asc(resourceIds),
        publicText: publicText({ name: text.name, nameEn: text.nameEn, purpose: text.purposeText, purposeEn: text.purposeEn }),
      }),
    );
    const id = await scenarios.scenarioCount();
    // The profile's quorum of review opinions (C13): the experts, then the authority's own.
    for (const r of [W.expert1, W.expert2, W.expert3, W.authority].slice(0, profile.scenarioOpinionQuorum)) {
      await send(scenariosAs(r).recordOpinion(id, true, h(`scenario-opinion:${id}:${r.address}`)));
    }
    await send(
      scenariosAs(W.authority).approveScenario(
        id, h(`scenario-decision:${id}`),
        statement("经专家评估，场景目的明确、所需数据最小必要，审定通过。", "Reviewed by experts: a clear purpose and minimal necessary data; approved."),
      ),
    );
    return id;
  }
  const S = {
    enterpriseCredit: await approvedScenario("operatorA", P.operatorA, A1, [R.enterpriseRegistry, R.penalties], "企业信用评估", {
      name: "企业信用评估", nameEn: "Enterprise credit assessment",
      purposeText: "为银行等金融机构的小微企业信贷审批提供企业登记与行政处罚相结合的信用评估。",
      purposeEn: "Credit assessment of small enterprises for bank lending, combining registration records and administrative penalties.",
    }),
    commute: await approvedScenario("developerA", P.developerA, A4, [R.enterpriseRegistry, R.busArrivals], "通勤出行服务", {
      name: "园区通勤出行服务", nameEn: "Commuting services for industrial parks",
      purposeText: "结合企业分布与公交到站数据，为园区企业优化通勤班车与公交接驳。",
      purposeEn: "Combine where enterprises are with bus arrivals to plan shuttle buses and bus connections for park employees.",
    }),
    clinicAccess: await approvedScenario("operatorB", P.operatorB, A2, [R.busArrivals, R.medicalInstitutions], "就医出行便利度分析", {
      name: "就医出行便利度分析", nameEn: "Access to medical care by public transport",
      purposeText: "评估各区县居民乘公交前往医疗机构的便利程度，为公交线路与医疗资源布局提供参考。",
      purposeEn: "Assess how easily residents reach medical institutions by bus, to inform bus routes and the siting of medical resources.",
    }),
  };
  // 场景开发与产品经营协议 for the operator's scenario, signed by the holder and the authority.
  await fileAgreement(AgreementKind.ScenarioProduct, A1, [P.operatorA, P.authority], P.authority, "企业信用评估", {
    zh: "【演示】场景开发与产品经营协议（企业信用评估）",
    en: "[Demo] Scenario development and product operation agreement (enterprise credit assessment)",
  }, S.enterpriseCredit);

  // ----- products (数据产品) with lineage, registration codes, review, listing -----
  log("demo: products with lineage — registration, review, listing");
  const products = productsAs(reader);
  async function registerProduct(
    holder: DemoKey, holderId: bigint, scenarioId: bigint, kind: number, resourceIds: bigint[], parentProductIds: bigint[], label: string,
    text: Parameters<typeof publicText>[0],
  ): Promise<bigint> {
    await send(
      productsAs(W[holder]).registerProduct({
        holderId, scenarioId, kind,
        chargingBases: bases(ChargingBasis.FreeTrialForSourceDept, ChargingBasis.PublicInterestFree, ChargingBasis.Commercial),
        previousVersionId: 0n, pricingBasisHash: h(`pricing:${label}`), usageHash: h(`usage:${label}`), descriptionHash: h(`product:${label}`),
        resourceIds: asc(resourceIds), parentProductIds: asc(parentProductIds),
        publicText: publicText(text),
      }),
    );
    return products.productCount();
  }
  /** Passed compliance reviews to the profile's quorum (C18), expert2 first. */
  async function reviewProduct(id: bigint): Promise<void> {
    for (const r of [W.expert2, W.expert3, W.expert1, W.authority].slice(0, profile.productReviewQuorum)) {
      await send(productsAs(r).reviewProduct(id, true, h(`compliance-security-review:${id}:${r.address}`)));
    }
  }
  async function reviewAndRegister(ids: { id: bigint; holder: DemoKey }[]): Promise<void> {
    const apps: bigint[] = [];
    for (const { id, holder } of ids) {
      await reviewProduct(id);
      await send(productsAs(W[holder]).applyRegistration(id, RegInitial, h(`product-materials:${id}`)));
      apps.push((await products.registrationOf(id)).pendingApplication);
    }
    const noticeEnd = (await latest()) + regNoticeDays * DAY + 2 * DAY;
    for (const app of apps) {
      const p = productsAs(W.authority);
      await send(p.acceptRegistration(app, h(`accepted:${app}`)));
      await send(p.reviewRegistration(app, true, h(`registration-review:${app}`)));
      await send(p.noticeRegistration(app, noticeEnd));
    }
    await timeTo(noticeEnd + 60);
    for (const [i, app] of apps.entries()) {
      await send(productsAs(W.authority).issueRegistration(app, await nextCode("P")));
      await send(productsAs(W[ids[i].holder]).listProduct(ids[i].id));
    }
  }
  const creditIndex = await registerProduct("operatorA", P.operatorA, S.enterpriseCredit, ProductKind.Indicator, [R.enterpriseRegistry, R.penalties], [], "企业信用指数", {
    name: "企业信用指数", nameEn: "Enterprise credit index",
    description: "按统一社会信用代码查询的企业信用评分（0–100）及主要扣分项，每日更新。",
    descriptionEn: "A credit score (0–100) per unified social credit code with its main deductions, updated daily.",
    serviceMode: "数据接口（API）按次调用", serviceModeEn: "API, per call",
    price: "每次查询 0.50 元；数源部门免费试用；公益用途免费", priceEn: "CNY 0.50 per query; free trial for source departments; free for public-interest use",
  });
  const clinicReport = await registerProduct("operatorB", P.operatorB, S.clinicAccess, ProductKind.Report, [R.busArrivals, R.medicalInstitutions], [], "就医出行便利度报告", {
    name: "就医出行便利度报告", nameEn: "Report on access to medical care by bus",
    description: "按区县评估乘公交前往医疗机构的平均时间与换乘次数，按季度发布。",
    descriptionEn: "Average travel time and transfers by bus to medical institutions, per district, published quarterly.",
    serviceMode: "报告下载", serviceModeEn: "Report download",
    price: "每份 2,000 元；公益用途免费", priceEn: "CNY 2,000 per report; free for public-interest use",
  });
  await reviewAndRegister([{ id: creditIndex, holder: "operatorA" }, { id: clinicReport, holder: "operatorB" }]);
  await timeTo(day(110));
  const commuteApi = await registerProduct("developerA", P.developerA, S.commute, ProductKind.Api, [R.busArrivals], [creditIndex], "通勤企业画像接口", {
    name: "通勤企业画像接口", nameEn: "Commuting enterprise profile API",
    description: "园区企业的通勤需求画像：企业信用等级与周边公交可达性。",
    descriptionEn: "Commuting profile of park enterprises: credit grade and nearby bus accessibility.",
    serviceMode: "数据接口（API）按次调用", serviceModeEn: "API, per call",
    price: "每次调用 0.20 元；数源部门免费试用", priceEn: "CNY 0.20 per call; free trial for source departments",
  });
  await reviewAndRegister([{ id: commuteApi, holder: "developerA" }]);
  await timeTo(day(150));
  const commuteReport = await registerProduct("developerA", P.developerA, S.commute, ProductKind.Report, [], [commuteApi], "园区通勤分析报告", {
    name: "园区通勤分析报告", nameEn: "Industrial park commuting report",
    description: "基于通勤企业画像的园区通勤班车与公交接驳建议，按月发布。",
    descriptionEn: "Shuttle and bus connection recommendations for industrial parks, published monthly.",
    serviceMode: "报告订阅", serviceModeEn: "Report subscription",
    price: "每月 800 元", priceEn: "CNY 800 per month",
  });
  await reviewProduct(commuteReport);
  const Pr = { creditIndex, clinicReport, commuteApi, commuteReport };

  // ----- objections (异议) and quality feedback (质量反馈) -----
  log("demo: objections and quality feedback");
  await timeTo(day(160));
  const oversight = oversightAs(reader);
  async function fileCase(filer: HDNodeWallet, req: { kind: number; subjectKind: number; subjectId: bigint; filerId: bigint; authorizationId?: bigint; personDigest: string; label: string }): Promise<bigint> {
    await send(
      oversightAs(filer).fileCase({
        kind: req.kind, subjectKind: req.subjectKind, subjectId: req.subjectId, filerId: req.filerId,
        departmentId: 0n, authorizationId: req.authorizationId ?? 0n, contentDigest: h(`case:${req.label}`), personDigest: req.personDigest,
      }),
    );
    return (await oversight.counts())[0];
  }
  const caseAnswered = await fileCase(W.platformNode, {
    kind: CaseKind.Objection, subjectKind: Subject.Resource, subjectId: R.enterpriseRegistry, filerId: 0n,
    personDigest: h("salted-person:demo-1"), label: "enterprise-address-wrong",
  });
  await timeTo(day(165));
  await send(oversightAs(W.market).answerCase(caseAnswered, Outcome.Corrected, h("resolution:address-corrected")));
  // Quality feedback travels back along the data's path (逐级溯源, C26): developer A's authorization
  // A4 -> operator A, who organized it; operator A's A1 -> the agency, who organized its call;
  // then the transport bureau, the source department, which answers.
  const caseFeedback = await fileCase(W.developerA, {
    kind: CaseKind.QualityFeedback, subjectKind: Subject.Resource, subjectId: R.busArrivals, filerId: P.developerA,
    authorizationId: A4, personDigest: ZERO, label: "bus-arrival-gaps",
  });
  await timeTo(day(166));
  await send(oversightAs(W.operatorA).forwardFeedback(caseFeedback, P.operatorA, h("forward:operatorA:bus-arrival-gaps")));
  await timeTo(day(167));
  await send(oversightAs(W.agency).forwardFeedback(caseFeedback, P.agency, h("forward:agency:bus-arrival-gaps")));
  await timeTo(day(168));
  await send(oversightAs(W.transport).answerCase(caseFeedback, Outcome.Confirmed, h("resolution:bus-data-confirmed")));

  // The pilot developer authorization expires (a fact of time, no transaction) at day 220.
  await timeTo(day(300));
  const caseOverdue = await fileCase(W.platformNode, {
    kind: CaseKind.Objection, subjectKind: Subject.Product, subjectId: creditIndex, filerId: 0n,
    personDigest: h("salted-person:demo-2"), label: "credit-score-disputed",
  });

  // ----- suspension for rectification (整改) -----
  log("demo: operator B suspended for rectification (整改)");
  await timeTo(endAt - 20 * DAY);
  await send(
    auth.suspend(
      A2, h("suspension:operatorB:security-rectification"),
      statement(
        "运营平台数据安全管理措施未落实到位，暂停授权运营，限期整改。",
        "Data security measures of the operating platform were not in place: authorized operation suspended pending rectification.",
      ),
    ),
  );
  await timeTo(endAt - 3 * DAY);
  const caseOpen = await fileCase(W.platformNode, {
    kind: CaseKind.Objection, subjectKind: Subject.Resource, subjectId: R.penalties, filerId: 0n,
    personDigest: h("salted-person:demo-3"), label: "penalty-record-outdated",
  });

  // Back to the wall clock: from here on blocks carry real time.
  await timeTo(endAt);
  const chainEnd = await latest();
  log(`demo: ${txs} transactions, chain clock ${new Date(chainStart * 1000).toISOString().slice(0, 10)} → ${new Date(chainEnd * 1000).toISOString()}`);

  const num = (o: Record<string, bigint>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Number(v)]));
  const summary: DemoSummary = {
    demo: true,
    seededAt: new Date().toISOString(),
    chainStart,
    chainEnd,
    participants: num(P),
    resources: num(R),
    callId: Number(callId),
    authorizations: { operatorA: Number(A1), operatorB: Number(A2), developerAExpired: Number(A3), developerA: Number(A4), developerBRejected: Number(A5) },
    agreements: agreementIds.map(Number),
    scenarios: num(S),
    products: num(Pr),
    cases: num({ answeredObjection: caseAnswered, answeredFeedback: caseFeedback, overdueObjection: caseOverdue, openObjection: caseOpen }),
  };
  writeFileSync(path.join(dataDir, DEMO_DONE), JSON.stringify(summary, null, 2) + "\n");
  return summary;
}
