/**
 * Usage statistics (C21) from anchored receipt batches: the usage view counts each node's batches
 * and receipts from BatchAnchored events, and /disclosures/usage serves them with the node's name.
 */
import { expect } from "chai";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { loadProfile } from "../../policy/profile";
import { createQueries } from "../../ledger-service/src/api/queries";
import { createApi } from "../../ledger-service/src/api/server";
import { createViews } from "../../ledger-service/src/views";
import { createUsageView } from "../../ledger-service/src/views/usage";
import { SPACE } from "../../ledger-service/src/views/util";
import type { ChainEvent, JsonValue } from "../../ledger-service/src/store/types";
import { encodeUsageWord } from "../../scripts/lib/receipts";
import { decodeUsageWord, decodeUsageWordText } from "../../scripts/lib/usage-words";
import { createChainBuilder, cst, h, memoryTx, openTestStore, seedWorld, silentLogger, KEYS, P, type TestStore } from "./helpers/ledger";

describe("usage statistics from anchored receipt batches", () => {
  let ts: TestStore;
  let server: Server;
  let base: string;
  /** The usage words of a batch of n receipts. */
  let usage: (n: number) => string[];
  /** The BatchAnchored events applied, in chain order. */
  let batchEvents: ChainEvent[];

  before(async () => {
    ts = await openTestStore(createViews(loadProfile("huizhou")));
    const b = createChainBuilder();
    seedWorld(b);
    // Every receipt under scenario 1; 3/5 of them of product 1 (200 fen each), the rest direct uses of resource 2.
    usage = (n: number) => [
      encodeUsageWord({ kind: "Product", id: 1n, count: (n * 3) / 5, fee: BigInt(((n * 3) / 5) * 200) }),
      encodeUsageWord({ kind: "Scenario", id: 1n, count: n, fee: BigInt(((n * 3) / 5) * 200) }),
      encodeUsageWord({ kind: "Resource", id: 2n, count: (n * 2) / 5, fee: 0n }),
    ];
    const batch = (sequence: number, receiptCount: number, day: string) => ({
      contract: "ReceiptAnchor",
      event: "BatchAnchored",
      args: {
        nodeId: P.operator, sequence: String(sequence), root: h(`root ${sequence}`), receiptCount,
        firstAt: String(cst(day, 8)), lastAt: String(cst(day, 18)), metadataHash: h(`meta ${sequence}`),
        anchoredBy: KEYS.operator, usage: usage(receiptCount),
      },
    });
    batchEvents = [
      ...b.block(cst("2026-06-01", 19), [batch(1, 500, "2026-06-01")]),
      ...b.block(cst("2026-06-02", 19), [batch(2, 250, "2026-06-02")]),
      // Anchored three days after its receipts: a late batch.
      ...b.block(cst("2026-06-06", 19), [batch(3, 50, "2026-06-03")]),
    ];
    await ts.apply(b);
    const app = createApi({ logger: silentLogger }, { reader: ts.store.reader, health: () => ({}), hasRole: async () => false, rateLimit: false });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  });

  after(async () => {
    server?.close();
    await ts?.close();
  });

  it("C21 discloses each platform node's anchored batches and receipts", async () => {
    const body = (await (await fetch(`${base}/disclosures/usage`)).json()) as {
      receipts: number;
      batches: number;
      items: { nodeId: string; nodeName: string; batches: number; receipts: number; firstAt: number; lastAt: number; lastSequence: string }[];
    };
    expect(body.receipts).to.equal(800);
    expect(body.batches).to.equal(3);
    expect(body.items).to.have.length(1);
    expect(body.items[0]).to.include({ nodeId: P.operator, nodeName: "惠州数据运营有限公司", batches: 3, receipts: 800, lastSequence: "3", fees: String(480 * 200), lateBatches: 1 });
    expect(body.items[0].firstAt).to.equal(cst("2026-06-01", 8));
    expect(body.items[0].lastAt).to.equal(cst("2026-06-03", 18));
  });

  it("C21 discloses uses and fees per product, scenario and resource, in total and per China day, from the chain's usage counts", async () => {
    const body = (await (await fetch(`${base}/disclosures/usage`)).json()) as {
      totals: { kind: string; id: string; count: number; fee: string; batches: number }[];
      days: { day: string; kind: string; id: string; count: number; fee: string }[];
      batchesRecent: { sequence: string; late: boolean; usage: { kind: string; count: number }[] }[];
    };
    const total = (kind: string) => body.totals.find((t) => t.kind === kind && t.id === (kind === "Resource" ? "2" : "1"));
    expect(total("Product")).to.include({ count: 480, fee: "96000", batches: 3 });
    expect(total("Scenario")).to.include({ count: 800, fee: "96000" });
    expect(total("Resource")).to.include({ count: 320, fee: "0" });
    expect(body.days.filter((d) => d.kind === "Scenario").map((d) => [d.day, d.count])).to.deep.equal([["2026-06-01", 500], ["2026-06-02", 250], ["2026-06-03", 50]]);
    expect(body.batchesRecent.map((b) => [b.sequence, b.late])).to.deep.equal([["3", true], ["2", false], ["1", false]]);
    const one = (await (await fetch(`${base}/disclosures/usage?kind=Product&id=1&from=2026-06-02`)).json()) as typeof body;
    expect(one.days.map((d) => [d.day, d.count])).to.deep.equal([["2026-06-02", 150], ["2026-06-03", 30]]);
    expect((await fetch(`${base}/disclosures/usage?kind=Nothing`)).status).to.equal(400);
  });

  it("C21 adds fees exactly whatever their size: in doubles below 10^15 fen, beyond that as big integers", async () => {
    const big = 123_456_789_012_345_678_901n; // beyond 2^53
    const small = 999_999_999_999_999n; // the largest fee the double sum takes
    const other = await openTestStore(createViews(loadProfile("huizhou")));
    try {
      const b = createChainBuilder();
      seedWorld(b);
      const anchored = (sequence: number, fee: bigint) => ({
        contract: "ReceiptAnchor",
        event: "BatchAnchored",
        args: {
          nodeId: P.operator, sequence: String(sequence), root: h(`root ${sequence}`), receiptCount: 2,
          firstAt: String(cst("2026-06-01", 8)), lastAt: String(cst("2026-06-01", 9)), metadataHash: h(`meta ${sequence}`), anchoredBy: KEYS.operator,
          usage: [encodeUsageWord({ kind: "Product", id: 1n, count: 2, fee }), encodeUsageWord({ kind: "Scenario", id: 1n, count: 2, fee })],
        },
      });
      b.block(cst("2026-06-01", 19), [anchored(1, small)]);
      b.block(cst("2026-06-01", 20), [anchored(2, small)]);
      b.block(cst("2026-06-01", 21), [anchored(3, 2n ** 53n + 1n)]); // 16 digits: a double would round it
      b.block(cst("2026-06-01", 22), [anchored(4, big)]);
      await other.apply(b);
      const u = await createQueries(other.store.reader).usage({ limit: 10 });
      const want = (small * 2n + 2n ** 53n + 1n + big).toString();
      expect(u.fees).to.equal(want);
      expect((u.totals as { kind: string; fee: string }[]).map((t) => [t.kind, t.fee])).to.deep.equal([["Product", want], ["Scenario", want]]);
      expect((u.days as { kind: string; fee: string }[]).map((t) => [t.kind, t.fee])).to.deep.equal([["Product", want], ["Scenario", want]]);
      const series = await createQueries(other.store.reader).usageSeries("product", "month");
      expect(series.series.map((s) => s.points.map((p) => p[2]))).to.deep.equal([[want]]);
    } finally {
      await other.close();
    }
  });

  it("C22 records every batch in the anchoring node's timeline", async () => {
    type Item = { event: string; kind: string; id: string; name: string | null; args: { sequence: string; usage: string[] }; timestamp: number } & Record<string, JsonValue>;
    const body = (await (await fetch(`${base}/timeline/participant/${P.operator}?limit=200`)).json()) as { items: Item[] };
    const batches = body.items.filter((e) => e.event === "BatchAnchored");
    const where = (e: Record<string, JsonValue>) => [e.contract, e.blockNumber, e.blockHash, e.txHash, e.logIndex, e.timestamp];
    expect(batches.map((e) => [...where(e), e.related, e.actor])).to.deep.equal(batchEvents.map((e) => [...where(e as unknown as Record<string, JsonValue>), [], null]));
    // Kept as the key of the batch's record (views/timeline.ts) and read back from it with the words anchored.
    expect(batches.map((e) => [e.kind, e.id, e.name, e.args.sequence, e.args.usage, e.timestamp])).to.deep.equal([
      ["participant", P.operator, "惠州数据运营有限公司", "1", usage(500), cst("2026-06-01", 19)],
      ["participant", P.operator, "惠州数据运营有限公司", "2", usage(250), cst("2026-06-02", 19)],
      ["participant", P.operator, "惠州数据运营有限公司", "3", usage(50), cst("2026-06-06", 19)],
    ]);
  });
});

describe("usage view: the records a block's batches add to", () => {
  const anchored = (sequence: number, block: number): ChainEvent => ({
    contract: "ReceiptAnchor", event: "BatchAnchored", blockNumber: block, blockHash: h(`block ${block}`), timestamp: cst("2026-06-01", 20), txHash: h(`tx ${sequence}`), logIndex: sequence,
    args: {
      nodeId: P.operator, sequence: String(sequence), root: h(`root ${sequence}`), receiptCount: "2", firstAt: String(cst("2026-06-01", 8)), lastAt: String(cst("2026-06-01", 9)),
      metadataHash: h(`meta ${sequence}`), anchoredBy: KEYS.operator, usage: [encodeUsageWord({ kind: "Product", id: 1n, count: 2, fee: 300n }), encodeUsageWord({ kind: "Scenario", id: 1n, count: 2, fee: 300n })],
    },
  });

  it("C21 are kept per range transaction: a second transaction at the same block (another store, a range retried) gets its own", async () => {
    const view = createUsageView();
    const first = memoryTx();
    const second = memoryTx();
    await view.apply(first.tx, anchored(1, 7));
    await view.apply(first.tx, anchored(2, 7));
    await view.apply(second.tx, anchored(1, 7));
    const total = (m: Map<string, JsonValue>) => m.get(`${SPACE.usageTotal}/Product:${"1".padStart(20, "0")}`);
    expect(total(first.values)).to.deep.equal({ kind: "Product", id: "1", day: null, count: 4, fee: "600", batches: 2 });
    expect(total(second.values)).to.deep.equal({ kind: "Product", id: "1", day: null, count: 2, fee: "300", batches: 1 });
    const day = (m: Map<string, JsonValue>) => m.get(`${SPACE.usageDay}/2026-06-01`);
    expect(day(second.values)).to.deep.equal({ day: "2026-06-01", entries: { "Product:1": [2, "300", 1], "Scenario:1": [2, "300", 1] } });
  });
});

describe("usage words read by the index (decodeUsageWordText)", () => {
  it("C21 reads every id, count and fee as the reference decoder does, on both sides of the sizes a double holds exactly", () => {
    const ids = [1n, 9n, (1n << 52n) - 1n, 1n << 52n, (1n << 53n) - 1n, 1n << 53n, (1n << 53n) + 1n, (1n << 64n) - 1n];
    const fees = [0n, 1n, 10n ** 15n, (1n << 52n) - 1n, 1n << 52n, (1n << 53n) - 1n, 1n << 53n, (1n << 53n) + 1n, 10n ** 30n, (1n << 128n) - 1n];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const words: string[] = [];
    for (const kind of ["Product", "Scenario", "Resource"] as const) {
      for (const id of ids) for (const fee of fees) words.push(encodeUsageWord({ kind, id, count: 1 + (next() % 0xffff), fee }));
      for (let i = 0; i < 300; i++) {
        const id = BigInt(next()) * BigInt(next()) * BigInt(1 + (next() % 5000)) + 1n;
        const fee = BigInt(next()) ** BigInt(1 + (next() % 4));
        words.push(encodeUsageWord({ kind, id: id & ((1n << 64n) - 1n) || 1n, count: 1 + next(), fee: fee & ((1n << 128n) - 1n) }));
      }
    }
    words.push(words[0].toUpperCase().replace("0X", "0x"));
    for (const w of words) {
      const ref = decodeUsageWord(w);
      expect(decodeUsageWordText(w), w).to.deep.equal({ kind: ref.kind, id: ref.id.toString(), count: ref.count, fee: ref.fee.toString() });
    }
  });

  it("C21 refuses what the reference decoder refuses, with its error and message", () => {
    const good = encodeUsageWord({ kind: "Product", id: 5n, count: 3, fee: 300n });
    const at = (i: number, ch: string) => `${good.slice(0, i)}${ch}${good.slice(i + 1)}`;
    const bad = [
      `0x04${good.slice(4)}`, // unknown kind
      `0x00${good.slice(4)}`,
      `${good.slice(0, 28)}000100${good.slice(34)}`, // reserved bits
      // Not a hex digit, in each field: kind, id, count, reserved, fee.
      ...[3, 10, 25, 30, 65].map((i) => at(i, "g")),
      // Beyond ASCII, with the low 7 bits of a hex digit ("İ" is U+0130: 0x30 is "0").
      ...[12, 40].map((i) => at(i, "\u0130")),
    ];
    for (const w of bad) {
      const want = (() => {
        try {
          decodeUsageWord(w);
        } catch (err) {
          return err as Error;
        }
        return expect.fail(`the reference decoder took ${w}`);
      })();
      expect(() => decodeUsageWordText(w), w).to.throw(want.constructor as ErrorConstructor, want.message);
    }
  });
});
