/**
 * Deploys the Provenant contracts with a policy profile and wires them into the hub's address
 * book. Used by scripts/deploy.ts, by the embedded start path and by every test fixture, so that
 * tests exercise the same deployment as production.
 */
import { id as keccakText, type ContractFactory, type ContractRunner, type Signer } from "ethers";
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
  ReceiptAnchor,
  ResourceCatalog,
  ScenarioRegistry,
  WorkingDayCalendar,
} from "../../typechain-types";
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
import { pinnedYearSchedules } from "./calendar";

/** Registry names as the hub's address book spells them (contracts/common/Types.sol). */
export const CONTRACT_NAMES = [
  "ParticipantRegistry",
  "ResourceCatalog",
  "AuthorizationRegistry",
  "AgreementRegistry",
  "ScenarioRegistry",
  "ProductRegistry",
  "OversightRegistry",
  "ReceiptAnchor",
  "WorkingDayCalendar",
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
  receipts: ReceiptAnchor;
  calendar: WorkingDayCalendar;
}

/** The deployed registries, typed, acting through `runner` (a signer to send, a provider to read). */
export function connectProvenant(
  contracts: Record<ContractName, Pick<DeployedContract, "address">>,
  runner: ContractRunner,
): ProvenantContracts {
  return {
    hub: ProvenantHub__factory.connect(contracts.ProvenantHub.address, runner),
    participants: ParticipantRegistry__factory.connect(contracts.ParticipantRegistry.address, runner),
    catalog: ResourceCatalog__factory.connect(contracts.ResourceCatalog.address, runner),
    authorizations: AuthorizationRegistry__factory.connect(contracts.AuthorizationRegistry.address, runner),
    agreements: AgreementRegistry__factory.connect(contracts.AgreementRegistry.address, runner),
    scenarios: ScenarioRegistry__factory.connect(contracts.ScenarioRegistry.address, runner),
    products: ProductRegistry__factory.connect(contracts.ProductRegistry.address, runner),
    oversight: OversightRegistry__factory.connect(contracts.OversightRegistry.address, runner),
    receipts: ReceiptAnchor__factory.connect(contracts.ReceiptAnchor.address, runner),
    calendar: WorkingDayCalendar__factory.connect(contracts.WorkingDayCalendar.address, runner),
  };
}

export interface DeployOptions {
  profile: PolicyProfile;
  /** Deployer and first hub admin (defaults to the first signer). */
  admin?: Signer;
  /** Seconds an admin hand-over must wait (ProvenantHub). Default 0 on dev chains. */
  adminDelay?: number;
  /**
   * Seconds a registry address change or a governance-role grant waits once the hub's setup is
   * sealed (ProvenantHub.governanceDelay). Default 0: development chains only; scripts/deploy.ts
   * picks the value (governanceDelayFor).
   */
  governanceDelay?: number;
  /**
   * Seal the hub's setup after wiring (ProvenantHub.sealSetup): from then on address changes and
   * governance grants are scheduled and wait `governanceDelay`. Default: sealed when the delay is
   * not 0. A caller that still grants the first roles passes false and seals afterwards.
   */
  seal?: boolean;
  /** Progress lines (one per contract). */
  log?: (line: string) => void;
}

/** Chain ids of local development chains (Hardhat, anvil; Ganache): the only ones a zero governance delay suits. */
export const DEV_CHAIN_IDS: readonly number[] = [31337, 1337];
/** The governance delay outside development when none is given: two days. */
export const DEFAULT_GOVERNANCE_DELAY = 2 * 86_400;

/**
 * The governance delay a deployment to `chainId` gets: `text` (whole seconds) when given,
 * otherwise 0 on a development chain and DEFAULT_GOVERNANCE_DELAY elsewhere. A zero delay
 * outside development is refused unless `allowZero` (an explicit, documented override).
 */
export function governanceDelayFor(chainId: number, text: string | undefined, allowZero = false): number {
  const dev = DEV_CHAIN_IDS.includes(chainId);
  if (text === undefined || text === "") return dev ? 0 : DEFAULT_GOVERNANCE_DELAY;
  if (!/^\d+$/.test(text)) throw new Error(`the governance delay must be a whole number of seconds, got "${text}"`);
  const delay = Number(text);
  if (delay > 2 ** 48 - 1) throw new Error(`the governance delay ${text} does not fit in uint48`);
  if (delay === 0 && !dev && !allowZero) {
    throw new Error(
      `a zero governance delay lets the hub admin swap registries and grant governance roles at once; ` +
        `chain ${chainId} is not a development chain (${DEV_CHAIN_IDS.join(", ")}): set PROVENANT_ALLOW_ZERO_GOVERNANCE_DELAY=1 to insist`,
    );
  }
  return delay;
}

/** Factories generated by typechain (bytecode included): no Hardhat runtime needed to deploy. */
const FACTORIES: Record<ContractName, new (signer: Signer) => ContractFactory> = {
  ProvenantHub: ProvenantHub__factory,
  ParticipantRegistry: ParticipantRegistry__factory,
  ResourceCatalog: ResourceCatalog__factory,
  AuthorizationRegistry: AuthorizationRegistry__factory,
  AgreementRegistry: AgreementRegistry__factory,
  ScenarioRegistry: ScenarioRegistry__factory,
  ProductRegistry: ProductRegistry__factory,
  OversightRegistry: OversightRegistry__factory,
  ReceiptAnchor: ReceiptAnchor__factory,
  WorkingDayCalendar: WorkingDayCalendar__factory,
};

/** Deploys through the Hardhat runtime's network; the admin defaults to its first signer. */
export async function deployProvenant(
  hre: HardhatRuntimeEnvironment,
  opts: DeployOptions,
): Promise<{ deployment: Deployment; contracts: ProvenantContracts }> {
  const admin = opts.admin ?? (await hre.ethers.getSigners())[0];
  return deployProvenantWith(admin, opts);
}

/** Deploys with `admin` (a signer connected to a provider), e.g. on the embedded anvil chain. */
export async function deployProvenantWith(
  admin: Signer,
  opts: DeployOptions,
): Promise<{ deployment: Deployment; contracts: ProvenantContracts }> {
  const provider = admin.provider;
  if (!provider) throw new Error("deployProvenantWith: the admin signer has no provider");
  const adminAddress = await admin.getAddress();
  const log = opts.log ?? (() => undefined);
  const profile = opts.profile;
  const records = {} as Record<ContractName, DeployedContract>;

  async function deploy(name: ContractName, args: unknown[]) {
    const factory = new FACTORIES[name](admin);
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

  /** The China-local year of the chain's latest block: no notice can start before it. */
  async function deploymentYear(): Promise<number> {
    const latest = await provider!.getBlock("latest");
    const t = (latest?.timestamp ?? Math.floor(Date.now() / 1000)) + 8 * 3600;
    return new Date(t * 1000).getUTCFullYear();
  }

  const governanceDelay = opts.governanceDelay ?? 0;
  const hub = (await deploy("ProvenantHub", [opts.adminDelay ?? 0, governanceDelay, adminAddress])) as unknown as ProvenantHub;
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
    ReceiptAnchor: [hubAddress],
    // C04: the working days of every year the pinned calendar covers from the deployment's year on.
    WorkingDayCalendar: [hubAddress, pinnedYearSchedules(await deploymentYear())],
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
  if (opts.seal ?? governanceDelay > 0) {
    // From here on, registry swaps and governance grants are scheduled and wait the delay.
    await (await hub.connect(admin).sealSetup()).wait();
    log(`sealed the hub's setup (governance delay ${governanceDelay} s)`);
  }

  const network = await provider.getNetwork();
  const startBlock = records.ProvenantHub.blockNumber;
  const block = await provider.getBlock(startBlock);
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
      receipts: deployed.ReceiptAnchor as ReceiptAnchor,
      calendar: deployed.WorkingDayCalendar as WorkingDayCalendar,
    },
  };
}
