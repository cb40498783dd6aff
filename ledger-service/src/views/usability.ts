/**
 * Whether a record may carry use at a moment, with the reasons when it may not: the chain's
 * `isActive` / `isUsable` cascades (C07, C10, C13, C14, C18, C24, C36) answered from the index at
 * any time `at`. The API's `usable` answers, the regulator's alerts and the platform node's
 * per-use checks all read these, so they cannot disagree.
 */
import type { IndexNow, JsonValue } from "../store/types";
import { authorizationInForce, authorizationStatusAt, type AuthorizationRecord, type AuthorizationState } from "./authorizations";
import { participantStatusAt, type ParticipantRecord } from "./participants";
import { productStatusAt, type ProductRecord } from "./products";
import { registeredAt } from "./registration";
import { resourceProblemAt, type ResourceRecord } from "./resources";
import { scenarioStatusAt, type ScenarioRecord } from "./scenarios";
import { SPACE, pad } from "./util";

/**
 * Reads one record by space and (unpadded) id, synchronously: a cascade reads a handful of records
 * (holder, ancestors, scenario, resources, parent products), and an await for each was most of its cost.
 */
export type RecordReader = <T extends JsonValue>(space: string, id: string) => T | undefined;

/** The records of the index as it is now (ViewReader.now): use before the next await. */
export const recordsOf =
  (index: IndexNow): RecordReader =>
  (space, id) =>
    index.get(space, pad(id));

/** Ancestors and parent products followed at most this deep (the chain allows two tiers). */
const MAX_DEPTH = 8;

/** Why authorization `a` (with its holder and every ancestor) is not in force at `at`, or null. */
export function authorizationProblemAt(read: RecordReader, a: AuthorizationState, at: number, depth = 0): string | null {
  if (!authorizationInForce(a, at)) return `authorization ${a.id} is ${authorizationStatusAt(a, at)} at that time`;
  const holder = read<ParticipantRecord>(SPACE.participant, a.holderId);
  if (!holder || participantStatusAt(holder, at) !== "Active") {
    return `the holder of authorization ${a.id} (participant ${a.holderId}) is ${holder ? participantStatusAt(holder, at) : "unknown"} at that time`;
  }
  if (a.parentId === "0") return null;
  const parent = read<AuthorizationRecord>(SPACE.authorization, a.parentId);
  if (!parent || depth >= MAX_DEPTH) return `the parent authorization ${a.parentId} of ${a.id} is unknown`;
  const why = authorizationProblemAt(read, parent, at, depth + 1);
  return why === null ? null : `${why} (the parent of authorization ${a.id})`;
}

/** The first of `ids` that may not carry use at `at`, as its reason, or null (C10, C36). */
export function resourcesProblemAt(read: RecordReader, ids: readonly string[], at: number): string | null {
  for (const id of ids) {
    const r = read<ResourceRecord>(SPACE.resource, id);
    const why = r ? resourceProblemAt(r, at) : `resource ${id} is unknown`;
    if (why !== null) return why;
  }
  return null;
}

/**
 * Why scenario `s` may not carry use at `at` (empty when it may): approved, its authorization
 * chain in force, every resource it lists still authorizable — the chain's `ScenarioRegistry.isUsable`.
 */
export function scenarioProblemsAt(read: RecordReader, s: ScenarioRecord, at: number): string[] {
  const reasons: string[] = [];
  const status = scenarioStatusAt(s, at);
  if (status !== "Approved") reasons.push(`scenario ${s.id} is ${status}, not Approved`);
  const a = read<AuthorizationRecord>(SPACE.authorization, s.authorizationId);
  const why = a ? authorizationProblemAt(read, a, at) : `authorization ${s.authorizationId} is unknown`;
  if (why !== null) reasons.push(why);
  const lost = resourcesProblemAt(read, s.resourceIds, at);
  if (lost !== null) reasons.push(lost);
  return reasons;
}

/**
 * Why product `p` may not be offered at `at` (empty when it may) — the chain's
 * `ProductRegistry.isUsable`: listed, registered, its scenario approved, its authorization chain in
 * force, every resource it is built on authorizable, and every parent product usable by the same rule.
 */
export function productProblemsAt(read: RecordReader, p: ProductRecord, at: number, depth = 0): string[] {
  const reasons: string[] = [];
  const status = productStatusAt(p, at);
  if (status !== "Listed") reasons.push(`product ${p.id} is ${status}, not Listed`);
  if (!registeredAt(p.registration, at)) reasons.push(`product ${p.id} holds no valid registration code`);
  const s = read<ScenarioRecord>(SPACE.scenario, p.scenarioId);
  if (!s || scenarioStatusAt(s, at) !== "Approved") reasons.push(`its scenario ${p.scenarioId} is not Approved`);
  const a = read<AuthorizationRecord>(SPACE.authorization, p.authorizationId);
  const why = a ? authorizationProblemAt(read, a, at) : `its authorization ${p.authorizationId} is unknown`;
  if (why !== null) reasons.push(why);
  const lost = resourcesProblemAt(read, p.resourceIds, at);
  if (lost !== null) reasons.push(lost);
  for (const parentId of p.parentProductIds) {
    const parent = read<ProductRecord>(SPACE.product, parentId);
    if (!parent || depth >= MAX_DEPTH) {
      reasons.push(`its parent product ${parentId} is unknown`);
      continue;
    }
    const inherited = productProblemsAt(read, parent, at, depth + 1);
    if (inherited.length > 0) reasons.push(`its parent product ${parentId} is not usable: ${inherited.join("; ")}`);
  }
  return reasons;
}
