/**
 * Options of `npm start` (runtime/main.ts): command-line flags over environment variables over
 * an optional JSON config file, validated once with a clear message per bad value. Together with
 * config.ts, the only place that reads process.env; the service's own settings (CONFIRMATIONS,
 * POLL_INTERVAL_MS, …) pass through to config.ts unchanged.
 */
import { existsSync, readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { z } from "zod";
import { listProfiles } from "../../../policy/profile";

export interface LaunchOptions {
  /** Root data directory: chain state, deployment JSON, index, demo markers. */
  dataDir: string;
  /** Policy profile id used when deploying (embedded mode). */
  profile: string;
  /** Seed the demo on a new embedded chain. */
  demo: boolean;
  /** API and explorer. */
  host: string;
  port: number;
  /** Embedded chain port. */
  chainPort: number;
  /** External mode when set (with deploymentFile). */
  rpcUrl?: string;
  deploymentFile?: string;
  /** Settings handed to config.ts (LOG_LEVEL, CONFIRMATIONS, …) as env-style strings. */
  serviceEnv: Record<string, string>;
  /** Where each value came from, for the banner. */
  configFile?: string;
}

export class UsageError extends Error {
  readonly retryable = false;
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0] : `invalid configuration:\n  ${problems.join("\n  ")}`);
    this.name = "UsageError";
  }
}

export const LAUNCH_HELP = `Usage: npm start -- [options]        (or: npx ts-node ledger-service/src/runtime/main.ts [options])

Starts the whole platform. Without RPC_URL: an embedded anvil chain with persistent state under
the data directory, the contracts deployed once, a demo seeded on first start, then the
ledger-service API and explorer. With RPC_URL and DEPLOYMENT_FILE: the service only.

Options (flag | environment variable | default):
  --data-dir DIR       DATA_DIR            ./data
  --profile ID         PROVENANT_PROFILE   huizhou   (${listProfiles().join(", ")})
  --no-demo            DEMO=false          demo on   (only matters on a new embedded chain)
  --reindex            REINDEX=1           off       (rebuild the index from the chain beside the
                                                      current one, which serves until the new one
                                                      has caught up: the way back from "diverged")
  --host HOST          HOST                127.0.0.1 (API and explorer)
  --port N             PORT                8080
  --chain-port N       CHAIN_PORT          8545      (embedded anvil, always on 127.0.0.1)
  --rpc-url URL        RPC_URL             unset     (set it to run against an external chain)
  --deployment FILE    DEPLOYMENT_FILE     <data-dir>/deployment.json
  --log-level LEVEL    LOG_LEVEL           warn      (fatal, error, warn, info, debug, trace, silent)
  --config FILE        PROVENANT_CONFIG    unset     (JSON object with any of the variables above)
  -h, --help

Service settings (environment or config file): CONFIRMATIONS (embedded default 0, else 2),
FINALITY_DEPTH, FINALIZED_TAG, POLL_INTERVAL_MS, MAX_BLOCK_RANGE, RPC_TIMEOUT_MS, ARTIFACTS_DIR,
RECORD_CACHE_MB (128). Prometheus metrics at GET /metrics (README "Operators' metrics"): METRICS=off
disables them, METRICS_PORT=N serves them alone on port N.

Platform node (receipt intake; README "Platform nodes"): NODE_KEYSTORE + NODE_KEYSTORE_PASSWORD_FILE
(or NODE_PRIVATE_KEY, development only), NODE_DATA_DIR (default <data-dir>/node), BATCH_MAX (4096),
BATCH_MAX_AGE (60 s), STRICT_INTAKE (0), ANCHOR_REPLACE_AFTER (120 s), NODE_KEY_CHECK_INTERVAL (30 s).
The embedded demo runs its platform node with the demo's dev key unless a node key is given.
`;

/** Keys a config file or the environment may set. */
const KEYS = [
  "DATA_DIR",
  "PROVENANT_PROFILE",
  "DEMO",
  "HOST",
  "PORT",
  "CHAIN_PORT",
  "RPC_URL",
  "DEPLOYMENT_FILE",
  "LOG_LEVEL",
] as const;
const SERVICE_KEYS = [
  "CONFIRMATIONS", "FINALITY_DEPTH", "FINALIZED_TAG", "POLL_INTERVAL_MS", "MAX_BLOCK_RANGE", "RPC_TIMEOUT_MS", "ARTIFACTS_DIR",
  "NODE_KEYSTORE", "NODE_KEYSTORE_PASSWORD_FILE", "NODE_PRIVATE_KEY", "NODE_DATA_DIR", "BATCH_MAX", "BATCH_MAX_AGE", "STRICT_INTAKE", "ANCHOR_REPLACE_AFTER",
  "NODE_KEY_CHECK_INTERVAL", "REINDEX", "AUTH_TOKEN_SECRET_FILE", "PUBLIC_URL", "METRICS", "METRICS_PORT", "RECORD_CACHE_MB",
] as const;

const FLAGS: Record<string, (typeof KEYS)[number] | "CONFIG"> = {
  "--data-dir": "DATA_DIR",
  "--profile": "PROVENANT_PROFILE",
  "--host": "HOST",
  "--port": "PORT",
  "--chain-port": "CHAIN_PORT",
  "--rpc-url": "RPC_URL",
  "--deployment": "DEPLOYMENT_FILE",
  "--log-level": "LOG_LEVEL",
  "--config": "CONFIG",
};

const port = (name: string) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `${name} must be a port number (1-65535)`)
    .transform(Number)
    .pipe(z.number().int().min(1, `${name} must be a port number (1-65535)`).max(65535, `${name} must be a port number (1-65535)`));

const schema = z.object({
  DATA_DIR: z.string().trim().min(1, "DATA_DIR must not be empty").default("./data"),
  PROVENANT_PROFILE: z
    .string()
    .trim()
    .default("huizhou")
    .superRefine((p, ctx) => {
      const known = listProfiles();
      if (!known.includes(p)) ctx.addIssue({ code: "custom", message: `unknown policy profile "${p}"; known profiles: ${known.join(", ")}` });
    }),
  DEMO: z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => ["true", "false", "1", "0", "yes", "no", "on", "off"].includes(v), 'DEMO must be "true" or "false"')
    .transform((v) => ["true", "1", "yes", "on"].includes(v))
    .default(true),
  HOST: z.string().trim().min(1).default("127.0.0.1").refine((h) => net.isIP(h) !== 0 || /^[a-zA-Z0-9.-]+$/.test(h), "HOST must be an IP address or a host name"),
  PORT: port("PORT").default(8080),
  CHAIN_PORT: port("CHAIN_PORT").default(8545),
  RPC_URL: z
    .string()
    .trim()
    .superRefine((u, ctx) => {
      let ok = false;
      try {
        ok = ["http:", "https:"].includes(new URL(u).protocol);
      } catch {
        ok = false; // not a URL at all
      }
      if (!ok) ctx.addIssue({ code: "custom", message: `RPC_URL "${u}" is not an http(s) URL such as http://127.0.0.1:8545` });
    })
    .optional(),
  DEPLOYMENT_FILE: z.string().trim().min(1).optional(),
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], { error: "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent" })
    .default("warn"),
});

/** Parses argv (without node and the script), the environment and the config file. */
export function parseLaunchOptions(argv: string[], env: Record<string, string | undefined> = process.env): LaunchOptions | "help" {
  const flags: Record<string, string> = {};
  let noDemo = false;
  let reindex = false;
  let configFile = env.PROVENANT_CONFIG || undefined;
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h" || arg === "--help") return "help";
    if (arg === "--no-demo") {
      noDemo = true;
      continue;
    }
    if (arg === "--reindex") {
      reindex = true;
      continue;
    }
    const [name, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const key = FLAGS[name];
    if (!key) {
      problems.push(`unknown option "${arg}" (see --help)`);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith("--"))) {
      problems.push(`option ${name} needs a value`);
      if (value?.startsWith("--")) i--;
      continue;
    }
    if (key === "CONFIG") configFile = value;
    else flags[key] = value;
  }
  if (problems.length > 0) throw new UsageError(problems);

  let fileValues: Record<string, string> = {};
  if (configFile) fileValues = readConfigFile(configFile);

  const raw: Record<string, string> = {};
  for (const key of KEYS) {
    const v = flags[key] ?? (env[key] !== undefined && env[key] !== "" ? env[key] : undefined) ?? fileValues[key];
    if (v !== undefined) raw[key] = v;
  }
  if (noDemo) raw.DEMO = "false";
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new UsageError(
      parsed.error.issues.map((i) => {
        const key = i.path.join(".");
        return i.message.includes(key) ? i.message : `${key}: ${i.message}`;
      }),
    );
  }
  const o = parsed.data;
  const dataDir = path.resolve(o.DATA_DIR);
  if (o.RPC_URL && !o.DEPLOYMENT_FILE) {
    throw new UsageError(["RPC_URL is set, so DEPLOYMENT_FILE is required (the JSON scripts/deploy.ts wrote for that chain)"]);
  }
  const deploymentFile = o.DEPLOYMENT_FILE ? path.resolve(o.DEPLOYMENT_FILE) : undefined;
  if (o.RPC_URL && deploymentFile) {
    if (!existsSync(deploymentFile)) throw new UsageError([`DEPLOYMENT_FILE ${deploymentFile} does not exist`]);
  }
  const serviceEnv: Record<string, string> = { LOG_LEVEL: o.LOG_LEVEL };
  for (const key of SERVICE_KEYS) {
    const v = (env[key] !== undefined && env[key] !== "" ? env[key] : undefined) ?? fileValues[key];
    if (v !== undefined) serviceEnv[key] = v;
  }
  if (reindex) serviceEnv.REINDEX = "1";
  return {
    dataDir,
    profile: o.PROVENANT_PROFILE,
    demo: o.DEMO,
    host: o.HOST,
    port: o.PORT,
    chainPort: o.CHAIN_PORT,
    rpcUrl: o.RPC_URL,
    deploymentFile,
    serviceEnv,
    configFile: configFile ? path.resolve(configFile) : undefined,
  };
}

function readConfigFile(file: string): Record<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new UsageError([`cannot read config file ${file}: ${(err as Error).message}`]);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new UsageError([`config file ${file} must hold a JSON object such as {"PORT": 8080}`]);
  }
  const out: Record<string, string> = {};
  const known = new Set<string>([...KEYS, ...SERVICE_KEYS]);
  const problems: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (!known.has(k)) problems.push(`config file ${file}: unknown key "${k}"`);
    else if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") out[k] = String(v);
    else problems.push(`config file ${file}: ${k} must be a string, number or boolean`);
  }
  if (problems.length > 0) throw new UsageError(problems);
  return out;
}

/** Resolves when `port` can be bound on `host`; throws UsageError naming the setting otherwise. */
export async function ensurePortFree(host: string, portNumber: number, setting: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once("error", (err: NodeJS.ErrnoException) => {
      reject(
        new UsageError([
          err.code === "EADDRINUSE"
            ? `${setting} ${portNumber} is already in use on ${host} (another Provenant or node running? pick another with ${setting}=…)`
            : `${setting} ${portNumber} cannot be bound on ${host}: ${err.message}`,
        ]),
      );
    });
    server.listen({ host, port: portNumber, exclusive: true }, () => server.close(() => resolve()));
  });
}
