import { expect } from "chai";
import { ethers, artifacts } from "hardhat";
import fc from "fast-check";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { deployWorld, h, Kind, ROLE, DAY, nextCreditCode, type World } from "../../helpers/fixture";
import { expectRefused } from "../../helpers/state";
import { creditCodeCheck, isResidentIdNumber, isValidCreditCode, makeCreditCode } from "../../../scripts/lib/creditCode";

/** ParticipantStatus. */
const PStatus = { None: 0, Active: 1, Suspended: 2, Exited: 3 } as const;
const PARTICIPANT_REGISTRAR = ethers.id("PARTICIPANT_REGISTRAR");
const ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";

async function registerOne(w: World, kind: number, signer: string, code = nextCreditCode()): Promise<bigint> {
  await w.participants.connect(w.signers.authority).register(kind, "测试运营有限公司", code, h("profile"), [signer]);
  return w.participants.participantCount();
}

describe("foundation: ParticipantRegistry and ProvenantHub", () => {
  describe("C08 qualifications", () => {
    it("C08 records a qualification attestation with its document hash and validity", async () => {
      const w = await loadFixture(deployWorld);
      const { authority } = w.signers;
      const until = (await time.latest()) + 365 * DAY;
      await expect(
        w.participants.connect(authority).attestQualification(w.ids.operatorA, h("DSMM-3"), h("cert.pdf"), until),
      )
        .to.emit(w.participants, "QualificationAttested")
        .withArgs(w.ids.operatorA, 0, h("DSMM-3"), h("cert.pdf"), until, authority.address);
      const q = await w.participants.qualification(w.ids.operatorA, 0);
      expect(q.documentHash).to.equal(h("cert.pdf"));
      expect(q.validUntil).to.equal(until);
      expect(await w.participants.qualificationCount(w.ids.operatorA)).to.equal(1);
      const now = await time.latest();
      expect(await w.participants.hasQualification(w.ids.operatorA, h("DSMM-3"), now)).to.equal(true);
      expect(await w.participants.hasQualification(w.ids.operatorA, h("DSMM-3"), until)).to.equal(false);
      expect(await w.participants.hasQualification(w.ids.operatorA, h("ISO27001"), now)).to.equal(false);
      expect(await w.participants.hasQualification(w.ids.operatorB, h("DSMM-3"), now)).to.equal(false);
    });

    it("C08 a revoked qualification no longer counts", async () => {
      const w = await loadFixture(deployWorld);
      const { authority } = w.signers;
      await w.participants.connect(authority).attestQualification(w.ids.operatorA, h("ISO27001"), h("iso.pdf"), 0);
      await expect(w.participants.connect(authority).revokeQualification(w.ids.operatorA, 0, h("lapsed")))
        .to.emit(w.participants, "QualificationRevoked")
        .withArgs(w.ids.operatorA, 0, h("lapsed"), authority.address);
      expect((await w.participants.qualification(w.ids.operatorA, 0)).revoked).to.equal(true);
      expect(await w.participants.hasQualification(w.ids.operatorA, h("ISO27001"), await time.latest())).to.equal(false);
    });

    it("C08 refuses attestations by non-authorities, for unknown or exited participants, with zero hashes or past validity", async () => {
      const w = await loadFixture(deployWorld);
      const { authority, outsider, operatorA } = w.signers;
      const P = w.participants;
      await expectRefused(w, () => P.connect(outsider).attestQualification(w.ids.operatorA, h("k"), h("d"), 0), P, "HubConsumerUnauthorized", [outsider.address, ROLE.DATA_AUTHORITY]);
      await expectRefused(w, () => P.connect(operatorA).attestQualification(w.ids.operatorA, h("k"), h("d"), 0), P, "HubConsumerUnauthorized", [operatorA.address, ROLE.DATA_AUTHORITY]);
      await expectRefused(w, () => P.connect(authority).attestQualification(99, h("k"), h("d"), 0), P, "ParticipantRegistryUnknownParticipant", [99]);
      await expectRefused(w, () => P.connect(authority).attestQualification(w.ids.operatorA, ethers.ZeroHash, h("d"), 0), P, "ParticipantRegistryZeroHash");
      await expectRefused(w, () => P.connect(authority).attestQualification(w.ids.operatorA, h("k"), ethers.ZeroHash, 0), P, "ParticipantRegistryZeroHash");
      const past = (await time.latest()) - 1;
      await expectRefused(w, () => P.connect(authority).attestQualification(w.ids.operatorA, h("k"), h("d"), past), P, "ParticipantRegistryQualificationExpired", [past]);
      await P.connect(authority).exit(w.ids.operatorB, h("exit"));
      await expectRefused(w, () => P.connect(authority).attestQualification(w.ids.operatorB, h("k"), h("d"), 0), P, "ParticipantRegistryInvalidStatus", [w.ids.operatorB, PStatus.Exited]);
    });

    it("C08 refuses to revoke an unknown, out-of-range or already revoked qualification", async () => {
      const w = await loadFixture(deployWorld);
      const { authority, outsider } = w.signers;
      const P = w.participants;
      await P.connect(authority).attestQualification(w.ids.operatorA, h("k"), h("d"), 0);
      await expectRefused(w, () => P.connect(outsider).revokeQualification(w.ids.operatorA, 0, h("r")), P, "HubConsumerUnauthorized", [outsider.address, ROLE.DATA_AUTHORITY]);
      await expectRefused(w, () => P.connect(authority).revokeQualification(99, 0, h("r")), P, "ParticipantRegistryUnknownParticipant", [99]);
      await expectRefused(w, () => P.connect(authority).revokeQualification(w.ids.operatorA, 1, h("r")), P, "ParticipantRegistryUnknownQualification", [w.ids.operatorA, 1]);
      await P.connect(authority).revokeQualification(w.ids.operatorA, 0, h("r"));
      await expectRefused(w, () => P.connect(authority).revokeQualification(w.ids.operatorA, 0, h("r")), P, "ParticipantRegistryUnknownQualification", [w.ids.operatorA, 0]);
      await expect(P.qualification(w.ids.operatorA, 5)).to.be.revertedWithCustomError(P, "ParticipantRegistryUnknownQualification").withArgs(w.ids.operatorA, 5);
    });

    it("C08 an organization is admitted once: a second registration under its credit code is refused, naming the participant that holds it, even after it exited", async () => {
      const w = await loadFixture(deployWorld);
      const { authority, outsider, expert4 } = w.signers;
      const P = w.participants;
      const code = nextCreditCode();
      const id = await registerOne(w, Kind.Developer, outsider.address, code);
      expect((await P.participant(id)).creditCode).to.equal(code);
      // Another kind, name and key: still the same organization, so its admission and
      // qualifications stay on one record.
      await expectRefused(w, () => P.connect(authority).register(Kind.Operator, "另一名称有限公司", code, h("p2"), [expert4.address]), P,
        "ParticipantRegistryDuplicateCreditCode", [code, id]);
      await P.connect(authority).exit(id, h("exit"));
      await expectRefused(w, () => P.connect(authority).register(Kind.Developer, "测试运营有限公司", code, h("p3"), [expert4.address]), P,
        "ParticipantRegistryDuplicateCreditCode", [code, id]);
      expect(await P.participantCount()).to.equal(id);
      expect(await P.participantOf(expert4.address)).to.equal(0n);
    });
  });

  describe("C34 organizations only, no personal data", () => {
    it("C34 refuses a personal ID number in place of a credit code, saying so without repeating it", async () => {
      const w = await loadFixture(deployWorld);
      const P = w.participants.connect(w.signers.authority);
      // The last passes the credit-code check by chance (about 3% of ID numbers do).
      for (const personal of ["11010519491231002X", "440301199001011234", "441202197408183196"]) {
        expect(isResidentIdNumber(personal), personal).to.equal(true);
        expect(isValidCreditCode(personal)).to.equal(false);
        expect(await w.participants.isValidCreditCode(personal)).to.equal(false);
        expect(await w.participants.isResidentIdNumber(personal)).to.equal(true);
        await expectRefused(w, () => P.register(Kind.Developer, "个人", personal, h("p"), [w.signers.outsider.address]), w.participants, "ParticipantRegistryPersonalIdNumber", []);
      }
      expect(creditCodeCheck("44120219740818319")).to.equal("6"); // it would pass the GB 32100 check alone
    });

    it("C34 every well-formed resident ID number is refused, on chain and off, and organization codes still pass (property)", async () => {
      const w = await loadFixture(deployWorld);
      const residentId = fc
        .record({
          region: fc.integer({ min: 110000, max: 659999 }),
          birth: fc.date({ min: new Date("1900-01-01T00:00:00Z"), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true }),
          serial: fc.integer({ min: 0, max: 999 }),
        })
        .map(({ region, birth, serial }) => {
          const ymd = birth.toISOString().slice(0, 10).replaceAll("-", "");
          const first17 = `${region}${ymd}${String(serial).padStart(3, "0")}`;
          let sum = 0;
          for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (2 ** (17 - i) % 11);
          const check = (12 - (sum % 11)) % 11;
          return first17 + (check === 10 ? "X" : String(check));
        });
      fc.assert(fc.property(residentId, (id) => isResidentIdNumber(id) && !isValidCreditCode(id)), { numRuns: 20_000 });
      await fc.assert(
        fc.asyncProperty(residentId, async (id) => {
          expect(await w.participants.isResidentIdNumber(id), id).to.equal(true);
          expect(await w.participants.isValidCreditCode(id), id).to.equal(false);
        }),
        { numRuns: 150 },
      );
      // Organization codes in the real format: chain and script agree, and none is taken for a person.
      const orgCode = fc.record({ serial: fc.integer({ min: 1, max: 2 ** 40 }), category: fc.constantFrom("1" as const, "9" as const) }).map(({ serial, category }) => makeCreditCode(serial, category));
      await fc.assert(
        fc.asyncProperty(orgCode, async (code) => {
          expect(isValidCreditCode(code), code).to.equal(true);
          expect(await w.participants.isValidCreditCode(code), code).to.equal(true);
        }),
        { numRuns: 100 },
      );
      // One wrong check digit or an impossible date is no ID number.
      expect(isResidentIdNumber("110105194912310021")).to.equal(false);
      expect(isResidentIdNumber("110105194902300020")).to.equal(false); // 30 February
      expect(await w.participants.isResidentIdNumber("110105194902300020")).to.equal(false);
    });

    it("C34 refuses malformed codes: wrong length, characters outside GB 32100, wrong check character", async () => {
      const w = await loadFixture(deployWorld);
      const good = makeCreditCode(4242);
      const wrongCheck = good.slice(0, 17) + ALPHABET[(ALPHABET.indexOf(good[17]) + 1) % 31];
      for (const bad of ["", good.slice(0, 17), good + "0", good.slice(0, 16) + "I" + good[17], good.toLowerCase(), wrongCheck]) {
        expect(await w.participants.isValidCreditCode(bad)).to.equal(false, bad);
        await expectRefused(w, () => w.participants.connect(w.signers.authority).register(Kind.Operator, "某公司", bad, h("p"), [w.signers.outsider.address]), w.participants, "ParticipantRegistryInvalidCreditCode", [bad]);
      }
    });

    it("C34 accepts the codes of scripts/lib/creditCode.ts and stores only organization fields", async () => {
      const w = await loadFixture(deployWorld);
      const code = makeCreditCode(777, "1");
      expect(await w.participants.isValidCreditCode(code)).to.equal(true);
      const id = await registerOne(w, Kind.Operator, w.signers.outsider.address, code);
      const p = await w.participants.participant(id);
      expect(p.creditCode).to.equal(code);
      expect(p.kind).to.equal(Kind.Operator);
      expect(await w.participants.isValidCreditCode("91350100M000100Y43")).to.equal(true); // a real-world company code
    });

    it("C34 the chain and scripts/lib/creditCode.ts agree on every code (property)", async () => {
      const w = await loadFixture(deployWorld);
      const char = fc.constantFrom(...ALPHABET.split(""));
      await fc.assert(
        fc.asyncProperty(fc.array(char, { minLength: 17, maxLength: 17 }), char, async (body, last) => {
          const first17 = body.join("");
          const right = first17 + creditCodeCheck(first17);
          expect(await w.participants.isValidCreditCode(right)).to.equal(true);
          const any = first17 + last;
          expect(await w.participants.isValidCreditCode(any)).to.equal(isValidCreditCode(any));
        }),
        { numRuns: 60 },
      );
    });

    it("C34 no function, event, error or struct of the foundation contracts has a string field for people", async () => {
      const strings = new Set<string>();
      const names = new Set<string>();
      type Param = { name: string; type: string; components?: Param[] };
      const walk = (params: Param[] | undefined) => {
        for (const p of params ?? []) {
          names.add(p.name);
          if (p.type.startsWith("string")) strings.add(p.name);
          walk(p.components);
        }
      };
      for (const c of ["ProvenantHub", "ParticipantRegistry", "ResourceCatalog", "AuthorizationRegistry"]) {
        const { abi } = await artifacts.readArtifact(c);
        for (const item of abi as { inputs?: Param[]; outputs?: Param[] }[]) {
          walk(item.inputs);
          walk(item.outputs);
        }
      }
      // name, creditCode (code: the same, given to the check): the organization's; field and
      // reason: explanations in errors; publicText and statement: the public texts of records and
      // decisions (C21), checked by PublicText and kept in event data only.
      expect([...strings].sort()).to.deep.equal(["code", "creditCode", "field", "name", "publicText", "reason", "statement"]);
      const personal = /person|people|individual|citizen|idcard|idnumber|passport|phone|mobile|email|birth|gender/i;
      expect([...names].filter((n) => personal.test(n))).to.deep.equal([]);
      // The only string inputs that are not error reasons: register()'s organization fields, the
      // two pure checks of a code (nothing stored) and the public profile (event data only).
      const { abi } = await artifacts.readArtifact("ParticipantRegistry");
      const withStrings = (abi as { type: string; name: string; inputs: Param[] }[])
        .filter((i) => i.type === "function" && i.inputs.some((p) => p.type === "string"))
        .map((i) => i.name)
        .sort();
      expect(withStrings).to.deep.equal(["isResidentIdNumber", "isValidCreditCode", "publishProfile", "register"]);
    });
  });

  describe("registration and signer keys", () => {
    it("C34 registers an organization and mirrors its signer keys into the hub role of its kind", async () => {
      const w = await loadFixture(deployWorld);
      const { authority, outsider } = w.signers;
      const code = nextCreditCode();
      await expect(w.participants.connect(authority).register(Kind.Developer, "新开发有限公司", code, h("p"), [outsider.address]))
        .to.emit(w.participants, "ParticipantRegistered");
      const id = await w.participants.participantCount();
      expect(await w.participants.participantOf(outsider.address)).to.equal(id);
      expect(await w.hub.hasRole(ROLE.DEVELOPER, outsider.address)).to.equal(true);
      expect(await w.participants.statusOf(id)).to.equal(PStatus.Active);
      expect(await w.participants.isActiveSigner(id, outsider.address)).to.equal(true);
      await w.participants.requireActiveSigner(id, Kind.Developer, outsider.address);
    });

    it("refuses register() with bad input and changes nothing", async () => {
      const w = await loadFixture(deployWorld);
      const { authority, outsider, operatorA } = w.signers;
      const P = w.participants;
      const A = P.connect(authority);
      const code = nextCreditCode();
      const keys = [outsider.address];
      await expectRefused(w, () => P.connect(outsider).register(Kind.Operator, "x", code, h("p"), keys), P, "HubConsumerUnauthorized", [outsider.address, ROLE.DATA_AUTHORITY]);
      await expectRefused(w, () => A.register(Kind.None, "x", code, h("p"), keys), P, "ParticipantRegistryInvalidKind", [Kind.None]);
      await expectRefused(w, () => A.register(Kind.Operator, "", code, h("p"), keys), P, "ParticipantRegistryInvalidName", [0]);
      await expectRefused(w, () => A.register(Kind.Operator, "a".repeat(201), code, h("p"), keys), P, "ParticipantRegistryInvalidName", [201]);
      const taken = (await P.participant(w.ids.operatorA)).creditCode;
      await expectRefused(w, () => A.register(Kind.Operator, "x", taken, h("p"), keys), P, "ParticipantRegistryDuplicateCreditCode", [taken, w.ids.operatorA]);
      await expectRefused(w, () => A.register(Kind.Operator, "x", code, h("p"), []), P, "ParticipantRegistryZeroSigner");
      await expectRefused(w, () => A.register(Kind.Operator, "x", code, h("p"), [ethers.ZeroAddress]), P, "ParticipantRegistryZeroSigner");
      const many = Array.from({ length: 17 }, () => ethers.Wallet.createRandom().address);
      await expectRefused(w, () => A.register(Kind.Operator, "x", code, h("p"), many), P, "ParticipantRegistryTooManySigners", [0, 16]);
      await expectRefused(w, () => A.register(Kind.Operator, "x", code, h("p"), [operatorA.address]), P, "ParticipantRegistrySignerTaken", [operatorA.address, w.ids.operatorA]);
      await expectRefused(w, () => A.register(Kind.Operator, "x", code, h("p"), [outsider.address, outsider.address]), P, "ParticipantRegistrySignerTaken", [outsider.address, (await P.participantCount()) + 1n]);
      // a name of exactly 200 bytes is accepted
      await A.register(Kind.Operator, "a".repeat(200), code, h("p"), keys);
    });

    it("adds and removes signer keys, keeping the hub role in step", async () => {
      const w = await loadFixture(deployWorld);
      const { authority, outsider, operatorA } = w.signers;
      await expect(w.participants.connect(authority).addSigner(w.ids.operatorA, outsider.address))
        .to.emit(w.participants, "SignerAdded")
        .withArgs(w.ids.operatorA, outsider.address, authority.address);
      expect(await w.hub.hasRole(ROLE.OPERATOR, outsider.address)).to.equal(true);
      expect(await w.participants.signers(w.ids.operatorA)).to.deep.equal([operatorA.address, outsider.address]);
      await w.participants.connect(authority).removeSigner(w.ids.operatorA, operatorA.address);
      expect(await w.hub.hasRole(ROLE.OPERATOR, operatorA.address)).to.equal(false);
      expect(await w.participants.participantOf(operatorA.address)).to.equal(0);
      expect(await w.participants.signers(w.ids.operatorA)).to.deep.equal([outsider.address]);
    });

    it("refuses addSigner() and removeSigner() with bad input and changes nothing", async () => {
      const w = await loadFixture(deployWorld);
      const { authority, outsider, operatorA, operatorB } = w.signers;
      const P = w.participants;
      const A = P.connect(authority);
      await expectRefused(w, () => P.connect(operatorA).addSigner(w.ids.operatorA, outsider.address), P, "HubConsumerUnauthorized", [operatorA.address, ROLE.DATA_AUTHORITY]);
      await expectRefused(w, () => A.addSigner(99, outsider.address), P, "ParticipantRegistryUnknownParticipant", [99]);
      await expectRefused(w, () => A.addSigner(w.ids.operatorA, ethers.ZeroAddress), P, "ParticipantRegistryZeroSigner");
      await expectRefused(w, () => A.addSigner(w.ids.operatorA, operatorB.address), P, "ParticipantRegistrySignerTaken", [operatorB.address, w.ids.operatorB]);
      await expectRefused(w, () => A.addSigner(w.ids.operatorA, operatorA.address), P, "ParticipantRegistrySignerTaken", [operatorA.address, w.ids.operatorA]);
      for (let i = 0; i < 15; i++) await A.addSigner(w.ids.operatorA, ethers.Wallet.createRandom().address);
      await expectRefused(w, () => A.addSigner(w.ids.operatorA, outsider.address), P, "ParticipantRegistryTooManySigners", [w.ids.operatorA, 16]);

      await expectRefused(w, () => P.connect(outsider).removeSigner(w.ids.operatorB, operatorB.address), P, "HubConsumerUnauthorized", [outsider.address, ROLE.DATA_AUTHORITY]);
      await expectRefused(w, () => A.removeSigner(99, operatorB.address), P, "ParticipantRegistryUnknownParticipant", [99]);
      await expectRefused(w, () => A.removeSigner(w.ids.operatorB, operatorA.address), P, "ParticipantRegistryNotSigner", [w.ids.operatorB, operatorA.address]);
      await expectRefused(w, () => A.removeSigner(w.ids.operatorB, ethers.ZeroAddress), P, "ParticipantRegistryNotSigner", [w.ids.operatorB, ethers.ZeroAddress]);
      await expectRefused(w, () => A.removeSigner(w.ids.operatorB, operatorB.address), P, "ParticipantRegistryLastSigner", [w.ids.operatorB]);
      await A.exit(w.ids.operatorB, h("exit"));
      await expectRefused(w, () => A.addSigner(w.ids.operatorB, outsider.address), P, "ParticipantRegistryInvalidStatus", [w.ids.operatorB, PStatus.Exited]);
    });
  });

  describe("participant status", () => {
    it("suspends, reinstates and exits a participant, withdrawing and restoring its hub role", async () => {
      const w = await loadFixture(deployWorld);
      const { authority, operatorA } = w.signers;
      const A = w.participants.connect(authority);
      await expect(A.suspend(w.ids.operatorA, h("violation")))
        .to.emit(w.participants, "ParticipantStatusChanged")
        .withArgs(w.ids.operatorA, PStatus.Active, PStatus.Suspended, h("violation"), authority.address);
      expect(await w.hub.hasRole(ROLE.OPERATOR, operatorA.address)).to.equal(false);
      expect(await w.participants.isActiveSigner(w.ids.operatorA, operatorA.address)).to.equal(false);
      await expect(w.participants.requireActiveSigner(w.ids.operatorA, Kind.Operator, operatorA.address))
        .to.be.revertedWithCustomError(w.participants, "ParticipantRegistryInvalidStatus")
        .withArgs(w.ids.operatorA, PStatus.Suspended);
      await A.reinstate(w.ids.operatorA, h("rectified"));
      expect(await w.hub.hasRole(ROLE.OPERATOR, operatorA.address)).to.equal(true);
      await A.exit(w.ids.operatorA, h("exit"));
      expect(await w.participants.statusOf(w.ids.operatorA)).to.equal(PStatus.Exited);
      expect(await w.hub.hasRole(ROLE.OPERATOR, operatorA.address)).to.equal(false);
    });

    it("refuses suspend(), reinstate() and exit() out of order or by others, and changes nothing", async () => {
      const w = await loadFixture(deployWorld);
      const { authority, outsider, regulator } = w.signers;
      const P = w.participants;
      const A = P.connect(authority);
      const id = w.ids.operatorA;
      await expectRefused(w, () => P.connect(regulator).suspend(id, h("r")), P, "HubConsumerUnauthorized", [regulator.address, ROLE.DATA_AUTHORITY]);
      await expectRefused(w, () => P.connect(outsider).reinstate(id, h("r")), P, "HubConsumerUnauthorized", [outsider.address, ROLE.DATA_AUTHORITY]);
      await expectRefused(w, () => P.connect(outsider).exit(id, h("r")), P, "HubConsumerUnauthorized", [outsider.address, ROLE.DATA_AUTHORITY]);
      await expectRefused(w, () => A.suspend(99, h("r")), P, "ParticipantRegistryUnknownParticipant", [99]);
      await expectRefused(w, () => A.reinstate(99, h("r")), P, "ParticipantRegistryUnknownParticipant", [99]);
      await expectRefused(w, () => A.exit(99, h("r")), P, "ParticipantRegistryUnknownParticipant", [99]);
      await expectRefused(w, () => A.reinstate(id, h("r")), P, "ParticipantRegistryInvalidStatus", [id, PStatus.Active]);
      await A.suspend(id, h("r"));
      await expectRefused(w, () => A.suspend(id, h("r")), P, "ParticipantRegistryInvalidStatus", [id, PStatus.Suspended]);
      await A.exit(id, h("r"));
      await expectRefused(w, () => A.exit(id, h("r")), P, "ParticipantRegistryInvalidStatus", [id, PStatus.Exited]);
      await expectRefused(w, () => A.reinstate(id, h("r")), P, "ParticipantRegistryInvalidStatus", [id, PStatus.Exited]);
      await expectRefused(w, () => A.suspend(id, h("r")), P, "ParticipantRegistryInvalidStatus", [id, PStatus.Exited]);
    });

    it("the views name the problem: unknown participant, wrong kind, not a signer", async () => {
      const w = await loadFixture(deployWorld);
      const P = w.participants;
      await expect(P.participant(99)).to.be.revertedWithCustomError(P, "ParticipantRegistryUnknownParticipant").withArgs(99);
      await expect(P.signers(99)).to.be.revertedWithCustomError(P, "ParticipantRegistryUnknownParticipant").withArgs(99);
      await expect(P.requireActive(w.ids.operatorA, Kind.Developer))
        .to.be.revertedWithCustomError(P, "ParticipantRegistryWrongKind")
        .withArgs(w.ids.operatorA, Kind.Developer, Kind.Operator);
      await expect(P.requireActiveSigner(w.ids.operatorA, Kind.Operator, w.signers.operatorB.address))
        .to.be.revertedWithCustomError(P, "ParticipantRegistryNotActiveSigner")
        .withArgs(w.ids.operatorA, w.signers.operatorB.address);
      expect(await P.statusOf(99)).to.equal(PStatus.None);
      expect(await P.isActiveSigner(0, ethers.ZeroAddress)).to.equal(false);
    });
  });

  describe("ProvenantHub", () => {
    it("records registry addresses for the admin only, never the zero address", async () => {
      const w = await loadFixture(deployWorld);
      const { admin, outsider, authority } = w.signers;
      const name = ethers.id("ResourceCatalog");
      await expectRefused(w, () => w.hub.connect(outsider).setContract(name, outsider.address), w.hub, "AccessControlUnauthorizedAccount", [outsider.address, ethers.ZeroHash]);
      await expectRefused(w, () => w.hub.connect(authority).setContract(name, outsider.address), w.hub, "AccessControlUnauthorizedAccount", [authority.address, ethers.ZeroHash]);
      await expectRefused(w, () => w.hub.connect(admin).setContract(name, ethers.ZeroAddress), w.hub, "ProvenantHubZeroAddress", [name]);
      await expect(w.hub.contractOf(ethers.id("Nothing"))).to.be.revertedWithCustomError(w.hub, "ProvenantHubUnknownContract").withArgs(ethers.id("Nothing"));
      const previous = await w.hub.contractOf(name);
      await expect(w.hub.connect(admin).setContract(name, outsider.address))
        .to.emit(w.hub, "ContractRecorded")
        .withArgs(name, outsider.address, previous);
      expect(await w.hub.contractOf(name)).to.equal(outsider.address);
    });

    it("only the ParticipantRegistry grants OPERATOR, DEVELOPER and SOURCE_DEPT; the zero address holds no role", async () => {
      const w = await loadFixture(deployWorld);
      const { admin, outsider } = w.signers;
      for (const role of [ROLE.OPERATOR, ROLE.DEVELOPER, ROLE.SOURCE_DEPT]) {
        await expectRefused(w, () => w.hub.connect(admin).grantRole(role, outsider.address), w.hub, "AccessControlUnauthorizedAccount", [admin.address, PARTICIPANT_REGISTRAR]);
      }
      expect(await w.hub.hasRole(ethers.ZeroHash, ethers.ZeroAddress)).to.equal(false);
    });
  });
});
