/**
 * Deploys Provenant to the network Hardhat is pointed at and writes the deployment JSON.
 *
 *   PROVENANT_PROFILE=yangzhou PROVENANT_DEPLOYMENT_OUT=deployments/yangzhou.json \
 *     npx hardhat run scripts/deploy.ts --network target
 *
 * PROVENANT_PROFILE   policy profile id (default huizhou); see policy/profiles/
 * PROVENANT_DEPLOYMENT_OUT  where to write the deployment JSON (default deployments/<chainId>-<profile>.json)
 * PROVENANT_ADMIN_DELAY     seconds an admin hand-over of the hub must wait (default 0; use days in production)
 * PROVENANT_GOVERNANCE_DELAY  seconds a registry address change or a governance-role grant waits once
 *                           the hub is sealed (default 0 on chains 31337/1337, two days elsewhere). Outside
 *                           those chains the hub is sealed right after wiring, so the first governance
 *                           roles are scheduled (hub.scheduleRoleGrant) and executed after the delay.
 * PROVENANT_ALLOW_ZERO_GOVERNANCE_DELAY=1  accept a zero governance delay outside development (unsafe)
 */
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import hre from "hardhat";
import { deployProvenant, governanceDelayFor } from "./lib/deploy";
import { loadProfile, ProfileError } from "../policy/profile";

async function main(): Promise<void> {
  const profileId = process.env.PROVENANT_PROFILE ?? "huizhou";
  const delayText = process.env.PROVENANT_ADMIN_DELAY ?? "0";
  if (!/^\d+$/.test(delayText)) throw new Error(`PROVENANT_ADMIN_DELAY must be a whole number of seconds, got "${delayText}"`);
  const profile = loadProfile(profileId);
  const network = await hre.ethers.provider.getNetwork();
  const governanceDelay = governanceDelayFor(
    Number(network.chainId),
    process.env.PROVENANT_GOVERNANCE_DELAY,
    process.env.PROVENANT_ALLOW_ZERO_GOVERNANCE_DELAY === "1",
  );
  const out =
    process.env.PROVENANT_DEPLOYMENT_OUT ?? path.join("deployments", `${network.chainId}-${profile.id}.json`);
  if (existsSync(out)) throw new Error(`${out} exists already: refusing to overwrite a deployment record`);
  console.log(
    `deploying Provenant to chain ${network.chainId} (${hre.network.name}) with profile ${profile.id}, governance delay ${governanceDelay} s`,
  );
  const { deployment } = await deployProvenant(hre, {
    profile,
    adminDelay: Number(delayText),
    governanceDelay,
    log: (line) => console.log(`  ${line}`),
  });
  mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  writeFileSync(out, JSON.stringify(deployment, null, 2) + "\n");
  console.log(`deployment written to ${out}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof ProfileError ? `error: ${err.message}` : err);
  process.exitCode = 1;
});
