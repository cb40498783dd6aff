/**
 * A digest of everything the foundation contracts store, read through their getters, so a test
 * can show that a refused call changed nothing: read, call, read again, compare.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import type { BaseContract, ContractTransactionResponse } from "ethers";
import { ROLE, type World } from "./fixture";

/** ethers Results, bigints and nested arrays as plain JSON-comparable values. */
export function plain(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return Array.from(value, plain);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

async function countEvents(contract: BaseContract, name: string): Promise<number> {
  return (await contract.queryFilter(contract.getEvent(name) as never)).length;
}

/** Reads every stored record of the four foundation contracts. */
export async function worldState(w: World): Promise<unknown> {
  const { hub, participants, catalog, authorizations } = w;
  const out: Record<string, unknown> = {};

  const pCount = await participants.participantCount();
  out.participantCount = pCount;
  for (let id = 1n; id <= pCount; id++) {
    const qCount = await participants.qualificationCount(id);
    const quals = [];
    for (let i = 0n; i < qCount; i++) quals.push(await participants.qualification(id, i));
    out[`participant:${id}`] = [await participants.participant(id), await participants.signers(id), quals];
  }
  const roles: unknown[] = [];
  for (const s of Object.values(w.signers)) {
    for (const role of [ROLE.SOURCE_DEPT, ROLE.OPERATOR, ROLE.DEVELOPER, ROLE.DATA_AUTHORITY, ROLE.EXPERT]) {
      roles.push(await hub.hasRole(role, s.address));
    }
    roles.push(await participants.participantOf(s.address));
  }
  out.roles = roles;
  for (const name of ["ParticipantRegistry", "ResourceCatalog", "AuthorizationRegistry"]) {
    out[`contract:${name}`] = await hub.contractOf(ethers.id(name));
  }

  const rCount = await catalog.resourceCount();
  out.resourceCount = rCount;
  for (let id = 1n; id <= rCount; id++) {
    const r = await catalog.resource(id);
    out[`resource:${id}`] = [r, await catalog.registrationOf(id), r.changePending ? await catalog.pendingChange(id) : null];
  }
  const regApps = await countEvents(catalog, "RegistrationApplied");
  for (let id = 1n; id <= BigInt(regApps); id++) out[`registrationApp:${id}`] = await catalog.registrationApplication(id);

  const calls = await countEvents(authorizations, "CallPublished");
  for (let id = 1n; id <= BigInt(calls); id++) {
    const selected = [];
    for (const op of [w.ids.operatorA, w.ids.operatorB]) selected.push(await authorizations.isSelected(id, op));
    out[`call:${id}`] = [await authorizations.call(id), selected];
  }
  const aCount = await authorizations.authorizationCount();
  out.authorizationCount = aCount;
  for (let id = 1n; id <= aCount; id++) {
    const a = await authorizations.authorization(id);
    const grants = [];
    for (let r = 1n; r <= rCount; r++) grants.push(await authorizations.grantStatus(id, r));
    out[`authorization:${id}`] = [a, grants];
  }
  return plain(out);
}

/**
 * Expects `action` to revert with custom error `error` of `contract` (and `args`, when given),
 * and the world's stored state to be the same before and after.
 */
export async function expectRefused(
  w: World,
  action: () => Promise<ContractTransactionResponse | unknown>,
  contract: BaseContract,
  error: string,
  args?: unknown[],
): Promise<void> {
  const before = await worldState(w);
  const assertion = expect(action()).to.be.revertedWithCustomError(contract, error);
  if (args) await assertion.withArgs(...args);
  else await assertion;
  expect(await worldState(w)).to.deep.equal(before);
}
