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
      const base = { maxTermYears: 3, tiers: 2, expertQuorum: 3, noticeMinSeconds: 5 * DAY };
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
      const base = { maxTermYears: 3, tiers: 2, expertQuorum: 3, noticeMinSeconds: 5 * DAY };
      for (const [field, bad] of [
        ["maxTermYears", { maxTermYears: 0 }],
        ["tiers", { tiers: 0 }],
        ["tiers", { tiers: 3 }],
        ["expertQuorum", { expertQuorum: 0 }],
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
      const base = { maxTermYears: 3, tiers: 2, expertQuorum: 3, noticeMinSeconds: 5 * DAY };
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
