/**
 * Deploys the Provenant contracts with a policy profile and wires them into the hub's address
 * book. Used by scripts/deploy.ts, by the embedded start path and by every test fixture, so that
 * tests exercise the same deployment as production.
 */
import { id as keccakText } from "ethers";
import type { Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import {
  chainPolicy,
  profileHash,
  registrationNoticeMinSeconds,
  type PolicyProfile,
} from "../../policy/profile";
import type {
  AgreementRegistry,
  AuthorizationRegistry,
  OversightRegistry,
  ParticipantRegistry,
  ProductRegistry,
  ProvenantHub,
  ResourceCatalog,
  ScenarioRegistry,
} from "../../typechain-types";

/** Registry names as the hub's address book spells them (contracts/common/Types.sol). */
export const CONTRACT_NAMES = [
  "ParticipantRegistry",
  "ResourceCatalog",
  "AuthorizationRegistry",
  "AgreementRegistry",
  "ScenarioRegistry",
  "ProductRegistry",
  "OversightRegistry",
] as const;
export type RegistryName = (typeof CONTRACT_NAMES)[number];
export type ContractName = "ProvenantHub" | RegistryName;

export interface DeployedContract {
  address: string;
  blockNumber: number;
  txHash: string;
}

/** The deployment JSON: everything a follower or a client needs to find the records. */
export interface Deployment {
  version: 1;
  chainId: number;
  deployer: string;
  deployedAt: string;
  /** The first block any Provenant event can be in. */
  startBlock: number;
  /** Hash of block `startBlock`, so a reader can tell a reset chain from the deployed one. */
  startBlockHash: string;
  profile: { id: string; hash: string; body: PolicyProfile };
  contracts: Record<ContractName, DeployedContract>;
}

export interface ProvenantContracts {
  hub: ProvenantHub;
  participants: ParticipantRegistry;
  catalog: ResourceCatalog;
  authorizations: AuthorizationRegistry;
  agreements: AgreementRegistry;
  scenarios: ScenarioRegistry;
  products: ProductRegistry;
  oversight: OversightRegistry;
}

export interface DeployOptions {
  profile: PolicyProfile;
  /** Deployer and first hub admin (defaults to the first signer). */
  admin?: Signer;
  /** Seconds an admin hand-over must wait (ProvenantHub). Default 0 on dev chains. */
  adminDelay?: number;
  /** Progress lines (one per contract). */
  log?: (line: string) => void;
}

export async function deployProvenant(
  hre: HardhatRuntimeEnvironment,
  opts: DeployOptions,
): Promise<{ deployment: Deployment; contracts: ProvenantContracts }> {
  const { ethers } = hre;
  const admin = opts.admin ?? (await ethers.getSigners())[0];
  const adminAddress = await admin.getAddress();
  const log = opts.log ?? (() => undefined);
  const profile = opts.profile;
  const records = {} as Record<ContractName, DeployedContract>;

  async function deploy(name: ContractName, args: unknown[]) {
    const factory = await ethers.getContractFactory(name, admin);
    const contract = await factory.deploy(...args);
    const tx = contract.deploymentTransaction();
    if (!tx) throw new Error(`${name}: no deployment transaction`);
    const receipt = await tx.wait();
    if (!receipt) throw new Error(`${name}: deployment not mined`);
    const address = await contract.getAddress();
    records[name] = { address, blockNumber: receipt.blockNumber, txHash: receipt.hash };
    log(`deployed ${name} at ${address} (block ${receipt.blockNumber})`);
    return contract;
  }

  const hub = (await deploy("ProvenantHub", [opts.adminDelay ?? 0, adminAddress])) as unknown as ProvenantHub;
  const hubAddress = await hub.getAddress();
  const regNotice = registrationNoticeMinSeconds(profile);
  const argsOf: Record<RegistryName, unknown[]> = {
    ParticipantRegistry: [hubAddress],
    ResourceCatalog: [hubAddress, regNotice],
    AuthorizationRegistry: [hubAddress, chainPolicy(profile)],
    AgreementRegistry: [hubAddress],
    ScenarioRegistry: [hubAddress],
    ProductRegistry: [hubAddress, regNotice],
    // C26, C27, C32: working-day deadlines recorded with each filing (the service owns the calendar).
    OversightRegistry: [
      hubAddress,
      {
        objectionReplyWorkingDays: profile.deadlines.objectionReplyWorkingDays,
        shareReplyWorkingDays: profile.deadlines.conditionalShareReplyWorkingDays,
        shareExecuteWorkingDays: profile.deadlines.conditionalShareExecuteWorkingDays,
      },
    ],
  };
  const deployed = {} as Record<RegistryName, unknown>;
  for (const name of CONTRACT_NAMES) {
    deployed[name] = await deploy(name, argsOf[name]);
    await (await hub.connect(admin).setContract(keccakText(name), records[name].address)).wait();
  }
  // The participant registry alone administers SOURCE_DEPT, OPERATOR and DEVELOPER.
  await (
    await hub.connect(admin).grantRole(keccakText("PARTICIPANT_REGISTRAR"), records.ParticipantRegistry.address)
  ).wait();

  const network = await ethers.provider.getNetwork();
  const startBlock = records.ProvenantHub.blockNumber;
  const block = await ethers.provider.getBlock(startBlock);
  const deployment: Deployment = {
    version: 1,
    chainId: Number(network.chainId),
    deployer: adminAddress,
    deployedAt: new Date().toISOString(),
    startBlock,
    startBlockHash: block?.hash ?? "",
    profile: { id: profile.id, hash: profileHash(profile), body: profile },
    contracts: records,
  };
  return {
    deployment,
    contracts: {
      hub,
      participants: deployed.ParticipantRegistry as ParticipantRegistry,
      catalog: deployed.ResourceCatalog as ResourceCatalog,
      authorizations: deployed.AuthorizationRegistry as AuthorizationRegistry,
      agreements: deployed.AgreementRegistry as AgreementRegistry,
      scenarios: deployed.ScenarioRegistry as ScenarioRegistry,
      products: deployed.ProductRegistry as ProductRegistry,
      oversight: deployed.OversightRegistry as OversightRegistry,
    },
  };
}
