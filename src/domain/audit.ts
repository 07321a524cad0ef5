/**
 * The tamper-evident audit trail. Each tenant has one chain: every event's hash covers
 * its content and the previous event's hash, so changing, removing or reordering any
 * event breaks every later link. Events never hold images, vectors or key material: only
 * ids, purposes, outcomes and reasons. Pure functions.
 */
import { createHash } from "node:crypto";

export const GENESIS_HASH = "0".repeat(64);

export type AuditOutcome = "SUCCESS" | "DENIED" | "FAILED";

/** What a service records; the chain fields are added when it is appended. */
export interface AuditEventInput {
  tenantId: string;
  actor: string;
  action: string;
  subjectId?: string | null;
  purpose?: string | null;
  outcome: AuditOutcome;
  reason?: string | null;
  decisionId?: string | null;
  /** The id of the object acted on (consent, template, gallery, key), when there is one. */
  targetId?: string | null;
}

export interface AuditEvent {
  id: string;
  tenantId: string;
  seq: number;
  at: Date;
  actor: string;
  action: string;
  subjectId: string | null;
  purpose: string | null;
  outcome: AuditOutcome;
  reason: string | null;
  decisionId: string | null;
  targetId: string | null;
  prevHash: string;
  hash: string;
}

/** The canonical text an event's hash is computed over (fixed field order, JSON-escaped values). */
export function canonicalEventText(e: Omit<AuditEvent, "hash">): string {
  return JSON.stringify([
    "v1",
    e.id,
    e.tenantId,
    e.seq,
    e.at.toISOString(),
    e.actor,
    e.action,
    e.subjectId,
    e.purpose,
    e.outcome,
    e.reason,
    e.decisionId,
    e.targetId,
    e.prevHash,
  ]);
}

export function eventHash(e: Omit<AuditEvent, "hash">): string {
  return createHash("sha256").update(canonicalEventText(e)).digest("hex");
}

/** Builds the next link of a chain whose head is (`headSeq`, `headHash`). */
export function chainEvent(input: AuditEventInput, id: string, at: Date, headSeq: number, headHash: string): AuditEvent {
  const unhashed: Omit<AuditEvent, "hash"> = {
    id,
    tenantId: input.tenantId,
    seq: headSeq + 1,
    at,
    actor: input.actor,
    action: input.action,
    subjectId: input.subjectId ?? null,
    purpose: input.purpose ?? null,
    outcome: input.outcome,
    reason: input.reason ?? null,
    decisionId: input.decisionId ?? null,
    targetId: input.targetId ?? null,
    prevHash: headHash,
  };
  return { ...unhashed, hash: eventHash(unhashed) };
}

export interface ChainReport {
  valid: boolean;
  length: number;
  /** Sequence number of the first bad event, when invalid. */
  brokenAtSeq: number | null;
  problem: string | null;
  headHash: string;
}

/**
 * Verifies a tenant's events in sequence order from the genesis link. When the stored
 * chain head is given, also checks that no events were cut off the end.
 */
export function verifyChain(events: readonly AuditEvent[], expectedHead?: { seq: number; hash: string }): ChainReport {
  let prevHash = GENESIS_HASH;
  let prevSeq = 0;
  const broken = (e: AuditEvent | undefined, problem: string): ChainReport => ({
    valid: false,
    length: events.length,
    brokenAtSeq: e?.seq ?? prevSeq + 1,
    problem,
    headHash: prevHash,
  });
  for (const e of events) {
    if (e.seq !== prevSeq + 1) return broken(e, `expected event #${prevSeq + 1}, found #${e.seq}`);
    if (e.prevHash !== prevHash) return broken(e, `event #${e.seq} does not link to the previous event`);
    const { hash, ...rest } = e;
    if (eventHash(rest) !== hash) return broken(e, `event #${e.seq} was altered`);
    prevHash = hash;
    prevSeq = e.seq;
  }
  if (expectedHead && (expectedHead.seq !== prevSeq || expectedHead.hash !== prevHash)) {
    return broken(undefined, `the chain ends at #${prevSeq} but the recorded head is #${expectedHead.seq}`);
  }
  return { valid: true, length: events.length, brokenAtSeq: null, problem: null, headHash: prevHash };
}

/** What an audit search may be narrowed to (all given conditions hold); times as [from, to). */
export interface AuditFilter {
  action?: string;
  outcome?: AuditOutcome;
  actor?: string;
  subjectId?: string;
  from?: Date;
  to?: Date;
}
