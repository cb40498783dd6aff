import { expect } from "chai";
import fc from "fast-check";
import { keccak256, toUtf8Bytes } from "ethers";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployWorld, createResource, applyFor, toNoticeOver } from "../helpers/fixture";
import { fileAgreement, planAgreement } from "../helpers/agreements";
import {
  ODRL_CONTEXT,
  PROVENANT_ODRL_PROFILE,
  buildOdrlAgreement,
  canonicalOdrl,
  agreementScopeDigest,
  odrlResourceIds,
  odrlTerm,
  odrlTermsDigest,
  validateOdrlAgreement,
  type BuildOdrlAgreementArgs,
} from "../../scripts/lib/agreements";

const T0 = 1_767_225_600; // 2026-01-01T00:00:00Z
const args: BuildOdrlAgreementArgs = {
  uid: "urn:provenant:agreement:31337:1:1",
  assignerId: 1n,
  assigneeId: 5n,
  resourceIds: [3n, 4n],
  actions: ["use", "derive"],
  prohibitedActions: ["sell"],
  purpose: "企业信用评估",
  termStart: T0,
  termEnd: T0 + 3 * 365 * 86_400,
};

/** The same JSON with the keys of every object inserted in reverse order. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversedKeys(v)]));
  }
  return value;
}

describe("ODRL 2.2 Agreement terms (scripts/lib/agreements.ts)", () => {
  it("builds an ODRL Agreement: assigner, assignee, one permission per target and action, term and purpose", () => {
    const a = buildOdrlAgreement(args);
    expect(a["@context"]).to.equal(ODRL_CONTEXT);
    expect(a["@type"]).to.equal("Agreement");
    expect(a.profile).to.equal(PROVENANT_ODRL_PROFILE);
    expect(a.assigner).to.equal("urn:provenant:participant:1");
    expect(a.assignee).to.equal("urn:provenant:participant:5");
    expect(a.permission.map((p) => `${p.target} ${p.action}`)).to.deep.equal([
      "urn:provenant:resource:3 use",
      "urn:provenant:resource:3 derive",
      "urn:provenant:resource:4 use",
      "urn:provenant:resource:4 derive",
    ]);
    expect(a.prohibition?.map((p) => p.action)).to.deep.equal(["sell", "sell"]);
    expect(a.permission[0].constraint).to.deep.include({ leftOperand: "purpose", operator: "eq", rightOperand: "企业信用评估" });
    expect(odrlTerm(a)).to.deep.equal({ termStart: T0, termEnd: T0 + 3 * 365 * 86_400 });
  });

  it("targets the authorization when the scope names no resource", () => {
    const a = buildOdrlAgreement({ ...args, resourceIds: [], authorizationId: 9n, prohibitedActions: [] });
    expect(a.permission.map((p) => p.target)).to.deep.equal(["urn:provenant:authorization:9", "urn:provenant:authorization:9"]);
    expect(a).to.not.have.property("prohibition");
  });

  it("hashes the canonical JSON: keccak256 of sorted keys, whatever the key order", () => {
    const a = buildOdrlAgreement(args);
    const text = canonicalOdrl(a);
    expect(text.startsWith('{"@context":"http://www.w3.org/ns/odrl.jsonld","@type":"Agreement","assignee":')).to.equal(true);
    expect(odrlTermsDigest(a)).to.equal(keccak256(toUtf8Bytes(text)));
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 10_000 }), (purpose, days) => {
        const b = buildOdrlAgreement({ ...args, purpose, termEnd: T0 + days * 86_400 });
        expect(odrlTermsDigest(reversedKeys(b))).to.equal(odrlTermsDigest(b));
      }),
      { numRuns: 50 },
    );
  });

  it("distinguishes terms: another purpose, term or target gives another digest", () => {
    const base = odrlTermsDigest(buildOdrlAgreement(args));
    expect(odrlTermsDigest(buildOdrlAgreement({ ...args, purpose: "交通出行服务" }))).to.not.equal(base);
    expect(odrlTermsDigest(buildOdrlAgreement({ ...args, termEnd: args.termEnd as number - 1 }))).to.not.equal(base);
    expect(odrlTermsDigest(buildOdrlAgreement({ ...args, resourceIds: [3n] }))).to.not.equal(base);
  });

  it("refuses what is not this ODRL subset", () => {
    const a = buildOdrlAgreement(args) as unknown as Record<string, unknown>;
    const bad: Array<[string, unknown]> = [
      ["no assigner", { ...a, assigner: undefined }],
      ["not an Agreement", { ...a, "@type": "Offer" }],
      ["another context", { ...a, "@context": "https://example.org/ctx" }],
      ["assigner is assignee", { ...a, assigner: a.assignee }],
      ["not an IRI", { ...a, assignee: "operator A" }],
      ["no permission", { ...a, permission: [] }],
      ["unknown action", { ...a, permission: [{ target: "urn:provenant:resource:1", action: "exploit" }] }],
      ["unknown property", { ...a, price: 10 }],
      ["unknown left operand", { ...a, permission: [{ target: "urn:provenant:resource:1", action: "use",
        constraint: [{ leftOperand: "colour", operator: "eq", rightOperand: "red" }] }] }],
      ["dateTime not ISO", { ...a, permission: [{ target: "urn:provenant:resource:1", action: "use",
        constraint: [{ leftOperand: "dateTime", operator: "lt", rightOperand: { "@value": "tomorrow", "@type": "xsd:dateTime" } }] }] }],
    ];
    for (const [label, value] of bad) {
      expect(() => validateOdrlAgreement(value), label).to.throw();
    }
    expect(() => buildOdrlAgreement({ ...args, termEnd: args.termStart })).to.throw(/ends before it starts/);
    expect(() => buildOdrlAgreement({ ...args, resourceIds: [] })).to.throw();
  });

  it("C05 the digest on chain is the digest of the ODRL terms, and their term and scope are the agreement's", async () => {
    const w = await loadFixture(deployWorld);
    const r = await createResource(w);
    const id = await applyFor(w, { resourceIds: [r] });
    await toNoticeOver(w, id);
    const plan = await planAgreement(w, id);
    const agreementId = await fileAgreement(w, plan);
    const onChain = await w.agreements.agreement(agreementId);
    expect(onChain.termsDigest).to.equal(odrlTermsDigest(plan.terms));
    const term = odrlTerm(validateOdrlAgreement(JSON.parse(canonicalOdrl(plan.terms))));
    expect([BigInt(term.termStart!), BigInt(term.termEnd!)]).to.deep.equal([onChain.termStart, onChain.termEnd]);
    // the resources the terms grant are the scope the agreement records, the authorization's own
    const parsed = validateOdrlAgreement(JSON.parse(canonicalOdrl(plan.terms)));
    expect(odrlResourceIds(parsed)).to.deep.equal([r]);
    expect(agreementScopeDigest(odrlResourceIds(parsed))).to.equal(onChain.scopeDigest);
    expect(onChain.scopeDigest).to.equal(await w.agreements.scopeDigestOf(id));
  });
});
