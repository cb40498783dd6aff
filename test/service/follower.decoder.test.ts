/**
 * The hand-written decoder against ethers' Interface: for every event of every contract in the
 * artifacts, random values encoded by ethers decode to the documented ChainEvent.args shape.
 */
import { expect } from "chai";
import { Interface, getAddress, hexlify, randomBytes, type ParamType } from "ethers";
import { checksumAddress } from "../../ledger-service/src/chain/checksum";
import { createDecoder, loadArtifactAbis, type AbiItem } from "../../ledger-service/src/chain/decoder";
import type { JsonValue } from "../../ledger-service/src/store/types";
import type { RpcLog } from "../../ledger-service/src/chain/rpc";
import { ROOT } from "./follower.helpers";
import path from "node:path";

const NAMES = [
  "ProvenantHub",
  "ParticipantRegistry",
  "ResourceCatalog",
  "AuthorizationRegistry",
  "AgreementRegistry",
  "ScenarioRegistry",
  "ProductRegistry",
  "OversightRegistry",
];

function randomValue(t: ParamType, seed: number): unknown {
  if (t.isArray()) {
    const n = t.arrayLength === -1 ? seed % 4 : t.arrayLength;
    return Array.from({ length: n }, (_, i) => randomValue(t.arrayChildren, seed + i + 1));
  }
  if (t.isTuple()) return t.components.map((c, i) => randomValue(c, seed + i + 1));
  const base = t.baseType;
  if (base === "address") return getAddress(hexlify(randomBytes(20)));
  if (base === "bool") return seed % 2 === 0;
  if (base === "string") return ["", "惠州市 数据局", "a".repeat(40 + seed), "x"][seed % 4];
  if (base === "bytes") return hexlify(randomBytes(seed % 70));
  const fixed = /^bytes(\d+)$/.exec(base);
  if (fixed) return hexlify(randomBytes(Number(fixed[1])));
  const m = /^(u?)int(\d+)$/.exec(base)!;
  const bits = Number(m[2]);
  const big = BigInt(hexlify(randomBytes(bits / 8))) >> BigInt(seed % 3 === 0 ? 0 : bits / 2);
  if (m[1] === "u") return big;
  return seed % 2 === 0 ? big >> 1n : -(big >> 1n);
}

/** ethers' decoded value in the ChainEvent.args shape documented in store/types.ts. */
function expected(t: ParamType, v: unknown): JsonValue {
  if (t.isArray()) return (v as unknown[]).map((x) => expected(t.arrayChildren, x));
  if (t.isTuple()) {
    const out: { [k: string]: JsonValue } = {};
    t.components.forEach((c, i) => (out[c.name || String(i)] = expected(c, (v as unknown[])[i])));
    return out;
  }
  if (t.baseType === "uint8") return Number(v);
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "string" && /^0x/.test(v) && t.baseType !== "address") return v.toLowerCase();
  return v as JsonValue;
}

describe("ledger-service decoder", function () {
  it("decodes every event of every artifact exactly as ethers does, in the documented shape", function () {
    const abis = loadArtifactAbis(path.join(ROOT, "artifacts"), NAMES);
    const contracts = NAMES.map((name, i) => ({ name, address: `0x${String(i + 1).padStart(40, "0")}`, abi: abis[name] as AbiItem[] }));
    const decoder = createDecoder({ contracts });
    let checked = 0;
    for (const c of contracts) {
      const iface = new Interface(c.abi as never);
      iface.forEachEvent((ev) => {
        for (let seed = 0; seed < 6; seed++) {
          const values = ev.inputs.map((p, i) => randomValue(p, seed * 7 + i));
          const { data, topics } = iface.encodeEventLog(ev, values);
          const log: RpcLog = {
            address: c.address,
            topics: topics.map((t) => t.toLowerCase()),
            data,
            blockNumber: 7,
            blockHash: `0x${"11".repeat(31)}${String(seed).padStart(2, "0")}`,
            transactionHash: `0x${"22".repeat(31)}${String(seed).padStart(2, "0")}`,
            logIndex: seed,
            removed: false,
          };
          const got = decoder.decode(log, 1_700_000_000);
          expect(got, `${c.name}.${ev.name}`).to.not.equal(undefined);
          const parsed = iface.parseLog(log)!;
          const want: { [k: string]: JsonValue } = {};
          ev.inputs.forEach((p, i) => {
            const indexedRef = p.indexed && (p.isArray() || p.isTuple() || p.baseType === "string" || p.baseType === "bytes");
            want[p.name || String(i)] = indexedRef ? (parsed.args[i] as { hash: string }).hash : expected(p, parsed.args[i]);
          });
          expect(got!.args, `${c.name}.${ev.name} seed ${seed}`).to.deep.equal(want);
          expect(got!.contract).to.equal(c.name);
          expect(got!.event).to.equal(ev.name);
          // Where it happened: each anchor field from its own log field, never swapped.
          expect([got!.blockNumber, got!.blockHash, got!.txHash, got!.logIndex, got!.timestamp]).to.deep.equal([
            7, log.blockHash, log.transactionHash, seed, 1_700_000_000,
          ]);
          checked++;
        }
      });
    }
    expect(checked).to.be.greaterThan(100);
  });

  it("refuses malformed data with a retryable RpcError instead of decoding garbage", function () {
    const abis = loadArtifactAbis(path.join(ROOT, "artifacts"), ["ParticipantRegistry"]);
    const address = `0x${"01".repeat(20)}`;
    const decoder = createDecoder({ contracts: [{ name: "ParticipantRegistry", address, abi: abis.ParticipantRegistry }] });
    const iface = new Interface(abis.ParticipantRegistry as never);
    const ev = iface.getEvent("ParticipantRegistered")!;
    const { data, topics } = iface.encodeEventLog(ev, [1n, 4, "n", "c", `0x${"00".repeat(32)}`, [address], address]);
    const log: RpcLog = {
      address,
      topics,
      data: data.slice(0, 2 + 64 * 3),
      blockNumber: 1,
      blockHash: `0x${"11".repeat(32)}`,
      transactionHash: `0x${"22".repeat(32)}`,
      logIndex: 0,
      removed: false,
    };
    expect(() => decoder.decode(log, 0)).to.throw(/does not decode/).with.property("retryable", true);
  });

  it("checksums addresses exactly as ethers' getAddress (EIP-55)", function () {
    const samples = ["0".repeat(40), "f".repeat(40), "a".repeat(40), "5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"];
    for (let i = 0; i < 5_000; i++) samples.push(hexlify(randomBytes(20)).slice(2));
    for (const a of samples) expect(checksumAddress(a)).to.equal(getAddress(`0x${a}`));
    expect(checksumAddress("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")).to.equal("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
    expect(() => checksumAddress("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")).to.throw(RangeError);
  });
});
