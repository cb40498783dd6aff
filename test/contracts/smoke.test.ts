import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployWorld, createResource, applyFor, toNoticeOver, AuthStatus } from "../helpers/fixture";

describe("smoke", () => {
  it("walks an authorization to the end of its notice", async () => {
    const w = await loadFixture(deployWorld);
    const r = await createResource(w);
    const id = await applyFor(w, { resourceIds: [r] });
    await toNoticeOver(w, id);
    expect((await w.authorizations.authorization(id)).status).to.equal(AuthStatus.Noticed);
  });
});
