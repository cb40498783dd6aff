/**
 * A seeded demo chain for service tests: anvil started ~400 days in the past, the contracts
 * deployed and the demo world seeded (participants, catalog, authorizations — one of them
 * suspended —, agreements, scenarios, products). The platform node of the demo is operator A's
 * (dev account #14, a signer key of operator A).
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { loadProfile } from "../../../policy/profile";
import { deployProvenantWith, type Deployment } from "../../../scripts/lib/deploy";
import { DevChainProvider, devWallet, seedDemo, type DemoSummary } from "../../../scripts/lib/demo";
import { startAnvil, tmpDir, type Anvil } from "../follower.helpers";

export const DEMO_NODE_KEY_INDEX = 14;
export const DEMO_REGULATOR_KEY_INDEX = 3;

export interface DemoChain {
  anvil: Anvil;
  dir: string;
  deployment: Deployment;
  deploymentFile: string;
  summary: DemoSummary;
}

export async function startDemoChain(label: string): Promise<DemoChain> {
  const wall = Math.floor(Date.now() / 1000);
  const anvil = await startAnvil(["--accounts", "20", "--timestamp", String(wall - 400 * 86_400)]);
  const dir = tmpDir(label);
  const provider = new DevChainProvider(anvil.url);
  try {
    const profile = loadProfile("huizhou");
    const { deployment } = await deployProvenantWith(devWallet(0, provider), { profile });
    const deploymentFile = path.join(dir, "deployment.json");
    writeFileSync(deploymentFile, JSON.stringify(deployment, null, 2));
    const summary = await seedDemo({ rpcUrl: anvil.url, deployment, profile, dataDir: dir });
    return { anvil, dir, deployment, deploymentFile, summary };
  } catch (err) {
    await anvil.stop();
    throw err;
  } finally {
    provider.destroy();
  }
}
