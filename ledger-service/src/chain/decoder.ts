/**
 * Fast event decoding. One decoder is compiled per (contract address, topic0) from the ABIs in
 * the Hardhat artifacts of the contracts the deployment names; each decoder reads indexed values
 * straight from the topics and the data straight from the hex string, without ethers' Result
 * objects. The output follows ChainEvent.args in store/types.ts:
 *   uint/int (except uint8) -> decimal string; uint8 (small enums and counters) -> number;
 *   address -> checksummed; bytes/bytesN -> 0x-hex (lower case); bool -> boolean; string -> string;
 *   tuple -> object keyed by component name; T[] / T[k] -> array;
 *   indexed reference types (string, bytes, arrays, tuples) -> the 32-byte topic (their hash).
 * test/service/follower.decoder.test.ts pins this against ethers' Interface.parseLog.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { id as keccakText } from "ethers";
import type { ChainEvent, JsonValue } from "../store/types";
import type { RpcLog } from "./rpc";
import { checksumAddress } from "./checksum";
import { DeploymentError, RpcError } from "./errors";

/** The subset of a Solidity ABI entry the decoder reads. */
export interface AbiParam {
  name: string;
  type: string;
  indexed?: boolean;
  components?: AbiParam[];
}
export interface AbiEvent {
  type: "event";
  name: string;
  anonymous?: boolean;
  inputs: AbiParam[];
}
export type AbiItem = AbiEvent | { type: string; name?: string; inputs?: AbiParam[] };

export interface DecoderContract {
  /** Name as in the deployment JSON. */
  name: string;
  address: string;
  abi: readonly AbiItem[];
}

export interface Decoder {
  /** Lower-case addresses to filter eth_getLogs with. */
  addresses: string[];
  /** Decodes one log; undefined for a log no ABI describes (an event of a newer contract version). */
  decode(log: RpcLog, timestamp: number): ChainEvent | undefined;
  /** "Contract.Event" for each topic0 the decoder knows (diagnostics, tests). */
  events(): string[];
}

type ReadFn = (hex: string, start: number) => JsonValue;

interface Compiled {
  /** Decodes the value whose encoding starts at char index `start` of `hex` (no 0x prefix). */
  read: ReadFn;
  dynamic: boolean;
  /** Size of the head slot in 32-byte words (1 for dynamic types). */
  words: number;
}

// ===== ARTIFACTS =====

/** Finds `<Name>.json` under artifacts/contracts and returns its ABI, for each name. */
export function loadArtifactAbis(artifactsDir: string, names: readonly string[]): Record<string, AbiItem[]> {
  const root = path.join(artifactsDir, "contracts");
  const found = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) {
        walk(full);
      } else if (entry.endsWith(".json") && !entry.endsWith(".dbg.json")) {
        const name = entry.slice(0, -5);
        // The artifact of contract X lives in X.sol/X.json; prefer that over a same-named file elsewhere.
        if (!found.has(name) || path.basename(dir) === `${name}.sol`) found.set(name, full);
      }
    }
  };
  try {
    walk(root);
  } catch (err) {
    throw new DeploymentError(`cannot read artifacts in ${root} (run \`npx hardhat compile\`): ${String(err)}`);
  }
  const out: Record<string, AbiItem[]> = {};
  for (const name of names) {
    const file = found.get(name);
    if (!file) throw new DeploymentError(`no artifact for contract ${name} under ${root} (run \`npx hardhat compile\`)`);
    const artifact = JSON.parse(readFileSync(file, "utf8")) as { abi?: AbiItem[] };
    if (!Array.isArray(artifact.abi)) throw new DeploymentError(`${file} holds no abi`);
    out[name] = artifact.abi;
  }
  return out;
}

// ===== DECODER =====

export function createDecoder(args: { contracts: DecoderContract[] }): Decoder {
  // Addresses repeat (contracts, signers): remember the recent ones, within bounds.
  const checksums = new Map<string, string>();
  const checksum = (hex40: string): string => {
    let c = checksums.get(hex40);
    if (c === undefined) {
      c = checksumAddress(hex40.toLowerCase());
      if (checksums.size >= 65_536) checksums.clear();
      checksums.set(hex40, c);
    }
    return c;
  };
  const compile = (p: AbiParam): Compiled => compileType(p.type, p.components, checksum);

  /** key: address (lower case) + topic0 */
  const table = new Map<string, (log: RpcLog) => { contract: string; event: string; args: { [name: string]: JsonValue } }>();
  const names: string[] = [];
  const addresses: string[] = [];

  for (const c of args.contracts) {
    const address = c.address.toLowerCase();
    addresses.push(address);
    for (const item of c.abi) {
      if (item.type !== "event") continue;
      const ev = item as AbiEvent;
      if (ev.anonymous) continue;
      const signature = `${ev.name}(${ev.inputs.map(canonicalType).join(",")})`;
      const topic0 = keccakText(signature);
      const indexed: { name: string; topic: number; read: ReadFn | undefined }[] = [];
      const body: { name: string; c: Compiled }[] = [];
      let topic = 1;
      for (const [i, input] of ev.inputs.entries()) {
        const name = input.name || String(i);
        if (input.indexed) {
          const compiled = compile(input);
          // Reference types are hashed into the topic: the topic itself is the value.
          const isValue = !compiled.dynamic && !input.type.endsWith("]") && !input.type.startsWith("tuple");
          indexed.push({ name, topic: topic++, read: isValue ? compiled.read : undefined });
        } else {
          body.push({ name, c: compile(input) });
        }
      }
      const bodyTuple = compileTuple(body.map((b) => b.c));
      const bodyNames = body.map((b) => b.name);
      const topicCount = topic;
      const contract = c.name;
      const event = ev.name;
      table.set(address + topic0, (log) => {
        if (log.topics.length !== topicCount) {
          throw new RpcError("malformed", "eth_getLogs", `${contract}.${event} log with ${log.topics.length} topics, expected ${topicCount}`);
        }
        const out: { [name: string]: JsonValue } = {};
        for (const ix of indexed) {
          const t = log.topics[ix.topic];
          out[ix.name] = ix.read ? ix.read(t.slice(2), 0) : t;
        }
        if (bodyNames.length > 0) {
          const hex = log.data.slice(2);
          let values: JsonValue[];
          try {
            values = bodyTuple(hex, 0);
          } catch (err) {
            throw new RpcError("malformed", "eth_getLogs", `${contract}.${event} data does not decode: ${String(err)}`);
          }
          for (let i = 0; i < bodyNames.length; i++) out[bodyNames[i]] = values[i];
        }
        return { contract, event, args: out };
      });
      names.push(`${c.name}.${ev.name}`);
    }
  }

  return {
    addresses,
    events: () => [...names],
    decode(log, timestamp) {
      if (log.topics.length === 0) return undefined;
      const fn = table.get(log.address + log.topics[0]);
      if (fn === undefined) return undefined;
      const { contract, event, args: decoded } = fn(log);
      return {
        contract,
        event,
        args: decoded,
        blockNumber: log.blockNumber,
        blockHash: log.blockHash,
        timestamp,
        txHash: log.transactionHash,
        logIndex: log.logIndex,
      };
    },
  };
}

// ===== TYPE COMPILER =====

function canonicalType(p: AbiParam): string {
  if (p.type.startsWith("tuple")) {
    return `(${(p.components ?? []).map(canonicalType).join(",")})${p.type.slice(5)}`;
  }
  return p.type;
}

const ARRAY = /^(.*)\[(\d*)\]$/;

function compileType(type: string, components: AbiParam[] | undefined, checksum: (a: string) => string): Compiled {
  const arr = ARRAY.exec(type);
  if (arr) {
    const inner = compileType(arr[1], components, checksum);
    if (arr[2] === "") {
      return {
        dynamic: true,
        words: 1,
        read: (hex, start) => readSeq(inner, readSize(hex, start), hex, start + 64),
      };
    }
    const k = Number(arr[2]);
    return {
      dynamic: inner.dynamic,
      words: inner.dynamic ? 1 : k * inner.words,
      read: (hex, start) => readSeq(inner, k, hex, start),
    };
  }
  if (type === "tuple") {
    const comps = components ?? [];
    const compiled = comps.map((c) => compileType(c.type, c.components, checksum));
    const keys = comps.map((c, i) => c.name || String(i));
    const tuple = compileTuple(compiled);
    const dynamic = compiled.some((c) => c.dynamic);
    return {
      dynamic,
      words: dynamic ? 1 : compiled.reduce((s, c) => s + c.words, 0),
      read: (hex, start) => {
        const values = tuple(hex, start);
        const out: { [name: string]: JsonValue } = {};
        for (let i = 0; i < keys.length; i++) out[keys[i]] = values[i];
        return out;
      },
    };
  }
  if (type === "address") return word((hex, s) => checksum(hex.slice(s + 24, s + 64)));
  if (type === "bool") return word((hex, s) => hex.charCodeAt(s + 63) !== 48 /* '0' */);
  if (type === "string") {
    return {
      dynamic: true,
      words: 1,
      read: (hex, start) => {
        const n = readSize(hex, start);
        return Buffer.from(hex.slice(start + 64, start + 64 + 2 * n), "hex").toString("utf8");
      },
    };
  }
  if (type === "bytes") {
    return {
      dynamic: true,
      words: 1,
      read: (hex, start) => {
        const n = readSize(hex, start);
        return `0x${hex.slice(start + 64, start + 64 + 2 * n).toLowerCase()}`;
      },
    };
  }
  const fixedBytes = /^bytes(\d+)$/.exec(type);
  if (fixedBytes) {
    const n = 2 * Number(fixedBytes[1]);
    return word((hex, s) => `0x${hex.slice(s, s + n).toLowerCase()}`);
  }
  if (type === "uint8") return word((hex, s) => parseInt(hex.slice(s + 62, s + 64), 16));
  if (/^uint\d*$/.test(type)) return word((hex, s) => uintString(hex, s));
  if (/^int\d*$/.test(type)) return word((hex, s) => intString(hex, s));
  throw new DeploymentError(`ABI type ${type} is not supported by the decoder`);
}

function word(read: ReadFn): Compiled {
  return { dynamic: false, words: 1, read };
}

/** Decodes a tuple whose head starts at `start`; dynamic members point relative to `start`. */
function compileTuple(members: Compiled[]): (hex: string, start: number) => JsonValue[] {
  const n = members.length;
  const heads = new Array<number>(n);
  let at = 0;
  for (let i = 0; i < n; i++) {
    heads[i] = at;
    at += 64 * members[i].words;
  }
  return (hex, start) => {
    const out = new Array<JsonValue>(n);
    for (let i = 0; i < n; i++) {
      const m = members[i];
      const head = start + heads[i];
      if (head + 64 > hex.length) throw new RangeError(`head ${head / 2} beyond data (${hex.length / 2} bytes)`);
      out[i] = m.read(hex, m.dynamic ? start + 2 * readSize(hex, head) : head);
    }
    return out;
  };
}

/** `length` elements of one type whose heads start at `start` (an array's body). */
function readSeq(inner: Compiled, length: number, hex: string, start: number): JsonValue[] {
  const out = new Array<JsonValue>(length);
  const step = 64 * inner.words;
  for (let i = 0; i < length; i++) {
    const head = start + step * i;
    if (head + 64 > hex.length) throw new RangeError(`element ${i} beyond data`);
    out[i] = inner.read(hex, inner.dynamic ? start + 2 * readSize(hex, head) : head);
  }
  return out;
}

/** An offset or a length: must fit the data. */
function readSize(hex: string, s: number): number {
  if (s + 64 > hex.length) throw new RangeError(`word at ${s / 2} beyond data (${hex.length / 2} bytes)`);
  for (let i = s; i < s + 48; i++) {
    if (hex.charCodeAt(i) !== 48) throw new RangeError(`size at ${s / 2} too large`);
  }
  const v = parseInt(hex.slice(s + 48, s + 64), 16);
  if (v > hex.length) throw new RangeError(`size ${v} at ${s / 2} beyond data`);
  return v;
}

function uintString(hex: string, s: number): string {
  let i = s;
  const end = s + 64;
  while (i < end && hex.charCodeAt(i) === 48) i++;
  if (i === end) return "0";
  // Up to 13 hex digits (52 bits) fit a double exactly.
  if (end - i <= 13) return parseInt(hex.slice(i, end), 16).toString();
  return BigInt(`0x${hex.slice(i, end)}`).toString();
}

function intString(hex: string, s: number): string {
  const top = parseInt(hex[s], 16);
  if (top < 8) return uintString(hex, s);
  return (BigInt(`0x${hex.slice(s, s + 64)}`) - (1n << 256n)).toString();
}
