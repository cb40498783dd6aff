import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployWorld, createResource, applyFor, toNoticeOver, AuthStatus, type World } from "../helpers/fixture";
import { activateAuthorization } from "../helpers/agreements";

async function activeOperator(w: World) {
  const r = await createResource(w);
  const id = await applyFor(w, { resourceIds: [r] });
  await toNoticeOver(w, id);
  const agreementId = await activateAuthorization(w, id);
  return { r, id, agreementId };
}

describe("AgreementRegistry", () => {
  it("activateAuthorization activates tier 1 and tier 2", async () => {
    const w = await loadFixture(deployWorld);
    const { r, id } = await activeOperator(w);
    expect((await w.authorizations.authorization(id)).status).to.equal(AuthStatus.Active);
    const child = await applyFor(w, { parentId: id, resourceIds: [r], termYears: 1 });
    await toNoticeOver(w, child);
    await activateAuthorization(w, child);
    expect((await w.authorizations.authorization(child)).status).to.equal(AuthStatus.Active);
  });
});
