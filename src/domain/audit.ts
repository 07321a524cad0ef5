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
 * Verifies a chain from the genesis link a batch of events at a time (memory bounded by a
 * batch): `add` each batch in sequence order, then `finish` with the recorded head, which
 * also catches events cut off the end. The first problem found is kept.
 */
export class ChainVerifier {
  private prevHash = GENESIS_HASH;
  private prevSeq = 0;
  private length = 0;
  private problem: { seq: number; text: string } | null = null;

  /** False once a problem is found (later batches need not be read). */
  add(events: readonly AuditEvent[]): boolean {
    for (const e of events) {
      if (this.problem) return false;
      this.length++;
      if (e.seq !== this.prevSeq + 1) this.problem = { seq: e.seq, text: `expected event #${this.prevSeq + 1}, found #${e.seq}` };
      else if (e.prevHash !== this.prevHash) this.problem = { seq: e.seq, text: `event #${e.seq} does not link to the previous event` };
      else {
        const { hash, ...rest } = e;
        if (eventHash(rest) !== hash) this.problem = { seq: e.seq, text: `event #${e.seq} was altered` };
        else {
          this.prevHash = hash;
          this.prevSeq = e.seq;
        }
      }
    }
    return this.problem === null;
  }

  /** The last sequence number verified so far (where to read on from). */
  get verifiedSeq(): number {
    return this.prevSeq;
  }

  finish(expectedHead?: { seq: number; hash: string }): ChainReport {
    if (!this.problem && expectedHead && (expectedHead.seq !== this.prevSeq || expectedHead.hash !== this.prevHash)) {
      this.problem = { seq: this.prevSeq + 1, text: `the chain ends at #${this.prevSeq} but the recorded head is #${expectedHead.seq}` };
    }
    if (this.problem) return { valid: false, length: this.length, brokenAtSeq: this.problem.seq, problem: this.problem.text, headHash: this.prevHash };
    return { valid: true, length: this.length, brokenAtSeq: null, problem: null, headHash: this.prevHash };
  }
}

/**
 * Verifies a tenant's events in sequence order from the genesis link. When the stored
 * chain head is given, also checks that no events were cut off the end.
 */
export function verifyChain(events: readonly AuditEvent[], expectedHead?: { seq: number; hash: string }): ChainReport {
  const v = new ChainVerifier();
  v.add(events);
  return v.finish(expectedHead);
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
