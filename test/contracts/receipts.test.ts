import { expect } from "chai";
import { ethers } from "hardhat";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { h, ROLE } from "../helpers/fixture";
import { deployChain, approvedScenario, listedProduct } from "../helpers/products";
import {
  RECEIPT_FIELDS,
  RECEIPT_LEAF_ENCODING,
  batchRequest,
  buildBatch,
  encodeReceipt,
  parseReceipt,
  pseudonymousConsumer,
  purposeDigest,
  receiptLeaf,
  receiptProofFile,
  receiptSignatureDigest,
  receiptToJson,
  receiptValues,
  signReceipt,
  verifyReceiptFile,
  type Receipt,
} from "../../scripts/lib/receipts";

const ZERO = ethers.ZeroHash;
/** ParticipantStatus. */
const Status = { Active: 1, Suspended: 2 } as const;

/**
 * The active two-tier chain with a listed product of operator A; operator A runs a platform node
 * (the fixture's PLATFORM_NODE key is one of its signer keys), so does the implementing agency
 * (a second key); source department A's key holds PLATFORM_NODE too, though a department runs none.
 */
async function deployReceipts() {
  const c = await deployChain();
  const { w } = c;
  const scenarioId = await approvedScenario(w, { authorizationId: c.opAuth, resourceIds: [c.r[0], c.r[1]], purpose: "企业信用评估" });
  const productId = await listedProduct(w, { scenarioId, resourceIds: [c.r[0]] });
  const all = await ethers.getSigners();
  const agencyNode = all[16];
  const deptNode = all[17];
  const { admin, authority, platformNode } = w.signers;
  await w.participants.connect(authority).addSigner(w.ids.operatorA, platformNode.address);
  await w.participants.connect(authority).addSigner(w.ids.agency, agencyNode.address);
  await w.participants.connect(authority).addSigner(w.ids.deptA, deptNode.address);
  await w.hub.connect(admin).grantRole(ROLE.PLATFORM_NODE, agencyNode.address);
  await w.hub.connect(admin).grantRole(ROLE.PLATFORM_NODE, deptNode.address);
  const network = await ethers.provider.getNetwork();
  return { ...c, scenarioId, productId, agencyNode, deptNode, chainId: network.chainId, anchorAddress: await w.receipts.getAddress() };
}

type R = Awaited<ReturnType<typeof deployReceipts>>;

let serial = 1;

/** A receipt of operator A's node for its listed product, `secondsAgo` before the latest block. */
async function receipt(p: R, over: Partial<Receipt> = {}, secondsAgo = 60): Promise<Receipt> {
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
    timestamp: (await time.latest()) - secondsAgo,
    ...over,
  };
}

async function receipts(p: R, n: number): Promise<Receipt[]> {
  const out: Receipt[] = [];
  for (let i = 0; i < n; i++) out.push(await receipt(p, {}, 600 - i));
  return out;
}

/** A valid commitment with overrides. */
async function request(p: R, over: Partial<ReturnType<typeof batchRequest>> = {}) {
  const batch = buildBatch(await receipts(p, 3));
  const seq = (await p.w.receipts.lastSequence(over.nodeId ?? p.w.ids.operatorA)) + 1n;
  return { ...batchRequest(batch, seq), ...over };
}

/** State that a refused call must leave untouched. */
async function snapshot(p: R, root: string) {
  const nodes = [p.w.ids.operatorA, p.w.ids.agency, p.w.ids.operatorB, p.w.ids.deptA];
  return {
    last: await Promise.all(nodes.map((n) => p.w.receipts.lastSequence(n))),
    root: (await p.w.receipts.isAnchoredRoot(root)).toString(),
  };
}

async function expectRefused(p: R, send: () => Promise<unknown>, error: string, args: unknown[] | undefined, root: string) {
  const before = await snapshot(p, root);
  const e = expect(send()).to.be.revertedWithCustomError(p.w.receipts, error);
  await (args ? e.withArgs(...args) : e);
  expect(await snapshot(p, root)).to.deep.equal(before);
}

describe("ReceiptAnchor", () => {
  // ===== anchoring (C31) =====

  it("C31 a platform node anchors a batch: the event carries every field, the views return it", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    const batch = buildBatch(await receipts(p, 4));
    const req = batchRequest(batch, 1);
    const tx = w.receipts.connect(w.signers.platformNode).anchorBatch(req);
    await expect(tx)
      .to.emit(w.receipts, "BatchAnchored")
      .withArgs(req.nodeId, 1n, req.root, 4, req.firstAt, req.lastAt, req.metadataHash, (v: bigint) => v > 0n, w.signers.platformNode.address);
    const at = BigInt(await time.latest());
    const b = await w.receipts.batch(req.nodeId, 1n);
    expect([b.root, b.anchoredBy, b.anchoredAt, b.receiptCount, b.firstAt, b.lastAt]).to.deep.equal([
      batch.root,
      w.signers.platformNode.address,
      at,
      4n,
      BigInt(batch.firstAt),
      BigInt(batch.lastAt),
    ]);
    expect(await w.receipts.lastSequence(req.nodeId)).to.equal(1n);
    expect(await w.receipts.isAnchoredRoot(batch.root)).to.deep.equal([req.nodeId, 1n]);
    expect(await w.receipts.isAnchoredRoot(h("never"))).to.deep.equal([0n, 0n]);
    expect(batch.firstAt).to.equal(Math.min(...batch.receipts.map((r) => r.timestamp)));
    expect(batch.lastAt).to.equal(Math.max(...batch.receipts.map((r) => r.timestamp)));
  });

  it("C31 batch numbers run from 1 per node without gaps; nodes count independently", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    for (const seq of [1n, 2n, 3n]) {
      await w.receipts.connect(w.signers.platformNode).anchorBatch(await request(p, { sequence: seq }));
    }
    // The implementing agency (data affairs center) runs its own node, numbered from 1.
    const agencyReq = { ...(await request(p)), nodeId: w.ids.agency, sequence: 1n };
    await expect(w.receipts.connect(p.agencyNode).anchorBatch(agencyReq)).to.emit(w.receipts, "BatchAnchored");
    expect(await w.receipts.lastSequence(w.ids.operatorA)).to.equal(3n);
    expect(await w.receipts.lastSequence(w.ids.agency)).to.equal(1n);
    expect(await w.receipts.lastSequence(w.ids.operatorB)).to.equal(0n);
  });

  it("C31 refuses a gap or a replay of a batch number, with no state change", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    const node = w.signers.platformNode;
    const first = await request(p);
    await w.receipts.connect(node).anchorBatch(first);
    const gap = await request(p, { sequence: 3n });
    await expectRefused(p, () => w.receipts.connect(node).anchorBatch(gap), "ReceiptAnchorUnexpectedSequence", [w.ids.operatorA, 2n, 3n], gap.root);
    const replay = await request(p, { sequence: 1n });
    await expectRefused(p, () => w.receipts.connect(node).anchorBatch(replay), "ReceiptAnchorUnexpectedSequence", [w.ids.operatorA, 2n, 1n], replay.root);
    const zero = await request(p, { sequence: 0n });
    await expectRefused(p, () => w.receipts.connect(node).anchorBatch(zero), "ReceiptAnchorUnexpectedSequence", [w.ids.operatorA, 2n, 0n], zero.root);
    // The very same commitment again is a replay too.
    await expectRefused(p, () => w.receipts.connect(node).anchorBatch(first), "ReceiptAnchorUnexpectedSequence", [w.ids.operatorA, 2n, 1n], first.root);
  });

  it("refuses a root already anchored, even under the next batch number", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    const first = await request(p);
    await w.receipts.connect(w.signers.platformNode).anchorBatch(first);
    const again = { ...first, sequence: 2n };
    await expectRefused(
      p,
      () => w.receipts.connect(w.signers.platformNode).anchorBatch(again),
      "ReceiptAnchorRootAlreadyAnchored",
      [first.root, w.ids.operatorA, 1n],
      first.root,
    );
  });

  // ===== who may anchor =====

  it("refuses a key without PLATFORM_NODE, even a signer of the node participant", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    const req = await request(p);
    await expectRefused(
      p,
      () => w.receipts.connect(w.signers.operatorA).anchorBatch(req),
      "HubConsumerUnauthorized",
      [w.signers.operatorA.address, ROLE.PLATFORM_NODE],
      req.root,
    );
  });

  it("refuses a PLATFORM_NODE key that is not a signer of the node participant", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    const req = await request(p, { nodeId: w.ids.operatorB });
    await expectRefused(
      p,
      () => w.receipts.connect(w.signers.platformNode).anchorBatch(req),
      "ReceiptAnchorNotNodeSigner",
      [w.ids.operatorB, w.signers.platformNode.address],
      req.root,
    );
  });

  it("C23 refuses the node of a suspended participant (rectification with permissions suspended)", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    await w.participants.connect(w.signers.authority).suspend(w.ids.operatorA, h("rectification"));
    const req = await request(p);
    await expectRefused(
      p,
      () => w.receipts.connect(w.signers.platformNode).anchorBatch(req),
      "ReceiptAnchorNodeNotActive",
      [w.ids.operatorA, Status.Suspended],
      req.root,
    );
    await w.participants.connect(w.signers.authority).reinstate(w.ids.operatorA, h("rectified"));
    await expect(w.receipts.connect(w.signers.platformNode).anchorBatch(req)).to.emit(w.receipts, "BatchAnchored");
  });

  it("refuses an unknown node and a participant kind that runs no platform", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    const unknown = await request(p, { nodeId: 999n });
    await expectRefused(p, () => w.receipts.connect(w.signers.platformNode).anchorBatch(unknown), "ReceiptAnchorUnknownNode", [999n], unknown.root);
    const dept = await request(p, { nodeId: w.ids.deptA });
    await expectRefused(p, () => w.receipts.connect(p.deptNode).anchorBatch(dept), "ReceiptAnchorWrongNodeKind", [w.ids.deptA, 3], dept.root);
  });

  // ===== what a commitment must hold =====

  it("refuses a zero root, a zero metadata hash and an empty batch", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    const node = w.signers.platformNode;
    const noRoot = await request(p, { root: ZERO });
    await expectRefused(p, () => w.receipts.connect(node).anchorBatch(noRoot), "ReceiptAnchorZeroRoot", [], ZERO);
    const noMeta = await request(p, { metadataHash: ZERO });
    await expectRefused(p, () => w.receipts.connect(node).anchorBatch(noMeta), "ReceiptAnchorZeroMetadataHash", [], noMeta.root);
    const empty = await request(p, { receiptCount: 0 });
    await expectRefused(p, () => w.receipts.connect(node).anchorBatch(empty), "ReceiptAnchorZeroCount", [], empty.root);
  });

  it("refuses a time range that runs backwards, starts at zero, or spans two times for one receipt", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    const node = w.signers.platformNode;
    const now = await time.latest();
    const backwards = await request(p, { firstAt: now - 10, lastAt: now - 20 });
    await expectRefused(p, () => w.receipts.connect(node).anchorBatch(backwards), "ReceiptAnchorInvalidTimeRange", [now - 10, now - 20, 3], backwards.root);
    const zero = await request(p, { firstAt: 0 });
    await expectRefused(p, () => w.receipts.connect(node).anchorBatch(zero), "ReceiptAnchorInvalidTimeRange", [0, zero.lastAt, 3], zero.root);
    const one = await request(p, { receiptCount: 1, firstAt: now - 20, lastAt: now - 10 });
    await expectRefused(p, () => w.receipts.connect(node).anchorBatch(one), "ReceiptAnchorInvalidTimeRange", [now - 20, now - 10, 1], one.root);
  });

  it("C31 refuses receipts dated after the block time", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    const later = (await time.latest()) + 3600;
    const req = await request(p, { lastAt: later });
    await expectRefused(p, () => w.receipts.connect(w.signers.platformNode).anchorBatch(req), "ReceiptAnchorFutureTimestamp", [later, (v: bigint) => v < BigInt(later)], req.root);
  });

  // ===== receipts and proofs =====

  it("the leaf is the OpenZeppelin double hash of abi.encode, as StandardMerkleTree computes it", async () => {
    const p = await loadFixture(deployReceipts);
    const r = await receipt(p, { productId: 0n, resourceIds: [p.r[0], p.r[1]], chargingBasis: "PublicInterestFree" });
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
    const batch = buildBatch(await receipts(p, 7));
    await w.receipts.connect(w.signers.platformNode).anchorBatch(batchRequest(batch, 1));
    for (let i = 0; i < batch.receipts.length; i++) {
      expect(await w.receipts.verifyReceipt(batch.leaves[i], batch.proofs[i], w.ids.operatorA, 1n)).to.equal(true);
    }
    // A one-receipt batch: the root is the leaf, the proof is empty.
    const single = buildBatch([await receipt(p)]);
    expect(single.root).to.equal(single.leaves[0]);
    await w.receipts.connect(w.signers.platformNode).anchorBatch(batchRequest(single, 2));
    expect(await w.receipts.verifyReceipt(single.leaves[0], [], w.ids.operatorA, 2n)).to.equal(true);
    // Not in another batch, nor in a batch that does not exist.
    expect(await w.receipts.verifyReceipt(batch.leaves[0], batch.proofs[0], w.ids.operatorA, 2n)).to.equal(false);
    expect(await w.receipts.verifyReceipt(batch.leaves[0], batch.proofs[0], w.ids.operatorA, 3n)).to.equal(false);
    expect(await w.receipts.verifyReceipt(batch.leaves[0], batch.proofs[0], w.ids.operatorB, 1n)).to.equal(false);
    // The proof file verifies end to end against the chain.
    const file = receiptProofFile(batch.receipts[3], batch, w.ids.operatorA, 1n, p.chainId, p.anchorAddress);
    const v = await verifyReceiptFile(JSON.parse(JSON.stringify(file)), ethers.provider);
    expect(v.checks.filter((c) => c.status !== "pass").map((c) => c.name)).to.deep.equal(["signature"]);
    expect(v.ok).to.equal(true);
  });

  it("C31 a tampered receipt fails on chain and off chain, whatever field changed", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    const batch = buildBatch(await receipts(p, 5));
    await w.receipts.connect(w.signers.platformNode).anchorBatch(batchRequest(batch, 1));
    const original = batch.receipts[2];
    const file = receiptProofFile(original, batch, w.ids.operatorA, 1n, p.chainId, p.anchorAddress);
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
      chargingBasis: { chargingBasis: "FreeTrialForSourceDept" },
      timestamp: { timestamp: original.timestamp - 1 },
    };
    for (const field of RECEIPT_FIELDS) {
      const tampered = { ...original, ...changes[field] };
      const leaf = receiptLeaf(tampered);
      expect(leaf, field).to.not.equal(batch.leaves[2]);
      expect(await w.receipts.verifyReceipt(leaf, batch.proofs[2], w.ids.operatorA, 1n), field).to.equal(false);
      expect(StandardMerkleTree.verify(batch.root, [...RECEIPT_LEAF_ENCODING], receiptValues(tampered), batch.proofs[2]), field).to.equal(false);
      const v = await verifyReceiptFile({ ...file, receipt: receiptToJson(tampered) }, ethers.provider);
      expect(v.ok, field).to.equal(false);
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

  it("C33 the charging basis is covered by the leaf: a paid use re-labelled free no longer verifies", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    const paid = await receipt(p, { chargingBasis: "Commercial" });
    const batch = buildBatch([paid, await receipt(p, { chargingBasis: "FreeTrialForSourceDept" })]);
    await w.receipts.connect(w.signers.platformNode).anchorBatch(batchRequest(batch, 1));
    expect(await w.receipts.verifyReceipt(receiptLeaf(paid), batch.proofs[0], w.ids.operatorA, 1n)).to.equal(true);
    for (const basis of ["PublicInterestFree", "FreeTrialForSourceDept"] as const) {
      const relabelled = receiptLeaf({ ...paid, chargingBasis: basis });
      expect(await w.receipts.verifyReceipt(relabelled, batch.proofs[0], w.ids.operatorA, 1n), basis).to.equal(false);
    }
    // The JSON names a basis by its ChargingBasis name or number, never None.
    const json = receiptToJson(paid);
    expect(parseReceipt({ ...json, chargingBasis: 3 }).chargingBasis).to.equal("Commercial");
    expect(() => parseReceipt({ ...json, chargingBasis: 0 })).to.throw(/chargingBasis/);
    expect(() => parseReceipt({ ...json, chargingBasis: "None" })).to.throw(/chargingBasis/);
  });

  it("a receipt outside the anchored time range fails the time-range check", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    const batch = buildBatch(await receipts(p, 3));
    // The node claims a range that leaves out the earliest receipt.
    const req = { ...batchRequest(batch, 1), firstAt: batch.firstAt + 1 };
    await w.receipts.connect(w.signers.platformNode).anchorBatch(req);
    const earliest = batch.receipts.find((r) => r.timestamp === batch.firstAt)!;
    const v = await verifyReceiptFile(receiptProofFile(earliest, batch, w.ids.operatorA, 1n, p.chainId, p.anchorAddress), ethers.provider);
    expect(v.ok).to.equal(false);
    expect(v.checks.filter((c) => c.status === "fail").map((c) => c.name)).to.deep.equal(["timeRange"]);
  });

  it("a node signature is EIP-712 over the leaf, as receiptSignatureDigest computes it; a key of another participant fails", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    const batch = buildBatch(await receipts(p, 2));
    await w.receipts.connect(w.signers.platformNode).anchorBatch(batchRequest(batch, 1));
    const r = batch.receipts[0];
    expect(await w.receipts.receiptSignatureDigest(receiptLeaf(r))).to.equal(receiptSignatureDigest(receiptLeaf(r), p.chainId, p.anchorAddress));
    const good = await signReceipt(w.signers.platformNode, r, p.chainId, p.anchorAddress);
    const file = receiptProofFile(r, batch, w.ids.operatorA, 1n, p.chainId, p.anchorAddress, good);
    const v = await verifyReceiptFile(file, ethers.provider);
    expect(v.ok).to.equal(true);
    expect(v.checks.find((c) => c.name === "signature")?.status).to.equal("pass");

    const foreign = await signReceipt(w.signers.operatorB, r, p.chainId, p.anchorAddress);
    const bad = await verifyReceiptFile({ ...file, signature: foreign }, ethers.provider);
    expect(bad.checks.find((c) => c.name === "signature")).to.include({ status: "fail" });
    expect(bad.checks.find((c) => c.name === "signature")?.detail).to.match(/not a signer key of participant/);
    // A signature claimed for one key but made by another.
    const forged = await verifyReceiptFile({ ...file, signature: { ...foreign, signer: w.signers.platformNode.address } }, ethers.provider);
    expect(forged.checks.find((c) => c.name === "signature")?.status).to.equal("fail");
  });

  it("a pinned deployment overrides the file's anchor address and exposes a mismatch", async () => {
    const p = await loadFixture(deployReceipts);
    const { w } = p;
    const batch = buildBatch(await receipts(p, 2));
    await w.receipts.connect(w.signers.platformNode).anchorBatch(batchRequest(batch, 1));
    const file = receiptProofFile(batch.receipts[1], batch, w.ids.operatorA, 1n, p.chainId, await w.products.getAddress());
    const v = await verifyReceiptFile(file, ethers.provider, w.deployment);
    expect(v.anchorAddress).to.equal(p.anchorAddress);
    expect(v.checks.filter((c) => c.status === "fail").map((c) => c.name)).to.deep.equal(["anchor"]);
  });
});
