/**
 * Search (issue 12, C21): what GET /api/v1/search looks up, indexed when the events happen so a
 * query never scans the records.
 *
 *   search-key    `code:<GM-2026-R-0001>` / `code:<0x… hex>` (registration codes, resources and
 *                 products), `credit:<统一社会信用代码>`, `addr:<lower-case address>` (a
 *                 participant's signer keys) -> the records that hold it [{ kind, id }]
 *   search-text   `${kind}:${pad(id)}` -> the record's display name and its searchable texts
 *                 (participants' names; records' publicText name/nameEn, title/titleEn)
 *   search-gram   `${bigram}\0${kind}:${pad(id)}` -> 1: a posting list per character bigram
 *   search-gram-n `${bigram}` -> how many records hold it
 *
 * Substring search, Chinese included, by a character-bigram index (an n-gram index with n = 2):
 * every text is normalized (NFKC, lower case) and split into code points; each pair of
 * neighbours, and each last character followed by END, is a posting of the record. A query of
 * two or more characters reads the count of each of its bigrams, scans the postings of the
 * rarest one (bounded by SEARCH_SCAN_CAP) and keeps the records whose text contains the whole
 * query; a one-character query scans every bigram that starts with it (END included, so a
 * name's last character is found too). Work per query is bounded by the rarest bigram, not by
 * the number of records, which keeps it fast at 100k+ records; a name change removes the old
 * postings. All writes go through the ViewTx, so a reorg undoes them like every other view's.
 */
import type { ChainEvent, JsonValue, View, ViewTx } from "../store/types";
import { nameOf, parsePublicText } from "./publicText";
import { registrationCodeText } from "./registration";
import { idOf, objOf, pad, strOf, strsOf } from "./util";

export const SEARCH_SPACE = {
  key: "search-key",
  text: "search-text",
  gram: "search-gram",
  gramCount: "search-gram-n",
} as const;

/** Kinds of record search can name. */
export const SEARCH_KINDS = ["authorization", "product", "resource", "scenario", "participant", "call", "agreement"] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];
/** The record kinds whose public text carries a name or title. */
type NamedKind = "resource" | "scenario" | "product" | "call" | "agreement";
export type SearchRef = { kind: SearchKind; id: string };

/** What search-text holds for one record. */
export type SearchText = { name: string; nameEn: string | null; texts: string[] };

/** Marks the end of a text in its last bigram (never a character of a normalized text). */
export const END = "\u0001";
/** Separates a bigram from the record in a posting key. */
export const SEP = "\u0000";

/** Characters a searchable text never contains (control, bidi controls, BOM): dropped. */
const CONTROLS = "\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069\\ufeff";
const STRIP = new RegExp(`[${CONTROLS}]`, "g");

/** The form texts and queries are compared in: NFKC (full-width letters and digits fold), lower case, no controls. */
export const normalizeText = (s: string): string => s.normalize("NFKC").replace(STRIP, "").toLowerCase().trim();

/** The character bigrams of a normalized text, its last character paired with END. */
export function bigrams(text: string, withEnd = true): string[] {
  const cps = Array.from(text);
  const out: string[] = [];
  for (let i = 0; i < cps.length; i++) {
    if (i + 1 < cps.length) out.push(cps[i] + cps[i + 1]);
    else if (withEnd) out.push(cps[i] + END);
  }
  return out;
}

export const postingKey = (gram: string, ref: SearchRef): string => `${gram}${SEP}${ref.kind}:${pad(ref.id)}`;
export const textKey = (ref: SearchRef): string => `${ref.kind}:${pad(ref.id)}`;

/** A bytes32 registration code as the registry's human string (views/registration.ts), or null when it is not one (a hash code from before). */
export function codeString(hex: string): string | null {
  const text = registrationCodeText(hex);
  return text === hex ? null : text;
}

/**
 * The searchable names of a record's public text: name/nameEn or title/titleEn of a text that
 * views/publicText.ts accepts (the API shows the same text). null when the text is absent or
 * invalid: the record is then shown without a name, and not found by one.
 */
export function namesOfPublicText(kind: NamedKind, raw: JsonValue | undefined): { name: string; nameEn: string | null } | null {
  const t = parsePublicText(kind, raw).publicText;
  const name = nameOf(t);
  if (t === null || name === null) return null;
  return { name, nameEn: ("nameEn" in t ? t.nameEn : "titleEn" in t ? t.titleEn : undefined) ?? null };
}

/** Where each event names a record's public text: [kind, id argument]. */
const TEXT_EVENTS: Record<string, [NamedKind, string]> = {
  "ResourceCatalog.ResourceProposed": ["resource", "id"],
  "ResourceCatalog.ResourceChangeReviewed": ["resource", "id"],
  "ScenarioRegistry.ScenarioProposed": ["scenario", "id"],
  "ProductRegistry.ProductRegistered": ["product", "id"],
  "AuthorizationRegistry.CallPublished": ["call", "callId"],
  "AgreementRegistry.AgreementProposed": ["agreement", "agreementId"],
};

function addRef(tx: ViewTx, key: string, ref: SearchRef): void {
  const list = (tx.get<SearchRef[]>(SEARCH_SPACE.key, key)) ?? [];
  if (list.some((r) => r.kind === ref.kind && r.id === ref.id)) return;
  tx.put(SEARCH_SPACE.key, key, [...list, ref]);
}

function removeRef(tx: ViewTx, key: string, ref: SearchRef): void {
  const list = (tx.get<SearchRef[]>(SEARCH_SPACE.key, key)) ?? [];
  const next = list.filter((r) => !(r.kind === ref.kind && r.id === ref.id));
  if (next.length === list.length) return;
  if (next.length === 0) tx.del(SEARCH_SPACE.key, key);
  else tx.put(SEARCH_SPACE.key, key, next);
}

const gramsOf = (texts: readonly string[]): Set<string> => new Set(texts.flatMap((t) => bigrams(t)));

/** Sets a record's names: the postings of grams it lost are removed, those it gained added. */
function setNames(tx: ViewTx, ref: SearchRef, names: { name: string; nameEn: string | null } | null): void {
  const key = textKey(ref);
  const before = tx.get<SearchText>(SEARCH_SPACE.text, key);
  const texts = names ? [...new Set([names.name, names.nameEn].filter((t): t is string => t !== null).map(normalizeText).filter((t) => t !== ""))] : [];
  const old = gramsOf(before?.texts ?? []);
  const now = gramsOf(texts);
  const bump = (gram: string, by: number) => {
    const n = ((tx.get<number>(SEARCH_SPACE.gramCount, gram)) ?? 0) + by;
    if (n > 0) tx.put(SEARCH_SPACE.gramCount, gram, n);
    else tx.del(SEARCH_SPACE.gramCount, gram);
  };
  for (const g of old) {
    if (now.has(g)) continue;
    tx.del(SEARCH_SPACE.gram, postingKey(g, ref));
    bump(g, -1);
  }
  for (const g of now) {
    if (old.has(g)) continue;
    tx.put(SEARCH_SPACE.gram, postingKey(g, ref), 1);
    bump(g, 1);
  }
  if (names && texts.length > 0) tx.put(SEARCH_SPACE.text, key, { name: names.name, nameEn: names.nameEn, texts });
  else if (before) tx.del(SEARCH_SPACE.text, key);
}

export function createSearchView(): View {
  return {
    name: "search",
    version: 2,
    events: ["ParticipantRegistry.*", "ResourceCatalog.RegistrationIssued", "ProductRegistry.RegistrationIssued", ...Object.keys(TEXT_EVENTS)],
    apply(tx: ViewTx, e: ChainEvent): void {
      const a = e.args;
      if (e.contract === "ParticipantRegistry") {
        const ref: SearchRef = { kind: "participant", id: idOf(a.id) };
        if (e.event === "ParticipantRegistered") {
          const name = strOf(a.name);
          setNames(tx, ref, name.trim() === "" ? null : { name, nameEn: null });
          const credit = normalizeText(strOf(a.creditCode)).toUpperCase();
          if (credit !== "") addRef(tx, `credit:${credit}`, ref);
          for (const s of strsOf(a.signers)) addRef(tx, `addr:${s.toLowerCase()}`, ref);
        } else if (e.event === "SignerAdded") {
          addRef(tx, `addr:${strOf(a.signer).toLowerCase()}`, ref);
        } else if (e.event === "SignerRemoved") {
          removeRef(tx, `addr:${strOf(a.signer).toLowerCase()}`, ref);
        }
        return;
      }
      if (e.event === "RegistrationIssued" && (e.contract === "ResourceCatalog" || e.contract === "ProductRegistry")) {
        const ref: SearchRef = { kind: e.contract === "ResourceCatalog" ? "resource" : "product", id: idOf(a.subjectId) };
        const hex = strOf(a.code).toLowerCase();
        if (!/^0x[0-9a-f]{64}$/.test(hex) || /^0x0+$/.test(hex)) return;
        addRef(tx, `code:${hex}`, ref);
        const human = codeString(hex);
        if (human) addRef(tx, `code:${human}`, ref);
        return;
      }
      const where = TEXT_EVENTS[`${e.contract}.${e.event}`];
      if (!where) return;
      if (e.event === "ResourceChangeReviewed" && a.approved !== true) return;
      const raw = a.publicText ?? objOf(a.request).publicText;
      // Until the contracts carry public texts (spec-12 part A) these events have none: no name.
      if (raw === undefined) return;
      setNames(tx, { kind: where[0], id: idOf(a[where[1]]) }, namesOfPublicText(where[0], raw));
    },
  };
}
