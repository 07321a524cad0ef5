/**
 * The one decision function: (actor, tenant, subject, operation, purpose) → permit or
 * deny with reasons. Every rule is evaluated and every failing one is reported; any deny
 * overrides the permit, and nothing is permitted that the policy does not declare
 * (default deny). Every biometric operation needs an active consent covering its
 * purpose, of the kind the purpose asks for. Pure: time comes in with the request.
 */
import { activeConsentFor, type Consent } from "../consent.js";
import type { ConsentType, EffectivePolicy, Operation, PurposePolicy } from "./policy.js";

export const DENY_REASONS = [
  "PURPOSE_NOT_DECLARED",
  "OPERATION_NOT_ALLOWED",
  "IDENTIFICATION_NOT_ALLOWED",
  "DENIED_BY_RULE",
  "DPIA_MISSING",
  "FALLBACK_MISSING",
  "CONSENT_REQUIRED",
  "CONSENT_TYPE_INSUFFICIENT",
  "GUARDIAN_CONSENT_REQUIRED",
  "LEGAL_HOLD",
  "PROCESSING_RESTRICTED",
] as const;
export type DenyReason = (typeof DENY_REASONS)[number];

/** What the policy needs to know about the subject. */
export interface PolicySubject {
  id: string;
  legalHold: boolean;
  /** Processing restricted (GDPR Art. 18): every operation is refused. */
  restricted: boolean;
  dateOfBirth: Date | null;
  consents: readonly Consent[];
}

export interface DecisionRequest {
  /** The actor's audit label (decisions are logged with it). */
  actor: string;
  policy: EffectivePolicy;
  subject: PolicySubject;
  operation: Operation;
  purpose: string;
  now: Date;
}

export type PolicyDecision =
  | { effect: "permit"; policyVersion: string; purpose: PurposePolicy; consent: Consent }
  | { effect: "deny"; policyVersion: string; reason: DenyReason; reasons: DenyReason[]; explanation: string };

/** Operations that compare faces; a legal hold stops them. */
const MATCHING: readonly Operation[] = ["verify", "identify"];

interface Denial {
  reason: DenyReason;
  why: string;
}

/** The rules that depend on the purpose and operation only (what 1:N checks before looking at anyone). */
function purposeDenials(policy: EffectivePolicy, operation: Operation, purpose: string): Denial[] {
  const denials: Denial[] = [];
  const deny = (reason: DenyReason, why: string) => denials.push({ reason, why });
  const rule = policy.purposes.get(purpose);
  if (!rule) deny("PURPOSE_NOT_DECLARED", `the purpose ${purpose} is not declared in policy ${policy.version}`);
  else {
    if (operation === "identify" && !rule.identification) deny("IDENTIFICATION_NOT_ALLOWED", `1:N identification is not allowed for ${purpose}`);
    else if (!rule.operations.includes(operation)) deny("OPERATION_NOT_ALLOWED", `${operation} is not allowed for ${purpose}`);
    if (policy.requireDpiaReference && rule.dpiaReference === null) deny("DPIA_MISSING", `${purpose} has no DPIA reference`);
    if (policy.requireFallback && rule.fallback === null) deny("FALLBACK_MISSING", `${purpose} declares no non-biometric fallback`);
  }
  for (const d of policy.deny) {
    if ((d.operations.length === 0 || d.operations.includes(operation)) && (d.purposes.length === 0 || d.purposes.includes(purpose))) {
      deny("DENIED_BY_RULE", d.because);
    }
  }
  return denials;
}

export type PurposeDecision =
  | { effect: "permit"; policyVersion: string; purpose: PurposePolicy }
  | { effect: "deny"; policyVersion: string; reason: DenyReason; reasons: DenyReason[]; explanation: string };

/** Whether the operation is allowed for the purpose at all, before any subject is considered. */
export function decidePurpose(policy: EffectivePolicy, operation: Operation, purpose: string): PurposeDecision {
  const denials = purposeDenials(policy, operation, purpose);
  const rule = policy.purposes.get(purpose);
  if (denials.length > 0 || !rule) return denied(policy, denials);
  return { effect: "permit", policyVersion: policy.version, purpose: rule };
}

function denied(policy: EffectivePolicy, denials: Denial[]): { effect: "deny"; policyVersion: string; reason: DenyReason; reasons: DenyReason[]; explanation: string } {
  const first = denials[0] ?? { reason: "CONSENT_REQUIRED" as const, why: "no covering consent" };
  return { effect: "deny", policyVersion: policy.version, reason: first.reason, reasons: denials.map((d) => d.reason), explanation: denials.map((d) => d.why).join("; ") };
}

export function decide(req: DecisionRequest): PolicyDecision {
  const { policy, operation, purpose, subject, now } = req;
  const denials = purposeDenials(policy, operation, purpose);
  const deny = (reason: DenyReason, why: string) => denials.push({ reason, why });
  const rule = policy.purposes.get(purpose);

  const consent = activeConsentFor(subject.consents, purpose, now);
  if (!consent) deny("CONSENT_REQUIRED", `the subject has no active consent for ${purpose}`);
  else if (rule) {
    if (!satisfies(consent, rule.consentType)) deny("CONSENT_TYPE_INSUFFICIENT", `${purpose} needs ${rule.consentType.replace("_", " ")} consent`);
    if (rule.minAgeWithoutGuardian !== null && !consent.byGuardian) {
      const age = subject.dateOfBirth === null ? null : ageInYears(subject.dateOfBirth, now);
      if (age === null || age < rule.minAgeWithoutGuardian) {
        deny("GUARDIAN_CONSENT_REQUIRED", `${purpose} needs a guardian's consent below age ${rule.minAgeWithoutGuardian}${age === null ? " (the subject's age is not recorded)" : ""}`);
      }
    }
  }
  if (subject.legalHold && MATCHING.includes(operation)) deny("LEGAL_HOLD", "the subject is under legal hold; matching is suspended");
  if (subject.restricted) deny("PROCESSING_RESTRICTED", "processing of the subject's data is restricted; it is only stored");

  if (denials.length > 0 || !rule || !consent) return denied(policy, denials);
  return { effect: "permit", policyVersion: policy.version, purpose: rule, consent };
}

export function satisfies(consent: Consent, type: ConsentType): boolean {
  switch (type) {
    case "explicit":
      return true;
    case "separate":
      return consent.separate;
    case "written_release":
      return (consent.method === "WRITTEN" || consent.method === "E_SIGNATURE") && consent.evidenceRef !== null;
  }
}

/** Whole years between a date of birth and `now` (UTC calendar). */
export function ageInYears(dateOfBirth: Date, now: Date): number {
  let age = now.getUTCFullYear() - dateOfBirth.getUTCFullYear();
  const beforeBirthday =
    now.getUTCMonth() < dateOfBirth.getUTCMonth() || (now.getUTCMonth() === dateOfBirth.getUTCMonth() && now.getUTCDate() < dateOfBirth.getUTCDate());
  if (beforeBirthday) age -= 1;
  return age;
}
