/**
 * A minimal JSON-RPC client over fetch. Methods are named after the JSON-RPC methods they call;
 * every answer is validated before it leaves this module, and every failure is an RpcError that
 * says whether retrying can help.
 */
import type { Logger } from "pino";
import { RpcError } from "./errors";

export type BlockTag = "latest" | "finalized" | "safe" | "earliest" | number;

/** The fields of a block header the follower uses. */
export interface RpcBlock {
  number: number;
  hash: string;
  parentHash: string;
  /** Seconds since the epoch. */
  timestamp: number;
}

/** A log as eth_getLogs returns it, numbers already parsed. */
export interface RpcLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: number;
  blockHash: string;
  transactionHash: string;
  logIndex: number;
  removed: boolean;
  /**
   * Seconds since the epoch: the time of the log's block, when the node tells it with the log
   * (geth 1.16 and later, anvil, reth); undefined when it does not.
   */
  blockTimestamp?: number;
}

export interface GetLogsFilter {
  fromBlock: number;
  toBlock: number;
  address: string[];
}

export interface Rpc {
  url: string;
  eth_chainId(): Promise<number>;
  eth_blockNumber(): Promise<number>;
  /** null when the node has no such block (or, for "finalized", does not know the tag). */
  eth_getBlockByNumber(tag: BlockTag): Promise<RpcBlock | null>;
  /** Many headers in one batch request; null entries for blocks the node does not have. */
  eth_getBlockByNumberBatch(numbers: number[]): Promise<(RpcBlock | null)[]>;
  eth_getLogs(filter: GetLogsFilter): Promise<RpcLog[]>;
}

export interface RpcArgs {
  url: string;
  /** Per-request timeout. */
  timeoutMs: number;
  /** Largest JSON-RPC batch sent in one HTTP request. */
  maxBatch?: number;
  /** Told of every failed call (operators' metrics): the JSON-RPC method and the RpcError kind. */
  onError?(method: string, kind: string): void;
}

interface JsonRpcResponse {
  id?: unknown;
  result?: unknown;
  error?: { code?: unknown; message?: unknown; data?: unknown };
}

const HASH = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
/** Hex digits; the even length is checked apart (a repeated group is several times slower). */
const HEX_DATA = /^0x[0-9a-fA-F]*$/;
const QUANTITY = /^0x[0-9a-fA-F]{1,16}$/;

const toQuantity = (n: number): string => `0x${n.toString(16)}`;
const toTag = (tag: BlockTag): string => (typeof tag === "number" ? toQuantity(tag) : tag);

export function createRpc(common: { logger: Logger }, args: RpcArgs): Rpc {
  const log = common.logger.child({ module: "rpc" });
  const maxBatch = args.maxBatch ?? 100;
  let nextId = 1;

  async function post(method: string, body: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(args.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(args.timeoutMs),
      });
    } catch (err) {
      const name = (err as { name?: string }).name;
      if (name === "TimeoutError" || name === "AbortError") {
        throw new RpcError("timeout", method, `no answer within ${args.timeoutMs} ms`, { cause: err });
      }
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new RpcError("unavailable", method, `${args.url} unreachable (${cause?.code ?? cause?.message ?? String(err)})`, {
        cause: err,
      });
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      const name = (err as { name?: string }).name;
      const kind = name === "TimeoutError" || name === "AbortError" ? "timeout" : "unavailable";
      throw new RpcError(kind, method, `body not received (${String(err)})`, { cause: err });
    }
    if (res.status >= 500 || res.status === 429) {
      throw new RpcError("unavailable", method, `HTTP ${res.status} ${text.slice(0, 200)}`);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new RpcError("malformed", method, `HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`, { cause: err });
    }
  }

  function unwrap(method: string, response: unknown): unknown {
    if (typeof response !== "object" || response === null || Array.isArray(response)) {
      throw new RpcError("malformed", method, "answer is not a JSON-RPC response object");
    }
    const r = response as JsonRpcResponse;
    if (r.error !== undefined && r.error !== null) {
      const code = typeof r.error.code === "number" ? r.error.code : undefined;
      const message = typeof r.error.message === "string" ? r.error.message : JSON.stringify(r.error);
      throw new RpcError("remote", method, `error ${code ?? "?"}: ${message}`, { code });
    }
    if (!("result" in r)) throw new RpcError("malformed", method, "answer has neither result nor error");
    return r.result;
  }

  async function call(method: string, params: unknown[]): Promise<unknown> {
    const id = nextId++;
    const started = Date.now();
    const response = await post(method, { jsonrpc: "2.0", id, method, params });
    log.trace({ method, ms: Date.now() - started }, "rpc call");
    return unwrap(method, response);
  }

  async function batch(method: string, paramsList: unknown[][]): Promise<unknown[]> {
    const out: unknown[] = [];
    for (let i = 0; i < paramsList.length; i += maxBatch) {
      const chunk = paramsList.slice(i, i + maxBatch);
      const firstId = nextId;
      nextId += chunk.length;
      const body = chunk.map((params, j) => ({ jsonrpc: "2.0", id: firstId + j, method, params }));
      const response = await post(method, body);
      if (!Array.isArray(response)) {
        // Some nodes answer a whole batch with one error object (e.g. batch too large).
        unwrap(method, response);
        throw new RpcError("malformed", method, "batch answer is not an array");
      }
      const byId = new Map<unknown, unknown>();
      for (const item of response) byId.set((item as JsonRpcResponse | null)?.id, item);
      for (let j = 0; j < chunk.length; j++) {
        const item = byId.get(firstId + j);
        if (item === undefined) throw new RpcError("malformed", method, `batch answer lacks id ${firstId + j}`);
        out.push(unwrap(method, item));
      }
    }
    return out;
  }

  const rpc: Rpc = {
    url: args.url,

    async eth_chainId() {
      return quantity("eth_chainId", await call("eth_chainId", []));
    },

    async eth_blockNumber() {
      return quantity("eth_blockNumber", await call("eth_blockNumber", []));
    },

    async eth_getBlockByNumber(tag) {
      const result = await call("eth_getBlockByNumber", [toTag(tag), false]);
      return result === null ? null : block("eth_getBlockByNumber", result, typeof tag === "number" ? tag : undefined);
    },

    async eth_getBlockByNumberBatch(numbers) {
      if (numbers.length === 0) return [];
      const results = await batch(
        "eth_getBlockByNumber",
        numbers.map((n) => [toQuantity(n), false]),
      );
      return results.map((r, i) => (r === null ? null : block("eth_getBlockByNumber", r, numbers[i])));
    },

    async eth_getLogs(filter) {
      const result = await call("eth_getLogs", [
        { fromBlock: toQuantity(filter.fromBlock), toBlock: toQuantity(filter.toBlock), address: filter.address },
      ]);
      if (!Array.isArray(result)) throw new RpcError("malformed", "eth_getLogs", "result is not an array");
      const logs = new Array<RpcLog>(result.length);
      const seen = new LogFieldCache();
      for (let i = 0; i < result.length; i++) logs[i] = rpcLog(result[i], filter, seen);
      return logs;
    },
  };
  const onError = args.onError;
  if (onError === undefined) return rpc;
  // Each method reports its failures; a successful call pays one more await.
  const report = <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      try {
        return await f(...a);
      } catch (err) {
        if (err instanceof RpcError) onError(err.method, err.kind);
        throw err;
      }
    };
  return {
    url: rpc.url,
    eth_chainId: report(rpc.eth_chainId),
    eth_blockNumber: report(rpc.eth_blockNumber),
    eth_getBlockByNumber: report(rpc.eth_getBlockByNumber),
    eth_getBlockByNumberBatch: report(rpc.eth_getBlockByNumberBatch),
    eth_getLogs: report(rpc.eth_getLogs),
  };
}

// ===== VALIDATION =====

function quantity(method: string, value: unknown, field = "result"): number {
  if (typeof value !== "string" || !QUANTITY.test(value)) {
    throw new RpcError("malformed", method, `${field} is not a quantity: ${JSON.stringify(value)}`);
  }
  const n = parseInt(value, 16);
  if (!Number.isSafeInteger(n)) throw new RpcError("malformed", method, `${field} out of range: ${value}`);
  return n;
}

function hash(method: string, value: unknown, field: string): string {
  if (typeof value !== "string" || !HASH.test(value)) {
    throw new RpcError("malformed", method, `${field} is not a 32-byte hash: ${JSON.stringify(value)}`);
  }
  return value.toLowerCase();
}

function block(method: string, value: unknown, expected?: number): RpcBlock {
  if (typeof value !== "object" || value === null) throw new RpcError("malformed", method, "block is not an object");
  const b = value as Record<string, unknown>;
  const out: RpcBlock = {
    number: quantity(method, b.number, "block.number"),
    hash: hash(method, b.hash, "block.hash"),
    parentHash: hash(method, b.parentHash, "block.parentHash"),
    timestamp: quantity(method, b.timestamp, "block.timestamp"),
  };
  if (expected !== undefined && out.number !== expected) {
    throw new RpcError("inconsistent", method, `asked for block ${expected}, got ${out.number}`);
  }
  return out;
}

/**
 * Logs of one answer repeat most of their fields (block hash and number, transaction hash,
 * address, event topic): each distinct string is validated once per answer.
 */
class LogFieldCache {
  private readonly hashes = new Map<string, string>();
  private readonly quantities = new Map<string, number>();
  private readonly addresses = new Map<string, string>();

  hash(value: unknown, field: string): string {
    const known = typeof value === "string" ? this.hashes.get(value) : undefined;
    if (known !== undefined) return known;
    const h = hash("eth_getLogs", value, field);
    this.remember(this.hashes, value as string, h);
    return h;
  }

  quantity(value: unknown, field: string): number {
    const known = typeof value === "string" ? this.quantities.get(value) : undefined;
    if (known !== undefined) return known;
    const n = quantity("eth_getLogs", value, field);
    this.remember(this.quantities, value as string, n);
    return n;
  }

  address(value: unknown): string {
    const known = typeof value === "string" ? this.addresses.get(value) : undefined;
    if (known !== undefined) return known;
    if (typeof value !== "string" || !ADDRESS.test(value)) {
      throw new RpcError("malformed", "eth_getLogs", `log.address invalid: ${JSON.stringify(value)}`);
    }
    const a = value.toLowerCase();
    this.remember(this.addresses, value, a);
    return a;
  }

  private remember<T>(map: Map<string, T>, key: string, value: T): void {
    // Bounded: ids in topics and transaction hashes rarely repeat far apart.
    if (map.size >= 4096) map.clear();
    map.set(key, value);
  }
}

function rpcLog(value: unknown, filter: GetLogsFilter, seen: LogFieldCache): RpcLog {
  const method = "eth_getLogs";
  if (typeof value !== "object" || value === null) throw new RpcError("malformed", method, "log is not an object");
  const l = value as Record<string, unknown>;
  const { topics, data } = l;
  if (!Array.isArray(topics) || topics.length > 4) throw new RpcError("malformed", method, "log.topics invalid");
  const lowered = new Array<string>(topics.length);
  for (let i = 0; i < topics.length; i++) lowered[i] = seen.hash(topics[i], "log topic");
  if (typeof data !== "string" || (data.length & 1) !== 0 || !HEX_DATA.test(data)) throw new RpcError("malformed", method, "log.data is not hex");
  const out: RpcLog = {
    address: seen.address(l.address),
    topics: lowered,
    data,
    blockNumber: seen.quantity(l.blockNumber, "log.blockNumber"),
    blockHash: seen.hash(l.blockHash, "log.blockHash"),
    transactionHash: seen.hash(l.transactionHash, "log.transactionHash"),
    logIndex: quantity(method, l.logIndex, "log.logIndex"),
    removed: l.removed === true,
    blockTimestamp: l.blockTimestamp === undefined || l.blockTimestamp === null ? undefined : seen.quantity(l.blockTimestamp, "log.blockTimestamp"),
  };
  if (out.blockNumber < filter.fromBlock || out.blockNumber > filter.toBlock) {
    throw new RpcError("inconsistent", method, `log in block ${out.blockNumber} outside ${filter.fromBlock}..${filter.toBlock}`);
  }
  return out;
}
