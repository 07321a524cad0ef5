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
  method: ConsentMethod;
  grantedAt: Date;
  withdrawnAt: Date | null;
}

const PURPOSE = /^[a-z][a-z0-9_]{1,63}$/;

/** Purposes are snake_case identifiers, e.g. `access_control`. */
export function validatePurpose(purpose: string): string {
  if (!PURPOSE.test(purpose)) {
    throw new DomainError("INVALID_INPUT", "purpose must be a lower-case identifier (letters, digits, _; 2 to 64 characters), e.g. access_control");
  }
  return purpose;
}

export function isActive(consent: Consent, now: Date): boolean {
  return consent.grantedAt.getTime() <= now.getTime() && (consent.withdrawnAt === null || consent.withdrawnAt.getTime() > now.getTime());
}

/** The active consent covering `purpose`, if any. */
export function activeConsentFor(consents: readonly Consent[], purpose: string, now: Date): Consent | undefined {
  return consents.find((c) => c.purpose === purpose && isActive(c, now));
}
