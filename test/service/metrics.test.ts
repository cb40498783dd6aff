/**
 * Operators' metrics (GET /metrics, Prometheus text): after real traffic on the seeded demo
 * chain the counters hold exactly what happened — requests per route pattern and status, 429s,
 * events indexed, receipts acknowledged, anchor gas — the endpoint is outside the public rate
 * limit, METRICS_PORT serves it alone on its own port and METRICS=off serves none.
 */
import { expect } from "chai";
import { rmSync } from "node:fs";
import path from "node:path";
import { JsonRpcProvider, id as keccakText } from "ethers";
import { devWallet } from "../../scripts/lib/demo";
import { pseudonymousConsumer, purposeDigest, receiptToJson, type Receipt } from "../../scripts/lib/receipts";
import { startService, type Service } from "../../ledger-service/src/runtime/service";
import { createMetrics } from "../../ledger-service/src/runtime/metrics";
import { createRpc } from "../../ledger-service/src/chain/rpc";
import { testCommon, tmpDir, waitFor } from "./follower.helpers";
import { DEMO_NODE_KEY_INDEX, startDemoChain, type DemoChain } from "./helpers/demo-chain";
import { startDemoService } from "./helpers/portal-demo";
import pino from "pino";

/** The value of one sample `name{labels}` in a Prometheus text exposition (undefined when absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have: Record<string, string> = {};
    for (const l of (m[3] ?? "").matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)) have[l[1]] = l[2];
    if (Object.entries(labels).every(([k, v]) => have[k] === v) && Object.keys(have).filter((k) => k !== "le").length === Object.keys(labels).filter((k) => k !== "le").length) {
      return Number(m[4]);
    }
  }
  return undefined;
}

describe("operators' metrics (/metrics)", function () {
  this.timeout(600_000);
  let chain: DemoChain;
  let node: Service;
  let dir: string;
  let base: string;
  const nodeKey = devWallet(DEMO_NODE_KEY_INDEX);

  const metrics = async (url = `${base}/metrics`) => {
    const res = await fetch(url);
    expect(res.status, url).to.equal(200);
    expect(res.headers.get("content-type")).to.match(/^text\/plain/);
    return res.text();
  };

  before(async () => {
    chain = await startDemoChain("metrics");
    dir = tmpDir("metrics-service");
    node = await startDemoService(chain, dir, { BATCH_MAX: "64", BATCH_MAX_AGE: "1" });
    base = `http://127.0.0.1:${node.port}`;
  });

  after(async () => {
    await node?.stop();
    await chain?.anvil.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (chain) rmSync(chain.dir, { recursive: true, force: true });
  });

  it("shows the index caught up: lag 0 blocks and 0 seconds, every contract event of the chain counted once", async () => {
    const provider = new JsonRpcProvider(chain.anvil.url, chain.deployment.chainId, { staticNetwork: true });
    try {
      const head = await provider.getBlockNumber();
      await waitFor("the index at the head", () => node.indexer.health().indexedBlock === head, 30_000);
      const addresses = Object.values(chain.deployment.contracts).map((c) => c.address);
      const logs = await provider.getLogs({ address: addresses, fromBlock: chain.deployment.startBlock, toBlock: head });
      const text = await metrics();
      expect(sample(text, "provenant_index_head_block")).to.equal(head);
      expect(sample(text, "provenant_index_indexed_block")).to.equal(head);
      expect(sample(text, "provenant_index_lag_blocks")).to.equal(0);
      expect(sample(text, "provenant_index_lag_seconds")).to.equal(0);
      expect(sample(text, "provenant_index_ready")).to.equal(1);
      expect(logs.length).to.be.greaterThan(50);
      expect(sample(text, "provenant_index_events_total")).to.equal(logs.length);
      expect(sample(text, "provenant_index_reorgs_total")).to.equal(0);
      expect(sample(text, "provenant_index_deep_reorgs_total")).to.equal(0);
      expect(sample(text, "provenant_index_diverged")).to.equal(0);
      // The process's default metrics are there too.
      expect(sample(text, "process_cpu_user_seconds_total")).to.be.a("number");
      expect(sample(text, "nodejs_eventloop_lag_seconds")).to.be.a("number");
    } finally {
      provider.destroy();
    }
  });

  it("counts API requests per route pattern and status, exactly as made", async () => {
    const auth = chain.summary.authorizations.operatorA;
    const before = await metrics();
    const count = (text: string, route: string, status: string) => sample(text, "provenant_http_request_duration_seconds_count", { method: "GET", route, status }) ?? 0;
    for (let i = 0; i < 7; i++) expect((await fetch(`${base}/api/v1/authorizations/${auth}`)).status).to.equal(200);
    for (let i = 0; i < 3; i++) expect((await fetch(`${base}/api/v1/authorizations/${999_000 + i}`)).status).to.equal(404);
    for (let i = 0; i < 2; i++) expect((await fetch(`${base}/api/v1/products/${chain.summary.products.creditIndex}/provenance?format=prov`)).status).to.equal(200);
    expect((await fetch(`${base}/api/v1/no-such-route`)).status).to.equal(404);
    const after = await metrics();
    expect(count(after, "/api/v1/authorizations/:id", "200") - count(before, "/api/v1/authorizations/:id", "200")).to.equal(7);
    expect(count(after, "/api/v1/authorizations/:id", "404") - count(before, "/api/v1/authorizations/:id", "404")).to.equal(3);
    expect(count(after, "/api/v1/products/:id/provenance", "200") - count(before, "/api/v1/products/:id/provenance", "200")).to.equal(2);
    expect(count(after, "unmatched", "404") - count(before, "unmatched", "404")).to.equal(1);
    // The label is the pattern: no raw URL (with its id) appears among the routes.
    expect(after).to.not.include(`route="/api/v1/authorizations/${auth}"`);
    // A histogram: the sum of the 7 answers is a positive duration.
    expect(sample(after, "provenant_http_request_duration_seconds_sum", { method: "GET", route: "/api/v1/authorizations/:id", status: "200" })).to.be.greaterThan(0);
  });

  it("counts the response cache's hits and misses as the requests made them, and what the record cache holds", async () => {
    const c = (text: string, name: string, cache: string) => sample(text, name, { cache }) ?? 0;
    for (let attempt = 0; ; attempt++) {
      // A URL never asked before, by any test or attempt (a fixed ?at= makes the answer independent of the second asked).
      const url = `${base}/api/v1/products/${chain.summary.products.creditIndex}?at=${2_000_000_000 + attempt}`;
      const before = await metrics();
      for (let i = 0; i < 5; i++) expect((await fetch(url)).status).to.equal(200);
      const after = await metrics();
      // A block indexed between the requests starts the answers over: ask again (rare; the demo chain is idle here).
      const indexed = (text: string) => sample(text, "provenant_index_indexed_block");
      if (indexed(after) !== indexed(before) && attempt < 3) continue;
      expect(indexed(after)).to.equal(indexed(before));
      // First ask: a miss, not held (the doorkeeper); second: a miss, held; then three hits.
      expect(c(after, "provenant_cache_misses_total", "response") - c(before, "provenant_cache_misses_total", "response")).to.equal(2);
      expect(c(after, "provenant_cache_hits_total", "response") - c(before, "provenant_cache_hits_total", "response")).to.equal(3);
      // The second build read the records the first one had read: record-cache hits.
      expect(c(after, "provenant_cache_hits_total", "record") - c(before, "provenant_cache_hits_total", "record")).to.be.greaterThan(0);
      expect(c(after, "provenant_cache_entries", "response")).to.be.at.least(1);
      const recordBytes = c(after, "provenant_cache_bytes", "record");
      expect(recordBytes).to.be.greaterThan(0);
      expect(recordBytes).to.be.at.most(128 * 1024 * 1024);
      break;
    }
  });

  it("is outside the public rate limit and counts the requests the limit refused", async () => {
    const limitedBefore = sample(await metrics(), "provenant_http_rate_limited_total") ?? 0;
    // Empty this client's bucket (capacity 120, 20 more a second) until the limit refuses.
    let refused = 0;
    for (let round = 0; round < 40 && refused < 20; round++) {
      const answers = await Promise.all(Array.from({ length: 50 }, () => fetch(`${base}/api/v1/participants?limit=1`).then((r) => r.status)));
      refused += answers.filter((s) => s === 429).length;
    }
    expect(refused).to.be.at.least(20);
    // While the bucket is empty, /metrics still answers every time.
    const scrapes = await Promise.all(Array.from({ length: 150 }, () => fetch(`${base}/metrics`).then((r) => r.status)));
    expect(scrapes.every((s) => s === 200)).to.equal(true);
    const probe = await fetch(`${base}/api/v1/participants?limit=1`);
    if (probe.status === 429) refused++;
    const text = await metrics();
    expect((sample(text, "provenant_http_rate_limited_total") ?? 0) - limitedBefore).to.equal(refused);
    expect(sample(text, "provenant_http_request_duration_seconds_count", { method: "GET", route: "/metrics", status: "200" })).to.be.at.least(150);
  });

  it("counts the receipts acknowledged, the acknowledgement times, the anchors and their gas", async () => {
    const sign = await fetch(`${base}/api/v1/auth/challenge`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ address: nodeKey.address }) });
    const c = (await sign.json()) as { message: string; nonce: string };
    const t = await fetch(`${base}/api/v1/auth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ address: nodeKey.address, signature: await nodeKey.signMessage(c.message), nonce: c.nonce }),
    });
    const token = ((await t.json()) as { token: string }).token;
    const receipt = (n: number): Receipt => ({
      id: keccakText(`metrics-test-receipt-${n}`),
      nodeId: BigInt(chain.summary.participants.operatorA),
      authorizationId: BigInt(chain.summary.authorizations.operatorA),
      scenarioId: BigInt(chain.summary.scenarios.enterpriseCredit),
      productId: BigInt(chain.summary.products.creditIndex),
      resourceIds: [],
      consumer: pseudonymousConsumer(keccakText(`salt-${n}`), `verified-user-${n}`),
      purpose: purposeDigest("企业信用评估"),
      recordCount: 1n,
      requestDigest: keccakText(`request-${n}`),
      resultDigest: keccakText(`result-${n}`),
      chargingBasis: "Commercial",
      fee: 100n,
      timestamp: Math.floor(Date.now() / 1000) - 60,
    });
    const post = async (receipts: Receipt[]) => {
      const res = await fetch(`${base}/api/v1/receipts`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ receipts: receipts.map(receiptToJson) }),
      });
      expect(res.status).to.equal(200);
    };
    await post([receipt(1), receipt(2), receipt(3)]);
    await post([receipt(4), receipt(5)]);
    await post([receipt(5), receipt(6)]); // 5 again: a duplicate, not acknowledged twice
    await waitFor("every receipt anchored", () => node.node!.batcher.status().unanchored === 0 && node.node!.batcher.status().pending === 0 && node.node!.batcher.status().anchored > 0, 60_000);
    const text = await metrics();
    expect(sample(text, "provenant_node_receipts_acknowledged_total")).to.equal(6);
    expect(sample(text, "provenant_node_acknowledgement_seconds_count")).to.equal(3);
    expect(sample(text, "provenant_node_acknowledgement_seconds_sum")).to.be.greaterThan(0);
    expect(sample(text, "provenant_node_open_batch_age_seconds")).to.equal(0);
    expect(sample(text, "provenant_node_pending_receipts")).to.equal(0);
    expect(sample(text, "provenant_node_anchor_failures_total")).to.equal(0);
    // The gas counted is the gas the chain charged the anchor transactions.
    const anchored = node.node!.batcher.status().anchored;
    expect(sample(text, "provenant_node_batches_anchored_total")).to.equal(anchored);
    const provider = new JsonRpcProvider(chain.anvil.url, chain.deployment.chainId, { staticNetwork: true });
    try {
      let gas = 0n;
      for (let seq = 1; seq <= node.node!.batcher.status().lastAnchored; seq++) {
        const b = await node.node!.batcher.batch(seq);
        if (b?.anchor) gas += (await provider.getTransactionReceipt(b.anchor.txHash))!.gasUsed;
      }
      expect(gas > 0n).to.equal(true);
      expect(sample(text, "provenant_node_anchor_gas_used_total")).to.equal(Number(gas));
    } finally {
      provider.destroy();
    }
  });

  it("METRICS_PORT serves /metrics alone on its own port; METRICS=off serves none", async () => {
    const env = { RPC_URL: chain.anvil.url, DEPLOYMENT_FILE: chain.deploymentFile, PORT: "0" };
    const own = await startService(testCommon({ ...env, DATA_DIR: path.join(dir, "own-port"), METRICS_PORT: "0" }), { host: "127.0.0.1" });
    const off = await startService(testCommon({ ...env, DATA_DIR: path.join(dir, "off"), METRICS: "off" }), { host: "127.0.0.1" });
    try {
      await waitFor("the replicas to catch up", () => own.indexer.health().status === "ok" && off.indexer.health().status === "ok", 120_000);
      expect(own.metricsPort).to.be.a("number").and.not.equal(own.port);
      const text = await metrics(`http://127.0.0.1:${own.metricsPort}/metrics`);
      expect(sample(text, "provenant_index_indexed_block")).to.equal(own.indexer.health().indexedBlock);
      expect((await fetch(`http://127.0.0.1:${own.port}/metrics`)).status, "not on the API's port").to.equal(404);
      expect((await fetch(`http://127.0.0.1:${own.metricsPort}/api/v1/health`)).status, "nothing else on the metrics port").to.equal(404);
      // Requests to the API are still timed on the metrics port.
      expect((await fetch(`http://127.0.0.1:${own.port}/api/v1/participants`)).status).to.equal(200);
      const after = await metrics(`http://127.0.0.1:${own.metricsPort}/metrics`);
      expect(sample(after, "provenant_http_request_duration_seconds_count", { method: "GET", route: "/api/v1/participants", status: "200" })).to.equal(1);
      expect(off.metrics).to.equal(undefined);
      expect((await fetch(`http://127.0.0.1:${off.port}/metrics`)).status).to.equal(404);
    } finally {
      await own.stop();
      await off.stop();
    }
  });

  it("counts failed RPC calls by method and kind, and reorgs by depth", async () => {
    const m = createMetrics();
    // Nothing listens on port 9 of the loopback: the call fails as unavailable.
    const rpc = createRpc({ logger: pino({ level: "silent" }) }, { url: "http://127.0.0.1:9", timeoutMs: 1000, onError: m.rpcError });
    for (let i = 0; i < 2; i++) await rpc.eth_blockNumber().then(() => expect.fail("no node there"), () => undefined);
    await rpc.eth_getLogs({ fromBlock: 1, toBlock: 2, address: [] }).then(() => expect.fail("no node there"), () => undefined);
    const block = { number: 10, hash: "0x" + "aa".repeat(32), parentHash: "0x" + "bb".repeat(32), timestamp: 1 };
    m.applied({ type: "reorg", ancestor: block, dropped: [], depth: 3 });
    m.applied({ type: "block", blocks: [block], events: [], finalized: 0, rangeSize: 1, more: false });
    const text = await m.registry.metrics();
    expect(sample(text, "provenant_rpc_errors_total", { method: "eth_blockNumber", kind: "unavailable" })).to.equal(2);
    expect(sample(text, "provenant_rpc_errors_total", { method: "eth_getLogs", kind: "unavailable" })).to.equal(1);
    expect(sample(text, "provenant_index_reorgs_total")).to.equal(1);
    expect(sample(text, "provenant_index_reorg_depth_blocks_sum")).to.equal(3);
    expect(sample(text, "provenant_index_reorg_depth_blocks_bucket", { le: "2" })).to.equal(0);
    expect(sample(text, "provenant_index_reorg_depth_blocks_bucket", { le: "3" })).to.equal(1);
  });
});
