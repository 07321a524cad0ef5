/**
 * Data subject requests (GDPR Art. 15 access, Art. 16 rectification, Art. 17 erasure,
 * Art. 20 portability; PIPL Art. 45, 46 and 47): opened, the requester's identity verified, then fulfilled within
 * one month, extendable once by two further months with a recorded reason (Art. 12(3)).
 * Pure rules; the service in src/services/data-subject-request.service.ts applies them.
 */
import { DomainError } from "./errors.js";

export const REQUEST_KINDS = ["ACCESS", "EXPORT", "ERASURE", "RECTIFICATION"] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

export const REQUEST_STATUSES = ["AWAITING_IDENTITY", "IN_PROGRESS", "COMPLETED", "FAILED", "REJECTED"] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** Not yet answered: still on the controller's clock. */
export const OPEN_STATUSES: readonly RequestStatus[] = ["AWAITING_IDENTITY", "IN_PROGRESS", "FAILED"];

/** What the tenant-wide request queue may be narrowed to (all given conditions hold). */
export interface RequestFilter {
  statuses?: readonly RequestStatus[];
  kind?: RequestKind;
  dueBefore?: Date;
  /** Open and past its due date (true), or not (false). */
  overdue?: boolean;
}

export interface DataSubjectRequest {
  id: string;
  tenantId: string;
  subjectId: string;
  kind: RequestKind;
  status: RequestStatus;
  openedAt: Date;
  dueAt: Date;
  extendedAt: Date | null;
  extensionReason: string | null;
  identityVerifiedAt: Date | null;
  identityMethod: string | null;
  identityEvidence: string | null;
  completedAt: Date | null;
  /** Erasure: the per-store report as JSON; access/export: sha256 of the document given out; rectification: the fields corrected (never their values). */
  result: string | null;
  /** When fulfilment began; an erasure with this set that is not COMPLETED was interrupted. */
  fulfilmentStartedAt: Date | null;
}

/** The same day of the month `months` later, or the month's last day when it has none (31 Jan + 1 → 28/29 Feb). */
export function addMonths(d: Date, months: number): Date {
  const target = new Date(d.getTime());
  const day = d.getUTCDate();
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + months);
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, last));
  return target;
}

export function initialDueDate(openedAt: Date): Date {
  return addMonths(openedAt, 1);
}

/** Whole days until the due date (negative when overdue), counting a started day as a day. */
export function daysLeft(request: DataSubjectRequest, now: Date): number {
  return Math.ceil((request.dueAt.getTime() - now.getTime()) / 86_400_000);
}

/** REQUEST_STATE unless the request may be carried out now (identity verified; not yet answered, or failed). */
export function requireFulfillable(request: DataSubjectRequest): void {
  if (request.status === "IN_PROGRESS" || request.status === "FAILED") return;
  throw new DomainError("REQUEST_STATE", request.status === "AWAITING_IDENTITY" ? "verify the requester's identity first" : `the request is ${request.status.toLowerCase()}`);
}

export function extendDueDate(request: DataSubjectRequest, reason: string): Date {
  if (request.extendedAt !== null) throw new DomainError("REQUEST_STATE", "the request was already extended once (at most two further months in all)");
  if (request.status === "COMPLETED" || request.status === "REJECTED") throw new DomainError("REQUEST_STATE", `the request is ${request.status.toLowerCase()}`);
  if (reason.trim().length < 10) throw new DomainError("INVALID_INPUT", "an extension needs a reason (at least 10 characters) to tell the data subject");
  return addMonths(request.dueAt, 2);
}
