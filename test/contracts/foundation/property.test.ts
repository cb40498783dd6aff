/**
 * Property test of the authorization lifecycle: long random sequences of lifecycle actions from
 * random callers (authorized and not), reverts caught, and after every step the invariants:
 *  - no child is active while its parent is not (at now and at a later moment);
 *  - an active authorization is stored Active, within its term, and its term within the policy
 *    maximum (and within its parent's term);
 *  - a Rejected, Revoked, Terminated or Exited authorization never changes status again, so never
 *    becomes active again.
 */
import { expect } from "chai";
import fc from "fast-check";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { deployWorld, createResource, publishCall, selectApplicants, noticeEndFrom, h, DAY, AuthStatus, Mode, type World } from "../../helpers/fixture";
import { activateAuthorization, signerOf } from "../../helpers/agreements";
import { addYearsCst } from "../../helpers/dates";
import { activeOperator, activeDeveloper } from "../../helpers/foundation";
import { STATEMENT } from "../../helpers/texts";

const TERMINAL = new Set<bigint>([AuthStatus.Rejected, AuthStatus.Revoked, AuthStatus.Terminated, AuthStatus.Exited].map(BigInt));
const MAX_AUTHORIZATIONS = 10;

/**
 * The world of the property: two registered resources and an active operator authorization
 * (selected through a call of its own) with an active developer authorization under it, so every
 * sequence starts with a family to break. Each operator application answers a call of its own.
 */
async function propertyWorld() {
  const w = await deployWorld();
  const r1 = await createResource(w);
  const r2 = await createResource(w, { dept: "deptB" });
  const parent = await activeOperator(w, { resourceIds: [r1, r2], termYears: 3 });
  await activeDeveloper(w, parent);
  return { w, r1, r2 };
}

const KINDS = [
  ...Array<"advance">(14).fill("advance"),
  "applyOperator", "applyOperator", "applyChild", "applyChild", "applyChild",
  "preReview", "expertReview", "approve", "reject", "grants", "notice", "activate",
  "suspend", "emergencySuspend", "reinstate", "terminate", "revoke",
  "requestExit", "reviewExit", "completeExit",
  "timeJump", "timeJump", "participant",
] as const;
type ActionKind = (typeof KINDS)[number];

interface Action {
  kind: ActionKind;
  pick: number; // which authorization
  caller: number; // which signer when not the authorized one
  authorized: boolean; // use the authorized caller
  flag: boolean; // pass / approve / variant
  n: number; // a free number (term variant, time jump size)
}

const actionArb: fc.Arbitrary<Action> = fc.record({
  kind: fc.constantFrom(...KINDS),
  pick: fc.nat(1000),
  caller: fc.nat(1000),
  authorized: fc.boolean(),
  flag: fc.boolean(),
  n: fc.nat(1000),
});

function isRevert(err: unknown): boolean {
  const msg = String((err as Error)?.message ?? err);
  return /revert|VM Exception/i.test(msg);
}

/** Runs a step; a revert is an expected outcome, anything else is a bug in the test. */
async function attempt(step: () => Promise<unknown>): Promise<boolean> {
  try {
    await step();
    return true;
  } catch (err) {
    if (isRevert(err)) return false;
    throw err;
  }
}

describe("foundation: lifecycle property", () => {
  it("C07 C06 C23 C24 C25 C30 invariants hold over random lifecycle sequences from random callers", async function () {
    this.timeout(180_000);
    const stats = { steps: 0, succeeded: 0, activations: 0, activeChildren: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(actionArb, { minLength: 40, maxLength: 80 }), async (actions) => {
        const { w, r1, r2 } = await loadFixture(propertyWorld);
        const A = w.authorizations;
        const s = w.signers;
        const everyone: HardhatEthersSigner[] = [
          s.authority, s.agency, s.regulator, s.expert1, s.expert2, s.expert3, s.expert4,
          s.deptA, s.deptB, s.operatorA, s.operatorB, s.developerA, s.developerB, s.outsider,
        ];
        const terminal = new Map<bigint, bigint>();
        const count = async () => A.authorizationCount();
        const pickId = async (a: Action): Promise<bigint | null> => {
          const c = await count();
          return c === 0n ? null : (BigInt(a.pick) % c) + 1n;
        };
        /** From the picked id on, the first authorization `wanted` accepts (the picked one if none). */
        const scan = async (a: Action, wanted: (id: bigint) => Promise<boolean>): Promise<bigint | null> => {
          const c = await count();
          if (c === 0n) return null;
          for (let k = 0n; k < c; k++) {
            const id = ((BigInt(a.pick) + k) % c) + 1n;
            if (await wanted(id)) return id;
          }
          return (BigInt(a.pick) % c) + 1n;
        };
        const by = (a: Action, right: HardhatEthersSigner) => (a.authorized ? right : everyone[a.caller % everyone.length]);
        const parentSigner = async (id: bigint) => signerOf(w, (await A.authorization((await A.authorization(id)).parentId)).holderId);

        async function grants(a: Action, id: bigint) {
          const auth = await A.authorization(id);
          for (const r of auth.resourceIds) {
            if (auth.parentId !== 0n) await attempt(async () => A.connect(by(a, await parentSigner(id))).preReviewGrant(id, r, true, h("g1"), ""));
            await attempt(() => A.connect(by(a, s.authority)).evaluateGrant(id, r, true, h("g2"), ""));
            const dept = (await w.catalog.resource(r)).sourceDeptId;
            await attempt(() => A.connect(by(a, signerOf(w, dept))).confirmGrant(id, r, a.flag || a.n % 5 !== 0, h("g3"), STATEMENT));
          }
        }

        async function step(a: Action): Promise<boolean> {
          const id = await pickId(a);
          const now = await time.latest();
          switch (a.kind) {
            case "applyOperator": {
              if ((await count()) >= MAX_AUTHORIZATIONS) return false;
              const holder = a.flag ? "operatorA" : "operatorB";
              const termStart = now + 60;
              const years = 1 + (a.n % 4); // 4 exceeds the Huizhou maximum
              const termEnd = addYearsCst(termStart, years) + (a.n % 7 === 0 ? 1n : 0n);
              const callId = await publishCall(w, Mode.Comprehensive, DAY);
              return attempt(() =>
                A.connect(by(a, s[holder])).applyFor({
                  parentId: 0n, holderId: w.ids[holder], callId, termStart, termEnd,
                  materialsHash: h("m"), resourceIds: a.n % 3 === 0 ? [r1] : [r1, r2], domains: [],
                }),
              );
            }
            case "applyChild": {
              if (id === null || (await count()) >= MAX_AUTHORIZATIONS) return false;
              const parentId = a.n % 4 === 0 ? id : (await scan(a, async (i) => A.isActive(i, now)))!;
              const parent = await A.authorization(parentId);
              const holder = a.flag ? "developerA" : "developerB";
              return attempt(() =>
                A.connect(by(a, s[holder])).applyFor({
                  parentId, holderId: w.ids[holder], callId: 0n, termStart: now + 60,
                  termEnd: parent.termEnd + (a.n % 5 === 0 ? 1n : 0n),
                  materialsHash: h("m"), resourceIds: a.n % 7 === 0 ? [r2] : [...parent.resourceIds], domains: [],
                }),
              );
            }
            case "advance": {
              const pending = [AuthStatus.Applied, AuthStatus.PreReviewed, AuthStatus.ExpertReviewed, AuthStatus.Approved, AuthStatus.Noticed];
              const id = await scan(a, async (i) => pending.includes(Number((await A.authorization(i)).status) as never));
              if (id === null) return false;
              const auth = await A.authorization(id);
              switch (Number(auth.status)) {
                case AuthStatus.Applied:
                  return attempt(async () => A.connect(auth.parentId === 0n ? s.agency : await parentSigner(id)).preReview(id, true, h("p"), STATEMENT));
                case AuthStatus.PreReviewed: {
                  const experts = [s.expert1, s.expert2, s.expert3, s.expert4];
                  for (const e of experts) await attempt(() => A.connect(e).expertReview(id, true, h(e.address), STATEMENT));
                  return true;
                }
                case AuthStatus.ExpertReviewed:
                  if (auth.parentId === 0n) await selectApplicants(w, auth.callId);
                  return attempt(() => A.connect(s.authority).approve(id, h("d"), STATEMENT));
                case AuthStatus.Approved:
                  await grants({ ...a, authorized: true, flag: true }, id);
                  const end = await noticeEndFrom(w);
                  return attempt(() => A.connect(s.authority).startNotice(id, end));
                case AuthStatus.Noticed: {
                  if (now < auth.noticeEnd) await time.increaseTo(auth.noticeEnd);
                  const ok = await attempt(() => activateAuthorization(w, id));
                  if (ok) stats.activations++;
                  return ok;
                }
                default:
                  return false;
              }
            }
            case "preReview":
              if (id === null) return false;
              return attempt(async () => {
                const tier1 = (await A.authorization(id)).parentId === 0n;
                return A.connect(by(a, tier1 ? s.agency : await parentSigner(id))).preReview(id, a.flag, h("p"), STATEMENT);
              });
            case "expertReview": {
              if (id === null) return false;
              const experts = [s.expert1, s.expert2, s.expert3, s.expert4];
              return attempt(() => A.connect(by(a, experts[a.n % 4])).expertReview(id, a.flag, h("e"), STATEMENT));
            }
            case "approve":
              return id !== null && attempt(() => A.connect(by(a, s.authority)).approve(id, h("d"), STATEMENT));
            case "reject":
              return id !== null && attempt(() => A.connect(by(a, s.authority)).reject(id, h("r"), STATEMENT));
            case "grants":
              if (id === null) return false;
              await grants(a, id);
              return true;
            case "notice":
              return id !== null && attempt(() => A.connect(by(a, a.flag ? s.authority : s.agency)).startNotice(id, now + (a.n % 10) * DAY + 60));
            case "activate":
              return id !== null && attempt(async () => (a.authorized ? activateAuthorization(w, id) : A.connect(by(a, s.authority)).activate(id, 1)));
            case "suspend":
              return id !== null && attempt(() => A.connect(by(a, s.authority)).suspend(id, h("s"), STATEMENT));
            case "emergencySuspend":
              return id !== null && attempt(async () => A.connect(by(a, a.flag ? s.regulator : signerOf(w, (await A.authorization(id)).holderId))).emergencySuspend(id, h("risk"), STATEMENT));
            case "reinstate":
              return id !== null && attempt(() => A.connect(by(a, s.authority)).reinstate(id, h("fixed"), STATEMENT));
            case "terminate":
              return id !== null && attempt(() => A.connect(by(a, s.authority)).terminate(id, h("t"), STATEMENT));
            case "revoke":
              return id !== null && attempt(() => A.connect(by(a, s.authority)).revoke(id, h("v"), STATEMENT));
            case "requestExit":
              return id !== null && attempt(async () => A.connect(by(a, signerOf(w, (await A.authorization(id)).holderId))).requestExit(id, h("x")));
            case "reviewExit":
              return id !== null && attempt(async () => A.connect(by(a, s.authority)).reviewExit(id, a.flag, await noticeEndFrom(w), h("o"), STATEMENT));
            case "completeExit":
              if (id === null) return false;
              if (a.flag) {
                const end = (await A.authorization(id)).exitNoticeEnd;
                if (end > BigInt(now)) await time.increaseTo(end);
              }
              return attempt(() => A.connect(by(a, s.authority)).completeExit(id));
            case "timeJump":
              await time.increase(((a.n % 120) + 1) * (a.flag ? DAY : 3600));
              return true;
            case "participant": {
              const who = a.flag ? "operatorA" : "developerA";
              const P = w.participants.connect(by(a, s.authority));
              return (await w.participants.statusOf(w.ids[who])) === 1n
                ? attempt(() => P.suspend(w.ids[who], h("ps")))
                : attempt(() => P.reinstate(w.ids[who], h("pr")));
            }
          }
        }

        async function checkInvariants(after: Action) {
          const t = BigInt(await time.latest());
          const c = await count();
          for (let id = 1n; id <= c; id++) {
            const a = await A.authorization(id);
            for (const at of [t, t + 90n * BigInt(DAY)]) {
              if (!(await A.isActive(id, at))) continue;
              const ctx = `authorization ${id} at ${at} after ${JSON.stringify(after)}`;
              expect(a.status, ctx).to.equal(AuthStatus.Active);
              expect(at >= a.termStart && at < a.termEnd, ctx).to.equal(true);
              expect(a.termEnd, ctx).to.be.at.most(addYearsCst(a.termStart, w.profile.maxTermYears));
              expect(terminal.has(id), ctx).to.equal(false);
              if (a.parentId !== 0n) {
                expect(await A.isActive(a.parentId, at), `parent of ${ctx}`).to.equal(true);
                const p = await A.authorization(a.parentId);
                expect(a.termStart >= p.termStart && a.termEnd <= p.termEnd, ctx).to.equal(true);
                if (at === t) stats.activeChildren++;
              }
            }
            const seen = terminal.get(id);
            if (seen !== undefined) expect(a.status, `terminal authorization ${id} changed`).to.equal(seen);
            else if (TERMINAL.has(a.status)) terminal.set(id, a.status);
          }
        }

        for (const a of actions) {
          stats.steps++;
          if (await step(a)) stats.succeeded++;
          await checkInvariants(a);
        }
      }),
      { numRuns: 25, endOnFailure: true },
    );
    // the sequences must reach the interesting states, or the property proves little
    expect(stats.activations, JSON.stringify(stats)).to.be.greaterThan(3);
    expect(stats.activeChildren, JSON.stringify(stats)).to.be.greaterThan(0);
  });
});
