/**
 * People who run the platform through the admin consent portal: a user belongs to one
 * tenant and holds one role; the role is a fixed set of the same scopes API keys carry,
 * so every service checks a person exactly as it checks a key. No role can run face
 * operations: the portal never handles a biometric image or vector.
 *
 * Sign-in rules (pure, tested in portal-user.spec.ts): LOCKOUT_ATTEMPTS wrong passwords in
 * a row lock the account for LOCKOUT_MINUTES; a session ends SESSION_IDLE_MINUTES after its
 * last use, and SESSION_HOURS after sign-in whatever happens.
 */
import type { Scope } from "./tenant.js";

export const PORTAL_ROLES = ["ADMINISTRATOR", "PRIVACY_OFFICER", "AUDITOR"] as const;
export type PortalRole = (typeof PORTAL_ROLES)[number];

export function isPortalRole(s: string): s is PortalRole {
  return (PORTAL_ROLES as readonly string[]).includes(s);
}

/** What each role may do, as scopes. */
export const ROLE_SCOPES: Readonly<Record<PortalRole, readonly Scope[]>> = {
  // Keys, galleries, users, and the policies and reports to run them.
  ADMINISTRATOR: ["keys:manage", "users:manage", "galleries:write", "subjects:read", "compliance:read", "audit:read"],
  // Subjects, consents, data subject requests, legal hold and restriction, exports.
  PRIVACY_OFFICER: ["subjects:read", "subjects:write", "consents:write", "compliance:read", "compliance:write", "audit:read"],
  // Read-only: the audit trail and the compliance reports.
  AUDITOR: ["audit:read", "compliance:read"],
};

export interface PortalUser {
  id: string;
  tenantId: string;
  /** Lower-cased sign-in name, unique in the tenant. */
  email: string;
  displayName: string;
  role: PortalRole;
  passwordHash: string;
  failedAttempts: number;
  lockedUntil: Date | null;
  createdAt: Date;
  disabledAt: Date | null;
}

export interface PortalSession {
  /** SHA-256 of the cookie token. */
  id: string;
  userId: string;
  tenantId: string;
  /** SHA-256 of the CSRF token. */
  csrfHash: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

export const LOCKOUT_ATTEMPTS = 5;
export const LOCKOUT_MINUTES = 15;
export const SESSION_IDLE_MINUTES = 30;
export const SESSION_HOURS = 12;
/** A session's last use is written at most this often (not on every request). */
export const SESSION_TOUCH_SECONDS = 60;
export const MIN_PASSWORD_LENGTH = 12;

const MINUTE = 60_000;

/** Whether the account is locked at `now`. */
export function lockedAt(user: Pick<PortalUser, "lockedUntil">, now: Date): boolean {
  return user.lockedUntil !== null && user.lockedUntil.getTime() > now.getTime();
}

/** The lock earned by `failedAttempts` wrong passwords in a row (counted atomically), or null. */
export function lockAfter(failedAttempts: number, now: Date): Date | null {
  return failedAttempts >= LOCKOUT_ATTEMPTS ? new Date(now.getTime() + LOCKOUT_MINUTES * MINUTE) : null;
}

/** A new session's times. */
export function sessionTimes(now: Date): Pick<PortalSession, "createdAt" | "lastSeenAt" | "expiresAt"> {
  return { createdAt: now, lastSeenAt: now, expiresAt: new Date(now.getTime() + SESSION_HOURS * 60 * MINUTE) };
}

/** Whether a session still stands at `now` (not past its end, not idle too long). */
export function sessionAlive(s: Pick<PortalSession, "lastSeenAt" | "expiresAt">, now: Date): boolean {
  return now.getTime() < s.expiresAt.getTime() && now.getTime() - s.lastSeenAt.getTime() < SESSION_IDLE_MINUTES * MINUTE;
}

/** Checks a new password's shape; returns the problem, or null. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `a password needs at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > 256) return "a password may have at most 256 characters";
  return null;
}

/** Normalises an e-mail sign-in name; null when it is not one. */
export function normaliseEmail(email: string): string | null {
  const e = email.trim().toLowerCase();
  return /^[^\s@]{1,64}@[^\s@]{1,255}$/.test(e) ? e : null;
}
