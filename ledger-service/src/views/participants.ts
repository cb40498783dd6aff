/**
 * Participants (ParticipantRegistry): organizations, their signer keys, qualification
 * attestations (C08) and status history.
 */
import type { ChainEvent, View, ViewTx } from "../store/types";
import { parsePublicText, type ProfileText } from "./publicText";
import { SPACE, anchorOf, idOf, numOf, pad, strOf, strsOf, type Anchor } from "./util";

export const PARTICIPANT_KINDS = [
  "None", "DataAuthority", "ImplementingAgency", "SourceDepartment", "Operator", "Developer", "Regulator", "ServiceProvider",
] as const;
export const PARTICIPANT_STATUSES = ["None", "Active", "Suspended", "Exited"] as const;

export type Qualification = {
  index: string;
  kind: string;
  documentHash: string;
  validUntil: number;
  attestedAt: number;
  revoked: boolean;
  anchor: Anchor;
};

export type ParticipantRecord = {
  id: string;
  kind: string;
  status: string;
  name: string;
  creditCode: string;
  profileHash: string;
  /** The public profile (office contact, website) last published on chain (C21), null when none or invalid. */
  publicText: ProfileText | null;
  publicTextError: string | null;
  /** When that profile was published (0: never). */
  profilePublishedAt: number;
  signers: string[];
  qualifications: Qualification[];
  /** Status since a time, oldest first: `statusAt` reads it. */
  history: { at: number; status: string }[];
  registeredAt: number;
  anchor: Anchor;
};

export function createParticipantsView(): View {
  const get = (tx: ViewTx, id: string) => tx.get<ParticipantRecord>(SPACE.participant, pad(id));
  const put = (tx: ViewTx, p: ParticipantRecord) => tx.put(SPACE.participant, pad(p.id), p);

  return {
    name: "participants",
    version: 2, // 2: public profiles, the signer index
    events: ["ParticipantRegistry.*"],
    apply(tx: ViewTx, e: ChainEvent): void {
      if (e.contract !== "ParticipantRegistry") return;
      const a = e.args;
      const id = idOf(a.id);
      if (e.event === "ParticipantRegistered") {
        for (const s of strsOf(a.signers)) tx.put(SPACE.signer, s.toLowerCase(), id);
        put(tx, {
          id,
          kind: PARTICIPANT_KINDS[numOf(a.kind)] ?? String(a.kind),
          status: "Active",
          name: strOf(a.name),
          creditCode: strOf(a.creditCode),
          profileHash: strOf(a.profileHash),
          publicText: null,
          publicTextError: null,
          profilePublishedAt: 0,
          signers: strsOf(a.signers),
          qualifications: [],
          history: [{ at: e.timestamp, status: "Active" }],
          registeredAt: e.timestamp,
          anchor: anchorOf(e),
        });
        return;
      }
      const p = get(tx, id);
      if (!p) return;
      switch (e.event) {
        case "SignerAdded":
          if (!p.signers.includes(strOf(a.signer))) p.signers.push(strOf(a.signer));
          tx.put(SPACE.signer, strOf(a.signer).toLowerCase(), id);
          break;
        case "SignerRemoved":
          p.signers = p.signers.filter((s) => s.toLowerCase() !== strOf(a.signer).toLowerCase());
          if ((tx.get<string>(SPACE.signer, strOf(a.signer).toLowerCase())) === id) tx.del(SPACE.signer, strOf(a.signer).toLowerCase());
          break;
        case "QualificationAttested":
          p.qualifications.push({
            index: idOf(a.index),
            kind: strOf(a.kind),
            documentHash: strOf(a.documentHash),
            validUntil: numOf(a.validUntil),
            attestedAt: e.timestamp,
            revoked: false,
            anchor: anchorOf(e),
          });
          break;
        case "QualificationRevoked": {
          const q = p.qualifications.find((x) => x.index === idOf(a.index));
          if (q) q.revoked = true;
          break;
        }
        case "ParticipantProfilePublished": {
          const text = parsePublicText("profile", a.publicText);
          p.publicText = text.publicText;
          p.publicTextError = text.publicTextError;
          p.profilePublishedAt = e.timestamp;
          break;
        }
        case "ParticipantStatusChanged":
          p.status = PARTICIPANT_STATUSES[numOf(a.to)] ?? String(a.to);
          p.history.push({ at: e.timestamp, status: p.status });
          break;
        default:
          return;
      }
      put(tx, p);
    },
  };
}

/** A participant's status at time `at` (None before registration). */
export function participantStatusAt(p: ParticipantRecord, at: number): string {
  let s = "None";
  for (const h of p.history) if (h.at <= at) s = h.status;
  return s;
}
