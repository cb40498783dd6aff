/**
 * The index never serves a false answer as truth (issue 11), against a real anvil:
 * - until it has caught up after a start, data routes answer 503 index_not_ready instead of
 *   denying records that exist;
 * - a reorg at exactly the finality depth unwinds; one block deeper leaves the index on a branch
 *   the chain no longer has: health says `diverged`, every data answer carries
 *   `X-Provenant-Index: diverged`, a restart stays diverged, and `REINDEX=1` (`--reindex`)
 *   rebuilds beside the old index, which serves (marked `reindexing`) until the new one takes over;
 * - a reorg followed by more blocks is caught at the start of the next range.
 */
import { expect } from "chai";
import { existsSync } from "node:fs";
import { startService, type Service } from "../../ledger-service/src/runtime/service";
import { startIndexer } from "../../ledger-service/src/runtime/service";
import { createViews } from "../../ledger-service/src/views";
import type { DumpEntry } from "../../ledger-service/src/store/db";
import { deployTestWorld, startAnvil, startProxy, testCommon, tmpDir, waitFor, type Anvil, type Proxy, type TestWorld } from "./follower.helpers";

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field

interface RpcBlockJson {
  number: string;
  hash: string;
}

describe("index state: no false answer served as truth (anvil)", function () {
  let anvil: Anvil;
  let proxy: Proxy;
  let world: TestWorld;
  const FINALITY = 3;
  let isCut = false;
  const cut = async () => {
    await proxy.cut();
    isCut = true;
  };
  const restore = async () => {
    if (!isCut) return;
    await proxy.restore();
    isCut = false;
  };

  before(async function () {
    anvil = await startAnvil();
    proxy = await startProxy(anvil.port);
    world = await deployTestWorld(anvil.url, tmpDir("index-state"));
    await world.makeEvents(12);
  });
  after(async function () {
    await proxy?.close();
    await anvil?.stop();
  });

  const env = (dataDir: string, extra: Record<string, string> = {}) => ({
    RPC_URL: anvil.url,
    DEPLOYMENT_FILE: world.deploymentFile,
    DATA_DIR: dataDir,
    PORT: "0",
    FINALITY_DEPTH: String(FINALITY),
    FINALIZED_TAG: "off",
    ...extra,
  });
  const start = (dataDir: string, extra: Record<string, string> = {}) => startService(testCommon(env(dataDir, extra)));
  const get = async (s: Service, path: string) => {
    const r = await fetch(`http://127.0.0.1:${s.port}/api/v1${path}`);
    return { status: r.status, body: (await r.json()) as Json, index: r.headers.get("x-provenant-index"), retryAfter: r.headers.get("retry-after") };
  };
  async function head(): Promise<{ number: number; hash: string }> {
    const b = await anvil.rpc<RpcBlockJson>("eth_getBlockByNumber", ["latest", false]);
    return { number: Number(b.number), hash: b.hash };
  }
  async function caughtUp(s: Service): Promise<void> {
    await waitFor("the index to reach the head", async () => {
      const h = s.indexer.health();
      const remote = await head();
      return h.status === "ok" && h.indexedBlock === remote.number && h.indexedBlockHash === remote.hash;
    });
  }
  async function registerTx(label: string) {
    const data = world.contracts.participants.interface.encodeFunctionData("register", [
      4,
      `重组 ${label}`,
      (await import("../../scripts/lib/creditCode")).makeCreditCode(800_000 + Math.floor(Math.random() * 90_000)),
      `0x${"cd".repeat(32)}`,
      [`0x${"34".repeat(20)}`],
    ]);
    return { from: await world.authority.getAddress(), to: world.deployment.contracts.ParticipantRegistry.address, data, gas: "0x200000" };
  }
  /** A fresh index of the whole chain, for comparison. */
  async function rebuild(): Promise<DumpEntry[]> {
    const views = createViews(world.deployment.profile.body);
    const indexer = await startIndexer(testCommon(env(tmpDir("rebuild"))), { views, deployment: world.deployment });
    await waitFor("the rebuild to reach the head", async () => indexer.health().status === "ok" && indexer.health().indexedBlock === (await head()).number);
    const out = await indexer.dump();
    await indexer.stop();
    return out;
  }

  it("answers 503 index_not_ready while catching up after a start, never 404 for a record that exists", async function () {
    const s = await start(tmpDir("not-ready"), { RPC_URL: proxy.url, MAX_BLOCK_RANGE: "2" });
    try {
      await waitFor("some progress", () => (s.indexer.health().indexedBlock ?? 0) > world.deployment.startBlock + 4);
      await cut();
      const behind = await get(s, "/participants/1");
      expect(behind.status, JSON.stringify(behind.body)).to.equal(503);
      expect(behind.body.error.code).to.equal("index_not_ready");
      expect(behind.body.error.details.indexedBlock).to.be.lessThan((await head()).number);
      expect(Number(behind.retryAfter)).to.be.greaterThan(0);
      // The last participant exists on chain; while behind the answer is 503, not 404.
      const count = await world.contracts.participants.participantCount();
      expect((await get(s, `/participants/${count}`)).status).to.equal(503);
      // Health and the OpenAPI document still answer.
      expect((await get(s, "/health")).status).to.equal(200);
      await restore();
      await caughtUp(s);
      const ok = await get(s, `/participants/${count}`);
      expect([ok.status, ok.index]).to.deep.equal([200, "current"]);
    } finally {
      await restore();
      await s.stop();
    }
  });

  it("a reorg at exactly the finality depth unwinds; one block deeper is flagged diverged, survives a restart, and --reindex rebuilds while the old index serves", async function () {
    const dataDir = tmpDir("deep");
    let s = await start(dataDir);
    try {
      await world.makeEvents(FINALITY + 4);
      await caughtUp(s);
      const reorgsBefore = s.indexer.health().reorgs;
      // Depth == FINALITY: the ancestor is the finalized block itself, which may be kept.
      await anvil.rpc("anvil_reorg", [FINALITY, [[await registerTx("at-finality"), 0]]]);
      await caughtUp(s);
      expect(s.indexer.health().reorgs).to.equal(reorgsBefore + 1);
      expect(s.indexer.health().diverged).to.equal(null);

      // Deeper than finality: never unwound, never served as truth.
      await world.makeEvents(FINALITY + 2);
      await caughtUp(s);
      await anvil.rpc("anvil_reorg", [FINALITY + 2, [[await registerTx("deep"), 0]]]);
      const h = await waitFor("health to say diverged", () => (s.indexer.health().status === "diverged" ? s.indexer.health() : undefined));
      expect(h.diverged?.message).to.contain("diverges below our finalized block");
      const served = await get(s, "/participants?limit=100");
      expect([served.status, served.index]).to.deep.equal([200, "diverged"]);
      const health = await get(s, "/health");
      expect(health.body.status).to.equal("diverged");
      expect(health.body.diverged.localFinalized).to.be.a("number");
    } finally {
      await s.stop();
    }

    // A restart alone does not make the index right: still diverged.
    s = await start(dataDir);
    try {
      await waitFor("health to say diverged after a restart", () => s.indexer.health().status === "diverged");
      expect((await get(s, "/participants?limit=1")).index).to.equal("diverged");
    } finally {
      await s.stop();
    }

    // The way back: a reindex beside the old index. Stall it (RPC cut) to see the old one serve.
    await world.makeEvents(60); // enough blocks that the reindex, one block per range, takes a while
    s = await start(dataDir, { REINDEX: "1", RPC_URL: proxy.url, MAX_BLOCK_RANGE: "1" });
    try {
      await waitFor("the reindex to begin", () => s.indexer.readState().state === "reindexing");
      await cut();
      const during = await get(s, "/participants?limit=100");
      expect([during.status, during.index]).to.deep.equal([200, "reindexing"]);
      expect(during.body.items.length).to.be.greaterThan(0); // the old index answers, nothing denied
      expect((await get(s, "/health")).body.reindex.dir).to.equal(`${dataDir}.reindex`);
      await restore();
      await waitFor("the reindex to take over", () => s.indexer.readState().state === "current");
      await caughtUp(s);
      const after = await get(s, "/participants?limit=100");
      expect([after.status, after.index]).to.deep.equal([200, "current"]);
      expect(s.indexer.health().rebuilt).to.equal(true);
      expect(s.indexer.health().reindex).to.equal(null);
      expect(existsSync(`${dataDir}.reindex`)).to.equal(false);
      expect(await s.indexer.dump()).to.deep.equal(await rebuild());
    } finally {
      await restore();
      await s.stop();
    }
  });

  it("a reorg followed by more blocks is caught at the start of the next range", async function () {
    const s = await start(tmpDir("reorg-then-mine"), { RPC_URL: proxy.url });
    try {
      await world.makeEvents(3);
      await caughtUp(s);
      const before = s.indexer.health().reorgs;
      // Replace the last two blocks and mine more while the follower cannot look: when it looks
      // again the head is past its tip, so no idle tip check runs before the next range.
      await cut();
      await anvil.rpc("anvil_reorg", [2, [[await registerTx("then-mine"), 1]]]);
      await world.makeEvents(3);
      await restore();
      await caughtUp(s);
      expect(s.indexer.health().reorgs).to.equal(before + 1);
      expect(await s.indexer.dump()).to.deep.equal(await rebuild());
    } finally {
      await restore();
      await s.stop();
    }
  });
});
