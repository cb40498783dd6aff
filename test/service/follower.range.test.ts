/**
 * The follower's range size against dense blocks, without a node: a scripted RPC serves a chain
 * whose log density jumps, and the ranges the follower applies are checked by their contents.
 * Then its reads of final blocks whose logs carry their block's time: which headers it asks, and
 * the answers it refuses.
 */
import { expect } from "chai";
import pino from "pino";
import { createFollower, type FollowerArgs, type FollowerEvent, type FollowerStatus } from "../../ledger-service/src/chain/follower";
import type { Decoder } from "../../ledger-service/src/chain/decoder";
import type { Rpc, RpcBlock, RpcLog } from "../../ledger-service/src/chain/rpc";

const hash = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;
const header = (n: number): RpcBlock => ({ number: n, hash: hash(n), parentHash: hash(n - 1), timestamp: 1_700_000_000 + n });

type ScriptedRpc = Rpc & { reads: number[]; headerReads: number[]; head: number };

/**
 * A fixed chain: `logsIn(n)` logs in block n, blocks 0..head (`head` may be moved back by the test:
 * the node then answers as if its chain were that short). With `timestamps`, each log carries its
 * block's time, as geth 1.16+ and anvil answer; `tamper` may change a log as served.
 */
function scriptedRpc(head: number, finalizedLag: number, logsIn: (n: number) => number, opts: { timestamps?: boolean; tamper?: (l: RpcLog) => RpcLog } = {}): ScriptedRpc {
  const logs: RpcLog[] = [];
  for (let n = 0; n <= head; n++) {
    for (let i = 0; i < logsIn(n); i++) {
      const l: RpcLog = { address: "0xc0ffee", topics: ["0x01"], data: "0x", blockNumber: n, blockHash: hash(n), transactionHash: hash(1_000_000 + n), logIndex: i, removed: false };
      if (opts.timestamps) l.blockTimestamp = header(n).timestamp;
      logs.push(opts.tamper ? opts.tamper(l) : l);
    }
  }
  const byTag = (tag: number | string): RpcBlock | null => {
    const n = tag === "latest" ? rpc.head : tag === "finalized" ? rpc.head - finalizedLag : Number(tag);
    if (typeof tag === "number") rpc.headerReads.push(tag);
    return n >= 0 && n <= rpc.head ? header(n) : null;
  };
  const rpc = {
    url: "scripted",
    head,
    reads: [] as number[],
    headerReads: [] as number[],
    eth_chainId: async () => 31337,
    eth_blockNumber: async () => rpc.head,
    eth_getBlockByNumber: async (tag: number | string) => byTag(tag),
    eth_getBlockByNumberBatch: async (numbers: number[]) => numbers.map(byTag),
    eth_getLogs: async (f: { fromBlock: number; toBlock: number }) => {
      const found = logs.filter((l) => l.blockNumber >= f.fromBlock && l.blockNumber <= Math.min(f.toBlock, rpc.head));
      rpc.reads.push(found.length);
      return found;
    },
  };
  return rpc as unknown as ScriptedRpc;
}

const decoder: Decoder = {
  addresses: ["0xc0ffee"],
  decode: (l, timestamp) => ({ contract: "C", event: "E", args: {}, blockNumber: l.blockNumber, blockHash: l.blockHash, timestamp, txHash: l.transactionHash, logIndex: l.logIndex }),
  events: () => ["C.E"],
};

/** A follower of the scripted node from block 0 (no confirmations, 100 logs a range at most). */
const scriptedFollower = (rpc: Rpc, maxRange: number, handler: Pick<FollowerArgs, "onEvent">) =>
  createFollower(
    { logger: pino({ level: "silent" }) },
    {
      rpc,
      decoder,
      startBlock: 0,
      initial: { checkpoint: undefined, finalized: -1, recent: [] },
      confirmations: 0,
      finalityDepth: 20,
      finalizedTag: "auto",
      pollIntervalMs: 10,
      maxRange,
      maxLogs: 100,
      retryMinMs: 1,
      ...handler,
    },
  );

describe("ledger-service follower range size (scripted node)", function () {
  it("indexes a dense chain in ranges of at most maxLogs logs (one block over the cap alone), every log once and in order, and never grows past the cap", async function () {
    const head = 240;
    // Sparse start, then 37 logs a block, one block of 260, then sparse again.
    const logsIn = (n: number) => (n >= 61 && n <= 160 ? 37 : n === 170 ? 260 : n % 7 === 0 ? 1 : 0);
    const rpc = scriptedRpc(head, 20, logsIn);
    const ranges: { first: number; last: number; events: FollowerEvent & { type: "block" } }[] = [];
    let done!: () => void;
    const reachedHead = new Promise<void>((r) => (done = r));
    const follower = scriptedFollower(rpc, 1000, {
      async onEvent(e) {
        if (e.type !== "block") return;
        ranges.push({ first: e.blocks[0].number, last: e.blocks[e.blocks.length - 1].number, events: e });
        if (e.blocks[e.blocks.length - 1].number === head) done();
      },
    });
    const running = follower.run();
    await reachedHead;
    await follower.stop();
    await running;

    // Every log exactly once, in chain order, ranges back to back.
    const seen = ranges.flatMap((r) => r.events.events.map((e) => `${e.blockNumber}:${e.logIndex}`));
    const expected: string[] = [];
    for (let n = 0; n <= head; n++) for (let i = 0; i < logsIn(n); i++) expected.push(`${n}:${i}`);
    expect(seen).to.deep.equal(expected);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i].first, `range ${i}`).to.equal(ranges[i - 1].last + 1);

    // Only the one block over the cap is applied above it, alone: its range holds no other block
    // with logs (169, 171 and 172 are empty).
    const over = ranges.filter((r) => r.events.events.length > 100).map((r) => ({ first: r.first, last: r.last, blocks: [...new Set(r.events.events.map((e) => e.blockNumber))], events: r.events.events.length }));
    expect(over).to.deep.equal([{ first: 169, last: 172, blocks: [170], events: 260 }]);
    // The dense part is applied in full ranges: whole blocks of 37 logs, at most two a range.
    const dense = ranges.filter((r) => r.first >= 61 && r.last <= 160);
    expect(dense.length).to.be.greaterThan(30);
    for (const r of dense) expect(r.events.events.length % 37, `range ${r.first}-${r.last}`).to.equal(0);
    expect(Math.max(...dense.map((r) => r.events.events.length))).to.equal(74);
    // The learned size stored with each range never lets twice the range pass the cap in the dense part.
    for (const r of dense) expect(r.events.rangeSize, `range ${r.first}-${r.last}`).to.be.at.most(2);
    // The node is asked for more than the cap only where density jumps: once into the dense part
    // (the range grown over the sparse start), once more while the size settles, and block 170
    // (alone); the size learned holds every other read under it.
    expect(rpc.reads.filter((n) => n > 100), JSON.stringify(rpc.reads)).to.deep.equal([115, 999, 260]);
  });

  it("grows the range on every second range that leaves room, so that the range read ahead is as large as the one in hand every other time, up to maxRange", async function () {
    // One log every fourth block: no range comes near the cap of 100 logs.
    const head = 500;
    const rpc = scriptedRpc(head, 20, (n) => (n % 4 === 0 ? 1 : 0), { timestamps: true });
    const { ranges } = await follow(rpc, 64, (rs) => lastBlock(rs) === head);
    const spans = ranges.map((r) => r.blocks.at(-1)!.number - r.blocks[0].number + 1);
    // From the default 16 blocks: 16, 16, 32, 32, 64 (maxRange) and 64 from there on, every block once.
    expect(spans.slice(0, 6)).to.deep.equal([16, 16, 32, 32, 64, 64]);
    expect(ranges.map((r) => r.rangeSize).slice(0, 6)).to.deep.equal([16, 32, 32, 64, 64, 64]);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i].blocks[0].number, `range ${i}`).to.equal(ranges[i - 1].blocks.at(-1)!.number + 1);
    expect(spans.reduce((a, b) => a + b, 0)).to.equal(head + 1);
    expect(Math.max(...spans)).to.equal(64);
  });

  it("after a shrink, holds one range before it grows again", async function () {
    // One log a block, and 150 in block 70: the range 64..95, grown after a range that held, is cut
    // before block 70, which is then applied alone; from block 71 the range grows again from 1.
    const head = 200;
    const rpc = scriptedRpc(head, 20, (n) => (n === 70 ? 150 : 1), { timestamps: true });
    const { ranges } = await follow(rpc, 64, (rs) => (lastBlock(rs) ?? 0) >= 100);
    const spans = ranges.map((r) => [r.blocks[0].number, r.blocks.at(-1)!.number]);
    expect(spans.slice(0, 5)).to.deep.equal([
      [0, 15],
      [16, 31],
      [32, 63],
      [64, 69],
      [70, 70],
    ]);
    // Sizes 1, 1, 2, 2, 4, 4: the range after the shrink holds, as the first range of a start does.
    expect(spans.slice(5, 11)).to.deep.equal([
      [71, 71],
      [72, 72],
      [73, 74],
      [75, 76],
      [77, 80],
      [81, 84],
    ]);
  });

  it("reports a range handed over unwritten (more to come) as indexed only once its write settles, and forgets undo records only after a written one", async function () {
    const head = 120;
    const rpc = scriptedRpc(head, 20, (n) => (n % 3 === 0 ? 2 : 0));
    const calls: { type: string; last?: number; more?: boolean; indexedAtCall: number | undefined }[] = [];
    let settlePrevious: (() => void) | undefined;
    let done!: () => void;
    const reachedHead = new Promise<void>((r) => (done = r));
    const follower = scriptedFollower(rpc, 8, {
      async onEvent(e) {
        const indexedAtCall = follower.status().indexedBlock;
        if (e.type !== "block") {
          calls.push({ type: e.type, indexedAtCall });
          return;
        }
        const last = e.blocks[e.blocks.length - 1].number;
        calls.push({ type: "block", last, more: e.more, indexedAtCall });
        // The previous range's write ends only now, after this one was handed over.
        settlePrevious?.();
        settlePrevious = undefined;
        if (last === head) done();
        if (!e.more) return;
        let settle!: () => void;
        const durable = new Promise<void>((r) => (settle = r));
        settlePrevious = settle;
        return { durable };
      },
    });
    const running = follower.run();
    await reachedHead;
    await follower.stop();
    await running;

    const blocks = calls.filter((c) => c.type === "block");
    expect(blocks.length).to.be.greaterThan(10);
    expect(blocks.filter((c) => c.more).length).to.equal(blocks.length - 1);
    expect(blocks[blocks.length - 1]).to.include({ last: head, more: false });
    // When range k is handed over, range k-1 is not written yet: indexedBlock is still range k-2's end.
    expect(blocks[0].indexedAtCall).to.equal(undefined);
    expect(blocks[1].indexedAtCall).to.equal(undefined);
    for (let k = 2; k < blocks.length; k++) expect(blocks[k].indexedAtCall, `range ${k}`).to.equal(blocks[k - 2].last);
    expect(follower.status().indexedBlock).to.equal(head);
    // No finalize report follows a range that is not written yet; one follows the written last range.
    const firstFinalize = calls.findIndex((c) => c.type === "finalize");
    expect(firstFinalize).to.equal(calls.indexOf(blocks[blocks.length - 1]) + 1);
  });
});

type BlockReport = FollowerEvent & { type: "block" };

/** Follows `rpc` from block 0 until `until` holds, then stops; the ranges applied and the last status. */
async function follow(rpc: Rpc, maxRange: number, until: (ranges: BlockReport[], status: FollowerStatus) => boolean) {
  const ranges: BlockReport[] = [];
  const follower = scriptedFollower(rpc, maxRange, {
    async onEvent(e) {
      if (e.type === "block") ranges.push(e);
    },
  });
  const running = follower.run();
  const deadline = Date.now() + 10_000;
  while (!until(ranges, follower.status())) {
    if (Date.now() > deadline) throw new Error(`not reached: ${JSON.stringify(follower.status())}`);
    await new Promise((r) => setTimeout(r, 2));
  }
  await follower.stop();
  await running;
  return { ranges, status: follower.status() };
}

const lastBlock = (ranges: BlockReport[]) => ranges.at(-1)?.blocks.at(-1)?.number;
const eventsOf = (ranges: BlockReport[]) => ranges.flatMap((r) => r.events.map((e) => `${e.blockNumber}:${e.logIndex}@${e.timestamp}`));

describe("ledger-service follower: final blocks read by their logs' times (scripted node)", function () {
  // Blocks 0..240, final up to 220; a log in most blocks, two in every fifth.
  const head = 240;
  const logsIn = (n: number): number => (n % 5 === 0 ? 2 : n % 3 === 0 ? 0 : 1);

  it("reads only the ends' headers of a final range whose logs carry their block's time, and applies the same events with the same times", async function () {
    const timed = scriptedRpc(head, 20, logsIn, { timestamps: true });
    const plain = scriptedRpc(head, 20, logsIn);
    const a = await follow(timed, 64, (r) => lastBlock(r) === head);
    const b = await follow(plain, 64, (r) => lastBlock(r) === head);
    expect(eventsOf(a.ranges)).to.deep.equal(eventsOf(b.ranges));
    expect(eventsOf(a.ranges).length).to.equal(Array.from({ length: head + 1 }, (_, n) => logsIn(n)).reduce((x, y) => x + y, 0));
    // Final blocks (<= 220): without times, a header per block with logs; with them, the ends of each read.
    const finalBlocksWithLogs = Array.from({ length: 221 }, (_, n) => n).filter((n) => logsIn(n) > 0).length;
    const finalHeaders = (rpc: ScriptedRpc) => rpc.headerReads.filter((n) => n <= 220).length;
    expect(finalHeaders(plain)).to.be.at.least(finalBlocksWithLogs);
    const finalRanges = a.ranges.filter((r) => r.blocks.at(-1)!.number <= 220);
    expect(finalRanges.length).to.be.greaterThan(3);
    expect(finalHeaders(timed)).to.be.at.most(2 * finalRanges.length);
    // A final range hands over only its ends: the first links to the tip, the last is the new tip.
    for (const r of finalRanges) expect(r.blocks.length, `range ${r.blocks[0].number}`).to.be.at.most(2);
  });

  it("reads the header of a block whose logs carry no time, and takes the time from it", async function () {
    // Block 52's logs come without a time (a node mixing answers, or a proxy dropping the field).
    const rpc = scriptedRpc(head, 20, logsIn, { timestamps: true, tamper: (l) => (l.blockNumber === 52 ? { ...l, blockTimestamp: undefined } : l) });
    const { ranges } = await follow(rpc, 64, (r) => lastBlock(r) === head);
    expect(rpc.headerReads).to.include(52);
    const e = ranges.flatMap((r) => r.events).find((x) => x.blockNumber === 52);
    expect(e?.timestamp).to.equal(header(52).timestamp);
  });

  const refusals: [string, (l: RpcLog) => RpcLog, RegExp][] = [
    ["two logs of one block disagree on its time", (l) => (l.blockNumber === 10 && l.logIndex === 1 ? { ...l, blockTimestamp: l.blockTimestamp! + 1 } : l), /logs 0 and 1 of block 10 disagree on its hash or time/],
    ["two logs of one block disagree on its hash", (l) => (l.blockNumber === 10 && l.logIndex === 1 ? { ...l, blockHash: hash(999) } : l), /logs 0 and 1 of block 10 disagree on its hash or time/],
    ["a log's time lies outside its range's ends", (l) => (l.blockNumber === 7 ? { ...l, blockTimestamp: header(400).timestamp } : l), /block 7 carries blockTimestamp 1700000400, outside its range's 1700000000\.\.1700000015/],
    ["a log at a range's end carries another time than its header", (l) => (l.blockNumber === 0 && l.logIndex === 0 ? { ...l, blockTimestamp: 1 } : l), /log 0 of block 0 carries blockTimestamp 1, the block's is 1700000000/],
  ];
  for (const [what, tamper, message] of refusals) {
    it(`refuses a final range where ${what}: nothing of it is applied, and the fault is retried`, async function () {
      const rpc = scriptedRpc(head, 20, logsIn, { timestamps: true, tamper });
      const { ranges, status } = await follow(rpc, 64, (_, s) => s.consecutiveErrors >= 2);
      // The first range (blocks 0..15) holds the fault: nothing is applied.
      expect(ranges).to.deep.equal([]);
      expect(status.indexedBlock).to.equal(undefined);
      expect(status.lastError?.kind).to.equal("inconsistent");
      expect(status.lastError?.message).to.match(message);
    });
  }

  it("drops a range read ahead when the new head no longer reaches it, and reads it again up to the new head", async function () {
    const rpc = scriptedRpc(head, 20, logsIn, { timestamps: true });
    // Once the first range's logs are served, the node's chain is 28 blocks long: the range then
    // read ahead for 16..31 (final by the first read's head) is beyond it.
    const served = rpc.eth_getLogs;
    rpc.eth_getLogs = async (f) => {
      const logs = await served(f);
      if (rpc.reads.length === 1) rpc.head = 28;
      return logs;
    };
    const ranges: BlockReport[] = [];
    let done!: () => void;
    const reached = new Promise<void>((r) => (done = r));
    const follower = scriptedFollower(rpc, 64, {
      async onEvent(e) {
        if (e.type !== "block") return;
        ranges.push(e);
        if (e.blocks.at(-1)!.number === 28) done();
      },
    });
    const running = follower.run();
    await reached;
    await follower.stop();
    await running;
    expect(ranges.map((r) => [r.blocks[0].number, r.blocks.at(-1)!.number])).to.deep.equal([
      [0, 15],
      [16, 28],
    ]);
    // Three reads of logs: 0..15, the range read ahead (16..31, its end's header asked too; the node
    // answers up to its new head), dropped, and 16..28.
    expect(rpc.reads).to.deep.equal([16, 11, 11]);
    expect(rpc.headerReads).to.include(31);
    // Above the new finalized block (8) every header is read and linked.
    expect(ranges[1].blocks.map((b) => b.number)).to.deep.equal(Array.from({ length: 13 }, (_, i) => 16 + i));
    const expected = Array.from({ length: 29 }, (_, n) => n).flatMap((n) => Array.from({ length: logsIn(n) }, (_, i) => `${n}:${i}@${header(n).timestamp}`));
    expect(eventsOf(ranges)).to.deep.equal(expected);
  });
});
