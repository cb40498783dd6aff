/**
 * A provenance graph as W3C PROV-JSON (https://www.w3.org/submissions/prov-json/): products,
 * resources, authorizations and agreements are entities, scenarios activities, participants
 * agents; lineage is wasDerivedFrom, a scenario used its authorization and resources, a product
 * wasGeneratedBy its scenario, and records are attributedTo their holder or source department.
 */
import type { ProvenanceGraph, ProvNode } from "./queries";

const NS = "pvn";
const qn = (nodeId: string) => `${NS}:${nodeId.replace(":", "/")}`;

function attributes(n: ProvNode): Record<string, unknown> {
  return {
    "prov:type": `${NS}:${n.kind}`,
    "prov:label": n.label,
    [`${NS}:status`]: n.status,
    [`${NS}:txHash`]: n.anchor.txHash,
    [`${NS}:blockNumber`]: n.anchor.blockNumber,
    [`${NS}:blockHash`]: n.anchor.blockHash,
    [`${NS}:logIndex`]: n.anchor.logIndex,
    [`${NS}:time`]: { $: new Date(n.anchor.timestamp * 1000).toISOString(), type: "xsd:dateTime" },
    ...(n.statusAnchor ? { [`${NS}:statusTxHash`]: n.statusAnchor.txHash, [`${NS}:statusBlockNumber`]: n.statusAnchor.blockNumber } : {}),
  };
}

export function toProvJson(g: ProvenanceGraph): Record<string, unknown> {
  const entity: Record<string, unknown> = {};
  const activity: Record<string, unknown> = {};
  const agent: Record<string, unknown> = {};
  const kinds = new Map<string, string>();
  for (const n of g.nodes) {
    kinds.set(n.id, n.kind);
    const target = n.kind === "scenario" ? activity : n.kind === "participant" ? agent : entity;
    target[qn(n.id)] = attributes(n);
  }
  const wasDerivedFrom: Record<string, unknown> = {};
  const used: Record<string, unknown> = {};
  const wasAttributedTo: Record<string, unknown> = {};
  const wasGeneratedBy: Record<string, unknown> = {};
  const wasAssociatedWith: Record<string, unknown> = {};
  let i = 0;
  for (const e of g.edges) {
    const id = `_:${e.relation}${++i}`;
    const from = qn(e.from);
    const to = qn(e.to);
    const fromKind = kinds.get(e.from);
    switch (e.relation) {
      case "derivedFromProduct":
      case "derivedFromResource":
      case "childOf":
      case "governedBy":
      case "scopeIncludes":
        wasDerivedFrom[id] = { "prov:generatedEntity": from, "prov:usedEntity": to, [`${NS}:relation`]: e.relation };
        break;
      case "servesScenario":
        wasGeneratedBy[id] = { "prov:entity": from, "prov:activity": to };
        break;
      case "underAuthorization":
      case "uses":
        used[id] = { "prov:activity": from, "prov:entity": to, [`${NS}:relation`]: e.relation };
        break;
      case "heldBy":
      case "sourcedFrom":
        if (fromKind === "scenario") wasAssociatedWith[id] = { "prov:activity": from, "prov:agent": to };
        else wasAttributedTo[id] = { "prov:entity": from, "prov:agent": to, [`${NS}:relation`]: e.relation };
        break;
    }
  }
  return {
    prefix: { [NS]: "https://provenant.dev/ns#", xsd: "http://www.w3.org/2001/XMLSchema#" },
    entity,
    activity,
    agent,
    wasDerivedFrom,
    used,
    wasGeneratedBy,
    wasAttributedTo,
    wasAssociatedWith,
  };
}
