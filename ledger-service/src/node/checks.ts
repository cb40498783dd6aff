/**
 * Per-use checks (C10, C13, C14, C18, C24, C31, C33, C36): every receipt is compared, from the index, with
 * the chain state at the receipt's own time. A use that breaks a rule is still recorded (it is
 * evidence of a use that happened) but flagged; each flag becomes a regulator alert. Records are
 * read once per intake request (a request's receipts mostly share them).
 *
 * The index lags the chain by its confirmation depth: a decision taken in the last blocks is not
 * seen yet by a receipt checked at once. The flags are the node's; the chain's own view of a
 * batch (usage counts per scenario, product and resource) is public.
 */
import type { Receipt } from "../../../scripts/lib/receipts";
import type { IndexNow, ViewReader } from "../store/types";
import { SPACE, pad } from "../views/util";
import type { AuthorizationRecord } from "../views/authorizations";
import { scenarioStatusAt, type ScenarioRecord } from "../views/scenarios";
import type { ProductRecord } from "../views/products";
import { authorizationProblemAt, productProblemsAt, resourcesProblemAt, type RecordReader } from "../views/usability";
import type { Flag } from "./store";

/** The rules a receipt is checked against, with their clause. */
export const RULES = {
  "authorization-unknown": "C13",
  "authorization-not-in-force": "C24",
  "scenario-unknown": "C13",
  "scenario-not-approved": "C13",
  "scenario-of-other-authorization": "C13",
  "product-unknown": "C18",
  "product-not-usable": "C18",
  "product-of-other-scenario": "C13",
  "resource-outside-scenario": "C14",
  "resource-not-authorizable": "C10",
  "charging-basis-not-allowed": "C33",
} as const;
export type RuleName = keyof typeof RULES;

export type UseChecker = (r: Receipt) => Promise<Flag[]>;

/**
 * A checker with a record cache for one request. Each receipt is checked on the index as it is
 * when its check starts, with synchronous reads (ViewReader.now).
 */
export function createUseChecker(reader: ViewReader): UseChecker {
  const cache = new Map<string, unknown>();
  let index: IndexNow | undefined;
  function read<T>(space: string, id: string): T | undefined {
    const key = `${space}/${id}`;
    if (cache.has(key)) return cache.get(key) as T | undefined;
    const v = index!.get<never>(space, pad(id)) as T | undefined;
    cache.set(key, v);
    return v;
  }
  const record: RecordReader = read;

  return async function check(r: Receipt): Promise<Flag[]> {
    index = await reader.now();
    const flags: Flag[] = [];
    const flag = (rule: RuleName, message: string) => flags.push({ rule, clause: RULES[rule], message });
    const at = r.timestamp;
    const authId = r.authorizationId.toString();
    const scenarioId = r.scenarioId.toString();

    const auth = read<AuthorizationRecord>(SPACE.authorization, authId);
    if (!auth) flag("authorization-unknown", `authorization ${authId} is not on the chain`);
    else {
      const why = authorizationProblemAt(record, auth, at);
      if (why !== null) flag("authorization-not-in-force", why);
    }

    const scenario = read<ScenarioRecord>(SPACE.scenario, scenarioId);
    if (!scenario) flag("scenario-unknown", `scenario ${scenarioId} is not on the chain`);
    else {
      const status = scenarioStatusAt(scenario, at);
      if (status !== "Approved") flag("scenario-not-approved", `scenario ${scenarioId} is ${status} at the time of use, not Approved`);
      if (scenario.authorizationId !== authId) {
        flag("scenario-of-other-authorization", `scenario ${scenarioId} belongs to authorization ${scenario.authorizationId}, not ${authId}`);
      }
      const allowed = new Set(scenario.resourceIds);
      const outside = r.resourceIds.map(String).filter((id) => !allowed.has(id));
      if (outside.length > 0) {
        flag("resource-outside-scenario", `resource${outside.length > 1 ? "s" : ""} ${outside.join(", ")} outside scenario ${scenarioId}'s resources (${scenario.resourceIds.join(", ") || "none"})`);
      }
    }
    // The resources this use rests on: the scenario's (its approval assumed them) and those used
    // directly. One that has left the catalog, lost its open or desensitized basis, needs consent
    // or holds no valid registration stops every use built on it (C10, C36).
    const used = new Set([...(scenario?.resourceIds ?? []), ...r.resourceIds.map(String)]);
    const lost = resourcesProblemAt(record, [...used], at);
    if (lost !== null) flag("resource-not-authorizable", `${lost} at the time of use`);

    if (r.productId !== 0n) {
      const productId = r.productId.toString();
      const product = read<ProductRecord>(SPACE.product, productId);
      if (!product) flag("product-unknown", `product ${productId} is not on the chain`);
      else {
        const reasons = productProblemsAt(record, product, at);
        if (reasons.length > 0) flag("product-not-usable", `product ${productId} is not usable at the time of use: ${reasons.join("; ")}`);
        if (product.scenarioId !== scenarioId) flag("product-of-other-scenario", `product ${productId} serves scenario ${product.scenarioId}, not ${scenarioId}`);
        if (!product.chargingBases.includes(r.chargingBasis)) {
          flag("charging-basis-not-allowed", `product ${productId} allows ${product.chargingBases.join(", ") || "no charging basis"}, not ${r.chargingBasis}`);
        }
      }
    }
    return flags;
  };
}
