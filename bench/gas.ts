/**
 * Gas of each step of the governance lifecycle (participants, catalog, registration,
 * authorization), on the in-process Hardhat network. Prints a table; asserts nothing.
 *
 *   npx hardhat run bench/gas.ts
 */
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import {
  noticeEndFrom,
  deployWorld,
  resourceData,
  h,
  DAY,
  YEAR,
  RegKind,
  Kind,
  Mode,
  nextCreditCode,
  type World,
} from "../test/helpers/fixture";
import { activateAuthorization } from "../test/helpers/agreements";
import { RESOURCE_TEXT, STATEMENT, TITLE_TEXT, registrationCode } from "../test/helpers/texts";

const rows: [string, bigint][] = [];

async function gas(label: string, sent: Promise<ContractTransactionResponse>): Promise<void> {
  const receipt = await (await sent).wait();
  rows.push([label, receipt!.gasUsed]);
}

async function registerResource(w: World, label: string, key: string): Promise<bigint> {
  const { deptA, authority } = w.signers;
  await gas(`${label}: proposeResource`, w.catalog.connect(deptA).proposeResource(w.ids.deptA, resourceData({ key }), RESOURCE_TEXT));
  const id = await w.catalog.resourceCount();
  await gas(`${label}: reviewResource`, w.catalog.connect(authority).reviewResource(id, true, h("ok")));
  await gas(`${label}: applyRegistration`, w.catalog.connect(deptA).applyRegistration(id, RegKind.Initial, h("m")));
  const appId = id; // one application per resource in this script
  await gas(`${label}: acceptRegistration`, w.catalog.connect(authority).acceptRegistration(appId, h("a")));
  await gas(`${label}: reviewRegistration`, w.catalog.connect(authority).reviewRegistration(appId, true, h("r")));
  const noticeEnd = await noticeEndFrom(w);
  await gas(`${label}: noticeRegistration`, w.catalog.connect(authority).noticeRegistration(appId, noticeEnd));
  await time.increaseTo(noticeEnd);
  await gas(`${label}: issueRegistration`, w.catalog.connect(authority).issueRegistration(appId, registrationCode(`R-${key.toUpperCase()}`)));
  return id;
}

async function main(): Promise<void> {
  const w = await deployWorld();
  const { authority, agency, operatorA, expert1, expert2, expert3, deptA, regulator } = w.signers;

  await gas(
    "register participant (1 signer)",
    w.participants.connect(authority).register(Kind.Operator, "基准测试运营公司", nextCreditCode(), h("p"), [w.signers.outsider.address]),
  );
  await gas(
    "attestQualification",
    w.participants.connect(authority).attestQualification(w.ids.operatorA, h("ISO27001"), h("cert"), 0),
  );

  const resources: bigint[] = [];
  for (let i = 0; i < 8; i++) resources.push(await registerResource(w, i === 0 ? "resource" : `resource#${i}`, `bench-${i}`));
  // Keep one row per step: the first resource's figures.
  for (let i = rows.length - 1; i >= 0; i--) if (rows[i][0].startsWith("resource#")) rows.splice(i, 1);

  const closesAt = (await time.latest()) + 30 * DAY;
  await gas("publishCall", w.authorizations.connect(agency).publishCall(w.ids.agency, Mode.Comprehensive, closesAt, h("call"), TITLE_TEXT));
  const callId = 1n;
  for (const n of [1, 8]) {
    const now = await time.latest();
    await gas(
      `applyFor (${n} resource${n > 1 ? "s" : ""})`,
      w.authorizations.connect(operatorA).applyFor({
        parentId: 0n,
        holderId: w.ids.operatorA,
        callId,
        termStart: now + 60,
        termEnd: now + 60 + 2 * YEAR,
        materialsHash: h("materials"),
        resourceIds: resources.slice(0, n),
        domains: [],
      }),
    );
  }
  const id = 1n;
  await gas("preReview", w.authorizations.connect(agency).preReview(id, true, h("pre"), ""));
  await gas("expertReview (below quorum)", w.authorizations.connect(expert1).expertReview(id, true, h("e1"), ""));
  await w.authorizations.connect(expert2).expertReview(id, true, h("e2"), "");
  await gas("expertReview (reaching quorum)", w.authorizations.connect(expert3).expertReview(id, true, h("e3"), ""));
  await time.increaseTo(closesAt); // the selection result follows the close of the call (C35)
  await gas("closeCall (1 selected)", w.authorizations.connect(agency).closeCall(callId, h("selection"), [w.ids.operatorA]));
  await gas("approve", w.authorizations.connect(authority).approve(id, h("decision"), STATEMENT));
  await gas("evaluateGrant", w.authorizations.connect(authority).evaluateGrant(id, resources[0], true, h("eval"), ""));
  await gas("confirmGrant", w.authorizations.connect(deptA).confirmGrant(id, resources[0], true, h("conf"), ""));
  const noticeEnd = await noticeEndFrom(w);
  await gas("startNotice", w.authorizations.connect(authority).startNotice(id, noticeEnd));
  await time.increaseTo(noticeEnd);
  const before = rows.length;
  await activateAuthorization(w, id);
  rows.splice(before); // the agreement steps are measured in bench/gas-agreements.ts
  const activation = await w.authorizations.queryFilter(w.authorizations.filters.AuthorizationActivated(id));
  const activationReceipt = await activation[0].getTransactionReceipt();
  rows.push(["activate (with agreement check)", activationReceipt.gasUsed]);
  await gas("suspend", w.authorizations.connect(authority).suspend(id, h("violation"), STATEMENT));
  await gas("reinstate", w.authorizations.connect(authority).reinstate(id, h("rectified"), STATEMENT));
  await gas("emergencySuspend (regulator)", w.authorizations.connect(regulator).emergencySuspend(id, h("risk"), STATEMENT));
  await w.authorizations.connect(authority).reinstate(id, h("rectified"), STATEMENT);
  await gas("requestExit", w.authorizations.connect(operatorA).requestExit(id, h("exit")));
  const exitEnd = await noticeEndFrom(w);
  await gas("reviewExit", w.authorizations.connect(authority).reviewExit(id, true, exitEnd, h("ok"), STATEMENT));
  await time.increaseTo(exitEnd);
  await gas("completeExit", w.authorizations.connect(authority).completeExit(id));

  const width = Math.max(...rows.map(([l]) => l.length));
  console.log(`Gas per lifecycle step (profile ${w.profile.id}, solc 0.8.28, optimizer 200 runs)`);
  for (const [label, used] of rows) console.log(`${label.padEnd(width)}  ${used.toString().padStart(8)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
