/**
 * A platform node's receipt intake over HTTP against a real anvil chain seeded with the demo
 * world: sign-in, validation, durable signed acknowledgements, idempotence, per-use checks at
 * the receipt's time and their regulator alerts, batching and anchoring, proofs a consumer
 * checks against the chain alone.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { JsonRpcProvider, Wallet, id as keccakText } from "ethers";
import { devWallet } from "../../scripts/lib/demo";
import {
  acknowledgementSigner,
  pseudonymousConsumer,
  purposeDigest,
  receiptLeaf,
  receiptToJson,
  verifyReceiptFile,
  type Receipt,
  type ReceiptJson,
} from "../../scripts/lib/receipts";
import { processProof } from "../../scripts/lib/receipt-tree";
import type { Service } from "../../ledger-service/src/runtime/service";
import { ROOT, tmpDir, waitFor } from "./follower.helpers";
import { DEMO_NODE_KEY_INDEX, DEMO_REGULATOR_KEY_INDEX, startDemoChain, type DemoChain } from "./helpers/demo-chain";
import { startDemoService } from "./helpers/portal-demo";

type Json = Record<string, unknown>;
interface Answer {
  status: number;
  body: Json;
}

describe("platform node intake (C13 C14 C20 C31 C33)", function () {
  this.timeout(600_000);
  let chain: DemoChain;
  let service: Service;
  let dir: string;
  let base: string;
  let nodeToken: string;
  let regulatorToken: string;
  let nodeId: bigint;
  let serial = 0;
  let earlyUse: Answer;
  const nodeKey = devWallet(DEMO_NODE_KEY_INDEX);
  const regulatorKey = devWallet(DEMO_REGULATOR_KEY_INDEX);

  async function call(method: string, route: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === "string" ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)["content-type"] ??= "application/json";
    }
    const res = await fetch(`${base}/api/v1${route}`, init);
    const text = await res.text();
    return { status: res.status, body: text === "" ? {} : (JSON.parse(text) as Json) };
  }
  async function signIn(w: Wallet | ReturnType<typeof devWallet>): Promise<Answer> {
    const c = await call("POST", "/auth/challenge", { address: w.address });
    const signature = await w.signMessage(c.body.message as string);
    return call("POST", "/auth/token", { address: w.address, signature, nonce: c.body.nonce });
  }
  const post = (receipts: unknown[], token = nodeToken) => call("POST", "/receipts", { receipts }, { authorization: `Bearer ${token}` });

  /** A valid use of operator A's credit-index product under its authorization, a minute ago. */
  function receipt(over: Partial<Receipt> = {}): Receipt {
    const n = ++serial;
    return {
      id: keccakText(`intake-test-receipt-${n}`),
      nodeId,
      authorizationId: BigInt(chain.summary.authorizations.operatorA),
      scenarioId: BigInt(chain.summary.scenarios.enterpriseCredit),
      productId: BigInt(chain.summary.products.creditIndex),
      resourceIds: [],
      consumer: pseudonymousConsumer(keccakText(`salt-${n}`), `verified-user-${n}`),
      purpose: purposeDigest("企业信用评估"),
      recordCount: 3n,
      requestDigest: keccakText(`request-${n}`),
      resultDigest: keccakText(`result-${n}`),
      chargingBasis: "Commercial",
      fee: 500n,
      timestamp: Math.floor(Date.now() / 1000) - 60,
      ...over,
    };
  }
  const json = (r: Receipt): ReceiptJson => receiptToJson(r);

  before(async () => {
    chain = await startDemoChain("intake");
    nodeId = BigInt(chain.summary.participants.operatorA);
    dir = tmpDir("intake-service");
    service = await startDemoService(chain, dir, { BATCH_MAX: "64", BATCH_MAX_AGE: "1" });
    base = `http://127.0.0.1:${service.port}`;
    const n = await signIn(nodeKey);
    expect(n.status, JSON.stringify(n.body)).to.equal(200);
    expect(n.body.role).to.equal("INTAKE");
    nodeToken = n.body.token as string;
    const r = await signIn(regulatorKey);
    expect(r.body.role).to.equal("REGULATOR");
    regulatorToken = r.body.token as string;
    earlyUse = await post([
      json(
        receipt({
          authorizationId: BigInt(chain.summary.authorizations.operatorB),
          scenarioId: BigInt(chain.summary.scenarios.clinicAccess),
          productId: BigInt(chain.summary.products.clinicReport),
          timestamp: chain.summary.chainEnd - 25 * 86_400, // before operator B's suspension
        }),
      ),
    ]);
  });

  after(async () => {
    await service?.stop();
    await chain?.anvil.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (chain) rmSync(chain.dir, { recursive: true, force: true });
  });

  describe("sign-in and access", () => {
    it("C31 only a signer key of the node's participant gets an intake token; others get 403", async () => {
      const outsider = Wallet.createRandom();
      const o = await signIn(outsider);
      expect(o.status).to.equal(403);
      expect((o.body.error as Json).code).to.equal("forbidden");
    });
    it("C31 intake refuses no token (401), a regulator's token (403) and a non-JSON body (415), storing nothing", async () => {
      const r = receipt();
      expect((await call("POST", "/receipts", { receipts: [json(r)] })).status).to.equal(401);
      expect((await post([json(r)], regulatorToken)).status).to.equal(403);
      expect((await call("POST", "/receipts", "id,nodeId", { "content-type": "text/csv", authorization: `Bearer ${nodeToken}` })).status).to.equal(415);
      expect((await call("GET", `/receipts/${r.id}`)).status).to.equal(404);
    });
  });

  describe("acknowledgements", () => {
    it("C31 C20 a request is answered with one node signature over the root of its receipts, and each receipt's path to it", async () => {
      const rs = Array.from({ length: 25 }, () => receipt());
      const a = await post(rs.map(json));
      expect(a.status, JSON.stringify(a.body)).to.equal(200);
      expect(a.body.accepted).to.equal(25);
      expect(a.body.duplicates).to.equal(0);
      const acks = a.body.acknowledgements as Json[];
      expect(acks).to.have.length(1);
      const ack = acks[0] as unknown as Parameters<typeof acknowledgementSigner>[0];
      expect(ack.count).to.equal(25);
      expect(ack.nodeId).to.equal(nodeId.toString());
      const signer = acknowledgementSigner(ack, chain.deployment.chainId, chain.deployment.contracts.ReceiptAnchor.address);
      expect(signer).to.equal(nodeKey.address);
      const items = a.body.receipts as { id: string; leaf: string; path: string[]; status: string; flags: unknown[] }[];
      items.forEach((it, i) => {
        expect(it.id).to.equal(rs[i].id);
        expect(it.leaf).to.equal(receiptLeaf(rs[i]));
        expect(it.status).to.equal("accepted");
        expect(it.flags).to.deep.equal([]);
        expect(processProof(it.leaf, it.path)).to.equal(ack.root);
      });
      // The signature covers exactly these leaves: another root does not recover to the node.
      const forged = { ...ack, root: keccakText("another root") };
      expect(acknowledgementSigner(forged, chain.deployment.chainId, chain.deployment.contracts.ReceiptAnchor.address)).to.not.equal(nodeKey.address);
    });

    it("C22 the same request again gets the same answer and stores nothing twice", async () => {
      const rs = Array.from({ length: 5 }, () => receipt());
      const first = await post(rs.map(json));
      const again = await post(rs.map(json));
      expect(again.status).to.equal(200);
      expect(again.body.accepted).to.equal(0);
      expect(again.body.duplicates).to.equal(5);
      expect(again.body.acknowledgements).to.deep.equal(first.body.acknowledgements);
      const strip = (x: Json) => (x.receipts as Json[]).map(({ status: _s, ...rest }) => rest);
      expect(strip(again.body)).to.deep.equal(strip(first.body));
    });

    it("C22 a different receipt reusing an acknowledged id is refused 409 and the first stays", async () => {
      const r = receipt();
      expect((await post([json(r)])).status).to.equal(200);
      const other = { ...r, recordCount: 999n };
      const fresh = receipt();
      const c = await post([json(fresh), json(other)]);
      expect(c.status).to.equal(409);
      expect((c.body.error as Json).code).to.equal("conflict");
      const s = await call("GET", `/receipts/${r.id}`);
      expect(s.body.leaf).to.equal(receiptLeaf(r));
      expect((await call("GET", `/receipts/${fresh.id}`)).status, "nothing of the refused request is stored").to.equal(404);
    });

    it("C34 C20 malformed receipts are refused 400 with their field errors and nothing is stored", async () => {
      const good = receipt();
      const bad: [string, Json][] = [
        ["id", { id: "0x1234" }],
        ["consumer", { consumer: "张三 440101199001011234" }],
        ["nodeId", { nodeId: "-1" }],
        ["timestamp", { timestamp: Date.now() }],
        ["chargingBasis", { chargingBasis: "Free" }],
        ["fee", { chargingBasis: "PublicInterestFree", fee: "100" }],
        ["resourceIds", { productId: "0", resourceIds: ["3", "2"] }],
        ["name", { name: "a person's name" }],
        ["authorizationId", { authorizationId: "0" }],
        ["scenarioId", { scenarioId: 1.5 }],
        ["productId", { productId: "18446744073709551616" }],
        ["purpose", { purpose: "企业信用评估" }],
        ["recordCount", { recordCount: -3 }],
        ["requestDigest", { requestDigest: `0x${"0".repeat(64)}` }],
        ["resultDigest", { resultDigest: 42 }],
        ["chargingBasis", { chargingBasis: null }],
      ];
      for (const [field, change] of bad) {
        const a = await post([json(good), { ...json(receipt()), ...change }]);
        expect(a.status, field).to.equal(400);
        const details = (a.body.error as Json).details as { receipts: { index: number; errors: { path: string }[] }[] };
        expect(details.receipts[0].index, field).to.equal(1);
        const said = details.receipts[0].errors.map((e) => `${e.path} ${(e as { message?: string }).message ?? ""}`).join(",");
        expect(said, field).to.contain(field);
      }
      expect((await call("GET", `/receipts/${good.id}`)).status).to.equal(404);
    });

    it("C31 a receipt of another node or from the future is refused", async () => {
      const a = await post([json(receipt({ nodeId: nodeId + 1n }))]);
      expect(a.status).to.equal(400);
      const f = await post([json(receipt({ timestamp: Math.floor(Date.now() / 1000) + 3600 }))]);
      expect(f.status).to.equal(400);
      expect(JSON.stringify(f.body)).to.contain("future");
    });

    it("C31 NDJSON bodies are accepted; more than 10,000 receipts are refused 413", async () => {
      const rs = [receipt(), receipt()];
      const nd = await call("POST", "/receipts", rs.map((r) => JSON.stringify(json(r))).join("\n") + "\n", {
        "content-type": "application/x-ndjson",
        authorization: `Bearer ${nodeToken}`,
      });
      expect(nd.status, JSON.stringify(nd.body)).to.equal(200);
      expect(nd.body.accepted).to.equal(2);
      const one = json(receipt());
      const big = await post(Array.from({ length: 10_001 }, () => one));
      expect(big.status).to.equal(413);
      const broken = await call("POST", "/receipts", "{not json}\n", { "content-type": "application/x-ndjson", authorization: `Bearer ${nodeToken}` });
      expect(broken.status).to.equal(400);
      // A body over the 32 MB limit is refused before it is parsed.
      const line = JSON.stringify(one) + "\n";
      const huge = await call("POST", "/receipts", line.repeat(Math.ceil((33 * 2 ** 20) / line.length)), { "content-type": "application/x-ndjson", authorization: `Bearer ${nodeToken}` });
      expect(huge.status).to.equal(413);
      expect((huge.body.error as Json).code).to.equal("payload_too_large");
      expect((await call("GET", `/receipts/${one.id as string}`)).status).to.equal(404);
      // A receipt missing a field names it.
      const { id: _missing, ...noId } = json(receipt());
      void _missing;
      const missing = await post([noId]);
      expect(missing.status).to.equal(400);
      expect(JSON.stringify(missing.body)).to.contain('"path":"id"');
    });
  });

  describe("per-use checks", () => {
    it("C14 a resource used outside the scenario's resources is recorded and flagged, and the regulator sees the alert", async () => {
      const r = receipt({ productId: 0n, resourceIds: [BigInt(chain.summary.resources.busArrivals)] });
      const a = await post([json(r)]);
      expect(a.status).to.equal(200);
      const flags = (a.body.receipts as { flags: { rule: string; clause: string }[] }[])[0].flags;
      expect(flags.map((f) => `${f.clause}:${f.rule}`)).to.deep.equal(["C14:resource-outside-scenario"]);
      const alerts = await call("GET", "/regulator/alerts?kind=use-outside-rules", undefined, { authorization: `Bearer ${regulatorToken}` });
      const uses = alerts.body.items as { kind: string; clause: string; at: number; subjectKind: string; subjectId: string; detail: { receiptId: string; rule: string; clause: string; nodeId: string } }[];
      const mine = uses.filter((u) => u.subjectId === r.id);
      expect(mine.map((u) => [u.kind, u.clause, u.at, u.subjectKind, u.detail.rule, u.detail.nodeId])).to.deep.equal([["use-outside-rules", "C14", Number(r.timestamp), "receipt", "resource-outside-scenario", nodeId.toString()]]);
    });

    it("C31 the regulator pages through every flagged use, newest first, with nothing repeated or skipped", async () => {
      const rs = [0, 1, 2].map(() => receipt({ productId: 0n, resourceIds: [BigInt(chain.summary.resources.busArrivals)] }));
      expect((await post(rs.map(json))).status).to.equal(200);
      const auth = { authorization: `Bearer ${regulatorToken}` };
      const keyOf = (u: { receiptId: string; rule: string }) => `${u.receiptId}:${u.rule}`;
      // Through the node's own list…
      const seen: string[] = [];
      let next: string | null = null;
      do {
        const page = await call("GET", `/regulator/uses-outside-rules?limit=2${next ? `&after=${encodeURIComponent(next)}` : ""}`, undefined, auth);
        expect(page.status, JSON.stringify(page.body)).to.equal(200);
        seen.push(...(page.body.items as { receiptId: string; rule: string }[]).map(keyOf));
        next = page.body.next as string | null;
      } while (next !== null);
      expect(new Set(seen).size).to.equal(seen.length);
      for (const r of rs) expect(seen).to.include(`${r.id}:resource-outside-scenario`);
      // …and through the alerts, one page at a time: the same uses, newest first.
      const viaAlerts: string[] = [];
      let after: string | null = null;
      do {
        const page = await call("GET", `/regulator/alerts?kind=use-outside-rules&limit=1${after ? `&after=${encodeURIComponent(after)}` : ""}`, undefined, auth);
        expect(page.status, JSON.stringify(page.body)).to.equal(200);
        expect(page.body.total).to.equal(seen.length);
        viaAlerts.push(...(page.body.items as { detail: { receiptId: string; rule: string } }[]).map((x) => keyOf(x.detail)));
        after = page.body.next as string | null;
      } while (after !== null);
      expect(viaAlerts).to.deep.equal(seen);
      expect((await call("GET", "/regulator/uses-outside-rules")).status).to.equal(401);
      expect((await call("GET", "/regulator/uses-outside-rules?after=%27;drop", undefined, auth)).status).to.equal(400);
    });

    it("C24 a use under a suspended authorization is flagged", async () => {
      const r = receipt({
        authorizationId: BigInt(chain.summary.authorizations.operatorB),
        scenarioId: BigInt(chain.summary.scenarios.clinicAccess),
        productId: BigInt(chain.summary.products.clinicReport),
      });
      const a = await post([json(r)]);
      const rules = (a.body.receipts as { flags: { rule: string }[] }[])[0].flags.map((f) => f.rule);
      expect(rules).to.include("authorization-not-in-force");
      expect(rules).to.include("product-not-usable");
    });

    it("C13 a scenario of another authorization, or a product of another scenario, is flagged", async () => {
      const r = receipt({ scenarioId: BigInt(chain.summary.scenarios.clinicAccess) });
      const a = await post([json(r)]);
      const rules = (a.body.receipts as { flags: { rule: string }[] }[])[0].flags.map((f) => f.rule);
      expect(rules).to.include.members(["scenario-of-other-authorization", "product-of-other-scenario"]);
    });

    it("C13 the check uses the state at the receipt's time: the same use before the suspension is clean", async () => {
      // Sent first thing in `before`: once a batch seals, the node takes no receipt older than its first.
      expect(earlyUse.status, JSON.stringify(earlyUse.body)).to.equal(200);
      expect((earlyUse.body.receipts as { flags: unknown[] }[])[0].flags).to.deep.equal([]);
    });
  });

  describe("batching and anchoring", () => {
    it("C31 every acknowledged receipt is anchored in one batch, and its proof verifies against the chain alone", async () => {
      const rs = Array.from({ length: 10 }, () => receipt());
      expect((await post(rs.map(json))).status).to.equal(200);
      for (const r of rs) {
        await waitFor(`receipt ${r.id} anchored`, async () => {
          const s = await call("GET", `/receipts/${r.id}`);
          return s.body.status !== "pending" ? s : undefined;
        }, 60_000);
      }
      const provider = new JsonRpcProvider(chain.anvil.url, chain.deployment.chainId, { staticNetwork: true });
      try {
        for (const r of rs.slice(0, 3)) {
          const p = await call("GET", `/receipts/${r.id}/proof`);
          expect(p.status, JSON.stringify(p.body)).to.equal(200);
          const v = await verifyReceiptFile(p.body, provider, chain.deployment);
          expect(v.checks.filter((c) => c.status === "fail"), JSON.stringify(v.checks)).to.deep.equal([]);
          expect(v.ok).to.equal(true);
        }
      } finally {
        provider.destroy();
      }
    });

    it("C31 a pending receipt has no proof yet (409) and an unknown one is 404", async () => {
      const r = receipt();
      expect((await post([json(r)])).status).to.equal(200);
      const p = await call("GET", `/receipts/${r.id}/proof`);
      expect(p.status).to.equal(409);
      expect((p.body.error as Json).code).to.equal("pending");
      expect((await call("GET", `/receipts/${keccakText("never sent")}`)).status).to.equal(404);
      expect((await call("GET", "/receipts/0x12")).status).to.equal(400);
    });
  });

  describe("provenant receipts (CLI)", () => {
    const CLI = path.join(ROOT, "bin/provenant");
    function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
      return new Promise((resolve, reject) => {
        const child = spawn(CLI, args, { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, PROVENANT_API: base }, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
        child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
        child.on("error", reject);
        child.on("exit", (code) => resolve({ code, stdout, stderr }));
      });
    }

    it("C31 submit sends a file in chunks, stops at a refused chunk naming its lines, and resumes after the fix; status and proof follow the receipt to a verified proof", async () => {
      const rs = Array.from({ length: 25 }, () => receipt());
      const lines = rs.map((r) => JSON.stringify(json(r)));
      const broken = [...lines];
      broken[20] = JSON.stringify({ ...json(rs[20]), recordCount: "many" });
      const file = path.join(dir, "uses.ndjson");
      writeFileSync(file, broken.join("\n") + "\n");
      const key = ["--key", nodeKey.privateKey];

      const first = await cli(["receipts", "submit", file, ...key, "--chunk", "10"]);
      expect(first.code, first.stderr).to.equal(1);
      expect(first.stderr).to.contain("request of lines 21–25 refused");
      expect(first.stderr).to.contain("recordCount");
      expect((JSON.parse(readFileSync(`${file}.progress.json`, "utf8")) as { lines: number }).lines).to.equal(20);
      expect((await call("GET", `/receipts/${rs[19].id}`)).status).to.equal(200);
      expect((await call("GET", `/receipts/${rs[21].id}`)).status, "nothing of the refused chunk is stored").to.equal(404);

      writeFileSync(file, lines.join("\n") + "\n"); // same length: line 21 fixed in place
      const second = await cli(["receipts", "submit", file, ...key, "--chunk", "10", "--json"]);
      expect(second.code, second.stderr).to.equal(0);
      expect(second.stderr).to.contain("resuming");
      expect(JSON.parse(second.stdout)).to.include({ receipts: 25, accepted: 25, duplicates: 0 });
      const acks = readFileSync(`${file}.acks.ndjson`, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { id: string; status: string });
      expect(acks.map((a) => a.id)).to.deep.equal(rs.map((r) => r.id));
      // More uses appended later: a rerun sends only the new lines.
      const late = receipt();
      writeFileSync(file, [...lines, JSON.stringify(json(late))].join("\n") + "\n");
      const third = await cli(["receipts", "submit", file, ...key, "--json"]);
      expect(third.code, third.stderr).to.equal(0);
      expect(third.stderr).to.contain("resuming");
      expect(JSON.parse(third.stdout)).to.include({ receipts: 26, accepted: 26 });
      expect(readFileSync(`${file}.acks.ndjson`, "utf8").trim().split("\n")).to.have.length(26);

      const status = await waitFor("the receipt anchored", async () => {
        const s = await cli(["receipts", "status", rs[0].id, "--json"]);
        const b = JSON.parse(s.stdout) as { status: string };
        return b.status === "pending" ? undefined : b;
      }, 60_000);
      expect(status.status).to.be.oneOf(["anchored", "final"]);
      const out = path.join(dir, "proof.json");
      const proof = await cli(["receipts", "proof", rs[0].id, "--out", out]);
      expect(proof.code, proof.stderr).to.equal(0);
      const verified = await cli(["verify-receipt", out, "--rpc", chain.anvil.url, "--deployment", chain.deploymentFile]);
      expect(verified.code, verified.stdout).to.equal(0);
      expect(verified.stdout).to.match(/✓ acknowledgement/);

      const bad = await cli(["receipts", "status", "0x12"]);
      expect(bad.code).to.equal(2);
      const unknown = await cli(["receipts", "status", keccakText("never sent")]);
      expect(unknown.code).to.equal(1);
    });
  });
});
