import { subtask } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import type { HardhatUserConfig, NetworkUserConfig } from "hardhat/types";
import "@nomicfoundation/hardhat-toolbox";

/** The one pinned compiler. The `solc` npm package must carry the same version (package.json). */
const SOLC_VERSION = "0.8.28";

// Nothing may download a compiler here: serve the wasm build shipped in the `solc` npm package.
subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) return runSuper();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solcPkg = require("solc/package.json") as { version: string };
  if (solcPkg.version !== SOLC_VERSION) {
    throw new Error(`solc npm package is ${solcPkg.version}, hardhat.config.ts pins ${SOLC_VERSION}`);
  }
  return {
    compilerPath: require.resolve("solc/soljson.js"),
    isSolcJs: true,
    version: SOLC_VERSION,
    longVersion: SOLC_VERSION,
  };
});

/**
 * Networks for real deployments come from the environment, never from this file:
 *   PROVENANT_NETWORK_URL   JSON-RPC endpoint (e.g. a Besu QBFT node of the consortium)
 *   PROVENANT_DEPLOYER_KEY  0x-prefixed private key of the deployer (the hub's first admin)
 */
function envNetwork(): Record<string, NetworkUserConfig> {
  const url = process.env.PROVENANT_NETWORK_URL;
  if (!url) return {};
  const key = process.env.PROVENANT_DEPLOYER_KEY;
  return { target: { url, accounts: key ? [key] : "remote" } };
}

const config: HardhatUserConfig = {
  solidity: {
    compilers: [{ version: SOLC_VERSION, settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: "cancun" } }],
    overrides: {
      // Anchored on every batch of every node: optimized for calls, not for deployment size.
      "contracts/ReceiptAnchor.sol": {
        version: SOLC_VERSION,
        settings: { optimizer: { enabled: true, runs: 1_000_000 }, evmVersion: "cancun", viaIR: true },
      },
    },
  },
  networks: {
    hardhat: { accounts: { count: 30 } },
    localhost: { url: process.env.PROVENANT_LOCAL_RPC ?? "http://127.0.0.1:8545" },
    ...envNetwork(),
  },
  paths: { tests: "test/contracts" },
  mocha: { timeout: 120_000 },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
  gasReporter: { enabled: process.env.REPORT_GAS === "1" },
};

export default config;
