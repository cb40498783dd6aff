/**
 * `npm start`: the whole platform in one command.
 *
 * Embedded mode (no RPC_URL): anvil with its state under `<dataDir>/chain`, the contracts
 * deployed once (`<dataDir>/deployment.json`), the demo seeded on the first start, then the
 * ledger-service (indexer, API, explorer). External mode (RPC_URL + DEPLOYMENT_FILE): the service
 * only. Ctrl-C stops the HTTP server, then the indexer, then the chain (which dumps its state).
 *
 * Exit codes: 0 clean stop, 1 runtime failure, 2 bad configuration.
 *
 * External mode replaces the earlier service-only entry (RPC_URL=… DEPLOYMENT_FILE=… main.ts);
 * note that DATA_DIR is the root here and the LevelDB index lives in `<DATA_DIR>/index`.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { loadProfile, ProfileError } from "../../../policy/profile";
import { deployProvenantWith, type Deployment } from "../../../scripts/lib/deploy";
import { DEMO_KEYS, DevChainProvider, demoState, devWallet, readDemoSummary, seedDemo } from "../../../scripts/lib/demo";
import { readDemoReceipts, submitDemoReceipts } from "../../../scripts/lib/demo-receipts";
import { DeploymentError, errorMessage } from "../chain/errors";
import { startAnvil, type Anvil } from "./anvil";
import { createCommon } from "./common";
import { ConfigError, loadConfig } from "./config";
import { loadDeployment } from "./deployment";
import { ensurePortFree, LAUNCH_HELP, parseLaunchOptions, UsageError, type LaunchOptions } from "./launch";
import { startService, type Service } from "./service";
import { NodeKeyError } from "../node/key";

/** The deployment JSON of the embedded chain: the shared format plus the demo flag. */
export type EmbeddedDeployment = Deployment & { demo: boolean; embedded: true };

const DAY = 86_400;
/** How far in the past a new demo chain starts (the demo walks ~395 days forward). */
const DEMO_CHAIN_AGE = 400 * DAY;
/** A new chain without demo starts a little in the past so deployment never runs ahead of real time. */
const PLAIN_CHAIN_AGE = 3600;

const say = (line: string) => process.stdout.write(`${line}\n`);
/** The demo's platform node key: dev account #14, a signer key of operator A (scripts/lib/demo.ts). */
const DEMO_NODE_KEY = 14;

async function main(): Promise<number> {
  let opts: LaunchOptions | "help";
  try {
    opts = parseLaunchOptions(process.argv.slice(2));
  } catch (err) {
    return configFailure(err);
  }
  if (opts === "help") {
    say(LAUNCH_HELP);
    return 0;
  }
  const o = opts;
  const embedded = o.rpcUrl === undefined;

  let anvil: Anvil | undefined;
  let service: Service | undefined;
  let stopping: Promise<void> | undefined;

  async function shutdown(reason: string): Promise<void> {
    stopping ??= (async () => {
      say(`provenant: stopping (${reason})`);
      await service?.stop().catch((err: unknown) => say(`provenant: service stop: ${errorMessage(err)}`));
      if (anvil) {
        await anvil.stop();
        say(`provenant: chain state saved to ${anvil.stateFile}`);
      }
    })();
    return stopping;
  }
  let exitCode = 0;
  /** True once the service is up (the banner printed): a stop then ends in main's own return. */
  let running = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      say("provenant: second signal, exiting now");
      process.exit(130);
    }
    // While starting, the step in progress (a deploy, the demo seeding) may wait on the chain
    // that shutdown() just stopped: once everything is stopped, leave.
    void shutdown(signal).then(() => (running ? resolveDone() : process.exit(130)));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // Last resort on every way out (a second Ctrl-C, an exit in the middle of a stop, a throw):
  // never leave the chain running. SIGINT lets anvil write its state before it exits.
  let chainRunning = false;
  process.on("exit", () => {
    if (anvil?.pid !== undefined && chainRunning) {
      try {
        process.kill(anvil.pid, "SIGINT");
      } catch {
        // already gone
      }
    }
  });
  /** Throws when a signal arrived meanwhile: start no further step. */
  const checkNotStopping = () => {
    if (stopping) throw new StopRequested();
  };

  try {
    mkdirSync(o.dataDir, { recursive: true });
    if (embedded) await ensurePortFree(o.host, o.port, "PORT");

    let rpcUrl: string;
    let deploymentFile: string;
    let deployment: Deployment;
    let demo = false;
    if (embedded) {
      const profile = loadProfile(o.profile);
      await ensurePortFree("127.0.0.1", o.chainPort, "CHAIN_PORT");
      deploymentFile = o.deploymentFile ?? path.join(o.dataDir, "deployment.json");
      const stateFile = path.join(o.dataDir, "chain", "state.json");
      const hasState = existsSync(stateFile);
      const hasDeployment = existsSync(deploymentFile);
      if (!hasState && hasDeployment) {
        throw new UsageError([
          `${deploymentFile} exists but the chain state ${stateFile} does not: the chain was removed. ` +
            "Move the deployment file away (or use a new DATA_DIR) to deploy on a new chain.",
        ]);
      }
      if (hasState && demoState(o.dataDir) === "interrupted") {
        throw new UsageError([
          `the demo seeding in ${o.dataDir} was interrupted; its chain is half-seeded. Delete the data directory and start again.`,
        ]);
      }
      const seed = !hasState && o.demo;
      const wall = Math.floor(Date.now() / 1000);
      anvil = await startAnvil({
        dataDir: o.dataDir,
        port: o.chainPort,
        genesisTimestamp: wall - (seed ? DEMO_CHAIN_AGE : PLAIN_CHAIN_AGE),
      });
      const a = anvil;
      chainRunning = true;
      void a.exited.then(() => (chainRunning = false));
      if (stopping) {
        // The signal came while anvil was starting, when shutdown() had no chain to stop yet.
        await a.stop();
        checkNotStopping();
      }
      void a.exited.then((code) => {
        if (!stopping) {
          say(`provenant: the embedded chain exited unexpectedly (code ${code}); see ${path.join(o.dataDir, "chain", "anvil.log")}`);
          exitCode = 1;
          void shutdown("chain exited").then(resolveDone);
        }
      });
      rpcUrl = a.url;
      say(`provenant: chain ${a.fresh ? "created" : "resumed"} at ${rpcUrl} (state ${a.stateFile})`);
      const provider = new DevChainProvider(rpcUrl);
      if (!hasDeployment) {
        checkNotStopping();
        say(`provenant: deploying the contracts with policy profile ${profile.id}`);
        const { deployment: d } = await deployProvenantWith(devWallet(0, provider), {
          profile,
          log: (line) => say(`  ${line}`),
        });
        const record: EmbeddedDeployment = { ...d, demo: seed, embedded: true };
        const tmp = `${deploymentFile}.tmp`;
        writeFileSync(tmp, JSON.stringify(record, null, 2) + "\n");
        renameSync(tmp, deploymentFile);
        say(`provenant: deployment written to ${deploymentFile}`);
        if (seed) {
          checkNotStopping();
          say("provenant: seeding the demo (【演示】, dev keys; --no-demo skips this)");
          await seedDemo({ rpcUrl, deployment: d, profile, dataDir: o.dataDir, log: (line) => say(`  ${line}`) });
        } else {
          // Bring the clock from the genesis in the past to the wall clock.
          await provider.send("evm_setNextBlockTimestamp", [Math.floor(Date.now() / 1000)]);
          await provider.send("evm_mine", []);
        }
      }
      provider.destroy();
      deployment = loadDeployment(deploymentFile);
      demo = (deployment as Partial<EmbeddedDeployment>).demo === true;
      if (deployment.profile.id !== profile.id) {
        say(`provenant: note: this chain was deployed with profile ${deployment.profile.id}; PROVENANT_PROFILE=${profile.id} applies only to a new data directory`);
      }
    } else {
      rpcUrl = o.rpcUrl!;
      deploymentFile = o.deploymentFile!;
      deployment = loadDeployment(deploymentFile);
      demo = (deployment as Partial<EmbeddedDeployment>).demo === true;
      await ensurePortFree(o.host, o.port, "PORT");
    }

    // The embedded demo runs operator A's platform node with its dev key unless a key is given.
    const demoNode = embedded && demo && o.serviceEnv.NODE_KEYSTORE === undefined && o.serviceEnv.NODE_PRIVATE_KEY === undefined;
    const config = loadConfig({
      CONFIRMATIONS: embedded ? "0" : undefined,
      ...(demoNode ? { NODE_PRIVATE_KEY: devWallet(DEMO_NODE_KEY).privateKey } : {}),
      ...o.serviceEnv,
      RPC_URL: rpcUrl,
      DEPLOYMENT_FILE: deploymentFile,
      DATA_DIR: path.join(o.dataDir, "index"),
      PORT: String(o.port),
    });
    const common = createCommon(config);
    service = await startService(common, {
      deployment,
      host: o.host,
      health: (h) => ({ ...h, mode: embedded ? "embedded" : "external", demo, profile: deployment.profile.id }),
    });
    void service.indexer.done.catch((err: unknown) => {
      if (!stopping) {
        say(`provenant: the indexer stopped: ${errorMessage(err)}`);
        exitCode = 1;
        void shutdown("indexer failed").then(resolveDone);
      }
    });

    const base = `http://${o.host.includes(":") ? `[${o.host}]` : o.host}:${o.port}`;
    const node = service.node;
    running = true;
    say("");
    say("Provenant is running  (Ctrl-C to stop)");
    say(`  mode             ${embedded ? "embedded chain (anvil)" : "external chain"}${demo ? ", demo data (【演示】)" : ""}`);
    say(`  RPC URL          ${rpcUrl}`);
    say(`  API              ${base}/api/v1   (health: ${base}/api/v1/health, OpenAPI: ${base}/api/v1/openapi.json)`);
    say(`  explorer         ${base}/`);
    say(`  deployment file  ${deploymentFile}`);
    say(`  data directory   ${o.dataDir}`);
    say(`  policy profile   ${deployment.profile.id}`);
    if (demo) {
      const summary = readDemoSummary(o.dataDir);
      if (summary) say(`  demo             ${path.join(o.dataDir, "demo.json")} (ids of every demo record)`);
      say(`  dev keys         anvil's default mnemonic; ${DEMO_KEYS.map((k) => `#${k.index} ${k.key}`).join(", ")}`);
    }
    if (node) {
      say(`  platform node    participant ${node.identity.nodeId} (${node.identity.name}), key ${node.identity.address}`);
      say(`  receipt intake   POST ${base}/api/v1/receipts  (sign in with a signer key of the node's participant)`);
    }
    say(`  CLI              npx provenant status --api ${base}`);
    say("");
    if (demo && node && readDemoReceipts(o.dataDir) === undefined) {
      // Wait until the index has the demo's records: the intake checks every use against them.
      while (!stopping && service.indexer.health().status !== "ok") await new Promise((r) => setTimeout(r, 200));
      if (!stopping) {
        say("provenant: sending the demo's usage receipts through the platform node's intake (once)");
        try {
          await submitDemoReceipts({
            baseUrl: `http://127.0.0.1:${service.port}`,
            summary: readDemoSummary(o.dataDir)!,
            dataDir: o.dataDir,
            nodeKey: devWallet(DEMO_NODE_KEY),
            drain: () => node.batcher.drain(120_000),
            log: (line) => say(`  ${line}`),
          });
        } catch (err) {
          // Stopped meanwhile, or a fault: the next start sends them again (the intake is idempotent).
          if (!stopping) say(`provenant: the demo's receipts were not all sent (${errorMessage(err)}); the next start retries`);
        }
      }
    }
    if (stopping) await stopping; // a signal arrived while starting
    else await done;
  } catch (err) {
    if (stopping && (err instanceof StopRequested || anvil === undefined || !chainRunning)) {
      // Stopped by a signal while starting: the failure is the stop's consequence, not news.
      await stopping;
      return 130;
    }
    await shutdown("start failed").catch(() => undefined);
    if (err instanceof UsageError || err instanceof ConfigError || err instanceof ProfileError || err instanceof DeploymentError || err instanceof NodeKeyError) {
      return configFailure(err);
    }
    say(`provenant: ${errorMessage(err)}`);
    return 1;
  }
  return exitCode;
}

/** A signal arrived while the platform was starting: the start goes no further. */
class StopRequested extends Error {
  constructor() {
    super("stopped while starting");
  }
}

function configFailure(err: unknown): number {
  const message = err instanceof ConfigError ? err.problems.join("\n  ") : errorMessage(err);
  process.stderr.write(`provenant: ${message}\n(see npm start -- --help)\n`);
  return 2;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`provenant: ${errorMessage(err)}\n`);
    process.exit(1);
  },
);
