/**
 * Exactly once under kill -9 (C31, C22): a platform node in its own process takes receipts from
 * concurrent clients while it seals and anchors batches, and is killed with SIGKILL ten times
 * at random moments against a real anvil chain. At the end every acknowledged receipt is in
 * exactly one anchored batch with a proof the chain accepts; no receipt is lost or anchored
 * twice, and the node's sequences on chain run 1..N without a gap.
 */
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { JsonRpcProvider, id as keccakText, type Wallet } from "ethers";
import { makeCreditCode } from "../../scripts/lib/creditCode";
import { devWallet } from "../../scripts/lib/demo";
import { parseReceipt, pseudonymousConsumer, purposeDigest, receiptLeaf, receiptToJson, type Receipt } from "../../scripts/lib/receipts";
import { merkleTree, processProof } from "../../scripts/lib/receipt-tree";
import { ReceiptAnchor__factory } from "../../typechain-types";
import { KEY, openNodeStore, type BatchEntry, type ReceiptEntry } from "../../ledger-service/src/node/store";
import { ROOT, deployTestWorld, sleep, startAnvil, tmpDir, waitFor, type Anvil, type TestWorld } from "./follower.helpers";

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 10);

interface Child {
  proc: ChildProcess;
  port: number;
  exited: Promise<void>;
}

describe("platform node under kill -9 (C31 C22)", function () {
  this.timeout(1_200_000);
  let anvil: Anvil;
  let dir: string;
  let world: TestWorld;
  let nodeId: bigint;
  const nodeKey = devWallet(7);

  before(async () => {
    anvil = await startAnvil();
    dir = tmpDir("intake-crash");
    world = await deployTestWorld(anvil.url, dir);
    const { contracts, authority } = world;
    await (await contracts.participants.connect(authority).register(4, "惠州数据运营有限公司", makeCreditCode(4242), keccakText("operator"), [nodeKey.address])).wait();
    nodeId = await contracts.participants.participantCount();
    await (await contracts.participants.connect(authority).setPlatformNode(nodeId, true)).wait();
  });

  after(async () => {
    await anvil?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function startChild(): Promise<Child> {
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      RPC_URL: anvil.url,
      DEPLOYMENT_FILE: world.deploymentFile,
      DATA_DIR: path.join(dir, "index"),
      NODE_DATA_DIR: path.join(dir, "node"),
      NODE_PRIVATE_KEY: nodeKey.privateKey,
      PORT: "0",
      CONFIRMATIONS: "0",
      POLL_INTERVAL_MS: "50",
      BATCH_MAX: "200",
      BATCH_MAX_AGE: "1",
      ANCHOR_REPLACE_AFTER: "5",
      LOG_LEVEL: "silent",
      ...(process.env.TEST_LOG_LEVEL ? { TEST_LOG_LEVEL: process.env.TEST_LOG_LEVEL } : {}),
    };
    const proc = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, "node.child.ts")], { cwd: ROOT, env, stdio: ["ignore", "pipe", "inherit"] });
    const exited = new Promise<void>((r) => proc.once("exit", () => r()));
    return new Promise<Child>((resolve, reject) => {
      let buf = "";
      proc.stdout!.on("data", (c: Buffer) => {
        buf += c.toString();
        const m = /\{"port":(\d+)\}/.exec(buf);
        if (m) resolve({ proc, port: Number(m[1]), exited });
      });
      proc.once("exit", (code) => reject(new Error(`node child exited (${code}) before listening`)));
    });
  }

  async function api(port: number, method: string, route: string, body?: unknown, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1${route}`, {
      method,
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  async function signIn(port: number, w: Wallet | ReturnType<typeof devWallet>): Promise<string> {
    const c = await api(port, "POST", "/auth/challenge", { address: w.address });
    const signature = await w.signMessage(c.body.message as string);
    const t = await api(port, "POST", "/auth/token", { address: w.address, signature, nonce: c.body.nonce });
    expect(t.status, JSON.stringify(t.body)).to.equal(200);
    return t.body.token as string;
  }

  async function waitReady(port: number): Promise<void> {
    await waitFor("the node to catch up", async () => {
      const h = await api(port, "GET", "/health").catch(() => undefined);
      if (h?.status === 200 && h.body.status === "ok") return true;
      await sleep(250);
      return false;
    }, 120_000);
  }

  let serial = 0;
  function receipt(): Receipt {
    const n = ++serial;
    return {
      id: keccakText(`crash-receipt-${n}`),
      nodeId,
      authorizationId: 1n,
      scenarioId: 1n,
      productId: 1n,
      resourceIds: [],
      consumer: pseudonymousConsumer(keccakText(`salt-${n % 17}`), `user-${n % 101}`),
      purpose: purposeDigest("企业信用评估"),
      recordCount: BigInt(n % 40),
      requestDigest: keccakText(`request-${n}`),
      resultDigest: keccakText(`result-${n}`),
      chargingBasis: "Commercial",
      fee: BigInt(100 + (n % 7)),
      timestamp: Math.floor(Date.now() / 1000) - 1,
    };
  }

  it(`C31 every acknowledged receipt ends in exactly one anchored batch across ${ROUNDS} kill -9 during intake and anchoring`, async () => {
    const acked = new Map<string, string>(); // id -> leaf
    let refused = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const child = await startChild();
      await waitReady(child.port);
      const token = await signIn(child.port, nodeKey);
      let killed = false;
      const client = async () => {
        while (!killed) {
          const rs = Array.from({ length: 20 }, receipt);
          try {
            const a = await api(child.port, "POST", "/receipts", { receipts: rs.map(receiptToJson) }, token);
            if (a.status === 200) {
              for (const r of rs) acked.set(r.id, receiptLeaf(r));
            } else refused++;
          } catch {
            // the connection died with the process: these receipts were never acknowledged
          }
        }
      };
      const clients = [client(), client(), client()];
      await sleep(600 + Math.floor(Math.random() * 2400));
      child.proc.kill("SIGKILL");
      killed = true;
      await child.exited;
      await Promise.all(clients);
    }
    expect(refused, "no request was refused while the node was up").to.equal(0);
    expect(acked.size).to.be.greaterThan(ROUNDS * 20);

    // A last start drains everything.
    const child = await startChild();
    await waitReady(child.port);
    await waitFor("every sealed batch to be anchored", async () => {
      await sleep(250); // stay under the public rate limit
      const h = await api(child.port, "GET", "/health");
      if (h.status !== 200) return false;
      const b = (h.body.node as { batcher: { pending: number; unanchored: number; conflict: string | null } }).batcher;
      expect(b.conflict).to.equal(null);
      return b.pending === 0 && b.unanchored === 0;
    }, 180_000);
    // A sample of proofs over HTTP, checked by the chain itself.
    const provider = new JsonRpcProvider(anvil.url, world.deployment.chainId, { staticNetwork: true });
    const anchor = ReceiptAnchor__factory.connect(world.deployment.contracts.ReceiptAnchor.address, provider);
    const ids = [...acked.keys()];
    for (const id of ids.filter((_, i) => i % Math.ceil(ids.length / 30) === 0)) {
      let p = await api(child.port, "GET", `/receipts/${id}/proof`);
      while (p.status === 429) {
        await sleep(1000);
        p = await api(child.port, "GET", `/receipts/${id}/proof`);
      }
      expect(p.status, JSON.stringify(p.body)).to.equal(200);
      const file = p.body as { leaf: string; proof: string[]; batch: { sequence: string; root: string } };
      expect(file.leaf).to.equal(acked.get(id));
      expect(processProof(file.leaf, file.proof)).to.equal(file.batch.root);
      expect(await anchor.verifyReceipt(file.leaf, file.proof, nodeId, BigInt(file.batch.sequence))).to.equal(true);
    }
    child.proc.kill("SIGKILL");
    await child.exited;

    // The node store, read directly: every receipt in exactly one batch, every batch on chain.
    const store = await openNodeStore(path.join(dir, "node"), 0);
    try {
      const inBatches = new Map<string, number>();
      const leafInBatch = new Map<string, string>();
      let sequences = 0;
      for await (const [, b] of store.range<BatchEntry>("b:")) {
        sequences++;
        expect(b.sequence, "sequences without gaps").to.equal(sequences);
        expect(b.state).to.equal("anchored");
        expect(b.ids.length).to.equal(b.receiptCount);
        for (const id of b.ids) {
          expect(inBatches.has(id), `receipt ${id} in batches ${inBatches.get(id)} and ${b.sequence}`).to.equal(false);
          inBatches.set(id, b.sequence);
        }
        expect((await anchor.rootOf(nodeId, BigInt(b.sequence))).toLowerCase()).to.equal(b.root.toLowerCase());
        // The batch's leaves rebuild the anchored root, so every receipt in it has a proof the chain accepts.
        expect(merkleTree(b.leaves).root, `batch ${b.sequence} leaves`).to.equal(b.root);
        b.ids.forEach((id, i) => leafInBatch.set(id, b.leaves[i]));
      }
      expect(await anchor.lastSequence(nodeId)).to.equal(BigInt(sequences));
      let stored = 0;
      for await (const [, e] of store.range<ReceiptEntry>("r:")) {
        stored++;
        expect(inBatches.has(e.receipt.id), `receipt ${e.receipt.id} in no batch`).to.equal(true);
      }
      expect(stored, "no batch holds a receipt the node did not store").to.equal(inBatches.size);
      for (const [id, leaf] of acked) {
        const e = await store.get<ReceiptEntry>(KEY.receipt(id));
        expect(e?.leaf, `acknowledged receipt ${id} lost`).to.equal(leaf);
        expect(leafInBatch.get(id), `acknowledged receipt ${id} anchored with another leaf`).to.equal(leaf);
        expect(receiptLeaf(parseReceipt(e!.receipt)), `stored receipt ${id} hashes to its leaf`).to.equal(leaf);
      }
    } finally {
      await store.close();
      provider.destroy();
    }
  });
});
