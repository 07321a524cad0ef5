/**
 * The job queue on Redis with BullMQ: one queue per deployment (REDIS_PREFIX), one worker
 * per process. Payloads carry ids only; failed jobs are retried with backoff and kept
 * briefly for inspection; finished ones are removed.
 */
import { Queue, Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import type { EnqueueOptions, JobCatalogue, JobHandler, JobName, JobQueue, TraceCarrier } from "../../domain/jobs.port.js";
import type { Logger } from "../../observability/logger.js";

/** The field of a job's data that carries the enqueuing trace (never a payload field). */
const TRACE_FIELD = "__trace";

const QUEUE = "jobs";

/** Logs when a Redis connection is lost and when it is back (once each, not on every retry). */
export function watchConnection(redis: Redis, what: string, log: Logger): void {
  let lost = false;
  redis.on("error", (error: Error) => {
    if (!lost) log.warn(`${what}: Redis unreachable; retrying`, { error });
    lost = true;
  });
  redis.on("ready", () => {
    if (lost) log.info(`${what}: Redis reachable again`);
    lost = false;
  });
}

export class BullMqQueue implements JobQueue {
  readonly kind = "bullmq" as const;
  private readonly handlers = new Map<JobName, JobHandler<JobName>>();
  private readonly connection: Redis;
  private readonly queue: Queue;
  private worker: Worker | undefined;
  private workerConnection: Redis | undefined;

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {
    this.connection = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
    watchConnection(this.connection, "job queue", log);
    this.queue = new Queue(QUEUE, { connection: this.connection, prefix });
  }

  ready(): boolean {
    return this.connection.status === "ready";
  }

  handle<N extends JobName>(name: N, handler: JobHandler<N>): void {
    this.handlers.set(name, handler as unknown as JobHandler<JobName>);
  }

  /** Starts this process's worker (after every handler is registered). */
  start(): void {
    if (this.worker) return;
    this.workerConnection = this.connection.duplicate({ maxRetriesPerRequest: null });
    watchConnection(this.workerConnection, "job worker", this.log);
    this.worker = new Worker(
      QUEUE,
      async (job: Job) => {
        const handler = this.handlers.get(job.name as JobName);
        if (!handler) throw new Error(`no handler for job ${job.name}`);
        // The trace of the work that enqueued it rides along in the job's data (TRACE_FIELD).
        const { [TRACE_FIELD]: trace, ...payload } = job.data as Record<string, unknown>;
        await handler(payload as never, trace ? { trace: trace as TraceCarrier } : {});
      },
      { connection: this.workerConnection, prefix: this.prefix, concurrency: 1 },
    );
    this.worker.on("failed", (job, error) => this.log.error("job failed", { job: job?.name, attempts: job?.attemptsMade, error }));
  }

  async enqueue<N extends JobName>(name: N, payload: JobCatalogue[N], opts: EnqueueOptions = {}): Promise<void> {
    await this.queue.add(name, opts.trace ? { ...payload, [TRACE_FIELD]: opts.trace } : payload, {
      ...(opts.jobId ? { jobId: opts.jobId } : {}),
      ...(opts.delayMs ? { delay: Math.max(0, Math.round(opts.delayMs)) } : {}),
      attempts: 5,
      backoff: { type: "exponential", delay: 1000 },
      removeOnComplete: true,
      removeOnFail: { age: 7 * 86_400 },
    });
  }

  async repeat<N extends JobName>(name: N, payload: JobCatalogue[N], everyMs: number): Promise<void> {
    await this.queue.upsertJobScheduler(`every-${name}`, { every: everyMs }, { name, data: payload, opts: { removeOnComplete: true, removeOnFail: { age: 86_400 } } });
  }

  async cancel(jobId: string): Promise<boolean> {
    const job = await this.queue.getJob(jobId);
    if (!job) return false;
    const state = await job.getState();
    if (state !== "delayed" && state !== "waiting" && state !== "prioritized") return false;
    await job.remove();
    return true;
  }

  async drain(): Promise<void> {
    for (;;) {
      const counts = await this.queue.getJobCounts("active", "waiting", "prioritized");
      const delayed = await this.queue.getDelayed(0, 50);
      const due = delayed.some((j) => j.timestamp + (j.opts.delay ?? 0) <= Date.now() + 5);
      if ((counts["active"] ?? 0) + (counts["waiting"] ?? 0) + (counts["prioritized"] ?? 0) === 0 && !due) return;
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    this.workerConnection?.disconnect();
    this.connection.disconnect();
  }
}
