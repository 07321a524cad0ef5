/** Consents: a subject's permission to process their face for one purpose. */
import { DomainError } from "./errors.js";

export const CONSENT_METHODS = ["CLICK", "E_SIGNATURE", "WRITTEN"] as const;
export type ConsentMethod = (typeof CONSENT_METHODS)[number];

export interface Consent {
  id: string;
  tenantId: string;
  subjectId: string;
  purpose: string;
  /** Version of the notice text the subject was shown. */
  noticeVersion: string;
  /** SHA-256 (hex) of that notice text, so the exact wording can be proven later. */
  noticeHash: string | null;
  method: ConsentMethod;
  /** Where the evidence is kept (signed form id, e-signature envelope id…); never the document itself. */
  evidenceRef: string | null;
  /** Given on its own, not bundled with other terms (PIPL "separate consent"). */
  separate: boolean;
  /** Given by the subject's parent or guardian. */
  byGuardian: boolean;
  grantedAt: Date;
  /** When the consent lapses by itself (null: until withdrawn). */
  expiresAt: Date | null;
  withdrawnAt: Date | null;
}

const PURPOSE = /^[a-z][a-z0-9_]{1,63}$/;

/** Why `name` is not a valid purpose name, or null when it is. */
export function validatePurposeName(name: string): string | null {
  return PURPOSE.test(name) ? null : "a purpose must be a lower-case identifier (letters, digits, _; 2 to 64 characters), e.g. access_control";
}

/** Purposes are snake_case identifiers, e.g. `access_control`. */
export function validatePurpose(purpose: string): string {
  const problem = validatePurposeName(purpose);
  if (problem) throw new DomainError("INVALID_INPUT", problem);
  return purpose;
}

/** A list's check of its optional purpose filter (INVALID_INPUT for a malformed purpose), run by OperationRunner.listPage. */
export function checkPurposeFilter(filter: { purpose?: string }): () => void {
  return () => void (filter.purpose !== undefined && validatePurpose(filter.purpose));
}

export const CONSENT_STATES = ["ACTIVE", "WITHDRAWN", "EXPIRED", "PENDING"] as const;
export type ConsentState = (typeof CONSENT_STATES)[number];

/** What the tenant-wide consent list may be narrowed to (all given conditions hold); state as of the list's `now`. */
export interface ConsentFilter {
  purpose?: string;
  state?: ConsentState;
  subjectId?: string;
  grantedFrom?: Date;
  grantedBefore?: Date;
}

export function consentState(consent: Consent, now: Date): ConsentState {
  const t = now.getTime();
  if (consent.withdrawnAt !== null && consent.withdrawnAt.getTime() <= t) return "WITHDRAWN";
  if (consent.expiresAt !== null && consent.expiresAt.getTime() <= t) return "EXPIRED";
  if (consent.grantedAt.getTime() > t) return "PENDING";
  return "ACTIVE";
}

export function isActive(consent: Consent, now: Date): boolean {
  return consentState(consent, now) === "ACTIVE";
}

/** The active consent covering `purpose`, if any. */
export function activeConsentFor(consents: readonly Consent[], purpose: string, now: Date): Consent | undefined {
  return consents.find((c) => c.purpose === purpose && isActive(c, now));
}
