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
      // The block this report brought the index to: the follower's own position moves only after
      // the report is applied, so health() still names the previous range here.
      const indexed = event.type === "block" ? event.blocks[event.blocks.length - 1].number : event.type === "reorg" ? event.ancestor.number : h.indexedBlock;
      process.stdout.write(`${JSON.stringify({ type: event.type, indexed, head: h.headBlock })}\n`);
    },
  });
  await indexer.done;
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
