/**
 * The service configuration, parsed once from the environment. The only module that reads
 * process.env; everything else receives the parsed Config through `common`.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { DEFAULT_CACHE_MB } from "../store/cache";
import { THREADABLE_VIEWS } from "../views/threadable";

const REPO_ROOT = path.resolve(__dirname, "../../..");

const int = (name: string, min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .pipe(z.number().int().min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`))
    .optional()
    .transform((v) => v ?? fallback);

export const configSchema = z.object({
  /** JSON-RPC endpoint of any EVM node. */
  RPC_URL: z
    .string({ error: "RPC_URL is required (e.g. http://127.0.0.1:8545)" })
    .trim()
    .url("RPC_URL must be a URL such as http://127.0.0.1:8545")
    .refine((u) => /^https?:/.test(u), "RPC_URL must be http(s)"),
  /** The deployment JSON written by scripts/deploy.ts. */
  DEPLOYMENT_FILE: z.string({ error: "DEPLOYMENT_FILE is required (the JSON scripts/deploy.ts writes)" }).trim().min(1),
  /** LevelDB directory. */
  DATA_DIR: z.string().trim().min(1).optional().transform((v) => v ?? path.join(REPO_ROOT, "data", "index")),
  /** Hardhat artifacts holding the ABIs of the deployed contracts. */
  ARTIFACTS_DIR: z.string().trim().min(1).optional().transform((v) => v ?? path.join(REPO_ROOT, "artifacts")),
  /** Blocks behind the head the follower stays. */
  CONFIRMATIONS: int("CONFIRMATIONS", 0, 1000, 2),
  /** Blocks behind the head taken as final when the node has no `finalized` tag. */
  FINALITY_DEPTH: int("FINALITY_DEPTH", 1, 100_000, 64),
  /** "auto": trust the node's `finalized` tag when it has one; "off": use FINALITY_DEPTH only. */
  FINALIZED_TAG: z.enum(["auto", "off"], { error: 'FINALIZED_TAG must be "auto" or "off"' }).optional().transform((v) => v ?? "auto"),
  POLL_INTERVAL_MS: int("POLL_INTERVAL_MS", 10, 600_000, 1000),
  /** Largest eth_getLogs block range (shrunk automatically on errors). */
  MAX_BLOCK_RANGE: int("MAX_BLOCK_RANGE", 1, 1_000_000, 2000),
  RPC_TIMEOUT_MS: int("RPC_TIMEOUT_MS", 100, 600_000, 15_000),
  PORT: int("PORT", 0, 65535, 8080),
  /** Megabytes (of JSON) of index records the API keeps decoded in memory (store/cache.ts); 0 disables it. */
  RECORD_CACHE_MB: int("RECORD_CACHE_MB", 0, 65_536, DEFAULT_CACHE_MB),
  /**
   * Views applied in a worker thread beside the others while indexing (store/view-worker.ts), as a
   * comma-separated list of view names (e.g. usage: about half the work of a chain of receipt
   * batches); "none" (the default): all in the main thread. On the bench's 2 cores, shared with the
   * chain node, the worker did not make catch-up faster (docs/PERFORMANCE.md, "Indexer").
   */
  VIEW_WORKER: z
    .string()
    .trim()
    .regex(/^(none|[a-z-]+(,[a-z-]+)*)$/, 'VIEW_WORKER must be "none" or view names separated by commas (e.g. usage)')
    .optional()
    .transform((v) => (v === undefined || v === "none" ? [] : [...new Set(v.split(","))]))
    .refine((names) => names.every((n) => n in THREADABLE_VIEWS), `VIEW_WORKER: only these views can run in the worker: ${Object.keys(THREADABLE_VIEWS).join(", ")}`),
  /** "off": no /metrics. Otherwise Prometheus metrics at GET /metrics (README "Operators' metrics"). */
  METRICS: z.enum(["on", "off"], { error: 'METRICS must be "on" or "off"' }).optional().transform((v) => v ?? "on"),
  /** Serve /metrics alone on this port (e.g. reachable only from the monitoring network); unset: on PORT. */
  METRICS_PORT: int("METRICS_PORT", 0, 65535, -1).transform((v) => (v === -1 ? undefined : v)),
  // ----- platform node (receipt intake); absent: a read-only replica -----
  /** Encrypted JSON keystore of the node key (a signer key of the node's participant holding PLATFORM_NODE). */
  NODE_KEYSTORE: z.string().trim().min(1).optional(),
  /** File holding the keystore's password (never the password itself in the environment). */
  NODE_KEYSTORE_PASSWORD_FILE: z.string().trim().min(1).optional(),
  /** A raw node private key, for development only (the demo's dev keys). */
  NODE_PRIVATE_KEY: z
    .string()
    .trim()
    .regex(/^0x[0-9a-fA-F]{64}$/, "NODE_PRIVATE_KEY must be a 0x-prefixed 32-byte hex key")
    .optional(),
  /** The node's own LevelDB (receipts, acknowledgements, batches); default `<DATA_DIR>/../node`. */
  NODE_DATA_DIR: z.string().trim().min(1).optional(),
  /** A batch closes at this many receipts... */
  BATCH_MAX: int("BATCH_MAX", 1, 65_536, 4096),
  /** ...or when its oldest receipt has waited this many seconds. */
  BATCH_MAX_AGE: int("BATCH_MAX_AGE", 1, 86_400, 60),
  /** "1": refuse receipts that break a rule instead of recording them flagged. */
  STRICT_INTAKE: z
    .enum(["0", "1", "true", "false"], { error: 'STRICT_INTAKE must be "1" or "0"' })
    .optional()
    .transform((v) => v === "1" || v === "true"),
  /** Seconds between the node's re-checks that its key may still act for the node (role, binding, participant status). */
  NODE_KEY_CHECK_INTERVAL: int("NODE_KEY_CHECK_INTERVAL", 1, 86_400, 30),
  /** Seconds an anchor transaction may stay unmined before it is replaced with higher fees. */
  ANCHOR_REPLACE_AFTER: int("ANCHOR_REPLACE_AFTER", 5, 86_400, 120),
  /**
   * File holding the secret that signs API tokens (hex, at least 32 bytes). Replicas behind one
   * load balancer share it, so a token one issued works on all and survives restarts; without it
   * each process draws its own.
   */
  AUTH_TOKEN_SECRET_FILE: z.string().trim().min(1).optional(),
  /** The URL users reach the API at (EIP-4361 sign-in messages name its host); default http://HOST:PORT. */
  PUBLIC_URL: z
    .string()
    .trim()
    .url("PUBLIC_URL must be a URL such as https://provenant.example.gov.cn")
    .refine((u) => /^https?:/.test(u), "PUBLIC_URL must be http(s)")
    .optional(),
  /**
   * "1": rebuild the index from the deployment block into a new directory beside DATA_DIR while
   * the existing index keeps serving, then take its place (the way back from a diverged index).
   */
  REINDEX: z
    .enum(["0", "1", "true", "false"], { error: 'REINDEX must be "1" or "0"' })
    .optional()
    .transform((v) => v === "1" || v === "true"),
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
      error: "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent",
    })
    .optional()
    .transform((v) => v ?? "info"),
});

export type Config = z.output<typeof configSchema>;

export class ConfigError extends Error {
  readonly retryable = false;
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join("\n  ")}`);
    this.name = "ConfigError";
  }
}

/** Parses the configuration; throws ConfigError listing every bad value. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const relevant: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== "") relevant[key] = v;
  }
  const parsed = configSchema.safeParse(relevant);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const key = i.path.join(".");
        return i.message.startsWith(key) ? i.message : `${key}: ${i.message}`;
      }),
    );
  }
  const c = parsed.data;
  const problems: string[] = [];
  if (c.NODE_KEYSTORE !== undefined && c.NODE_PRIVATE_KEY !== undefined) problems.push("NODE_KEYSTORE and NODE_PRIVATE_KEY: give one node key, not both");
  if (c.NODE_KEYSTORE !== undefined && c.NODE_KEYSTORE_PASSWORD_FILE === undefined) problems.push("NODE_KEYSTORE_PASSWORD_FILE is required with NODE_KEYSTORE");
  if (c.AUTH_TOKEN_SECRET_FILE !== undefined) {
    try {
      readTokenSecret(c.AUTH_TOKEN_SECRET_FILE);
    } catch (err) {
      problems.push(`AUTH_TOKEN_SECRET_FILE: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return c;
}

/** The token secret in `file`: hex (0x optional) of at least 32 bytes, surrounding white space ignored. */
export function readTokenSecret(file: string): Uint8Array {
  let text: string;
  try {
    text = readFileSync(file, "utf8").trim();
  } catch {
    throw new Error(`cannot read ${file}`);
  }
  const hex = text.replace(/^0x/i, "");
  if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length % 2 !== 0) throw new Error(`${file} must hold a hex secret (e.g. openssl rand -hex 32)`);
  if (hex.length < 64) throw new Error(`${file} holds ${hex.length / 2} bytes; a token secret needs at least 32`);
  return Buffer.from(hex, "hex");
}

/** True when the configuration names a node key: the instance runs as a platform node. */
export const isNodeConfig = (c: Config): boolean => c.NODE_KEYSTORE !== undefined || c.NODE_PRIVATE_KEY !== undefined;

/** Where the node keeps its receipts. */
export const nodeDataDir = (c: Config): string => c.NODE_DATA_DIR ?? path.join(path.dirname(c.DATA_DIR), "node");
