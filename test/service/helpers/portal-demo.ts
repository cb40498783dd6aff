/**
 * The demo world served as `npm start` serves it: a seeded demo chain (helpers/demo-chain.ts),
 * the service with the explorer and operator A's platform node, and the demo's usage receipts
 * sent through the node's intake and anchored, so every page of the portal has records to show.
 * `base` is the explorer's origin (http://127.0.0.1:port).
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { devWallet } from "../../../scripts/lib/demo";
import { submitDemoReceipts } from "../../../scripts/lib/demo-receipts";
import { startService, type Service } from "../../../ledger-service/src/runtime/service";
import { testCommon, tmpDir, waitFor } from "../follower.helpers";
import { DEMO_NODE_KEY_INDEX, startDemoChain, type DemoChain } from "./demo-chain";

export interface PortalDemo {
  base: string;
  chain: DemoChain;
  service: Service;
  stop(): Promise<void>;
}

/**
 * The service with operator A's platform node (the demo's node key) on `chain`, its index in
 * `dir`, listening on 127.0.0.1 and caught up; `env` adds or overrides settings (BATCH_MAX…).
 */
export async function startDemoService(
  chain: DemoChain,
  dir: string,
  env: Record<string, string> = {},
  health?: NonNullable<Parameters<typeof startService>[1]>["health"],
): Promise<Service> {
  const service = await startService(
    testCommon({
      RPC_URL: chain.anvil.url,
      DEPLOYMENT_FILE: chain.deploymentFile,
      DATA_DIR: path.join(dir, "index"),
      PORT: "0",
      NODE_PRIVATE_KEY: devWallet(DEMO_NODE_KEY_INDEX).privateKey,
      ...env,
    }),
    { host: "127.0.0.1", ...(health ? { health } : {}) },
  );
  try {
    await waitFor("the index to catch up", () => service.indexer.health().status === "ok", 120_000);
  } catch (err) {
    await service.stop();
    throw err;
  }
  return service;
}

export async function startPortalDemo(label = "portal", opts: { receipts?: boolean } = {}): Promise<PortalDemo> {
  const chain = await startDemoChain(label);
  const dir = tmpDir(`${label}-service`);
  const nodeKey = devWallet(DEMO_NODE_KEY_INDEX);
  let service: Service | undefined;
  try {
    service = await startDemoService(chain, dir, { BATCH_MAX: "1000", BATCH_MAX_AGE: "3600" }, (h) => ({ ...h, mode: "embedded", demo: true, profile: chain.deployment.profile.id }));
    const s = service;
    const base = `http://127.0.0.1:${s.port}`;
    if (opts.receipts !== false && s.node) {
      const node = s.node;
      await submitDemoReceipts({ baseUrl: base, summary: chain.summary, dataDir: chain.dir, nodeKey, drain: () => node.batcher.drain(120_000) });
      await waitFor("the anchored batches in the index", async () => {
        const u = (await (await fetch(`${base}/api/v1/disclosures/usage`)).json()) as { batches: number };
        return u.batches >= 3;
      }, 60_000);
    }
    return {
      base,
      chain,
      service: s,
      async stop() {
        await s.stop();
        await chain.anvil.stop();
        rmSync(dir, { recursive: true, force: true });
        rmSync(chain.dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await service?.stop();
    await chain.anvil.stop();
    throw err;
  }
}

/** `npx ts-node --transpile-only test/service/helpers/portal-demo.ts`: serves the demo for looking at the pages by hand. */
if (require.main === module) {
  void startPortalDemo("portal-dev").then((d) => {
    console.log(`portal demo at ${d.base}/`);
    const stop = () => void d.stop().then(() => process.exit(0));
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
