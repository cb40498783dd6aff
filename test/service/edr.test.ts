/**
 * "Any EVM chain", shown on a second implementation (issue 11): the service against Hardhat's own
 * node (EDR), which differs from anvil in its `finalized` tag (it trails the head), its block
 * hashes and its error texts. The world is deployed with the real deploy library, the real views
 * index it, a reorg (evm_revert, then other blocks at the same heights) is unwound, and a deep
 * one is reported as diverged, as on anvil.
 */
import { expect } from "chai";
import path from "node:path";
import { startService, type Service } from "../../ledger-service/src/runtime/service";
import { startIndexer } from "../../ledger-service/src/runtime/service";
import { createViews } from "../../ledger-service/src/views";
import { makeCreditCode } from "../../scripts/lib/creditCode";
import { Wallet, id as keccakText } from "ethers";
import { ROOT, deployTestWorld, freePort, startChainProcess, testCommon, tmpDir, waitFor, type Anvil, type TestWorld } from "./follower.helpers";

/** `hardhat node` on a free loopback port (the same dev mnemonic as anvil). */
async function startEdr(): Promise<Anvil> {
  const port = await freePort();
  const bin = path.join(ROOT, "node_modules/.bin/hardhat");
  return startChainProcess("hardhat node", bin, ["node", "--hostname", "127.0.0.1", "--port", String(port)], port, 60_000);
}

describe("the service on a second EVM implementation: Hardhat's node (EDR)", function () {
  let edr: Anvil;
  let world: TestWorld;
  let service: Service | undefined;

  before(async function () {
    edr = await startEdr();
    world = await deployTestWorld(edr.url, tmpDir("edr"));
    await world.makeEvents(8);
  });
  after(async function () {
    await service?.stop();
    await edr?.stop();
  });

  const head = async () => {
    const b = await edr.rpc<{ number: string; hash: string }>("eth_getBlockByNumber", ["latest", false]);
    return { number: Number(b.number), hash: b.hash };
  };
  const start = (dataDir: string, extra: Record<string, string> = {}) =>
    startService(testCommon({ RPC_URL: edr.url, DEPLOYMENT_FILE: world.deploymentFile, DATA_DIR: dataDir, PORT: "0", ...extra }));
  async function caughtUp(s: Service) {
    await waitFor("the index to reach EDR's head", async () => {
      const h = s.indexer.health();
      const remote = await head();
      return h.status === "ok" && h.indexedBlock === remote.number && h.indexedBlockHash === remote.hash;
    });
  }
  async function rebuild() {
    const indexer = await startIndexer(testCommon({ RPC_URL: edr.url, DEPLOYMENT_FILE: world.deploymentFile, DATA_DIR: tmpDir("edr-rebuild") }), {
      views: createViews(world.deployment.profile.body),
      deployment: world.deployment,
    });
    await waitFor("the rebuild", async () => indexer.health().status === "ok" && indexer.health().indexedBlock === (await head()).number);
    const dump = await indexer.dump();
    await indexer.stop();
    return dump;
  }
  const register = async (label: string) =>
    (await world.contracts.participants.connect(world.authority).register(4, `EDR ${label}`, makeCreditCode(700_000 + Math.floor(Math.random() * 90_000)), keccakText(label), [Wallet.createRandom().address])).wait();

  it("E1 indexes the deployment with the real views and serves what the chain holds, with EDR's finalized tag", async function () {
    service = await start(tmpDir("edr-index"), { FINALIZED_TAG: "off", FINALITY_DEPTH: "10" });
    await caughtUp(service);
    const r = (await (await fetch(`http://127.0.0.1:${service.port}/api/v1/participants?limit=500`)).json()) as { items: { id: string; name: string }[] };
    const count = Number(await world.contracts.participants.participantCount());
    expect(r.items.map((p) => p.id)).to.deep.equal(Array.from({ length: count }, (_, i) => String(i + 1)));
    expect(r.items[count - 1].name).to.equal((await world.contracts.participants.participant(count)).name);
    // With FINALIZED_TAG=off the follower takes head - FINALITY_DEPTH as final.
    const h = service.indexer.health();
    expect(h.finalizedBlock).to.equal(h.headBlock! - 10);
  });

  it("E1 with FINALIZED_TAG=auto the follower takes EDR's own finalized tag, which EDR sets at its head", async function () {
    const s = await start(tmpDir("edr-tag"));
    try {
      await caughtUp(s);
      const finalized = Number((await edr.rpc<{ number: string }>("eth_getBlockByNumber", ["finalized", false])).number);
      expect(finalized).to.equal((await head()).number); // unlike anvil: a dev node calls every block final
      expect(s.indexer.health().finalizedBlock).to.equal(finalized);
    } finally {
      await s.stop();
    }
  });

  it("E2 unwinds a reorg (evm_revert, then other blocks at the same heights) and ends equal to a rebuild", async function () {
    const s = service!;
    const snapshot = await edr.rpc<string>("evm_snapshot");
    await register("branch-a-1");
    await register("branch-a-2");
    await caughtUp(s);
    const before = s.indexer.health().reorgs;
    const replaced = await head();
    await edr.rpc("evm_revert", [snapshot]);
    await register("branch-b-1");
    await register("branch-b-2");
    const now = await head();
    expect(now.number).to.equal(replaced.number);
    expect(now.hash).to.not.equal(replaced.hash);
    await caughtUp(s);
    expect(s.indexer.health().reorgs).to.equal(before + 1);
    const names = ((await (await fetch(`http://127.0.0.1:${s.port}/api/v1/participants?limit=500`)).json()) as { items: { name: string }[] }).items.map((p) => p.name);
    expect(names).to.include.members(["EDR branch-b-1", "EDR branch-b-2"]);
    expect(names).to.not.include("EDR branch-a-1");
    expect(await s.indexer.dump()).to.deep.equal(await rebuild());
  });

  it("E3 a reorg below the finalized block is reported as diverged, never unwound", async function () {
    const s = await start(tmpDir("edr-deep"), { FINALIZED_TAG: "off", FINALITY_DEPTH: "2" });
    try {
      const snapshot = await edr.rpc<string>("evm_snapshot");
      for (let i = 0; i < 5; i++) await register(`deep-a-${i}`);
      await caughtUp(s);
      await edr.rpc("evm_revert", [snapshot]);
      for (let i = 0; i < 6; i++) await register(`deep-b-${i}`);
      await waitFor("health to say diverged", () => s.indexer.health().status === "diverged");
      const res = await fetch(`http://127.0.0.1:${s.port}/api/v1/participants?limit=1`);
      expect(res.headers.get("x-provenant-index")).to.equal("diverged");
    } finally {
      await s.stop();
    }
  });
});
