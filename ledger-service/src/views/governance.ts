/**
 * Pending governance changes of the ProvenantHub (issue 9, C05, C22): registry address changes
 * and governance-role grants scheduled behind the hub's governance delay, and a scheduled
 * hand-over of the default admin. Each stays listed from its scheduling event until it is
 * executed or cancelled, so the public and the regulator see a swap before it can act.
 *   ContractChangeScheduled -> pending; ContractRecorded of that name (executeContract) or
 *   ContractChangeCancelled -> gone. The hub refuses an at-once setContract while one is pending.
 *   RoleGrantScheduled -> pending; RoleGranted of that role and account (executeRoleGrant) or
 *   RoleGrantCancelled -> gone.
 *   DefaultAdminTransferScheduled -> pending (replacing an earlier one, as the hub does);
 *   DefaultAdminTransferCanceled or the new admin's RoleGranted(DEFAULT_ADMIN_ROLE) -> gone.
 */
import { id as keccakText } from "ethers";
import type { ChainEvent, View, ViewTx } from "../store/types";
import { anchorOf, numOf, strOf, ZERO_HASH, type Anchor } from "./util";

export const GOVERNANCE_SPACE = "governance-pending"; // `contract:${name}` | `role:${role}:${account}` | `admin`

/** Names the hub's bytes32 ids stand for (unknown ids are shown as their hash). */
const CONTRACT_LABELS = [
  "ParticipantRegistry", "ResourceCatalog", "AuthorizationRegistry", "AgreementRegistry",
  "ScenarioRegistry", "ProductRegistry", "OversightRegistry", "ReceiptAnchor", "WorkingDayCalendar",
];
const ROLE_LABELS = ["DATA_AUTHORITY", "IMPLEMENTING_AGENCY", "REGULATOR", "EXPERT", "PARTICIPANT_REGISTRAR"];
const LABEL = new Map<string, string>([
  ...CONTRACT_LABELS.map((n): [string, string] => [keccakText(n), n]),
  ...ROLE_LABELS.map((n): [string, string] => [keccakText(n), n]),
  [ZERO_HASH, "DEFAULT_ADMIN_ROLE"],
]);
export const labelOf = (hash: string): string => LABEL.get(hash.toLowerCase()) ?? hash;

export type PendingGovernanceChange = {
  kind: "contract-change" | "role-grant" | "admin-transfer";
  /** Registry name, role name or "DEFAULT_ADMIN_ROLE" (or the bytes32 id when unknown). */
  label: string;
  /** The bytes32 name or role id (zero for an admin transfer). */
  target: string;
  /** The address that will be recorded, granted the role, or become the admin. */
  account: string;
  /** What it replaces: the current address of the name (null for role grants and admin transfers). */
  current: string | null;
  /** Chain time from which it can be executed (accepted, for an admin transfer). */
  readyAt: number;
  scheduledBy: string | null;
  scheduledAt: number;
  anchor: Anchor;
};

const contractKey = (name: string) => `contract:${name.toLowerCase()}`;
const roleKey = (role: string, account: string) => `role:${role.toLowerCase()}:${account.toLowerCase()}`;
const ADMIN_KEY = "admin";

export function createGovernanceView(): View {
  return {
    name: "governance",
    events: ["ProvenantHub.*"],
    apply(tx: ViewTx, e: ChainEvent): void {
      if (e.contract !== "ProvenantHub") return;
      const a = e.args;
      switch (e.event) {
        case "ContractChangeScheduled": {
          const name = strOf(a.name);
          const change: PendingGovernanceChange = {
            kind: "contract-change", label: labelOf(name), target: name, account: strOf(a.addr),
            current: /^0x0{40}$/.test(strOf(a.current)) ? null : strOf(a.current),
            readyAt: numOf(a.readyAt), scheduledBy: null, scheduledAt: e.timestamp, anchor: anchorOf(e),
          };
          tx.put(GOVERNANCE_SPACE, contractKey(name), change);
          return;
        }
        case "ContractRecorded":
        case "ContractChangeCancelled":
          tx.del(GOVERNANCE_SPACE, contractKey(strOf(a.name)));
          return;
        case "RoleGrantScheduled": {
          const role = strOf(a.role);
          const change: PendingGovernanceChange = {
            kind: "role-grant", label: labelOf(role), target: role, account: strOf(a.account), current: null,
            readyAt: numOf(a.readyAt), scheduledBy: strOf(a.by), scheduledAt: e.timestamp, anchor: anchorOf(e),
          };
          tx.put(GOVERNANCE_SPACE, roleKey(role, change.account), change);
          return;
        }
        case "RoleGrantCancelled":
          tx.del(GOVERNANCE_SPACE, roleKey(strOf(a.role), strOf(a.account)));
          return;
        case "RoleGranted":
          if (strOf(a.role).toLowerCase() === ZERO_HASH) tx.del(GOVERNANCE_SPACE, ADMIN_KEY);
          else tx.del(GOVERNANCE_SPACE, roleKey(strOf(a.role), strOf(a.account)));
          return;
        case "DefaultAdminTransferScheduled": {
          const change: PendingGovernanceChange = {
            kind: "admin-transfer", label: "DEFAULT_ADMIN_ROLE", target: ZERO_HASH, account: strOf(a.newAdmin), current: null,
            readyAt: numOf(a.acceptSchedule), scheduledBy: null, scheduledAt: e.timestamp, anchor: anchorOf(e),
          };
          tx.put(GOVERNANCE_SPACE, ADMIN_KEY, change);
          return;
        }
        case "DefaultAdminTransferCanceled":
          tx.del(GOVERNANCE_SPACE, ADMIN_KEY);
          return;
        default:
          return;
      }
    },
  };
}
