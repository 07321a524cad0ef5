/**
 * The transactional outbox: what must reach the job queue or the other processes'
 * matching indexes is written as a message in the same transaction as the change that
 * causes it, and delivered after commit by the relay (src/services/outbox-relay.ts),
 * again and again until delivery succeeds. A Redis outage delays jobs and index changes
 * and loses none; delivery is at least once, so every receiver is idempotent (job ids,
 * index changes that check what they hold). Messages carry ids only.
 */
import type { IndexChange } from "./index-sync.port.js";
import type { JobCatalogue, JobName, TraceCarrier } from "./jobs.port.js";

export type OutboxMessage =
  | { kind: "enqueue"; name: JobName; payload: JobCatalogue[JobName]; jobId: string; runAt: string | null; trace?: TraceCarrier }
  | { kind: "cancel"; jobId: string }
  | { kind: "index"; change: IndexChange };

export interface OutboxEntry {
  id: string;
  createdAt: Date;
  message: OutboxMessage;
  attempts: number;
}

/** A job for the outbox: `runAt` (absolute) instead of a delay, so a late delivery does not run it late. */
export function enqueueMessage<N extends JobName>(name: N, payload: JobCatalogue[N], jobId: string, runAt: Date | null = null, trace?: TraceCarrier): OutboxMessage {
  return { kind: "enqueue", name, payload, jobId, runAt: runAt?.toISOString() ?? null, ...(trace ? { trace } : {}) };
}
