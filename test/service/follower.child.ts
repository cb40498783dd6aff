/**
 * Entry script of the crash test: an indexer with the test view in its own process, configured
 * from the environment; prints one JSON line per applied report so the parent can kill it
 * mid-catch-up.
 */
import pino from "pino";
import { loadConfig } from "../../ledger-service/src/runtime/config";
import { startIndexer } from "../../ledger-service/src/runtime/service";
import { testView } from "./follower.helpers";

async function main() {
  const config = loadConfig();
  const common = { config, logger: pino({ level: "silent" }) };
  const indexer = await startIndexer(common, {
    views: [testView()],
    onApplied(event) {
      const h = indexer.health();
      process.stdout.write(`${JSON.stringify({ type: event.type, indexed: h.indexedBlock, head: h.headBlock })}\n`);
    },
  });
  await indexer.done;
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
