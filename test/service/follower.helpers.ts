/**
 * Shared world of the follower tests: a real anvil node, a loopback TCP proxy in front of it
 * (to cut the RPC endpoint mid-sync), a deployment through the production deploy path, cheap
 * registry events, a tiny test view, and in-process indexers with a silent logger.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { JsonRpcProvider, Wallet, id as keccakText, type Signer } from "ethers";
import pino from "pino";
import { deployProvenantWith, type Deployment, type ProvenantContracts } from "../../scripts/lib/deploy";
import { makeCreditCode } from "../../scripts/lib/creditCode";
import { loadProfile } from "../../policy/profile";
import { loadConfig } from "../../ledger-service/src/runtime/config";
import type { Common } from "../../ledger-service/src/runtime/common";
import type { JsonValue, View } from "../../ledger-service/src/store/types";
import { RESOURCE_TEXT } from "../helpers/texts";

export const ROOT = path.resolve(__dirname, "../..");
export const ANVIL_BIN = path.join(ROOT, "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

// ===== ANVIL =====

export interface Anvil {
  url: string;
  port: number;
  proc: ChildProcess;
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  stop(): Promise<void>;
}

/** `readyTimeoutMs`: how long anvil may take to answer (loading a big --load-state takes seconds). */
export async function startAnvil(extra: string[] = [], readyTimeoutMs = 20_000): Promise<Anvil> {
  const port = await freePort();
  return startChainProcess("anvil", ANVIL_BIN, ["--silent", "--host", "127.0.0.1", "--port", String(port), ...extra], port, readyTimeoutMs);
}

/**
 * A JSON-RPC node in a child process on loopback `port` (anvil, Hardhat's node): waits until it
 * answers eth_chainId, and stops with SIGKILL.
 */
export async function startChainProcess(what: string, command: string, args: string[], port: number, readyTimeoutMs: number): Promise<Anvil> {
  const proc = spawn(command, args, { cwd: ROOT, stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  const rpc = async <T,>(method: string, params: unknown[] = []): Promise<T> => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    const body = (await res.json()) as { result?: T; error?: { message: string } };
    if (body.error) throw new Error(`${method}: ${body.error.message}`);
    return body.result as T;
  };
  try {
    await waitFor(`${what} to answer`, async () => rpc("eth_chainId").then(() => true, () => false), readyTimeoutMs);
  } catch (err) {
    proc.kill("SIGKILL");
    throw err;
  }
  return {
    url,
    port,
    proc,
    rpc,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGKILL");
      await exited;
    },
  };
}

// ===== PROXY =====

/** A loopback TCP proxy: cut() refuses and drops every connection, restore() serves again. */
export interface Proxy {
  url: string;
  port: number;
  target: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startProxy(targetPort: number): Promise<Proxy> {
  const port = await freePort();
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  const state = { target: targetPort };
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const srv = net.createServer((client) => {
        const upstream = net.connect(state.target, "127.0.0.1");
        sockets.add(client);
        sockets.add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on("error", drop).on("close", drop);
        upstream.on("error", drop).on("close", drop);
        client.pipe(upstream);
        upstream.pipe(client);
      });
      srv.once("error", reject);
      srv.listen(port, "127.0.0.1", () => resolve());
      server = srv;
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      sockets.clear();
      if (!server) return resolve();
      server.close(() => resolve());
      server = undefined;
    });
  await listen();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get target() {
      return state.target;
    },
    set target(p: number) {
      state.target = p;
    },
    cut: stopListening,
    restore: listen,
    close: stopListening,
  };
}

// ===== WORLD =====

export interface TestWorld {
  provider: JsonRpcProvider;
  deployment: Deployment;
  deploymentFile: string;
  contracts: ProvenantContracts;
  authority: Signer;
  dept: Signer;
  deptId: bigint;
  /** Registers `n` participants (one ParticipantRegistered event each) and proposes `n` resources. */
  makeEvents(n: number): Promise<void>;
}

let serial = 1_000;

export async function deployTestWorld(url: string, dir: string): Promise<TestWorld> {
  const provider = new JsonRpcProvider(url, undefined, { staticNetwork: true, cacheTimeout: -1, pollingInterval: 20 });
  provider.pollingInterval = 20;
  const admin = await provider.getSigner(0);
  const authority = await provider.getSigner(1);
  const dept = await provider.getSigner(2);
  const { deployment, contracts } = await deployProvenantWith(admin, { profile: loadProfile("huizhou") });
  await (await contracts.hub.connect(admin).grantRole(keccakText("DATA_AUTHORITY"), await authority.getAddress())).wait();
  await (
    await contracts.participants
      .connect(authority)
      .register(3, "惠州市市场监督管理局", makeCreditCode(serial++), keccakText("dept"), [await dept.getAddress()])
  ).wait();
  const deptId = await contracts.participants.participantCount();
  const deploymentFile = path.join(dir, "deployment.json");
  writeFileSync(deploymentFile, JSON.stringify(deployment, null, 2));

  async function makeEvents(n: number) {
    const sent = [];
    for (let i = 0; i < n; i++) {
      const k = serial++;
      sent.push(
        await contracts.participants
          .connect(authority)
          .register(4, `运营机构 ${k}`, makeCreditCode(k), keccakText(`p${k}`), [Wallet.createRandom().address]),
      );
      sent.push(
        await contracts.catalog.connect(dept).proposeResource(deptId, {
          catalogKey: keccakText(`resource-${k}`),
          classification: 2,
          shareType: 2,
          openAttribute: 2,
          desensitized: k % 2 === 0,
          consent: 1,
          updateFrequency: 2,
          metadataHash: keccakText(`meta-${k}`),
        }, RESOURCE_TEXT),
      );
    }
    for (const tx of sent) await tx.wait();
  }
  return { provider, deployment, deploymentFile, contracts, authority, dept, deptId, makeEvents };
}

// ===== INDEXER =====

export function tmpDir(label: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `provenant-${label}-`));
}

export function testCommon(env: Record<string, string>): Common {
  const config = loadConfig({
    CONFIRMATIONS: "0",
    POLL_INTERVAL_MS: "20",
    RPC_TIMEOUT_MS: "2000",
    LOG_LEVEL: "silent",
    ...env,
  });
  return { config, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }) };
}

/**
 * The test view: every event by position, a counter per event name (read-modify-write, so undo
 * of updates is exercised) and the latest event per indexed id (overwrites and deletes).
 */
export function testView(): View {
  return {
    name: "test",
    async apply(tx, e) {
      const pos = `${String(e.blockNumber).padStart(10, "0")}:${String(e.logIndex).padStart(5, "0")}`;
      tx.put("events", pos, { contract: e.contract, event: e.event, args: e.args, blockHash: e.blockHash, ts: e.timestamp });
      const key = `${e.contract}.${e.event}`;
      const count = (await tx.get<number>("counts", key)) ?? 0;
      tx.put("counts", key, count + 1);
      const subject = (e.args.id ?? e.args.agreementId ?? e.args.authorizationId) as JsonValue | undefined;
      if (typeof subject === "string") {
        const prev = await tx.get<{ n: number }>("latest", subject);
        // Every third touch of a subject deletes its entry: deletes must unwind too.
        if (prev && prev.n % 3 === 2) tx.del("latest", subject);
        else tx.put("latest", subject, { n: (prev?.n ?? 0) + 1, event: e.event, at: pos });
      }
    },
  };
}
