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
  code: string | null;
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
export async function applyRegistration(
  tx: ViewTx,
  subjectKind: string,
  e: ChainEvent,
  holding: RegistrationHolding,
): Promise<RegistrationHolding | undefined> {
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
  const app = await tx.get<RegistrationApplication>(SPACE.registration, key);
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
    code: strOf(a.code),
    issuedAt: numOf(a.issuedAt),
    validUntil: numOf(a.validUntil),
    deregistered: boolOf(a.deregistered),
    pendingApplication: null,
  };
}

/** True when a registration is valid at `at`. */
export const registeredAt = (r: RegistrationHolding, at: number): boolean =>
  r.code !== null && !r.deregistered && r.issuedAt <= at && at < r.validUntil;
