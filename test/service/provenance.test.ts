/**
 * The provenance walk's limits (ledger-service/src/api/queries.ts `provenance`): a lineage deeper
 * than PROVENANCE_LIMITS.depth, a graph wider than PROVENANCE_LIMITS.nodes, and lists holding an
 * id twice. Whatever the index holds, an answer is bounded, says when it was cut short, draws
 * every edge once and draws no edge to a node it left out.
 */
import { expect } from "chai";
import { loadProfile } from "../../policy/profile";
import { createQueries, PROVENANCE_LIMITS, type ProvenanceGraph } from "../../ledger-service/src/api/queries";
import { createViews } from "../../ledger-service/src/views";
import { createChainBuilder, cst, h, KEYS, openTestStore, P, resourceData, seedWorld, type TestStore } from "./helpers/ledger";

const PD = "ProductRegistry";
const RC = "ResourceCatalog";

/** A product of the seeded world's scenario 1 (authorization 1, held by the operator) with these parents and resources. */
function registered(id: string, parents: string[], resources: string[]) {
  return {
    contract: PD,
    event: "ProductRegistered",
    args: {
      id, holderId: P.operator, scenarioId: "1", authorizationId: "1", version: "1",
      request: {
        holderId: P.operator, scenarioId: "1", kind: 2, chargingBases: 0b10, previousVersionId: "0", pricingBasisHash: h(`price ${id}`), usageHash: h(`usage ${id}`),
        descriptionHash: h(`product ${id}`), resourceIds: resources, parentProductIds: parents,
      },
      by: KEYS.operator,
    },
  };
}

/** Every edge joins two nodes of the graph, and no edge is drawn twice. */
function expectWellFormed(g: ProvenanceGraph): void {
  const ids = new Set(g.nodes.map((n) => n.id));
  expect(ids.size, "node ids are unique").to.equal(g.nodes.length);
  const dangling = g.edges.filter((e) => !ids.has(e.from) || !ids.has(e.to));
  expect(dangling, "edges to nodes the graph lacks").to.deep.equal([]);
  const keys = g.edges.map((e) => `${e.from} ${e.to} ${e.relation}`);
  expect(new Set(keys).size, "edges drawn twice").to.equal(keys.length);
}

describe("provenance: the walk's limits", () => {
  let ts: TestStore;
  let q: ReturnType<typeof createQueries>;
  const at = cst("2026-04-10");
  /** Products 100..100+chain-1, each derived from the one before. */
  const chain = PROVENANCE_LIMITS.depth + 8;
  /** Resources 1000.. of the wide product (more than a graph may hold). */
  const wide = PROVENANCE_LIMITS.nodes + 50;

  before(async () => {
    ts = await openTestStore(createViews(loadProfile("huizhou")));
    const b = createChainBuilder();
    seedWorld(b);
    const lineage = [];
    for (let i = 0; i < chain; i++) lineage.push(registered(String(100 + i), i === 0 ? [] : [String(99 + i)], ["1"]));
    b.block(cst("2026-04-05"), lineage);
    const resources = [];
    for (let i = 0; i < wide; i++) resources.push({ contract: RC, event: "ResourceProposed", args: { id: String(1000 + i), sourceDeptId: P.dept, data: resourceData(`wide ${i}`), by: KEYS.dept } });
    b.block(cst("2026-04-06"), resources);
    b.block(cst("2026-04-07"), [
      registered("900", [], resources.map((r) => r.args.id)),
      // The contracts keep these lists strictly ascending; an index that holds a repeated id anyway
      // (another deployment's history) still gets one edge per link.
      registered("901", ["2", "2", "1"], ["2", "1", "2"]),
    ]);
    await ts.apply(b);
    q = createQueries(ts.store.reader);
  });
  after(async () => ts.close());

  it("follows a lineage down to the depth limit, then says it was cut short", async () => {
    const g = await q.provenance(String(100 + chain - 1), at);
    const products = g.nodes.filter((n) => n.kind === "product").map((n) => Number(n.recordId));
    // The product asked and its ancestors down to the limit: depth 0..limit.
    expect(products).to.deep.equal(Array.from({ length: PROVENANCE_LIMITS.depth + 1 }, (_, k) => 100 + chain - 1 - k));
    expect(g.truncated).to.equal(true);
    expectWellFormed(g);
    // Within the limit the whole lineage is there and the graph is not marked.
    const short = await q.provenance("105", at);
    expect(short.nodes.filter((n) => n.kind === "product").map((n) => n.recordId)).to.deep.equal(["105", "104", "103", "102", "101", "100"]);
    expect(short.truncated).to.equal(false);
    expectWellFormed(short);
  });

  it("holds at most the node limit, with no edge to a node left out", async () => {
    const g = await q.provenance("900", at);
    expect(g.nodes.length).to.equal(PROVENANCE_LIMITS.nodes);
    expect(g.truncated).to.equal(true);
    expectWellFormed(g);
    // The product's own node and its holder come first, then its scenario's few records; its own
    // resources fill the rest in list order, each with its edge, and the rest are left out.
    expect(g.nodes.slice(0, 2).map((n) => n.id)).to.deep.equal(["product:900", `participant:${P.operator}`]);
    const wideNodes = g.nodes.filter((n) => n.kind === "resource" && Number(n.recordId) >= 1000).map((n) => n.id);
    expect(g.nodes.length - wideNodes.length).to.be.lessThan(20);
    expect(wideNodes).to.deep.equal(Array.from({ length: wideNodes.length }, (_, k) => `resource:${1000 + k}`));
    const derived = g.edges.filter((e) => e.from === "product:900" && e.relation === "derivedFromResource").map((e) => e.to);
    expect(derived).to.deep.equal(wideNodes);
  });

  it("draws one edge per link when a list repeats an id", async () => {
    const g = await q.provenance("901", at);
    expect(g.truncated).to.equal(false);
    expectWellFormed(g);
    const from901 = g.edges.filter((e) => e.from === "product:901").map((e) => `${e.to} ${e.relation}`).sort();
    expect(from901).to.deep.equal(
      [`participant:${P.operator} heldBy`, "product:1 derivedFromProduct", "product:2 derivedFromProduct", "resource:1 derivedFromResource", "resource:2 derivedFromResource", "scenario:1 servesScenario"].sort(),
    );
  });
});
