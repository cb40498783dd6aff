/**
 * Resources (ResourceCatalog): catalog entries with their one source department (C09), share
 * type and open attribute (C10), every change with its time (C11), and their registration (C36).
 */
import type { ChainEvent, JsonValue, View, ViewTx } from "../store/types";
import { applyRegistration, emptyRegistration, isRegistrationEvent, type RegistrationHolding } from "./registration";
import { SPACE, anchorOf, boolOf, idOf, numOf, objOf, pad, strOf, type Anchor } from "./util";

export const RESOURCE_STATUSES = ["None", "Proposed", "Listed", "Updated", "Delisted", "Rejected"] as const;
const SHARE = ["None", "Unconditional", "Conditional", "NotShared"] as const;
const OPEN = ["None", "Unconditional", "Conditional", "NotOpen"] as const;
const CONSENT = ["None", "NotRequired", "Obtained", "Required"] as const;
const FREQUENCY = ["None", "RealTime", "Daily", "Weekly", "Monthly", "Quarterly", "Yearly", "Irregular"] as const;

export type ResourceData = {
  catalogKey: string;
  classification: number;
  shareType: string;
  openAttribute: string;
  desensitized: boolean;
  consent: string;
  updateFrequency: string;
  metadataHash: string;
};

export type ResourceRecord = {
  id: string;
  sourceDeptId: string;
  status: string;
  data: ResourceData;
  pendingChange: ResourceData | null;
  proposedAt: number;
  approvedAt: number;
  changedAt: number;
  delistedAt: number;
  history: { at: number; event: string; approved: boolean | null; status: string; anchor: Anchor }[];
  registration: RegistrationHolding;
  anchor: Anchor;
};

function resourceData(v: JsonValue | undefined): ResourceData {
  const d = objOf(v);
  return {
    catalogKey: strOf(d.catalogKey),
    classification: numOf(d.classification),
    shareType: SHARE[numOf(d.shareType)] ?? String(d.shareType),
    openAttribute: OPEN[numOf(d.openAttribute)] ?? String(d.openAttribute),
    desensitized: boolOf(d.desensitized),
    consent: CONSENT[numOf(d.consent)] ?? String(d.consent),
    updateFrequency: FREQUENCY[numOf(d.updateFrequency)] ?? String(d.updateFrequency),
    metadataHash: strOf(d.metadataHash),
  };
}

export function createResourcesView(): View {
  return {
    name: "resources",
    async apply(tx: ViewTx, e: ChainEvent): Promise<void> {
      if (e.contract !== "ResourceCatalog") return;
      const a = e.args;
      const id = idOf(isRegistrationEvent(e) ? a.subjectId : a.id);
      if (e.event === "ResourceProposed") {
        const r: ResourceRecord = {
          id,
          sourceDeptId: idOf(a.sourceDeptId),
          status: "Proposed",
          data: resourceData(a.data),
          pendingChange: null,
          proposedAt: e.timestamp,
          approvedAt: 0,
          changedAt: e.timestamp,
          delistedAt: 0,
          history: [{ at: e.timestamp, event: e.event, approved: null, status: "Proposed", anchor: anchorOf(e) }],
          registration: emptyRegistration(),
          anchor: anchorOf(e),
        };
        tx.put(SPACE.resource, pad(id), r);
        return;
      }
      const r = await tx.get<ResourceRecord>(SPACE.resource, pad(id));
      if (!r) return;
      let approved: boolean | null = null;
      switch (e.event) {
        case "ResourceReviewed":
          approved = boolOf(a.approved);
          r.status = approved ? "Listed" : "Rejected";
          if (approved) r.approvedAt = e.timestamp;
          break;
        case "ResourceChangeProposed":
          r.pendingChange = resourceData(a.data);
          break;
        case "ResourceChangeReviewed":
          approved = boolOf(a.approved);
          if (approved) {
            r.data = resourceData(a.data);
            r.status = "Updated";
            r.changedAt = e.timestamp;
          }
          r.pendingChange = null;
          break;
        case "ResourceDelisted":
          r.status = "Delisted";
          r.delistedAt = e.timestamp;
          break;
        default: {
          if (!isRegistrationEvent(e)) return;
          const next = await applyRegistration(tx, "resource", e, r.registration);
          if (!next) return;
          r.registration = next;
          tx.put(SPACE.resource, pad(id), r);
          return;
        }
      }
      r.history.push({ at: e.timestamp, event: e.event, approved, status: r.status, anchor: anchorOf(e) });
      tx.put(SPACE.resource, pad(id), r);
    },
  };
}
