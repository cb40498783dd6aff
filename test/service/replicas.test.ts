/**
 * Several replicas on one chain, as the production topology puts them behind a load balancer
 * (issue 11): every API route answers identically on both, a regulator token one replica issued
 * works on the other and after a restart (AUTH_TOKEN_SECRET_FILE), sign-in messages name the
 * PUBLIC_URL host, and a key that loses REGULATOR on chain loses the regulator routes on every
 * replica as soon as the index has the revocation, not when its token expires.
 */
import { expect } from "chai";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { Wallet, id as keccakText } from "ethers";
import { startService, type Service } from "../../ledger-service/src/runtime/service";
import { deployTestWorld, startAnvil, testCommon, tmpDir, waitFor, type Anvil, type TestWorld } from "./follower.helpers";

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are compared whole

describe("replicas: one chain, identical answers, shared tokens (anvil)", function () {
  let anvil: Anvil;
  let world: TestWorld;
  let secretFile: string;
  const regulator = Wallet.createRandom();
  const replicas: Service[] = [];
  const dirs: string[] = [];

  const start = async (i: number) => {
    const s = await startService(
      testCommon({
        RPC_URL: anvil.url,
        DEPLOYMENT_FILE: world.deploymentFile,
        DATA_DIR: dirs[i],
        PORT: "0",
        AUTH_TOKEN_SECRET_FILE: secretFile,
        PUBLIC_URL: "https://ledger.example.gov.cn",
      }),
    );
    replicas[i] = s;
    return s;
  };
  const url = (s: Service, p: string) => `http://127.0.0.1:${s.port}/api/v1${p}`;
  const get = async (s: Service, p: string, token?: string) => {
    const r = await fetch(url(s, p), { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: r.status, body: (await r.json()) as Json };
  };
  async function head(): Promise<number> {
    return Number((await anvil.rpc<{ number: string }>("eth_getBlockByNumber", ["latest", false])).number);
  }
  async function allCaughtUp() {
    const h = await head();
    for (const s of replicas) await waitFor("a replica to reach the head", () => s.indexer.health().status === "ok" && s.indexer.health().indexedBlock === h);
  }
  async function signIn(s: Service): Promise<{ token: string; message: string }> {
    const post = async (p: string, body: unknown) => {
      const r = await fetch(url(s, p), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      return (await r.json()) as Json;
    };
    const c = await post("/auth/challenge", { address: regulator.address });
    const t = await post("/auth/token", { address: regulator.address, signature: await regulator.signMessage(c.message), nonce: c.nonce });
    expect(t.token, JSON.stringify(t)).to.be.a("string");
    return { token: t.token, message: c.message };
  }

  before(async function () {
    anvil = await startAnvil();
    const dir = tmpDir("replicas");
    world = await deployTestWorld(anvil.url, dir);
    await world.makeEvents(6);
    const admin = await world.provider.getSigner(0);
    await (await world.contracts.hub.connect(admin).grantRole(keccakText("REGULATOR"), regulator.address)).wait();
    secretFile = path.join(dir, "token-secret");
    writeFileSync(secretFile, randomBytes(32).toString("hex") + "\n");
    dirs.push(tmpDir("replica-a"), tmpDir("replica-b"));
    await start(0);
    await start(1);
    await allCaughtUp();
  });
  after(async function () {
    for (const s of replicas) await s?.stop();
    await anvil?.stop();
  });

  it("answers every public route identically on both replicas", async function () {
    const [a, b] = replicas;
    const routes = [
      "/participants?limit=100", "/participants/2", "/resources?limit=100", "/resources/1", "/authorizations?limit=100",
      "/products?limit=100", "/disclosures/authorizations", "/disclosures/products", "/disclosures/usage",
      "/timeline/participant/2", "/governance/pending", "/openapi.json", "/participants/99999", "/participants/abc",
    ];
    for (const r of routes) {
      const [x, y] = await Promise.all([get(a, r), get(b, r)]);
      expect(y, r).to.deep.equal(x);
    }
    expect((await get(a, "/participants?limit=100")).body.items.length).to.be.greaterThan(6);
  });

  it("honours a regulator token on the replica that did not issue it and after a restart, with the PUBLIC_URL host in the sign-in", async function () {
    const [a, b] = replicas;
    const { token, message } = await signIn(a);
    expect(message.split("\n")[0]).to.equal("ledger.example.gov.cn wants you to sign in with your Ethereum account:");
    expect(message).to.contain("URI: https://ledger.example.gov.cn/api/v1/auth/token");
    const onA = await get(a, "/regulator/deadlines", token);
    const onB = await get(b, "/regulator/deadlines", token);
    expect(onA.status, JSON.stringify(onA.body)).to.equal(200);
    expect(onB).to.deep.equal(onA);
    await a.stop();
    const restarted = await start(0);
    await allCaughtUp();
    expect((await get(restarted, "/regulator/deadlines", token)).status).to.equal(200);
  });

  it("stops honouring a token on every replica once its key loses REGULATOR on chain", async function () {
    const { token } = await signIn(replicas[1]);
    expect((await get(replicas[0], "/regulator/deadlines", token)).status).to.equal(200);
    const admin = await world.provider.getSigner(0);
    await (await world.contracts.hub.connect(admin).revokeRole(keccakText("REGULATOR"), regulator.address)).wait();
    await allCaughtUp();
    for (const s of replicas) {
      const r = await get(s, "/regulator/deadlines", token);
      expect(r.status).to.equal(403);
      expect(r.body.error.message).to.contain("no longer holds REGULATOR");
    }
  });
});
