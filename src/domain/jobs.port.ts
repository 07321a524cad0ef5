/**
 * Background jobs, as the domain sees them: a typed catalogue of job names and payloads
 * (ids only, never personal or biometric data), handlers that are idempotent (a job may
 * run twice), and a queue: BullMQ on Redis (src/adapters/jobs/bullmq.queue.ts) or, in
 * embedded mode, an in-process scheduler behind the same interface.
 */
export interface JobCatalogue {
  /** Destroys templates past their retention date or whose consent has ended. */
  "retention.sweep": Record<string, never>;
  /** Runs when a consent reaches its expiry time: destroys the templates it covered. */
  "consent.lapse": { tenantId: string; consentId: string };
  /** Re-wraps every data key of a tenant under its current key-encryption key; resumable. */
  "keys.rotate": { tenantId: string };
  /** Enrolls the pending items of a batch (src/services/enrollment-batch.service.ts); resumable. */
  "enroll.batch": { tenantId: string; batchId: string };
}

export type JobName = keyof JobCatalogue;

/** W3C trace context (traceparent, tracestate) of the work that enqueued a job: its trace goes on in the job. */
export type TraceCarrier = Record<string, string>;

export type JobHandler<N extends JobName> = (payload: JobCatalogue[N], meta: { trace?: TraceCarrier }) => Promise<void>;

export interface EnqueueOptions {
  /** The trace the job continues (src/domain/telemetry.port.ts). */
  trace?: TraceCarrier;
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
  /** A job with the same id is not queued twice; also the handle to cancel it. */
  jobId?: string;
}

export interface JobQueue {
  readonly kind: "bullmq" | "in-process";
  handle<N extends JobName>(name: N, handler: JobHandler<N>): void;
  enqueue<N extends JobName>(name: N, payload: JobCatalogue[N], opts?: EnqueueOptions): Promise<void>;
  /** Runs `name` every `everyMs` (one schedule per name, whatever the number of processes). */
  repeat<N extends JobName>(name: N, payload: JobCatalogue[N], everyMs: number): Promise<void>;
  /** Removes a pending job; true when there was one. */
  cancel(jobId: string): Promise<boolean>;
  /** False while the queue's backing store (Redis) is unreachable. */
  ready(): boolean;
  /** Resolves when no job is waiting, delayed-and-due or running (tests, shutdown). */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/** The job id of a consent's lapse job, so erasure and withdrawal can cancel it. */
export const lapseJobId = (consentId: string) => `consent-lapse-${consentId}`;
