import { expect } from "chai";
import { ethers } from "hardhat";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { h, ROLE, Kind } from "../helpers/fixture";
import { deployChain, approvedScenario, listedProduct } from "../helpers/products";
import {
  RECEIPT_FIELDS,
  RECEIPT_LEAF_ENCODING,
  ACK_SIGNATURE_TYPES,
  acknowledgementDigest,
  acknowledgementSigner,
  batchRequest,
  buildBatch,
  encodeReceipt,
  encodeUsageWord,
  parseReceipt,
  pseudonymousConsumer,
  purposeDigest,
  receiptDomain,
  receiptLeaf,
  receiptProofFile,
  receiptSignatureDigest,
  receiptToJson,
  receiptValues,
  signReceipt,
  verifyReceiptFile,
  type BatchRequest,
  type Receipt,
  MAX_USAGE_ENTRIES,
} from "../../scripts/lib/receipts";

const ZERO = ethers.ZeroHash;
const PARTICIPANT_REGISTRAR = ethers.id("PARTICIPANT_REGISTRAR");
/** ParticipantStatus. */
const Status = { Active: 1, Suspended: 2 } as const;
/** The fee of each paid use in these tests, in fen. */
const FEE = 500n;

/**
 * The active two-tier chain with a listed product of operator A. The data authority records
 * operator A as running a platform node; its node key `opNode` (a second signer key) committed
 * batch 1, so it is the node's cached `lastKey`, while operator A's first key is bound but not
 * cached. The fixture's `platformNode` key is the implementing agency's node, which has anchored
 * nothing yet.
 */
async function deployReceipts() {
  const c = await deployChain();
  const { w } = c;
  const scenarioId = await approvedScenario(w, { authorizationId: c.opAuth, resourceIds: [c.r[0], c.r[1]], purpose: "企业信用评估" });
  const productId = await listedProduct(w, { scenarioId, resourceIds: [c.r[0]] });
  const all = await ethers.getSigners();
  const opNode = all[16];
  const { authority } = w.signers;
  await w.participants.connect(authority).addSigner(w.ids.operatorA, opNode.address);
  await w.participants.connect(authority).setPlatformNode(w.ids.operatorA, true);
  const network = await ethers.provider.getNetwork();
  const p = { ...c, scenarioId, productId, opNode, chainId: network.chainId, anchorAddress: await w.receipts.getAddress() };
  const first = buildBatch(await receipts(p, 3));
  await w.receipts.connect(opNode).anchorBatch(batchRequest(first, 1));
  return { ...p, first };
}

type R = Awaited<ReturnType<typeof deployReceipts>>;
type P = Omit<R, "first">;

let serial = 1;

/** A paid receipt of operator A's node for its listed product, `secondsAgo` before the latest block. */
async function receipt(p: P, over: Partial<Receipt> = {}, secondsAgo = 60): Promise<Receipt> {
  const n = serial++;
  return {
    id: h(`receipt-${n}`),
    nodeId: p.w.ids.operatorA,
    authorizationId: p.opAuth,
    scenarioId: p.scenarioId,
    productId: p.productId,
    resourceIds: [],
    consumer: pseudonymousConsumer(h(`salt-${n}`), `user-${n}`),
    purpose: purposeDigest("企业信用评估"),
    recordCount: 20n,
    requestDigest: h(`request-${n}`),
    resultDigest: h(`result-${n}`),
    chargingBasis: "Commercial",
    fee: FEE,
    timestamp: (await time.latest()) - secondsAgo,
    ...over,
  };
}

async function receipts(p: P, n: number, over: Partial<Receipt> = {}): Promise<Receipt[]> {
  const out: Receipt[] = [];
  for (let i = 0; i < n; i++) out.push(await receipt(p, over, 600 - i));
  return out;
}

/** Operator A's next valid commitment (3 product receipts), with overrides. */
async function request(p: P, over: Partial<BatchRequest> = {}, receiptOver: Partial<Receipt> = {}): Promise<BatchRequest> {
  const batch = buildBatch(await receipts(p, 3, receiptOver));
  const seq = (await p.w.receipts.lastSequence(over.nodeId ?? p.w.ids.operatorA)) + 1n;
  return { ...batchRequest(batch, seq), ...over };
}

/** Usage words by hand, for words encodeUsageWord refuses to write. */
const word = (kind: bigint, id: bigint, count: bigint, fee: bigint, reserved = 0n): string =>
  ethers.toBeHex((kind << 248n) | (id << 184n) | (count << 152n) | (reserved << 128n) | fee, 32);

/** State that a refused call must leave untouched: every node's state and next root. */
async function snapshot(p: P) {
  const nodes = [p.w.ids.operatorA, p.w.ids.agency, p.w.ids.operatorB, p.w.ids.deptA];
  return Promise.all(
    nodes.map(async (n) => {
      const s = await p.w.receipts.nodeState(n);
      const last = await p.w.receipts.lastSequence(n);
      return [s.lastSequence, s.lastFirstAt, s.lastKey, await p.w.receipts.rootOf(n, last + 1n)].map(String);
    }),
  );
}

async function expectRefusedBy(p: P, key: HardhatEthersSigner, req: BatchRequest, error: string, args: unknown[]) {
  const before = await snapshot(p);
  await expect(p.w.receipts.connect(key).anchorBatch(req))
    .to.be.revertedWithCustomError(p.w.receipts, error)
    .withArgs(...args);
  expect(await snapshot(p)).to.deep.equal(before);
}

/**
 * A refusal of operator A's batch on both paths of the contract: sent by the node's cached key
 * (the one-pass check) and by its other bound key (the hub lookup and the rule-by-rule check).
 * Both must refuse with the same error and leave everything as it was.
 */
async function expectRefused(p: P, req: BatchRequest, error: string, args: unknown[]) {
  expect((await p.w.receipts.nodeState(p.w.ids.operatorA)).lastKey).to.equal(p.opNode.address);
  await expectRefusedBy(p, p.opNode, req, error, args);
  await expectRefusedBy(p, p.w.signers.operatorA, req, error, args);
}

/** An accepted batch on both paths: the cached key first, then the other key for the next one. */
async function expectAcceptedOnBothPaths(p: P, make: () => Promise<BatchRequest>) {
  for (const key of [p.opNode, p.w.signers.operatorA]) {
    const req = await make();
    await expect(p.w.receipts.connect(key).anchorBatch(req)).to.emit(p.w.receipts, "BatchAnchored");
    expect(await p.w.receipts.rootOf(req.nodeId, req.sequence)).to.equal(req.root);
  }
}

describe("ReceiptAnchor", () => {
  // ===== anchoring (C31) =====

  it("C31 a platform node anchors a batch: the event carries every field and the usage counts, the views keep root and state", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    const batch = buildBatch(await receipts(p, 4));
    const req = batchRequest(batch, 2);
    const tx = await w.receipts.connect(p.opNode).anchorBatch(req);
    const rc = await tx.wait();
    const log = w.receipts.interface.parseLog(rc!.logs[0])!;
    expect(log.name).to.equal("BatchAnchored");
    expect([log.args.nodeId, log.args.sequence, log.args.root, log.args.receiptCount, log.args.firstAt, log.args.lastAt, log.args.metadataHash, log.args.anchoredBy]).to.deep.equal([
      w.ids.operatorA,
      2n,
      batch.root,
      4n,
      BigInt(batch.firstAt),
      BigInt(batch.lastAt),
      batch.metadataHash,
      p.opNode.address,
    ]);
    // Four paid uses of one product under one scenario: 4 uses and 4 fees on each entry.
    expect([...log.args.usage]).to.deep.equal([
      encodeUsageWord({ kind: "Product", id: p.productId, count: 4, fee: 4n * FEE }),
      encodeUsageWord({ kind: "Scenario", id: p.scenarioId, count: 4, fee: 4n * FEE }),
    ]);
    expect(await w.receipts.rootOf(w.ids.operatorA, 2n)).to.equal(batch.root);
    expect(await w.receipts.rootOf(w.ids.operatorA, 3n)).to.equal(ZERO);
    const s = await w.receipts.nodeState(w.ids.operatorA);
    expect([s.lastSequence, s.lastFirstAt, s.lastKey]).to.deep.equal([2n, BigInt(batch.firstAt), p.opNode.address]);
    expect(await w.receipts.lastSequence(w.ids.operatorA)).to.equal(2n);
    expect(batch.firstAt).to.equal(Math.min(...batch.receipts.map((r) => r.timestamp)));
    expect(batch.lastAt).to.equal(Math.max(...batch.receipts.map((r) => r.timestamp)));
  });

  it("C31 batch numbers run from 1 per node without gaps; nodes count independently", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    for (const seq of [2n, 3n]) await w.receipts.connect(p.opNode).anchorBatch(await request(p, { sequence: seq }));
    // The implementing agency (data affairs center) runs its own node, numbered from 1.
    const agency = buildBatch(await receipts(p, 2, { nodeId: w.ids.agency }));
    await expect(w.receipts.connect(w.signers.platformNode).anchorBatch(batchRequest(agency, 1))).to.emit(w.receipts, "BatchAnchored");
    expect(await w.receipts.lastSequence(w.ids.operatorA)).to.equal(3n);
    expect(await w.receipts.lastSequence(w.ids.agency)).to.equal(1n);
    expect(await w.receipts.lastSequence(w.ids.operatorB)).to.equal(0n);
  });

  it("C31 refuses a gap or a replay of a batch number on both paths, with no state change", async () => {
    const p = await loadFixture(deployReceipts);
    const a = p.w.ids.operatorA;
    const gap = await request(p, { sequence: 3n });
    await expectRefused(p, gap, "ReceiptAnchorUnexpectedSequence", [a, 2n, 3n]);
    await expectRefused(p, await request(p, { sequence: 1n }), "ReceiptAnchorUnexpectedSequence", [a, 2n, 1n]);
    await expectRefused(p, await request(p, { sequence: 0n }), "ReceiptAnchorUnexpectedSequence", [a, 2n, 0n]);
    // The very same commitment again is a replay too.
    await expectRefused(p, batchRequest(p.first, 1), "ReceiptAnchorUnexpectedSequence", [a, 2n, 1n]);
    expect(await p.w.receipts.rootOf(a, 1n)).to.equal(p.first.root);
  });

  it("C31 nothing one node commits blocks another's batch: the same root is each node's own", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    // The agency's node sends operator A's next root first (as a front-runner would copy it).
    const next = await request(p);
    const copied = { ...next, nodeId: w.ids.agency, sequence: 1n };
    await w.receipts.connect(w.signers.platformNode).anchorBatch(copied);
    await expect(w.receipts.connect(p.opNode).anchorBatch(next)).to.emit(w.receipts, "BatchAnchored");
    expect(await w.receipts.rootOf(w.ids.agency, 1n)).to.equal(next.root);
    expect(await w.receipts.rootOf(w.ids.operatorA, 2n)).to.equal(next.root);
    // A node may batch the same root again under its next number (its own business; the
    // manifest says why): the number, not the root, is what may not repeat.
    await expect(w.receipts.connect(p.opNode).anchorBatch({ ...next, sequence: 3n })).to.emit(w.receipts, "BatchAnchored");
  });

  // ===== who may anchor (000 第十九条: the node's trace is its own) =====

  it("C31 refuses a key the hub binds to no node, or to another node", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    const req = await request(p);
    await expectRefusedBy(p, w.signers.developerA, req, "ReceiptAnchorNotNodeKey", [w.ids.operatorA, w.signers.developerA.address]);
    // The agency's node key is a node key, but of the agency's node.
    await expectRefusedBy(p, w.signers.platformNode, req, "ReceiptAnchorNotNodeKey", [w.ids.operatorA, w.signers.platformNode.address]);
    // Operator B runs no platform node: its own key cannot anchor in its name.
    const b = { ...req, nodeId: w.ids.operatorB, sequence: 1n };
    await expectRefusedBy(p, w.signers.operatorB, b, "ReceiptAnchorNotPlatformNode", [w.ids.operatorB]);
  });

  it("C31 refuses an unknown node and a participant kind that runs no platform, which the registry refuses to mark", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    const req = await request(p);
    await expectRefusedBy(p, p.opNode, { ...req, nodeId: 999n, sequence: 1n }, "ReceiptAnchorUnknownNode", [999n]);
    await expectRefusedBy(p, w.signers.deptA, { ...req, nodeId: w.ids.deptA, sequence: 1n }, "ReceiptAnchorWrongNodeKind", [w.ids.deptA, Kind.SourceDepartment]);
    await expect(w.participants.connect(w.signers.authority).setPlatformNode(w.ids.deptA, true))
      .to.be.revertedWithCustomError(w.participants, "ParticipantRegistryNotPlatformNodeKind")
      .withArgs(w.ids.deptA, Kind.SourceDepartment);
    await expect(w.participants.connect(w.signers.authority).setPlatformNode(w.ids.developerA, true))
      .to.be.revertedWithCustomError(w.participants, "ParticipantRegistryNotPlatformNodeKind")
      .withArgs(w.ids.developerA, Kind.Developer);
  });

  it("C23 a suspended participant's node stops anchoring, its cached key too, and resumes when reinstated", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    await expect(w.participants.connect(w.signers.authority).suspend(w.ids.operatorA, h("rectification")))
      .to.emit(w.receipts, "NodeKeyForgotten")
      .withArgs(w.ids.operatorA, p.opNode.address);
    expect(await w.hub.nodeOf(p.opNode.address)).to.equal(0n);
    expect(await w.hub.hasRole(ROLE.PLATFORM_NODE, p.opNode.address)).to.equal(false);
    expect((await w.receipts.nodeState(w.ids.operatorA)).lastKey).to.equal(ethers.ZeroAddress);
    const req = await request(p);
    for (const key of [p.opNode, w.signers.operatorA]) {
      await expectRefusedBy(p, key, req, "ReceiptAnchorNodeNotActive", [w.ids.operatorA, Status.Suspended]);
    }
    await w.participants.connect(w.signers.authority).reinstate(w.ids.operatorA, h("rectified"));
    expect(await w.hub.nodeOf(p.opNode.address)).to.equal(w.ids.operatorA);
    await expect(w.receipts.connect(p.opNode).anchorBatch(req)).to.emit(w.receipts, "BatchAnchored");
  });

  it("C31 the data authority alone marks a node; unmarking unbinds every key, marking again restores them", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    const registry = w.participants;
    await expect(registry.connect(w.signers.operatorA).setPlatformNode(w.ids.operatorA, false))
      .to.be.revertedWithCustomError(registry, "HubConsumerUnauthorized")
      .withArgs(w.signers.operatorA.address, ROLE.DATA_AUTHORITY);
    await expect(registry.connect(w.signers.authority).setPlatformNode(w.ids.operatorA, true))
      .to.be.revertedWithCustomError(registry, "ParticipantRegistryPlatformNodeUnchanged")
      .withArgs(w.ids.operatorA, true);
    await expect(registry.connect(w.signers.authority).setPlatformNode(w.ids.operatorA, false))
      .to.emit(registry, "PlatformNodeSet")
      .withArgs(w.ids.operatorA, false, w.signers.authority.address);
    expect(await registry.isPlatformNode(w.ids.operatorA)).to.equal(false);
    for (const key of [p.opNode, w.signers.operatorA]) {
      expect(await w.hub.nodeOf(key.address)).to.equal(0n);
      expect(await w.hub.hasRole(ROLE.PLATFORM_NODE, key.address)).to.equal(false);
    }
    const req = await request(p);
    for (const key of [p.opNode, w.signers.operatorA]) {
      await expectRefusedBy(p, key, req, "ReceiptAnchorNotPlatformNode", [w.ids.operatorA]);
    }
    await registry.connect(w.signers.authority).setPlatformNode(w.ids.operatorA, true);
    for (const key of [p.opNode, w.signers.operatorA]) expect(await w.hub.nodeOf(key.address)).to.equal(w.ids.operatorA);
    await expect(w.receipts.connect(w.signers.operatorA).anchorBatch(req)).to.emit(w.receipts, "BatchAnchored");
  });

  it("C31 a removed signer key stops anchoring at once, though it was the cached key; a key added to a node is bound at once", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    await expect(w.participants.connect(w.signers.authority).removeSigner(w.ids.operatorA, p.opNode.address))
      .to.emit(w.receipts, "NodeKeyForgotten")
      .withArgs(w.ids.operatorA, p.opNode.address);
    const req = await request(p);
    await expectRefusedBy(p, p.opNode, req, "ReceiptAnchorNotNodeKey", [w.ids.operatorA, p.opNode.address]);
    const fresh = (await ethers.getSigners())[17];
    await w.participants.connect(w.signers.authority).addSigner(w.ids.operatorA, fresh.address);
    expect(await w.hub.nodeOf(fresh.address)).to.equal(w.ids.operatorA);
    expect(await w.hub.hasRole(ROLE.PLATFORM_NODE, fresh.address)).to.equal(true);
    await expect(w.receipts.connect(fresh).anchorBatch(req)).to.emit(w.receipts, "BatchAnchored");
    expect((await w.receipts.nodeState(w.ids.operatorA)).lastKey).to.equal(fresh.address);
  });

  it("only the registry binds node keys and grants PLATFORM_NODE; only the hub makes the anchor forget a key", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    const { admin } = w.signers;
    await expect(w.hub.connect(admin).setNodeKey(admin.address, w.ids.operatorA))
      .to.be.revertedWithCustomError(w.hub, "AccessControlUnauthorizedAccount")
      .withArgs(admin.address, PARTICIPANT_REGISTRAR);
    await expect(w.hub.connect(admin).grantRole(ROLE.PLATFORM_NODE, admin.address))
      .to.be.revertedWithCustomError(w.hub, "AccessControlUnauthorizedAccount")
      .withArgs(admin.address, PARTICIPANT_REGISTRAR);
    await expect(w.receipts.connect(admin).forgetNodeKey(w.ids.operatorA, p.opNode.address))
      .to.be.revertedWithCustomError(w.receipts, "ReceiptAnchorNotHub")
      .withArgs(admin.address);
    expect((await w.receipts.nodeState(w.ids.operatorA)).lastKey).to.equal(p.opNode.address);
    expect(await w.hub.nodeOf(admin.address)).to.equal(0n);
  });

  // ===== what a commitment must hold =====

  it("C31 refuses a zero root, a zero metadata hash and an empty batch on both paths", async () => {
    const p = await loadFixture(deployReceipts);
    await expectRefused(p, await request(p, { root: ZERO }), "ReceiptAnchorZeroRoot", []);
    await expectRefused(p, await request(p, { metadataHash: ZERO }), "ReceiptAnchorZeroMetadataHash", []);
    await expectRefused(p, await request(p, { receiptCount: 0 }), "ReceiptAnchorZeroCount", []);
  });

  it("C31 refuses a time range that runs backwards, or spans two times for one receipt, on both paths", async () => {
    const p = await loadFixture(deployReceipts);
    const now = await time.latest();
    await expectRefused(p, await request(p, { firstAt: now - 10, lastAt: now - 20 }), "ReceiptAnchorInvalidTimeRange", [now - 10, now - 20, 3]);
    const one = buildBatch([await receipt(p)]);
    const spread = { ...batchRequest(one, 2), firstAt: one.firstAt - 10 };
    await expectRefused(p, spread, "ReceiptAnchorInvalidTimeRange", [one.firstAt - 10, one.lastAt, 1]);
  });

  it("C31 refuses receipts dated after the block time, on both paths", async () => {
    const p = await loadFixture(deployReceipts);
    const later = (await time.latest()) + 3600;
    await expectRefused(p, await request(p, { lastAt: later }), "ReceiptAnchorFutureTimestamp", [later, (v: bigint) => v < BigInt(later)]);
  });

  it("C31 a batch never starts before the previous batch's start; a late receipt inside the previous range is fine", async () => {
    const p = await loadFixture(deployReceipts);
    const earlier = p.first.firstAt - 1;
    await expectRefused(p, await request(p, { firstAt: earlier }), "ReceiptAnchorBeforePreviousBatch", [earlier, p.first.firstAt]);
    // Receipts as old as the previous batch's first (the late one arrived after it was sealed).
    await expectAcceptedOnBothPaths(p, async () => {
      const late = await receipt(p, { timestamp: p.first.firstAt });
      return batchRequest(buildBatch([late, ...(await receipts(p, 2))]), (await p.w.receipts.lastSequence(p.w.ids.operatorA)) + 1n);
    });
  });

  it("C31 a batch by the node's cached key passes the one-pass check: no hub lookup, so it costs less than a batch by another bound key", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    const gasOf = async (key: HardhatEthersSigner): Promise<bigint> => {
      const req = await request(p);
      const rc = await (await w.receipts.connect(key).anchorBatch(req)).wait();
      expect(await w.receipts.rootOf(req.nodeId, req.sequence)).to.equal(req.root);
      return rc!.gasUsed;
    };
    const cached = await gasOf(p.opNode);
    const other = await gasOf(w.signers.operatorA);
    expect((await w.receipts.nodeState(w.ids.operatorA)).lastKey).to.equal(w.signers.operatorA.address);
    const cachedAgain = await gasOf(w.signers.operatorA);
    expect(other - cached).to.be.greaterThan(3000n);
    expect(other - cachedAgain).to.be.greaterThan(3000n);
  });

  it("C31 a node's first batch never starts before the node's participant was registered", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    const registeredAt = await w.participants.registeredAt(w.ids.agency);
    expect(registeredAt).to.equal((await w.participants.participant(w.ids.agency)).registeredAt);
    const old = buildBatch([await receipt(p, { nodeId: w.ids.agency, timestamp: Number(registeredAt) - 1 }), await receipt(p, { nodeId: w.ids.agency })]);
    await expectRefusedBy(p, w.signers.platformNode, batchRequest(old, 1), "ReceiptAnchorBeforeRegistration", [registeredAt - 1n, registeredAt]);
    const onTime = buildBatch([await receipt(p, { nodeId: w.ids.agency, timestamp: Number(registeredAt) }), await receipt(p, { nodeId: w.ids.agency })]);
    await expect(w.receipts.connect(w.signers.platformNode).anchorBatch(batchRequest(onTime, 1))).to.emit(w.receipts, "BatchAnchored");
  });

  // ===== usage counts (C33; 001 第二十四条, 004 第十六条) =====

  it("C33 refuses usage words that are malformed, out of order or repeated, on both paths", async () => {
    const p = await loadFixture(deployReceipts);
    const base = await request(p);
    const [pw, sw] = base.usage;
    expect(await p.w.receipts.MAX_USAGE_ENTRIES()).to.equal(BigInt(MAX_USAGE_ENTRIES)); // the node seals within it
    const S = 2n;
    const sc = p.scenarioId;
    const fees = 3n * FEE;
    const cases: [string[], string, unknown[]][] = [
      [Array<string>(MAX_USAGE_ENTRIES + 1).fill(sw), "ReceiptAnchorTooManyUsageEntries", [MAX_USAGE_ENTRIES + 1, MAX_USAGE_ENTRIES]],
      [[word(0n, 1n, 3n, 0n), pw, sw], "ReceiptAnchorUsageInvalidKind", [0, word(0n, 1n, 3n, 0n)]],
      [[pw, sw, word(4n, 1n, 3n, 0n)], "ReceiptAnchorUsageInvalidKind", [2, word(4n, 1n, 3n, 0n)]],
      [[sw, pw], "ReceiptAnchorUsageNotAscending", [1, pw]],
      [[pw, sw, sw], "ReceiptAnchorUsageNotAscending", [2, sw]],
      [[pw, word(S, 0n, 3n, fees)], "ReceiptAnchorUsageZeroId", [1, word(S, 0n, 3n, fees)]],
      [[pw, word(S, sc, 0n, fees)], "ReceiptAnchorUsageZeroCount", [1, word(S, sc, 0n, fees)]],
      [[pw, word(S, sc, 3n, fees, 1n)], "ReceiptAnchorUsageReservedBits", [1, word(S, sc, 3n, fees, 1n)]],
      [[pw, word(S, sc, 2n, fees)], "ReceiptAnchorUsageScenarioCountMismatch", [2, 3]],
      [[pw], "ReceiptAnchorUsageScenarioCountMismatch", [0, 3]],
      [[], "ReceiptAnchorUsageScenarioCountMismatch", [0, 3]],
      [[word(1n, p.productId, 4n, fees), sw], "ReceiptAnchorUsageProductCountExceeds", [4, 3]],
      [[word(1n, p.productId, 3n, fees + 1n), sw], "ReceiptAnchorUsageProductFeesExceed", [fees + 1n, fees]],
      // Three product uses leave no receipt that uses a resource directly.
      [[pw, sw, word(3n, p.r[0], 1n, 0n)], "ReceiptAnchorUsageResourceCountExceeds", [2, word(3n, p.r[0], 1n, 0n), 0]],
    ];
    for (const [usage, error, args] of cases) await expectRefused(p, { ...base, usage }, error, args);
  });

  it("C33 direct uses of resources count per resource without a fee; their fees are the scenario's", async () => {
    const p = await loadFixture(deployReceipts);
    const direct = { productId: 0n, resourceIds: [p.r[0], p.r[1]] };
    const base = await request(p, {}, direct);
    const fees = 3n * FEE;
    expect(base.usage).to.deep.equal([
      encodeUsageWord({ kind: "Scenario", id: p.scenarioId, count: 3, fee: fees }),
      encodeUsageWord({ kind: "Resource", id: p.r[0], count: 3, fee: 0n }),
      encodeUsageWord({ kind: "Resource", id: p.r[1], count: 3, fee: 0n }),
    ]);
    const [sw, r0, r1] = base.usage;
    await expectRefused(p, { ...base, usage: [sw, word(3n, p.r[0], 3n, 1n), r1] }, "ReceiptAnchorUsageResourceFee", [1, word(3n, p.r[0], 3n, 1n)]);
    await expectRefused(p, { ...base, usage: [sw, r0, word(3n, p.r[1], 4n, 0n)] }, "ReceiptAnchorUsageResourceCountExceeds", [2, word(3n, p.r[1], 4n, 0n), 3]);
    await expectAcceptedOnBothPaths(p, () => request(p, {}, direct));
  });

  it("C33 a batch mixing free and paid uses, products and direct uses, is accepted on both paths with its counts", async () => {
    const p = await loadFixture(deployReceipts);
    const make = async () => {
      const mixed = buildBatch([
        await receipt(p),
        await receipt(p, { chargingBasis: "PublicInterestFree", fee: 0n }),
        await receipt(p, { productId: 0n, resourceIds: [p.r[1]], fee: 7n }),
      ]);
      return batchRequest(mixed, (await p.w.receipts.lastSequence(p.w.ids.operatorA)) + 1n);
    };
    const req = await make();
    expect(req.usage).to.deep.equal([
      encodeUsageWord({ kind: "Product", id: p.productId, count: 2, fee: FEE }),
      encodeUsageWord({ kind: "Scenario", id: p.scenarioId, count: 3, fee: FEE + 7n }),
      encodeUsageWord({ kind: "Resource", id: p.r[1], count: 1, fee: 0n }),
    ]);
    await expectAcceptedOnBothPaths(p, make);
  });

  // ===== receipts and proofs =====

  it("C31 the leaf is the OpenZeppelin double hash of abi.encode, as StandardMerkleTree computes it", async () => {
    const p = await loadFixture(deployReceipts);
    const r = await receipt(p, { productId: 0n, resourceIds: [p.r[0], p.r[1]], chargingBasis: "PublicInterestFree", fee: 0n });
    const encoded = ethers.AbiCoder.defaultAbiCoder().encode([...RECEIPT_LEAF_ENCODING], receiptValues(r));
    expect(encodeReceipt(r)).to.equal(encoded);
    expect(receiptLeaf(r)).to.equal(ethers.keccak256(ethers.concat([ethers.keccak256(encoded)])));
    const tree = StandardMerkleTree.of([receiptValues(r)], [...RECEIPT_LEAF_ENCODING]);
    expect(tree.leafHash(receiptValues(r))).to.equal(receiptLeaf(r));
    expect(RECEIPT_FIELDS.length).to.equal(RECEIPT_LEAF_ENCODING.length);
    // A JSON round trip keeps the leaf.
    expect(receiptLeaf(parseReceipt(JSON.parse(JSON.stringify(receiptToJson(r)))))).to.equal(receiptLeaf(r));
  });

  it("C31 a proof built in TypeScript verifies on chain with verifyReceipt, for every receipt of a batch", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    const a = w.ids.operatorA;
    const batch = buildBatch(await receipts(p, 7));
    await w.receipts.connect(p.opNode).anchorBatch(batchRequest(batch, 2));
    for (let i = 0; i < batch.receipts.length; i++) {
      expect(await w.receipts.verifyReceipt(batch.leaves[i], batch.proofs[i], a, 2n)).to.equal(true);
    }
    // A one-receipt batch: the root is the leaf, the proof is empty.
    const single = buildBatch([await receipt(p)]);
    expect(single.root).to.equal(single.leaves[0]);
    await w.receipts.connect(p.opNode).anchorBatch(batchRequest(single, 3));
    expect(await w.receipts.verifyReceipt(single.leaves[0], [], a, 3n)).to.equal(true);
    // Not in another batch, nor in a batch that does not exist, nor under another node.
    expect(await w.receipts.verifyReceipt(batch.leaves[0], batch.proofs[0], a, 3n)).to.equal(false);
    expect(await w.receipts.verifyReceipt(batch.leaves[0], batch.proofs[0], a, 4n)).to.equal(false);
    expect(await w.receipts.verifyReceipt(batch.leaves[0], batch.proofs[0], w.ids.operatorB, 2n)).to.equal(false);
    // The proof file verifies end to end against the chain.
    const file = receiptProofFile(batch.receipts[3], batch, a, 2n, p.chainId, p.anchorAddress);
    const v = await verifyReceiptFile(JSON.parse(JSON.stringify(file)), ethers.provider);
    expect(v.checks.filter((c) => c.status === "fail")).to.deep.equal([]);
    expect(v.checks.filter((c) => c.status === "skip").map((c) => c.name)).to.deep.equal(["acknowledgement", "signature"]);
    expect([v.ok, v.state]).to.deep.equal([true, "verified"]);
  });

  it("C31 a tampered receipt fails on chain and off chain, whatever field changed", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    const batch = buildBatch(await receipts(p, 5));
    await w.receipts.connect(p.opNode).anchorBatch(batchRequest(batch, 2));
    const original = batch.receipts[2];
    const file = receiptProofFile(original, batch, w.ids.operatorA, 2n, p.chainId, p.anchorAddress);
    const changes: Record<(typeof RECEIPT_FIELDS)[number], Partial<Receipt>> = {
      id: { id: h("another id") },
      nodeId: { nodeId: w.ids.operatorB },
      authorizationId: { authorizationId: p.devAuth },
      scenarioId: { scenarioId: p.scenarioId + 1n },
      productId: { productId: p.productId + 1n },
      resourceIds: { productId: 0n, resourceIds: [p.r[0]] },
      consumer: { consumer: pseudonymousConsumer(h("other salt"), "another user") },
      purpose: { purpose: purposeDigest("营销") },
      recordCount: { recordCount: 2n },
      requestDigest: { requestDigest: h("other request") },
      resultDigest: { resultDigest: h("other result") },
      chargingBasis: { chargingBasis: "FreeTrialForSourceDept", fee: 0n },
      fee: { fee: FEE - 1n },
      timestamp: { timestamp: original.timestamp - 1 },
    };
    for (const field of RECEIPT_FIELDS) {
      const tampered = { ...original, ...changes[field] };
      const leaf = receiptLeaf(tampered);
      expect(leaf, field).to.not.equal(batch.leaves[2]);
      expect(await w.receipts.verifyReceipt(leaf, batch.proofs[2], w.ids.operatorA, 2n), field).to.equal(false);
      expect(StandardMerkleTree.verify(batch.root, [...RECEIPT_LEAF_ENCODING], receiptValues(tampered), batch.proofs[2]), field).to.equal(false);
      const v = await verifyReceiptFile({ ...file, receipt: receiptToJson(tampered) }, ethers.provider);
      expect([v.ok, v.state], field).to.deep.equal([false, "failed"]);
      const failed = v.checks.filter((c) => c.status === "fail").map((c) => c.name);
      expect(failed, field).to.include.members(["leaf", "proof", "inclusion"]);
    }
  });

  it("C20 the consumer is a pseudonymous salted digest: the receipt schema takes nothing else about the user", async () => {
    const p = await loadFixture(deployReceipts);
    const r = receiptToJson(await receipt(p));
    expect(() => parseReceipt({ ...r, consumer: "张三 440101199001011234" })).to.throw(/consumer/);
    expect(() => parseReceipt({ ...r, consumer: ZERO })).to.throw(/consumer/);
    expect(() => parseReceipt({ ...r, consumerName: "张三" })).to.throw(/consumerName/);
    expect(() => parseReceipt({ ...r, phone: "13800138000" })).to.throw(/phone/);
    // The same identity under two salts gives unlinkable digests; the salt is what the node keeps.
    expect(pseudonymousConsumer(h("salt-a"), "440101199001011234")).to.not.equal(pseudonymousConsumer(h("salt-b"), "440101199001011234"));
    // The consumer is covered by the leaf anchored on chain.
    const parsed = parseReceipt(r);
    expect(receiptLeaf({ ...parsed, consumer: pseudonymousConsumer(h("salt-c"), "someone else") })).to.not.equal(receiptLeaf(parsed));
  });

  it("C33 the charging basis and the fee are covered by the leaf: a paid use re-labelled free, or re-priced, no longer verifies", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    const paid = await receipt(p);
    const batch = buildBatch([paid, await receipt(p, { chargingBasis: "FreeTrialForSourceDept", fee: 0n })]);
    await w.receipts.connect(p.opNode).anchorBatch(batchRequest(batch, 2));
    expect(await w.receipts.verifyReceipt(receiptLeaf(paid), batch.proofs[0], w.ids.operatorA, 2n)).to.equal(true);
    for (const over of [{ chargingBasis: "PublicInterestFree" as const, fee: 0n }, { chargingBasis: "FreeTrialForSourceDept" as const }, { fee: 1n }]) {
      const changed = receiptLeaf({ ...paid, ...over });
      expect(await w.receipts.verifyReceipt(changed, batch.proofs[0], w.ids.operatorA, 2n), JSON.stringify(over, (_, v) => (typeof v === "bigint" ? String(v) : v))).to.equal(false);
    }
    // The JSON names a basis by its ChargingBasis name or number, never None.
    const json = receiptToJson(paid);
    expect(parseReceipt({ ...json, chargingBasis: 3 }).chargingBasis).to.equal("Commercial");
    expect(() => parseReceipt({ ...json, chargingBasis: 0 })).to.throw(/chargingBasis/);
    expect(() => parseReceipt({ ...json, chargingBasis: "None" })).to.throw(/chargingBasis/);
  });

  it("C31 a receipt outside the anchored time range fails the time-range check", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    const batch = buildBatch(await receipts(p, 3));
    // The node claims a range that leaves out the earliest receipt.
    const req = { ...batchRequest(batch, 2), firstAt: batch.firstAt + 1 };
    await w.receipts.connect(p.opNode).anchorBatch(req);
    const earliest = batch.receipts.find((r) => r.timestamp === batch.firstAt)!;
    const v = await verifyReceiptFile(receiptProofFile(earliest, batch, w.ids.operatorA, 2n, p.chainId, p.anchorAddress), ethers.provider);
    expect(v.ok).to.equal(false);
    expect(v.checks.filter((c) => c.status === "fail").map((c) => c.name)).to.deep.equal(["timeRange"]);
  });

  it("C31 a node signature is EIP-712 over the leaf, as receiptSignatureDigest computes it; a key of another participant fails", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    const batch = buildBatch(await receipts(p, 2));
    await w.receipts.connect(p.opNode).anchorBatch(batchRequest(batch, 2));
    const r = batch.receipts[0];
    expect(await w.receipts.receiptSignatureDigest(receiptLeaf(r))).to.equal(receiptSignatureDigest(receiptLeaf(r), p.chainId, p.anchorAddress));
    const good = await signReceipt(p.opNode, r, p.chainId, p.anchorAddress);
    const file = receiptProofFile(r, batch, w.ids.operatorA, 2n, p.chainId, p.anchorAddress, good);
    const v = await verifyReceiptFile(file, ethers.provider);
    expect(v.ok).to.equal(true);
    expect(v.checks.find((c) => c.name === "signature")?.status).to.equal("pass");

    const foreign = await signReceipt(w.signers.operatorB, r, p.chainId, p.anchorAddress);
    const bad = await verifyReceiptFile({ ...file, signature: foreign }, ethers.provider);
    expect(bad.checks.find((c) => c.name === "signature")).to.include({ status: "fail" });
    expect(bad.checks.find((c) => c.name === "signature")?.detail).to.match(/not a node key of node/);
    // A signature claimed for one key but made by another.
    const forged = await verifyReceiptFile({ ...file, signature: { ...foreign, signer: p.opNode.address } }, ethers.provider);
    expect(forged.checks.find((c) => c.name === "signature")?.status).to.equal("fail");
  });

  it("C31 the node's acknowledgement of an intake request is the EIP-712 digest the contract computes, and recovers to the node key", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    const body = { nodeId: w.ids.operatorA, root: p.first.root, count: 3, acknowledgedAt: await time.latest() };
    const onChain = await w.receipts.acknowledgementDigest(body.nodeId, body.root, body.count, body.acknowledgedAt);
    expect(onChain).to.equal(acknowledgementDigest(body, p.chainId, p.anchorAddress));
    // Any field changed changes the digest, the domain (another chain) too.
    expect(await w.receipts.acknowledgementDigest(body.nodeId, body.root, 4, body.acknowledgedAt)).to.not.equal(onChain);
    expect(acknowledgementDigest(body, p.chainId + 1n, p.anchorAddress)).to.not.equal(onChain);
    const signature = await p.opNode.signTypedData(receiptDomain(p.chainId, p.anchorAddress), ACK_SIGNATURE_TYPES, body);
    const ack = { scheme: "eip712:ReceiptAcknowledgement(uint64 nodeId,bytes32 root,uint32 count,uint64 acknowledgedAt)" as const, ...body, nodeId: body.nodeId.toString(), signer: p.opNode.address, signature };
    expect(acknowledgementSigner(ack, p.chainId, p.anchorAddress)).to.equal(p.opNode.address);
    expect(acknowledgementSigner({ ...ack, count: 2 }, p.chainId, p.anchorAddress)).to.not.equal(p.opNode.address);
  });

  it("C31 a pinned deployment overrides the file's anchor address and exposes a mismatch", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    const batch = buildBatch(await receipts(p, 2));
    await w.receipts.connect(p.opNode).anchorBatch(batchRequest(batch, 2));
    const file = receiptProofFile(batch.receipts[1], batch, w.ids.operatorA, 2n, p.chainId, await w.products.getAddress());
    const v = await verifyReceiptFile(file, ethers.provider, w.deployment);
    expect(v.anchorAddress).to.equal(p.anchorAddress);
    expect(v.checks.filter((c) => c.status === "fail").map((c) => c.name)).to.deep.equal(["anchor"]);
  });
});
