/**
 * Deploys Provenant to the network Hardhat is pointed at and writes the deployment JSON.
 *
 *   PROVENANT_PROFILE=yangzhou PROVENANT_DEPLOYMENT_OUT=deployments/yangzhou.json \
 *     npx hardhat run scripts/deploy.ts --network target
 *
 * PROVENANT_PROFILE   policy profile id (default huizhou); see policy/profiles/
 * PROVENANT_DEPLOYMENT_OUT  where to write the deployment JSON (default deployments/<chainId>-<profile>.json)
 * PROVENANT_ADMIN_DELAY     seconds an admin hand-over of the hub must wait (default 0; use days in production)
 */
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import hre from "hardhat";
import { deployProvenant } from "./lib/deploy";
import { loadProfile, ProfileError } from "../policy/profile";

async function main(): Promise<void> {
  const profileId = process.env.PROVENANT_PROFILE ?? "huizhou";
  const delayText = process.env.PROVENANT_ADMIN_DELAY ?? "0";
  if (!/^\d+$/.test(delayText)) throw new Error(`PROVENANT_ADMIN_DELAY must be a whole number of seconds, got "${delayText}"`);
  const profile = loadProfile(profileId);
  const network = await hre.ethers.provider.getNetwork();
  const out =
    process.env.PROVENANT_DEPLOYMENT_OUT ?? path.join("deployments", `${network.chainId}-${profile.id}.json`);
  if (existsSync(out)) throw new Error(`${out} exists already: refusing to overwrite a deployment record`);
  console.log(`deploying Provenant to chain ${network.chainId} (${hre.network.name}) with profile ${profile.id}`);
  const { deployment } = await deployProvenant(hre, {
    profile,
    adminDelay: Number(delayText),
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
