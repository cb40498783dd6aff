/**
 * Entry script of the node crash test: the whole service as a platform node in its own process,
 * configured from the environment; prints one JSON line `{"port": N}` once it listens, so the
 * parent can send receipts and kill it (-9) at any moment.
 */
import pino from "pino";
import { loadConfig } from "../../ledger-service/src/runtime/config";
import { startService } from "../../ledger-service/src/runtime/service";

async function main() {
  const config = loadConfig();
  const common = { config, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }) };
  const service = await startService(common, { host: "127.0.0.1" });
  process.stdout.write(`${JSON.stringify({ port: service.port })}\n`);
  await service.indexer.done;
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
