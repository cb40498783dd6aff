/**
 * The embedded chain: anvil from the npm package @foundry-rs/anvil, listening on loopback, its
 * state in `<dataDir>/chain/state.json`. anvil loads that file at start (`--state`), rewrites it
 * every `--state-interval` seconds and once more when it exits on SIGINT or SIGTERM, so stopping
 * and starting again keeps every block, receipt and log.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, writeSync } from "node:fs";
import path from "node:path";

export interface AnvilOptions {
  /** Root data directory; the chain lives in `<dataDir>/chain`. */
  dataDir: string;
  port: number;
  /** Dev accounts to fund (default 20). */
  accounts?: number;
  /** Chain id (default anvil's 31337). */
  chainId?: number;
  /**
   * Genesis block time (seconds), only honoured when the chain is created (no state file yet).
   * The demo starts the chain in the past and walks it forward to the wall clock.
   */
  genesisTimestamp?: number;
  /** Seconds between state dumps (default 1). */
  stateIntervalSeconds?: number;
  /** Receives anvil's stdout/stderr lines (default: dropped; they also go to chain/anvil.log). */
  onLine?: (line: string) => void;
  /** How long to wait for the RPC to answer (default 30 s). */
  readyTimeoutMs?: number;
}

export interface Anvil {
  url: string;
  /** The state file (may not exist before the first dump). */
  stateFile: string;
  /** True when this start created a new chain (there was no state file). */
  fresh: boolean;
  pid: number | undefined;
  /** Resolves with the exit code when anvil exits for any reason. */
  exited: Promise<number | null>;
  /** SIGINT, wait for the final state dump and exit (SIGKILL after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<void>;
}

export class AnvilError extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = "AnvilError";
  }
}

/** Command and leading args that run anvil: the platform binary if installed, else `npx anvil`. */
export function resolveAnvil(): { command: string; args: string[] } {
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  const platformPackage = `@foundry-rs/anvil-${process.platform}-${arch}`;
  const exe = process.platform === "win32" ? "anvil.exe" : "anvil";
  try {
    const pkgJson = require.resolve(`${platformPackage}/package.json`);
    const bin = path.join(path.dirname(pkgJson), "bin", exe);
    if (existsSync(bin)) return { command: bin, args: [] };
  } catch {
    // the optional platform package is not installed: fall back to the launcher below
  }
  return { command: process.platform === "win32" ? "npx.cmd" : "npx", args: ["--no-install", "anvil"] };
}

/** Starts anvil and resolves once its RPC answers eth_chainId. */
export async function startAnvil(opts: AnvilOptions): Promise<Anvil> {
  const chainDir = path.join(opts.dataDir, "chain");
  mkdirSync(chainDir, { recursive: true });
  const stateFile = path.join(chainDir, "state.json");
  const fresh = !existsSync(stateFile);
  const url = `http://127.0.0.1:${opts.port}`;
  const { command, args } = resolveAnvil();
  const argv = [
    ...args,
    "--host",
    "127.0.0.1",
    "--port",
    String(opts.port),
    "--state",
    stateFile,
    "--state-interval",
    String(opts.stateIntervalSeconds ?? 1),
    "--accounts",
    String(opts.accounts ?? 20),
    "--chain-id",
    String(opts.chainId ?? 31337),
  ];
  if (fresh && opts.genesisTimestamp !== undefined) argv.push("--timestamp", String(opts.genesisTimestamp));

  const logFd = openSync(path.join(chainDir, "anvil.log"), "a");
  const child: ChildProcess = spawn(command, argv, {
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: a Ctrl-C in the terminal reaches us first, and we stop the chain
    // last, after the service, so the final state dump sees every block.
    detached: process.platform !== "win32",
  });
  let output = "";
  const onData = (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    output = (output + text).slice(-4000);
    try {
      writeSync(logFd, text);
    } catch {
      // the log file is a convenience; anvil keeps running without it
    }
    if (opts.onLine) for (const line of text.split("\n")) if (line.trim()) opts.onLine(line);
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);

  const exited = new Promise<number | null>((resolve) => {
    child.on("exit", (code, signal) => {
      closeSync(logFd);
      resolve(code ?? (signal ? 128 : null));
    });
    child.on("error", (err) => {
      output += `\n${err.message}`;
      resolve(null);
    });
  });
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (hasExited) {
      throw new AnvilError(`anvil exited before it was ready (${command} ${argv.join(" ")}):\n${output.trim()}`);
    }
    if (await answers(url)) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new AnvilError(`anvil did not answer on ${url} within ${opts.readyTimeoutMs ?? 30_000} ms:\n${output.trim()}`);
    }
    await sleep(100);
  }

  return {
    url,
    stateFile,
    fresh,
    pid: child.pid,
    exited,
    async stop(timeoutMs = 15_000) {
      if (hasExited) return;
      child.kill("SIGINT");
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(1000),
    });
    return res.ok;
  } catch {
    return false; // not listening yet
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
