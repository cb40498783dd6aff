/**
 * Scenarios and products in the contract-test world: an active two-tier authorization chain,
 * approved scenarios under each tier, and products walked to registration, review and listing.
 */
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { deployWorld, createResource, applyFor, toNoticeOver, h, DAY, RegKind, type World } from "./fixture";
import { activateAuthorization } from "./agreements";
import { PRODUCT_TEXT, SCENARIO_TEXT, STATEMENT, nextCode } from "./texts";
import type { PolicyProfile } from "../../policy/profile";

/** IScenarioRegistry.ScenarioStatus. */
export const ScenarioStatus = { None: 0, Proposed: 1, Approved: 2, Rejected: 3, Retired: 4 } as const;

/** IProductRegistry.ProductKind. */
export const ProductKind = {
  None: 0,
  Dataset: 1,
  Api: 2,
  Indicator: 3,
  Report: 4,
  Model: 5,
  Application: 6,
  Tool: 7,
  Service: 8,
} as const;

/** IProductRegistry.ProductStatus. */
export const ProductStatus = { None: 0, Registered: 1, Reviewed: 2, Listed: 3, Delisted: 4 } as const;

/** ChargingBasis in contracts/common/Types.sol. */
export const ChargingBasis = { None: 0, FreeTrialForSourceDept: 1, PublicInterestFree: 2, Commercial: 3 } as const;

/** The bit mask ProductRequest.chargingBases takes. */
export const bases = (...b: number[]): number => b.reduce((m, x) => m | (1 << x), 0);

export const ascending = (ids: bigint[]): bigint[] => [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * Three registered resources; operator A active over all three (tier 1); developer A active over
 * the first two under it (tier 2).
 */
export async function deployChain(profileId = "huizhou", overrides: Partial<PolicyProfile> = {}) {
  const w = await deployWorld(profileId, overrides);
  const r1 = await createResource(w);
  const r2 = await createResource(w, { dept: "deptB" });
  const r3 = await createResource(w);
  const opAuth = await applyFor(w, { resourceIds: [r1, r2, r3] });
  await toNoticeOver(w, opAuth);
  await activateAuthorization(w, opAuth);
  const devAuth = await applyFor(w, { parentId: opAuth, resourceIds: [r1, r2], termYears: 1 });
  await toNoticeOver(w, devAuth);
  await activateAuthorization(w, devAuth);
  return { w, r: [r1, r2, r3], opAuth, devAuth };
}

export type Chain = Awaited<ReturnType<typeof deployChain>>;

export type Holder = "operatorA" | "developerA" | "operatorB" | "developerB";

export interface ScenarioOptions {
  holder?: Holder;
  authorizationId: bigint;
  resourceIds: bigint[];
  purpose?: string;
  publicText?: string;
}

let scenarioSerial = 1;

/** A ScenarioRequest with defaults. */
export function scenarioRequest(w: World, o: ScenarioOptions) {
  return {
    holderId: w.ids[o.holder ?? "operatorA"],
    authorizationId: o.authorizationId,
    purposeHash: h(o.purpose ?? `purpose-${scenarioSerial++}`),
    descriptionHash: h("scenario-description"),
    resourceIds: o.resourceIds,
    publicText: o.publicText ?? SCENARIO_TEXT,
  };
}

/** Proposes a scenario; returns its id. */
export async function proposeScenario(w: World, o: ScenarioOptions): Promise<bigint> {
  await w.scenarios.connect(w.signers[o.holder ?? "operatorA"]).proposeScenario(scenarioRequest(w, o));
  return w.scenarios.scenarioCount();
}

/** The reviewers that give scenario opinions, in order: the experts, then the authority. */
export const scenarioReviewers = (w: World) =>
  [w.signers.expert1, w.signers.expert2, w.signers.expert3, w.signers.expert4, w.signers.authority];

/**
 * Proposes a scenario, records the profile's quorum of approving expert opinions (C13) and
 * approves it; returns its id.
 */
export async function approvedScenario(w: World, o: ScenarioOptions): Promise<bigint> {
  const id = await proposeScenario(w, o);
  await recordScenarioOpinions(w, id);
  await w.scenarios.connect(w.signers.authority).approveScenario(id, h("scenario-decision"), STATEMENT);
  return id;
}

/** Records the profile's quorum of approving opinions on scenario `id` (C13), experts first. */
export async function recordScenarioOpinions(w: World, id: bigint): Promise<void> {
  for (const r of scenarioReviewers(w).slice(0, w.profile.scenarioOpinionQuorum)) {
    await w.scenarios.connect(r).recordOpinion(id, true, h(`scenario-opinion-${r.address}`));
  }
}

export interface ProductOptions {
  holder?: Holder;
  scenarioId: bigint;
  kind?: number;
  chargingBases?: number;
  previousVersionId?: bigint;
  resourceIds?: bigint[];
  parentProductIds?: bigint[];
  publicText?: string;
}

/** A ProductRequest with defaults (lineage defaults to no resources: pass them). */
export function productRequest(w: World, o: ProductOptions) {
  return {
    holderId: w.ids[o.holder ?? "operatorA"],
    scenarioId: o.scenarioId,
    kind: o.kind ?? ProductKind.Api,
    chargingBases: o.chargingBases ?? bases(ChargingBasis.FreeTrialForSourceDept, ChargingBasis.Commercial),
    previousVersionId: o.previousVersionId ?? 0n,
    pricingBasisHash: h("pricing-basis"),
    usageHash: h("usage-scope-and-method"),
    descriptionHash: h("product-description"),
    resourceIds: o.resourceIds ?? [],
    parentProductIds: o.parentProductIds ?? [],
    publicText: o.publicText ?? PRODUCT_TEXT,
  };
}

/** Registers (files) a product; returns its id. */
export async function registerProduct(w: World, o: ProductOptions): Promise<bigint> {
  await w.products.connect(w.signers[o.holder ?? "operatorA"]).registerProduct(productRequest(w, o));
  return w.products.productCount();
}

/** Walks a product registration (C36) through apply, accept, review, notice and issue. */
export async function issueProductCode(
  w: World,
  applicant: HardhatEthersSigner,
  productId: bigint,
  kind: number = RegKind.Initial,
): Promise<bigint> {
  const { authority } = w.signers;
  await w.products.connect(applicant).applyRegistration(productId, kind, h("product-materials"));
  const appId = (await w.products.registrationOf(productId)).pendingApplication;
  await w.products.connect(authority).acceptRegistration(appId, h("accepted"));
  await w.products.connect(authority).reviewRegistration(appId, true, h("registration-review"));
  const noticeEnd = (await time.latest()) + w.profile.registrationNoticeWorkingDays * DAY + 60;
  await w.products.connect(authority).noticeRegistration(appId, noticeEnd);
  await time.increaseTo(noticeEnd);
  await w.products.connect(authority).issueRegistration(appId, nextCode("P"));
  return appId;
}

/**
 * Registered, reviewed to the profile's quorum (expert2 first), registration code issued,
 * listed; returns the product id.
 */
export async function listedProduct(w: World, o: ProductOptions): Promise<bigint> {
  const id = await registerProduct(w, o);
  const signer = w.signers[o.holder ?? "operatorA"];
  const reviewers = [w.signers.expert2, w.signers.expert3, w.signers.expert1, w.signers.expert4];
  for (const r of reviewers.slice(0, w.profile.productReviewQuorum)) {
    await w.products.connect(r).reviewProduct(id, true, h("compliance-security-review"));
  }
  await issueProductCode(w, signer, id);
  await w.products.connect(signer).listProduct(id);
  return id;
}
