/**
 * Process entry: configuration from the environment, the service, and a clean shutdown.
 *   RPC_URL=http://127.0.0.1:8545 DEPLOYMENT_FILE=deployments/local.json npx ts-node ledger-service/src/runtime/main.ts
 */
import { ConfigError, loadConfig } from "./config";
import { createCommon } from "./common";
import { startService } from "./service";

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const common = createCommon(config);
  const service = await startService(common);
  const shutdown = (signal: string) => {
    common.logger.info({ signal }, "shutting down");
    service.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
  await service.indexer.done.catch((err: unknown) => {
    common.logger.fatal({ err }, "indexer failed");
    process.exitCode = 1;
  });
}

void main();
