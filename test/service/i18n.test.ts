/**
 * Labels (issue 12, C21): every code the API and the CLI can emit has a Chinese and an English
 * label. The code lists come from their sources of truth, never from a copy: the enums declared
 * in the contracts, the event names in the compiled ABIs the decoder reads, and the constants
 * the views and queries export (or, where a view keeps its list private, the view's source).
 */
import { expect } from "chai";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { ALERT_KINDS, DEADLINE_STATUSES } from "../../ledger-service/src/api/queries";
import { LABEL_GROUPS, STATUS_GROUP, deadlineLabel, defaultLang, hasLabel, label } from "../../ledger-service/src/i18n";
import { AGREEMENT_KINDS, AGREEMENT_STATUSES } from "../../ledger-service/src/views/agreements";
import { AUTH_STATUSES, GRANT_STATUSES, MODES, STAGES } from "../../ledger-service/src/views/authorizations";
import { CASE_KINDS, CASE_OUTCOMES, EVALUATION_OUTCOMES, REPORT_KINDS, SUBJECT_KINDS } from "../../ledger-service/src/views/oversight";
import { PARTICIPANT_KINDS, PARTICIPANT_STATUSES } from "../../ledger-service/src/views/participants";
import { CHARGING_BASES, PRODUCT_KINDS, PRODUCT_STATUSES } from "../../ledger-service/src/views/products";
import { REGISTRATION_KINDS, REGISTRATION_STEPS } from "../../ledger-service/src/views/registration";
import { RESOURCE_STATUSES } from "../../ledger-service/src/views/resources";
import { SCENARIO_STATUSES } from "../../ledger-service/src/views/scenarios";
import { SUBJECT_KIND_NAMES } from "../../ledger-service/src/views/timeline";
import { CONTRACT_NAMES } from "../../scripts/lib/deploy";
import { UsageKind } from "../../scripts/lib/receipts";

const ROOT = path.resolve(__dirname, "../..");
const src = (rel: string): string => readFileSync(path.join(ROOT, rel), "utf8");

/** Which label group names each Solidity enum (a new enum without a group fails the test). */
const ENUM_GROUP: Record<string, string> = {
  ParticipantKind: "participantKind",
  ParticipantStatus: "participantStatus",
  AuthorizationMode: "mode",
  RegistrationKind: "registrationKind",
  RegistrationStep: "registrationStep",
  ChargingBasis: "chargingBasis",
  AgreementKind: "agreementKind",
  AgreementStatus: "agreementStatus",
  PartyRole: "partyRole",
  AuthorizationStatus: "authorizationStatus",
  GrantStatus: "grantStatus",
  ReviewStage: "stage",
  SubjectKind: "subjectKind", // the API gives it lower case (views/oversight.ts SUBJECT_KINDS)
  CaseKind: "caseKind",
  CaseOutcome: "caseOutcome",
  ShareStatus: "shareStatus",
  ReportKind: "reportKind",
  EvaluationOutcome: "evaluationOutcome",
  ProductKind: "productKind",
  ProductStatus: "productStatus",
  ResourceStatus: "resourceStatus",
  ShareType: "shareType",
  OpenAttribute: "openAttribute",
  ConsentBasis: "consent",
  UpdateFrequency: "updateFrequency",
  ScenarioStatus: "scenarioStatus",
};

/** Every `enum Name { A, B }` declared in the contracts (comments stripped). */
function solidityEnums(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".sol")) {
        const text = readFileSync(full, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
        for (const m of text.matchAll(/\benum\s+(\w+)\s*\{([^}]*)\}/g)) {
          out.set(m[1], m[2].split(",").map((s) => s.trim()).filter(Boolean));
        }
      }
    }
  };
  walk(path.join(ROOT, "contracts"));
  return out;
}

/** The event names of every contract the deploy script deploys, from the artifacts the decoder reads. */
function abiEventNames(): string[] {
  const events = new Set<string>();
  for (const name of ["ProvenantHub", ...CONTRACT_NAMES]) {
    const abi = JSON.parse(src(`artifacts/contracts/${name}.sol/${name}.json`)).abi as { type: string; name?: string }[];
    for (const item of abi) if (item.type === "event" && item.name) events.add(item.name);
  }
  return [...events].sort();
}

const missing = (group: string, codes: readonly (string | number)[]): string[] =>
  codes.map(String).filter((c) => !hasLabel(group, c)).map((c) => `${group}.${c}`);

describe("i18n: every code the API and the CLI emit has a Chinese and an English label", () => {
  it("C21 labels every member of every enum the contracts declare, under the group of the API field", () => {
    const enums = solidityEnums();
    expect(enums.size).to.be.greaterThan(20);
    const unmapped = [...enums.keys()].filter((e) => !(e in ENUM_GROUP));
    expect(unmapped, "enums with no label group").to.deep.equal([]);
    const gaps: string[] = [];
    for (const [name, members] of enums) {
      const group = ENUM_GROUP[name];
      gaps.push(...missing(group, name === "SubjectKind" ? members.map((m) => (m === "None" ? m : m.toLowerCase())) : members));
    }
    expect(gaps).to.deep.equal([]);
  });

  it("C21 labels every enum name the views write, every alert kind, deadline state and record kind", () => {
    const lists: [string, readonly (string | number)[]][] = [
      ["agreementKind", AGREEMENT_KINDS], ["agreementStatus", AGREEMENT_STATUSES],
      ["authorizationStatus", AUTH_STATUSES], ["grantStatus", GRANT_STATUSES], ["mode", MODES], ["stage", STAGES],
      ["caseKind", CASE_KINDS], ["caseOutcome", CASE_OUTCOMES], ["evaluationOutcome", EVALUATION_OUTCOMES],
      ["reportKind", REPORT_KINDS], ["subjectKind", SUBJECT_KINDS], ["subjectKind", SUBJECT_KIND_NAMES],
      ["participantKind", PARTICIPANT_KINDS], ["participantStatus", PARTICIPANT_STATUSES],
      ["productKind", PRODUCT_KINDS], ["productStatus", PRODUCT_STATUSES], ["chargingBasis", CHARGING_BASES],
      ["registrationKind", REGISTRATION_KINDS], ["registrationStep", REGISTRATION_STEPS],
      ["resourceStatus", RESOURCE_STATUSES], ["scenarioStatus", SCENARIO_STATUSES],
      ["alertKind", ALERT_KINDS], ["deadlineStatus", DEADLINE_STATUSES], ["usageKind", Object.keys(UsageKind)],
      ["tier", [1, 2]],
    ];
    const gaps = lists.flatMap(([g, codes]) => missing(g, codes));
    // Lists the views keep private: read from their source.
    const resources = src("ledger-service/src/views/resources.ts");
    for (const [konst, group] of [["SHARE", "shareType"], ["OPEN", "openAttribute"], ["CONSENT", "consent"], ["FREQUENCY", "updateFrequency"]]) {
      const m = new RegExp(`const ${konst} = \\[([^\\]]*)\\]`).exec(resources);
      expect(m, konst).to.not.equal(null);
      gaps.push(...missing(group, [...m![1].matchAll(/"(\w+)"/g)].map((x) => x[1])));
    }
    const deadlineTypes = /type: ("[a-z]+"(?: \| "[a-z]+")*);/.exec(src("ledger-service/src/views/deadlines.ts"));
    gaps.push(...missing("deadlineType", [...deadlineTypes![1].matchAll(/"(\w+)"/g)].map((x) => x[1])));
    const gov = /kind: ("[a-z-]+"(?: \| "[a-z-]+")*);/.exec(src("ledger-service/src/views/governance.ts"));
    gaps.push(...missing("governanceKind", [...gov![1].matchAll(/"([\w-]+)"/g)].map((x) => x[1])));
    // Provenance relations: every relation the graph draws and the PROV export maps.
    const rels = [
      ...src("ledger-service/src/api/queries.ts").matchAll(/edge\([^)]*"(\w+)"\)/g),
      ...src("ledger-service/src/api/prov.ts").matchAll(/case "(\w+)":/g),
    ].map((x) => x[1]);
    expect(rels.length).to.be.greaterThan(5);
    gaps.push(...missing("relation", rels));
    // The alert kind the public-text checks raise (spec part A).
    gaps.push(...missing("alertKind", ["invalid-public-text"]));
    // Every status group a record kind names exists.
    gaps.push(...Object.values(STATUS_GROUP).filter((g) => !LABEL_GROUPS.includes(g)));
    expect(gaps).to.deep.equal([]);
  });

  it("C21 labels every event the decoder can decode (the deployed contracts' ABIs)", () => {
    const events = abiEventNames();
    expect(events.length).to.be.greaterThan(50);
    expect(missing("event", events)).to.deep.equal([]);
  });

  it("C21 labels every deadline the deadlines view opens, with its period or resource", () => {
    const text = src("ledger-service/src/views/deadlines.ts");
    const plain = [...text.matchAll(/clause(?:: "C\d+")?,\s*name: "([\w-]+)"/g)].map((m) => m[1]);
    expect(plain.length).to.be.greaterThan(5);
    expect(missing("deadlineName", plain)).to.deep.equal([]);
    expect(deadlineLabel("disclosure-2026", "zh")).to.equal("年度信息披露 2026");
    expect(deadlineLabel("QuarterlyOperation-20261", "en")).to.equal("Quarterly operation report 20261");
    expect(deadlineLabel("change-0002-approval", "zh")).to.equal("目录变更审核 第2次");
    const steps = [...text.matchAll(/grantKey\(id, res, "(\w+)"\)|const step = tier === 1 \? "(\w+)" : "(\w+)"/g)].flatMap((m) => m.slice(1).filter(Boolean));
    expect([...new Set(steps)].sort()).to.deep.equal(["confirm", "evaluate", "prereview"]);
    expect(missing("grantStep", steps)).to.deep.equal([]);
    expect(deadlineLabel(`grant-${"7".padStart(20, "0")}-evaluate`, "zh")).to.equal("资源授权办理 (资源 7: 主管部门评估)");
    for (const kind of REPORT_KINDS.slice(1)) expect(deadlineLabel(`${kind}-202603`, "zh"), kind).to.not.contain(kind);
  });

  it("C21 gives the regulations' terms and falls back to the code itself", () => {
    expect(label("authorizationStatus", "Noticed", "zh")).to.equal("公示中");
    expect(label("authorizationStatus", "Suspended", "zh")).to.equal("暂停");
    expect(label("authorizationStatus", "Revoked", "zh")).to.equal("撤销");
    expect(label("shareType", "Conditional", "zh")).to.equal("有条件共享");
    expect(label("openAttribute", "Conditional", "zh")).to.equal("有条件开放");
    expect(label("mode", "Domain", "zh")).to.equal("分领域授权");
    expect(label("authorizationStatus", "Noticed", "en")).to.equal("Under public notice");
    expect(label("authorizationStatus", "NoSuchStatus", "zh")).to.equal("NoSuchStatus");
    expect(label("noSuchGroup", "Active", "en")).to.equal("Active");
    expect(label("productStatus", "constructor", "zh")).to.equal("constructor");
    expect(label("tier", 2, "zh")).to.equal("二级授权");
  });

  it("C21 takes the default language from PROVENANT_LANG, then LC_ALL / LANG", () => {
    expect(defaultLang({ PROVENANT_LANG: "zh", LANG: "en_US.UTF-8" })).to.equal("zh");
    expect(defaultLang({ PROVENANT_LANG: "en", LANG: "zh_CN.UTF-8" })).to.equal("en");
    expect(defaultLang({ LANG: "zh_CN.UTF-8" })).to.equal("zh");
    expect(defaultLang({ LC_ALL: "zh_TW.UTF-8", LANG: "en_US.UTF-8" })).to.equal("zh");
    expect(defaultLang({ LC_ALL: "C", LANG: "zh_CN.UTF-8" })).to.equal("en");
    expect(defaultLang({})).to.equal("en");
  });
});
