/**
 * The view worker (store/view-worker.ts): the views it applies in its own thread must leave the
 * index exactly as the same views applied in the main thread — the same entries after every range,
 * the same state after an unwind — and a failure there must leave the index as it was.
 */
import { expect } from "chai";
import pino from "pino";
import { openStore, ViewError, type BlockRef, type Store } from "../../ledger-service/src/store/db";
import type { ChainEvent, JsonValue, View } from "../../ledger-service/src/store/types";
import { createViews, viewIdentity } from "../../ledger-service/src/views";
import { SPACE } from "../../ledger-service/src/views/util";
import { loadConfig } from "../../ledger-service/src/runtime/config";
import { loadProfile } from "../../policy/profile";
import { encodeUsageWord, type UsageEntry } from "../../scripts/lib/receipts";
import { tmpDir } from "./follower.helpers";
import { createChainBuilder, openTestStore, seedGovernance, seedWorld } from "./helpers/ledger";

const profile = loadProfile("huizhou");
const logger = pino({ level: "silent" });
const T0 = 1_767_225_600; // 2026-01-01T00:00:00Z
const hash = (n: number, salt = 0) => `0x${(n * 1000 + salt).toString(16).padStart(64, "0")}`;
const block = (n: number): BlockRef => ({ number: n, hash: hash(n), parentHash: hash(n - 1), timestamp: T0 + n * 3600 });

/** A BatchAnchored event of node `node`, the `sequence`-th, in block `n`. */
function batch(n: number, logIndex: number, node: number, sequence: number, entries: UsageEntry[]): ChainEvent {
  const at = block(n).timestamp;
  return {
    contract: "ReceiptAnchor",
    event: "BatchAnchored",
    args: {
      nodeId: String(node),
      sequence: String(sequence),
      root: hash(node, sequence),
      receiptCount: String(entries.filter((e) => e.kind === "Scenario").reduce((s, e) => s + e.count, 0)),
      firstAt: String(at - 3000),
      lastAt: String(at - 60),
      metadataHash: hash(sequence, node),
      anchoredBy: "0x" + "ab".repeat(20),
      usage: entries.map(encodeUsageWord).sort(),
    },
    blockNumber: n,
    blockHash: hash(n),
    timestamp: at,
    txHash: hash(n, logIndex + 7),
    logIndex,
  };
}

/** Blocks 1..blocks, two nodes anchoring in each, the same products and scenarios again and again. */
function chainOf(blocks: number): ChainEvent[] {
  const out: ChainEvent[] = [];
  for (let n = 1; n <= blocks; n++) {
    for (const node of [1, 2]) {
      const id = BigInt(1 + ((n + node) % 3));
      out.push(batch(n, node - 1, node, n, [
        { kind: "Scenario", id, count: 10 * n + node, fee: BigInt(n * 100) },
        { kind: "Product", id: id + 10n, count: 5 * n, fee: BigInt(n * 50) },
      ]));
    }
  }
  return out;
}

/** Applies `events` as ranges of `per` blocks, keeping undo records for blocks above `finalized`. */
async function applyAll(store: Store, events: ChainEvent[], views: View[], upTo: number, per: number, finalized: number) {
  for (let from = 1; from <= upTo; from += per) {
    const to = Math.min(upTo, from + per - 1);
    const blocks: BlockRef[] = [];
    for (let n = from; n <= to; n++) blocks.push(block(n));
    await store.applyRange({ blocks, events: events.filter((e) => e.blockNumber >= from && e.blockNumber <= to), finalized, views });
  }
}

async function open(name: string, views: View[], worker: boolean): Promise<Store> {
  const identity = { chainId: 1, startBlock: 1, startBlockHash: "0x", contracts: [], views: viewIdentity(views) };
  const viewWorker = worker ? { views: viewIdentity(views.filter((v) => v.name === "usage")), profile } : undefined;
  const { store } = await openStore({ logger }, { dataDir: tmpDir(name), identity, viewWorker });
  // Until its worker is ready a store applies every view itself: wait, so the worker is what is tested.
  for (let i = 0; worker && store.viewWorker() !== "ready"; i++) {
    if (i > 600 || store.viewWorker() === "failed") throw new Error(`view worker ${store.viewWorker()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return store;
}

describe("ledger-service view worker", function () {
  this.timeout(60_000);

  it("leaves the same index as the main thread after every range, and unwinds its writes to the same state", async function () {
    const views = createViews(profile);
    const events = chainOf(12);
    const inThread = await open("vw-main", views, false);
    const threaded = await open("vw-thread", views, true);
    const reference = await open("vw-ref", views, false);
    try {
      await applyAll(inThread, events, views, 12, 3, 4);
      await applyAll(threaded, events, views, 12, 3, 4);
      const all = await threaded.dump();
      expect(all.filter((e) => e.space === SPACE.receiptBatch)).to.have.length(24);
      expect(all).to.deep.equal(await inThread.dump());
      const usage = all.find((e) => e.space === SPACE.usage && e.value !== null && (e.value as { nodeId?: string }).nodeId === "1")!.value as { batches: number; lastSequence: string };
      expect(usage.batches).to.equal(12);
      expect(usage.lastSequence).to.equal("12");

      // Unwind to block 6: the worker's writes of blocks 7..12 are undone like the others.
      await threaded.unwindTo(block(6));
      await inThread.unwindTo(block(6));
      await applyAll(reference, events, views, 6, 3, 4);
      const after = await threaded.dump();
      expect(after).to.deep.equal(await reference.dump());
      expect(after).to.deep.equal(await inThread.dump());
      expect(after.filter((e) => e.space === SPACE.receiptBatch)).to.have.length(12);
    } finally {
      await inThread.close();
      await threaded.close();
      await reference.close();
    }
  });

  it("refuses a range a worker view fails on as a ViewError naming the view and the event, and writes none of it", async function () {
    const views = createViews(profile);
    const store = await open("vw-fail", views, true);
    try {
      const events = chainOf(4);
      await applyAll(store, events, views, 2, 2, 0);
      const before = await store.dump();
      const checkpoint = store.state().checkpoint;
      const bad = batch(3, 0, 1, 3, []);
      bad.args.usage = ["0x1234"]; // not a 32-byte usage word
      const err = await store.applyRange({ blocks: [block(3)], events: [bad], finalized: 0, views }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(ViewError);
      expect((err as ViewError).view).to.equal("usage");
      expect((err as ViewError).event.blockNumber).to.equal(3);
      expect(await store.dump()).to.deep.equal(before);
      expect(store.state().checkpoint).to.deep.equal(checkpoint);
      // The worker is still there for the next range.
      await applyAll(store, events, views, 2, 2, 0);
      await store.applyRange({ blocks: [block(3)], events: events.filter((e) => e.blockNumber === 3), finalized: 0, views });
      expect(store.state().checkpoint?.number).to.equal(3);
    } finally {
      await store.close();
    }
  });

  /**
   * Applies block 1 with a main-thread view that also writes `space` beside the real views (the
   * worker running usage); resolves with the refusal, after checking that nothing was written.
   */
  async function refusalWithIntruder(name: string, space: string, finalized: number): Promise<Error | undefined> {
    const intruder: View = {
      name: "intruder",
      async apply(tx, e) {
        if (e.event === "BatchAnchored") tx.put(space, "000000000000000000001", { intruded: true } as JsonValue);
      },
    };
    const views = [...createViews(profile), intruder];
    const store = await open(name, views, true);
    try {
      const err = await store.applyRange({ blocks: [block(1)], events: chainOf(1), finalized, views }).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(await store.dump()).to.deep.equal([]);
      return err;
    } finally {
      await store.close();
    }
  }

  it("refuses a range in which the worker read a space a main-thread view wrote (its writes were not visible there)", async function () {
    const err = await refusalWithIntruder("vw-stale", SPACE.usage, 0);
    expect(err?.message).to.match(/view worker read usage, which views of the main thread wrote/);
  });

  it("refuses a range in which a main-thread view wrote a space the worker also wrote (one of the writes would be lost)", async function () {
    // Block 1 final: the worker reads nothing back for undo records, so only the shared write is seen.
    const err = await refusalWithIntruder("vw-shared", SPACE.batchOrder, 10);
    expect(err?.message).to.match(/views of the worker and of the main thread both wrote batch-order/);
  });

  it("hands each view only the events it declares, leaving the index exactly as when every view sees every event", async function () {
    const routed = createViews(profile);
    const unrouted: View[] = routed.map((v) => ({ ...v, events: undefined }));
    expect(routed.filter((v) => v.events !== undefined).map((v) => v.name)).to.include.members(["usage", "authorizations", "names", "search", "deadlines"]);
    const dumps = [];
    for (const views of [routed, unrouted]) {
      const ts = await openTestStore(views);
      try {
        const b = createChainBuilder();
        seedWorld(b);
        seedGovernance(b, T0 + 400 * 86_400);
        await ts.apply(b);
        dumps.push(await ts.store.dump());
      } finally {
        await ts.close();
      }
    }
    expect(new Set(dumps[0].map((e) => e.space)).size).to.be.greaterThan(20);
    expect(dumps[0]).to.deep.equal(dumps[1]);
  });

  it("VIEW_WORKER names the views run in the worker: none by default, or views that can run there; anything else is refused", function () {
    const base = { RPC_URL: "http://127.0.0.1:8545", DEPLOYMENT_FILE: "x.json" };
    expect(loadConfig(base).VIEW_WORKER).to.deep.equal([]);
    expect(loadConfig({ ...base, VIEW_WORKER: "usage" }).VIEW_WORKER).to.deep.equal(["usage"]);
    expect(loadConfig({ ...base, VIEW_WORKER: "none" }).VIEW_WORKER).to.deep.equal([]);
    expect(loadConfig({ ...base, VIEW_WORKER: "usage,usage" }).VIEW_WORKER).to.deep.equal(["usage"]);
    expect(() => loadConfig({ ...base, VIEW_WORKER: "usage;rm" })).to.throw(/VIEW_WORKER must be "none" or view names/);
    // A view that reads what other views write (deadlines reads the authorizations) cannot.
    expect(() => loadConfig({ ...base, VIEW_WORKER: "usage,deadlines" })).to.throw(/VIEW_WORKER: only these views can run in the worker: usage/);
  });
});
