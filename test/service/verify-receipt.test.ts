/**
 * `provenant verify-receipt` as a child process against a real anvil node: a platform node
 * anchors a batch of usage receipts, hands a consumer a proof file, and the CLI checks it against
 * the chain directly (no ledger-service running). The follower's decoder reads BatchAnchored
 * from the artifacts like any other event.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Wallet, id as keccakText, type Signer } from "ethers";
import { makeCreditCode } from "../../scripts/lib/creditCode";
import {
  ACK_SIGNATURE_SCHEME,
  ACK_SIGNATURE_TYPES,
  receiptDomain,
  batchRequest,
  buildBatch,
  pseudonymousConsumer,
  parseReceipt,
  purposeDigest,
  receiptProofFile,
  receiptToJson,
  signReceipt,
  type Receipt,
  type ReceiptBatch,
  type ReceiptProofFile,
} from "../../scripts/lib/receipts";
import { createDecoder, loadArtifactAbis } from "../../ledger-service/src/chain/decoder";
import type { RpcLog } from "../../ledger-service/src/chain/rpc";
import type { JsonValue, ViewTx } from "../../ledger-service/src/store/types";
import { createTimelineView, readTimelineEntry, timelineEntry, timelineKey, type TimelineValue } from "../../ledger-service/src/views/timeline";
import { createUsageView, receiptBatchKey } from "../../ledger-service/src/views/usage";
import { SPACE } from "../../ledger-service/src/views/util";
import { ROOT, deployTestWorld, freePort, startAnvil, tmpDir, type Anvil, type TestWorld } from "./follower.helpers";
import { memoryTx } from "./helpers/ledger";

const CLI = path.join(ROOT, "bin/provenant");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in a clean environment (nothing of the caller's PROVENANT_* leaks in). */
function cli(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(CLI, args, { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("provenant verify-receipt against a real chain", function () {
  this.timeout(180_000);
  let anvil: Anvil;
  let dir: string;
  let world: TestWorld;
  let nodeKey: Signer;
  let nodeId: bigint;
  let batch: ReceiptBatch;
  let proofFile: ReceiptProofFile;
  let anchorTx: string;
  let acknowledgement: NonNullable<ReceiptProofFile["acknowledgement"]>;
  const file = (name: string, body: unknown) => {
    const f = path.join(dir, name);
    writeFileSync(f, typeof body === "string" ? body : JSON.stringify(body, null, 2));
    return f;
  };

  before(async () => {
    anvil = await startAnvil();
    dir = tmpDir("verify-receipt");
    world = await deployTestWorld(anvil.url, dir);
    const { provider, contracts, authority } = world;
    nodeKey = await provider.getSigner(3);
    // Operator 惠州数据运营 runs the platform node; its node key is one of its signer keys.
    await (
      await contracts.participants
        .connect(authority)
        .register(4, "惠州数据运营有限公司", makeCreditCode(77), keccakText("operator"), [await nodeKey.getAddress()])
    ).wait();
    nodeId = await contracts.participants.participantCount();
    await (await contracts.participants.connect(authority).setPlatformNode(nodeId, true)).wait();

    const now = (await provider.getBlock("latest"))!.timestamp;
    const receipts: Receipt[] = Array.from({ length: 16 }, (_, i) => ({
      id: keccakText(`receipt-${i}`),
      nodeId,
      authorizationId: 1n,
      scenarioId: 1n,
      productId: 1n,
      resourceIds: [],
      consumer: pseudonymousConsumer(keccakText(`salt-${i}`), `user-${i}`),
      purpose: purposeDigest("企业信用评估"),
      recordCount: BigInt(10 + i),
      requestDigest: keccakText(`request-${i}`),
      resultDigest: keccakText(`result-${i}`),
      chargingBasis: i % 4 === 0 ? "FreeTrialForSourceDept" : "Commercial",
      fee: i % 4 === 0 ? 0n : 300n,
      timestamp: now + i, // after the node's registration (the chain refuses a first batch before it)
    }));
    batch = buildBatch(receipts);
    await provider.send("evm_increaseTime", [60]);
    const tx = await contracts.receipts.connect(nodeKey).anchorBatch(batchRequest(batch, 1));
    anchorTx = (await tx.wait())!.hash;
    const chainId = world.deployment.chainId;
    const anchorAddress = world.deployment.contracts.ReceiptAnchor.address;
    const signature = await signReceipt(nodeKey, receipts[5], chainId, anchorAddress);
    // The node's acknowledgement of the intake request that carried these 16 receipts.
    const ackBody = { nodeId, root: batch.root, count: 16, acknowledgedAt: now };
    acknowledgement = {
      scheme: ACK_SIGNATURE_SCHEME,
      nodeId: nodeId.toString(),
      root: batch.root,
      count: 16,
      acknowledgedAt: now,
      path: batch.proofs[5],
      signer: await nodeKey.getAddress(),
      signature: await nodeKey.signTypedData(receiptDomain(chainId, anchorAddress), ACK_SIGNATURE_TYPES, ackBody),
    };
    proofFile = { ...receiptProofFile(receipts[5], batch, nodeId, 1n, chainId, anchorAddress, signature), acknowledgement };
  });

  after(async () => {
    await anvil?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("C31 a valid receipt proof verifies against the chain alone: exit 0, every check passes", async () => {
    const f = file("receipt.json", proofFile);
    const r = await cli(["verify-receipt", f, "--rpc", anvil.url]);
    expect(r.code, r.stderr).to.equal(0);
    for (const check of ["leaf", "node", "proof", "chain", "anchor", "anchored", "inclusion", "timeRange", "acknowledgement", "signature"]) {
      expect(r.stdout).to.match(new RegExp(`✓ ${check}\\b`));
    }
    expect(r.stdout).to.contain("verified: the node anchored exactly this receipt");
    expect(r.stdout).to.contain("pass --deployment to pin it");
  });

  it("C31 --deployment pins the anchor; --json prints every check", async () => {
    const f = file("receipt-pinned.json", proofFile);
    const r = await cli(["verify-receipt", f, "--rpc", anvil.url, "--deployment", world.deploymentFile, "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout) as { ok: boolean; checks: { name: string; status: string }[]; anchorAddress: string };
    expect(out.ok).to.equal(true);
    expect(out.anchorAddress).to.equal(world.deployment.contracts.ReceiptAnchor.address);
    expect(out.checks.map((c) => c.status)).to.deep.equal(Array(10).fill("pass"));
  });

  it("C31 a tampered receipt exits 1 naming the failed checks", async () => {
    const tampered = { ...proofFile, receipt: { ...proofFile.receipt, recordCount: "1000" } };
    const r = await cli(["verify-receipt", file("tampered.json", tampered), "--rpc", anvil.url]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/not verified: leaf, proof, inclusion, acknowledgement, signature failed/);
    expect(r.stdout).to.contain("✗ leaf");
    expect(r.stdout).to.contain("a field of the receipt was changed");
  });

  it("C33 a receipt re-labelled free of charge exits 1", async () => {
    const relabelled = { ...proofFile, receipt: { ...proofFile.receipt, chargingBasis: "PublicInterestFree", fee: "0" } };
    const r = await cli(["verify-receipt", file("relabelled.json", relabelled), "--rpc", anvil.url]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain("leaf, proof, inclusion");
  });

  it("a proof file naming a batch the node never anchored exits 1 on the anchored check", async () => {
    const unanchored = { ...proofFile, batch: { ...proofFile.batch, sequence: "2" } };
    const r = await cli(["verify-receipt", file("unanchored.json", unanchored), "--rpc", anvil.url]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(/✗ anchored\s+batch 2 of node/);
    expect(r.stderr).to.contain("anchored, inclusion failed");
  });

  it("malformed input: not JSON or not a proof exits 1, a missing file exits 2, each with a clear message", async () => {
    const notJson = await cli(["verify-receipt", file("broken.json", "{ not json"), "--rpc", anvil.url]);
    expect(notJson.code).to.equal(1);
    expect(notJson.stderr).to.contain("is not JSON");
    const { consumer: _dropped, ...noConsumer } = proofFile.receipt;
    void _dropped;
    const notProof = await cli(["verify-receipt", file("no-consumer.json", { ...proofFile, receipt: noConsumer }), "--rpc", anvil.url]);
    expect(notProof.code).to.equal(1);
    expect(notProof.stderr).to.contain("not a receipt proof file").and.to.contain("receipt.consumer");
    const missing = await cli(["verify-receipt", path.join(dir, "nope.json"), "--rpc", anvil.url]);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.contain("nope.json: no such file");
  });

  it("--help exits 0; a bad --rpc or a second file exits 2", async () => {
    const help = await cli(["verify-receipt", "--help"]);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.contain("Usage: provenant verify-receipt <file> [--rpc URL] [--deployment FILE] [--window S] [--service URL] [--json]");
    expect(help.stdout).to.contain("3 evidence of omission");
    const f = file("receipt-usage.json", proofFile);
    const badRpc = await cli(["verify-receipt", f, "--rpc", "ftp://x"]);
    expect([badRpc.code, badRpc.stderr]).to.deep.equal([2, 'provenant verify-receipt: --rpc "ftp://x" must be http(s)\n']);
    const two = await cli(["verify-receipt", f, f, "--rpc", anvil.url]);
    expect(two.code).to.equal(2);
    expect(two.stderr).to.contain("takes one file");
  });

  it("C31 an acknowledgement whose path, signature or root was changed fails the acknowledgement check", async () => {
    const cases: [string, NonNullable<ReceiptProofFile["acknowledgement"]>][] = [
      ["path", { ...acknowledgement, path: [...acknowledgement.path].reverse() }],
      ["root", { ...acknowledgement, root: keccakText("another root") }],
      ["count", { ...acknowledgement, count: 17 }],
    ];
    for (const [what, ack] of cases) {
      const r = await cli(["verify-receipt", file(`ack-${what}.json`, { ...proofFile, acknowledgement: ack }), "--rpc", anvil.url]);
      expect(r.code, what).to.equal(1);
      expect(r.stdout, what).to.match(/✗ acknowledgement/);
    }
    // Signed by a key that is no signer of the node: an outsider cannot vouch for the node.
    const outsider = Wallet.createRandom();
    const chainId = world.deployment.chainId;
    const anchorAddress = world.deployment.contracts.ReceiptAnchor.address;
    const body = { nodeId, root: acknowledgement.root, count: acknowledgement.count, acknowledgedAt: acknowledgement.acknowledgedAt };
    const forged = { ...acknowledgement, signer: outsider.address, signature: await outsider.signTypedData(receiptDomain(chainId, anchorAddress), ACK_SIGNATURE_TYPES, body) };
    const r = await cli(["verify-receipt", file("ack-outsider.json", { ...proofFile, acknowledgement: forged }), "--rpc", anvil.url]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.contain(`not a node key of node ${nodeId}`);
  });

  /** The node's acknowledgement of a one-receipt request (root = leaf, empty path). */
  async function ackOfOne(r: Receipt, acknowledgedAt: number, signer: Signer = nodeKey): Promise<NonNullable<ReceiptProofFile["acknowledgement"]>> {
    const chainId = world.deployment.chainId;
    const anchorAddress = world.deployment.contracts.ReceiptAnchor.address;
    const root = buildBatch([r]).root;
    const body = { nodeId, root, count: 1, acknowledgedAt };
    return {
      scheme: ACK_SIGNATURE_SCHEME,
      nodeId: nodeId.toString(),
      root,
      count: 1,
      acknowledgedAt,
      path: [],
      signer: await signer.getAddress(),
      signature: await signer.signTypedData(receiptDomain(chainId, anchorAddress), ACK_SIGNATURE_TYPES, body),
    };
  }
  const pendingFile = (r: Receipt, ack: NonNullable<ReceiptProofFile["acknowledgement"]>) => {
    const { batch: _b, proof: _p, signature: _s, leaf: _l, ...rest } = { ...proofFile, receipt: receiptToJson(r), acknowledgement: ack };
    void [_b, _p, _s, _l];
    return rest;
  };

  it("C31 a receipt acknowledged but not proven anchored is pending inside its window (exit 1), unresolved after it while a batch of the node covers its time (exit 4)", async () => {
    const { batch: _b, proof: _p, ...pending } = proofFile;
    void _b;
    void _p;
    const f = file("pending.json", pending);
    const inside = await cli(["verify-receipt", f, "--rpc", anvil.url, "--window", "86400"]);
    expect(inside.code, inside.stderr + inside.stdout).to.equal(1);
    expect(inside.stdout).to.contain("pending: acknowledged by the node");
    expect(inside.stdout).to.match(/✓ acknowledgement/);
    // Past the window: batch 1 covers the receipt's time, so the receipt may be in it (it is):
    // without the node's proof nobody can say it was omitted.
    const after = await cli(["verify-receipt", f, "--rpc", anvil.url, "--window", "0", "--json"]);
    expect(after.code, after.stderr).to.equal(4);
    const out = JSON.parse(after.stdout) as { state: string; coveringBatches: { sequence: string }[] };
    expect(out.state).to.equal("unresolved");
    expect(out.coveringBatches.map((b) => b.sequence)).to.deep.equal(["1"]);
  });

  it("C31 an acknowledged receipt no batch of the node covers is evidence of omission past its window (exit 3)", async () => {
    const r = { ...(proofFile.receipt as unknown as Record<string, unknown>) };
    const lost: Receipt = { ...parseReceipt(r), id: keccakText("omitted-receipt"), timestamp: batch.firstAt - 10 };
    const f = file("omitted.json", pendingFile(lost, await ackOfOne(lost, batch.firstAt)));
    const run = await cli(["verify-receipt", f, "--rpc", anvil.url, "--window", "0", "--json", "--max-range", "3"]);
    expect(run.code, run.stderr).to.equal(3);
    const out = JSON.parse(run.stdout) as { state: string; coveringBatches: unknown[]; checks: { name: string; status: string }[] };
    expect(out.state).to.equal("omitted");
    expect(out.coveringBatches).to.deep.equal([]);
    expect(out.checks.find((c) => c.name === "acknowledgement")!.status).to.equal("pass");
    expect((await cli(["verify-receipt", f, "--rpc", anvil.url, "--max-range", "0"])).code).to.equal(2);
  });

  it("an unreachable RPC exits 1 naming the URL", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const r = await cli(["verify-receipt", file("receipt-offline.json", proofFile), "--rpc", url]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain(`cannot reach the chain at ${url}`);
  });

  it("the ledger-service decoder reads BatchAnchored with every field from the artifacts", async () => {
    const { deployment, provider } = world;
    const names = Object.keys(deployment.contracts);
    const abis = loadArtifactAbis(path.join(ROOT, "artifacts"), names);
    const decoder = createDecoder({
      contracts: names.map((name) => ({ name, address: deployment.contracts[name as keyof typeof deployment.contracts].address, abi: abis[name] })),
    });
    const receipt = (await provider.getTransactionReceipt(anchorTx))!;
    const log = receipt.logs[0];
    const rpcLog: RpcLog = {
      address: log.address.toLowerCase(),
      topics: log.topics.map((t) => t.toLowerCase()),
      data: log.data,
      blockNumber: log.blockNumber,
      blockHash: log.blockHash,
      transactionHash: log.transactionHash,
      logIndex: log.index,
      removed: false,
    };
    const e = decoder.decode(rpcLog, 0)!;
    expect([e.contract, e.event]).to.deep.equal(["ReceiptAnchor", "BatchAnchored"]);
    expect(e.args).to.include({
      nodeId: nodeId.toString(),
      sequence: "1",
      root: batch.root,
      receiptCount: "16",
      firstAt: String(batch.firstAt),
      lastAt: String(batch.lastAt),
      metadataHash: batch.metadataHash,
      anchoredBy: await nodeKey.getAddress(),
    });
    expect(e.args.usage).to.deep.equal(batch.usage);

    // C22: the timeline keeps the batch as the key of the usage view's record of it; read back,
    // it is the entry the event itself makes, byte for byte (numbers as decimal strings, the
    // usage words re-encoded from their entries).
    const memory = memoryTx();
    const values = memory.values;
    const tx: ViewTx = { ...memory.tx, del: () => expect.fail("nothing is deleted") };
    await createUsageView().apply(tx, e);
    await createTimelineView().apply(tx, e);
    const stored = values.get(`${SPACE.timeline}/${timelineKey("participant", nodeId.toString(), e.blockNumber, e.logIndex)}`) as TimelineValue;
    expect(stored).to.deep.equal({ batch: receiptBatchKey(nodeId.toString(), "1") });
    const entry = readTimelineEntry(stored, { get: <T extends JsonValue>(space: string, key: string) => values.get(`${space}/${key}`) as T | undefined });
    expect(JSON.stringify(entry)).to.equal(JSON.stringify(timelineEntry(e)));
    expect(readTimelineEntry(stored, { get: () => undefined }), "no entry without the batch's record").to.equal(undefined);
  });

  // Last: it unbinds the node key.
  it("C31 an acknowledgement stays valid after the node key is rotated out; one dated after the rotation fails", async () => {
    const { provider, contracts, authority } = world;
    const old = await nodeKey.getAddress();
    const replacement = await provider.getSigner(4);
    await (await contracts.participants.connect(authority).addSigner(nodeId, await replacement.getAddress())).wait();
    await provider.send("evm_increaseTime", [30]);
    await (await contracts.participants.connect(authority).removeSigner(nodeId, old)).wait();
    expect(await contracts.hub.nodeOf(old)).to.equal(0n);
    const removedAt = (await provider.getBlock("latest"))!.timestamp;

    const before = await cli(["verify-receipt", file("rotated.json", proofFile), "--rpc", anvil.url, "--json"]);
    expect(before.code, before.stdout).to.equal(0);
    const ackCheck = (JSON.parse(before.stdout) as { checks: { name: string; detail: string }[] }).checks.find((c) => c.name === "acknowledgement")!;
    expect(ackCheck.detail).to.contain("unbound or rotated since");

    const late: Receipt = { ...parseReceipt(proofFile.receipt), id: keccakText("after-rotation") };
    const after = await cli(["verify-receipt", file("after-rotation.json", pendingFile(late, await ackOfOne(late, removedAt + 5))), "--rpc", anvil.url, "--window", "0"]);
    expect(after.code).to.equal(1);
    expect(after.stdout).to.match(/✗ acknowledgement .*not a node key of node/);
    // The new key vouches from its binding on.
    const fresh = await cli(["verify-receipt", file("new-key.json", pendingFile(late, await ackOfOne(late, removedAt + 5, replacement))), "--rpc", anvil.url, "--window", "86400"]);
    expect(fresh.stdout).to.match(/✓ acknowledgement/);
  });
});
