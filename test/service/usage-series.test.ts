/**
 * Usage over time (C21) and the list of anchored batches with sequence gaps (C22), from the demo's
 * own receipts: the three periods scripts/lib/demo-receipts.ts reports are built into batches the
 * way the platform node builds them and anchored as BatchAnchored events; the usage view keeps the
 * series at event time, and the expected values are summed here from the receipts themselves.
 */
import { expect } from "chai";
import { loadProfile } from "../../policy/profile";
import { chinaDate, chinaDayStart } from "../../ledger-service/src/calendar";
import { createQueries } from "../../ledger-service/src/api/queries";
import { createViews } from "../../ledger-service/src/views";
import { demoReceiptPeriods, type DemoReceiptWorld } from "../../scripts/lib/demo-receipts";
import { batchRequest, buildBatch, type Receipt } from "../../scripts/lib/receipts";
import type { ChainEvent, JsonValue } from "../../ledger-service/src/store/types";
import { createChainBuilder, cst, openTestStore, seededApi, seedWorld, KEYS, P } from "./helpers/ledger";

/** The demo's ids in the seeded world (helpers/ledger.ts seedWorld). */
const WORLD: DemoReceiptWorld = {
  participants: { operatorA: Number(P.operator) },
  authorizations: { operatorA: 1, operatorB: 2, developerAExpired: 3, developerA: 4, developerBRejected: 5 },
  scenarios: { enterpriseCredit: 1, clinicAccess: 2 },
  products: { creditIndex: 1, clinicReport: 2 },
  resources: { enterpriseRegistry: 1, penalties: 2, busArrivals: 3 },
  chainEnd: cst("2029-08-31", 12), // after the seeded world's last block (2028-11-20)
};
/** A second node whose index missed its batch 2: sequences 1 and 3 (the contract refuses gaps; C22). */
const GAP_NODE = P.developer;

type Batch = { nodeId: string; sequence: number; receipts: Receipt[] };

function batchesOfDemo(): Batch[] {
  const demo = demoReceiptPeriods(WORLD).map((p, i) => ({ nodeId: P.operator, sequence: i + 1, receipts: p.receipts }));
  const other = demoReceiptPeriods({ ...WORLD, participants: { operatorA: Number(GAP_NODE) } })[2].receipts;
  return [...demo, { nodeId: GAP_NODE, sequence: 1, receipts: other.slice(0, 300) }, { nodeId: GAP_NODE, sequence: 3, receipts: other.slice(300) }];
}

/** BatchAnchored of a batch, as ReceiptAnchor emits it. */
function anchored(b: Batch): { contract: string; event: string; args: { [k: string]: JsonValue } } {
  const r = batchRequest(buildBatch(b.receipts), b.sequence);
  return {
    contract: "ReceiptAnchor",
    event: "BatchAnchored",
    args: {
      nodeId: b.nodeId, sequence: String(b.sequence), root: r.root, receiptCount: r.receiptCount, firstAt: String(r.firstAt), lastAt: String(r.lastAt),
      metadataHash: r.metadataHash, anchoredBy: KEYS.operator, usage: r.usage,
    },
  };
}

/** The series summed straight from the receipts: a batch counts in the bucket of its first receipt. */
function expected(batches: Batch[], by: "product" | "scenario" | "operator", bucket: "day" | "month"): Map<string, [number, number, string][]> {
  const sums = new Map<string, Map<number, { uses: number; fee: bigint }>>();
  for (const b of batches) {
    const first = Math.min(...b.receipts.map((r) => r.timestamp));
    const day = chinaDate(first);
    const start = chinaDayStart(bucket === "day" ? day : `${day.slice(0, 7)}-01`);
    for (const r of b.receipts) {
      const id = by === "product" ? r.productId.toString() : by === "scenario" ? r.scenarioId.toString() : b.nodeId;
      if (id === "0") continue; // a direct use of resources is no product's
      const series = sums.get(id) ?? new Map<number, { uses: number; fee: bigint }>();
      sums.set(id, series);
      const p = series.get(start) ?? { uses: 0, fee: 0n };
      series.set(start, { uses: p.uses + 1, fee: p.fee + r.fee });
    }
  }
  return new Map(
    [...sums].map(([id, s]) => [id, [...s].sort((x, y) => x[0] - y[0]).map(([start, p]): [number, number, string] => [start, p.uses, p.fee.toString()])]),
  );
}

type SeriesBody = { by: string; bucket: string; series: { id: string; name: string | null; points: [number, number, string][] }[] };
type BatchesBody = { total: number; next: string | null; items: { nodeId: string; nodeName: string | null; sequence: string; root: string; count: number; gapBefore: number; anchor: { txHash: string; blockNumber: number } }[] };

describe("usage series and anchored batches from the demo's receipts", () => {
  const batches = batchesOfDemo();
  let api: Awaited<ReturnType<typeof seededApi>>;
  let base: string;
  const get = async <T>(path: string): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${base}${path}`);
    return { status: res.status, body: (await res.json()) as T };
  };

  before(async () => {
    api = await seededApi();
    base = api.base;
    const b = createChainBuilder(1_000);
    let at = 0;
    for (const batch of batches) {
      at = Math.max(at + 60, Math.max(...batch.receipts.map((r) => r.timestamp)) + 600);
      b.block(at, [anchored(batch)]);
    }
    await api.ts.apply(b);
  });

  after(async () => {
    await api?.close();
  });

  for (const by of ["product", "scenario", "operator"] as const) {
    for (const bucket of ["day", "month"] as const) {
      it(`C21 discloses uses and fees per ${by} per China ${bucket}, equal to the demo's receipts`, async () => {
        const { status, body } = await get<SeriesBody>(`/disclosures/usage/series?by=${by}&bucket=${bucket}`);
        expect(status).to.equal(200);
        expect(body).to.include({ by, bucket });
        const want = expected(batches, by, bucket);
        expect(body.series.map((s) => s.id)).to.deep.equal([...want.keys()].sort((x, y) => Number(x) - Number(y)));
        for (const s of body.series) expect(s.points, `${by} ${s.id}`).to.deep.equal(want.get(s.id));
      });
    }
  }

  it("C21 names each series: the operator by its registered name, and the demo's fees add up to the receipts' fees", async () => {
    const { body } = await get<SeriesBody>("/disclosures/usage/series?by=operator&bucket=month");
    const op = body.series.find((s) => s.id === P.operator);
    expect(op?.name).to.equal("惠州数据运营有限公司");
    const demoFees = demoReceiptPeriods(WORLD).flatMap((p) => p.receipts).reduce((s, r) => s + r.fee, 0n);
    expect(op?.points.reduce((s, p) => s + BigInt(p[2]), 0n)).to.equal(demoFees);
    expect(op?.points.reduce((s, p) => s + p[1], 0)).to.equal(demoReceiptPeriods(WORLD).reduce((s, p) => s + p.receipts.length, 0));
  });

  it("C21 refuses a series query it cannot answer with a 400 naming the parameter", async () => {
    for (const q of ["", "?by=resource", "?by=product&bucket=week", "?by=product&from=2026-01-01"]) {
      const { status, body } = await get<{ error: { code: string; details: { path: string; message: string }[] } }>(`/disclosures/usage/series${q}`);
      expect(status, q).to.equal(400);
      expect(body.error.code).to.equal("invalid_request");
      expect(JSON.stringify(body.error.details), q).to.match(q.includes("week") ? /bucket: one of day, month/ : q.includes("from") ? /from/ : /by: one of product, scenario, operator/);
    }
  });

  it("C22 lists every anchored batch newest first with the sequence numbers missing before it", async () => {
    const { status, body } = await get<BatchesBody>("/batches");
    expect(status).to.equal(200);
    expect(body.total).to.equal(batches.length);
    expect(body.next).to.equal(null);
    expect(body.items.map((i) => [i.nodeId, i.sequence, i.gapBefore])).to.deep.equal([
      [GAP_NODE, "3", 1],
      [GAP_NODE, "1", 0],
      [P.operator, "3", 0],
      [P.operator, "2", 0],
      [P.operator, "1", 0],
    ]);
    const first = body.items[body.items.length - 1];
    expect(first).to.include({ nodeName: "惠州数据运营有限公司", count: batches[0].receipts.length, root: buildBatch(batches[0].receipts).root });
    expect(first.anchor.txHash).to.match(/^0x[0-9a-f]{64}$/);
  });

  it("C22 pages the batches with a cursor and refuses a bad one", async () => {
    const seen: string[] = [];
    let cursor: string | null = "";
    for (let pages = 0; cursor !== null && pages < 10; pages++) {
      const { body }: { body: BatchesBody } = await get<BatchesBody>(`/batches?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(body.items.length).to.be.at.most(2);
      seen.push(...body.items.map((i) => `${i.nodeId}:${i.sequence}`));
      cursor = body.next;
    }
    expect(seen).to.deep.equal([`${GAP_NODE}:3`, `${GAP_NODE}:1`, `${P.operator}:3`, `${P.operator}:2`, `${P.operator}:1`]);
    expect((await get("/batches?cursor=nope")).status).to.equal(400);
    expect((await get("/batches?limit=0")).status).to.equal(400);
  });

  it("C31 serves one anchored batch, the root a receipt proof is compared with", async () => {
    const { status, body } = await get<{ root: string; receiptCount: number; anchor: { txHash: string } }>(`/batches/${P.operator}/2`);
    expect(status).to.equal(200);
    expect(body).to.include({ root: buildBatch(batches[1].receipts).root, receiptCount: batches[1].receipts.length });
    expect((await get(`/batches/${P.operator}/9`)).status).to.equal(404);
  });

  it("C21 takes a batch back out of the series when its block is reorganized away", async () => {
    const ts = await openTestStore(createViews(loadProfile("huizhou")));
    try {
      const b = createChainBuilder();
      seedWorld(b);
      const seeded = b.drain();
      await ts.store.applyRange({ ...seeded, finalized: seeded.blocks[seeded.blocks.length - 1].number, views: createViews(loadProfile("huizhou")) });
      // One node's last batch and another node's first, in one month: the second block changes the
      // bucket records the first block wrote in the same range, and the unwind must restore them.
      const demo = batches.slice(2, 4);
      const events: ChainEvent[] = [];
      let at = 0;
      for (const batch of demo) {
        at = Math.max(at + 60, Math.max(...batch.receipts.map((r) => r.timestamp)) + 600);
        events.push(...b.block(at, [anchored(batch)]));
      }
      const { blocks } = b.drain();
      await ts.store.applyRange({ blocks, events, finalized: seeded.blocks[seeded.blocks.length - 1].number, views: createViews(loadProfile("huizhou")) });
      const series = async (by: "product" | "operator", bucket: "day" | "month") =>
        new Map((await createQueries(ts.store.reader).usageSeries(by, bucket)).series.map((s) => [s.id, s.points]));
      for (const [by, bucket] of [["product", "month"], ["operator", "month"], ["operator", "day"]] as const) {
        expect(await series(by, bucket), `${by} ${bucket}`).to.deep.equal(expected(demo, by, bucket));
      }
      await ts.store.unwindTo(blocks[0]);
      for (const [by, bucket] of [["product", "month"], ["operator", "month"], ["operator", "day"]] as const) {
        expect(await series(by, bucket), `${by} ${bucket} after the unwind`).to.deep.equal(expected(demo.slice(0, 1), by, bucket));
      }
      const order: JsonValue[] = [];
      for await (const [, v] of ts.store.reader.range("batch-order", {})) order.push(v);
      expect(order).to.have.length(1);
    } finally {
      await ts.close();
    }
  });
});
