/**
 * The bench chain: a city's year of public-data authorized operation, sent through the real
 * contracts on anvil, in proportions a city of that size would plausibly see. The unit of scale is
 * a developer (二级开发主体): each one applies under an operator, goes through grant confirmation,
 * pre-review, the expert quorum, a decision, a notice of the profile's working days, an agreement
 * signed off chain (EIP-712) and filed, activation, a reviewed scenario and a registered, reviewed,
 * listed product (some with lineage to earlier products). Around them: the authority, the agency,
 * source departments with catalog entries and registration codes, a call selecting the operators,
 * objections and quality feedback traced level by level, suspensions for rectification and their
 * reinstatement, annual reports and disclosures at the turn of the year, and the platform nodes'
 * receipt batches (`anchorBatch`) every few hours all year long.
 *
 * Throughput: anvil runs with automine off and unlocked impersonation; each step of the lifecycle
 * is one wave of transactions for every developer of a cohort, sent as JSON-RPC batches of
 * `eth_sendTransaction` with explicit nonces and mined TX_PER_BLOCK to a block at a chosen time.
 * Every block's receipts are checked (status and count), and ids are read from the events.
 *
 * Dates: the chain starts about 400 days before the wall clock (anvil --timestamp) and the year is
 * walked forward with evm_setNextBlockTimestamp; notice ends come from the chain's own
 * WorkingDayCalendar (the same count the service checks), as in scripts/lib/demo.ts.
 */
import {
  Interface,
  Wallet,
  dataSlice,
  encodeBytes32String,
  getAddress,
  id as keccakText,
  type ParamType,
  type Signer,
} from "ethers";
import type { PolicyProfile } from "../../policy/profile";
import { AgreementKind, agreementScopeDigest, buildOdrlAgreement, odrlTermsDigest, signAgreement, type AgreementKindValue } from "../../scripts/lib/agreements";
import { makeCreditCode } from "../../scripts/lib/creditCode";
import { publicText, statement } from "../../scripts/lib/public-text";
import { devWallet } from "../../scripts/lib/demo";
import type { Deployment, RegistryName } from "../../scripts/lib/deploy";
import { encodeUsageWord, type BatchRequest, type UsageEntry } from "../../scripts/lib/receipts";
import {
  AgreementRegistry__factory,
  AuthorizationRegistry__factory,
  OversightRegistry__factory,
  ParticipantRegistry__factory,
  ProductRegistry__factory,
  ProvenantHub__factory,
  ReceiptAnchor__factory,
  ResourceCatalog__factory,
  ScenarioRegistry__factory,
  WorkingDayCalendar__factory,
} from "../../typechain-types";

export const DAY = 86_400;
const HOUR = 3600;
const h = (label: string): string => keccakText(`provenant-bench:${label}`);
const asc = (ids: bigint[]): bigint[] => [...new Set(ids)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** Enum values of contracts/common/Types.sol and the interfaces (as the demo uses them). */
const Kind = { DataAuthority: 1, ImplementingAgency: 2, SourceDepartment: 3, Operator: 4, Developer: 5 } as const;
const Mode = { Comprehensive: 1 } as const;
const RegInitial = 1;
const ProductKind = { Dataset: 1, Api: 2, Indicator: 3, Report: 4 } as const;
const bases = (...b: number[]): number => b.reduce((m, x) => m | (1 << x), 0);
const CaseKind = { Objection: 1, QualityFeedback: 2 } as const;
const Subject = { Resource: 1, Product: 2 } as const;
const Outcome = { Corrected: 1, Confirmed: 2 } as const;
const ReportKind = { AnnualReport: 3 } as const;
const chinaYear = (t: number): number => new Date((t + 8 * 3600) * 1000).getUTCFullYear();
const chinaYearStart = (y: number): number => Date.UTC(y, 0, 1) / 1000 - 8 * 3600;

/** A deterministic pseudo-random sequence (the same chain for the same parameters). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ===== PUBLIC TEXT =====

/**
 * Public texts (issue 12): where the compiled ABI takes a `string` the bench did not pass (a
 * trailing parameter or a request struct's field), a plausible JSON text fills it, shaped by what
 * the function records. Written against the ABI rather than a fixed signature, so the generator
 * follows the contracts as their text parameters appear.
 */
function textFor(fn: string, param: string, label: string): string {
  if (param !== "publicText") return publicText({ reason: `${label}：依据管理规范作出决定` });
  switch (fn) {
    case "proposeResource":
    case "proposeChange":
      return publicText({ name: `公共数据资源 ${label}`, description: `数源部门按目录提供的${label}数据，按日更新。` });
    case "proposeScenario":
      return publicText({ name: `应用场景 ${label}`, purpose: `面向企业和公众的${label}服务，不含个人信息。` });
    case "registerProduct":
      return publicText({ name: `数据产品 ${label}`, description: `基于授权数据加工的${label}。`, serviceMode: "接口调用", price: "按次计费" });
    case "publishCall":
      return publicText({ title: `公共数据授权运营主体征集公告 ${label}` });
    case "propose":
      return publicText({ title: `授权运营协议 ${label}` });
    case "publishProfile":
    case "register":
      return publicText({ contact: `政务服务热线 12345（${label}）`, website: "https://example.gov.cn" });
    default:
      return publicText({ name: label });
  }
}

function fill(fn: string, p: ParamType, value: unknown, label: string): unknown {
  if (p.baseType === "tuple" && value && typeof value === "object" && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const c of p.components ?? []) {
      if (c.name in obj) out[c.name] = fill(fn, c, obj[c.name], label);
      else if (c.baseType === "string") out[c.name] = textFor(fn, c.name, label);
      else throw new Error(`${fn}: no value for ${p.name}.${c.name}`);
    }
    return out;
  }
  return value;
}

// ===== SENDING =====

type ContractKey = RegistryName | "ProvenantHub";

const IFACES: Record<ContractKey, Interface> = {
  ProvenantHub: new Interface(ProvenantHub__factory.abi),
  ParticipantRegistry: new Interface(ParticipantRegistry__factory.abi),
  ResourceCatalog: new Interface(ResourceCatalog__factory.abi),
  AuthorizationRegistry: new Interface(AuthorizationRegistry__factory.abi),
  AgreementRegistry: new Interface(AgreementRegistry__factory.abi),
  ScenarioRegistry: new Interface(ScenarioRegistry__factory.abi),
  ProductRegistry: new Interface(ProductRegistry__factory.abi),
  OversightRegistry: new Interface(OversightRegistry__factory.abi),
  ReceiptAnchor: new Interface(ReceiptAnchor__factory.abi),
  WorkingDayCalendar: new Interface(WorkingDayCalendar__factory.abi),
};

interface PendingTx {
  from: string;
  to: string;
  data: string;
  label: string;
  /** The event whose first indexed argument is the id this transaction creates. */
  idTopic?: string;
  contract: ContractKey;
  resolve(id: bigint): void;
}

interface RpcAnswer<T> {
  id: number;
  result?: T;
  error?: { message: string; data?: string };
}

interface TxReceipt {
  transactionHash: string;
  status: string;
  logs: { address: string; topics: string[] }[];
}

interface TxLog {
  address: string;
  topics: string[];
  transactionHash: string;
}

/**
 * Batches transactions into blocks with explicit nonces, mines each block at the clock's time,
 * checks every receipt and resolves the ids the transactions created.
 */
export class ChainWriter {
  private readonly nonces = new Map<string, number>();
  private readonly funded = new Set<string>();
  private queue: PendingTx[] = [];
  /** Timestamp of the latest mined block. */
  clock = 0;
  txs = 0;
  events = 0;
  blocks = 0;
  /** Where the generator's time went (ms): encoding here, sending, mining, reading receipts. */
  readonly ms = { encode: 0, send: 0, mine: 0, receipts: 0 };
  readonly byEvent = new Map<string, number>();
  private readonly eventNames = new Map<string, string>();

  /**
   * How each mined block is checked. "receipts": every transaction's receipt (status and logs).
   * "logs": the block's logs alone, for writers whose every transaction emits at least one event
   * when it succeeds (a reverted transaction emits none): a transaction without a log in the
   * block is a failure, and its receipt is then read to say why. anvil answers eth_getLogs for a
   * block of thousands of transactions ~40x faster than eth_getBlockReceipts, whose cost also
   * grows with the chain (receipt batches: bench-chain.ts's large size).
   */
  check: "receipts" | "logs" = "receipts";

  constructor(
    readonly url: string,
    readonly addresses: Record<ContractKey, string>,
    readonly txPerBlock: number,
  ) {
    for (const iface of Object.values(IFACES)) iface.forEachEvent((e) => this.eventNames.set(e.topicHash, e.name));
  }

  async rpc<T>(method: string, params: unknown[] = []): Promise<T> {
    const [a] = await this.batch<T>([{ method, params }]);
    if (a.error) throw new Error(`${method}: ${a.error.message}`);
    return a.result as T;
  }

  async batch<T>(calls: { method: string; params: unknown[] }[]): Promise<RpcAnswer<T>[]> {
    const out: RpcAnswer<T>[] = [];
    // anvil answers a JSON-RPC batch of at most 1,000 requests.
    for (let from = 0; from < calls.length; from += 1000) {
      const part = calls.slice(from, from + 1000);
      const res = await fetch(this.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(part.map((c, i) => ({ jsonrpc: "2.0", id: i, ...c }))),
      });
      const answers = (await res.json()) as RpcAnswer<T>[] | RpcAnswer<T>;
      if (!Array.isArray(answers)) throw new Error(`JSON-RPC batch of ${part.length}: ${answers.error?.message ?? JSON.stringify(answers)}`);
      out.push(...answers.sort((a, b) => a.id - b.id));
    }
    return out;
  }

  /** Queues `fn` on `contract` from `from`; resolves with the id `idEvent` names (0 without). */
  send(from: string, contract: ContractKey, fn: string, args: unknown[], label: string, idEvent?: string): Promise<bigint> {
    const t0 = performance.now();
    const iface = IFACES[contract];
    const f = iface.getFunction(fn);
    if (!f) throw new Error(`${contract} has no function ${fn}`);
    const full = f.inputs.map((p, i) => {
      if (i < args.length) return fill(fn, p, args[i], label);
      if (p.baseType === "string") return textFor(fn, p.name, label);
      throw new Error(`${contract}.${fn}: no value for ${p.name}`);
    });
    const data = iface.encodeFunctionData(f, full);
    const idTopic = idEvent ? iface.getEvent(idEvent)?.topicHash : undefined;
    if (idEvent && !idTopic) throw new Error(`${contract} has no event ${idEvent}`);
    this.ms.encode += performance.now() - t0;
    return new Promise<bigint>((resolve) => {
      this.queue.push({ from: from.toLowerCase(), to: this.addresses[contract], data, label: `${contract}.${fn} ${label}`, idTopic, contract, resolve });
    });
  }

  /** Queues a transaction whose calldata is already encoded (no id to resolve). */
  sendRaw(from: string, contract: ContractKey, data: string, label: string): void {
    this.queue.push({ from: from.toLowerCase(), to: this.addresses[contract], data, label, contract, resolve: () => undefined });
  }

  /** An eth_call answer decoded with `contract`'s ABI. */
  async call(contract: ContractKey, fn: string, args: unknown[]): Promise<unknown[]> {
    const iface = IFACES[contract];
    const data = iface.encodeFunctionData(fn, args);
    const out = await this.rpc<string>("eth_call", [{ to: this.addresses[contract], data }, "latest"]);
    return [...iface.decodeFunctionResult(fn, out)];
  }

  /**
   * Mines every queued transaction, TX_PER_BLOCK to a block, the first block at `at` (or one
   * second after the clock) and each next one a second later. Resolves the queued ids.
   */
  async mine(at = this.clock + 1, perBlock = this.txPerBlock): Promise<void> {
    const queue = this.queue;
    this.queue = [];
    const newcomers = [...new Set(queue.map((t) => t.from))].filter((a) => !this.funded.has(a));
    if (newcomers.length > 0) {
      for (let i = 0; i < newcomers.length; i += 1000) {
        const part = newcomers.slice(i, i + 1000);
        const answers = await this.batch(part.map((a) => ({ method: "anvil_setBalance", params: [a, "0x33b2e3c9fd0803ce8000000"] })));
        const bad = answers.find((a) => a.error);
        if (bad) throw new Error(`anvil_setBalance: ${bad.error!.message}`);
        const nonces = await this.batch<string>(part.map((a) => ({ method: "eth_getTransactionCount", params: [a, "pending"] })));
        part.forEach((a, j) => {
          this.funded.add(a);
          if (!this.nonces.has(a)) this.nonces.set(a, Number(nonces[j].result));
        });
      }
    }
    let t = Math.max(at, this.clock + 1);
    for (let i = 0; i < queue.length; i += perBlock) {
      const block = queue.slice(i, i + perBlock);
      const t0 = performance.now();
      const answers = await this.batch<string>(
        block.map((tx) => {
          const nonce = this.nonces.get(tx.from)!;
          this.nonces.set(tx.from, nonce + 1);
          return { method: "eth_sendTransaction", params: [{ from: tx.from, to: tx.to, data: tx.data, nonce: `0x${nonce.toString(16)}`, gas: "0x1000000" }] };
        }),
      );
      const failed = answers.findIndex((a) => a.error);
      if (failed >= 0) throw new Error(`eth_sendTransaction ${block[failed].label}: ${answers[failed].error!.message}`);
      const t1 = performance.now();
      this.ms.send += t1 - t0;
      await this.rpc("evm_setNextBlockTimestamp", [t]);
      await this.rpc("evm_mine", []);
      const t2 = performance.now();
      this.ms.mine += t2 - t1;
      this.clock = t;
      this.blocks++;
      if (this.check === "logs") {
        await this.checkLogs(block, answers, t);
        this.ms.receipts += performance.now() - t2;
        this.txs += block.length;
        t++;
        continue;
      }
      const receipts = await this.rpc<TxReceipt[]>("eth_getBlockReceipts", ["latest"]);
      const byHash = new Map(receipts.map((r) => [r.transactionHash, r]));
      this.ms.receipts += performance.now() - t2;
      for (const [j, tx] of block.entries()) {
        const r = byHash.get(answers[j].result!);
        if (!r) throw new Error(`${tx.label}: not mined in the block at ${t}`);
        if (r.status !== "0x1") throw new Error(`${tx.label}: reverted (${await this.reason(tx)})`);
        this.events += r.logs.length;
        for (const l of r.logs) {
          const name = this.eventNames.get(l.topics[0]) ?? l.topics[0];
          this.byEvent.set(name, (this.byEvent.get(name) ?? 0) + 1);
        }
        const log = tx.idTopic ? r.logs.find((l) => l.topics[0] === tx.idTopic) : undefined;
        tx.resolve(log ? BigInt(log.topics[1]) : 0n);
      }
      this.txs += block.length;
      t++;
    }
  }

  /** The "logs" check of the latest block: every transaction of `block` emitted an event. */
  private async checkLogs(block: PendingTx[], answers: RpcAnswer<string>[], t: number): Promise<void> {
    const head = await this.rpc<{ number: string; timestamp: string; transactions: string[] }>("eth_getBlockByNumber", ["latest", false]);
    if (Number(head.timestamp) !== t || head.transactions.length !== block.length) {
      throw new Error(`the block at ${t} holds ${head.transactions.length} of ${block.length} transactions (at ${Number(head.timestamp)})`);
    }
    const logs = await this.rpc<TxLog[]>("eth_getLogs", [{ fromBlock: head.number, toBlock: head.number }]);
    const byHash = new Map<string, TxLog[]>();
    for (const l of logs) {
      const list = byHash.get(l.transactionHash);
      if (list) list.push(l);
      else byHash.set(l.transactionHash, [l]);
    }
    for (const [j, tx] of block.entries()) {
      const txLogs = byHash.get(answers[j].result!);
      if (!txLogs) {
        const [r] = await this.batch<TxReceipt>([{ method: "eth_getTransactionReceipt", params: [answers[j].result] }]);
        throw new Error(`${tx.label}: no event in the block at ${t} (status ${r.result?.status ?? "not mined"}: ${await this.reason(tx)})`);
      }
      this.events += txLogs.length;
      for (const l of txLogs) {
        const name = this.eventNames.get(l.topics[0]) ?? l.topics[0];
        this.byEvent.set(name, (this.byEvent.get(name) ?? 0) + 1);
      }
      const log = tx.idTopic ? txLogs.find((l) => l.topics[0] === tx.idTopic) : undefined;
      tx.resolve(log ? BigInt(log.topics[1]) : 0n);
    }
  }

  /** Why `tx` reverted, replayed as a call on the latest state (best effort). */
  private async reason(tx: PendingTx): Promise<string> {
    const [a] = await this.batch<string>([{ method: "eth_call", params: [{ from: tx.from, to: tx.to, data: tx.data, gas: "0x1000000" }, "latest"] }]);
    const data = a.error?.data;
    if (!data) return a.error?.message ?? "no revert on replay";
    for (const iface of Object.values(IFACES)) {
      try {
        const e = iface.parseError(data);
        if (e) return `${e.name}(${e.args.map(String).join(", ")})`;
      } catch {
        /* another contract's error */
      }
    }
    return data;
  }
}

// ===== THE CITY =====

export interface CityOptions {
  /** About how many events the year should hold. */
  events: number;
  txPerBlock: number;
  log?: (line: string) => void;
  /** Receipt batches' share of all events (the platform nodes' anchoring). */
  batchShare?: number;
  /**
   * At most this many events of lifecycle (developers and everything around them); receipt
   * batches fill the rest up to `events`. The cheaper path to the largest size (bench-chain.ts).
   */
  maxLifecycleEvents?: number;
  /** Platform nodes anchoring (default up to 4; more spread a large batch volume). */
  maxNodes?: number;
  /** Hours of chain time between the nodes' anchoring blocks (default 6). */
  anchorEveryHours?: number;
  /** Transactions per anchoring block (default txPerBlock). */
  anchorTxPerBlock?: number;
}

export interface CityStats {
  events: number;
  txs: number;
  blocks: number;
  developers: number;
  operators: number;
  departments: number;
  resources: number;
  products: number;
  batches: number;
  byEvent: Record<string, number>;
  chainStart: number;
  chainEnd: number;
  seconds: number;
  /** Set when the chain is another one extended (the cheaper path to the largest size). */
  extendedFrom?: string;
  /** Receipt-batch events added after the generation to reach the size (bench-chain.ts). */
  toppedUp?: number;
  /** Where the generation's time went (ms). */
  ms: Record<string, number>;
}

interface Holder {
  id: bigint;
  /** Its signer key (sends its transactions). */
  address: string;
  /** Its EIP-712 key when it signs agreements off chain. */
  wallet?: Signer;
  authorizationId: bigint;
  termStart: number;
  resources: bigint[];
  operator: number;
  active: boolean;
  activatedAt: number;
  suspended: boolean;
  agreementId?: bigint;
  /** Its product derives from no other (a usable parent needs its whole lineage usable). */
  rootProduct?: boolean;
  scenarioId?: bigint;
  products: bigint[];
}

/** Events per developer of the lifecycle and its share of the setup (the batches come on top); measured ~46. */
const EVENTS_PER_DEVELOPER = 52;

/**
 * Generates the year on a freshly deployed chain whose clock stands ~400 days before the wall
 * clock. `rpcUrl` must be anvil (it uses evm_*, anvil_* methods).
 */
export async function generateCity(rpcUrl: string, deployment: Deployment, profile: PolicyProfile, opts: CityOptions): Promise<CityStats> {
  const started = performance.now();
  const log = opts.log ?? (() => undefined);
  const batchShare = opts.batchShare ?? 0.3;
  const addresses = Object.fromEntries(Object.entries(deployment.contracts).map(([k, v]) => [k, v.address])) as Record<ContractKey, string>;
  const w = new ChainWriter(rpcUrl, addresses, opts.txPerBlock);
  await w.rpc("anvil_autoImpersonateAccount", [true]);
  await w.rpc("evm_setAutomine", [false]);
  const chainId = BigInt(await w.rpc<string>("eth_chainId"));
  const latest = await w.rpc<{ timestamp: string }>("eth_getBlockByNumber", ["latest", false]);
  w.clock = Number(latest.timestamp);
  const chainStart = w.clock;
  const day = (n: number) => chainStart + n * DAY;
  const random = rng(opts.events);

  // Sizes: developers carry the lifecycle; the city's other actors scale with them.
  const lifecycleEvents = Math.min(opts.events * (1 - batchShare), opts.maxLifecycleEvents ?? Infinity);
  const devCount = Math.max(12, Math.round(lifecycleEvents / EVENTS_PER_DEVELOPER));
  const opCount = Math.min(24, Math.max(2, Math.round(devCount / 120)));
  const deptCount = Math.min(40, Math.max(3, Math.round(devCount / 80)));
  const resourcesPerDept = 4;
  const nodeCount = Math.min(opCount, opts.maxNodes ?? 4);
  const batchTarget = Math.round(opts.events - lifecycleEvents);
  const cohorts = 10;
  log(`city: ${devCount} developers, ${opCount} operators (${nodeCount} platform nodes), ${deptCount} departments, ~${batchTarget} receipt batches`);

  // Keys: the demo's dev accounts for the authority and the agency (the authority signs agreements
  // off chain); generated keys for everybody else.
  const authority = devWallet(1);
  const agency = devWallet(2).address;
  const regulator = devWallet(3).address;
  const admin = devWallet(0).address;
  const experts = Array.from({ length: 6 }, (_, i) => devWallet(4 + i).address);
  const keyAddress = (label: string) => getAddress(dataSlice(keccakText(`provenant-bench-key:${label}`), 12));
  const deptKeys = Array.from({ length: deptCount }, (_, i) => keyAddress(`dept:${i}`));
  const opWallets = Array.from({ length: opCount }, (_, i) => new Wallet(keccakText(`provenant-bench-operator:${i}`)));
  const nodeKeys = Array.from({ length: nodeCount }, (_, i) => keyAddress(`node:${i}`));
  const devKeys = Array.from({ length: devCount }, (_, i) => keyAddress(`dev:${i}`));
  let serial = 7_000_000;
  let nonce = 1n;
  let regCode = 0;
  const code = (kind: "R" | "P", at: number) => encodeBytes32String(`HZ-${chinaYear(at)}-${kind}-${String(++regCode).padStart(6, "0")}`);

  /** The end of a notice started at `at` keeping the profile's working days (one more, plus a minute). */
  async function noticeEnd(at: number, days: number): Promise<number> {
    const [endsAt] = await w.call("WorkingDayCalendar", "addWorkingDays", [at, days + 1]);
    return Number(endsAt as bigint) + 60;
  }

  const operators: Holder[] = [];
  const developers: Holder[] = [];
  let agencyId = 0n;

  // ----- receipt batches all year long -----
  const yearSeconds = 365 * DAY;
  const nodes: { id: bigint; key: string; operator: number; sequence: bigint; lastFirstAt: number; since: number }[] = [];
  let batches = 0;
  const holdersOf = (op: number) => [...operators.filter((o) => o.operator === op), ...developers.filter((d) => d.operator === op)];
  /** Every node anchors its batches up to `t`: one block each 6 hours of chain time. */
  async function anchorUntil(t: number): Promise<void> {
    if (nodes.length === 0) return;
    const perNodePerSecond = batchTarget / nodes.length / (yearSeconds - 40 * DAY);
    const every = (opts.anchorEveryHours ?? 6) * HOUR;
    for (let at = w.clock + every; at < t; at += every) {
      for (const node of nodes) {
        const due = Math.floor((at - node.since) * perNodePerSecond);
        const ready = holdersOf(node.operator).filter((x) => x.products.length > 0 && x.scenarioId);
        const scenarioOnly = holdersOf(node.operator).filter((x) => x.scenarioId);
        while (node.sequence < BigInt(due)) {
          const pool = ready.length > 0 ? ready : scenarioOnly;
          if (pool.length === 0) break;
          node.sequence++;
          const firstAt = Math.max(node.lastFirstAt, at - every + 1);
          const lastAt = at - 1;
          node.lastFirstAt = firstAt;
          // Usage: a few of the node's scenarios and their products, as the intake counts them.
          const entries: UsageEntry[] = [];
          let count = 0;
          const users = Math.min(pool.length, 1 + Math.floor(random() * 8));
          const offset = Math.floor(random() * pool.length);
          const picked = new Set<number>();
          for (let k = 0; k < users; k++) picked.add((offset + k * 7) % pool.length);
          for (const k of picked) {
            const x = pool[k];
            const n = 2 + Math.floor(random() * 400);
            const fee = BigInt(n * 100);
            count += n;
            entries.push({ kind: "Scenario", id: x.scenarioId!, count: n, fee });
            if (x.products.length > 0) entries.push({ kind: "Product", id: x.products[x.products.length - 1], count: n, fee });
          }
          const usage = [...new Set(entries.map(encodeUsageWord))].sort();
          void w.send(node.key, "ReceiptAnchor", "anchorBatch", [
            { nodeId: node.id, sequence: node.sequence, root: h(`root:${node.id}:${node.sequence}`), receiptCount: count, firstAt, lastAt, metadataHash: h(`manifest:${node.id}:${node.sequence}`), usage },
          ], `batch ${node.id}/${node.sequence}`);
          batches++;
        }
      }
      await w.mine(at, opts.anchorTxPerBlock);
    }
  }

  // ----- annual duties at the turn of the year (C28 reports, C37 disclosures) -----
  const yearEnds: { at: number; year: number; done: boolean }[] = [];
  for (let y = chinaYear(chainStart); chinaYearStart(y + 1) < chainStart + yearSeconds + 60 * DAY; y++) {
    const [firstWorkingDayEnds] = await w.call("WorkingDayCalendar", "addWorkingDays", [chinaYearStart(y + 1) - 1, 1]);
    yearEnds.push({ at: Number(firstWorkingDayEnds as bigint) - DAY + 10 * HOUR, year: y, done: false });
  }
  async function annualDuties(year: number, at: number): Promise<void> {
    let reports = 0;
    for (const x of [...operators, ...developers]) {
      if (!x.active || x.activatedAt >= chinaYearStart(year + 1)) continue;
      void w.send(x.address, "OversightRegistry", "fileReport", [x.authorizationId, ReportKind.AnnualReport, year, h(`annual-report:${x.authorizationId}:${year}`)], `report ${x.authorizationId}`);
      reports++;
    }
    void w.send(agency, "OversightRegistry", "anchorDisclosure", [agencyId, year, 1, h(`disclosure:${agencyId}:${year}`)], "disclosure agency");
    for (const o of operators) {
      if (o.active) void w.send(o.address, "OversightRegistry", "anchorDisclosure", [o.id, year, 1, h(`disclosure:${o.id}:${year}`)], `disclosure ${o.id}`);
    }
    await w.mine(at);
    log(`city: annual reports for ${year}: ${reports}`);
  }

  /** Moves the clock to `t`: the nodes anchor on the way, annual duties happen at their time. */
  async function timeTo(t: number): Promise<void> {
    for (const y of yearEnds) {
      if (y.done || y.at >= t || y.at <= w.clock) continue;
      y.done = true;
      await anchorUntil(y.at);
      await annualDuties(y.year, y.at);
    }
    await anchorUntil(t);
    if (t > w.clock) w.clock = t - 1;
  }
  const hub = async (role: string, who: string) => w.send(admin, "ProvenantHub", "grantRole", [keccakText(role), who], role);

  // ===== GOVERNANCE AND PARTICIPANTS =====
  log("city: roles, participants, catalog");
  void hub("DATA_AUTHORITY", authority.address);
  void hub("IMPLEMENTING_AGENCY", agency);
  void hub("REGULATOR", regulator);
  for (const e of experts) void hub("EXPERT", e);
  await w.mine();
  const register = (kind: number, name: string, signer: string, category: "1" | "9") =>
    w.send(authority.address, "ParticipantRegistry", "register", [kind, name, makeCreditCode(serial++, category), h(`profile:${name}`), [signer]], name, "ParticipantRegistered");
  const authorityIdP = register(Kind.DataAuthority, "惠州市政务服务和数据管理局（基准）", authority.address, "1");
  const agencyIdP = register(Kind.ImplementingAgency, "惠州市政务数据事务中心（基准）", agency, "1");
  const deptIdsP = deptKeys.map((k, i) => register(Kind.SourceDepartment, `数源部门 ${i + 1}（基准）`, k, "1"));
  const opIdsP = opWallets.map((k, i) => register(Kind.Operator, `运营主体 ${i + 1} 数据运营有限公司（基准）`, k.address, "9"));
  const devIdsP = devKeys.map((k, i) => register(Kind.Developer, `开发主体 ${i + 1} 科技有限公司（基准）`, k, "9"));
  await w.mine();
  const authorityId = await authorityIdP;
  agencyId = await agencyIdP;
  const deptIds = await Promise.all(deptIdsP);
  const opIds = await Promise.all(opIdsP);
  const devIds = await Promise.all(devIdsP);
  // Public profiles (C21): the office contact of every department and operator, most developers.
  const fn = IFACES.ParticipantRegistry.getFunction("publishProfile");
  if (fn) {
    for (const [k, id] of [authorityId, agencyId, ...deptIds, ...opIds, ...devIds.filter((_, i) => i % 3 !== 2)].entries()) {
      void w.send(authority.address, "ParticipantRegistry", "publishProfile", [id], `机构 ${k}`);
    }
  }
  for (let i = 0; i < nodeCount; i++) void w.send(authority.address, "ParticipantRegistry", "addSigner", [opIds[i], nodeKeys[i]], `node key ${i}`);
  await w.mine();
  for (let i = 0; i < nodeCount; i++) void w.send(authority.address, "ParticipantRegistry", "setPlatformNode", [opIds[i], true], `node ${i}`);
  await w.mine();

  // ----- catalog with registration codes (C36) -----
  const resourcesP: { dept: number; id: Promise<bigint> }[] = [];
  for (let d = 0; d < deptCount; d++) {
    for (let k = 0; k < resourcesPerDept; k++) {
      const share = 1 + ((d + k) % 2);
      resourcesP.push({
        dept: d,
        id: w.send(deptKeys[d], "ResourceCatalog", "proposeResource", [
          deptIds[d],
          { catalogKey: h(`resource:${d}:${k}`), classification: 1 + (k % 2), shareType: share, openAttribute: share, desensitized: k % 2 === 1, consent: 1, updateFrequency: 1 + (k % 4), metadataHash: h(`metadata:${d}:${k}`) },
        ], `资源 ${d}-${k}`, "ResourceProposed"),
      });
    }
  }
  await w.mine();
  const resources = await Promise.all(resourcesP.map(async (r) => ({ dept: r.dept, id: await r.id })));
  const deptOf = new Map(resources.map((r) => [r.id, r.dept]));
  for (const r of resources) void w.send(authority.address, "ResourceCatalog", "reviewResource", [r.id, true, h(`catalog-approval:${r.id}`)], `resource ${r.id}`);
  await w.mine();
  const appsP = resources.map((r) => w.send(deptKeys[r.dept], "ResourceCatalog", "applyRegistration", [r.id, RegInitial, h(`materials:${r.id}`)], `resource ${r.id}`, "RegistrationApplied"));
  await w.mine();
  const resourceApps = await Promise.all(appsP);
  await registrationSteps("ResourceCatalog", resourceApps);
  const regEnd = await noticeEnd(w.clock + 1, profile.registrationNoticeWorkingDays);
  for (const app of resourceApps) void w.send(authority.address, "ResourceCatalog", "noticeRegistration", [app, regEnd], `registration ${app}`);
  await w.mine();

  async function registrationSteps(contract: "ResourceCatalog" | "ProductRegistry", apps: bigint[]): Promise<void> {
    for (const app of apps) {
      void w.send(authority.address, contract, "acceptRegistration", [app, h(`accepted:${contract}:${app}`)], `registration ${app}`);
      void w.send(authority.address, contract, "reviewRegistration", [app, true, h(`registration-review:${contract}:${app}`)], `registration ${app}`);
    }
    await w.mine();
  }

  // ===== THE CALL AND THE OPERATORS =====
  log("city: the call and the operators");
  await timeTo(day(3));
  const callIdP = w.send(agency, "AuthorizationRegistry", "publishCall", [agencyId, Mode.Comprehensive, day(20), h("call-announcement")], "征集公告", "CallPublished");
  await w.mine();
  const callId = await callIdP;
  await timeTo(regEnd + 60);
  for (const [i, app] of resourceApps.entries()) void w.send(authority.address, "ResourceCatalog", "issueRegistration", [app, code("R", w.clock + 1)], `registration ${i}`);
  await w.mine();

  const opTermStart = day(30);
  const opTermEnd = opTermStart + Math.min(3, profile.maxTermYears) * 365 * DAY;
  const resourceIds = resources.map((r) => r.id);
  await timeTo(day(5));
  const opAuthP = opIds.map((id, i) => {
    // Each operator runs a window of the catalog (a third of it, at least six entries).
    const width = Math.min(12, Math.max(6, Math.ceil(resourceIds.length / 3)));
    const scope = asc(Array.from({ length: Math.min(width, resourceIds.length) }, (_, k) => resourceIds[(i * 5 + k) % resourceIds.length]));
    return {
      scope,
      id: w.send(opWallets[i].address, "AuthorizationRegistry", "applyFor", [
        { parentId: 0n, holderId: id, callId, termStart: opTermStart, termEnd: opTermEnd, materialsHash: h(`application:operator:${i}`), resourceIds: scope, domains: [] },
      ], `operator ${i}`, "AuthorizationApplied"),
    };
  });
  await w.mine();
  for (const [i, a] of opAuthP.entries()) {
    operators.push({ id: opIds[i], address: opWallets[i].address, wallet: opWallets[i], authorizationId: await a.id, termStart: opTermStart, resources: a.scope, operator: i, products: [], active: false, activatedAt: 0, suspended: false });
  }
  await grants(operators, false);
  await timeTo(day(20) + 60);
  void w.send(agency, "AuthorizationRegistry", "closeCall", [callId, h("call-selection-result"), asc(opIds)], "selection");
  await w.mine();
  await review(operators, agency);
  await notice(operators);
  await timeTo(Math.max(w.clock + 60, opTermStart + 60));
  await agreements(operators, AgreementKind.OperationAuthorization, () => ({ party: authorityId, wallet: authority }));
  await activate(operators);
  // Each operator's own scenario and product first (their developers build on them).
  await scenariosAndProducts(operators, []);
  for (let i = 0; i < nodeCount; i++) {
    nodes.push({ id: opIds[i], key: nodeKeys[i], operator: i, sequence: 0n, lastFirstAt: 0, since: w.clock });
  }

  // ===== DEVELOPERS, COHORT BY COHORT =====
  const suspended: Holder[] = [];
  const cohortStart = Math.max(w.clock + DAY, day(45));
  const span = Math.floor((chainStart + yearSeconds - 10 * DAY - cohortStart) / cohorts);
  let caseCount = 0;
  for (let c = 0; c < cohorts; c++) {
    const from = Math.floor((devCount * c) / cohorts);
    const to = Math.floor((devCount * (c + 1)) / cohorts);
    const t0 = cohortStart + c * span;
    log(`city: cohort ${c + 1}/${cohorts} — developers ${from + 1}–${to} from ${new Date(t0 * 1000).toISOString().slice(0, 10)} (${w.txs} transactions, ${w.events} events so far)`);
    await timeTo(t0);
    const cohort: Holder[] = [];
    const applied = [];
    for (let i = from; i < to; i++) {
      const op = operators[i % opCount];
      // A developer takes two or three of its operator's entries.
      const take = 2 + (i % 2);
      const start = Math.floor(random() * op.resources.length);
      const scope = asc(Array.from({ length: take }, (_, k) => op.resources[(start + k) % op.resources.length]));
      applied.push({
        i, op, scope,
        id: w.send(devKeys[i], "AuthorizationRegistry", "applyFor", [
          { parentId: op.authorizationId, holderId: devIds[i], callId: 0n, termStart: t0 + DAY, termEnd: opTermEnd, materialsHash: h(`application:developer:${i}`), resourceIds: scope, domains: [] },
        ], `developer ${i}`, "AuthorizationApplied"),
      });
    }
    await w.mine();
    for (const a of applied) {
      cohort.push({ id: devIds[a.i], address: devKeys[a.i], authorizationId: await a.id, termStart: t0 + DAY, resources: a.scope, operator: a.op.operator, products: [], active: false, activatedAt: 0, suspended: false });
    }
    await grants(cohort, true);
    await timeTo(w.clock + DAY);
    // About one application in twenty is refused after an expert objects (C03).
    const refused = cohort.filter((_, k) => k % 20 === 19);
    const passing = cohort.filter((_, k) => k % 20 !== 19);
    await review(passing, null);
    for (const x of refused) void w.send(operators[x.operator].address, "AuthorizationRegistry", "preReview", [x.authorizationId, true, h(`pre-review:${x.authorizationId}`), ""], `refused ${x.authorizationId}`);
    await w.mine();
    for (const x of refused) void w.send(experts[0], "AuthorizationRegistry", "expertReview", [x.authorizationId, false, h(`expert-objection:${x.authorizationId}`), statement("专家评审不予通过。", "Not passed by the expert review.")], `refused ${x.authorizationId}`);
    await w.mine();
    for (const x of refused) void w.send(authority.address, "AuthorizationRegistry", "reject", [x.authorizationId, h(`rejection:${x.authorizationId}`)], `refused ${x.authorizationId}`);
    await w.mine();
    await notice(passing);
    await timeTo(w.clock + 60);
    await agreements(passing, AgreementKind.DevelopmentAuthorization, (x) => ({ party: operators[x.operator].id, wallet: operators[x.operator].wallet! }));
    await activate(passing);
    developers.push(...passing);
    await timeTo(w.clock + 2 * DAY);
    // Products derive from listed products of earlier cohorts under the same operator (lineage).
    await scenariosAndProducts(passing, developers.filter((d) => !passing.includes(d)));

    // Cases: objections filed by the nodes for data subjects, quality feedback traced up (C26, C27).
    await timeTo(w.clock + DAY);
    const objections = passing.filter((_, k) => k % 8 === 3);
    const feedback = passing.filter((_, k) => k % 12 === 5);
    const objectionIds = objections.map((x, k) => {
      const node = nodes[k % nodes.length];
      return {
        dept: deptOf.get(x.resources[0])!,
        id: w.send(node.key, "OversightRegistry", "fileCase", [
          { kind: CaseKind.Objection, subjectKind: Subject.Resource, subjectId: x.resources[0], filerId: 0n, departmentId: 0n, authorizationId: 0n, contentDigest: h(`case:${caseCount}`), personDigest: h(`salted-person:${caseCount++}`) },
        ], `objection ${k}`, "CaseFiled"),
      };
    });
    const feedbackIds = feedback.map((x, k) => ({
      x,
      dept: deptOf.get(x.resources[0])!,
      id: w.send(x.address, "OversightRegistry", "fileCase", [
        { kind: CaseKind.QualityFeedback, subjectKind: Subject.Resource, subjectId: x.resources[0], filerId: x.id, departmentId: 0n, authorizationId: x.authorizationId, contentDigest: h(`case:${caseCount++}`), personDigest: h("none") },
      ], `feedback ${k}`, "CaseFiled"),
    }));
    await w.mine();
    await timeTo(w.clock + 2 * DAY);
    for (const f of feedbackIds) {
      const id = await f.id;
      void w.send(operators[f.x.operator].address, "OversightRegistry", "forwardFeedback", [id, operators[f.x.operator].id, h(`forward:${id}:op`)], `feedback ${id}`);
    }
    await w.mine();
    await timeTo(w.clock + DAY);
    for (const f of feedbackIds) {
      const id = await f.id;
      void w.send(agency, "OversightRegistry", "forwardFeedback", [id, agencyId, h(`forward:${id}:agency`)], `feedback ${id}`);
    }
    for (const [k, o] of objectionIds.entries()) {
      // Most objections are answered in time; one in six is left open (the alert shows it).
      if (k % 6 === 5) continue;
      const id = await o.id;
      void w.send(deptKeys[o.dept], "OversightRegistry", "answerCase", [id, k % 2 === 0 ? Outcome.Corrected : Outcome.Confirmed, h(`resolution:${id}`)], `objection ${id}`);
    }
    await w.mine();
    await timeTo(w.clock + DAY);
    for (const f of feedbackIds) {
      const id = await f.id;
      void w.send(deptKeys[f.dept], "OversightRegistry", "answerCase", [id, Outcome.Confirmed, h(`resolution:${id}`)], `feedback ${id}`);
    }
    await w.mine();

    // Suspensions for rectification (整改) of earlier developers, reinstated a fortnight later.
    for (const x of suspended.splice(0)) {
      void w.send(authority.address, "AuthorizationRegistry", "reinstate", [x.authorizationId, h(`rectified:${x.authorizationId}`)], `reinstate ${x.authorizationId}`);
      x.suspended = false;
    }
    await w.mine();
    for (const x of developers.filter((_, k) => k % 25 === c % 25).slice(0, Math.ceil(passing.length / 25))) {
      void w.send(authority.address, "AuthorizationRegistry", "suspend", [x.authorizationId, h(`suspension:${x.authorizationId}`)], `suspend ${x.authorizationId}`);
      x.suspended = true;
      suspended.push(x);
    }
    await w.mine();
  }
  for (const x of suspended.splice(0)) {
    void w.send(authority.address, "AuthorizationRegistry", "reinstate", [x.authorizationId, h(`rectified:${x.authorizationId}`)], `reinstate ${x.authorizationId}`);
    x.suspended = false;
  }
  await w.mine();
  await timeTo(chainStart + yearSeconds);
  const chainEnd = w.clock;

  // ===== THE STEPS, WAVE BY WAVE =====

  /** Grant evaluation per resource (C12): the parent holder's pre-review, the authority, the department. */
  async function grants(xs: Holder[], child: boolean): Promise<void> {
    if (child) {
      for (const x of xs) for (const r of x.resources) void w.send(operators[x.operator].address, "AuthorizationRegistry", "preReviewGrant", [x.authorizationId, r, true, h(`grant-pre:${x.authorizationId}:${r}`), ""], `grant ${x.authorizationId}`);
      await w.mine();
    }
    for (const x of xs) for (const r of x.resources) void w.send(authority.address, "AuthorizationRegistry", "evaluateGrant", [x.authorizationId, r, true, h(`grant-eval:${x.authorizationId}:${r}`), ""], `grant ${x.authorizationId}`);
    await w.mine();
    for (const x of xs) for (const r of x.resources) void w.send(deptKeys[deptOf.get(r)!], "AuthorizationRegistry", "confirmGrant", [x.authorizationId, r, true, h(`grant-confirm:${x.authorizationId}:${r}`), ""], `grant ${x.authorizationId}`);
    await w.mine();
  }

  /** Pre-review (the agency or the parent operator), the expert quorum, the decision (C03). */
  async function review(xs: Holder[], preReviewer: string | null): Promise<void> {
    for (const x of xs) void w.send(preReviewer ?? operators[x.operator].address, "AuthorizationRegistry", "preReview", [x.authorizationId, true, h(`pre-review:${x.authorizationId}`), ""], `review ${x.authorizationId}`);
    await w.mine();
    for (const [k, x] of xs.entries()) {
      for (let e = 0; e < profile.expertQuorum; e++) {
        void w.send(experts[(k + e) % experts.length], "AuthorizationRegistry", "expertReview", [x.authorizationId, true, h(`expert:${x.authorizationId}:${e}`), ""], `review ${x.authorizationId}`);
      }
    }
    await w.mine();
    for (const x of xs) void w.send(authority.address, "AuthorizationRegistry", "approve", [x.authorizationId, h(`decision:${x.authorizationId}`)], `approve ${x.authorizationId}`);
    await w.mine();
  }

  /** The notice (公示) of the profile's working days (C04), then the clock past its end. */
  async function notice(xs: Holder[]): Promise<void> {
    const at = w.clock + 1;
    const end = await noticeEnd(at, profile.noticeWorkingDays);
    for (const x of xs) void w.send(authority.address, "AuthorizationRegistry", "startNotice", [x.authorizationId, end], `notice ${x.authorizationId}`);
    await w.mine(at);
    await timeTo(end + 60);
  }

  /** The agreement each authorization needs, signed by every party (EIP-712 off chain), filed. */
  async function agreements(xs: Holder[], kind: AgreementKindValue, counterparty: (x: Holder) => { party: bigint; wallet: Signer }): Promise<void> {
    const plans = xs.map((x) => {
      const other = counterparty(x);
      const terms = buildOdrlAgreement({
        uid: `urn:provenant:agreement:${chainId}:${x.authorizationId}:${kind}:0`,
        assignerId: other.party, assigneeId: x.id, resourceIds: x.resources, authorizationId: x.authorizationId,
        actions: ["use", "derive"], prohibitedActions: ["sell"], purpose: "公共数据授权运营", termStart: x.termStart, termEnd: opTermEnd, spatial: "441300",
      });
      const documentHash = h(`agreement-document:${x.authorizationId}:${kind}`);
      const termsDigest = odrlTermsDigest(terms);
      const id = w.send(x.address, "AgreementRegistry", "propose", [
        { kind, proposerId: x.id, authorizationId: x.authorizationId, scenarioId: 0n, termStart: x.termStart, termEnd: opTermEnd, documentHash, termsDigest, scopeDigest: agreementScopeDigest(x.resources, []), partyIds: asc([x.id, other.party]) },
      ], `agreement ${x.authorizationId}`, "AgreementProposed");
      return { x, other, documentHash, termsDigest, id };
    });
    await w.mine();
    const deadline = BigInt(w.clock + 10 * DAY);
    for (const p of plans) {
      const agreementId = await p.id;
      void w.send(p.x.address, "AgreementRegistry", "sign", [agreementId, p.x.id], `agreement ${agreementId}`);
      const approval = await signAgreement(p.other.wallet, {
        chainId, verifyingContract: addresses.AgreementRegistry, agreementId, documentHash: p.documentHash, termsDigest: p.termsDigest,
        partyId: p.other.party, nonce: nonce++, deadline,
      });
      void w.send(nodeKeys[p.x.operator % nodeCount], "AgreementRegistry", "submitSignatures", [agreementId, [approval]], `agreement ${agreementId}`);
    }
    await w.mine();
    for (const [k, p] of plans.entries()) {
      xs[k].agreementId = await p.id;
      void w.send(authority.address, "AgreementRegistry", "file", [await p.id, h(`filing:${await p.id}`)], `agreement ${k}`);
    }
    await w.mine();
  }

  async function activate(xs: Holder[]): Promise<void> {
    for (const x of xs) void w.send(authority.address, "AuthorizationRegistry", "activate", [x.authorizationId, x.agreementId], `activate ${x.authorizationId}`);
    await w.mine();
    for (const x of xs) {
      x.active = true;
      x.activatedAt = w.clock;
    }
  }

  /** A reviewed scenario each (C13), a product each through review (C18), registration and listing (C17, C36). */
  async function scenariosAndProducts(xs: Holder[], earlier: Holder[]): Promise<void> {
    const sc = xs.map((x, k) =>
      w.send(x.address, "ScenarioRegistry", "proposeScenario", [
        { holderId: x.id, authorizationId: x.authorizationId, purposeHash: h(`purpose:${x.id}`), descriptionHash: h(`scenario:${x.id}`), resourceIds: x.resources },
      ], `场景 ${x.id}-${k}`, "ScenarioProposed"),
    );
    await w.mine();
    for (const [k, x] of xs.entries()) x.scenarioId = await sc[k];
    for (const [k, x] of xs.entries()) {
      for (let e = 0; e < profile.scenarioOpinionQuorum; e++) {
        void w.send(experts[(k + e) % experts.length], "ScenarioRegistry", "recordOpinion", [x.scenarioId, true, h(`scenario-opinion:${x.scenarioId}:${e}`)], `scenario ${x.scenarioId}`);
      }
    }
    await w.mine();
    for (const x of xs) void w.send(authority.address, "ScenarioRegistry", "approveScenario", [x.scenarioId, h(`scenario-decision:${x.scenarioId}`)], `scenario ${x.scenarioId}`);
    await w.mine();

    const pr = xs.map((x, k) => {
      // Half the products build on a listed product of the same operator's tree, in scope.
      const candidates = earlier.filter((e) => e.operator === x.operator && !e.suspended && e.rootProduct && e.products.length > 0 && e.resources.every((r) => x.resources.includes(r)));
      const parent = k % 2 === 0 && candidates.length > 0 ? [candidates[Math.floor(random() * candidates.length)].products[0]] : [];
      x.rootProduct = parent.length === 0;
      return w.send(x.address, "ProductRegistry", "registerProduct", [
        {
          holderId: x.id, scenarioId: x.scenarioId, kind: [ProductKind.Dataset, ProductKind.Api, ProductKind.Indicator, ProductKind.Report][k % 4],
          chargingBases: bases(1, 2, 3), previousVersionId: 0n, pricingBasisHash: h(`pricing:${x.id}`), usageHash: h(`usage:${x.id}`), descriptionHash: h(`product:${x.id}`),
          resourceIds: parent.length > 0 ? [] : x.resources, parentProductIds: parent,
        },
      ], `产品 ${x.id}-${k}`, "ProductRegistered");
    });
    await w.mine();
    const productIds = await Promise.all(pr);
    for (const [k, id] of productIds.entries()) {
      for (let e = 0; e < profile.productReviewQuorum; e++) {
        void w.send(experts[(k + e + 3) % experts.length], "ProductRegistry", "reviewProduct", [id, true, h(`product-review:${id}:${e}`)], `product ${id}`);
      }
    }
    await w.mine();
    const apps = productIds.map((id, k) => w.send(xs[k].address, "ProductRegistry", "applyRegistration", [id, RegInitial, h(`product-materials:${id}`)], `product ${id}`, "RegistrationApplied"));
    await w.mine();
    const appIds = await Promise.all(apps);
    await registrationSteps("ProductRegistry", appIds);
    const at = w.clock + 1;
    const end = await noticeEnd(at, profile.registrationNoticeWorkingDays);
    for (const app of appIds) void w.send(authority.address, "ProductRegistry", "noticeRegistration", [app, end], `registration ${app}`);
    await w.mine(at);
    await timeTo(end + 60);
    for (const app of appIds) void w.send(authority.address, "ProductRegistry", "issueRegistration", [app, code("P", w.clock + 1)], `registration ${app}`);
    await w.mine();
    for (const [k, id] of productIds.entries()) void w.send(xs[k].address, "ProductRegistry", "listProduct", [id], `product ${id}`);
    await w.mine();
    for (const [k, id] of productIds.entries()) xs[k].products.push(id);
  }

  const stats: CityStats = {
    events: w.events,
    txs: w.txs,
    blocks: w.blocks,
    developers: devCount,
    operators: opCount,
    departments: deptCount,
    resources: resources.length,
    products: [...operators, ...developers].reduce((n, x) => n + x.products.length, 0),
    batches,
    byEvent: Object.fromEntries([...w.byEvent.entries()].sort((a, b) => b[1] - a[1])),
    chainStart,
    chainEnd,
    seconds: (performance.now() - started) / 1000,
    ms: Object.fromEntries(Object.entries(w.ms).map(([k, v]) => [k, Math.round(v)])),
  };
  await w.rpc("evm_setAutomine", [true]);
  return stats;
}

// ===== THE CHEAPER PATH TO THE LARGEST SIZE =====

const word = (v: bigint | number): string => BigInt(v).toString(16).padStart(64, "0");

/**
 * `anchorBatch(BatchRequest)` calldata built by hand (~50x faster than the generic ABI coder,
 * which was most of the generator's own time at a million batches); checked against the ABI
 * coder once per run (`checkBatchEncoder`).
 */
function encodeAnchorBatch(selector: string, b: BatchRequest): string {
  let out = selector + word(0x20) + word(b.nodeId) + word(b.sequence) + b.root.slice(2) + word(b.receiptCount) + word(b.firstAt) + word(b.lastAt) + b.metadataHash.slice(2) + word(0x100) + word(b.usage.length);
  for (const u of b.usage) out += u.slice(2);
  return out;
}

function checkBatchEncoder(selector: string): void {
  const sample: BatchRequest = { nodeId: 7n, sequence: 9n, root: h("r"), receiptCount: 12, firstAt: 100, lastAt: 200, metadataHash: h("m"), usage: [encodeUsageWord({ kind: "Scenario", id: 3n, count: 12, fee: 5n })] };
  const expected = IFACES.ReceiptAnchor.encodeFunctionData("anchorBatch", [sample]);
  if (encodeAnchorBatch(selector, sample) !== expected) throw new Error("encodeAnchorBatch disagrees with the ABI: BatchRequest changed");
}

export interface ExtendOptions {
  /** Events to add. */
  events: number;
  /** The chain clock stops here (seconds; default an hour before the wall clock). */
  until?: number;
  /** Hours of chain time between anchoring blocks. */
  everyHours?: number;
  txPerBlock?: number;
  log?: (line: string) => void;
  /** Stop adding blocks at this wall-clock time (ms since the epoch): the chain keeps what it has. */
  deadline?: number;
}

/**
 * Adds `events` receipt batches to a generated city (a loaded snapshot): its platform nodes keep
 * anchoring from where the year ended up to `until`, one block per `everyHours` holding every
 * node's batches, each batch with usage counts of the city's listed products and their scenarios.
 * The nodes, their sequences and the products are read back from the chain.
 */
export async function extendWithBatches(rpcUrl: string, deployment: Deployment, opts: ExtendOptions): Promise<{ events: number; txs: number; blocks: number; seconds: number; ms: Record<string, number> }> {
  const started = performance.now();
  const log = opts.log ?? (() => undefined);
  const addresses = Object.fromEntries(Object.entries(deployment.contracts).map(([k, v]) => [k, v.address])) as Record<ContractKey, string>;
  const w = new ChainWriter(rpcUrl, addresses, opts.txPerBlock ?? 4000);
  // Every anchorBatch emits BatchAnchored: the block's logs show each one succeeded.
  w.check = "logs";
  await w.rpc("anvil_autoImpersonateAccount", [true]);
  await w.rpc("evm_setAutomine", [false]);
  const latest = await w.rpc<{ timestamp: string }>("eth_getBlockByNumber", ["latest", false]);
  w.clock = Number(latest.timestamp);
  // After --load-state anvil takes its own clock for the previous block's time: set it back.
  await w.rpc("anvil_setTime", [w.clock]);
  const random = rng(opts.events + 1);

  // The nodes: the generator's node keys the hub still binds.
  const nodes: { id: bigint; key: string; sequence: bigint; lastFirstAt: number }[] = [];
  for (let i = 0; i < 64; i++) {
    const key = getAddress(dataSlice(keccakText(`provenant-bench-key:node:${i}`), 12));
    const [id] = (await w.call("ProvenantHub", "nodeOf", [key])) as [bigint];
    if (id === 0n) break;
    const [state] = (await w.call("ReceiptAnchor", "nodeState", [id])) as [{ lastSequence: bigint; lastFirstAt: bigint }];
    nodes.push({ id, key, sequence: BigInt(state.lastSequence), lastFirstAt: Number(state.lastFirstAt) });
  }
  if (nodes.length === 0) throw new Error("extendWithBatches: the chain has no bench platform node");
  // The listed products and their scenarios (usage a node reports).
  const [count] = (await w.call("ProductRegistry", "productCount", [])) as [bigint];
  const iface = IFACES.ProductRegistry;
  const answers = await w.batch<string>(
    Array.from({ length: Number(count) }, (_, i) => ({ method: "eth_call", params: [{ to: addresses.ProductRegistry, data: iface.encodeFunctionData("product", [i + 1]) }, "latest"] })),
  );
  const products = answers.map((a, i) => {
    const [p] = iface.decodeFunctionResult("product", a.result!) as unknown as [{ scenarioId: bigint; status: bigint }];
    return { id: BigInt(i + 1), scenarioId: p.scenarioId };
  });

  const until = opts.until ?? Math.floor(Date.now() / 1000) - HOUR;
  const every = (opts.everyHours ?? 2) * HOUR;
  const blocks = Math.max(1, Math.floor((until - w.clock) / every));
  const perNodePerBlock = Math.ceil(opts.events / blocks / nodes.length);
  log(`extend: ${opts.events} batches from ${nodes.length} nodes over ${blocks} blocks (${perNodePerBlock} per node per block) up to ${new Date(until * 1000).toISOString().slice(0, 10)}`);
  const selector = IFACES.ReceiptAnchor.getFunction("anchorBatch")!.selector;
  checkBatchEncoder(selector);
  let sent = 0;
  for (let b = 1; b <= blocks && sent < opts.events; b++) {
    if (opts.deadline !== undefined && Date.now() > opts.deadline) {
      log(`extend: stopped at the deadline after ${sent} batches`);
      break;
    }
    const at = w.clock + every;
    for (const node of nodes) {
      for (let k = 0; k < perNodePerBlock && sent < opts.events; k++) {
        node.sequence++;
        const firstAt = Math.max(node.lastFirstAt, at - every + 1 + Math.floor((k * every) / perNodePerBlock));
        const lastAt = Math.max(firstAt + 1, Math.min(at - 1, firstAt + Math.floor(every / perNodePerBlock)));
        node.lastFirstAt = firstAt;
        const entries: UsageEntry[] = [];
        let total = 0;
        const users = 1 + Math.floor(random() * 8);
        const offset = Math.floor(random() * products.length);
        for (let u = 0; u < users; u++) {
          const p = products[(offset + u * 11) % products.length];
          const n = 2 + Math.floor(random() * 400);
          total += n;
          entries.push({ kind: "Scenario", id: p.scenarioId, count: n, fee: BigInt(n * 100) }, { kind: "Product", id: p.id, count: n, fee: BigInt(n * 100) });
        }
        const merged = new Map<string, UsageEntry>();
        for (const e of entries) {
          const key = `${e.kind}:${e.id}`;
          const m = merged.get(key);
          if (m) {
            m.count += e.count;
            m.fee += e.fee;
          } else merged.set(key, { ...e });
        }
        // Scenario counts must sum to the receipt count; products never exceed it.
        const usage = [...merged.values()].map(encodeUsageWord).sort();
        const data = encodeAnchorBatch(selector, { nodeId: node.id, sequence: node.sequence, root: h(`root:${node.id}:${node.sequence}`), receiptCount: total, firstAt, lastAt, metadataHash: h(`manifest:${node.id}:${node.sequence}`), usage });
        w.sendRaw(node.key, "ReceiptAnchor", data, `batch ${node.id}/${node.sequence}`);
        sent++;
      }
    }
    await w.mine(at);
    if (b % 10 === 0) log(`extend: ${sent} batches, ${w.events} events, ${w.blocks} blocks in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  await w.rpc("evm_setAutomine", [true]);
  return { events: w.events, txs: w.txs, blocks: w.blocks, seconds: (performance.now() - started) / 1000, ms: Object.fromEntries(Object.entries(w.ms).map(([k, v]) => [k, Math.round(v)])) };
}
