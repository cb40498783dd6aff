/**
 * Agreements off chain: the EIP-712 typed data a party signs (contracts/AgreementRegistry.sol),
 * and the structured terms, a small subset of the W3C ODRL 2.2 `Agreement`
 * (https://www.w3.org/TR/odrl-model/), built, validated and hashed here. The chain stores
 * `termsDigest = keccak256(canonical JSON)`; anyone holding the JSON can check it.
 *
 * Shared by platform nodes, tests and scripts.
 */
import { AbiCoder, keccak256, toUtf8Bytes, type Signer, type TypedDataDomain, type TypedDataField } from "ethers";
import { z } from "zod";
import { canonicalJson } from "../../policy/profile";

// ===== CHAIN VOCABULARY =====

/** IAgreementRegistry.AgreementKind. */
export const AgreementKind = {
  None: 0,
  /** 授权运营协议 (tier 1). */
  OperationAuthorization: 1,
  /** 开发利用服务协议 (C15). */
  DevelopmentService: 2,
  /** 场景开发与产品经营协议. */
  ScenarioProduct: 3,
  /** 授权开发协议 (tier 2). */
  DevelopmentAuthorization: 4,
} as const;
export type AgreementKindValue = (typeof AgreementKind)[keyof typeof AgreementKind];

/** IAgreementRegistry.AgreementStatus. */
export const AgreementStatus = { None: 0, Proposed: 1, Effective: 2, Filed: 3, Terminated: 4 } as const;

/** IAgreementRegistry.PartyRole (named by AgreementRegistryMissingParty). */
export const PartyRole = {
  None: 0,
  Holder: 1,
  Operator: 2,
  Developer: 3,
  AuthorityOrAgency: 4,
  SourceDepartment: 5,
} as const;

// ===== EIP-712 =====

/** The EIP-712 domain name and version of AgreementRegistry (its constructor). */
export const AGREEMENT_DOMAIN_NAME = "Provenant AgreementRegistry";
export const AGREEMENT_DOMAIN_VERSION = "1";

/** The typed struct, field for field as AGREEMENT_SIGNATURE_TYPEHASH spells it. */
export const AGREEMENT_SIGNATURE_TYPES: Record<string, TypedDataField[]> = {
  AgreementSignature: [
    { name: "agreementId", type: "uint64" },
    { name: "documentHash", type: "bytes32" },
    { name: "termsDigest", type: "bytes32" },
    { name: "partyId", type: "uint64" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint64" },
  ],
};

export interface AgreementSignatureParams {
  /** Chain id of the deployment (bound in the domain). */
  chainId: bigint | number;
  /** Address of the AgreementRegistry (bound in the domain). */
  verifyingContract: string;
  agreementId: bigint | number;
  documentHash: string;
  termsDigest: string;
  partyId: bigint | number;
  /** An unused nonce of the signer key (nonces are unordered: any unused value works). */
  nonce: bigint | number;
  /** Unix seconds after which the signature is void. */
  deadline: bigint | number;
}

export interface AgreementSignatureTypedData {
  domain: TypedDataDomain;
  types: Record<string, TypedDataField[]>;
  primaryType: "AgreementSignature";
  value: Record<string, bigint | string>;
}

/**
 * The domain, types and value a party signs to approve an agreement.
 *
 * @example
 * const td = agreementSignatureTypedData({ chainId, verifyingContract, agreementId, ... });
 * const signature = await signer.signTypedData(td.domain, td.types, td.value);
 */
export function agreementSignatureTypedData(p: AgreementSignatureParams): AgreementSignatureTypedData {
  return {
    domain: {
      name: AGREEMENT_DOMAIN_NAME,
      version: AGREEMENT_DOMAIN_VERSION,
      chainId: BigInt(p.chainId),
      verifyingContract: p.verifyingContract,
    },
    types: AGREEMENT_SIGNATURE_TYPES,
    primaryType: "AgreementSignature",
    value: {
      agreementId: BigInt(p.agreementId),
      documentHash: p.documentHash,
      termsDigest: p.termsDigest,
      partyId: BigInt(p.partyId),
      nonce: BigInt(p.nonce),
      deadline: BigInt(p.deadline),
    },
  };
}

/** IAgreementRegistry.SignedApproval, ready for `submitSignatures`. */
export interface SignedApproval {
  partyId: bigint;
  signer: string;
  nonce: bigint;
  deadline: bigint;
  signature: string;
}

/** Signs an agreement for a party with `signer` (an EOA key of that party). */
export async function signAgreement(signer: Signer, p: AgreementSignatureParams): Promise<SignedApproval> {
  const td = agreementSignatureTypedData(p);
  const signature = await signer.signTypedData(td.domain, td.types, td.value);
  return {
    partyId: BigInt(p.partyId),
    signer: await signer.getAddress(),
    nonce: BigInt(p.nonce),
    deadline: BigInt(p.deadline),
    signature,
  };
}

// ===== ODRL 2.2 AGREEMENT =====

/** The ODRL 2.2 JSON-LD context. */
export const ODRL_CONTEXT = "http://www.w3.org/ns/odrl.jsonld";
/** The profile IRI that names this subset. */
export const PROVENANT_ODRL_PROFILE = "urn:provenant:odrl:profile:1";

/** IRIs of chain records. */
export const participantIri = (id: bigint | number): string => `urn:provenant:participant:${id}`;
export const resourceIri = (id: bigint | number): string => `urn:provenant:resource:${id}`;
export const authorizationIri = (id: bigint | number): string => `urn:provenant:authorization:${id}`;

/** Actions of the ODRL core and common vocabulary this subset allows. */
export const ODRL_ACTIONS = [
  "use",
  "read",
  "reproduce",
  "distribute",
  "derive",
  "aggregate",
  "anonymize",
  "transform",
  "display",
  "sell",
  "grantUse",
  "transfer",
] as const;
export type OdrlAction = (typeof ODRL_ACTIONS)[number];

const Iri = z.string().regex(/^(urn:[a-z0-9][a-z0-9-]*:\S+|https?:\/\/\S+)$/i, "an IRI (urn: or http(s)://)");

const DateTimeLiteral = z
  .object({
    "@value": z.iso.datetime(),
    "@type": z.literal("xsd:dateTime"),
  })
  .strict();

const PurposeConstraint = z
  .object({
    leftOperand: z.literal("purpose"),
    operator: z.literal("eq"),
    rightOperand: z.string().min(1).max(500),
  })
  .strict();

const DateTimeConstraint = z
  .object({
    leftOperand: z.literal("dateTime"),
    operator: z.enum(["gteq", "gt", "lt", "lteq"]),
    rightOperand: DateTimeLiteral,
  })
  .strict();

const SpatialConstraint = z
  .object({
    leftOperand: z.literal("spatial"),
    operator: z.literal("eq"),
    rightOperand: z.string().min(1).max(200),
  })
  .strict();

export const OdrlConstraintSchema = z.discriminatedUnion("leftOperand", [
  PurposeConstraint,
  DateTimeConstraint,
  SpatialConstraint,
]);
export type OdrlConstraint = z.infer<typeof OdrlConstraintSchema>;

export const OdrlRuleSchema = z
  .object({
    target: Iri,
    action: z.enum(ODRL_ACTIONS),
    constraint: z.array(OdrlConstraintSchema).optional(),
  })
  .strict()
  .superRefine((rule, ctx) => {
    // A term is a well-formed interval: every lower bound precedes every upper bound.
    const times = (ops: string[]) =>
      (rule.constraint ?? [])
        .filter((c): c is z.infer<typeof DateTimeConstraint> => c.leftOperand === "dateTime" && ops.includes(c.operator))
        .map((c) => Date.parse(c.rightOperand["@value"]));
    const lows = times(["gteq", "gt"]);
    const highs = times(["lt", "lteq"]);
    for (const lo of lows) {
      for (const hi of highs) {
        if (lo >= hi) ctx.addIssue({ code: "custom", message: "dateTime term ends before it starts" });
      }
    }
  });
export type OdrlRule = z.infer<typeof OdrlRuleSchema>;

export const OdrlAgreementSchema = z
  .object({
    "@context": z.literal(ODRL_CONTEXT),
    "@type": z.literal("Agreement"),
    uid: Iri,
    profile: z.literal(PROVENANT_ODRL_PROFILE),
    assigner: Iri,
    assignee: Iri,
    permission: z.array(OdrlRuleSchema).min(1),
    prohibition: z.array(OdrlRuleSchema).optional(),
  })
  .strict()
  .refine((a) => a.assigner !== a.assignee, { message: "assigner and assignee must differ" });
export type OdrlAgreement = z.infer<typeof OdrlAgreementSchema>;

export interface BuildOdrlAgreementArgs {
  /** The agreement's IRI (e.g. `urn:provenant:agreement:<chainId>:<authorizationId>:<kind>`). */
  uid: string;
  /** The party granting (authority, implementing agency, or the parent operator). */
  assignerId: bigint | number;
  /** The party receiving (the authorization's holder). */
  assigneeId: bigint | number;
  /** Resources in scope; when there are none, the permissions target the authorization. */
  resourceIds: readonly (bigint | number)[];
  /** The governed authorization (the target when the scope names no resource). */
  authorizationId?: bigint | number;
  /** Permitted actions on each resource (default `["use"]`). */
  actions?: readonly OdrlAction[];
  /** Actions prohibited on each resource (e.g. `["sell"]` of raw data). */
  prohibitedActions?: readonly OdrlAction[];
  /** The purpose the use is bound to (the scenario, 场景). */
  purpose: string;
  /** Term, Unix seconds: [termStart, termEnd). */
  termStart: bigint | number;
  termEnd: bigint | number;
  /** Optional area (e.g. an administrative division code). */
  spatial?: string;
}

const isoOf = (seconds: bigint | number): string => new Date(Number(seconds) * 1000).toISOString();

/** Builds (and validates) an ODRL 2.2 Agreement: one permission per resource and action. */
export function buildOdrlAgreement(args: BuildOdrlAgreementArgs): OdrlAgreement {
  const constraint: OdrlConstraint[] = [
    { leftOperand: "purpose", operator: "eq", rightOperand: args.purpose },
    { leftOperand: "dateTime", operator: "gteq", rightOperand: { "@value": isoOf(args.termStart), "@type": "xsd:dateTime" } },
    { leftOperand: "dateTime", operator: "lt", rightOperand: { "@value": isoOf(args.termEnd), "@type": "xsd:dateTime" } },
  ];
  if (args.spatial) constraint.push({ leftOperand: "spatial", operator: "eq", rightOperand: args.spatial });
  const targets = args.resourceIds.map(resourceIri);
  if (targets.length === 0 && args.authorizationId !== undefined) targets.push(authorizationIri(args.authorizationId));
  const rules = (actions: readonly OdrlAction[]) =>
    targets.flatMap((target) => actions.map((action) => ({ target, action, constraint })));
  const prohibited = args.prohibitedActions ?? [];
  return validateOdrlAgreement({
    "@context": ODRL_CONTEXT,
    "@type": "Agreement",
    uid: args.uid,
    profile: PROVENANT_ODRL_PROFILE,
    assigner: participantIri(args.assignerId),
    assignee: participantIri(args.assigneeId),
    permission: rules(args.actions ?? ["use"]),
    ...(prohibited.length > 0 ? { prohibition: rules(prohibited) } : {}),
  });
}

/** Parses an ODRL Agreement of this subset; throws a ZodError naming every problem. */
export function validateOdrlAgreement(value: unknown): OdrlAgreement {
  return OdrlAgreementSchema.parse(value);
}

/** The canonical JSON of a (validated) agreement: sorted keys, no whitespace. */
export function canonicalOdrl(agreement: unknown): string {
  return canonicalJson(validateOdrlAgreement(agreement));
}

/** The termsDigest the chain stores: keccak256 of the canonical JSON (UTF-8). */
export function odrlTermsDigest(agreement: unknown): string {
  return keccak256(toUtf8Bytes(canonicalOdrl(agreement)));
}

// ===== SCOPE (C05) =====

const ascending = <T extends bigint | string>(xs: readonly T[]): T[] =>
  [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * The `scopeDigest` an agreement records and the chain compares with the governed
 * authorization's scope at activation (IAgreementRegistry): keccak256(abi.encode(uint64[]
 * resourceIds, bytes32[] domains)), both strictly ascending as the authorization holds them.
 * Pass the authorization's own `resourceIds` and `domains` (or the ODRL targets,
 * `odrlResourceIds`, with the domains) to state the scope the ODRL terms grant.
 */
export function agreementScopeDigest(resourceIds: readonly (bigint | number)[], domains: readonly string[] = []): string {
  const ids = ascending(resourceIds.map((r) => BigInt(r)));
  const ds = ascending(domains.map((d) => d.toLowerCase()));
  return keccak256(AbiCoder.defaultAbiCoder().encode(["uint64[]", "bytes32[]"], [ids, ds]));
}

const RESOURCE_IRI = /^urn:provenant:resource:(\d+)$/;

/** The resource ids the permissions of an ODRL agreement target, ascending and distinct. */
export function odrlResourceIds(agreement: OdrlAgreement): bigint[] {
  const ids = new Set<bigint>();
  for (const rule of agreement.permission) {
    const m = RESOURCE_IRI.exec(rule.target);
    if (m) ids.add(BigInt(m[1]));
  }
  return ascending([...ids]);
}

/**
 * The term every permission shares, in Unix seconds: the latest lower bound and the earliest
 * upper bound over all permissions (undefined if a permission leaves it open).
 */
export function odrlTerm(agreement: OdrlAgreement): { termStart?: number; termEnd?: number } {
  let termStart: number | undefined;
  let termEnd: number | undefined;
  for (const rule of agreement.permission) {
    for (const c of rule.constraint ?? []) {
      if (c.leftOperand !== "dateTime") continue;
      const t = Math.floor(Date.parse(c.rightOperand["@value"]) / 1000);
      if (c.operator === "gteq" || c.operator === "gt") termStart = Math.max(termStart ?? t, t);
      else termEnd = Math.min(termEnd ?? t, t);
    }
  }
  return { termStart, termEnd };
}
