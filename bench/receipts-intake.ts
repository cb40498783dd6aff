/**
 * Receipt intake throughput: durable receipts acknowledged per second by a platform node (the
 * whole service in its own process, on the seeded demo chain, receipts checked against the index
 * and made durable with a synced LevelDB write before the answer), with 1, 8 and 64 concurrent
 * clients sending 100 receipts per request. The ceiling, measured in the same run in interleaved
 * rounds, is the node store's own group-committed synced write of the same records with the
 * same concurrency and no HTTP, no validation, no checks, no signature. Prints figures; asserts
 * nothing.
 *
 *   npx ts-node --transpile-only bench/receipts-intake.ts
 *   DURATION=8 ROUNDS=3 CLIENTS=1,8,64 npx ts-node --transpile-only bench/receipts-intake.ts
 *   TOTAL=1000000 npx ts-node --transpile-only bench/receipts-intake.ts   # RSS after a million receipts
 *
 * Also: p50/p99 acknowledgement latency, time from acknowledgement to proof available (with
 * BATCH_MAX_AGE, default 1 s here), the node's RSS and CPU per receipt, the load average.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { id as keccakText } from "ethers";
import { devWallet } from "../scripts/lib/demo";
import { ACK_SIGNATURE_SCHEME, pseudonymousConsumer, purposeDigest, receiptToJson, type Receipt } from "../scripts/lib/receipts";
import { fastReceiptLeaf } from "../scripts/lib/receipt-tree";
import { KEY, openNodeStore, type Op } from "../ledger-service/src/node/store";
import { DEMO_NODE_KEY_INDEX, startDemoChain, type DemoChain } from "../test/service/helpers/demo-chain";
import { tmpDir } from "../test/service/follower.helpers";

const DURATION = Number(process.env.DURATION ?? 6); // bench-only knobs
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const CLIENTS = (process.env.CLIENTS ?? "1,8,64").split(",").map(Number);
const PER_REQUEST = Number(process.env.PER_REQUEST ?? 100);
const TOTAL = Number(process.env.TOTAL ?? 0);
const BATCH_MAX_AGE = process.env.BATCH_MAX_AGE ?? "1";

const load = () => os.loadavg()[0].toFixed(2);
const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

let serial = 0;
function makeReceipts(chain: DemoChain, n: number): Receipt[] {
  const now = Math.floor(Date.now() / 1000) - 2;
  return Array.from({ length: n }, () => {
    const k = ++serial;
    return {
      id: keccakText(`bench-${process.pid}-${k}`),
      nodeId: BigInt(chain.summary.participants.operatorA),
      authorizationId: BigInt(chain.summary.authorizations.operatorA),
      scenarioId: BigInt(chain.summary.scenarios.enterpriseCredit),
      productId: BigInt(chain.summary.products.creditIndex),
      resourceIds: [],
      consumer: pseudonymousConsumer(keccakText(`salt-${k % 997}`), `user-${k % 10_007}`),
      purpose: purposeDigest("企业信用评估"),
      recordCount: BigInt(1 + (k % 50)),
      requestDigest: keccakText(`req-${k}`),
      resultDigest: keccakText(`res-${k}`),
      chargingBasis: "Commercial",
      fee: BigInt(100 + (k % 400)),
      timestamp: now,
    };
  });
}

interface NodeChild {
  proc: ChildProcess;
  port: number;
  spawnedAt: number;
  listeningAt: number;
}

function startNode(chain: DemoChain, dir: string): Promise<NodeChild> {
  const spawnedAt = performance.now();
  const proc = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, "../test/service/node.child.ts")], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      RPC_URL: chain.anvil.url,
      DEPLOYMENT_FILE: chain.deploymentFile,
      DATA_DIR: path.join(dir, "index"),
      NODE_DATA_DIR: path.join(dir, "node"),
      NODE_PRIVATE_KEY: devWallet(DEMO_NODE_KEY_INDEX).privateKey,
      PORT: "0",
      CONFIRMATIONS: "0",
      POLL_INTERVAL_MS: "100",
      BATCH_MAX_AGE,
      LOG_LEVEL: "silent",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let buf = "";
    proc.stdout!.on("data", (c: Buffer) => {
      buf += c.toString();
      const m = /\{"port":(\d+)\}/.exec(buf);
      if (m) resolve({ proc, port: Number(m[1]), spawnedAt, listeningAt: performance.now() });
    });
    proc.once("exit", (code) => reject(new Error(`node exited (${code})`)));
  });
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const USER_HZ = 100;
/** User + system CPU of a process so far (fields 14 and 15 of /proc/<pid>/stat). */
const procStat = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return { cpuMs: ((Number(f[11]) + Number(f[12])) / USER_HZ) * 1000 };
};
const rssMb = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
};

async function call(port: number, route: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1${route}`, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function signIn(port: number): Promise<string> {
  const w = devWallet(DEMO_NODE_KEY_INDEX);
  const json = { "content-type": "application/json" };
  const c = await call(port, "/auth/challenge", { method: "POST", headers: json, body: JSON.stringify({ address: w.address }) });
  const signature = await w.signMessage(c.body.message as string);
  const t = await call(port, "/auth/token", { method: "POST", headers: json, body: JSON.stringify({ address: w.address, signature, nonce: c.body.nonce }) });
  if (t.status !== 200) throw new Error(`sign-in failed: ${JSON.stringify(t.body)}`);
  return t.body.token as string;
}

/** Ours: `clients` loops posting prepared bodies for DURATION seconds. */
async function roundOurs(chain: DemoChain, node: NodeChild, token: string, clients: number) {
  const expected = Math.ceil((clients <= 1 ? 3000 : 15_000) * DURATION / PER_REQUEST) + clients;
  const bodies = Array.from({ length: expected }, () => JSON.stringify({ receipts: makeReceipts(chain, PER_REQUEST).map(receiptToJson) }));
  const lat: number[] = [];
  let receipts = 0;
  let errors = 0;
  let next = 0;
  const cpu0 = procStat(node.proc.pid!).cpuMs;
  const t0 = performance.now();
  const until = t0 + DURATION * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until && next < bodies.length) {
        const body = bodies[next++];
        const s = performance.now();
        const res = await fetch(`http://127.0.0.1:${node.port}/api/v1/receipts`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body });
        const text = await res.text();
        if (res.status === 200) {
          receipts += PER_REQUEST;
          lat.push(performance.now() - s);
        } else {
          errors++;
          if (errors === 1) process.stderr.write(`intake answered ${res.status}: ${text.slice(0, 300)}\n`);
        }
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  const cpu = procStat(node.proc.pid!).cpuMs - cpu0;
  return { perSec: receipts / secs, p50: pct(lat, 50), p99: pct(lat, 99), errors, cpuUsPerReceipt: (cpu * 1000) / Math.max(1, receipts), exhausted: next >= bodies.length };
}

/** Ceiling: the node store's group-committed synced write of the same records, no HTTP. */
async function roundCeiling(chain: DemoChain, dir: string, clients: number) {
  const store = await openNodeStore(dir, 0);
  const lat: number[] = [];
  let receipts = 0;
  const t0 = performance.now();
  const until = t0 + DURATION * 1000;
  const ack = { scheme: ACK_SIGNATURE_SCHEME, nodeId: "1", root: keccakText("r"), count: PER_REQUEST, acknowledgedAt: 0, signer: "0x" + "11".repeat(20), signature: "0x" + "22".repeat(65) };
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        const rs = makeReceipts(chain, PER_REQUEST);
        const ops: Op[] = [{ type: "put", key: KEY.ack(++store.meta.acks), value: ack }];
        for (const r of rs) {
          const arrival = ++store.meta.arrivals;
          const leaf = fastReceiptLeaf(r);
          ops.push({ type: "put", key: KEY.receipt(r.id), value: { receipt: receiptToJson(r), leaf, ack: store.meta.acks, path: Array.from({ length: 7 }, () => leaf), flags: [], arrival, acceptedAt: Date.now() } });
          ops.push({ type: "put", key: KEY.pending(r.timestamp, arrival), value: { id: r.id, leaf, ts: r.timestamp, arrival, scenarioId: "1", productId: "1", resourceIds: [], fee: "1", at: Date.now() } });
        }
        const s = performance.now();
        await store.commit(ops);
        lat.push(performance.now() - s);
        receipts += PER_REQUEST;
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return { perSec: receipts / secs, p50: pct(lat, 50), p99: pct(lat, 99) };
}

async function ackToProof(chain: DemoChain, node: NodeChild, token: string, samples: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const rs = makeReceipts(chain, PER_REQUEST);
    const a = await call(node.port, "/receipts", { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ receipts: rs.map(receiptToJson) }) });
    if (a.status !== 200) throw new Error(`intake: ${JSON.stringify(a.body)}`);
    const acked = performance.now();
    for (;;) {
      const p = await call(node.port, `/receipts/${rs[PER_REQUEST - 1].id}/proof`);
      if (p.status === 200) break;
      if (p.status !== 409) throw new Error(`proof: ${p.status} ${JSON.stringify(p.body)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    out.push(performance.now() - acked);
  }
  return out;
}

async function main() {
  console.log(`receipt intake bench: ${ROUNDS} interleaved rounds of ${DURATION} s per client count, ${PER_REQUEST} receipts per request, BATCH_MAX_AGE ${BATCH_MAX_AGE} s, load ${load()}`);
  const t = performance.now();
  const chain = await startDemoChain("bench-intake");
  console.log(`demo chain seeded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const dir = tmpDir("bench-intake");
  let node: NodeChild | undefined;
  try {
    node = await startNode(chain, dir);
    const spawnToListen = node.listeningAt - node.spawnedAt;
    for (;;) {
      const h = await call(node.port, "/health");
      if (h.body.status === "ok") break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const spawnToReady = performance.now() - node.spawnedAt;
    console.log(`node: spawn → listening ${(spawnToListen / 1000).toFixed(2)} s, spawn → index caught up ${(spawnToReady / 1000).toFixed(2)} s`);
    const token = await signIn(node.port);
    // Warm-up (JIT, connection pool), not counted.
    await roundOurs(chain, node, token, 8).catch(() => undefined);

    console.log("\nclients  round  ours rec/s  ceiling rec/s  ratio  ours p50/p99 ms  ceiling p50/p99 ms  node CPU µs/receipt  load");
    const summary: Record<number, { ours: number[]; ceil: number[]; p50: number[]; p99: number[] }> = {};
    for (const c of CLIENTS) {
      summary[c] = { ours: [], ceil: [], p50: [], p99: [] };
      for (let r = 1; r <= ROUNDS; r++) {
        const ceil = await roundCeiling(chain, tmpDir("bench-ceiling"), c);
        const ours = await roundOurs(chain, node, token, c);
        summary[c].ours.push(ours.perSec);
        summary[c].ceil.push(ceil.perSec);
        summary[c].p50.push(ours.p50);
        summary[c].p99.push(ours.p99);
        console.log(
          `${String(c).padStart(7)}  ${String(r).padStart(5)}  ${ours.perSec.toFixed(0).padStart(10)}  ${ceil.perSec.toFixed(0).padStart(13)}  ${(ours.perSec / ceil.perSec).toFixed(2).padStart(5)}  ${`${ours.p50.toFixed(1)}/${ours.p99.toFixed(1)}`.padStart(15)}  ${`${ceil.p50.toFixed(1)}/${ceil.p99.toFixed(1)}`.padStart(18)}  ${ours.cpuUsPerReceipt.toFixed(0).padStart(19)}  ${load()}${ours.errors ? `  (${ours.errors} refused)` : ""}${ours.exhausted ? "  (ran out of prepared bodies)" : ""}`,
        );
      }
    }
    console.log("\nmedians:");
    const med = (xs: number[]) => pct(xs, 50);
    for (const c of CLIENTS) {
      const s = summary[c];
      console.log(`  ${String(c).padStart(2)} clients: ${med(s.ours).toFixed(0)} receipts/s acknowledged durably = ${(med(s.ours) / med(s.ceil)).toFixed(2)}× the synced-write ceiling (${med(s.ceil).toFixed(0)}/s); p50 ${med(s.p50).toFixed(1)} ms, p99 ${med(s.p99).toFixed(1)} ms`);
    }

    const proofs = await ackToProof(chain, node, token, 5);
    console.log(`\nacknowledgement → proof available: p50 ${(pct(proofs, 50) / 1000).toFixed(2)} s, max ${(Math.max(...proofs) / 1000).toFixed(2)} s (BATCH_MAX_AGE ${BATCH_MAX_AGE} s; load ${load()})`);
    console.log(`node RSS now ${rssMb(node.proc.pid!).toFixed(0)} MB`);

    if (TOTAL > 0) {
      console.log(`\nRSS while sending ${TOTAL} receipts (64 clients):`);
      let sent = 0;
      let mark = 0;
      while (sent < TOTAL) {
        const r = await roundOurs(chain, node, token, 64);
        sent += Math.round(r.perSec * DURATION);
        if (sent - mark >= 100_000 || sent >= TOTAL) {
          mark = sent;
          const h = await call(node.port, "/health");
          const b = (h.body.node as { batcher: { pending: number; unanchored: number } }).batcher;
          console.log(`  ${sent.toString().padStart(8)} receipts: RSS ${rssMb(node.proc.pid!).toFixed(0)} MB, ${r.perSec.toFixed(0)}/s, pending ${b.pending}, unanchored batches ${b.unanchored}, load ${load()}`);
        }
      }
    }
  } finally {
    node?.proc.kill("SIGKILL");
    await chain.anvil.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(chain.dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
