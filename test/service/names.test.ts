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
import { connectProvenant, type ProvenantContracts } from "../../scripts/lib/deploy";
import { registrationCodeText } from "../../scripts/lib/public-text";
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

  /**
   * What the demo sent, read back from its transactions with the contracts' ABIs: the texts and
   * statements as the demo's calls passed them (scripts/lib/demo.ts builds them inline).
   */
  async function sentByDemo() {
    const provider = new DevChainProvider(chain.anvil.url);
    try {
      const c = connectProvenant(chain.deployment.contracts, provider);
      const byAddress = new Map<string, ProvenantContracts[keyof ProvenantContracts]>(
        await Promise.all(Object.values(c).map(async (x) => [(await x.getAddress()).toLowerCase(), x] as [string, ProvenantContracts[keyof ProvenantContracts]])),
      );
      const catalog = (await c.catalog.getAddress()).toLowerCase();
      const sent = {
        texts: new Map<string, string>(), // `${kind}:${id}` -> the record's text in force
        statements: new Map<string, string>(), // `authorization:${id}` -> the statement of its latest decision that gave one
        profiles: new Map<string, string>(),
        codes: new Map<string, string>(), // `${kind}:${id}` -> bytes32
      };
      for (const log of await provider.getLogs({ fromBlock: 0, toBlock: "latest" })) {
        const parsed = byAddress.get(log.address.toLowerCase())?.interface.parseLog(log);
        if (!parsed) continue;
        const a = parsed.args;
        const record: Record<string, [string, string]> = {
          ResourceProposed: ["resource", "id"], ScenarioProposed: ["scenario", "id"], ProductRegistered: ["product", "id"],
          CallPublished: ["call", "callId"], AgreementProposed: ["agreement", "agreementId"],
        };
        if (record[parsed.name]) sent.texts.set(`${record[parsed.name][0]}:${a[record[parsed.name][1]]}`, "request" in a.toObject() ? a.request.publicText : a.publicText);
        if (parsed.name === "ResourceChangeReviewed" && a.approved) sent.texts.set(`resource:${a.id}`, a.publicText);
        if (parsed.name === "ParticipantProfilePublished") sent.profiles.set(String(a.id), a.publicText);
        if (parsed.name === "AuthorizationStatusChanged" && a.statement !== "") sent.statements.set(`authorization:${a.id}`, a.statement);
        if (parsed.name === "RegistrationIssued") sent.codes.set(`${log.address.toLowerCase() === catalog ? "resource" : "product"}:${a.subjectId}`, a.code);
      }
      return sent;
    } finally {
      provider.destroy();
    }
  }

  it("C21 C36 shows the names, texts and statements the demo sent, exactly; every reference its record's name; registration codes as their human string", async () => {
    const sent = await sentByDemo();
    const s = chain.summary;
    const participants = new Map<string, string>();
    for (const p of (await get("/participants?limit=500")).items as Json[]) participants.set(p.id, p.name);
    // Records: each text exactly as sent, its name the text's name (or title).
    const expectText = (kind: string, body: Json) => {
      const raw = sent.texts.get(`${kind}:${body.id}`);
      expect(raw, `${kind} ${body.id} sent a text`).to.be.a("string");
      expect([body.publicText, body.publicTextError], `${kind} ${body.id}`).to.deep.equal([JSON.parse(raw!), null]);
      expect(body.name).to.equal(JSON.parse(raw!).name ?? JSON.parse(raw!).title);
    };
    const resources = (await get("/resources?limit=500")).items as Json[];
    expect(resources.length).to.equal(Object.keys(s.resources).length);
    const resourceName = new Map<string, string>();
    for (const r of resources) {
      expectText("resource", r);
      resourceName.set(r.id, r.name);
      expect(r.sourceDeptName).to.equal(participants.get(r.sourceDeptId));
      const hex = sent.codes.get(`resource:${r.id}`);
      if (hex) {
        expect([r.registration.code, r.registration.codeHex]).to.deep.equal([registrationCodeText(hex), hex]);
        expect(r.registration.code).to.match(/^[A-Z]{2}-\d{4}-R-\d{4}$/);
      }
    }
    const scenarioName = new Map<string, string>();
    for (const id of Object.values(s.scenarios)) {
      const sc = await get(`/scenarios/${id}`);
      expectText("scenario", sc);
      scenarioName.set(sc.id, sc.name);
      expect(sc.holderName).to.equal(participants.get(sc.holderId));
      expect(sc.resources).to.deep.equal(sc.resourceIds.map((rid: string) => ({ id: rid, name: resourceName.get(rid) })));
    }
    for (const id of Object.values(s.products)) {
      const p = await get(`/products/${id}`);
      expectText("product", p);
      expect([p.holderName, p.scenarioName]).to.deep.equal([participants.get(p.holderId), scenarioName.get(p.scenarioId)]);
      expect(p.resources).to.deep.equal(p.resourceIds.map((rid: string) => ({ id: rid, name: resourceName.get(rid) })));
      for (const parent of p.parents) expect(parent.name).to.equal((await get(`/products/${parent.id}`)).name);
      const hex = sent.codes.get(`product:${p.id}`);
      if (hex) expect(p.registration.code).to.equal(registrationCodeText(hex)).and.match(/^[A-Z]{2}-\d{4}-P-\d{4}$/);
    }
    expectText("call", await get(`/calls/${s.callId}`));
    for (const id of s.agreements) {
      const g = await get(`/agreements/${id}`);
      expectText("agreement", g);
      expect(g.parties).to.deep.equal(g.partyIds.map((pid: string) => ({ id: pid, name: participants.get(pid) })));
    }
    // Profiles as published.
    expect(sent.profiles.size).to.be.greaterThan(0);
    for (const [id, raw] of sent.profiles) expect((await get(`/participants/${id}`)).publicText).to.deep.equal(JSON.parse(raw));
    // Decisions: the suspended operator's, the rejected developer's and the active operator's
    // approval (kept through notice and activation, routine steps) statements, exactly as sent.
    for (const [id, decided] of [[s.authorizations.operatorB, "Suspended"], [s.authorizations.developerBRejected, "Rejected"], [s.authorizations.operatorA, "Approved"]] as const) {
      const a = await get(`/authorizations/${id}`);
      const raw = sent.statements.get(`authorization:${id}`)!;
      expect(JSON.parse(raw).reason).to.be.a("string").and.not.equal("");
      const { at, anchor, status, ...text } = a.statement;
      expect([text, status]).to.deep.equal([JSON.parse(raw), decided]);
      expect(at).to.equal(a.history.find((x: Json) => x.status === decided).at);
      expect(anchor.txHash).to.match(/^0x[0-9a-f]{64}$/);
      expect([a.holderName, a.organizerName]).to.deep.equal([participants.get(a.holderId), participants.get(a.organizerId)]);
      // The timeline item of that decision carries the same statement.
      const items = (await get(`/timeline/authorization/${id}?limit=500`)).items as Json[];
      const item = items.filter((x) => x.event === "AuthorizationStatusChanged" && x.args.to === decided).pop();
      expect(item.statement).to.deep.equal(JSON.parse(raw));
    }
    const child = await get(`/authorizations/${s.authorizations.developerA}`);
    expect([child.parentName, child.resources]).to.deep.equal([
      participants.get((await get(`/authorizations/${child.parentId}`)).holderId),
      child.resourceIds.map((rid: string) => ({ id: rid, name: resourceName.get(rid) })),
    ]);
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

