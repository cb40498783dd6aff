/**
 * Agreements in the contract-test world: build the agreement an authorization needs, gather
 * every party's signature (on chain and EIP-712 off line), file it and activate.
 */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  AgreementKind,
  agreementScopeDigest,
  buildOdrlAgreement,
  odrlTermsDigest,
  signAgreement,
  type AgreementKindValue,
  type OdrlAgreement,
  type SignedApproval,
} from "../../scripts/lib/agreements";
import { h, type World } from "./fixture";
import { TITLE_TEXT } from "./texts";

/** The fixture signer key of participant `participantId`. */
export function signerOf(w: World, participantId: bigint): HardhatEthersSigner {
  for (const [name, id] of Object.entries(w.ids)) {
    if (id === participantId) return w.signers[name as keyof World["signers"]];
  }
  throw new Error(`no fixture signer for participant ${participantId}`);
}

const ascending = (ids: bigint[]): bigint[] =>
  [...new Set(ids)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

export interface AgreementPlan {
  kind: AgreementKindValue;
  authorizationId: bigint;
  scenarioId: bigint;
  proposerId: bigint;
  partyIds: bigint[];
  termStart: bigint;
  termEnd: bigint;
  documentHash: string;
  terms: OdrlAgreement;
  termsDigest: string;
  /** The scope the agreement states: the authorization's own unless `PlanOptions.resourceIds` says otherwise. */
  scopeDigest: string;
}

export interface PlanOptions {
  kind?: AgreementKindValue;
  partyIds?: bigint[];
  termStart?: bigint;
  termEnd?: bigint;
  scenarioId?: bigint;
  purpose?: string;
  /** The resources the agreement states (default: the authorization's scope). */
  resourceIds?: bigint[];
}

/**
 * The tier-2 agreement kind the world's profile accepts (C15): the two-party
 * DevelopmentAuthorization where accepted (Huizhou, Yangzhou, national), else the four-party
 * DevelopmentService (Guangming, Zhaoqing).
 */
export function tier2KindOf(w: World): AgreementKindValue {
  return w.profile.tier2Agreements.includes("DevelopmentAuthorization")
    ? AgreementKind.DevelopmentAuthorization
    : AgreementKind.DevelopmentService;
}

/**
 * The agreement authorization `id` needs: tier 1 an OperationAuthorization between the holder
 * and the authority; tier 2 the kind the profile accepts (`tier2KindOf`): a
 * DevelopmentAuthorization between the developer and its operator, or a DevelopmentService that
 * adds the authority and the source department of every resource (C15).
 */
export async function planAgreement(w: World, id: bigint, o: PlanOptions = {}): Promise<AgreementPlan> {
  const a = await w.authorizations.authorization(id);
  const parentHolder = a.parentId === 0n ? 0n : (await w.authorizations.authorization(a.parentId)).holderId;
  const kind = o.kind ?? (a.tier === 1n ? AgreementKind.OperationAuthorization : tier2KindOf(w));
  let parties: bigint[];
  let assignerId: bigint;
  if (kind === AgreementKind.DevelopmentAuthorization) {
    parties = [a.holderId, parentHolder];
    assignerId = parentHolder;
  } else if (kind === AgreementKind.DevelopmentService) {
    const depts = await Promise.all(a.resourceIds.map(async (r) => (await w.catalog.resource(r)).sourceDeptId));
    const developer = a.tier === 1n ? w.ids.developerA : a.holderId;
    const operator = a.tier === 1n ? a.holderId : parentHolder;
    parties = [operator, developer, w.ids.authority, ...depts];
    assignerId = w.ids.authority;
  } else {
    parties = [a.holderId, w.ids.authority];
    assignerId = w.ids.authority;
  }
  const termStart = o.termStart ?? a.termStart;
  const termEnd = o.termEnd ?? a.termEnd;
  const resourceIds = o.resourceIds ?? [...a.resourceIds];
  const network = await ethers.provider.getNetwork();
  const terms = buildOdrlAgreement({
    uid: `urn:provenant:agreement:${network.chainId}:${id}:${kind}`,
    assignerId,
    assigneeId: a.holderId,
    resourceIds,
    authorizationId: id,
    actions: ["use", "derive"],
    prohibitedActions: ["sell"],
    purpose: o.purpose ?? `scenario of authorization ${id}`,
    termStart,
    termEnd,
  });
  return {
    kind,
    authorizationId: id,
    scenarioId: o.scenarioId ?? 0n,
    proposerId: a.holderId,
    partyIds: ascending(o.partyIds ?? parties),
    termStart,
    termEnd,
    documentHash: h(`agreement-document-${id}-${kind}`),
    terms,
    termsDigest: odrlTermsDigest(terms),
    scopeDigest: agreementScopeDigest(resourceIds, [...a.domains]),
  };
}

/** The ProposalRequest of a plan. */
export function proposalOf(p: AgreementPlan) {
  return {
    kind: p.kind,
    proposerId: p.proposerId,
    authorizationId: p.authorizationId,
    scenarioId: p.scenarioId,
    termStart: p.termStart,
    termEnd: p.termEnd,
    documentHash: p.documentHash,
    termsDigest: p.termsDigest,
    scopeDigest: p.scopeDigest,
    partyIds: p.partyIds,
    publicText: TITLE_TEXT,
  };
}

/** Proposes a plan through a signer of its proposer; returns the agreement id. */
export async function proposeAgreement(w: World, p: AgreementPlan): Promise<bigint> {
  await w.agreements.connect(signerOf(w, p.proposerId)).propose(proposalOf(p));
  return w.agreements.agreementCount();
}

let nonceSerial = 1n;

/** An EIP-712 approval of `partyId` for a proposed agreement, signed by `signer` (default: the party's key). */
export async function offChainApproval(
  w: World,
  agreementId: bigint,
  partyId: bigint,
  o: { signer?: HardhatEthersSigner; nonce?: bigint; deadline?: bigint; chainId?: bigint; verifyingContract?: string } = {},
): Promise<SignedApproval> {
  const ag = await w.agreements.agreement(agreementId);
  const chainId = o.chainId ?? (await ethers.provider.getNetwork()).chainId;
  return signAgreement(o.signer ?? signerOf(w, partyId), {
    chainId,
    verifyingContract: o.verifyingContract ?? (await w.agreements.getAddress()),
    agreementId,
    documentHash: ag.documentHash,
    termsDigest: ag.termsDigest,
    partyId,
    nonce: o.nonce ?? nonceSerial++,
    deadline: o.deadline ?? BigInt(await time.latest()) + 3600n,
  });
}

/**
 * Every party signs: the proposer on chain, the others off line (EIP-712) submitted in one
 * transaction by the platform node. Returns when the agreement is effective.
 */
export async function signAll(w: World, agreementId: bigint): Promise<void> {
  const ag = await w.agreements.agreement(agreementId);
  await w.agreements.connect(signerOf(w, ag.proposerId)).sign(agreementId, ag.proposerId);
  const others = ag.partyIds.filter((p) => p !== ag.proposerId);
  const approvals = [];
  for (const partyId of others) approvals.push(await offChainApproval(w, agreementId, partyId));
  await w.agreements.connect(w.signers.platformNode).submitSignatures(agreementId, approvals);
}

/** Proposes, signs by every party and files the agreement a plan describes; returns its id. */
export async function fileAgreement(w: World, p: AgreementPlan): Promise<bigint> {
  const agreementId = await proposeAgreement(w, p);
  await signAll(w, agreementId);
  await w.agreements.connect(w.signers.authority).file(agreementId, h(`filing-${agreementId}`));
  return agreementId;
}

/**
 * Activates authorization `id` (already past its notice, see `toNoticeOver`) under the
 * agreement its tier needs, signed by every party and filed. Returns the agreement id.
 */
export async function activateAuthorization(w: World, id: bigint, o: PlanOptions = {}): Promise<bigint> {
  const agreementId = await fileAgreement(w, await planAgreement(w, id, o));
  await w.authorizations.connect(w.signers.authority).activate(id, agreementId);
  return agreementId;
}
