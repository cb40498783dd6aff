/**
 * Gas of the scenario and product steps (ScenarioRegistry, ProductRegistry) on the in-process
 * Hardhat network: scenario proposal (1 and 4 resources), opinion, approval; product
 * registration (1 and 4 resources, 2 parent products, a new version), compliance review,
 * registration code, certificate, listing under tier 1 and tier 2, delisting; and the view
 * `isUsable` that receipts and the service evaluate. Prints a table; asserts nothing.
 *
 *   npx hardhat run bench/gas-products.ts
 */
import { ethers } from "hardhat";
import type { ContractTransactionResponse } from "ethers";
import { deployWorld, createResource, applyFor, toNoticeOver, h, RegKind, type World } from "../test/helpers/fixture";
import { activateAuthorization } from "../test/helpers/agreements";
import { issueProductCode, productRequest, scenarioRequest, type Holder } from "../test/helpers/products";
import { STATEMENT } from "../test/helpers/texts";

const rows: [string, bigint][] = [];

async function gas(label: string, sent: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await sent).wait();
  rows.push([label, receipt!.gasUsed]);
  return receipt!.gasUsed;
}

async function deploymentGas(w: World, name: "ScenarioRegistry" | "ProductRegistry"): Promise<void> {
  const receipt = await ethers.provider.getTransactionReceipt(w.deployment.contracts[name].txHash);
  const code = await ethers.provider.getCode(w.deployment.contracts[name].address);
  rows.push([`deploy ${name} (${(code.length - 2) / 2} bytes runtime)`, receipt!.gasUsed]);
}

async function scenario(w: World, label: string, holder: Holder, authorizationId: bigint, resourceIds: bigint[]) {
  const signer = w.signers[holder];
  await gas(
    `scenario: propose (${label}, ${resourceIds.length} resource${resourceIds.length > 1 ? "s" : ""})`,
    w.scenarios.connect(signer).proposeScenario(scenarioRequest(w, { holder, authorizationId, resourceIds })),
  );
  const id = await w.scenarios.scenarioCount();
  await gas(`scenario: expert opinion (${label})`, w.scenarios.connect(w.signers.expert1).recordOpinion(id, true, h("op")));
  // The rest of the profile's opinion quorum (C13), not measured.
  for (const e of [w.signers.expert2, w.signers.expert3, w.signers.expert4].slice(0, w.profile.scenarioOpinionQuorum - 1)) {
    await w.scenarios.connect(e).recordOpinion(id, true, h("op"));
  }
  await gas(`scenario: approve (${label})`, w.scenarios.connect(w.signers.authority).approveScenario(id, h("decision"), STATEMENT));
  return id;
}

async function main(): Promise<void> {
  const w = await deployWorld();
  await deploymentGas(w, "ScenarioRegistry");
  await deploymentGas(w, "ProductRegistry");
  const r: bigint[] = [];
  for (let i = 0; i < 4; i++) r.push(await createResource(w, { dept: i % 2 ? "deptB" : "deptA" }));

  const opAuth = await applyFor(w, { resourceIds: r, termYears: 3 });
  await toNoticeOver(w, opAuth);
  await activateAuthorization(w, opAuth);
  const devAuth = await applyFor(w, { parentId: opAuth, resourceIds: r, termYears: 1 });
  await toNoticeOver(w, devAuth);
  await activateAuthorization(w, devAuth);

  const op1 = await scenario(w, "tier 1", "operatorA", opAuth, [r[0]]);
  const op4 = await scenario(w, "tier 1", "operatorA", opAuth, r);
  const dev4 = await scenario(w, "tier 2", "developerA", devAuth, r);

  const { operatorA, developerA, authority, expert2 } = w.signers;
  await gas(
    "product: register (1 resource)",
    w.products.connect(operatorA).registerProduct(productRequest(w, { scenarioId: op1, resourceIds: [r[0]] })),
  );
  const p1 = await w.products.productCount();
  await gas(
    "product: register (4 resources)",
    w.products.connect(operatorA).registerProduct(productRequest(w, { scenarioId: op4, resourceIds: r })),
  );
  const p2 = await w.products.productCount();

  for (const [label, id] of [
    ["tier 1, 1 resource", p1],
    ["tier 1, 4 resources", p2],
  ] as const) {
    await gas(`product: compliance review (${label})`, w.products.connect(expert2).reviewProduct(id, true, h("review")));
    await issueProductCode(w, operatorA, id);
    await gas(`product: list (${label})`, w.products.connect(operatorA).listProduct(id));
  }
  await gas(
    "product: record certificate",
    w.products.connect(authority).recordCertificate(p1, h("RegistrationCertificate"), h("cert")),
  );

  // Registration code steps (C36), measured once on a fresh product.
  await gas(
    "product: register (2 parents, 0 resources)",
    w.products
      .connect(operatorA)
      .registerProduct(productRequest(w, { scenarioId: op4, parentProductIds: [p1, p2], kind: 6 })),
  );
  const derived = await w.products.productCount();
  await gas("product code: apply", w.products.connect(operatorA).applyRegistration(derived, RegKind.Initial, h("m")));
  const appId = (await w.products.registrationOf(derived)).pendingApplication;
  await gas("product code: accept", w.products.connect(authority).acceptRegistration(appId, h("a")));
  await gas("product code: review", w.products.connect(authority).reviewRegistration(appId, true, h("r")));

  await gas(
    "product: register new version (4 resources)",
    w.products
      .connect(operatorA)
      .registerProduct(productRequest(w, { scenarioId: op4, resourceIds: r, previousVersionId: p2 })),
  );

  await gas(
    "product: register (tier 2, 4 resources)",
    w.products
      .connect(developerA)
      .registerProduct(productRequest(w, { holder: "developerA", scenarioId: dev4, resourceIds: r })),
  );
  const pd = await w.products.productCount();
  await gas("product: compliance review (tier 2)", w.products.connect(expert2).reviewProduct(pd, true, h("review")));
  await issueProductCode(w, developerA, pd);
  await gas("product: list (tier 2: cascade to parent)", w.products.connect(developerA).listProduct(pd));
  const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  rows.push(["view isUsable (tier 1), estimated", await w.products.isUsable.estimateGas(p1, now)]);
  rows.push(["view isUsable (tier 2), estimated", await w.products.isUsable.estimateGas(pd, now)]);
  await gas("product: delist", w.products.connect(developerA).delistProduct(pd, h("withdrawn"), STATEMENT));

  const width = Math.max(...rows.map(([l]) => l.length));
  console.log(`${"step".padEnd(width)}  gas`);
  for (const [label, used] of rows) console.log(`${label.padEnd(width)}  ${used.toString().padStart(7)}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
