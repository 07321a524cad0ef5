/**
 * The job queue of embedded mode: timers in this process, behind the same interface as
 * the BullMQ queue. Jobs do not survive a restart, which the handlers tolerate: the
 * retention sweep runs at start and then on its schedule, and catches anything missed.
 */
import type { EnqueueOptions, JobCatalogue, JobHandler, JobName, JobQueue, TraceCarrier } from "../../domain/jobs.port.js";
import type { Logger } from "../../observability/logger.js";

export class InProcessQueue implements JobQueue {
  readonly kind = "in-process" as const;

  ready(): boolean {
    return true;
  }
  private readonly handlers = new Map<JobName, JobHandler<JobName>>();
  private readonly pending = new Map<string, { timer: NodeJS.Timeout; dueAt: number }>();
  private readonly running = new Set<Promise<void>>();
  private readonly repeats: NodeJS.Timeout[] = [];
  private closed = false;
  private seq = 0;

  constructor(private readonly log: Logger) {}

  handle<N extends JobName>(name: N, handler: JobHandler<N>): void {
    this.handlers.set(name, handler as unknown as JobHandler<JobName>);
  }

  async enqueue<N extends JobName>(name: N, payload: JobCatalogue[N], opts: EnqueueOptions = {}): Promise<void> {
    if (this.closed) return;
    const id = opts.jobId ?? `${name}-${++this.seq}`;
    if (this.pending.has(id)) return;
    const delay = Math.max(0, opts.delayMs ?? 0);
    // setTimeout holds at most ~24.8 days; longer delays re-arm.
    const arm = (remaining: number) => {
      const step = Math.min(remaining, 2 ** 31 - 1);
      const timer = setTimeout(() => {
        if (remaining > step) return arm(remaining - step);
        this.pending.delete(id);
        this.run(name, payload, opts.trace);
      }, step);
      timer.unref();
      this.pending.set(id, { timer, dueAt: Date.now() + remaining });
    };
    arm(delay);
  }

  async repeat<N extends JobName>(name: N, payload: JobCatalogue[N], everyMs: number): Promise<void> {
    const timer = setInterval(() => this.run(name, payload), everyMs);
    timer.unref();
    this.repeats.push(timer);
  }

  async cancel(jobId: string): Promise<boolean> {
    const p = this.pending.get(jobId);
    if (!p) return false;
    clearTimeout(p.timer);
    this.pending.delete(jobId);
    return true;
  }

  async drain(): Promise<void> {
    for (;;) {
      const due = [...this.pending.values()].some((p) => p.dueAt <= Date.now() + 5);
      if (this.running.size === 0 && !due) return;
      await Promise.race([...this.running, new Promise((r) => setTimeout(r, 10))]);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.repeats) clearInterval(t);
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    await Promise.allSettled([...this.running]);
  }

  private run(name: JobName, payload: unknown, trace?: TraceCarrier): void {
    if (this.closed) return;
    const handler = this.handlers.get(name);
    if (!handler) {
      this.log.warn("no handler for job", { job: name });
      return;
    }
    const p = handler(payload as never, trace ? { trace } : {})
      .catch((e: unknown) => this.log.error("job failed", { job: name, error: e }))
      .finally(() => this.running.delete(p));
    this.running.add(p);
  }
}
