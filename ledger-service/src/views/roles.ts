/**
 * Roles held on the ProvenantHub, from its RoleGranted / RoleRevoked events: which account holds
 * which role at the index's block. The API checks a regulator's token against it on every request,
 * so a key that loses REGULATOR on chain loses the regulator routes as soon as the index has the
 * revocation, not when its token expires.
 */
import type { ChainEvent, View, ViewTx } from "../store/types";
import { anchorOf, strOf, type Anchor } from "./util";

export const ROLE_SPACE = "role"; // `${role}:${account}` (both lower-case hex) -> RoleHolding

export type RoleHolding = { role: string; account: string; grantedAt: number; anchor: Anchor };

export const roleKey = (role: string, account: string): string => `${role.toLowerCase()}:${account.toLowerCase()}`;

export function createRolesView(): View {
  return {
    name: "roles",
    events: ["ProvenantHub.RoleGranted", "ProvenantHub.RoleRevoked"],
    apply(tx: ViewTx, e: ChainEvent): void {
      if (e.contract !== "ProvenantHub") return;
      if (e.event !== "RoleGranted" && e.event !== "RoleRevoked") return;
      const role = strOf(e.args.role);
      const account = strOf(e.args.account);
      const key = roleKey(role, account);
      if (e.event === "RoleGranted") {
        const holding: RoleHolding = { role: role.toLowerCase(), account: account.toLowerCase(), grantedAt: e.timestamp, anchor: anchorOf(e) };
        tx.put(ROLE_SPACE, key, holding);
      } else {
        tx.del(ROLE_SPACE, key);
      }
    },
  };
}
