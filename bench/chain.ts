/**
 * Generates (or loads) the bench chain of RECORDS events and prints what it holds.
 *
 *   RECORDS=10000 npx ts-node --transpile-only bench/chain.ts
 *   RECORDS=100000 FRESH=1 npx ts-node --transpile-only bench/chain.ts   # regenerate
 */
import { benchChain } from "./lib/bench-chain";

async function main() {
  const records = Number(process.env.RECORDS ?? 100_000);
  const chain = await benchChain({ records, fresh: process.env.FRESH === "1", txPerBlock: Number(process.env.TX_PER_BLOCK ?? 500) });
  try {
    console.log(JSON.stringify(chain.stats, null, 2));
    console.log(`deployment: ${chain.deploymentFile}`);
  } finally {
    await chain.anvil.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
