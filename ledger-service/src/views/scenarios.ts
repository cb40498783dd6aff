/**
 * Scenarios (ScenarioRegistry): one scenario, one authorization, one review (C13), with the
 * minimal resources it needs (C14).
 */
import type { ChainEvent, View, ViewTx } from "../store/types";
import { scenarioBrief, briefJson, putLink } from "./briefs";
import { nameOf, parsePublicText, statementOf, textArg, type ScenarioText, type Statement } from "./publicText";
import { SPACE, anchorOf, boolOf, idOf, idsOf, numOf, pad, strOf, type Anchor } from "./util";

export const SCENARIO_STATUSES = ["None", "Proposed", "Approved", "Rejected", "Retired"] as const;

export type ScenarioRecord = {
  id: string;
  /** The public name (publicText.name), null when the text is absent or invalid. */
  name: string | null;
  publicText: ScenarioText | null;
  publicTextError: string | null;
  /** The public statement of the latest decision that gave one (an approval's, rejection's or retirement's reason), with the status it set; or null. */
  statement: Statement | null;
  statementError: string | null;
  holderId: string;
  authorizationId: string;
  status: string;
  purposeHash: string;
  descriptionHash: string;
  decisionHash: string | null;
  resourceIds: string[];
  opinions: { pass: boolean; opinionHash: string; reviewer: string; at: number; anchor: Anchor }[];
  proposedAt: number;
  decidedAt: number;
  retiredAt: number;
  history: { at: number; status: string; statement: Statement | null; anchor: Anchor }[];
  anchor: Anchor;
};

export function scenarioStatusAt(r: { history: readonly { at: number; status: string }[] }, at: number): string {
  let s = "None";
  for (const h of r.history) if (h.at <= at) s = h.status;
  return s;
}

/** A scenario's brief, by its id (a product's provenance reads it) and in its authorization's brief. */
function putBriefs(tx: ViewTx, r: ScenarioRecord): void {
  const b = scenarioBrief(r);
  tx.put(SPACE.scenarioBrief, pad(r.id), briefJson(b));
  putLink(tx, r.authorizationId, "scenarios", b);
}

export function createScenariosView(): View {
  return {
    name: "scenarios",
    // 2: scenarios-of-auth id lists replace the scenario-by-auth keys; 3: public text and statements; 4: briefs;
    // 5: the briefs in scenarios-of-auth too; 6: in their authorization's brief instead
    version: 6,
    events: ["ScenarioRegistry.*"],
    apply(tx: ViewTx, e: ChainEvent): void {
      if (e.contract !== "ScenarioRegistry") return;
      const a = e.args;
      const id = idOf(a.id);
      if (e.event === "ScenarioProposed") {
        const text = parsePublicText("scenario", textArg(e, "publicText"));
        const r: ScenarioRecord = {
          id,
          name: nameOf(text.publicText),
          ...text,
          statement: null,
          statementError: null,
          holderId: idOf(a.holderId),
          authorizationId: idOf(a.authorizationId),
          status: "Proposed",
          purposeHash: strOf(a.purposeHash),
          descriptionHash: strOf(a.descriptionHash),
          decisionHash: null,
          resourceIds: idsOf(a.resourceIds),
          opinions: [],
          proposedAt: e.timestamp,
          decidedAt: 0,
          retiredAt: 0,
          history: [{ at: e.timestamp, status: "Proposed", statement: null, anchor: anchorOf(e) }],
          anchor: anchorOf(e),
        };
        tx.put(SPACE.scenario, pad(id), r);
        putBriefs(tx, r);
        return;
      }
      const r = tx.get<ScenarioRecord>(SPACE.scenario, pad(id));
      if (!r) return;
      /** The status just set, with the decision's statement. */
      const decide = () => {
        const d = statementOf(e, r.status);
        if (d.given) {
          r.statement = d.statement;
          r.statementError = d.statementError;
        }
        r.history.push({ at: e.timestamp, status: r.status, statement: d.statement, anchor: anchorOf(e) });
      };
      switch (e.event) {
        case "ScenarioOpinionRecorded":
          r.opinions.push({ pass: boolOf(a.pass), opinionHash: strOf(a.opinionHash), reviewer: strOf(a.reviewer), at: e.timestamp, anchor: anchorOf(e) });
          break;
        case "ScenarioDecided":
          r.status = SCENARIO_STATUSES[numOf(a.status)] ?? String(a.status);
          r.decisionHash = strOf(a.decisionHash);
          r.decidedAt = e.timestamp;
          decide();
          break;
        case "ScenarioRetired":
          r.status = "Retired";
          r.retiredAt = e.timestamp;
          decide();
          break;
        default:
          return;
      }
      tx.put(SPACE.scenario, pad(id), r);
      // An opinion leaves the brief as it was (no status, no history entry).
      if (e.event !== "ScenarioOpinionRecorded") putBriefs(tx, r);
    },
  };
}
