/**
 * Resources (ResourceCatalog): catalog entries with their one source department (C09), share
 * type and open attribute (C10), every change with its time (C11), and their registration (C36).
 */
import type { ChainEvent, JsonValue, View, ViewTx } from "../store/types";
import { nameOf, parsePublicText, statementOf, type ResourceText, type Statement } from "./publicText";
import { applyRegistration, emptyRegistration, isRegistrationEvent, registeredAt, type RegistrationHolding } from "./registration";
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
  /** The public name (publicText.name), null when the text is absent or invalid. */
  name: string | null;
  /** The public text in force: the proposal's, then that of each approved change (C21). */
  publicText: ResourceText | null;
  publicTextError: string | null;
  /** The public statement of the latest decision that gave one (a delisting's reason), with the status it set; or null. */
  statement: Statement | null;
  statementError: string | null;
  sourceDeptId: string;
  status: string;
  data: ResourceData;
  pendingChange: ResourceData | null;
  /** The text a pending change proposes (in force once the change is approved). */
  pendingPublicText: ResourceText | null;
  proposedAt: number;
  approvedAt: number;
  changedAt: number;
  delistedAt: number;
  /** Every change, with the data in force from then on where it changed (`data` null otherwise) and the decision's statement. */
  history: { at: number; event: string; approved: boolean | null; status: string; data: ResourceData | null; statement: Statement | null; anchor: Anchor }[];
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
    version: 3, // 2: history entries carry the data a review put in force; 3: public text, statements, human registration codes
    events: ["ResourceCatalog.*"],
    apply(tx: ViewTx, e: ChainEvent): void {
      if (e.contract !== "ResourceCatalog") return;
      const a = e.args;
      const id = idOf(isRegistrationEvent(e) ? a.subjectId : a.id);
      if (e.event === "ResourceProposed") {
        const text = parsePublicText("resource", a.publicText);
        const r: ResourceRecord = {
          id,
          name: nameOf(text.publicText),
          ...text,
          statement: null,
          statementError: null,
          sourceDeptId: idOf(a.sourceDeptId),
          status: "Proposed",
          data: resourceData(a.data),
          pendingChange: null,
          pendingPublicText: null,
          proposedAt: e.timestamp,
          approvedAt: 0,
          changedAt: e.timestamp,
          delistedAt: 0,
          history: [{ at: e.timestamp, event: e.event, approved: null, status: "Proposed", data: null, statement: null, anchor: anchorOf(e) }],
          registration: emptyRegistration(),
          anchor: anchorOf(e),
        };
        tx.put(SPACE.resource, pad(id), r);
        return;
      }
      const r = tx.get<ResourceRecord>(SPACE.resource, pad(id));
      if (!r) return;
      let approved: boolean | null = null;
      let changed: ResourceData | null = null;
      const before = r.status;
      switch (e.event) {
        case "ResourceReviewed":
          approved = boolOf(a.approved);
          r.status = approved ? "Listed" : "Rejected";
          if (approved) {
            r.approvedAt = e.timestamp;
            changed = r.data;
          }
          break;
        case "ResourceChangeProposed":
          r.pendingChange = resourceData(a.data);
          r.pendingPublicText = parsePublicText("resource", a.publicText).publicText;
          break;
        case "ResourceChangeReviewed":
          approved = boolOf(a.approved);
          if (approved) {
            r.data = resourceData(a.data);
            changed = r.data;
            r.status = "Updated";
            r.changedAt = e.timestamp;
            // The text adopted with the change (absent from an event without one: the text stays).
            if (a.publicText !== undefined) {
              const text = parsePublicText("resource", a.publicText);
              r.publicText = text.publicText;
              r.publicTextError = text.publicTextError;
              r.name = nameOf(text.publicText);
            }
          }
          r.pendingChange = null;
          r.pendingPublicText = null;
          break;
        case "ResourceDelisted":
          r.status = "Delisted";
          r.delistedAt = e.timestamp;
          break;
        default: {
          if (!isRegistrationEvent(e)) return;
          const next = applyRegistration(tx, "resource", e, r.registration);
          if (!next) return;
          r.registration = next;
          tx.put(SPACE.resource, pad(id), r);
          return;
        }
      }
      // The latest decision that gave a statement: its statement stays through later routine steps.
      const decided = statementOf(e, r.status);
      if (decided.given && (r.status !== before || e.event === "ResourceDelisted")) {
        r.statement = decided.statement;
        r.statementError = decided.statementError;
      }
      r.history.push({ at: e.timestamp, event: e.event, approved, status: r.status, data: changed, statement: decided.statement, anchor: anchorOf(e) });
      tx.put(SPACE.resource, pad(id), r);
    },
  };
}

/**
 * Why resource `r` may not carry authorized use at `at`, or null when it may (C10, C36): listed at
 * `at`, open or desensitized, not waiting for its subjects' consent, registered. The chain's
 * `ResourceCatalog.isAuthorizable` answers the same from the catalog as it stands now; this one
 * reads the state in force at `at` from the record's history.
 */
export function resourceProblemAt(r: ResourceRecord, at: number): string | null {
  let status = "None";
  let data: ResourceData | null = null;
  for (const h of r.history) {
    if (h.at > at) break;
    status = h.status;
    if (h.data !== null) data = h.data;
  }
  const d = data ?? r.data;
  if (status !== "Listed" && status !== "Updated") return `resource ${r.id} is ${status} at that time, not in the catalog`;
  if (d.openAttribute === "NotOpen" && !d.desensitized) return `resource ${r.id} is not open and not desensitized`;
  if (d.consent === "Required") return `resource ${r.id} needs its data subjects' consent`;
  if (!registeredAt(r.registration, at)) return `resource ${r.id} holds no valid registration code`;
  return null;
}
