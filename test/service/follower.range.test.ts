/**
 * The follower's range size against dense blocks, without a node: a scripted RPC serves a chain
 * whose log density jumps, and the ranges the follower applies are checked by their contents.
 */
import { expect } from "chai";
import pino from "pino";
import { createFollower, type FollowerArgs, type FollowerEvent } from "../../ledger-service/src/chain/follower";
import type { Decoder } from "../../ledger-service/src/chain/decoder";
import type { Rpc, RpcBlock, RpcLog } from "../../ledger-service/src/chain/rpc";

const hash = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;
const header = (n: number): RpcBlock => ({ number: n, hash: hash(n), parentHash: hash(n - 1), timestamp: 1_700_000_000 + n });

/** A fixed chain: `logsIn(n)` logs in block n, blocks 0..head. */
function scriptedRpc(head: number, finalizedLag: number, logsIn: (n: number) => number): Rpc & { reads: number[] } {
  const logs: RpcLog[] = [];
  for (let n = 0; n <= head; n++) {
    for (let i = 0; i < logsIn(n); i++) {
      logs.push({ address: "0xc0ffee", topics: ["0x01"], data: "0x", blockNumber: n, blockHash: hash(n), transactionHash: hash(1_000_000 + n), logIndex: i, removed: false });
    }
  }
  const byTag = (tag: number | string): RpcBlock | null => {
    const n = tag === "latest" ? head : tag === "finalized" ? head - finalizedLag : Number(tag);
    return n >= 0 && n <= head ? header(n) : null;
  };
  const rpc = {
    url: "scripted",
    reads: [] as number[],
    eth_chainId: async () => 31337,
    eth_blockNumber: async () => head,
    eth_getBlockByNumber: async (tag: number | string) => byTag(tag),
    eth_getBlockByNumberBatch: async (numbers: number[]) => numbers.map(byTag),
    eth_getLogs: async (f: { fromBlock: number; toBlock: number }) => {
      const found = logs.filter((l) => l.blockNumber >= f.fromBlock && l.blockNumber <= f.toBlock);
      rpc.reads.push(found.length);
      return found;
    },
  };
  return rpc as unknown as Rpc & { reads: number[] };
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

    // Only the one block over the cap is applied above it, alone.
    const over = ranges.filter((r) => r.events.events.length > 100).map((r) => ({ blocks: [...new Set(r.events.events.map((e) => e.blockNumber))], last: r.last, events: r.events.events.length }));
    expect(over).to.deep.equal([{ blocks: [170], last: 170, events: 260 }]);
    // The dense part is applied in full ranges: whole blocks of 37 logs, at most two a range.
    const dense = ranges.filter((r) => r.first >= 61 && r.last <= 160);
    expect(dense.length).to.be.greaterThan(30);
    for (const r of dense) expect(r.events.events.length % 37, `range ${r.first}-${r.last}`).to.equal(0);
    expect(Math.max(...dense.map((r) => r.events.events.length))).to.equal(74);
    // The learned size stored with each range never lets twice the range pass the cap in the dense part.
    for (const r of dense) expect(r.events.rangeSize, `range ${r.first}-${r.last}`).to.be.at.most(2);
    // The node is asked for more than the cap only where density jumps: once into the dense part
    // (the range grown over the sparse start), once more while the size settles, and block 170 (read
    // with the sparse block before it, then alone); the size learned holds every other read under it.
    expect(rpc.reads.filter((n) => n > 100), JSON.stringify(rpc.reads)).to.deep.equal([1889, 111, 261, 260]);
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
