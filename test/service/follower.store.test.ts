/**
 * The store's undo records without a chain: a view that changes a value it read in place (as the
 * real views do) must still unwind to the value before the block.
 */
import { expect } from "chai";
import pino from "pino";
import { Level } from "level";
import { openStore, ViewError, type BlockRef, type Store } from "../../ledger-service/src/store/db";
import { cloneJson, createRangeTx } from "../../ledger-service/src/store/rangetx";
import type { ChainEvent, JsonValue, View, ViewReader } from "../../ledger-service/src/store/types";
import { tmpDir } from "./follower.helpers";

const block = (n: number): BlockRef => ({ number: n, hash: `0x${n.toString(16).padStart(64, "0")}`, parentHash: `0x${(n - 1).toString(16).padStart(64, "0")}`, timestamp: 1_700_000_000 + n });
const event = (n: number, name: string): ChainEvent => ({
  contract: "C",
  event: name,
  args: {},
  blockNumber: n,
  blockHash: block(n).hash,
  timestamp: block(n).timestamp,
  txHash: `0x${"1".repeat(64)}`,
  logIndex: 0,
});

/** Keeps one record whose list grows in place, the way the participants view adds signers. */
const mutating: View = {
  name: "mutating",
  async apply(tx, e) {
    const r = (await tx.get<{ seen: string[] }>("record", "r")) ?? { seen: [] };
    r.seen.push(`${e.event}@${e.blockNumber}`);
    tx.put("record", "r", r);
  },
};

describe("ledger-service store", function () {
  it("unwinds a value a later block of the same range changed in place to its value before that block", async function () {
    const { store } = await openStore(
      { logger: pino({ level: "silent" }) },
      { dataDir: tmpDir("store"), identity: { chainId: 1, startBlock: 1, startBlockHash: "0x", contracts: [], views: ["mutating"] } },
    );
    try {
      await store.applyRange({ blocks: [block(1)], events: [event(1, "A")], finalized: 1, views: [mutating] });
      // One range, two blocks above the finalized one: block 3 changes block 2's pending value in place.
      await store.applyRange({ blocks: [block(2), block(3)], events: [event(2, "B"), event(3, "C")], finalized: 1, views: [mutating] });
      expect(await store.reader.get("record", "r")).to.deep.equal({ seen: ["A@1", "B@2", "C@3"] });
      await store.unwindTo(block(2));
      expect(await store.reader.get("record", "r")).to.deep.equal({ seen: ["A@1", "B@2"] });
      await store.unwindTo(block(1));
      expect(await store.reader.get("record", "r")).to.deep.equal({ seen: ["A@1"] });
    } finally {
      await store.close();
    }
  });

  it("copies a value for its undo record as structuredClone does, sharing nothing with it", function () {
    const values: JsonValue[] = [
      null, 0, -1.5, "", "数据", true,
      [], {}, [1, [2, [3]], { a: null }],
      { kind: "Product", id: "12", day: null, count: 3, fee: "1500", points: { "1": [3, "10"], "2": [4, "0"] } },
      JSON.parse('{"__proto__": {"x": 1}, "constructor": 2, "a": [{"__proto__": null}]}') as JsonValue,
    ];
    for (const v of values) {
      const copy = cloneJson(v);
      expect(copy).to.deep.equal(structuredClone(v));
      expect(JSON.stringify(copy)).to.equal(JSON.stringify(v));
    }
    const record = values[9] as { points: { [id: string]: [number, string] } };
    const copy = cloneJson(record);
    copy.points["1"][0] = 99;
    copy.points["3"] = [1, "1"];
    expect(record.points).to.deep.equal({ "1": [3, "10"], "2": [4, "0"] });
    // A `__proto__` key stays an own property of the copy: the prototype is not changed.
    const odd = cloneJson(values[10]) as { [key: string]: JsonValue };
    expect([Object.getPrototypeOf(odd), Object.keys(odd), (odd as { x?: number }).x]).to.deep.equal([Object.prototype, ["__proto__", "constructor", "a"], undefined]);
  });
});

describe("ledger-service store: synchronous and asynchronous views", function () {
  /** Adds `${tag}:${event}` to one list, the order the store applied them in. */
  const noting = (tx: Parameters<View["apply"]>[0], note: string) => {
    const r = tx.get<{ order: string[] }>("order", "r") ?? { order: [] };
    r.order.push(note);
    tx.put("order", "r", r);
  };
  const later: View = {
    name: "later",
    async apply(tx, e) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      noting(tx, `later:${e.event}`);
    },
  };
  const now: View = { name: "now", apply: (tx, e) => noting(tx, `now:${e.event}`) };
  const boom: View = {
    name: "boom",
    apply() {
      throw new Error("boom");
    },
  };

  it("awaits a view's promise before the next view and event, and reports a view that throws synchronously as a ViewError, writing nothing of its range", async function () {
    const { store } = await openStore(
      { logger: pino({ level: "silent" }) },
      { dataDir: tmpDir("store-sync"), identity: { chainId: 1, startBlock: 1, startBlockHash: "0x", contracts: [], views: ["later", "now", "boom"] } },
    );
    try {
      await store.applyRange({ blocks: [block(1)], events: [event(1, "A"), { ...event(1, "B"), logIndex: 1 }], finalized: 1, views: [later, now] });
      expect(await store.reader.get("order", "r")).to.deep.equal({ order: ["later:A", "now:A", "later:B", "now:B"] });
      const err = await store.applyRange({ blocks: [block(2)], events: [event(2, "C")], finalized: 2, views: [now, boom] }).then(
        () => expect.fail("the range must fail"),
        (e: Error) => e,
      );
      expect(err).to.be.instanceOf(ViewError);
      expect((err as ViewError).view).to.equal("boom");
      expect(store.state().checkpoint?.number).to.equal(1);
      expect(await store.reader.get("order", "r"), "the sync view's write in the failed range is dropped").to.deep.equal({ order: ["later:A", "now:A", "later:B", "now:B"] });
    } finally {
      await store.close();
    }
  });
});

describe("ledger-service store: one write per applied range", function () {
  it("writes a range's views, undo records, block refs, checkpoint and range size in one LevelDB batch, and keeps the range size", async function () {
    const dir = tmpDir("store-atomic");
    const identity = { chainId: 1, startBlock: 1, startBlockHash: "0x", contracts: [], views: ["mutating"] };
    const logger = pino({ level: "silent" });
    const { store } = await openStore({ logger }, { dataDir: dir, identity });
    // Every write that reaches LevelDB goes through one of these (sublevels forward to the root's),
    // or through a chained batch (its operations collected natively, then one `_write`).
    const proto = Level.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
    const probe = new Level<string, string>(tmpDir("store-probe"));
    await probe.open();
    const chained = Object.getPrototypeOf(probe.batch()) as Record<string, (...a: unknown[]) => unknown>;
    await probe.close();
    const writes: { method: string; keys: string[] }[] = [];
    const collected = new WeakMap<object, string[]>();
    const originals = new Map<Record<string, (...a: unknown[]) => unknown>, Map<string, (...a: unknown[]) => unknown>>([
      [proto, new Map()],
      [chained, new Map()],
    ]);
    for (const method of ["_put", "_del", "_batch"]) {
      const original = proto[method];
      originals.get(proto)!.set(method, original);
      proto[method] = function (this: unknown, ...args: unknown[]) {
        const keys = method === "_batch" ? (args[0] as { key: string }[]).map((op) => String(op.key)) : [String(args[0])];
        writes.push({ method, keys });
        return original.apply(this, args);
      };
    }
    for (const method of ["_put", "_del", "_write"]) {
      const original = chained[method];
      originals.get(chained)!.set(method, original);
      chained[method] = function (this: object, ...args: unknown[]) {
        if (method === "_write") writes.push({ method: "chained batch", keys: collected.get(this) ?? [] });
        else collected.set(this, [...(collected.get(this) ?? []), String(args[0])]);
        return original.apply(this, args);
      };
    }
    try {
      await store.applyRange({ blocks: [block(1), block(2)], events: [event(1, "A"), event(2, "B")], finalized: 1, views: [mutating], rangeSize: 64 });
    } finally {
      for (const [target, methods] of originals) for (const [method, original] of methods) target[method] = original;
    }
    try {
      expect(writes.map((w) => w.method)).to.deep.equal(["chained batch"]);
      const keys = writes[0].keys;
      for (const part of ["!meta!checkpoint", "!meta!rangeSize", "!undo!", "!blocks!", "!v:record!r"]) {
        expect(keys.some((k) => k.includes(part)), `${part} in ${keys.join(", ")}`).to.equal(true);
      }
      expect(store.state().rangeSize).to.equal(64);
    } finally {
      await store.close();
    }
    const reopened = await openStore({ logger }, { dataDir: dir, identity });
    try {
      expect(reopened.reset).to.equal(false);
      expect(reopened.store.state().rangeSize).to.equal(64);
      expect(reopened.store.state().checkpoint?.number).to.equal(2);
    } finally {
      await reopened.store.close();
    }
  });
});

describe("ledger-service store: a range's views run while the previous range is written (overlap)", function () {
  const identity = { chainId: 1, startBlock: 1, startBlockHash: "0x", contracts: [], views: ["mutating"] };
  const logger = pino({ level: "silent" });

  /** Holds every chained batch write until `release` (or fails it with `fail`). */
  async function gateWrites() {
    const probe = new Level<string, string>(tmpDir("store-probe"));
    await probe.open();
    const chained = Object.getPrototypeOf(probe.batch()) as Record<string, (...a: unknown[]) => Promise<void>>;
    await probe.close();
    const original = chained._write;
    let open!: () => void;
    let shut!: (err: Error) => void;
    const gate = new Promise<void>((resolve, reject) => ((open = resolve), (shut = reject)));
    gate.catch(() => undefined);
    chained._write = async function (this: unknown, ...args: unknown[]) {
      await gate;
      return original.apply(this, args);
    };
    return { release: open, fail: shut, restore: () => void (chained._write = original) };
  }

  it("reads the values of the range being written from memory, shows neither range until each is written, and unwinds across them", async function () {
    const { store } = await openStore({ logger }, { dataDir: tmpDir("store-overlap"), identity });
    const gate = await gateWrites();
    try {
      const first = await store.applyRange({ blocks: [block(1)], events: [event(1, "A")], finalized: 1, views: [mutating], overlap: true });
      // Handed to LevelDB, not written: the index and its state do not show it yet.
      expect(store.state().checkpoint).to.equal(undefined);
      expect(await store.reader.get("record", "r")).to.equal(undefined);
      const second = store.applyRange({ blocks: [block(2), block(3)], events: [event(2, "B"), event(3, "C")], finalized: 1, views: [mutating] });
      await new Promise((resolve) => setImmediate(resolve)); // its views have run; its write waits for the first
      expect(store.state().checkpoint).to.equal(undefined);
      gate.release();
      await first.durable;
      await second;
      expect(store.state().checkpoint?.number).to.equal(3);
      // Block 2 read block 1's value while LevelDB was still writing it.
      expect(await store.reader.get("record", "r")).to.deep.equal({ seen: ["A@1", "B@2", "C@3"] });
      await store.unwindTo(block(1));
      expect(await store.reader.get("record", "r")).to.deep.equal({ seen: ["A@1"] });
    } finally {
      gate.restore();
      await store.close();
    }
  });

  it("fails the next range with the write that failed, and keeps the index as it was", async function () {
    const { store } = await openStore({ logger }, { dataDir: tmpDir("store-overlap-fail"), identity });
    await store.applyRange({ blocks: [block(1)], events: [event(1, "A")], finalized: 1, views: [mutating] });
    const gate = await gateWrites();
    try {
      const first = await store.applyRange({ blocks: [block(2)], events: [event(2, "B")], finalized: 1, views: [mutating], overlap: true });
      const second = store.applyRange({ blocks: [block(3)], events: [event(3, "C")], finalized: 1, views: [mutating] });
      gate.fail(new Error("disk full"));
      await first.durable.then(() => expect.fail("the write was failed"), (err: Error) => expect(err.message).to.equal("disk full"));
      await second.then(() => expect.fail("the range after a failed write must fail"), (err: Error) => expect(err.message).to.equal("disk full"));
      expect(store.state().checkpoint?.number).to.equal(1);
      expect(await store.reader.get("record", "r")).to.deep.equal({ seen: ["A@1"] });
    } finally {
      gate.restore();
      await store.close();
    }
  });
});

describe("ledger-service store: values appended by views (ViewTx.append)", function () {
  const identity = { chainId: 1, startBlock: 1, startBlockHash: "0x", contracts: [], views: ["log"] };
  const logger = pino({ level: "silent" });
  /** Appends one entry per event to "log", and fails on an event named "Boom" after appending. */
  const log: View = {
    name: "log",
    async apply(tx, e) {
      tx.append("log", `${e.blockNumber}`, { event: e.event, block: e.blockNumber });
      tx.put("count", "n", ((tx.get<number>("count", "n") ?? 0) + 1) as number);
      if (e.event === "Boom") throw new Error("boom");
    },
  };
  const logged = async (reader: { range: ViewReader["range"] }) => {
    const out: [string, JsonValue][] = [];
    for await (const kv of reader.range("log")) out.push(kv);
    return out;
  };
  /** Runs `test` on a store of its own in a fresh directory, closed after it. */
  const withStore = async (name: string, views: string[], test: (store: Store) => Promise<void>) => {
    const { store } = await openStore({ logger }, { dataDir: tmpDir(name), identity: { ...identity, views } });
    try {
      await test(store);
    } finally {
      await store.close();
    }
  };

  it("hands an appended value to the sink at once as JSON; above the finalized block with an undo record that deletes it, read from nowhere", function () {
    const sunk: [string, string, string][] = [];
    const reads: string[] = [];
    const stored = (space: string, key: string) => void reads.push(`${space}/${key}`);
    const rt = createRangeTx(stored, { sink: (space, key, json) => void sunk.push([space, key, json]) });
    rt.block(1, false);
    rt.tx.append("log", "1", { a: 1 });
    expect(sunk, "written at once, as JSON").to.deep.equal([["log", "1", '{"a":1}']]);
    expect(rt.written("log", "1"), "not kept in the range").to.equal(undefined);
    expect(rt.spaces(), "but named among the spaces the range wrote").to.deep.equal(["log"]);
    rt.block(2, true);
    rt.tx.append("log", "2", { a: 2 });
    expect(sunk, "a block that can still be unwound writes it at once too").to.deep.equal([["log", "1", '{"a":1}'], ["log", "2", '{"a":2}']]);
    const result = rt.finish();
    expect(result.writes, "nothing kept for the range's end").to.deep.equal([]);
    // Each key is appended once: it did not exist before, so its undo deletes it.
    expect([result.undo, result.undoCount]).to.deep.equal([[[2, [{ space: "log", key: "2" }]]], 1]);
    expect(reads, "no previous value asked of the store").to.deep.equal([]);
  });

  it("keeps an appended value for the range's end where there is no sink (the view worker), with the same undo record", function () {
    const reads: string[] = [];
    const rt = createRangeTx((space, key) => void reads.push(`${space}/${key}`));
    rt.block(1, false);
    rt.tx.append("log", "1", { a: 1 });
    rt.block(2, true);
    rt.tx.append("log", "2", { a: 2 });
    const result = rt.finish();
    expect(result.writes).to.deep.equal([{ space: "log", keys: ["1", "2"], values: ['{"a":1}', '{"a":2}'] }]);
    expect(result.undo).to.deep.equal([[2, [{ space: "log", key: "2" }]]]);
    expect(reads).to.deep.equal([]);
  });

  it("refuses to read a space written with append or to write it otherwise, and to append to a space the range wrote otherwise", function () {
    const appendOnly = new Set<string>();
    const rt = createRangeTx(() => undefined, { sink: () => undefined, appendOnly });
    rt.block(1, false);
    rt.tx.append("log", "1", { a: 1 });
    expect(() => rt.tx.get("log", "1")).to.throw("space log is written with append");
    // A put kept until the range's end would land in the batch after the appended value.
    expect(() => rt.tx.put("log", "1", { a: 2 })).to.throw("space log is written with append");
    expect(() => rt.tx.del("log", "1")).to.throw("space log is written with append");
    rt.tx.put("other", "1", 1);
    expect(() => rt.tx.append("other", "2", 2)).to.throw("space other is written with put or del");
    expect(rt.finish().writes, "nothing refused was kept").to.deep.equal([{ space: "other", keys: ["1"], values: ["1"] }]);
  });

  it("refuses, in a later range, a view that reads a space appended to before (a ViewError, nothing written)", async function () {
    const reader: View = {
      name: "reader",
      async apply(tx) {
        tx.get("log", "1");
      },
    };
    await withStore("store-append-read", ["log", "reader"], async (store) => {
      await store.applyRange({ blocks: [block(1)], events: [event(1, "A")], finalized: 5, views: [log] });
      // Only the reader in this range: nothing appends to "log" before it reads.
      const err = await store.applyRange({ blocks: [block(2)], events: [event(2, "B")], finalized: 5, views: [reader] }).then(
        () => expect.fail("the range must fail"),
        (e: Error) => e,
      );
      expect(err).to.be.instanceOf(ViewError);
      expect(err.message).to.contain("space log is written with append");
      expect(store.state().checkpoint?.number).to.equal(1);
    });
  });

  it("shows an appended value to the API's reader once written, though the reader had asked for it before (the record cache forgets the key)", async function () {
    await withStore("store-append-cache", ["log"], async (store) => {
      await store.applyRange({ blocks: [block(1)], events: [event(1, "A")], finalized: 5, views: [log] });
      expect(await store.reader.get("log", "2"), "absent, and cached as absent").to.equal(undefined);
      await store.applyRange({ blocks: [block(2)], events: [event(2, "B")], finalized: 5, views: [log] });
      expect(await store.reader.get("log", "2")).to.deep.equal({ event: "B", block: 2 });
    });
  });

  it("writes nothing of a range a view fails in after appending, and the next range writes only its own", async function () {
    await withStore("store-append-fail", ["log"], async (store) => {
      await store.applyRange({ blocks: [block(1)], events: [event(1, "A")], finalized: 5, views: [log] });
      const failed = await store.applyRange({ blocks: [block(2), block(3)], events: [event(2, "B"), event(3, "Boom")], finalized: 5, views: [log] }).then(
        () => expect.fail("the range must fail"),
        (err: Error) => err,
      );
      expect(failed).to.be.instanceOf(ViewError);
      expect(store.state().checkpoint?.number).to.equal(1);
      expect(await logged(store.reader), "block 2's appended value was dropped with its range").to.deep.equal([["1", { event: "A", block: 1 }]]);
      await store.applyRange({ blocks: [block(2)], events: [event(2, "C")], finalized: 5, views: [log] });
      expect(await logged(store.reader)).to.deep.equal([
        ["1", { event: "A", block: 1 }],
        ["2", { event: "C", block: 2 }],
      ]);
      expect(await store.reader.get("count", "n")).to.equal(2);
    });
  });

  it("appends into the next range's batch while the previous one is written, and unwinds appended values above the finalized block", async function () {
    await withStore("store-append-overlap", ["log"], async (store) => {
      const first = await store.applyRange({ blocks: [block(1)], events: [event(1, "A")], finalized: 2, views: [log], overlap: true });
      const second = await store.applyRange({ blocks: [block(2)], events: [event(2, "B")], finalized: 2, views: [log], overlap: true });
      await store.applyRange({ blocks: [block(3), block(4)], events: [event(3, "C"), event(4, "D")], finalized: 2, views: [log] });
      await Promise.all([first.durable, second.durable]);
      expect((await logged(store.reader)).map(([k]) => k)).to.deep.equal(["1", "2", "3", "4"]);
      await store.unwindTo(block(3));
      expect((await logged(store.reader)).map(([k]) => k), "block 4 (above the finalized 2) unwound").to.deep.equal(["1", "2", "3"]);
      await store.unwindTo(block(2));
      expect((await logged(store.reader)).map(([k]) => k)).to.deep.equal(["1", "2"]);
      expect(await store.reader.get("count", "n")).to.equal(2);
    });
  });
});
