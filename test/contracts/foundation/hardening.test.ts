/**
 * Rules added after the first review of the lifecycle: an expired authorization changes no more,
 * a refused exit states its reason, and a call's selection result names operators only.
 */
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { deployWorld, h, publishCall, AuthStatus } from "../../helpers/fixture";
import { activeOperator } from "../../helpers/foundation";
import { expectRefused } from "../../helpers/state";
import { STATEMENT } from "../../helpers/texts";

describe("foundation: hardening", () => {
  it("C23 refuses to terminate a suspended authorization whose term is over: it expired", async () => {
    const w = await loadFixture(deployWorld);
    const id = await activeOperator(w);
    await w.authorizations.connect(w.signers.authority).suspend(id, h("violation"), STATEMENT);
    const a = await w.authorizations.authorization(id);
    await time.increaseTo(Number(a.termEnd));
    await expectRefused(
      w,
      () => w.authorizations.connect(w.signers.authority).terminate(id, h("failed rectification"), STATEMENT),
      w.authorizations,
      "AuthorizationRegistryWrongStatus",
      [id, AuthStatus.Expired],
    );
    expect(await w.authorizations.statusAt(id, await time.latest())).to.equal(AuthStatus.Expired);
  });

  it("C25 refuses an exit review without an opinion document", async () => {
    const w = await loadFixture(deployWorld);
    const id = await activeOperator(w);
    await w.authorizations.connect(w.signers.operatorA).requestExit(id, h("exit"));
    for (const approve of [true, false]) {
      const noticeEnd = (await time.latest()) + 10 * 86_400;
      await expectRefused(
        w,
        () => w.authorizations.connect(w.signers.authority).reviewExit(id, approve, noticeEnd, "0x" + "00".repeat(32), STATEMENT),
        w.authorizations,
        "AuthorizationRegistryZeroHash",
      );
    }
    await w.authorizations.connect(w.signers.authority).reviewExit(id, false, 0, h("exit refused: obligations open"), STATEMENT);
    expect((await w.authorizations.authorization(id)).exitRequested).to.equal(false);
  });

  it("C35 refuses a selection result that names anything but operators", async () => {
    const w = await loadFixture(deployWorld);
    const callId = await publishCall(w);
    await time.increaseTo((await w.authorizations.call(callId)).closesAt);
    for (const wrong of [w.ids.developerA, w.ids.deptA, 999n]) {
      await expectRefused(
        w,
        () => w.authorizations.connect(w.signers.agency).closeCall(callId, h("result"), [w.ids.operatorA, wrong]),
        w.authorizations,
        "ParticipantRegistryWrongKind",
      );
    }
    await w.authorizations.connect(w.signers.agency).closeCall(callId, h("result"), [w.ids.operatorA, w.ids.operatorB]);
    expect((await w.authorizations.call(callId)).closed).to.equal(true);
  });
});
