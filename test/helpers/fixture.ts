/**
 * The shared contract-test world: a deployment through the production deploy path, the
 * governance roles granted, and one organization of each kind. Helpers walk records through
 * their procedures so each test starts where its rule applies.
 */
import hre, { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { deployProvenant } from "../../scripts/lib/deploy";
import { makeCreditCode } from "../../scripts/lib/creditCode";
import { RESOURCE_TEXT, STATEMENT, TITLE_TEXT, nextCode } from "./texts";
import { loadProfile, type PolicyProfile } from "../../policy/profile";

export const ROLE = {
  DATA_AUTHORITY: ethers.id("DATA_AUTHORITY"),
  IMPLEMENTING_AGENCY: ethers.id("IMPLEMENTING_AGENCY"),
  SOURCE_DEPT: ethers.id("SOURCE_DEPT"),
  OPERATOR: ethers.id("OPERATOR"),
  DEVELOPER: ethers.id("DEVELOPER"),
  EXPERT: ethers.id("EXPERT"),
  REGULATOR: ethers.id("REGULATOR"),
  PLATFORM_NODE: ethers.id("PLATFORM_NODE"),
} as const;

/** ParticipantKind in contracts/common/Types.sol. */
export const Kind = {
  None: 0,
  DataAuthority: 1,
  ImplementingAgency: 2,
  SourceDepartment: 3,
  Operator: 4,
  Developer: 5,
  Regulator: 6,
  ServiceProvider: 7,
} as const;

/** AuthorizationMode. */
export const Mode = { None: 0, Comprehensive: 1, Domain: 2 } as const;

/** IAuthorizationRegistry.AuthorizationStatus. */
export const AuthStatus = {
  None: 0,
  Applied: 1,
  PreReviewed: 2,
  ExpertReviewed: 3,
  Approved: 4,
  Rejected: 5,
  Noticed: 6,
  Active: 7,
  Suspended: 8,
  Terminated: 9,
  Revoked: 10,
  Exited: 11,
  Expired: 12,
} as const;

/** IAuthorizationRegistry.GrantStatus. */
export const Grant = { None: 0, Requested: 1, PreReviewed: 2, Evaluated: 3, Confirmed: 4, Refused: 5 } as const;

/** RegistrationKind. */
export const RegKind = { None: 0, Initial: 1, Change: 2, Correction: 3, Deregistration: 4, Renewal: 5 } as const;

/** IResourceCatalog enums. */
export const Share = { None: 0, Unconditional: 1, Conditional: 2, NotShared: 3 } as const;
export const Open = { None: 0, Unconditional: 1, Conditional: 2, NotOpen: 3 } as const;
export const Consent = { None: 0, NotRequired: 1, Obtained: 2, Required: 3 } as const;
export const Frequency = { None: 0, RealTime: 1, Daily: 2, Weekly: 3, Monthly: 4 } as const;

export const DAY = 86_400;
export const YEAR = 365 * DAY;

/** A distinct non-zero bytes32 for a label (document hashes, opinions, keys). */
export const h = (label: string): string => ethers.id(label);

let creditSerial = 1;
/** A fresh valid credit code for each organization a test registers. */
export const nextCreditCode = (): string => makeCreditCode(creditSerial++);

/**
 * The world under profile `profileId`, with `overrides` on top of it (a stricter variant for a
 * test; not re-checked against the national baseline, the chain checks its part). With a
 * `governanceDelay`, the hub's setup is sealed once the roles are granted and the organizations
 * registered: registry swaps and governance grants then wait the delay.
 */
export async function deployWorld(profileId = "huizhou", overrides: Partial<PolicyProfile> = {}, governanceDelay = 0) {
  const profile: PolicyProfile = { ...loadProfile(profileId), ...overrides };
  const s = await ethers.getSigners();
  const [admin, authority, agency, regulator, expert1, expert2, expert3, deptA, deptB, operatorA, operatorB] = s;
  const [developerA, developerB, platformNode, outsider, expert4] = s.slice(11);
  const { deployment, contracts } = await deployProvenant(hre, { profile, admin, governanceDelay, seal: false });
  const { hub, participants } = contracts;

  await hub.connect(admin).grantRole(ROLE.DATA_AUTHORITY, authority.address);
  await hub.connect(admin).grantRole(ROLE.IMPLEMENTING_AGENCY, agency.address);
  await hub.connect(admin).grantRole(ROLE.REGULATOR, regulator.address);
  for (const e of [expert1, expert2, expert3, expert4]) await hub.connect(admin).grantRole(ROLE.EXPERT, e.address);

  async function register(kind: number, name: string, signer: HardhatEthersSigner): Promise<bigint> {
    await participants.connect(authority).register(kind, name, nextCreditCode(), h(`profile:${name}`), [signer.address]);
    return participants.participantCount();
  }
  const ids = {
    authority: await register(Kind.DataAuthority, "惠州市政务服务和数据管理局", authority),
    agency: await register(Kind.ImplementingAgency, "惠州市政务数据事务中心", agency),
    deptA: await register(Kind.SourceDepartment, "惠州市市场监督管理局", deptA),
    deptB: await register(Kind.SourceDepartment, "惠州市交通运输局", deptB),
    operatorA: await register(Kind.Operator, "惠州数据运营有限公司", operatorA),
    operatorB: await register(Kind.Operator, "粤数科技有限公司", operatorB),
    developerA: await register(Kind.Developer, "惠州智算开发有限公司", developerA),
    developerB: await register(Kind.Developer, "城市交通数据开发有限公司", developerB),
  };
  // The city platform is run by the data affairs center (000 第十八条): `platformNode` is one of
  // its signer keys, and the registry gives the center's keys PLATFORM_NODE and binds them to it.
  await participants.connect(authority).addSigner(ids.agency, platformNode.address);
  await participants.connect(authority).setPlatformNode(ids.agency, true);
  if (governanceDelay > 0) await hub.connect(admin).sealSetup();
  const signers = {
    admin,
    authority,
    agency,
    regulator,
    expert1,
    expert2,
    expert3,
    expert4,
    deptA,
    deptB,
    operatorA,
    operatorB,
    developerA,
    developerB,
    platformNode,
    outsider,
  };
  return { profile, deployment, ...contracts, signers, ids };
}

export type World = Awaited<ReturnType<typeof deployWorld>>;

/** The governance delay of the sealed world (two days, as the deploy script uses off development). */
export const GOVERNANCE_DELAY = 2 * DAY;

/** The world with its hub sealed and a two-day governance delay. */
export const deployGovernedWorld = () => deployWorld("huizhou", {}, GOVERNANCE_DELAY);

export interface ResourceOptions {
  dept?: "deptA" | "deptB";
  key?: string;
  classification?: number;
  shareType?: number;
  openAttribute?: number;
  desensitized?: boolean;
  consent?: number;
  register?: boolean;
}

let resourceSerial = 1;

/** Resource data with sensible defaults. */
export function resourceData(o: ResourceOptions = {}) {
  return {
    catalogKey: h(o.key ?? `resource-${resourceSerial++}`),
    classification: o.classification ?? 2,
    shareType: o.shareType ?? Share.Conditional,
    openAttribute: o.openAttribute ?? Open.Conditional,
    desensitized: o.desensitized ?? false,
    consent: o.consent ?? Consent.NotRequired,
    updateFrequency: Frequency.Daily,
    metadataHash: h("metadata"),
  };
}

/** Walks a registration application through accept, review, notice and issue. */
export async function issueRegistration(
  w: World,
  registry: { applyRegistration: World["catalog"]["applyRegistration"] } & Pick<
    World["catalog"],
    "acceptRegistration" | "reviewRegistration" | "noticeRegistration" | "issueRegistration" | "connect"
  >,
  applicant: HardhatEthersSigner,
  subjectId: bigint,
  kind: number = RegKind.Initial,
  code: string = nextCode(),
): Promise<bigint> {
  const { authority } = w.signers;
  const tx = await registry.connect(applicant).applyRegistration(subjectId, kind, h("materials"));
  const receipt = await tx.wait();
  const log = receipt!.logs
    .map((l) => {
      try {
        return w.catalog.interface.parseLog(l);
      } catch {
        return null; // a log of another contract
      }
    })
    .find((l) => l?.name === "RegistrationApplied");
  const appId = log!.args.applicationId as bigint;
  await registry.connect(authority).acceptRegistration(appId, h("accepted"));
  await registry.connect(authority).reviewRegistration(appId, true, h("review"));
  const noticeEnd = (await time.latest()) + w.profile.registrationNoticeWorkingDays * DAY + 60;
  await registry.connect(authority).noticeRegistration(appId, noticeEnd);
  await time.increaseTo(noticeEnd);
  await registry.connect(authority).issueRegistration(appId, code);
  return appId;
}

/** A listed (and, unless `register: false`, registered) resource; returns its id. */
export async function createResource(w: World, o: ResourceOptions = {}): Promise<bigint> {
  const dept = o.dept ?? "deptA";
  const signer = w.signers[dept];
  await w.catalog.connect(signer).proposeResource(w.ids[dept], resourceData(o), RESOURCE_TEXT);
  const id = await w.catalog.resourceCount();
  await w.catalog.connect(w.signers.authority).reviewResource(id, true, h("catalog-approval"));
  if (o.register !== false) await issueRegistration(w, w.catalog, signer, id);
  return id;
}

/**
 * Publishes an open call organized by the implementing agency (a domain call: source department
 * A), taking applications for `openFor` seconds; returns its id.
 */
export async function publishCall(w: World, mode: number = Mode.Comprehensive, openFor: number = 30 * DAY): Promise<bigint> {
  const closesAt = (await time.latest()) + openFor;
  const organizer = mode === Mode.Domain ? "deptA" : "agency";
  await w.authorizations
    .connect(w.signers[organizer])
    .publishCall(w.ids[organizer], mode, closesAt, h(`call-${mode}-${closesAt}`), TITLE_TEXT);
  return lastCallId(w);
}

async function lastCallId(w: World): Promise<bigint> {
  const events = await w.authorizations.queryFilter(w.authorizations.filters.CallPublished());
  return events[events.length - 1].args.callId;
}

/** The fixture signer of participant `participantId` among the organizers of calls. */
function organizerSigner(w: World, participantId: bigint): HardhatEthersSigner {
  const name = (["authority", "agency", "deptA", "deptB"] as const).find((n) => w.ids[n] === participantId);
  if (!name) throw new Error(`participant ${participantId} organizes no fixture call`);
  return w.signers[name];
}

/**
 * Records the selection result of call `callId` if it is still open (C35): waits until it
 * closes, then names every operator that applied to it as selected. Returns the selected ids.
 */
export async function selectApplicants(w: World, callId: bigint): Promise<bigint[]> {
  const c = await w.authorizations.call(callId);
  if (c.closed) return [];
  if (BigInt(await time.latest()) < c.closesAt) await time.increaseTo(c.closesAt);
  const applied = await w.authorizations.queryFilter(w.authorizations.filters.AuthorizationApplied());
  const holders = [...new Set(applied.filter((e) => e.args.request.callId === callId).map((e) => e.args.holderId))].sort(
    (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  );
  await w.authorizations.connect(organizerSigner(w, c.organizerId)).closeCall(callId, h(`selection-${callId}`), holders);
  return holders;
}

export interface ApplyOptions {
  holder?: "operatorA" | "operatorB" | "developerA" | "developerB";
  parentId?: bigint;
  callId?: bigint;
  resourceIds: bigint[];
  domains?: string[];
  termStart?: number;
  termEnd?: number;
  termYears?: number;
}

/** Files an application and returns its id. */
export async function applyFor(w: World, o: ApplyOptions): Promise<bigint> {
  const holder = o.holder ?? (o.parentId ? "developerA" : "operatorA");
  const now = await time.latest();
  const termStart = o.termStart ?? now + 60;
  const termEnd = o.termEnd ?? termStart + (o.termYears ?? 2) * YEAR;
  // A call of its own takes applications for a day, so the selection follows soon (C35).
  const callId = o.parentId ? 0n : (o.callId ?? (await publishCall(w, Mode.Comprehensive, DAY)));
  await w.authorizations.connect(w.signers[holder]).applyFor({
    parentId: o.parentId ?? 0n,
    holderId: w.ids[holder],
    callId,
    termStart,
    termEnd,
    materialsHash: h("application-materials"),
    resourceIds: [...o.resourceIds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    domains: [...(o.domains ?? [])].sort(),
  });
  return w.authorizations.authorizationCount();
}

/** Pre-review and expert review to quorum, the selection of its call (tier 1, `selectApplicants`), then approval. */
export async function approveAuthorization(w: World, id: bigint): Promise<void> {
  const a = await w.authorizations.authorization(id);
  if (a.parentId === 0n) {
    await w.authorizations.connect(w.signers.agency).preReview(id, true, h("pre-review"), STATEMENT);
  } else {
    const parent = await w.authorizations.authorization(a.parentId);
    const parentSigner = parent.holderId === w.ids.operatorA ? w.signers.operatorA : w.signers.operatorB;
    await w.authorizations.connect(parentSigner).preReview(id, true, h("pre-review"), STATEMENT);
  }
  const experts = [w.signers.expert1, w.signers.expert2, w.signers.expert3, w.signers.expert4];
  for (const e of experts.slice(0, w.profile.expertQuorum)) {
    await w.authorizations.connect(e).expertReview(id, true, h(`opinion-${e.address}`), STATEMENT);
  }
  if (a.parentId === 0n) await selectApplicants(w, a.callId);
  await w.authorizations.connect(w.signers.authority).approve(id, h("decision"), STATEMENT);
}

/** Evaluates and confirms every resource grant of `id` (with the operator's pre-review for tier 2). */
export async function confirmGrants(w: World, id: bigint): Promise<void> {
  const a = await w.authorizations.authorization(id);
  for (const resourceId of a.resourceIds) {
    if (a.parentId !== 0n) {
      const parent = await w.authorizations.authorization(a.parentId);
      const parentSigner = parent.holderId === w.ids.operatorA ? w.signers.operatorA : w.signers.operatorB;
      await w.authorizations.connect(parentSigner).preReviewGrant(id, resourceId, true, h("grant-pre-review"), "");
    }
    await w.authorizations.connect(w.signers.authority).evaluateGrant(id, resourceId, true, h("grant-evaluation"), "");
    const r = await w.catalog.resource(resourceId);
    const deptSigner = r.sourceDeptId === w.ids.deptA ? w.signers.deptA : w.signers.deptB;
    await w.authorizations.connect(deptSigner).confirmGrant(id, resourceId, true, h("grant-confirmation"), "");
  }
}

/**
 * The earliest lawful end of a notice started at the next block (the profile's working days on the
 * deployment's WorkingDayCalendar, C04) plus `slack` seconds.
 */
export async function noticeEndFrom(w: World, slack = 60): Promise<number> {
  const next = (await time.latest()) + 1;
  const [endsAt] = await w.calendar.addWorkingDays(next, w.profile.noticeWorkingDays);
  return Math.max(Number(endsAt), next + w.profile.noticeWorkingDays * DAY) + slack;
}

/** Approved, grants confirmed, noticed, and the notice over: ready to activate. */
export async function toNoticeOver(w: World, id: bigint): Promise<void> {
  await approveAuthorization(w, id);
  await confirmGrants(w, id);
  const noticeEnd = await noticeEndFrom(w);
  await w.authorizations.connect(w.signers.authority).startNotice(id, noticeEnd);
  await time.increaseTo(noticeEnd);
}
