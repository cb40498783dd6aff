/**
 * The platform node's key and who it speaks for. A node instance is configured with one key (an
 * encrypted JSON keystore, or a raw key for development); at start the chain must confirm that
 * the key holds PLATFORM_NODE and is a signer key of an Active Operator or ImplementingAgency
 * participant that runs a platform node: that participant's id is the node id (DESIGN section 6).
 */
import { readFileSync } from "node:fs";
import { Wallet, id as keccakText, type Provider } from "ethers";
import { ParticipantRegistry__factory, ProvenantHub__factory } from "../../../typechain-types";
import type { Deployment } from "../../../scripts/lib/deploy";
import type { Config } from "../runtime/config";

export const PLATFORM_NODE_ROLE = keccakText("PLATFORM_NODE");
/** ParticipantKind in contracts/common/Types.sol. */
const KIND_NAMES = ["None", "DataAuthority", "ImplementingAgency", "SourceDepartment", "Operator", "Developer", "Regulator", "ServiceProvider"] as const;
const STATUS_NAMES = ["None", "Active", "Suspended", "Exited"] as const;

/** The node key cannot be used: the instance must not start as a node (exit 2). */
export class NodeKeyError extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = "NodeKeyError";
  }
}

/** Loads the configured node key (keystore decryption takes a second: scrypt). */
export async function loadNodeKey(config: Config): Promise<Wallet> {
  if (config.NODE_PRIVATE_KEY !== undefined) return new Wallet(config.NODE_PRIVATE_KEY);
  if (config.NODE_KEYSTORE === undefined || config.NODE_KEYSTORE_PASSWORD_FILE === undefined) {
    throw new NodeKeyError("no node key configured (NODE_KEYSTORE + NODE_KEYSTORE_PASSWORD_FILE, or NODE_PRIVATE_KEY)");
  }
  let json: string;
  let password: string;
  try {
    json = readFileSync(config.NODE_KEYSTORE, "utf8");
  } catch (err) {
    throw new NodeKeyError(`cannot read NODE_KEYSTORE ${config.NODE_KEYSTORE}: ${(err as Error).message}`);
  }
  try {
    password = readFileSync(config.NODE_KEYSTORE_PASSWORD_FILE, "utf8").replace(/\r?\n$/, "");
  } catch (err) {
    throw new NodeKeyError(`cannot read NODE_KEYSTORE_PASSWORD_FILE ${config.NODE_KEYSTORE_PASSWORD_FILE}: ${(err as Error).message}`);
  }
  try {
    const w = await Wallet.fromEncryptedJson(json, password);
    return new Wallet(w.privateKey);
  } catch (err) {
    throw new NodeKeyError(`cannot decrypt NODE_KEYSTORE ${config.NODE_KEYSTORE} (wrong password or not a keystore): ${(err as Error).message}`);
  }
}

export interface NodeIdentity {
  /** The participant running the node. */
  nodeId: bigint;
  address: string;
  kind: string;
  name: string;
  registeredAt: number;
}

/**
 * Asks the chain who the key speaks for; throws NodeKeyError naming the first problem. Called
 * at start, and every NODE_KEY_CHECK_INTERVAL while the node runs (runtime/node.ts): while the
 * key may not act, the intake acknowledges nothing.
 */
export async function resolveNodeIdentity(provider: Provider, deployment: Deployment, address: string): Promise<NodeIdentity> {
  const hub = ProvenantHub__factory.connect(deployment.contracts.ProvenantHub.address, provider);
  const participants = ParticipantRegistry__factory.connect(deployment.contracts.ParticipantRegistry.address, provider);
  const [hasRole, id, bound] = await Promise.all([hub.hasRole(PLATFORM_NODE_ROLE, address), participants.participantOf(address), hub.nodeOf(address)]);
  if (id === 0n) throw new NodeKeyError(`node key ${address} is not a signer key of any participant`);
  const p = await participants.participant(id);
  const kind = KIND_NAMES[Number(p.kind)] ?? String(p.kind);
  const status = STATUS_NAMES[Number(p.status)] ?? String(p.status);
  if (kind !== "Operator" && kind !== "ImplementingAgency") {
    throw new NodeKeyError(`node key ${address} signs for participant ${id} (${p.name}), a ${kind}: only an Operator or the ImplementingAgency runs a platform node`);
  }
  if (status !== "Active") throw new NodeKeyError(`node key ${address} signs for participant ${id} (${p.name}), which is ${status}`);
  if (!hasRole) throw new NodeKeyError(`node key ${address} (participant ${id}, ${p.name}) does not hold PLATFORM_NODE`);
  if (bound !== id) throw new NodeKeyError(`node key ${address} (participant ${id}, ${p.name}) is bound to node ${bound} in the hub, not ${id}`);
  return { nodeId: id, address, kind, name: p.name, registeredAt: Number(p.registeredAt) };
}
