/** Subjects: the people whose faces a tenant enrolls. */
import type { Consent } from "./consent.js";

export interface Subject {
  id: string;
  tenantId: string;
  /** The partner app's own reference (optional, unique per tenant). Not a biometric. */
  externalRef: string | null;
  /** Date of birth, when the partner records it (policies with a minimum age need it). */
  dateOfBirth: Date | null;
  /** Set while the subject is under legal hold: nothing of theirs is deleted or matched. */
  legalHoldSince: Date | null;
  legalHoldReason: string | null;
  /**
   * Set while processing is restricted (GDPR Art. 18): the data is only stored; no
   * enrollment, matching or analysis, and no deletion by retention or consent expiry.
   */
  restrictedSince: Date | null;
  restrictionReason: string | null;
  createdAt: Date;
}

/** The problems with a subject's identifying fields (empty when none): creation and rectification check the same. */
export function subjectFieldProblems(fields: { externalRef?: string | null; dateOfBirth?: Date | null }, now: Date): string[] {
  const problems: string[] = [];
  const ref = fields.externalRef;
  if (ref !== null && ref !== undefined && (ref.length < 1 || ref.length > 200)) problems.push("externalRef must be 1 to 200 characters");
  const dob = fields.dateOfBirth;
  if (dob !== null && dob !== undefined && (dob.getTime() > now.getTime() || dob.getUTCFullYear() < 1900)) problems.push("dateOfBirth must be a past date after 1900");
  return problems;
}

/** What an operator list of subjects may be narrowed to (all given conditions hold). */
export interface SubjectFilter {
  externalRef?: string;
  /** Under legal hold (true) or not (false). */
  legalHold?: boolean;
  /** Processing restricted (true) or not (false). */
  restricted?: boolean;
  createdFrom?: Date;
  createdBefore?: Date;
  /** With (active: true) or without (false) an active consent for the purpose. */
  consent?: { purpose: string; active: boolean };
}

/** The subject's data-encryption key, wrapped by the tenant key (never stored unwrapped). */
export interface SubjectKey {
  subjectId: string;
  tenantId: string;
  wrappedKey: Uint8Array;
  kekVersion: number;
  createdAt: Date;
}

/** A subject with its consents, oldest first: what a policy decision reads. */
export interface SubjectWithConsents {
  subject: Subject;
  consents: Consent[];
}
