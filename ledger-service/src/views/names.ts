/**
 * Display names (C21) by record: `${kind}:${id}` -> the name a reference to that record shows
 * beside its id. A list of 100 records naming their holders, scenarios and resources then costs
 * one small point read per distinct reference instead of reading whole records (a participant with
 * thousands of keys, a resource with a long history). Runs after the record views and copies the
 * name they stored, so the rule of which text is in force (an approved change adopts its text)
 * lives in one place. An authorization has no name of its own: its display name is its holder's.
 */
import type { ChainEvent, View, ViewTx } from "../store/types";
import type { AuthorizationRecord } from "./authorizations";
import type { ParticipantRecord } from "./participants";
import { SPACE, idOf, pad } from "./util";

export const NAME_SPACE = SPACE.name;
export const NAMED_KINDS = ["participant", "resource", "scenario", "product", "call", "agreement", "authorization"] as const;
export type NamedKind = (typeof NAMED_KINDS)[number];

export const nameKey = (kind: string, id: string): string => `${kind}:${pad(id)}`;

/** The events that make or rename a record: its kind, where its id is, where the record is stored. */
const NAMING: Record<string, { kind: NamedKind; idArg: string; space: string }> = {
  "ParticipantRegistry.ParticipantRegistered": { kind: "participant", idArg: "id", space: SPACE.participant },
  "ResourceCatalog.ResourceProposed": { kind: "resource", idArg: "id", space: SPACE.resource },
  "ResourceCatalog.ResourceChangeReviewed": { kind: "resource", idArg: "id", space: SPACE.resource },
  "ScenarioRegistry.ScenarioProposed": { kind: "scenario", idArg: "id", space: SPACE.scenario },
  "ProductRegistry.ProductRegistered": { kind: "product", idArg: "id", space: SPACE.product },
  "AuthorizationRegistry.CallPublished": { kind: "call", idArg: "callId", space: SPACE.call },
  "AgreementRegistry.AgreementProposed": { kind: "agreement", idArg: "agreementId", space: SPACE.agreement },
  "AuthorizationRegistry.AuthorizationApplied": { kind: "authorization", idArg: "id", space: SPACE.authorization },
};

export function createNamesView(): View {
  return {
    name: "names",
    version: 1,
    events: Object.keys(NAMING),
    apply(tx: ViewTx, e: ChainEvent): void {
      const n = NAMING[`${e.contract}.${e.event}`];
      if (!n) return;
      const id = idOf(e.args[n.idArg]);
      let name: string | null = null;
      if (n.kind === "authorization") {
        const a = tx.get<AuthorizationRecord>(SPACE.authorization, pad(id));
        name = a ? ((tx.get<ParticipantRecord>(SPACE.participant, pad(a.holderId)))?.name ?? null) : null;
      } else {
        name = (tx.get<{ name: string | null }>(n.space, pad(id)))?.name ?? null;
      }
      const key = nameKey(n.kind, id);
      if (name === null) tx.del(NAME_SPACE, key);
      else tx.put(NAME_SPACE, key, name);
    },
  };
}
