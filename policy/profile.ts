/**
 * Policy profiles: the numbers in which jurisdictions differ (DESIGN section 5).
 * A profile is a JSON file in policy/profiles/, validated here at load; every city profile must be
 * at least as strict as the national baseline (C38). `chainPolicy` gives the numbers the
 * contracts enforce, passed at deployment.
 */
import { readFileSync, readdirSync } from "node:fs";
import { createHash } from "node:crypto";
import path from "node:path";
import { z } from "zod";

export const PROFILES_DIR = path.join(__dirname, "profiles");
export const NATIONAL_PROFILE_ID = "national";
const DAY = 86_400;

const workingDays = z.number().int().min(1).max(60);

/**
 * The agreements that may govern a developer (C15), by their IAgreementRegistry.AgreementKind
 * names: the four-party 开发利用服务协议 (001 第十九条; 002 第十九条) and the two-party 授权开发协议
 * (004 第八条, 第十一条).
 */
export const TIER2_AGREEMENT_KINDS = ["DevelopmentService", "DevelopmentAuthorization"] as const;
export type Tier2AgreementKind = (typeof TIER2_AGREEMENT_KINDS)[number];
/** IAgreementRegistry.AgreementKind values of those names. */
const AGREEMENT_KIND_VALUE: Record<Tier2AgreementKind, number> = { DevelopmentService: 2, DevelopmentAuthorization: 4 };
const cadence = z.enum(["monthly", "quarterly"]).nullable();

export const profileSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{1,31}$/, "lower-case id"),
    name: z.string().min(1),
    sources: z.array(z.string().min(1)).min(1),
    /** C06/C38: maximum authorization term in calendar years. */
    maxTermYears: z.number().int().min(1).max(5),
    /** C07: 1 (operators only) or 2 (operators and developers). */
    tiers: z.number().int().min(1).max(2),
    /** C03: expert approvals that pass an application, or objections that reject it (first to reach it decides). */
    expertQuorum: z.number().int().min(1).max(15),
    /** C13: review opinions a scenario needs before approval; a majority against always blocks it. */
    scenarioOpinionQuorum: z.number().int().min(1).max(15),
    /** C18: passed compliance reviews since the last failed one before a product may be listed (passes must also outnumber failures). */
    productReviewQuorum: z.number().int().min(1).max(15),
    /** C15: agreement kinds any of which may activate a tier-2 (developer) authorization. */
    tier2Agreements: z
      .array(z.enum(TIER2_AGREEMENT_KINDS))
      .min(1)
      .refine((a) => new Set(a).size === a.length, "no duplicates"),
    /** C04: public notice of a decision, in working days. */
    noticeWorkingDays: workingDays,
    /** C36: public notice of a registration, in working days. */
    registrationNoticeWorkingDays: workingDays,
    deadlines: z
      .object({
        catalogApprovalWorkingDays: workingDays, // C11, 003 第十二条
        operatorPreReviewWorkingDays: workingDays, // C12, 001 第十八条
        authorityEvaluationWorkingDays: workingDays, // C12, 001 第十八条
        sourceConfirmationWorkingDays: workingDays, // C12, 001 第十八条
        objectionReplyWorkingDays: workingDays, // C27, 003 第二十八条
        conditionalShareReplyWorkingDays: workingDays, // C32, 003 第二十四条
        conditionalShareExecuteWorkingDays: workingDays, // C32, 003 第二十四条
      })
      .strict(),
    reporting: z
      .object({
        partnerSupervision: cadence, // C28, 001 第二十八条 (monthly)
        operation: cadence, // C28, 002 第二十八条 (quarterly)
        annualReport: z.boolean(), // C28, 004 第十九条
        annualEvaluation: z.boolean(), // C29
      })
      .strict(),
    /** C24, 001 第十四条: logs kept at least this many years after termination. */
    logRetentionYears: z.number().int().min(1).max(30),
    /** C37: annual disclosure due date, MM-DD, for the previous year. */
    annualDisclosureDue: z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, "MM-DD"),
  })
  .strict();

export type PolicyProfile = z.infer<typeof profileSchema>;

/** The numbers the AuthorizationRegistry constructor takes (IAuthorizationRegistry.Policy). */
export interface ChainPolicy {
  maxTermYears: number;
  tiers: number;
  expertQuorum: number;
  scenarioOpinionQuorum: number;
  productReviewQuorum: number;
  /** Bit (1 << AgreementKind) for each kind in the profile's tier2Agreements. */
  tier2AgreementKinds: number;
  noticeMinSeconds: number;
}

export class ProfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProfileError";
  }
}

/** Ids of the shipped profiles, sorted. */
export function listProfiles(dir: string = PROFILES_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -".json".length))
    .sort();
}

/** Parses and validates one profile document; `label` names it in error messages. */
export function parseProfile(raw: unknown, label: string): PolicyProfile {
  const parsed = profileSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new ProfileError(`policy profile ${label} is invalid: ${issues}`);
  }
  return parsed.data;
}

/**
 * Every rule in which a city profile is looser than the national baseline, as messages (empty
 * when the profile is at least as strict). C38.
 */
export function loosenessAgainst(profile: PolicyProfile, baseline: PolicyProfile): string[] {
  const out: string[] = [];
  if (profile.maxTermYears > baseline.maxTermYears) {
    out.push(`maxTermYears ${profile.maxTermYears} exceeds the national ${baseline.maxTermYears}`);
  }
  if (profile.tiers > baseline.tiers) out.push(`tiers ${profile.tiers} exceeds the national ${baseline.tiers}`);
  if (profile.expertQuorum < baseline.expertQuorum) {
    out.push(`expertQuorum ${profile.expertQuorum} is below the national ${baseline.expertQuorum}`);
  }
  if (profile.scenarioOpinionQuorum < baseline.scenarioOpinionQuorum) {
    out.push(`scenarioOpinionQuorum ${profile.scenarioOpinionQuorum} is below the national ${baseline.scenarioOpinionQuorum}`);
  }
  if (profile.productReviewQuorum < baseline.productReviewQuorum) {
    out.push(`productReviewQuorum ${profile.productReviewQuorum} is below the national ${baseline.productReviewQuorum}`);
  }
  for (const kind of profile.tier2Agreements) {
    if (!baseline.tier2Agreements.includes(kind)) out.push(`tier2Agreements accepts ${kind}, which the national baseline does not`);
  }
  if (profile.noticeWorkingDays < baseline.noticeWorkingDays) {
    out.push(`noticeWorkingDays ${profile.noticeWorkingDays} is below the national ${baseline.noticeWorkingDays}`);
  }
  if (profile.registrationNoticeWorkingDays < baseline.registrationNoticeWorkingDays) {
    out.push(`registrationNoticeWorkingDays is below the national ${baseline.registrationNoticeWorkingDays}`);
  }
  for (const key of Object.keys(baseline.deadlines) as (keyof PolicyProfile["deadlines"])[]) {
    if (profile.deadlines[key] > baseline.deadlines[key]) {
      out.push(`deadlines.${key} ${profile.deadlines[key]} exceeds the national ${baseline.deadlines[key]}`);
    }
  }
  if (profile.logRetentionYears < baseline.logRetentionYears) {
    out.push(`logRetentionYears ${profile.logRetentionYears} is below the national ${baseline.logRetentionYears}`);
  }
  if (profile.annualDisclosureDue > baseline.annualDisclosureDue) {
    out.push(`annualDisclosureDue ${profile.annualDisclosureDue} is later than the national ${baseline.annualDisclosureDue}`);
  }
  if (baseline.reporting.annualReport && !profile.reporting.annualReport) out.push("annualReport is required nationally");
  if (baseline.reporting.annualEvaluation && !profile.reporting.annualEvaluation) {
    out.push("annualEvaluation is required nationally");
  }
  return out;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ProfileError(`cannot read policy profile ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ProfileError(`policy profile ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * Loads profile `id` from `dir`, validates it, and checks it against the national baseline.
 * Throws ProfileError with every problem named.
 */
export function loadProfile(id: string, dir: string = PROFILES_DIR): PolicyProfile {
  const known = listProfiles(dir);
  if (!known.includes(id)) {
    throw new ProfileError(`unknown policy profile "${id}"; known profiles: ${known.join(", ")}`);
  }
  const profile = parseProfile(readJson(path.join(dir, `${id}.json`)), id);
  if (profile.id !== id) throw new ProfileError(`policy profile file ${id}.json declares id "${profile.id}"`);
  if (id !== NATIONAL_PROFILE_ID) {
    const baseline = parseProfile(readJson(path.join(dir, `${NATIONAL_PROFILE_ID}.json`)), NATIONAL_PROFILE_ID);
    const loose = loosenessAgainst(profile, baseline);
    if (loose.length > 0) {
      throw new ProfileError(`policy profile ${id} is looser than the national baseline: ${loose.join("; ")}`);
    }
  }
  return profile;
}

/** keccak-free content hash of a profile (sha256 of its canonical JSON), recorded at deployment. */
export function profileHash(profile: PolicyProfile): string {
  return "0x" + createHash("sha256").update(canonicalJson(profile)).digest("hex");
}

/** JSON with object keys sorted at every level: one text per value. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * The numbers the chain enforces. The notice floor is one calendar day per working day: a
 * window of N working days always spans at least N days, so the chain never refuses a lawful
 * notice; the service checks the working days themselves (C04 is E+M).
 */
export function chainPolicy(profile: PolicyProfile): ChainPolicy {
  return {
    maxTermYears: profile.maxTermYears,
    tiers: profile.tiers,
    expertQuorum: profile.expertQuorum,
    scenarioOpinionQuorum: profile.scenarioOpinionQuorum,
    productReviewQuorum: profile.productReviewQuorum,
    tier2AgreementKinds: profile.tier2Agreements.reduce((bits, kind) => bits | (1 << AGREEMENT_KIND_VALUE[kind]), 0),
    noticeMinSeconds: profile.noticeWorkingDays * DAY,
  };
}

/** Minimum registration notice, in seconds, by the same calendar floor. */
export function registrationNoticeMinSeconds(profile: PolicyProfile): number {
  return profile.registrationNoticeWorkingDays * DAY;
}
