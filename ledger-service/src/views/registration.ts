/**
 * Registration (登记, C36) shared by resources and products (IRegistrable): applications and the
 * registration each subject holds. Called by the resources and products views for their own
 * contract, so each space keeps one writer.
 */
import type { ChainEvent, ViewTx } from "../store/types";
import { SPACE, anchorOf, boolOf, idOf, numOf, pad, strOf, type Anchor } from "./util";

export const REGISTRATION_KINDS = ["None", "Initial", "Change", "Correction", "Deregistration", "Renewal"] as const;
export const REGISTRATION_STEPS = ["None", "Applied", "Accepted", "Reviewed", "Noticed", "Issued", "Rejected"] as const;

export type RegistrationHolding = {
  /** The code in the registry's human format ("GM-2026-R-0001"); the 0x-hex of a code that is not one. */
  code: string | null;
  /** The code as the chain holds it (bytes32). */
  codeHex: string | null;
  issuedAt: number;
  validUntil: number;
  deregistered: boolean;
  pendingApplication: string | null;
};

export type RegistrationApplication = {
  id: string;
  subjectKind: string;
  subjectId: string;
  kind: string;
  step: string;
  materialsHash: string;
  appliedAt: number;
  noticeEnd: number;
  steps: { step: string; at: number; opinionHash: string | null; anchor: Anchor }[];
};

export const emptyRegistration = (): RegistrationHolding => ({
  code: null,
  codeHex: null,
  issuedAt: 0,
  validUntil: 0,
  deregistered: false,
  pendingApplication: null,
});

export const isRegistrationEvent = (e: ChainEvent): boolean =>
  e.event === "RegistrationApplied" || e.event === "RegistrationAdvanced" || e.event === "RegistrationIssued";

/**
 * Applies one registration event: writes the application, and returns the subject's new
 * holding (or undefined when the subject's record does not change).
 */
export function applyRegistration(
  tx: ViewTx,
  subjectKind: string,
  e: ChainEvent,
  holding: RegistrationHolding,
): RegistrationHolding | undefined {
  const a = e.args;
  const appId = idOf(a.applicationId);
  const key = `${subjectKind}:${pad(appId)}`;
  if (e.event === "RegistrationApplied") {
    const app: RegistrationApplication = {
      id: appId,
      subjectKind,
      subjectId: idOf(a.subjectId),
      kind: REGISTRATION_KINDS[numOf(a.kind)] ?? String(a.kind),
      step: "Applied",
      materialsHash: strOf(a.materialsHash),
      appliedAt: e.timestamp,
      noticeEnd: 0,
      steps: [{ step: "Applied", at: e.timestamp, opinionHash: null, anchor: anchorOf(e) }],
    };
    tx.put(SPACE.registration, key, app);
    return { ...holding, pendingApplication: appId };
  }
  const app = tx.get<RegistrationApplication>(SPACE.registration, key);
  if (!app) return undefined;
  if (e.event === "RegistrationAdvanced") {
    app.step = REGISTRATION_STEPS[numOf(a.step)] ?? String(a.step);
    app.noticeEnd = numOf(a.noticeEnd) || app.noticeEnd;
    app.steps.push({ step: app.step, at: e.timestamp, opinionHash: strOf(a.opinionHash), anchor: anchorOf(e) });
    tx.put(SPACE.registration, key, app);
    return app.step === "Rejected" ? { ...holding, pendingApplication: null } : undefined;
  }
  // RegistrationIssued
  app.step = "Issued";
  app.steps.push({ step: "Issued", at: e.timestamp, opinionHash: null, anchor: anchorOf(e) });
  tx.put(SPACE.registration, key, app);
  return {
    code: registrationCodeText(strOf(a.code)),
    codeHex: strOf(a.code),
    issuedAt: numOf(a.issuedAt),
    validUntil: numOf(a.validUntil),
    deregistered: boolOf(a.deregistered),
    pendingApplication: null,
  };
}

/**
 * A registration code (bytes32: printable ASCII `[A-Z0-9-]`, left-aligned, zero-padded, as the
 * registries require) as its human string, "GM-2026-R-0001". A value that is not such a code (a
 * chain from before the rule) stays 0x-hex rather than being shown wrong.
 */
export function registrationCodeText(hex: string): string {
  const m = /^0x((?:[0-9a-fA-F]{2}){1,32})$/.exec(hex);
  if (!m) return hex;
  const bytes = Buffer.from(m[1], "hex");
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  const body = bytes.subarray(0, end);
  if (end === 0 || !body.every((b) => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || b === 0x2d)) return hex;
  return body.toString("latin1");
}

/** True when a registration is valid at `at`. */
export const registeredAt = (r: RegistrationHolding, at: number): boolean =>
  r.code !== null && !r.deregistered && r.issuedAt <= at && at < r.validUntil;
