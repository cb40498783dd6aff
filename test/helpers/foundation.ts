/**
 * Shortcuts of the foundation tests: authorizations walked all the way to Active, for both tiers.
 */
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { applyFor, createResource, toNoticeOver, type ApplyOptions, type World } from "./fixture";
import { activateAuthorization } from "./agreements";

/** An active operator authorization (tier 1) over `resourceIds` (default: one resource of each department). */
export async function activeOperator(w: World, o: Partial<ApplyOptions> = {}): Promise<bigint> {
  const resourceIds = o.resourceIds ?? [await createResource(w), await createResource(w, { dept: "deptB" })];
  const id = await applyFor(w, { ...o, resourceIds });
  await toNoticeOver(w, id);
  await activateAuthorization(w, id);
  return id;
}

/** An application of a developer under `parentId`, by default over the parent's scope and to the parent's term end. */
export async function applyChild(w: World, parentId: bigint, o: Partial<ApplyOptions> = {}): Promise<bigint> {
  const parent = await w.authorizations.authorization(parentId);
  const termStart = o.termStart ?? (await time.latest()) + 60;
  return applyFor(w, {
    holder: "developerA",
    ...o,
    parentId,
    resourceIds: o.resourceIds ?? [...parent.resourceIds],
    domains: o.domains ?? [...parent.domains],
    termStart,
    termEnd: o.termEnd ?? Number(parent.termEnd),
  });
}

/** An active developer authorization (tier 2) under `parentId`. */
export async function activeDeveloper(w: World, parentId: bigint, o: Partial<ApplyOptions> = {}): Promise<bigint> {
  const id = await applyChild(w, parentId, o);
  await toNoticeOver(w, id);
  await activateAuthorization(w, id);
  return id;
}
