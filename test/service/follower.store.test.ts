/**
 * The store's undo records without a chain: a view that changes a value it read in place (as the
 * real views do) must still unwind to the value before the block.
 */
import { expect } from "chai";
import pino from "pino";
import { openStore, type BlockRef } from "../../ledger-service/src/store/db";
import type { ChainEvent, View } from "../../ledger-service/src/store/types";
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
      { dataDir: tmpDir("store"), identity: { chainId: 1, genesisHash: "0x", startBlock: 1, startBlockHash: "0x", contracts: [], views: ["mutating"] } },
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
});
