/**
 * The intake and the batcher's sealing in process, without a chain: a real node store on disk,
 * an index reader the test controls (to hold a request between its store read and its commit),
 * and a batcher whose provider is never reached.
 */
import { expect } from "chai";
import { rmSync } from "node:fs";
import { JsonRpcProvider, Wallet, id as keccakText } from "ethers";
import pino from "pino";
import { MAX_USAGE_ENTRIES, receiptToJson, usageWords, type Receipt } from "../../scripts/lib/receipts";
import { createIntake, type Intake } from "../../ledger-service/src/node/intake";
import { createBatcher, takeForBatch } from "../../ledger-service/src/node/batcher";
import { openNodeStore, type BatchEntry, type NodeStore, type PendingRef } from "../../ledger-service/src/node/store";
import type { ViewReader } from "../../ledger-service/src/store/types";
import { tmpDir } from "./follower.helpers";
import { sampleReceipt } from "./helpers/receipts";

const NODE = 7n;
const key = new Wallet(Wallet.createRandom().privateKey);
const ANCHOR = "0x" + "ab".repeat(20);

const receipt = (n: number, over: Partial<Receipt> = {}): Receipt => sampleReceipt(`unit-${n}`, NODE, over);

/** An index that knows nothing (every receipt is flagged, which a non-strict intake records). */
function gatedReader(): { reader: ViewReader; hold(): { reached: Promise<void>; release(): void } } {
  let gate: { reached: () => void; wait: Promise<void> } | undefined;
  return {
    reader: {
      async get() {
        return undefined;
      },
      range: () => ({ async *[Symbol.asyncIterator]() {} }),
      // The checks take the index here (then read it synchronously): a held request waits here.
      async now() {
        const g = gate;
        if (g) {
          gate = undefined;
          g.reached();
          await g.wait;
        }
        return { get: () => undefined };
      },
    },
    hold() {
      let reached!: () => void;
      let release!: () => void;
      const r = new Promise<void>((res) => (reached = res));
      const wait = new Promise<void>((res) => (release = res));
      gate = { reached, wait };
      return { reached: r, release };
    },
  };
}

async function count(store: NodeStore, prefix: string): Promise<number> {
  let n = 0;
  for await (const _ of store.range(prefix)) n++;
  return n;
}

describe("node intake and sealing, in process (C22 C31)", function () {
  this.timeout(60_000);
  let dir: string;
  let store: NodeStore;
  let gated: ReturnType<typeof gatedReader>;
  let intake: Intake;
  let enqueued: PendingRef[];

  beforeEach(async () => {
    dir = tmpDir("intake-unit");
    store = await openNodeStore(dir, 0);
    gated = gatedReader();
    enqueued = [];
    intake = createIntake({
      store,
      reader: gated.reader,
      nodeId: NODE,
      key,
      chainId: 31337,
      anchorAddress: ANCHOR,
      strict: false,
      now: Date.now,
      enqueue: (refs) => enqueued.push(...refs),
    });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("C22 two concurrent requests with the same new receipt: one accepts it, the other answers it as a duplicate; stored and queued once", async () => {
    const r = receipt(1);
    // Request B reads the store, then waits in its checks while request A stores the same receipt.
    const held = gated.hold();
    const b = intake([receiptToJson(r)]);
    await held.reached;
    const a = await intake([receiptToJson(r)]);
    expect(a.accepted).to.equal(1);
    held.release();
    const second = await b;
    expect(second.accepted, "the second request must not accept the receipt again").to.equal(0);
    expect(second.duplicates).to.equal(1);
    expect(second.receipts[0].status).to.equal("duplicate");
    expect(second.acknowledgements[0].signature).to.equal(a.acknowledgements[0].signature);
    expect(enqueued.map((x) => x.id)).to.deep.equal([r.id]);
    expect(store.meta.arrivals).to.equal(1);
    expect(await count(store, "q:")).to.equal(1);
    expect(await count(store, "a:")).to.equal(1);
  });

  it("C22 a concurrent request reusing the id with other contents is refused 409 and stores nothing", async () => {
    const r = receipt(2);
    const held = gated.hold();
    const b = intake([receiptToJson({ ...r, recordCount: 99n })]);
    await held.reached;
    await intake([receiptToJson(r)]);
    held.release();
    let status = 0;
    await b.catch((e: { status: number }) => (status = e.status));
    expect(status).to.equal(409);
    expect(enqueued.map((x) => x.id)).to.deep.equal([r.id]);
    expect(await count(store, "r:")).to.equal(1);
  });

  const make = (over: Partial<Parameters<typeof createIntake>[0]>) =>
    createIntake({ store, reader: gated.reader, nodeId: NODE, key, chainId: 31337, anchorAddress: ANCHOR, strict: false, now: Date.now, enqueue: (refs) => enqueued.push(...refs), ...over });
  const statusOf = async (p: Promise<unknown>): Promise<{ status: number; message: string }> => {
    try {
      await p;
    } catch (e) {
      return { status: (e as { status: number }).status, message: (e as Error).message };
    }
    throw new Error("the intake accepted the request");
  };

  it("C13 under STRICT_INTAKE a request with a receipt that breaks a rule is refused 422 whole, and nothing is stored", async () => {
    // The index knows none of the records: every receipt is flagged (authorization, scenario, product unknown).
    const strict = make({ strict: true });
    const r = await statusOf(strict([receiptToJson(receipt(10)), receiptToJson(receipt(11))]));
    expect(r.status).to.equal(422);
    expect(r.message).to.contain("2 receipts break a rule");
    expect(enqueued).to.deep.equal([]);
    expect(store.meta.arrivals).to.equal(0);
    expect(await count(store, "r:")).to.equal(0);
    // The same receipts without STRICT_INTAKE are recorded, flagged.
    const relaxed = await intake([receiptToJson(receipt(10))]);
    expect(relaxed.accepted).to.equal(1);
    expect(relaxed.receipts[0].flags.map((f) => f.rule)).to.include("authorization-unknown");
  });

  it("C31 while the node cannot check receipts (index behind, key no longer allowed) the intake answers 503 naming why, and stores nothing", async () => {
    let why: string | null = "the index is syncing (120 blocks behind)";
    const gatedIntake = make({ notReady: () => why });
    const r = await statusOf(gatedIntake([receiptToJson(receipt(20))]));
    expect(r.status).to.equal(503);
    expect(r.message).to.contain("the index is syncing (120 blocks behind)");
    expect(await count(store, "r:")).to.equal(0);
    why = null;
    expect((await gatedIntake([receiptToJson(receipt(20))])).accepted).to.equal(1);
  });
});

describe("batch sealing respects the chain's limits (C31)", function () {
  this.timeout(60_000);

  const ref = (n: number, resources: number[]): PendingRef => ({
    id: keccakText(`seal-${n}`),
    leaf: keccakText(`leaf-${n}`),
    ts: 1_700_000_000 + n,
    arrival: n,
    scenarioId: "1",
    productId: resources.length === 0 ? "1" : "0",
    resourceIds: resources.map(String),
    fee: "0",
    at: 0,
  });

  it("C31 a batch holds at most MAX_USAGE_ENTRIES usage words, however many distinct resources its receipts name", () => {
    // 4,096 receipts naming 64 resources each, all different: one batch of them would need
    // 262,145 usage words, which the ReceiptAnchor refuses (it would stall the node forever).
    const pending = Array.from({ length: 4096 }, (_, i) => ref(i, Array.from({ length: 64 }, (_, k) => 1 + i * 64 + k)));
    let rest = pending;
    const sizes: number[] = [];
    while (rest.length > 0) {
      const n = takeForBatch(rest, 4096);
      const words = usageWords(rest.slice(0, n).map((r) => ({ scenarioId: 1n, productId: BigInt(r.productId), resourceIds: r.resourceIds.map(BigInt), fee: 0n })));
      expect(words.length).to.be.at.most(MAX_USAGE_ENTRIES);
      sizes.push(n);
      rest = rest.slice(n);
    }
    // 1 scenario word + 64 per receipt: 7 receipts (449 words) fit, the eighth would make 513.
    expect(sizes[0]).to.equal(7);
    expect(sizes.reduce((a, b) => a + b, 0)).to.equal(4096);
    // Receipts sharing their words fill a whole batch.
    expect(takeForBatch(Array.from({ length: 5000 }, (_, i) => ref(i, [])), 4096)).to.equal(4096);
  });

  it("C31 the batcher seals those receipts into batches the chain accepts, and nothing is lost or doubled", async () => {
    const dir = tmpDir("seal-unit");
    const store = await openNodeStore(dir, 0);
    const provider = new JsonRpcProvider("http://127.0.0.1:9", 31337, { staticNetwork: true });
    const batcher = createBatcher({
      store,
      provider,
      key,
      nodeId: NODE,
      anchorAddress: ANCHOR,
      batchMax: 64,
      batchMaxAge: 3600,
      replaceAfter: 60,
      finalityDepth: 2,
      finalizedTag: false,
      startBlock: 0,
      maxBlockRange: 2000,
      logger: pino({ level: "silent" }),
      now: Date.now,
    });
    try {
      const refs = Array.from({ length: 100 }, (_, i) => ref(i, Array.from({ length: 64 }, (_, k) => 1 + i * 64 + k)));
      batcher.enqueue(refs); // 100 >= batchMax: seals now, in this tick
      await batcher.drain(0);
      const seen = new Set<string>();
      for await (const [, b] of store.range<BatchEntry>("b:")) {
        expect(b.usage.length).to.be.at.most(MAX_USAGE_ENTRIES);
        expect(b.receiptCount).to.equal(b.ids.length);
        for (const id of b.ids) {
          expect(seen.has(id)).to.equal(false);
          seen.add(id);
        }
      }
      expect(seen.size).to.equal(100);
      expect(await count(store, "q:")).to.equal(0);
      expect(store.meta.lastSealed).to.equal(Math.ceil(100 / 7));
    } finally {
      await batcher.stop();
      provider.destroy();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
