/**
 * Products (ProductRegistry): registration and filing with pricing basis, scenario, usage scope
 * (C17), review (C18), certificates, release and delisting (C19), lineage to resources and parent
 * products, and their registration codes (C36).
 */
import type { ChainEvent, View, ViewTx } from "../store/types";
import { applyRegistration, emptyRegistration, isRegistrationEvent, type RegistrationHolding } from "./registration";
import { productBrief, briefJson } from "./briefs";
import { nameOf, parsePublicText, statementOf, textArg, type ProductText, type Statement } from "./publicText";
import { SPACE, anchorOf, boolOf, idOf, idsOf, numOf, objOf, pad, strOf, type Anchor } from "./util";

export const PRODUCT_KINDS = ["None", "Dataset", "Api", "Indicator", "Report", "Model", "Application", "Tool", "Service"] as const;
export const PRODUCT_STATUSES = ["None", "Registered", "Reviewed", "Listed", "Delisted"] as const;
export const CHARGING_BASES = ["None", "FreeTrialForSourceDept", "PublicInterestFree", "Commercial"] as const;

export type ProductRecord = {
  id: string;
  /** The public name (publicText.name), null when the text is absent or invalid. */
  name: string | null;
  publicText: ProductText | null;
  publicTextError: string | null;
  /** The public statement of the latest decision that gave one (a delisting's reason), with the status it set; or null. */
  statement: Statement | null;
  statementError: string | null;
  holderId: string;
  scenarioId: string;
  authorizationId: string;
  kind: string;
  status: string;
  version: number;
  chargingBases: string[];
  previousVersionId: string;
  pricingBasisHash: string;
  usageHash: string;
  descriptionHash: string;
  reviewReportHash: string | null;
  resourceIds: string[];
  parentProductIds: string[];
  reviews: { pass: boolean; reportHash: string; reviewer: string; at: number; anchor: Anchor }[];
  certificates: { index: string; kind: string; documentHash: string; by: string; at: number; anchor: Anchor }[];
  registeredAt: number;
  listedAt: number;
  delistedAt: number;
  registration: RegistrationHolding;
  history: { at: number; status: string; statement: Statement | null; anchor: Anchor }[];
  anchor: Anchor;
};

export function productStatusAt(r: { history: readonly { at: number; status: string }[] }, at: number): string {
  let s = "None";
  for (const h of r.history) if (h.at <= at) s = h.status;
  return s;
}

const bases = (mask: number): string[] => CHARGING_BASES.filter((_, i) => i > 0 && (mask & (1 << i)) !== 0);

export function createProductsView(): View {
  return {
    name: "products",
    version: 4, // 2: public text, statements, human registration codes; 3: briefs; 4: the authorization in the brief
    events: ["ProductRegistry.*"],
    apply(tx: ViewTx, e: ChainEvent): void {
      if (e.contract !== "ProductRegistry") return;
      const a = e.args;
      const id = idOf(isRegistrationEvent(e) ? a.subjectId : a.id);
      if (e.event === "ProductRegistered") {
        const req = objOf(a.request);
        const text = parsePublicText("product", textArg(e, "publicText"));
        const r: ProductRecord = {
          id,
          name: nameOf(text.publicText),
          ...text,
          statement: null,
          statementError: null,
          holderId: idOf(a.holderId),
          scenarioId: idOf(a.scenarioId),
          authorizationId: idOf(a.authorizationId),
          kind: PRODUCT_KINDS[numOf(req.kind)] ?? String(req.kind),
          status: "Registered",
          version: numOf(a.version) || 1,
          chargingBases: bases(numOf(req.chargingBases)),
          previousVersionId: idOf(req.previousVersionId),
          pricingBasisHash: strOf(req.pricingBasisHash),
          usageHash: strOf(req.usageHash),
          descriptionHash: strOf(req.descriptionHash),
          reviewReportHash: null,
          resourceIds: idsOf(req.resourceIds),
          parentProductIds: idsOf(req.parentProductIds),
          reviews: [],
          certificates: [],
          registeredAt: e.timestamp,
          listedAt: 0,
          delistedAt: 0,
          registration: emptyRegistration(),
          history: [{ at: e.timestamp, status: "Registered", statement: null, anchor: anchorOf(e) }],
          anchor: anchorOf(e),
        };
        tx.put(SPACE.product, pad(id), r);
      tx.put(SPACE.productBrief, pad(id), briefJson(productBrief(r)));
        tx.put(SPACE.productByHolder, `${pad(r.holderId)}:${pad(id)}`, id);
        for (const p of r.parentProductIds) tx.put(SPACE.productByParent, `${pad(p)}:${pad(id)}`, id);
        return;
      }
      const r = tx.get<ProductRecord>(SPACE.product, pad(id));
      if (!r) return;
      const setStatus = (s: string) => {
        if (s === r.status) return;
        r.status = s;
        const d = statementOf(e, s);
        if (d.given) {
          r.statement = d.statement;
          r.statementError = d.statementError;
        }
        r.history.push({ at: e.timestamp, status: s, statement: d.statement, anchor: anchorOf(e) });
      };
      switch (e.event) {
        case "ProductReviewed":
          r.reviews.push({ pass: boolOf(a.pass), reportHash: strOf(a.reportHash), reviewer: strOf(a.reviewer), at: e.timestamp, anchor: anchorOf(e) });
          // A pass counts only once the product is Reviewed (C18: passes outnumber failures and
          // reach the quorum), so the report is the product's when the status says so.
          if (boolOf(a.pass) && PRODUCT_STATUSES[numOf(a.status)] === "Reviewed") r.reviewReportHash = strOf(a.reportHash);
          setStatus(PRODUCT_STATUSES[numOf(a.status)] ?? r.status);
          break;
        case "ProductCertificateRecorded":
          r.certificates.push({ index: idOf(a.index), kind: strOf(a.kind), documentHash: strOf(a.documentHash), by: strOf(a.by), at: e.timestamp, anchor: anchorOf(e) });
          break;
        case "ProductListed":
          r.listedAt = e.timestamp;
          r.reviewReportHash = strOf(a.reviewReportHash) || r.reviewReportHash;
          setStatus("Listed");
          break;
        case "ProductDelisted":
          r.delistedAt = e.timestamp;
          setStatus("Delisted");
          break;
        default: {
          if (!isRegistrationEvent(e)) return;
          const next = applyRegistration(tx, "product", e, r.registration);
          if (!next) return;
          r.registration = next;
        }
      }
      tx.put(SPACE.product, pad(id), r);
      tx.put(SPACE.productBrief, pad(id), briefJson(productBrief(r)));
    },
  };
}
