/**
 * Who may run a platform node, at start and while it runs (C31; DESIGN section 6): a key that is
 * no signer of any participant, a signer of a participant that runs no node (no PLATFORM_NODE),
 * or a signer of a suspended participant cannot start a node (NodeKeyError, exit 2); a running
 * node whose participant is suspended stops acknowledging receipts (503 naming why) and resumes
 * once it is reinstated.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { Wallet, id as keccakText } from "ethers";
import { makeCreditCode } from "../../scripts/lib/creditCode";
import { devWallet } from "../../scripts/lib/demo";
import { receiptToJson, type Receipt } from "../../scripts/lib/receipts";
import { startService, type Service } from "../../ledger-service/src/runtime/service";
import { NodeKeyError } from "../../ledger-service/src/node/key";
import { sampleReceipt } from "./helpers/receipts";
import { ROOT, deployTestWorld, freePort, startAnvil, testCommon, tmpDir, waitFor, type Anvil, type TestWorld } from "./follower.helpers";

describe("platform node key at start and while running (C31)", function () {
  this.timeout(300_000);
  let anvil: Anvil;
  let dir: string;
  let world: TestWorld;
  let nodeId: bigint;
  let otherId: bigint;
  const nodeKey = devWallet(8);
  const noNodeKey = devWallet(9);
  let serial = 0;

  const env = (key: string, label: string, extra: Record<string, string> = {}) => ({
    RPC_URL: anvil.url,
    DEPLOYMENT_FILE: world.deploymentFile,
    DATA_DIR: path.join(dir, `index-${label}`),
    NODE_DATA_DIR: path.join(dir, `node-${label}`),
    PORT: "0",
    NODE_PRIVATE_KEY: key,
    NODE_KEY_CHECK_INTERVAL: "1",
    ...extra,
  });

  before(async () => {
    anvil = await startAnvil();
    dir = tmpDir("node-key");
    world = await deployTestWorld(anvil.url, dir);
    const { contracts, authority } = world;
    await (await contracts.participants.connect(authority).register(4, "惠州数据运营有限公司", makeCreditCode(5151), keccakText("operator"), [nodeKey.address])).wait();
    nodeId = await contracts.participants.participantCount();
    await (await contracts.participants.connect(authority).setPlatformNode(nodeId, true)).wait();
    // An operator that runs no platform node: its signer key holds no PLATFORM_NODE.
    await (await contracts.participants.connect(authority).register(4, "惠州数据服务有限公司", makeCreditCode(5152), keccakText("operator-2"), [noNodeKey.address])).wait();
    otherId = await contracts.participants.participantCount();
  });

  after(async () => {
    await anvil?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function refusedAtStart(key: string, label: string): Promise<string> {
    try {
      const s = await startService(testCommon(env(key, label)), { host: "127.0.0.1" });
      await s.stop();
    } catch (err) {
      expect(err).to.be.instanceOf(NodeKeyError);
      return (err as Error).message;
    }
    throw new Error(`the node started with key ${label}`);
  }

  it("C31 a key that is no signer of any participant, or of a participant running no node, cannot start a node", async () => {
    const stranger = Wallet.createRandom();
    expect(await refusedAtStart(stranger.privateKey, "stranger")).to.equal(`node key ${stranger.address} is not a signer key of any participant`);
    expect(await refusedAtStart(noNodeKey.privateKey, "no-node")).to.contain(`node key ${noNodeKey.address} (participant ${otherId}, 惠州数据服务有限公司) does not hold PLATFORM_NODE`);
  });

  it("C31 the service process exits 2 naming the problem", async () => {
    const child = spawn(path.join(ROOT, "node_modules/.bin/ts-node"), ["--transpile-only", "ledger-service/src/runtime/main.ts"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env(noNodeKey.privateKey, "no-node-process"), PORT: String(await freePort()), LOG_LEVEL: "error" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code, out).to.equal(2);
    expect(out).to.contain("does not hold PLATFORM_NODE");
  });

  describe("a running node", () => {
    let service: Service;
    let base: string;
    let token: string;

    // Timed now: the node registered moments ago, and no receipt may predate it.
    const receipt = (): Receipt => sampleReceipt(`node-key-${++serial}`, nodeId, { timestamp: Math.floor(Date.now() / 1000) });
    const post = async (r: Receipt) => {
      const res = await fetch(`${base}/api/v1/receipts`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ receipts: [receiptToJson(r)] }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const signIn = async (w: Wallet | ReturnType<typeof devWallet>): Promise<string> => {
      const at = (route: string, body: unknown) => fetch(`${base}/api/v1/auth/${route}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      const c = (await (await at("challenge", { address: w.address })).json()) as { message: string; nonce: string };
      const t = (await (await at("token", { address: w.address, signature: await w.signMessage(c.message), nonce: c.nonce })).json()) as { token: string };
      return t.token;
    };
    const health = async () => (await (await fetch(`${base}/api/v1/health`)).json()) as { node: { intakeBlocked: string | null } };

    before(async () => {
      service = await startService(testCommon(env(nodeKey.privateKey, "running", { BATCH_MAX_AGE: "3600" })), { host: "127.0.0.1" });
      base = `http://127.0.0.1:${service.port}`;
      await waitFor("the index to catch up", () => service.indexer.health().status === "ok", 120_000);
      token = await signIn(nodeKey);
    });
    after(async () => {
      await service?.stop();
    });

    it("C31 suspending the node's participant stops the intake (503 naming why, nothing stored); reinstating resumes it", async () => {
      const first = await post(receipt());
      expect(first.status, JSON.stringify(first.body)).to.equal(200);
      expect((await health()).node.intakeBlocked).to.equal(null);
      const { contracts, authority } = world;
      await (await contracts.participants.connect(authority).suspend(nodeId, keccakText("整改"))).wait();
      await waitFor("the node to notice", async () => (await health()).node.intakeBlocked !== null, 30_000);
      expect((await health()).node.intakeBlocked).to.contain("which is Suspended");
      const refused = await post(receipt());
      expect(refused.status).to.equal(503);
      expect((refused.body.error as { message: string }).message).to.contain("which is Suspended");
      const counted = (await health()) as unknown as { node: { intake: { accepted: number } } };
      expect(counted.node.intake.accepted).to.equal(1);
      // Nor can a node of the suspended participant start.
      expect(await refusedAtStart(nodeKey.privateKey, "suspended")).to.contain(`participant ${nodeId} (惠州数据运营有限公司), which is Suspended`);

      await (await contracts.participants.connect(authority).reinstate(nodeId, keccakText("整改完成"))).wait();
      await waitFor("the node to resume", async () => (await health()).node.intakeBlocked === null, 30_000);
      const again = await post(receipt());
      expect(again.status, JSON.stringify(again.body)).to.equal(200);
    });

    it("C31 an intake token stops working soon after its key is removed from the node's participant (403), without waiting for it to expire", async () => {
      const { contracts, authority } = world;
      const client = devWallet(10);
      await (await contracts.participants.connect(authority).addSigner(nodeId, client.address)).wait();
      const own = token;
      token = await signIn(client);
      try {
        expect((await post(receipt())).status).to.equal(200);
        await (await contracts.participants.connect(authority).removeSigner(nodeId, client.address)).wait();
        const refused = await waitFor("the removed key to be refused", async () => {
          const a = await post(receipt());
          return a.status === 403 ? a : a.status === 200 ? undefined : expect.fail(JSON.stringify(a.body));
        }, 30_000);
        expect((refused.body.error as { message: string }).message).to.contain(`${client.address} is no longer an active signer key`);
      } finally {
        token = own;
      }
      expect((await post(receipt())).status).to.equal(200); // the node's own key is untouched
    });
  });
});
