import { expect } from "chai";
import { ethers } from "hardhat";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployWorld } from "../../helpers/fixture";
import {
  PROFILES_DIR,
  ProfileError,
  chainPolicy,
  listProfiles,
  loadProfile,
  type PolicyProfile,
} from "../../../policy/profile";

const DAY = 86_400;
/** IAgreementRegistry.AgreementKind bits of Policy.tier2AgreementKinds. */
const SERVICE_BIT = 1 << 2; // DevelopmentService
const DEVELOPMENT_BIT = 1 << 4; // DevelopmentAuthorization
const BASE_POLICY = {
  maxTermYears: 3,
  tiers: 2,
  expertQuorum: 3,
  scenarioOpinionQuorum: 1,
  productReviewQuorum: 1,
  tier2AgreementKinds: SERVICE_BIT | DEVELOPMENT_BIT,
  noticeMinSeconds: 5 * DAY,
};
const national = (): PolicyProfile => JSON.parse(readFileSync(path.join(PROFILES_DIR, "national.json"), "utf8"));
const city = (): PolicyProfile => JSON.parse(readFileSync(path.join(PROFILES_DIR, "huizhou.json"), "utf8"));

/** A directory holding the national baseline and `files` (name -> JSON value or raw text). */
function profileDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "provenant-profiles-"));
  writeFileSync(path.join(dir, "national.json"), JSON.stringify(national()));
  for (const [name, body] of Object.entries(files)) {
    writeFileSync(path.join(dir, `${name}.json`), typeof body === "string" ? body : JSON.stringify(body));
  }
  return dir;
}

function expectProfileError(fn: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, "expected a ProfileError").to.be.instanceOf(ProfileError);
  expect((caught as Error).message).to.match(pattern);
}

describe("foundation: policy profiles", () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const dirWith = (files: Record<string, unknown>) => {
    const d = profileDir(files);
    dirs.push(d);
    return d;
  };

  describe("C38 the national ceiling on the chain", () => {
    it("C38 the AuthorizationRegistry constructor refuses maxTermYears 6 and accepts the national 5", async () => {
      const w = await loadFixture(deployWorld);
      const factory = await ethers.getContractFactory("AuthorizationRegistry");
      const hub = await w.hub.getAddress();
      const base = { ...BASE_POLICY };
      const ceiling = national().maxTermYears;
      expect(ceiling).to.equal(5);
      await expect(factory.deploy(hub, { ...base, maxTermYears: ceiling + 1 }))
        .to.be.revertedWithCustomError(factory, "AuthorizationRegistryPolicyExceedsNational")
        .withArgs(ceiling + 1, ceiling);
      await expect(factory.deploy(hub, { ...base, maxTermYears: 255 }))
        .to.be.revertedWithCustomError(factory, "AuthorizationRegistryPolicyExceedsNational")
        .withArgs(255, ceiling);
      const atCeiling = await factory.deploy(hub, { ...base, maxTermYears: ceiling });
      expect((await atCeiling.policy()).maxTermYears).to.equal(ceiling);
    });

    it("C38 the constructor refuses an invalid policy and a zero hub", async () => {
      const w = await loadFixture(deployWorld);
      const factory = await ethers.getContractFactory("AuthorizationRegistry");
      const hub = await w.hub.getAddress();
      const base = { ...BASE_POLICY };
      for (const [field, bad] of [
        ["maxTermYears", { maxTermYears: 0 }],
        ["tiers", { tiers: 0 }],
        ["tiers", { tiers: 3 }],
        ["expertQuorum", { expertQuorum: 0 }],
        ["scenarioOpinionQuorum", { scenarioOpinionQuorum: 0 }],
        ["productReviewQuorum", { productReviewQuorum: 0 }],
        ["tier2AgreementKinds", { tier2AgreementKinds: 0 }],
        ["tier2AgreementKinds", { tier2AgreementKinds: SERVICE_BIT | (1 << 1) }], // OperationAuthorization
        ["tier2AgreementKinds", { tier2AgreementKinds: 1 << 3 }], // ScenarioProduct
        ["tier2AgreementKinds", { tier2AgreementKinds: 1 }], // None
        ["noticeMinSeconds", { noticeMinSeconds: 5 * DAY - 1 }],
      ] as const) {
        await expect(factory.deploy(hub, { ...base, ...bad }))
          .to.be.revertedWithCustomError(factory, "AuthorizationRegistryPolicyInvalid")
          .withArgs(field);
      }
      await expect(factory.deploy(ethers.ZeroAddress, base)).to.be.revertedWithCustomError(factory, "HubConsumerZeroHub");
    });

    it("C38 every shipped profile loads and deploys, and the chain enforces its numbers", async () => {
      const w = await loadFixture(deployWorld);
      const ids = listProfiles();
      expect(ids).to.include.members(["guangming", "huizhou", "national", "yangzhou", "zhaoqing"]);
      const factory = await ethers.getContractFactory("AuthorizationRegistry");
      for (const id of ids) {
        const profile = loadProfile(id);
        expect(profile.id).to.equal(id);
        expect(profile.maxTermYears).to.be.at.most(national().maxTermYears);
        const registry = await factory.deploy(await w.hub.getAddress(), chainPolicy(profile));
        const p = await registry.policy();
        expect([p.maxTermYears, p.tiers, p.expertQuorum, p.noticeMinSeconds]).to.deep.equal(
          [profile.maxTermYears, profile.tiers, profile.expertQuorum, profile.noticeWorkingDays * DAY].map(BigInt),
        );
        expect([p.scenarioOpinionQuorum, p.productReviewQuorum]).to.deep.equal(
          [profile.scenarioOpinionQuorum, profile.productReviewQuorum].map(BigInt),
        );
      }
      expect(loadProfile("yangzhou").maxTermYears).to.equal(2);
      expect(loadProfile("huizhou").maxTermYears).to.equal(3);
    });
  });

  describe("C04 the notice floor on the chain", () => {
    it("C04 the AuthorizationRegistry constructor refuses a notice minimum under 5 days (MIN_NOTICE_FLOOR) and accepts exactly 5 days", async () => {
      const w = await loadFixture(deployWorld);
      const factory = await ethers.getContractFactory("AuthorizationRegistry");
      const hub = await w.hub.getAddress();
      const base = { ...chainPolicy(loadProfile("huizhou")), noticeMinSeconds: 5 * DAY };
      expect(await w.authorizations.MIN_NOTICE_FLOOR()).to.equal(5 * DAY);
      for (const short of [0, DAY, 5 * DAY - 1]) {
        await expect(factory.deploy(hub, { ...base, noticeMinSeconds: short }))
          .to.be.revertedWithCustomError(factory, "AuthorizationRegistryPolicyInvalid")
          .withArgs("noticeMinSeconds");
      }
      const atFloor = await factory.deploy(hub, base);
      expect((await atFloor.policy()).noticeMinSeconds).to.equal(5 * DAY);
      // Every shipped profile keeps at least the floor.
      for (const id of listProfiles()) expect(chainPolicy(loadProfile(id)).noticeMinSeconds).to.be.at.least(5 * DAY);
    });
  });

  describe("C03 C13 C15 C18 the decision rules a profile sets", () => {
    it("C15 each profile names the agreement that activates a developer, and the chain gets its kind bits", async () => {
      const w = await loadFixture(deployWorld);
      const factory = await ethers.getContractFactory("AuthorizationRegistry");
      const expected: Record<string, number> = {
        national: SERVICE_BIT | DEVELOPMENT_BIT, // the loosest: either agreement
        huizhou: SERVICE_BIT | DEVELOPMENT_BIT, // 000 names no development agreement
        guangming: SERVICE_BIT, // 001 第十九条: four-party 开发利用服务协议
        zhaoqing: SERVICE_BIT, // 002 第十九条: 共同签订开发利用服务协议
        yangzhou: DEVELOPMENT_BIT, // 004 第八条, 第十一条(四): 授权开发协议
      };
      for (const [id, bits] of Object.entries(expected)) {
        expect(chainPolicy(loadProfile(id)).tier2AgreementKinds, id).to.equal(bits);
        const registry = await factory.deploy(await w.hub.getAddress(), chainPolicy(loadProfile(id)));
        expect((await registry.policy()).tier2AgreementKinds, id).to.equal(BigInt(bits));
      }
    });

    it("C13 C18 the scenario and product review quorums: national 1, Huizhou and Yangzhou's expert groups 3 for scenarios", () => {
      const got = Object.fromEntries(listProfiles().map((id) => {
        const p = loadProfile(id);
        return [id, [p.expertQuorum, p.scenarioOpinionQuorum, p.productReviewQuorum]];
      }));
      expect(got).to.deep.equal({
        guangming: [3, 1, 1],
        huizhou: [3, 3, 1],
        national: [1, 1, 1],
        yangzhou: [3, 3, 1],
        zhaoqing: [3, 1, 1],
      });
    });

    it("C38 refuses a city profile with a lower scenario or product quorum, or a development agreement the baseline does not accept", () => {
      const strictBase = dirWith({ city: { ...city(), id: "city", scenarioOpinionQuorum: 1, productReviewQuorum: 1, tier2Agreements: ["DevelopmentAuthorization"] } });
      writeFileSync(
        path.join(strictBase, "national.json"),
        JSON.stringify({ ...national(), scenarioOpinionQuorum: 2, productReviewQuorum: 2, tier2Agreements: ["DevelopmentService"] }),
      );
      expectProfileError(
        () => loadProfile("city", strictBase),
        /scenarioOpinionQuorum 1 is below the national 2; productReviewQuorum 1 is below the national 2; tier2Agreements accepts DevelopmentAuthorization, which the national baseline does not/,
      );
      // Against the shipped baseline (either agreement), a city naming one of them is stricter: accepted.
      const ok = dirWith({ one: { ...city(), id: "one", tier2Agreements: ["DevelopmentAuthorization"] } });
      expect(loadProfile("one", ok).tier2Agreements).to.deep.equal(["DevelopmentAuthorization"]);
    });

    it("C15 refuses an empty, duplicated or unknown tier2Agreements list, and zero quorums", () => {
      const dir = dirWith({
        empty: { ...city(), id: "empty", tier2Agreements: [] },
        dup: { ...city(), id: "dup", tier2Agreements: ["DevelopmentService", "DevelopmentService"] },
        unknown: { ...city(), id: "unknown", tier2Agreements: ["OperationAuthorization"] },
        zeroscenario: { ...city(), id: "zeroscenario", scenarioOpinionQuorum: 0 },
        zeroproduct: { ...city(), id: "zeroproduct", productReviewQuorum: 0 },
      });
      expectProfileError(() => loadProfile("empty", dir), /policy profile empty is invalid: tier2Agreements/);
      expectProfileError(() => loadProfile("dup", dir), /policy profile dup is invalid: tier2Agreements: no duplicates/);
      expectProfileError(() => loadProfile("unknown", dir), /policy profile unknown is invalid: tier2Agreements.0/);
      expectProfileError(() => loadProfile("zeroscenario", dir), /invalid: scenarioOpinionQuorum/);
      expectProfileError(() => loadProfile("zeroproduct", dir), /invalid: productReviewQuorum/);
    });
  });

  describe("C38 the loader", () => {
    it("C38 refuses a city profile looser than the national baseline, naming each looser rule", async () => {
      const looser: [Partial<PolicyProfile> & Record<string, unknown>, RegExp][] = [
        [{ noticeWorkingDays: 3 }, /looser than the national baseline: noticeWorkingDays 3 is below the national 5/],
        [{ logRetentionYears: 2 }, /logRetentionYears 2 is below the national 3/],
        [{ annualDisclosureDue: "04-30" }, /annualDisclosureDue 04-30 is later than the national 03-31/],
        [{ registrationNoticeWorkingDays: 4 }, /registrationNoticeWorkingDays is below the national 5/],
        [{ deadlines: { ...city().deadlines, sourceConfirmationWorkingDays: 10 } }, /deadlines.sourceConfirmationWorkingDays 10 exceeds the national 5/],
        [{ reporting: { ...city().reporting, annualReport: false } }, /annualReport is required nationally/],
      ];
      for (const [change, pattern] of looser) {
        const dir = dirWith({ loose: { ...city(), id: "loose", ...change } });
        expectProfileError(() => loadProfile("loose", dir), pattern);
      }
      // two problems at once: both named
      const dir = dirWith({ loose: { ...city(), id: "loose", noticeWorkingDays: 3, logRetentionYears: 1 } });
      expectProfileError(() => loadProfile("loose", dir), /noticeWorkingDays 3 .*; logRetentionYears 1/);
    });

    it("C38 refuses a term above the national 5 years, or above whatever the baseline file says", async () => {
      const dir = dirWith({ six: { ...city(), id: "six", maxTermYears: 6 } });
      expectProfileError(() => loadProfile("six", dir), /policy profile six is invalid: maxTermYears/);
      // a baseline edited to 4 years makes a 5-year city looser
      const strict = dirWith({ five: { ...city(), id: "five", maxTermYears: 5 } });
      writeFileSync(path.join(strict, "national.json"), JSON.stringify({ ...national(), maxTermYears: 4 }));
      expectProfileError(() => loadProfile("five", strict), /maxTermYears 5 exceeds the national 4/);
      // the same numbers as the baseline are accepted
      const same = dirWith({ equal: { ...national(), id: "equal" } });
      expect(loadProfile("equal", same).maxTermYears).to.equal(5);
    });

    it("C38 an unknown profile id, invalid JSON, a schema violation or a mismatched id give a ProfileError naming the problem", () => {
      expectProfileError(() => loadProfile("nowhere"), /unknown policy profile "nowhere"; known profiles: .*huizhou/);
      const dir = dirWith({ broken: "{ \"id\": \"broken\", ", wrongid: { ...city(), id: "other" }, extra: { ...city(), id: "extra", surprise: 1 }, missing: { ...city(), id: "missing", tiers: undefined } });
      expectProfileError(() => loadProfile("broken", dir), /policy profile .*broken\.json is not valid JSON/);
      expectProfileError(() => loadProfile("wrongid", dir), /wrongid\.json declares id "other"/);
      expectProfileError(() => loadProfile("extra", dir), /policy profile extra is invalid: .*surprise/);
      expectProfileError(() => loadProfile("missing", dir), /policy profile missing is invalid: tiers/);
      expectProfileError(() => loadProfile("nothing", dir), /unknown policy profile "nothing"/);
    });
  });
});
