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
import { startService, type Service } from "../../../ledger-service/src/runtime/service";
import { startAnvil, testCommon, tmpDir, waitFor, type Anvil } from "../follower.helpers";

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

/**
 * The ledger-service (real follower, views and API) over a demo chain, caught up with the chain's
 * head: `base` is its /api/v1. `stop` stops the service (the chain is the caller's).
 */
export async function serveDemoChain(chain: DemoChain, extra: Record<string, string> = {}): Promise<{ service: Service; base: string; caughtUp(): Promise<void>; stop(): Promise<void> }> {
  const service = await startService(
    testCommon({ RPC_URL: chain.anvil.url, DEPLOYMENT_FILE: chain.deploymentFile, DATA_DIR: path.join(tmpDir("demo-service"), "index"), PORT: "0", ...extra }),
    { host: "127.0.0.1" },
  );
  const caughtUp = async () => {
    const head = Number((await chain.anvil.rpc<{ number: string }>("eth_getBlockByNumber", ["latest", false])).number);
    await waitFor("the index to reach the chain's head", () => service.indexer.health().status === "ok" && service.indexer.health().indexedBlock === head, 120_000);
  };
  await caughtUp();
  return { service, base: `http://127.0.0.1:${service.port}/api/v1`, caughtUp, stop: () => service.stop() };
}
