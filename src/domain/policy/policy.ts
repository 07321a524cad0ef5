/**
 * Policies as code: what a tenant may do with faces, for which purpose, on which legal
 * basis, for how long. The documents live as JSON files in `policies/` (see its README
 * for every field); this file holds their types. Pure data, no I/O.
 */
import type { QualityLimits } from "../quality.js";

/**
 * Biometric operations a purpose can allow. `detect` (find faces and their landmarks) and
 * `compare` (1:1 between two images) involve no enrolled subject and store nothing: they
 * are decided on the purpose alone, so the partner must hold its own basis (and consent)
 * for the images it sends.
 */
export const OPERATIONS = ["enroll", "verify", "identify", "attributes", "detect", "compare"] as const;
export type Operation = (typeof OPERATIONS)[number];

/**
 * The kind of consent a purpose needs:
 * - `explicit`: an affirmative act (click, e-signature or written form);
 * - `separate`: explicit, and given on its own, not bundled with other terms (PIPL Art. 29);
 * - `written_release`: a written or electronically signed release with an evidence
 *   reference (BIPA 740 ILCS 14/15(b)).
 */
export const CONSENT_TYPES = ["explicit", "separate", "written_release"] as const;
export type ConsentType = (typeof CONSENT_TYPES)[number];

/** GDPR Art. 9(2) grounds the platform can record (consent is still required for every operation). */
export const LEGAL_BASES = ["explicit_consent", "employment_obligation", "vital_interests", "legal_claims", "substantial_public_interest"] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

export interface RetentionRule {
  /** Templates are destroyed this many days after enrollment at the latest. */
  maxDays: number;
  /** …or this many days after their last successful use, whichever comes first (null: no limit). */
  unusedDays: number | null;
}

/** Passive liveness required for some operations of a purpose, at a minimum live score. */
export interface PassiveLivenessRule {
  operations: readonly Operation[];
  minScore: number;
}

/** How captures are checked for a purpose (all optional; see policies/README.md). */
export interface CapturePolicy {
  /** Overrides of the quality gate's default limits (src/domain/quality.ts). */
  quality: Partial<QualityLimits>;
  /** Whether the quality gate also refuses verify/identify probes (enrollment always applies it). */
  gateProbes: boolean;
  /** Passive liveness: required for these operations, at this score (null: not required). */
  passiveLiveness: PassiveLivenessRule | null;
  /** Operations that need a passed active-liveness session (empty: none). */
  activeLiveness: readonly Operation[];
  /** Whether attributes may be stored with the template metadata (default false: never). */
  storeAttributes: boolean;
  /**
   * At enrollment, search the gallery for the new face first: a match above the 1:N
   * threshold with another subject is refused (`refuse`: DUPLICATE_FACE) or enrolled and
   * flagged for a person's review (`review`); null: no check.
   */
  duplicateCheck: DuplicateCheck | null;
}

export const DUPLICATE_CHECKS = ["refuse", "review"] as const;
export type DuplicateCheck = (typeof DUPLICATE_CHECKS)[number];

export const DEFAULT_CAPTURE_POLICY: CapturePolicy = Object.freeze({
  quality: Object.freeze({}),
  gateProbes: false,
  passiveLiveness: null,
  activeLiveness: Object.freeze([]) as readonly Operation[],
  storeAttributes: false,
  duplicateCheck: null,
});

export interface PurposePolicy {
  name: string;
  description: string;
  operations: readonly Operation[];
  legalBasis: LegalBasis;
  consentType: ConsentType;
  retention: RetentionRule;
  /** Matching for this purpose never uses a lower threshold than this (null: the model's own). */
  minMatchThreshold: number | null;
  /** Whether 1:N identification is allowed at all for this purpose. */
  identification: boolean;
  /** The data protection impact assessment covering this purpose, when declared. */
  dpiaReference: string | null;
  /** The non-biometric alternative offered to people who refuse (e.g. "badge and PIN"). */
  fallback: string | null;
  /** Below this age (years) consent must come from a guardian; null = no age rule. */
  minAgeWithoutGuardian: number | null;
  /** Whether raw images may be kept after a template is made (default and recommended: false). */
  keepRawImages: boolean;
  /** Capture checks: quality limits, liveness requirements, attribute storage. */
  capture: CapturePolicy;
}

/** A rule that refuses matching operations whatever the purposes allow; deny overrides permit. */
export interface DenyRule {
  /** Operations it refuses; empty = all. */
  operations: readonly Operation[];
  /** Purposes it applies to; empty = all. */
  purposes: readonly string[];
  /** Why, for humans and the audit trail (e.g. "EU AI Act Art. 5(1)(f)"). */
  because: string;
}

export interface PolicyDocument {
  /** The file it came from (for error messages). */
  source: string;
  /** Version of this document, recorded with every decision made under it. */
  version: string;
  /** Tenant name it governs, or "*" for the platform default. */
  tenant: string;
  /** Every purpose must declare a DPIA reference. */
  requireDpiaReference: boolean;
  /** Every purpose must declare a non-biometric fallback. */
  requireFallback: boolean;
  purposes: ReadonlyMap<string, PurposePolicy>;
  deny: readonly DenyRule[];
}

/** The policy in force for one tenant: its own document (or the default) plus every applicable deny rule. */
export type EffectivePolicy = Omit<PolicyDocument, "source">;
