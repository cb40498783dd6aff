/**
 * The public texts the registries carry in event data (C21): a JSON object serialized as a string
 * per record (its name, description, …) and per decision (its public statement). The contracts
 * check bytes only (`contracts/common/PublicText.sol`: UTF-8, no control or bidi characters, byte
 * caps), so the shape is checked here: the JSON parses to the object of its kind, every key
 * known, every string in Unicode NFC, non-empty where required and within its character cap. A
 * JSON escape (`"\u202e"`) passes the chain's byte check yet decodes to a forbidden character,
 * so the decoded strings are checked for the same characters again.
 *
 * A text that fails is shown as absent (`publicText: null`) with the reason (`publicTextError`),
 * and raises the regulator alert `invalid-public-text` (C21, C34).
 */
import { z } from "zod";
import type { ChainEvent, JsonValue } from "../store/types";
import { objOf } from "./util";

export const TEXT_KINDS = ["resource", "scenario", "product", "call", "agreement", "profile", "statement"] as const;
export type TextKind = (typeof TEXT_KINDS)[number];

/** U+0000–U+001F, U+007F–U+009F, the bidi controls and U+FEFF: refused by the chain in raw bytes, here once decoded. */
// eslint-disable-next-line no-control-regex -- these are exactly the characters refused
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/u;

/** A UTF-16 surrogate not in a pair (JSON lets `"\ud800"` through; it is no character). */
const LONE_SURROGATE = /[\ud800-\udfff]/u;

/** Characters as a reader counts them (code points, not UTF-16 units). */
const chars = (s: string): number => [...s].length;

/** A public string of at most `max` characters; `required` ones hold more than blanks. */
function text(max: number, required = false) {
  return z.string().superRefine((s, ctx) => {
    if (LONE_SURROGATE.test(s)) ctx.addIssue({ code: "custom", message: "holds a lone surrogate" });
    else if (FORBIDDEN.test(s)) ctx.addIssue({ code: "custom", message: `holds a control or bidi character at ${s.search(FORBIDDEN)}` });
    else if (s !== s.normalize("NFC")) ctx.addIssue({ code: "custom", message: "is not in Unicode NFC" });
    const n = chars(s);
    if (n > max) ctx.addIssue({ code: "custom", message: `has ${n} characters, more than ${max}` });
    if (required && s.trim() === "") ctx.addIssue({ code: "custom", message: "is empty" });
  });
}

/** A participant's website: an http(s) URL (a page links it, so never `javascript:`). */
const website = text(200).refine((s) => {
  if (!/^https?:\/\//i.test(s)) return false;
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}, "is not an http(s) URL");

/** The shapes and character caps of spec-12 part A. */
export const TEXT_SCHEMAS = {
  resource: z.strictObject({
    name: text(60, true), nameEn: text(120).optional(),
    description: text(400).optional(), descriptionEn: text(800).optional(),
    fields: text(400).optional(), fieldsEn: text(800).optional(),
  }),
  scenario: z.strictObject({ name: text(60, true), nameEn: text(120).optional(), purpose: text(400, true), purposeEn: text(800).optional() }),
  product: z.strictObject({
    name: text(60, true), nameEn: text(120).optional(),
    description: text(400).optional(), descriptionEn: text(800).optional(),
    serviceMode: text(60).optional(), serviceModeEn: text(120).optional(),
    price: text(120).optional(), priceEn: text(240).optional(),
  }),
  call: z.strictObject({ title: text(120, true), titleEn: text(240).optional() }),
  agreement: z.strictObject({ title: text(120, true), titleEn: text(240).optional() }),
  profile: z.strictObject({ contact: text(200, true), contactEn: text(400).optional(), website: website.optional() }),
  statement: z.strictObject({ reason: text(400, true), reasonEn: text(800).optional() }),
} as const;

export type PublicTextOf<K extends TextKind> = z.output<(typeof TEXT_SCHEMAS)[K]>;
export type ResourceText = PublicTextOf<"resource">;
export type ScenarioText = PublicTextOf<"scenario">;
export type ProductText = PublicTextOf<"product">;
export type TitleText = PublicTextOf<"call">;
export type ProfileText = PublicTextOf<"profile">;
export type StatementText = PublicTextOf<"statement">;

export type ParsedText<T> = { publicText: T | null; publicTextError: string | null };

/**
 * Parses one public text of `kind`. Absent (`undefined`: an event without the field, or `""`: no
 * text given) is `{ publicText: null, publicTextError: null }`, except an empty text where one is
 * required (every kind but a statement), which is an error as any other.
 */
export function parsePublicText<K extends TextKind>(kind: K, raw: JsonValue | undefined): ParsedText<PublicTextOf<K>> {
  if (raw === undefined || raw === null) return { publicText: null, publicTextError: null };
  if (typeof raw !== "string") return { publicText: null, publicTextError: "not a string" };
  if (raw === "") return { publicText: null, publicTextError: kind === "statement" ? null : "empty: this record's text is required" };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { publicText: null, publicTextError: "not JSON" };
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) return { publicText: null, publicTextError: `not a JSON object (a ${Array.isArray(json) ? "list" : json === null ? "null" : typeof json})` };
  const r = TEXT_SCHEMAS[kind].safeParse(json);
  if (r.success) return { publicText: r.data as PublicTextOf<K>, publicTextError: null };
  const issue = r.error.issues[0];
  const where = issue.path.length > 0 ? issue.path.join(".") : kind;
  const why =
    issue.code === "unrecognized_keys" ? `unknown key ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`
    : issue.code === "invalid_type" ? (issue.path.length > 0 && !(String(issue.path[0]) in json) ? "is missing" : `is not a ${issue.expected}`)
    : issue.message;
  return { publicText: null, publicTextError: `${kind} text: ${where === kind ? "" : `${where} `}${why}`.replace(/: $/, "") };
}

/** The display name of a record's text: its `name`, or its `title` (calls, agreements). */
export function nameOf(t: { name?: string; title?: string } | null): string | null {
  return t?.name ?? t?.title ?? null;
}

/**
 * A decision's public statement as records give it: the text, when and where it was made, and the
 * status that decision set (a later routine step, such as activation after an approval, keeps it).
 */
export type Statement = StatementText & { status: string; at: number; anchor: { blockNumber: number; txHash: string; logIndex: number; timestamp: number } };

/** The text kind of each event's `publicText` (a decision's text is always `statement`). */
const PUBLIC_TEXT_KIND: Record<string, TextKind> = {
  "ParticipantRegistry.ParticipantProfilePublished": "profile",
  "ResourceCatalog.ResourceProposed": "resource",
  "ResourceCatalog.ResourceChangeProposed": "resource",
  "ResourceCatalog.ResourceChangeReviewed": "resource",
  "ScenarioRegistry.ScenarioProposed": "scenario",
  "ProductRegistry.ProductRegistered": "product",
  "AuthorizationRegistry.CallPublished": "call",
  "AgreementRegistry.AgreementProposed": "agreement",
};

/** An event's argument `field`, at the top or in its request struct (where a function takes one). */
export function textArg(e: ChainEvent, field: "publicText" | "statement"): JsonValue | undefined {
  return e.args[field] ?? objOf(e.args.request)[field];
}

/** Every public text an event carries: its field, kind and raw value. */
export function textsOf(e: ChainEvent): { field: "publicText" | "statement"; kind: TextKind; raw: JsonValue }[] {
  const out: { field: "publicText" | "statement"; kind: TextKind; raw: JsonValue }[] = [];
  const pt = textArg(e, "publicText");
  const kind = PUBLIC_TEXT_KIND[`${e.contract}.${e.event}`];
  if (pt !== undefined && kind !== undefined) out.push({ field: "publicText", kind, raw: pt });
  const st = textArg(e, "statement");
  if (st !== undefined) out.push({ field: "statement", kind: "statement", raw: st });
  return out;
}

/**
 * The statement of a decision event that set `status`: `given` (the event carried a non-empty
 * one), `statement` (null when none was given or it is invalid) and `statementError` (why it was
 * refused, else null). A record keeps the statement of its latest decision that `given` one.
 */
export function statementOf(e: ChainEvent, status: string): { given: boolean; statement: Statement | null; statementError: string | null } {
  const raw = textArg(e, "statement");
  const p = parsePublicText("statement", raw);
  const anchor = { blockNumber: e.blockNumber, txHash: e.txHash, logIndex: e.logIndex, timestamp: e.timestamp };
  return { given: typeof raw === "string" && raw !== "", statement: p.publicText ? { ...p.publicText, status, at: e.timestamp, anchor } : null, statementError: p.publicTextError };
}
