/**
 * The follower against a real anvil node: reorgs, crashes, RPC faults and chain resets all end
 * with views equal to a from-scratch rebuild of the index from the chain.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import path from "node:path";
import { startIndexer, type Indexer } from "../../ledger-service/src/runtime/service";
import type { DumpEntry } from "../../ledger-service/src/store/db";
import {
  ROOT,
  deployTestWorld,
  sleep,
  startAnvil,
  startProxy,
  testCommon,
  testView,
  tmpDir,
  waitFor,
  type Anvil,
  type Proxy,
  type TestWorld,
} from "./follower.helpers";

interface RpcBlockJson {
  number: string;
  hash: string;
}

describe("ledger-service follower (anvil)", function () {
  let anvil: Anvil;
  let proxy: Proxy;
  let world: TestWorld;
  let dir: string;
  const running: Indexer[] = [];

  before(async function () {
    dir = tmpDir("follower");
    anvil = await startAnvil();
    proxy = await startProxy(anvil.port);
    world = await deployTestWorld(anvil.url, dir);
    await world.makeEvents(20);
  });

  after(async function () {
    for (const i of running) await i.stop();
    await proxy?.close();
    await anvil?.stop();
  });

  async function head(a: Anvil = anvil): Promise<{ number: number; hash: string }> {
    const b = await a.rpc<RpcBlockJson>("eth_getBlockByNumber", ["latest", false]);
    return { number: Number(b.number), hash: b.hash };
  }

  async function index(env: Record<string, string>, w: TestWorld = world): Promise<Indexer> {
    const indexer = await startIndexer(testCommon({ DEPLOYMENT_FILE: w.deploymentFile, ...env }), { views: [testView()] });
    running.push(indexer);
    return indexer;
  }

  /** Waits until the index holds the node's head block (same hash), then returns the dump. */
  async function synced(indexer: Indexer, a: Anvil = anvil, confirmations = 0): Promise<DumpEntry[]> {
    await waitFor("the indexer to reach the head", async () => {
      const h = indexer.health();
      if (h.status === "failed") throw new Error(`indexer failed: ${h.lastError?.message}`);
      const remote = await head(a);
      const target = remote.number - confirmations;
      const b = await a.rpc<RpcBlockJson>("eth_getBlockByNumber", [`0x${target.toString(16)}`, false]);
      return h.indexedBlock === target && h.indexedBlockHash === b.hash;
    });
    return indexer.dump();
  }

  /** A fresh index of the whole chain in a new data directory. */
  async function rebuild(a: Anvil = anvil, w: TestWorld = world): Promise<DumpEntry[]> {
    const indexer = await index({ RPC_URL: a.url, DATA_DIR: tmpDir("rebuild") }, w);
    const out = await synced(indexer, a);
    await indexer.stop();
    return out;
  }

  function eventsOf(dump: DumpEntry[]): number {
    return dump.filter((e) => e.space === "events").length;
  }

  async function registerTx(label: string) {
    const data = world.contracts.participants.interface.encodeFunctionData("register", [
      4,
      `reorg ${label}`,
      (await import("../../scripts/lib/creditCode")).makeCreditCode(900_000 + Math.floor(Math.random() * 90_000)),
      `0x${"ab".repeat(32)}`,
      [`0x${"12".repeat(20)}`],
    ]);
    return {
      from: await world.authority.getAddress(),
      to: world.deployment.contracts.ParticipantRegistry.address,
      data,
      gas: "0x200000",
    };
  }

  for (const depth of [1, 4]) {
    it(`R${depth === 1 ? 1 : 2} reorg at depth ${depth}: unwinds to the common ancestor and re-applies; views equal a rebuild`, async function () {
      const indexer = await index({ RPC_URL: anvil.url, DATA_DIR: tmpDir(`reorg${depth}`) });
      await world.makeEvents(depth + 2);
      const before = await synced(indexer);
      const reorgsBefore = indexer.health().reorgs;
      const old = await head();

      // Replace the last `depth` blocks with blocks holding other registry transactions.
      await anvil.rpc("anvil_reorg", [depth, [[await registerTx(`a${depth}`), 0], [await registerTx(`b${depth}`), depth - 1]]]);
      const now = await head();
      expect(now.hash).to.not.equal(old.hash);
      const after = await synced(indexer);
      expect(indexer.health().reorgs).to.be.greaterThan(reorgsBefore);
      expect(after).to.not.deep.equal(before);
      expect(after).to.deep.equal(await rebuild());
      await indexer.stop();
    });
  }

  it("R3 RPC endpoint cut mid-sync: retries with backoff, health shows the fault, then catches up with nothing skipped", async function () {
    await world.makeEvents(40);
    const indexer = await index({ RPC_URL: proxy.url, DATA_DIR: tmpDir("cut"), MAX_BLOCK_RANGE: "3" });
    const h = await head();
    await waitFor("some progress", () => (indexer.health().indexedBlock ?? 0) > world.deployment.startBlock + 20);
    await proxy.cut();
    const degraded = await waitFor("health to show the fault", () => {
      const x = indexer.health();
      return x.status === "degraded" ? x : undefined;
    });
    expect(degraded.lastError?.kind).to.be.oneOf(["unavailable", "timeout"]);
    const stuckAt = indexer.health().indexedBlock ?? -1;
    expect(stuckAt).to.be.lessThan(h.number);
    await sleep(700);
    expect(indexer.health().indexedBlock).to.equal(stuckAt);
    await proxy.restore();
    const dump = await synced(indexer);
    expect(indexer.health().status).to.equal("ok");
    // lastError stays as history (with its time); the status says the fault is over.
    expect(indexer.health().lastError?.kind).to.be.oneOf(["unavailable", "timeout"]);
    expect(dump).to.deep.equal(await rebuild());
    await indexer.stop();
  });

  it("R4 kill -9 during catch-up, restart: views equal an uninterrupted run", async function () {
    await world.makeEvents(30); // enough blocks for several kills, whether or not other tests ran first
    const dataDir = tmpDir("crash");
    const env = {
      ...process.env,
      RPC_URL: anvil.url,
      DEPLOYMENT_FILE: world.deploymentFile,
      DATA_DIR: dataDir,
      CONFIRMATIONS: "0",
      POLL_INTERVAL_MS: "20",
      MAX_BLOCK_RANGE: "2",
    };
    const target = (await head()).number;
    let kills = 0;
    for (const applied of [5, 17, 9, 30]) {
      const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, "follower.child.ts")], {
        cwd: ROOT,
        env,
        stdio: ["ignore", "pipe", "inherit"],
      });
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      let seen = 0;
      let last = -1;
      await new Promise<void>((resolve) => {
        let buf = "";
        child.stdout!.on("data", (chunk: Buffer) => {
          buf += chunk.toString();
          let nl: number;
          while ((nl = buf.indexOf("\n")) >= 0) {
            const line = JSON.parse(buf.slice(0, nl)) as { indexed: number };
            buf = buf.slice(nl + 1);
            last = line.indexed;
            if (++seen === applied || last >= target) {
              // Kill at an arbitrary moment after the n-th range: often in the middle of the next one.
              setTimeout(() => {
                child.kill("SIGKILL");
                resolve();
              }, Math.floor(Math.random() * 15));
            }
          }
        });
        child.once("exit", () => resolve());
      });
      await exited;
      kills++;
      if (last >= target) break;
    }
    expect(kills).to.be.greaterThan(1);
    // Restart once more in-process and finish.
    const resumed = await index({ RPC_URL: anvil.url, DATA_DIR: dataDir });
    const dump = await synced(resumed);
    await resumed.stop();
    const uninterrupted = await rebuild();
    expect(eventsOf(dump)).to.be.greaterThan(100);
    expect(dump).to.deep.equal(uninterrupted);
  });

  it("R5 full rebuild from the chain equals the incrementally built index (live, with confirmations)", async function () {
    const indexer = await index({ RPC_URL: anvil.url, DATA_DIR: tmpDir("live"), CONFIRMATIONS: "2" });
    for (let round = 0; round < 4; round++) {
      await world.makeEvents(3);
      await sleep(60);
    }
    await anvil.rpc("anvil_mine", ["0x2"]);
    const live = await synced(indexer, anvil, 2);
    await anvil.rpc("anvil_mine", ["0x1"]);
    await sleep(10);
    const full = await rebuild();
    // The rebuild runs at confirmations 0: compare up to the live index's block.
    const upTo = indexer.health().indexedBlock!;
    const cut = (d: DumpEntry[]) => d.filter((e) => e.space !== "events" || Number(e.key.split(":")[0]) <= upTo);
    expect(cut(full).filter((e) => e.space === "events")).to.deep.equal(live.filter((e) => e.space === "events"));
    expect(eventsOf(live)).to.be.greaterThan(0);
    // No event after upTo exists (the mined blocks are empty), so the whole index is equal.
    expect(full).to.deep.equal(live);
    await indexer.stop();
  });

  it("R7 startService: the real views index the chain and /api/v1/health reports the follower", async function () {
    const { startService } = await import("../../ledger-service/src/runtime/service");
    const common = testCommon({ RPC_URL: anvil.url, DEPLOYMENT_FILE: world.deploymentFile, DATA_DIR: tmpDir("service"), PORT: "0" });
    const service = await startService(common);
    try {
      await synced(service.indexer);
      const res = await fetch(`http://127.0.0.1:${service.port}/api/v1/health`);
      const body = (await res.json()) as { status: string; indexedBlock: number; chainId: number; lag: number };
      expect(res.status).to.equal(200);
      expect(body.chainId).to.equal(31337);
      expect(body.indexedBlock).to.equal((await head()).number);
      expect(body.lag).to.equal(0);
      // The real views hold what the chain holds: every participant with its name and credit code,
      // every resource with its source department.
      const api = async (p: string) => (await (await fetch(`http://127.0.0.1:${service.port}/api/v1${p}`)).json()) as { items: { id: string; name?: string; creditCode?: string; sourceDeptId?: string }[] };
      const count = Number(await world.contracts.participants.participantCount());
      const served = (await api("/participants?limit=500")).items;
      expect(served.map((p) => p.id)).to.deep.equal(Array.from({ length: count }, (_, i) => String(i + 1)));
      for (const id of [1, Math.ceil(count / 2), count]) {
        const onChain = await world.contracts.participants.participant(id);
        expect([served[id - 1].name, served[id - 1].creditCode]).to.deep.equal([onChain.name, onChain.creditCode]);
      }
      const resources = (await api("/resources?limit=500")).items;
      expect(resources.length).to.equal(Number(await world.contracts.catalog.resourceCount()));
      expect(new Set(resources.map((r) => r.sourceDeptId))).to.deep.equal(new Set([String(world.deptId)]));
    } finally {
      await service.stop();
    }
  });

  it("R6 chain reset (fresh chain, new deployment, same data dir): the index is rebuilt, never mixed", async function () {
    const dataDir = tmpDir("reset");
    const first = await index({ RPC_URL: anvil.url, DATA_DIR: dataDir });
    const old = await synced(first);
    await first.stop();

    const fresh = await startAnvil();
    try {
      const freshWorld = await deployTestWorld(fresh.url, tmpDir("fresh"));
      await freshWorld.makeEvents(5);
      const second = await index({ RPC_URL: fresh.url, DATA_DIR: dataDir }, freshWorld);
      const now = await synced(second, fresh);
      expect(second.health().rebuilt).to.equal(true);
      expect(now).to.not.deep.equal(old);
      await second.stop();
      expect(now).to.deep.equal(await rebuild(fresh, freshWorld));

      // The old deployment file against the fresh chain is refused with a clear message.
      const wrong = await index({ RPC_URL: fresh.url, DATA_DIR: tmpDir("wrong") });
      await wrong.done.then(
        () => expect.fail("should fail"),
        (err: Error) => expect(err.message).to.match(/chain was reset|another chain/),
      );
      expect(wrong.health().status).to.equal("failed");
    } finally {
      await fresh.stop();
    }
  });
});
