/**
 * Gas of the agreement steps (AgreementRegistry) on the in-process Hardhat network: propose,
 * on-chain sign per party, EIP-712 submitSignatures per party (alone and in one batch), file.
 * Two shapes: the tier-1 operation agreement (2 parties) and a tier-2 development service
 * agreement (5 parties: operator, developer, authority, two source departments, C15).
 * Prints a table; asserts nothing.
 *
 *   npx hardhat run bench/gas-agreements.ts
 */
import type { ContractTransactionResponse } from "ethers";
import { deployWorld, createResource, applyFor, toNoticeOver, h, type World } from "../test/helpers/fixture";
import {
  activateAuthorization,
  offChainApproval,
  planAgreement,
  proposalOf,
  proposeAgreement,
  signerOf,
  type AgreementPlan,
} from "../test/helpers/agreements";
import { AgreementKind } from "../scripts/lib/agreements";

const rows: [string, bigint][] = [];

async function gas(label: string, sent: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await sent).wait();
  rows.push([label, receipt!.gasUsed]);
  return receipt!.gasUsed;
}

async function measure(w: World, label: string, plan: AgreementPlan): Promise<void> {
  const n = plan.partyIds.length;
  const proposer = signerOf(w, plan.proposerId);
  // 1. propose, every party signs on chain, file.
  await gas(`${label}: propose (${n} parties)`, w.agreements.connect(proposer).propose(proposalOf(plan)));
  const onChain = await w.agreements.agreementCount();
  for (const [i, p] of plan.partyIds.entries()) {
    const last = i === n - 1 ? " (last: takes effect)" : "";
    await gas(`${label}: sign on chain, party ${i + 1}${last}`, w.agreements.connect(signerOf(w, p)).sign(onChain, p));
  }
  await gas(`${label}: file`, w.agreements.connect(w.signers.authority).file(onChain, h("filing")));

  // 2. every party signs off line; a node submits one signature per transaction.
  const single = await proposeAgreement(w, plan);
  for (const [i, p] of plan.partyIds.entries()) {
    const last = i === n - 1 ? " (last: takes effect)" : "";
    await gas(
      `${label}: submitSignatures x1, party ${i + 1}${last}`,
      w.agreements.connect(w.signers.platformNode).submitSignatures(single, [await offChainApproval(w, single, p)]),
    );
  }

  // 3. every party signs off line; a node submits all signatures in one transaction.
  const batch = await proposeAgreement(w, plan);
  const approvals = [];
  for (const p of plan.partyIds) approvals.push(await offChainApproval(w, batch, p));
  const total = await gas(
    `${label}: submitSignatures x${n} in one tx`,
    w.agreements.connect(w.signers.platformNode).submitSignatures(batch, approvals),
  );
  rows.push([`${label}: submitSignatures batch, per party`, total / BigInt(n)]);
}

async function main(): Promise<void> {
  const w = await deployWorld();
  const rA = await createResource(w, { dept: "deptA" });
  const rB = await createResource(w, { dept: "deptB" });

  const parentId = await applyFor(w, { resourceIds: [rA, rB], termYears: 3 });
  await toNoticeOver(w, parentId);
  await measure(w, "tier-1 operation", await planAgreement(w, parentId));
  await activateAuthorization(w, parentId);

  const childId = await applyFor(w, { parentId, resourceIds: [rA, rB], termYears: 1 });
  await toNoticeOver(w, childId);
  await measure(w, "tier-2 dev. service", await planAgreement(w, childId, { kind: AgreementKind.DevelopmentService }));

  const width = Math.max(...rows.map(([l]) => l.length));
  console.log(`${"step".padEnd(width)}  gas`);
  for (const [label, used] of rows) console.log(`${label.padEnd(width)}  ${used.toString().padStart(7)}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
