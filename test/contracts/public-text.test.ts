/**
 * Public texts on chain (issue 12): every record and decision carries its public text in its
 * event (C21), checked by contracts/common/PublicText.sol so no text can hide characters or break
 * a page, and no document with personal data fits (C34). Registration codes are human text (C36).
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import type { BaseContract, ContractTransactionResponse } from "ethers";
import { AuthStatus, applyFor, createResource, deployWorld, h, resourceData, toNoticeOver } from "../helpers/fixture";
import { expectRefused, plain } from "../helpers/state";
import { activeOperator } from "../helpers/foundation";
import { activateAuthorization, planAgreement, proposalOf, signerOf } from "../helpers/agreements";
import {
  ProductStatus,
  ScenarioStatus,
  approvedScenario,
  deployChain,
  productRequest,
  proposeScenario,
  registerProduct,
  scenarioRequest,
} from "../helpers/products";
import { PROFILE_TEXT, STATEMENT, TITLE_TEXT, publicText, registrationCode, statement } from "../helpers/texts";
import { utf8Length } from "../../scripts/lib/public-text";

const RECORD_MAX = 2048;
const STATEMENT_MAX = 1024;

/** A text in Chinese with a 4-byte character, so every UTF-8 length is exercised. */
const NAME = publicText({ name: "企业登记信息𠀀", nameEn: "Enterprise registry", description: "每日更新" });

/** The event `name` of a transaction, parsed by `contract`'s ABI. */
async function eventOf(contract: BaseContract, sent: Promise<ContractTransactionResponse>, name: string) {
  const receipt = await (await sent).wait();
  for (const log of receipt!.logs) {
    const parsed = (() => {
      try {
        return contract.interface.parseLog(log);
      } catch {
        return null; // a log of another contract
      }
    })();
    if (parsed?.name === name) return parsed.args;
  }
  throw new Error(`no ${name} event`);
}

/** `text` as a string of raw bytes given in hex (for ill-formed UTF-8 that a JS string cannot hold). */
const bytesOf = (hex: string): Uint8Array => ethers.getBytes("0x" + hex);

/**
 * Reference validator, written apart from the contract: Node's fatal UTF-8 decoder says which
 * sequence at `i` is well-formed (shortest form, no surrogates, at most U+10FFFF); the refused
 * characters are listed as code points. Returns the offset of the first refused sequence or -1.
 */
function referenceFirstInvalid(b: Uint8Array): number {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  const refused = (cp: number) =>
    cp <= 0x1f ||
    (cp >= 0x7f && cp <= 0x9f) ||
    cp === 0x061c ||
    cp === 0x200e ||
    cp === 0x200f ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2066 && cp <= 0x2069) ||
    cp === 0xfeff;
  let i = 0;
  while (i < b.length) {
    let cp = -1;
    let len = 0;
    for (let n = 1; n <= 4 && i + n <= b.length; n++) {
      try {
        const s = decoder.decode(b.subarray(i, i + n));
        const points = [...s];
        if (points.length === 1) {
          cp = points[0].codePointAt(0)!;
          len = n;
          break;
        }
      } catch {
        // not a complete well-formed sequence of n bytes: try one more
      }
    }
    if (cp < 0 || refused(cp)) return i;
    i += len;
  }
  return -1;
}

describe("public texts on chain (C21, C34)", () => {
  async function harness() {
    return (await ethers.getContractFactory("PublicTextHarness")).deploy();
  }

  describe("the PublicText library", () => {
    it("C34 refuses control characters (U+0000–U+001F, DEL, U+0080–U+009F) at their byte offset", async () => {
      const t = await harness();
      const cases: [string, number][] = [
        ["7b0a7d", 1], // LF
        ["41414100", 3], // NUL
        ["e4b8ad09", 3], // TAB after 中
        ["417f", 1], // DEL
        ["41c285", 1], // U+0085 NEL, a control
        ["c29f", 0], // U+009F, a control
      ];
      for (const [hex, offset] of cases) {
        expect(plain(await t.firstInvalid(bytesOf(hex))), hex).to.deep.equal([false, String(offset)]);
        await expect(t.check(ethers.toUtf8String(bytesOf(hex)), RECORD_MAX, true), hex)
          .to.be.revertedWithCustomError(t, "PublicTextInvalid")
          .withArgs(offset);
      }
      // Just outside the ranges: U+00A0 (no-break space) and printable ASCII pass.
      expect(plain(await t.firstInvalid(bytesOf("20c2a07e")))).to.deep.equal([true, "0"]);
    });

    it("C34 refuses bidirectional controls and the byte order mark", async () => {
      const t = await harness();
      for (const cp of [0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0xfeff]) {
        const text = `{"name":"名${String.fromCodePoint(cp)}"}`;
        await expect(t.check(text, RECORD_MAX, true), cp.toString(16))
          .to.be.revertedWithCustomError(t, "PublicTextInvalid")
          .withArgs(12); // 9 bytes of {"name":" and 3 of 名
      }
      // Their neighbours are ordinary: U+061B (Arabic semicolon), U+200D (ZWJ, in emoji), U+2029, U+202F, U+2065, U+206A, U+FEFE.
      for (const cp of [0x061b, 0x200d, 0x2029, 0x202f, 0x2065, 0x206a, 0xfefe]) {
        await t.check(`{"name":"名${String.fromCodePoint(cp)}"}`, RECORD_MAX, true);
      }
    });

    it("C34 refuses ill-formed UTF-8: stray continuation, overlong forms, surrogates, beyond U+10FFFF, truncated", async () => {
      const t = await harness();
      const cases: [string, number, string][] = [
        ["4180", 1, "a stray continuation byte"],
        ["c0af", 0, "overlong '/' in 2 bytes"],
        ["c1bf", 0, "overlong in 2 bytes (lead byte 0xc1)"],
        ["41e080af", 1, "overlong '/' in 3 bytes"],
        ["e09fbf", 0, "overlong U+07FF in 3 bytes"],
        ["f08080af", 0, "overlong '/' in 4 bytes"],
        ["f08fbfbf", 0, "overlong U+FFFF in 4 bytes"],
        ["eda080", 0, "surrogate U+D800"],
        ["edbfbf", 0, "surrogate U+DFFF"],
        ["f4908080", 0, "U+110000"],
        ["f5808080", 0, "lead byte F5"],
        ["ff", 0, "byte FF"],
        ["41e4b8", 1, "a 3-byte sequence cut short"],
        ["e4b841", 0, "a 3-byte sequence broken by ASCII"],
      ];
      for (const [hex, offset, what] of cases) {
        expect(plain(await t.firstInvalid(bytesOf(hex))), what).to.deep.equal([false, String(offset)]);
      }
      // The edges that are well-formed: U+0800, U+D7FF, U+E000, U+10000, U+10FFFF.
      for (const hex of ["e0a080", "ed9fbf", "ee8080", "f0908080", "f48fbfbf"]) {
        expect(plain(await t.firstInvalid(bytesOf(hex))), hex).to.deep.equal([true, "0"]);
      }
    });

    it("C34 caps the bytes of a text (records 2048, statements 1024) and requires a text where asked", async () => {
      const t = await harness();
      const fill = (bytes: number) => "中".repeat(Math.floor(bytes / 3)) + "a".repeat(bytes % 3);
      expect(utf8Length(fill(RECORD_MAX))).to.equal(RECORD_MAX);
      await t.check(fill(RECORD_MAX), RECORD_MAX, true);
      await expect(t.check(fill(RECORD_MAX + 1), RECORD_MAX, true))
        .to.be.revertedWithCustomError(t, "PublicTextTooLong")
        .withArgs(RECORD_MAX + 1, RECORD_MAX);
      await t.check(fill(STATEMENT_MAX), STATEMENT_MAX, false);
      await expect(t.check(fill(STATEMENT_MAX + 1), STATEMENT_MAX, false))
        .to.be.revertedWithCustomError(t, "PublicTextTooLong")
        .withArgs(STATEMENT_MAX + 1, STATEMENT_MAX);
      await expect(t.check("", STATEMENT_MAX, true)).to.be.revertedWithCustomError(t, "PublicTextRequired");
      await t.check("", STATEMENT_MAX, false); // optional and absent
      await t.check("{}", STATEMENT_MAX, true); // present: the service checks the shape
    });

    it("C34 agrees with a reference UTF-8 validator on random byte strings", async () => {
      const t = await harness();
      const edges = ["c0af", "eda080", "f4908080", "e280ae", "efbbbf", "c285", "7f", "0a", "f0a08080", "e4b8ad", "c2a0", "80"];
      const chunk = fc.oneof(
        fc.integer({ min: 0, max: 255 }).map((b) => [b]),
        fc.string({ unit: "binary", minLength: 1, maxLength: 1 }).map((s) => [...Buffer.from(s, "utf8")]),
        fc.string({ unit: "grapheme", minLength: 1, maxLength: 3 }).map((s) => [...Buffer.from(s, "utf8")]),
        fc.constantFrom(...edges).map((hex) => [...bytesOf(hex)]),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(chunk, { maxLength: 12 }), async (chunks) => {
          const b = Uint8Array.from(chunks.flat());
          const expected = referenceFirstInvalid(b);
          const [ok, offset] = await t.firstInvalid(b);
          expect([ok, ok ? -1 : Number(offset)], ethers.hexlify(b)).to.deep.equal([expected < 0, expected]);
        }),
        { numRuns: 300 },
      );
    });
  });

  describe("catalog, calls and profiles", () => {
    it("C21 a resource carries its public text when proposed, when changed and adopted, and its statement when delisted", async () => {
      const w = await loadFixture(deployWorld);
      const { deptA, authority } = w.signers;
      const C = w.catalog;
      const proposed = await eventOf(C, C.connect(deptA).proposeResource(w.ids.deptA, resourceData(), NAME), "ResourceProposed");
      expect(proposed.publicText).to.equal(NAME);
      const id = proposed.id as bigint;
      await C.connect(authority).reviewResource(id, true, h("ok"));
      const renamed = publicText({ name: "企业登记信息（含分支机构）", nameEn: "Enterprise registry (with branches)" });
      const data = { ...resourceData(), catalogKey: (await C.resource(id)).data.catalogKey };
      const change = await eventOf(C, C.connect(deptA).proposeChange(id, data, renamed), "ResourceChangeProposed");
      expect(change.publicText).to.equal(renamed);
      // The authority adopts exactly the text proposed with the change.
      await expectRefused(w, () => C.connect(authority).reviewChange(id, true, h("ok"), NAME), C, "ResourceCatalogPublicTextMismatch", [
        id,
        ethers.keccak256(ethers.toUtf8Bytes(renamed)),
        ethers.keccak256(ethers.toUtf8Bytes(NAME)),
      ]);
      const adopted = await eventOf(C, C.connect(authority).reviewChange(id, true, h("ok"), renamed), "ResourceChangeReviewed");
      expect([adopted.approved, adopted.publicText]).to.deep.equal([true, renamed]);
      const reason = statement("数源部门停止采集该数据，予以下架。", "The source department stopped collecting the data.");
      const delisted = await eventOf(C, C.connect(authority).delistResource(id, h("r"), reason), "ResourceDelisted");
      expect(delisted.statement).to.equal(reason);
    });

    it("C34 refuses a resource whose text hides a bidi override, is too long, or is missing, and a delisting without its statement", async () => {
      const w = await loadFixture(deployWorld);
      const { deptA, authority } = w.signers;
      const C = w.catalog.connect(deptA);
      const spoof = `{"name":"企业\u202e息信"}`;
      await expectRefused(w, () => C.proposeResource(w.ids.deptA, resourceData(), spoof), w.catalog, "PublicTextInvalid", [15]);
      await expectRefused(w, () => C.proposeResource(w.ids.deptA, resourceData(), "x".repeat(RECORD_MAX + 1)), w.catalog, "PublicTextTooLong", [
        RECORD_MAX + 1,
        RECORD_MAX,
      ]);
      await expectRefused(w, () => C.proposeResource(w.ids.deptA, resourceData(), ""), w.catalog, "PublicTextRequired");
      const id = await createResource(w, { register: false });
      await expectRefused(w, () => w.catalog.connect(authority).delistResource(id, h("r"), ""), w.catalog, "PublicTextRequired");
      await expectRefused(w, () => w.catalog.connect(authority).delistResource(id, h("r"), "{\"reason\":\"\r\"}"), w.catalog, "PublicTextInvalid", [11]);
    });

    it("C21 a call for applications carries its title; C34 refuses a call without one", async () => {
      const w = await loadFixture(deployWorld);
      const { agency } = w.signers;
      const A = w.authorizations.connect(agency);
      const closesAt = BigInt((await ethers.provider.getBlock("latest"))!.timestamp) + 86_400n * 30n;
      const title = publicText({ title: "惠州市公共数据授权运营（综合授权）运营主体征集公告", titleEn: "Call for operators" });
      const published = await eventOf(w.authorizations, A.publishCall(w.ids.agency, 1, closesAt, h("call"), title), "CallPublished");
      expect(published.publicText).to.equal(title);
      await expectRefused(w, () => A.publishCall(w.ids.agency, 1, closesAt, h("call"), ""), w.authorizations, "PublicTextRequired");
    });

    it("C21 a participant publishes its public office contact, or the registrar does; nobody else", async () => {
      const w = await loadFixture(deployWorld);
      const { authority, operatorA, operatorB } = w.signers;
      const P = w.participants;
      const own = await eventOf(P, P.connect(operatorA).publishProfile(w.ids.operatorA, PROFILE_TEXT), "ParticipantProfilePublished");
      expect(plain([own.id, own.publicText, own.by])).to.deep.equal(plain([w.ids.operatorA, PROFILE_TEXT, operatorA.address]));
      const contact = publicText({ contact: "政务服务中心三楼 公共数据管理窗口；电话 0752-0000000（演示号码）", website: "https://example.org" });
      const byRegistrar = await eventOf(P, P.connect(authority).publishProfile(w.ids.operatorA, contact), "ParticipantProfilePublished");
      expect([byRegistrar.publicText, byRegistrar.by]).to.deep.equal([contact, authority.address]);
      await expectRefused(w, () => P.connect(operatorB).publishProfile(w.ids.operatorA, PROFILE_TEXT), P, "ParticipantRegistryNotActiveSigner", [
        w.ids.operatorA,
        operatorB.address,
      ]);
      await expectRefused(w, () => P.connect(authority).publishProfile(99, PROFILE_TEXT), P, "ParticipantRegistryUnknownParticipant", [99]);
      await expectRefused(w, () => P.connect(operatorA).publishProfile(w.ids.operatorA, ""), P, "PublicTextRequired");
    });
  });

  describe("authorization decisions", () => {
    it("C21 every authorization decision carries its statement in AuthorizationStatusChanged and ExitReviewed", async () => {
      const w = await loadFixture(deployWorld);
      const { authority, regulator, operatorA } = w.signers;
      const A = w.authorizations.connect(authority);
      const id = await activeOperator(w);
      const said = async (sent: Promise<ContractTransactionResponse>, text: string, to: number) => {
        const e = await eventOf(w.authorizations, sent, "AuthorizationStatusChanged");
        expect([e.to, e.statement]).to.deep.equal([BigInt(to), text]);
      };
      const suspension = statement("数据安全措施未落实，暂停授权，限期整改。", "Suspended pending rectification.");
      await said(A.suspend(id, h("s"), suspension), suspension, AuthStatus.Suspended);
      await said(A.reinstate(id, h("r"), ""), "", AuthStatus.Active); // optional
      const risk = statement("发现数据泄露风险，紧急暂停。");
      await said(w.authorizations.connect(regulator).emergencySuspend(id, h("risk"), risk), risk, AuthStatus.Suspended);
      await A.reinstate(id, h("r"), STATEMENT);
      await w.authorizations.connect(operatorA).requestExit(id, h("exit"));
      const refusal = statement("退出申请未附数据移交方案，不予同意。");
      const exit = await eventOf(w.authorizations, A.reviewExit(id, false, 0, h("no"), refusal), "ExitReviewed");
      expect([exit.approved, exit.statement]).to.deep.equal([false, refusal]);
      const revocation = statement("以欺骗手段取得授权，撤销授权。", "Authorization obtained by deception: revoked.");
      await said(A.revoke(id, h("v"), revocation), revocation, AuthStatus.Revoked);
      // A rejected application carries its reason too.
      const other = await applyFor(w, { resourceIds: [await createResource(w)] });
      const rejection = statement("申请材料不全，不予授权。");
      await said(A.reject(other, h("x"), rejection), rejection, AuthStatus.Rejected);
    });

    it("C21 a failed pre-review and a deciding expert objection carry their public reason; C34 refuses either without one", async () => {
      const w = await loadFixture(deployWorld);
      const { authority, expert1 } = w.signers;
      const R = w.authorizations;
      // Pre-review: a failure needs its reason, which the rejection then carries.
      const pre = await applyFor(w, { resourceIds: [await createResource(w)] });
      await expectRefused(w, () => R.connect(authority).preReview(pre, false, h("p"), ""), R, "PublicTextRequired");
      const incomplete = statement("申请材料不全，初审不予通过。", "Incomplete application: pre-review not passed.");
      const sent = R.connect(authority).preReview(pre, false, h("p"), incomplete);
      const reviewed = await eventOf(R, sent, "AuthorizationReviewed");
      expect([reviewed.pass, reviewed.statement]).to.deep.equal([false, incomplete]);
      const changed = await eventOf(R, sent, "AuthorizationStatusChanged");
      expect([changed.to, changed.statement]).to.deep.equal([BigInt(AuthStatus.Rejected), incomplete]);
      // A passing pre-review may say nothing.
      const ok = await applyFor(w, { resourceIds: [await createResource(w)] });
      await R.connect(authority).preReview(ok, true, h("p"), "");
      // An expert's objection needs its reason too; with the quorum at one (national) it decides.
      await expectRefused(w, () => R.connect(expert1).expertReview(ok, false, h("e"), ""), R, "PublicTextRequired");
      const objection = statement("数据安全保障能力不足。", "Insufficient data security safeguards.");
      const vote = await eventOf(R, R.connect(expert1).expertReview(ok, false, h("e"), objection), "AuthorizationReviewed");
      expect([vote.pass, vote.statement]).to.deep.equal([false, objection]);
    });

    it("C34 refuses a rejection, suspension, emergency stop, termination, revocation or exit refusal without its statement", async () => {
      const w = await loadFixture(deployWorld);
      const { authority, regulator, operatorA } = w.signers;
      const A = w.authorizations.connect(authority);
      const R = w.authorizations;
      const id = await activeOperator(w);
      await expectRefused(w, () => A.suspend(id, h("s"), ""), R, "PublicTextRequired");
      await expectRefused(w, () => R.connect(regulator).emergencySuspend(id, h("s"), ""), R, "PublicTextRequired");
      await expectRefused(w, () => A.revoke(id, h("s"), ""), R, "PublicTextRequired");
      await w.authorizations.connect(operatorA).requestExit(id, h("exit"));
      await expectRefused(w, () => A.reviewExit(id, false, 0, h("no"), ""), R, "PublicTextRequired");
      await A.suspend(id, h("s"), STATEMENT);
      await expectRefused(w, () => A.terminate(id, h("t"), ""), R, "PublicTextRequired");
      const pending = await applyFor(w, { resourceIds: [await createResource(w)] });
      await expectRefused(w, () => A.reject(pending, h("x"), ""), R, "PublicTextRequired");
      // An over-long statement is refused as well (C34: a summary, never a document).
      await expectRefused(w, () => A.reject(pending, h("x"), "理".repeat(342)), R, "PublicTextTooLong", [1026, STATEMENT_MAX]);
      expect((await w.authorizations.authorization(pending)).status).to.equal(AuthStatus.Applied);
    });
  });

  describe("scenarios, products and agreements", () => {
    it("C21 a scenario carries its name and purpose, its decision and retirement their statements", async () => {
      const { w, r, opAuth } = await loadFixture(deployChain);
      const S = w.scenarios;
      const text = publicText({ name: "企业信用评估", purpose: "为小微企业信贷审批提供信用评估。" });
      const req = scenarioRequest(w, { authorizationId: opAuth, resourceIds: [r[0]], publicText: text });
      const proposed = await eventOf(S, S.connect(w.signers.operatorA).proposeScenario(req), "ScenarioProposed");
      expect(proposed.publicText).to.equal(text);
      const rejection = statement("所需数据超出最小必要范围，不予审定。");
      const decided = await eventOf(S, S.connect(w.signers.authority).rejectScenario(proposed.id, h("no"), rejection), "ScenarioDecided");
      expect([decided.status, decided.statement]).to.deep.equal([BigInt(ScenarioStatus.Rejected), rejection]);
      const approved = await approvedScenario(w, { authorizationId: opAuth, resourceIds: [r[1]] });
      const retirement = statement("场景已停止运营。");
      const retired = await eventOf(S, S.connect(w.signers.operatorA).retireScenario(approved, h("end"), retirement), "ScenarioRetired");
      expect(retired.statement).to.equal(retirement);
    });

    it("C34 refuses a scenario without its text, a rejection or retirement without its statement", async () => {
      const { w, r, opAuth } = await loadFixture(deployChain);
      const S = w.scenarios;
      const count = await S.scenarioCount();
      await expect(
        S.connect(w.signers.operatorA).proposeScenario(scenarioRequest(w, { authorizationId: opAuth, resourceIds: [r[0]], publicText: "" })),
      ).to.be.revertedWithCustomError(S, "PublicTextRequired");
      expect(await S.scenarioCount()).to.equal(count);
      const id = await proposeScenario(w, { authorizationId: opAuth, resourceIds: [r[0]] });
      await expect(S.connect(w.signers.authority).rejectScenario(id, h("no"), "")).to.be.revertedWithCustomError(S, "PublicTextRequired");
      await expect(S.connect(w.signers.operatorA).retireScenario(id, h("end"), "")).to.be.revertedWithCustomError(S, "PublicTextRequired");
      expect((await S.scenario(id)).status).to.equal(ScenarioStatus.Proposed);
    });

    it("C21 a product carries its name, description, service mode and price; its delisting a statement", async () => {
      const { w, r, opAuth } = await loadFixture(deployChain);
      const scenarioId = await approvedScenario(w, { authorizationId: opAuth, resourceIds: [r[0]] });
      const text = publicText({ name: "企业信用指数", description: "按统一社会信用代码查询", serviceMode: "数据接口", price: "每次 0.50 元" });
      const req = productRequest(w, { scenarioId, resourceIds: [r[0]], publicText: text });
      const registered = await eventOf(w.products, w.products.connect(w.signers.operatorA).registerProduct(req), "ProductRegistered");
      expect(registered.request.publicText).to.equal(text);
      await expect(w.products.connect(w.signers.operatorA).delistProduct(registered.id, h("x"), "")).to.be.revertedWithCustomError(
        w.products,
        "PublicTextRequired",
      );
      expect((await w.products.product(registered.id)).status).to.equal(ProductStatus.Registered);
      const reason = statement("产品停止服务。");
      const delisted = await eventOf(w.products, w.products.connect(w.signers.operatorA).delistProduct(registered.id, h("x"), reason), "ProductDelisted");
      expect(delisted.statement).to.equal(reason);
    });

    it("C34 refuses a product whose text is missing or carries a control character", async () => {
      const { w, r, opAuth } = await loadFixture(deployChain);
      const scenarioId = await approvedScenario(w, { authorizationId: opAuth, resourceIds: [r[0]] });
      const count = await w.products.productCount();
      const P = w.products.connect(w.signers.operatorA);
      await expect(P.registerProduct(productRequest(w, { scenarioId, resourceIds: [r[0]], publicText: "" }))).to.be.revertedWithCustomError(
        w.products,
        "PublicTextRequired",
      );
      await expect(P.registerProduct(productRequest(w, { scenarioId, resourceIds: [r[0]], publicText: "{\"name\":\"\u0085\"}" })))
        .to.be.revertedWithCustomError(w.products, "PublicTextInvalid")
        .withArgs(9);
      expect(await w.products.productCount()).to.equal(count);
      await registerProduct(w, { scenarioId, resourceIds: [r[0]] });
      expect(await w.products.productCount()).to.equal(count + 1n);
    });

    it("C21 an agreement carries its title, its termination a statement; C34 refuses either missing", async () => {
      const w = await loadFixture(deployWorld);
      const id = await applyFor(w, { resourceIds: [await createResource(w)] });
      await toNoticeOver(w, id);
      const plan = await planAgreement(w, id);
      const G = w.agreements;
      const proposer = signerOf(w, plan.proposerId);
      const count = await G.agreementCount();
      await expect(G.connect(proposer).propose({ ...proposalOf(plan), publicText: "" })).to.be.revertedWithCustomError(G, "PublicTextRequired");
      expect(await G.agreementCount()).to.equal(count);
      const proposed = await eventOf(G, G.connect(proposer).propose(proposalOf(plan)), "AgreementProposed");
      expect(proposed.request.publicText).to.equal(TITLE_TEXT);
      await expect(G.connect(w.signers.authority).terminate(proposed.agreementId, h("end"), "")).to.be.revertedWithCustomError(G, "PublicTextRequired");
      const reason = statement("协议双方协商一致解除。");
      const ended = await eventOf(G, G.connect(w.signers.authority).terminate(proposed.agreementId, h("end"), reason), "AgreementTerminated");
      expect(ended.statement).to.equal(reason);
      // The authorization goes on under an agreement of its own.
      await activateAuthorization(w, id);
      expect((await w.authorizations.authorization(id)).status).to.equal(AuthStatus.Active);
    });
  });

  describe("registration codes", () => {
    it("C36 issues only codes in the registry's format: [A-Z0-9-], left-aligned, zero-padded", async () => {
      const w = await loadFixture(deployWorld);
      const id = await createResource(w, { register: false });
      const C = w.catalog;
      await C.connect(w.signers.deptA).applyRegistration(id, 1, h("materials"));
      const app = (await C.registrationOf(id)).pendingApplication;
      const A = C.connect(w.signers.authority);
      await A.acceptRegistration(app, h("a"));
      await A.reviewRegistration(app, true, h("r"));
      const end = BigInt((await ethers.provider.getBlock("latest"))!.timestamp) + 8n * 86_400n;
      await A.noticeRegistration(app, end);
      await time.increaseTo(end + 1n);
      const raw = (ascii: string, at = 0) => ethers.zeroPadBytes(ethers.concat([new Uint8Array(at), ethers.toUtf8Bytes(ascii)]), 32);
      for (const bad of [
        ethers.ZeroHash, // empty
        raw("hz-2026-r-0001"), // lower case
        raw("HZ 2026"), // a space
        raw("HZ_2026"), // an underscore
        raw("HZ-2026", 1), // not left-aligned
        ethers.concat([raw("HZ").slice(0, 6), "0x00", ethers.toUtf8Bytes("X"), new Uint8Array(28)]), // a gap in the padding
        h("GM-2026-R-0001"), // a hash
      ]) {
        await expectRefused(w, () => A.issueRegistration(app, bad), C, "RegistrableRegistrationCodeInvalid", [bad]);
      }
      const full = registrationCode("HZ-2026-R-0001-ABCDEFGHIJKLMNOPQ"); // 32 characters, no padding
      await A.issueRegistration(app, full);
      expect((await C.registrationOf(id)).code).to.equal(full);
      expect(ethers.toUtf8String(full)).to.equal("HZ-2026-R-0001-ABCDEFGHIJKLMNOPQ");
    });
  });
});
