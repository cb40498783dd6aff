/**
 * Names for every record (issue 12) end to end: the demo chain on anvil, the real follower, views
 * and API. The API shows each record's public text and each decision's statement exactly as the
 * demo sent them (the strings come from scripts/lib, not copies), every reference the name of its
 * record, registration codes in their human format; and a text the contract accepts (it checks
 * bytes only) but the service refuses is shown as absent, with its reason and one alert (C21, C34).
 */
import { expect } from "chai";
import { rmSync } from "node:fs";
import { id as keccakText } from "ethers";
import { connectProvenant } from "../../scripts/lib/deploy";
import { DevChainProvider, devWallet, DEMO_KEYS } from "../../scripts/lib/demo";
import { DEMO_REGULATOR_KEY_INDEX, serveDemoChain, startDemoChain, type DemoChain } from "./helpers/demo-chain";

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field

const keyIndex = (key: (typeof DEMO_KEYS)[number]["key"]): number => DEMO_KEYS.find((k) => k.key === key)!.index;

describe("names: public texts, statements and names from the demo chain (anvil)", function () {
  let chain: DemoChain;
  let api: Awaited<ReturnType<typeof serveDemoChain>>;
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const r = await fetch(api.base + path, { headers });
    expect(r.status, `${path}: ${r.status}`).to.equal(200);
    return (await r.json()) as Json;
  };
  async function regulatorToken(): Promise<string> {
    const key = devWallet(DEMO_REGULATOR_KEY_INDEX);
    const post = async (path: string, body: unknown) => (await (await fetch(api.base + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).json()) as Json;
    const c = await post("/auth/challenge", { address: key.address });
    return (await post("/auth/token", { address: key.address, signature: await key.signMessage(c.message), nonce: c.nonce })).token as string;
  }

  before(async () => {
    chain = await startDemoChain("names");
    api = await serveDemoChain(chain);
  });
  after(async () => {
    await api?.stop();
    await chain?.anvil.stop();
    if (chain) rmSync(chain.dir, { recursive: true, force: true });
  });

  it("C21 C34 a text the contract accepts but that is not NFC, of the wrong shape or over its cap is shown as absent with its reason, and raises one invalid-public-text alert each", async () => {
    const provider = new DevChainProvider(chain.anvil.url);
    try {
      const c = (key: (typeof DEMO_KEYS)[number]["key"]) => connectProvenant(chain.deployment.contracts, devWallet(keyIndex(key), provider));
      const market = BigInt(chain.summary.participants.market);
      const developer = BigInt(chain.summary.participants.developerB);
      // Not NFC: "e" + U+0301 (the NFC form is "é"). The chain sees valid UTF-8 and lets it through.
      const notNfc = JSON.stringify({ contact: "Cafe\u0301 窗口 0752-0000000" });
      // Valid UTF-8 JSON, but no `name` and an unknown key.
      const wrongShape = JSON.stringify({ title: "企业年报信息", extra: "x" });
      // 401 characters (401 bytes): within the chain's 1024-byte cap, over the statement's 400 characters.
      const overCap = JSON.stringify({ reason: "x".repeat(401) });
      await (await c("developerB").participants.publishProfile(developer, notNfc)).wait();
      const data = {
        catalogKey: keccakText("names-test:annual-reports"), classification: 1, shareType: 1, openAttribute: 1,
        desensitized: false, consent: 1, updateFrequency: 6, metadataHash: keccakText("names-test:meta"),
      };
      await (await c("market").catalog.proposeResource(market, data, wrongShape)).wait();
      const resourceId = await c("market").catalog.resourceCount();
      await (await c("authority").catalog.reviewResource(resourceId, true, keccakText("names-test:ok"))).wait();
      await (await c("authority").catalog.delistResource(resourceId, keccakText("names-test:delist"), overCap)).wait();
      await api.caughtUp();

      const profile = await get(`/participants/${developer}`);
      expect([profile.publicText, profile.publicTextError]).to.deep.equal([null, "profile text: contact is not in Unicode NFC"]);
      const r = await get(`/resources/${resourceId}`);
      expect([r.name, r.publicText, r.publicTextError]).to.deep.equal([null, null, 'resource text: name is missing']);
      expect([r.status, r.statement, r.statementError]).to.deep.equal(["Delisted", null, "statement text: reason has 401 characters, more than 400"]);
      const auth = { authorization: `Bearer ${await regulatorToken()}` };
      const alerts = await get("/regulator/alerts?kind=invalid-public-text", auth);
      expect(alerts.items.map((x: Json) => [x.clause, x.subjectKind, x.subjectId, x.detail.event, x.detail.field, x.detail.error])).to.have.deep.members([
        ["C21", "participant", String(developer), "ParticipantProfilePublished", "publicText", "profile text: contact is not in Unicode NFC"],
        ["C21", "resource", String(resourceId), "ResourceProposed", "publicText", "resource text: name is missing"],
        ["C21", "resource", String(resourceId), "ResourceDelisted", "statement", "statement text: reason has 401 characters, more than 400"],
      ]);
      expect(alerts.total).to.equal(3);
    } finally {
      provider.destroy();
    }
  });
});

