/**
 * Gas of each OversightRegistry step (C16, C26-C29, C32, C37), on the in-process Hardhat
 * network. Prints a table; asserts nothing.
 *
 *   npx hardhat run bench/gas-oversight.ts
 */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import {
  deployWorld,
  createResource,
  applyFor,
  toNoticeOver,
  nextCreditCode,
  h,
  Kind,
  Share,
} from "../test/helpers/fixture";
import { activateAuthorization } from "../test/helpers/agreements";
import { STATEMENT } from "../test/helpers/texts";

const rows: [string, bigint][] = [];

async function gas(label: string, sent: Promise<ContractTransactionResponse>): Promise<void> {
  const receipt = await (await sent).wait();
  rows.push([label, receipt!.gasUsed]);
}

const Subject = { Resource: 1, Product: 2, Authorization: 3 } as const;
const CaseKind = { Objection: 1, QualityFeedback: 2 } as const;

async function main(): Promise<void> {
  const w = await deployWorld();
  const { authority, agency, operatorA, developerA, deptA, platformNode, outsider } = w.signers;
  const o = w.oversight;

  const deployTx = await ethers.provider.getTransactionReceipt(w.deployment.contracts.OversightRegistry.txHash);
  rows.push(["deploy OversightRegistry", deployTx!.gasUsed]);

  const rA = await createResource(w, { dept: "deptA", shareType: Share.Conditional });
  const rB = await createResource(w, { dept: "deptB", shareType: Share.Conditional });
  const auth = await applyFor(w, { resourceIds: [rA, rB] });
  await toNoticeOver(w, auth);
  await activateAuthorization(w, auth);
  // Developer A's application under operator A: the path its quality feedback goes back along (C26).
  const devAuth = await applyFor(w, { parentId: auth, resourceIds: [rA], termYears: 1 });
  await w.participants
    .connect(authority)
    .register(Kind.ServiceProvider, "第三方评估机构", nextCreditCode(), h("evaluator"), [outsider.address]);
  const evaluator = await w.participants.participantCount();
  const year = new Date(((await time.latest()) + 8 * 3600) * 1000).getUTCFullYear() - 1;

  const base = {
    kind: CaseKind.Objection,
    subjectKind: Subject.Resource,
    subjectId: rA,
    filerId: 0n,
    departmentId: 0n,
    authorizationId: 0n,
    contentDigest: h("complaint"),
    personDigest: h("salted-person"),
  };
  await gas("fileCase: data subject objection (resource, node)", o.connect(platformNode).fileCase(base));
  await gas(
    "fileCase: objection (authorization, routed)",
    o.connect(operatorA).fileCase({
      ...base,
      subjectKind: Subject.Authorization,
      subjectId: auth,
      filerId: w.ids.operatorA,
      personDigest: ethers.ZeroHash,
    }),
  );
  await gas(
    "fileCase: objection (authorization, 2nd dept named)",
    o.connect(operatorA).fileCase({
      ...base,
      subjectKind: Subject.Authorization,
      subjectId: auth,
      filerId: w.ids.operatorA,
      departmentId: w.ids.deptB,
      personDigest: ethers.ZeroHash,
    }),
  );
  await gas(
    "fileCase: quality feedback (developer)",
    o.connect(developerA).fileCase({
      ...base,
      kind: CaseKind.QualityFeedback,
      filerId: w.ids.developerA,
      authorizationId: devAuth,
      personDigest: ethers.ZeroHash,
    }),
  );
  const feedback = (await o.counts())[0];
  await gas(
    "forwardFeedback (operator -> agency)",
    o.connect(operatorA).forwardFeedback(feedback, w.ids.operatorA, h("n1")),
  );
  await gas("forwardFeedback (agency -> source dept)", o.connect(agency).forwardFeedback(feedback, w.ids.agency, h("n2")));
  await gas("answerCase", o.connect(deptA).answerCase(feedback, 1, h("resolution")));

  await gas("requestShare", o.connect(operatorA).requestShare(w.ids.operatorA, rA, h("purpose")));
  await gas("replyShare (grant)", o.connect(deptA).replyShare(1n, true, h("conditions"), STATEMENT));
  await gas("executeShare", o.connect(deptA).executeShare(1n, h("delivery")));
  await o.connect(operatorA).requestShare(w.ids.operatorA, rA, h("purpose-2"));
  await gas("replyShare (refusal with legal basis)", o.connect(deptA).replyShare(2n, false, h("law"), STATEMENT));

  await gas("fileReport (monthly)", o.connect(operatorA).fileReport(auth, 1, year * 100 + 12, h("m")));
  await gas("fileReport (quarterly)", o.connect(operatorA).fileReport(auth, 2, year * 10 + 4, h("q")));
  await gas("fileReport (annual)", o.connect(operatorA).fileReport(auth, 3, year, h("a")));

  const evaluation = {
    authorizationId: auth,
    evaluatorId: 0n,
    year,
    score: 58,
    outcome: 2,
    documentHash: h("evaluation"),
  };
  await gas("designateEvaluator", o.connect(authority).designateEvaluator(auth, evaluator, true, h("commission")));
  await gas(
    "recordEvaluation (third party, first)",
    o.connect(outsider).recordEvaluation({ ...evaluation, evaluatorId: evaluator }),
  );
  await gas(
    "recordEvaluation (third party, re-evaluation)",
    o.connect(outsider).recordEvaluation({ ...evaluation, evaluatorId: evaluator, score: 82, outcome: 1 }),
  );
  await gas("recordEvaluation (authority, decides)", o.connect(authority).recordEvaluation(evaluation));
  await gas(
    "recordEvaluation (third party, after the authority: does not count)",
    o.connect(outsider).recordEvaluation({ ...evaluation, evaluatorId: evaluator, score: 90, outcome: 1 }),
  );

  await gas("anchorDisclosure (agency, v1)", o.connect(agency).anchorDisclosure(w.ids.agency, year, 1, h("d1")));
  await gas("anchorDisclosure (agency, v2)", o.connect(agency).anchorDisclosure(w.ids.agency, year, 2, h("d2")));
  await gas(
    "anchorDisclosure (operator, v1)",
    o.connect(operatorA).anchorDisclosure(w.ids.operatorA, year, 1, h("d3")),
  );

  await gas(
    "fileOperation (authorization)",
    o.connect(authority).fileOperation(Subject.Authorization, auth, ethers.id("MajorChange"), h("filing")),
  );

  const width = Math.max(...rows.map(([l]) => l.length));
  console.log(`Gas per OversightRegistry step (profile ${w.profile.id}, solc 0.8.28, optimizer 200 runs)`);
  for (const [label, used] of rows) console.log(`${label.padEnd(width)}  ${used.toString().padStart(8)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
