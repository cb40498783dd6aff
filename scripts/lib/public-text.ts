/**
 * Public texts sent on chain (C21): every record and decision carries a UTF-8 JSON object as a
 * string in its event (contracts/common/PublicText.sol checks the bytes; the ledger-service checks
 * the shape). The shapes and caps are those of the issue-12 interface; keys with `En` are the
 * optional English. Every string is NFC-normalized here, so what the chain stores is what the
 * service accepts. Names of organizations, offices and data only: never a person (C34).
 */

/** Byte caps enforced by the contracts (PublicText.RECORD_MAX_BYTES, STATEMENT_MAX_BYTES). */
export const RECORD_MAX_BYTES = 2048;
export const STATEMENT_MAX_BYTES = 1024;

export interface ResourceText {
  name: string;
  nameEn?: string;
  description?: string;
  descriptionEn?: string;
  fields?: string;
  fieldsEn?: string;
}
export interface ScenarioText {
  name: string;
  nameEn?: string;
  purpose: string;
  purposeEn?: string;
}
export interface ProductText {
  name: string;
  nameEn?: string;
  description?: string;
  descriptionEn?: string;
  serviceMode?: string;
  serviceModeEn?: string;
  price?: string;
  priceEn?: string;
}
export interface TitleText {
  title: string;
  titleEn?: string;
}
export interface ProfileText {
  contact: string;
  contactEn?: string;
  website?: string;
}
export interface StatementText {
  reason: string;
  reasonEn?: string;
}

type TextObject = ResourceText | ScenarioText | ProductText | TitleText | ProfileText | StatementText;

/** The JSON string of `fields`: undefined keys dropped, every value and key NFC-normalized. */
export function publicText(fields: TextObject): string {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields) as [string, string | undefined][]) {
    if (value === undefined) continue;
    out[key.normalize("NFC")] = value.normalize("NFC");
  }
  return JSON.stringify(out).normalize("NFC");
}

/** The public statement of a decision: `{ reason, reasonEn? }`. */
export function statement(reason: string, reasonEn?: string): string {
  return publicText({ reason, reasonEn });
}

/** UTF-8 byte length of a text (what the contracts cap). */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/**
 * A registration code as the `bytes32` the registries take: printable `[A-Z0-9-]`, left-aligned,
 * zero-padded (IRegistrable: RegistrableRegistrationCodeInvalid otherwise). E.g. "GM-2026-R-0001".
 */
export function registrationCode(code: string): string {
  if (!/^[A-Z0-9-]{1,32}$/.test(code)) throw new Error(`registration code ${JSON.stringify(code)}: not [A-Z0-9-]{1,32}`);
  return "0x" + Buffer.from(code, "ascii").toString("hex").padEnd(64, "0");
}

/** The human text of a `bytes32` registration code (the bytes before the zero padding). */
export function registrationCodeText(code: string): string {
  const bytes = Buffer.from(code.replace(/^0x/, ""), "hex");
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end === -1 ? bytes.length : end).toString("ascii");
}
