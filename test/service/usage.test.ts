/**
 * Usage statistics (C21) from anchored receipt batches: the usage view counts each node's batches
 * and receipts from BatchAnchored events, and /disclosures/usage serves them with the node's name.
 */
import { expect } from "chai";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { loadProfile } from "../../policy/profile";
import { createApi } from "../../ledger-service/src/api/server";
import { createViews } from "../../ledger-service/src/views";
import { createChainBuilder, cst, h, openTestStore, seedWorld, silentLogger, KEYS, P, type TestStore } from "./helpers/ledger";

describe("usage statistics from anchored receipt batches", () => {
  let ts: TestStore;
  let server: Server;
  let base: string;

  before(async () => {
    ts = await openTestStore(createViews(loadProfile("huizhou")));
    const b = createChainBuilder();
    seedWorld(b);
    const batch = (sequence: number, receiptCount: number, day: string) => ({
      contract: "ReceiptAnchor",
      event: "BatchAnchored",
      args: {
        nodeId: P.operator, sequence: String(sequence), root: h(`root ${sequence}`), receiptCount,
        firstAt: String(cst(day, 8)), lastAt: String(cst(day, 18)), metadataHash: h(`meta ${sequence}`),
        anchoredAt: String(cst(day, 19)), anchoredBy: KEYS.operator,
      },
    });
    b.block(cst("2026-06-01", 19), [batch(1, 500, "2026-06-01")]);
    b.block(cst("2026-06-02", 19), [batch(2, 250, "2026-06-02")]);
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
    expect(body.receipts).to.equal(750);
    expect(body.batches).to.equal(2);
    expect(body.items).to.have.length(1);
    expect(body.items[0]).to.include({ nodeId: P.operator, nodeName: "惠州数据运营有限公司", batches: 2, receipts: 750, lastSequence: "2" });
    expect(body.items[0].firstAt).to.equal(cst("2026-06-01", 8));
    expect(body.items[0].lastAt).to.equal(cst("2026-06-02", 18));
  });

  it("C22 records every batch in the anchoring node's timeline", async () => {
    const body = (await (await fetch(`${base}/timeline/participant/${P.operator}?limit=200`)).json()) as { items: { event: string }[] };
    expect(body.items.filter((e) => e.event === "BatchAnchored")).to.have.length(2);
  });
});
