/**
 * The batcher against a real anvil chain, for the cases a crash test does not reach (C31, C22;
 * 000 第十九条): a reorg that drops an anchor transaction (sent again, same sequence and root), an
 * anchor transaction stuck unmined (replaced at the same nonce with higher fees), and another
 * instance anchoring a different root at one of the node's sequences (the batcher stops and says so).
 */
import { expect } from "chai";
import { rmSync } from "node:fs";
import path from "node:path";
import { JsonRpcProvider, Wallet, id as keccakText } from "ethers";
import pino from "pino";
import { makeCreditCode } from "../../scripts/lib/creditCode";
import { devWallet } from "../../scripts/lib/demo";
import { batchRequest, buildBatch, type Receipt } from "../../scripts/lib/receipts";
import { fastReceiptLeaf } from "../../scripts/lib/receipt-tree";
import { createBatcher, type Batcher } from "../../ledger-service/src/node/batcher";
import { KEY, openNodeStore, pendingRefOf, type BatchEntry, type NodeStore, type PendingRef } from "../../ledger-service/src/node/store";
import { sampleReceipt } from "./helpers/receipts";
import { deployTestWorld, startAnvil, tmpDir, waitFor, type Anvil, type TestWorld } from "./follower.helpers";

describe("batcher against a real chain: reorgs, stuck transactions, conflicts (C31 C22)", function () {
  this.timeout(300_000);
  let anvil: Anvil;
  let dir: string;
  let world: TestWorld;
  let provider: JsonRpcProvider;
  let serial = 0;
  const open: { batcher: Batcher; store: NodeStore }[] = [];

  before(async () => {
    anvil = await startAnvil(["--accounts", "20"]); // the node keys below are dev accounts 15-17
    dir = tmpDir("batcher");
    world = await deployTestWorld(anvil.url, dir);
    provider = new JsonRpcProvider(anvil.url, world.deployment.chainId, { staticNetwork: true, cacheTimeout: -1 });
  });
  after(async () => {
    for (const o of open) {
      await o.batcher.stop();
      await o.store.close();
    }
    provider?.destroy();
    await anvil?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Registers an operator running a platform node with `key`; returns its id and registration time. */
  async function node(key: Wallet | ReturnType<typeof devWallet>): Promise<{ nodeId: bigint; registeredAt: number }> {
    const { contracts, authority } = world;
    await (await contracts.participants.connect(authority).register(4, `运营机构节点 ${++serial}`, makeCreditCode(7000 + serial), keccakText(`node-${serial}`), [key.address])).wait();
    const nodeId = await contracts.participants.participantCount();
    await (await contracts.participants.connect(authority).setPlatformNode(nodeId, true)).wait();
    const p = await contracts.participants.participant(nodeId);
    return { nodeId, registeredAt: Number(p.registeredAt) };
  }

  const receipts = (nodeId: bigint, at: number, n: number): Receipt[] =>
    Array.from({ length: n }, () => sampleReceipt(`batcher-${++serial}`, nodeId, { fee: 10n, timestamp: at }));

  const refOf = (r: Receipt, arrival: number): PendingRef => pendingRefOf(r, fastReceiptLeaf(r), arrival, Date.now());

  async function batcherFor(key: Wallet | ReturnType<typeof devWallet>, nodeId: bigint, label: string, over: { replaceAfter?: number } = {}) {
    const store = await openNodeStore(path.join(dir, label), 0);
    const batcher = createBatcher({
      store,
      provider,
      key: new Wallet(key.privateKey),
      nodeId,
      anchorAddress: world.deployment.contracts.ReceiptAnchor.address,
      batchMax: 1000,
      batchMaxAge: 3600,
      replaceAfter: over.replaceAfter ?? 3600,
      finalityDepth: 1000,
      finalizedTag: false,
      startBlock: world.deployment.startBlock,
      maxBlockRange: 5,
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
      now: Date.now,
      pollMs: 50,
    });
    open.push({ batcher, store });
    await batcher.start();
    return { batcher, store };
  }
  const stored = (store: NodeStore, seq: number) => store.get<BatchEntry>(KEY.batch(seq));

  it("C31 a reorg that drops the anchor transaction: the batcher sends the same batch again, and the chain ends with it once", async () => {
    const key = devWallet(15);
    const { nodeId, registeredAt } = await node(key);
    const { batcher, store } = await batcherFor(key, nodeId, "reorg");
    const rs = receipts(nodeId, registeredAt, 5);
    batcher.enqueue(rs.map(refOf));
    expect(await batcher.drain(60_000)).to.equal(true);
    const first = (await stored(store, 1))!;
    expect(first.state).to.equal("anchored");
    const anchor = world.contracts.receipts;
    expect(await anchor.rootOf(nodeId, 1n)).to.equal(first.root);

    // Drop the anchor's block (and the ones after it) from the canonical chain.
    const head = await provider.getBlockNumber();
    await anvil.rpc("anvil_reorg", [head - first.anchor!.blockNumber + 1, []]);
    expect(await anchor.rootOf(nodeId, 1n)).to.equal(`0x${"0".repeat(64)}`);

    const again = await waitFor("the batch anchored again", async () => {
      const b = await stored(store, 1);
      return b && b.state === "anchored" && b.anchor && b.anchor.blockHash !== first.anchor!.blockHash ? b : undefined;
    }, 60_000);
    expect(again.root).to.equal(first.root);
    expect(await anchor.rootOf(nodeId, 1n)).to.equal(first.root);
    expect(await anchor.lastSequence(nodeId)).to.equal(1n);
    expect(batcher.status().lastAnchored).to.equal(1);
    expect(batcher.status().conflict).to.equal(null);
  });

  it("C31 an anchor transaction stuck unmined is replaced at the same nonce with higher fees, and the replacement anchors the batch", async () => {
    const key = devWallet(16);
    const { nodeId, registeredAt } = await node(key);
    const { batcher, store } = await batcherFor(key, nodeId, "stuck", { replaceAfter: 1 });
    await anvil.rpc("evm_setAutomine", [false]);
    try {
      batcher.enqueue(receipts(nodeId, registeredAt, 3).map(refOf));
      void batcher.drain(0);
      const sent = await waitFor("the first transaction", async () => {
        const b = await stored(store, 1);
        return b?.tx ? { ...b.tx } : undefined;
      }, 30_000);
      const replaced = await waitFor("a replacement", async () => {
        const b = await stored(store, 1);
        return b?.tx && b.tx.hash !== sent.hash ? { ...b.tx } : undefined;
      }, 30_000);
      // The batch records a transaction before broadcasting it: wait until the node has it.
      await waitFor("the replacement in the pool", async () => (await provider.getTransaction(replaced.hash)) ?? undefined, 30_000);
      expect(replaced.nonce).to.equal(sent.nonce);
      const fee = (t: typeof sent) => BigInt(t.maxFeePerGas ?? t.gasPrice ?? "0");
      expect(fee(replaced) > fee(sent), `fee ${fee(replaced)} above ${fee(sent)}`).to.equal(true);
      await anvil.rpc("evm_setAutomine", [true]);
      await anvil.rpc("evm_mine", []);
      const done = await waitFor("the batch anchored", async () => {
        const b = await stored(store, 1);
        return b?.state === "anchored" ? b : undefined;
      }, 60_000);
      const mined = await provider.getTransaction(done.anchor!.txHash);
      expect(mined!.nonce).to.equal(sent.nonce);
      expect(done.anchor!.txHash).to.not.equal(sent.hash);
      expect(await world.contracts.receipts.rootOf(nodeId, 1n)).to.equal(done.root);
    } finally {
      await anvil.rpc("evm_setAutomine", [true]);
    }
  });

  it("C31 another instance anchoring a different root at the node's sequence stops the batcher, which says so and sends nothing", async () => {
    const key = devWallet(17);
    const { nodeId, registeredAt } = await node(key);
    // The other instance, with the same key, anchors its own batch 1 first.
    const theirs = buildBatch(receipts(nodeId, registeredAt, 2));
    await (await world.contracts.receipts.connect(new Wallet(key.privateKey, provider)).anchorBatch(batchRequest(theirs, 1))).wait();
    const { batcher, store } = await batcherFor(key, nodeId, "conflict");
    batcher.enqueue(receipts(nodeId, registeredAt, 2).map(refOf));
    void batcher.drain(0);
    const conflict = await waitFor("the conflict", () => batcher.status().conflict ?? undefined, 30_000);
    expect(conflict).to.contain(`the chain holds root ${theirs.root} as batch 1 of node ${nodeId}`);
    expect(conflict).to.contain("another instance anchors with this node's key");
    const ours = (await stored(store, 1))!;
    expect(ours.state).to.equal("sealed");
    expect(ours.tx).to.equal(null);
    expect(await world.contracts.receipts.lastSequence(nodeId)).to.equal(1n);
  });
});
