/**
 * Property: a product is never usable while any ancestor authorization is not active.
 *
 * Random sequences of suspend / emergency suspend / reinstate / revoke on a two-tier chain and
 * jumps of time (which let terms expire). A small model of the stored statuses and terms, kept
 * here independently of the contracts, says when each product must be usable; after every step
 * `ProductRegistry.isUsable` must agree with it, and whenever it says usable the authorization
 * registry must report every ancestor Active.
 */
import { expect } from "chai";
import fc from "fast-check";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { h, DAY, AuthStatus } from "../helpers/fixture";
import { deployChain, approvedScenario, listedProduct } from "../helpers/products";
import { STATEMENT } from "../helpers/texts";

/** The chain with one listed product per tier. */
async function deployListed() {
  const c = await deployChain();
  const { w } = c;
  const opScenario = await approvedScenario(w, { authorizationId: c.opAuth, resourceIds: [c.r[0], c.r[1]] });
  const devScenario = await approvedScenario(w, { holder: "developerA", authorizationId: c.devAuth, resourceIds: [c.r[0]] });
  const opProduct = await listedProduct(w, { scenarioId: opScenario, resourceIds: [c.r[0]] });
  const devProduct = await listedProduct(w, { holder: "developerA", scenarioId: devScenario, resourceIds: [c.r[0]] });
  return { ...c, opProduct, devProduct };
}

type Stored = "Active" | "Suspended" | "Revoked";
type Target = "op" | "dev";
type Action =
  | { kind: "suspend" | "emergency" | "reinstate" | "revoke"; target: Target }
  | { kind: "jump"; days: number };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.record({
    kind: fc.constantFrom("suspend" as const, "emergency" as const, "reinstate" as const, "revoke" as const),
    target: fc.constantFrom("op" as const, "dev" as const),
  }),
  fc.record({ kind: fc.constant("jump" as const), days: fc.integer({ min: 1, max: 300 }) }),
);

describe("ProductRegistry property", () => {
  it("C13 a product is never usable while any ancestor authorization is not active", async function () {
    this.timeout(60_000);
    await fc.assert(
      fc.asyncProperty(fc.array(actionArb, { minLength: 1, maxLength: 10 }), async (actions) => {
        const c = await loadFixture(deployListed);
        const { w } = c;
        const authId: Record<Target, bigint> = { op: c.opAuth, dev: c.devAuth };
        const termEnd: Record<Target, bigint> = {
          op: (await w.authorizations.authorization(c.opAuth)).termEnd,
          dev: (await w.authorizations.authorization(c.devAuth)).termEnd,
        };
        const model: Record<Target, Stored> = { op: "Active", dev: "Active" };
        const products = [
          { id: c.opProduct, ancestors: ["op"] as Target[] },
          { id: c.devProduct, ancestors: ["dev", "op"] as Target[] },
        ];
        const validUntil = new Map<bigint, bigint>();
        for (const p of products) validUntil.set(p.id, (await w.products.registrationOf(p.id)).validUntil);
        const auth = w.authorizations.connect(w.signers.authority);

        for (const a of actions) {
          if (a.kind === "jump") {
            await time.increase(a.days * DAY);
          } else {
            const id = authId[a.target];
            const send = {
              suspend: () => auth.suspend(id, h("rectify"), STATEMENT),
              emergency: () => w.authorizations.connect(w.signers.regulator).emergencySuspend(id, h("risk"), STATEMENT),
              reinstate: () => auth.reinstate(id, h("rectified"), STATEMENT),
              revoke: () => auth.revoke(id, h("breach"), STATEMENT),
            }[a.kind];
            let ok = true;
            try {
              await (await send()).wait();
            } catch (e) {
              // Only a refusal for the authorization's status is an acceptable failure.
              expect(String(e)).to.match(/AuthorizationRegistryWrongStatus/);
              ok = false;
            }
            if (ok) model[a.target] = a.kind === "reinstate" ? "Active" : a.kind === "revoke" ? "Revoked" : "Suspended";
          }

          const t = BigInt(await time.latest());
          const active = (x: Target) => model[x] === "Active" && t < termEnd[x];
          for (const p of products) {
            const expected = p.ancestors.every(active) && t < validUntil.get(p.id)!;
            const usable = await w.products.isUsable(p.id, t);
            expect(usable, `product ${p.id} at ${t} after ${JSON.stringify(actions)}`).to.equal(expected);
            if (usable) {
              for (const x of p.ancestors) {
                expect(await w.authorizations.statusAt(authId[x], t)).to.equal(AuthStatus.Active);
              }
            }
          }
        }
      }),
      { numRuns: 20 },
    );
  });
});
