/**
 * Typed domain errors. Every failure the platform reports on purpose is a DomainError
 * with a string `reason`; each reason belongs to one `kind`, and the GraphQL layer maps
 * kinds to GraphQL error codes in exactly one place (src/graphql/error-mapping.ts).
 * Messages are for humans and must never contain biometric data, keys or secrets.
 */

export type ErrorKind = "INVALID_INPUT" | "UNAUTHENTICATED" | "FORBIDDEN" | "NOT_FOUND" | "CONFLICT" | "UNAVAILABLE" | "THROTTLED";

/** Every reason the platform can give, with the kind of failure it is. */
export const ERROR_REASONS = {
  // Input problems.
  INVALID_INPUT: "INVALID_INPUT",
  INVALID_IMAGE: "INVALID_INPUT",
  IMAGE_TOO_LARGE: "INVALID_INPUT",
  IMAGE_TOO_SMALL: "INVALID_INPUT",
  // A video file was posted to a server without a video decoder (Debian's ffmpeg).
  VIDEO_UNSUPPORTED: "INVALID_INPUT",
  NO_FACE: "INVALID_INPUT",
  MULTIPLE_FACES: "INVALID_INPUT",
  // The request asks for more work than one request may (tokens, aliases, depth,
  // directives, inference-weighted cost); extensions.limit says which.
  QUERY_LIMIT: "INVALID_INPUT",
  // The capture failed the quality gate; extensions.qualityReasons lists why (src/domain/quality.ts).
  LOW_QUALITY: "INVALID_INPUT",
  // Authentication and authorisation.
  INVALID_API_KEY: "UNAUTHENTICATED",
  INVALID_ADMIN_TOKEN: "UNAUTHENTICATED",
  // Portal sign-in: wrong e-mail or password (never saying which), an account locked after
  // repeated failures (extensions.retryAfter), a session that ended or never was, and a
  // cookie-authenticated request without its CSRF token.
  INVALID_CREDENTIALS: "UNAUTHENTICATED",
  ACCOUNT_LOCKED: "UNAUTHENTICATED",
  SESSION_INVALID: "UNAUTHENTICATED",
  CSRF_REQUIRED: "FORBIDDEN",
  SCOPE_REQUIRED: "FORBIDDEN",
  CONSENT_REQUIRED: "FORBIDDEN",
  // Policy refusals (src/domain/policy/policy-decide.ts); the reason is in extensions.reason.
  PURPOSE_NOT_DECLARED: "FORBIDDEN",
  OPERATION_NOT_ALLOWED: "FORBIDDEN",
  IDENTIFICATION_NOT_ALLOWED: "FORBIDDEN",
  DENIED_BY_RULE: "FORBIDDEN",
  DPIA_MISSING: "FORBIDDEN",
  FALLBACK_MISSING: "FORBIDDEN",
  CONSENT_TYPE_INSUFFICIENT: "FORBIDDEN",
  GUARDIAN_CONSENT_REQUIRED: "FORBIDDEN",
  LEGAL_HOLD: "FORBIDDEN",
  PROCESSING_RESTRICTED: "FORBIDDEN",
  // Passive liveness below the policy's score, or an active-liveness session that is
  // missing, failed, used, expired or another subject's (extensions.livenessFailures).
  LIVENESS_FAILED: "FORBIDDEN",
  // Lookups.
  SUBJECT_NOT_FOUND: "NOT_FOUND",
  GALLERY_NOT_FOUND: "NOT_FOUND",
  CONSENT_NOT_FOUND: "NOT_FOUND",
  NO_TEMPLATES: "NOT_FOUND",
  REQUEST_NOT_FOUND: "NOT_FOUND",
  LIVENESS_SESSION_NOT_FOUND: "NOT_FOUND",
  API_KEY_NOT_FOUND: "NOT_FOUND",
  PORTAL_USER_NOT_FOUND: "NOT_FOUND",
  TEMPLATE_NOT_FOUND: "NOT_FOUND",
  TENANT_NOT_FOUND: "NOT_FOUND",
  BATCH_NOT_FOUND: "NOT_FOUND",
  // A stream session not open in this server process (closed, idle too long, another process's).
  STREAM_NOT_FOUND: "NOT_FOUND",
  // State conflicts.
  ALREADY_EXISTS: "CONFLICT",
  MODEL_MISMATCH: "CONFLICT",
  MIGRATION_IN_PROGRESS: "CONFLICT",
  // Enrollment under a purpose whose policy refuses duplicates: the face matches another
  // subject already in the gallery (who is never named).
  DUPLICATE_FACE: "CONFLICT",
  REQUEST_STATE: "CONFLICT",
  // The tenant has as many streams open as it may (STREAM_MAX_PER_TENANT); close one first.
  STREAM_LIMIT: "CONFLICT",
  // What the call refers to (a gallery, a subject) was deleted by a concurrent call.
  CONCURRENTLY_DELETED: "CONFLICT",
  // The subject's templates cannot be decrypted: quarantined after failing authentication,
  // or the subject's key is gone (an erasure under way).
  TEMPLATE_UNREADABLE: "CONFLICT",
  // A dependency is down or overloaded; the call changed nothing and may be retried
  // (extensions.retryable is true for every reason of this kind).
  DATABASE_UNAVAILABLE: "UNAVAILABLE",
  KEY_VAULT_UNAVAILABLE: "UNAVAILABLE",
  // Concurrent writers kept conflicting (serialization failure or deadlock) past the retries.
  TRANSACTION_CONFLICT: "UNAVAILABLE",
  // Every inference worker is busy and the queue in front of them is full.
  SERVICE_BUSY: "UNAVAILABLE",

  // The outcome of a refused or failed call could not be written to the audit trail.
  AUDIT_UNAVAILABLE: "UNAVAILABLE",
  // Too many calls: per API key, or per client address without a valid key
  // (extensions.retryAfter: seconds to wait).
  THROTTLED: "THROTTLED",
} as const satisfies Record<string, ErrorKind>;

export type ErrorReason = keyof typeof ERROR_REASONS;

export class DomainError extends Error {
  readonly kind: ErrorKind;

  constructor(
    readonly reason: ErrorReason,
    message: string,
    /** Extra non-sensitive facts for the client (e.g. `{ faceCount: 2 }`). */
    readonly details: Readonly<Record<string, string | number | boolean | readonly string[]>> = {},
  ) {
    super(message);
    this.name = "DomainError";
    this.kind = ERROR_REASONS[reason];
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}

/** True for failures a client may simply retry (a dependency down, a conflict that outlasted the retries). */
export function isRetryable(e: unknown): boolean {
  return isDomainError(e) && e.kind === "UNAVAILABLE";
}
