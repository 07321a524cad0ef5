/**
 * Delivers the outbox (src/domain/outbox.ts): jobs to the queue, index changes to the
 * other processes. Runs right after each transaction that wrote messages (the caller
 * waits at most `kickWaitMs`, so a Redis outage never holds a request), and every
 * `intervalMs` for whatever is left. Stops a round at the first failure (the queue is
 * probably down) and skips rounds while the queue says it is not ready; messages are
 * delivered in the order they were written, at least once.
 */
import type { Clock } from "../domain/clock.port.js";
import type { IndexSync } from "../domain/index-sync.port.js";
import type { JobQueue } from "../domain/jobs.port.js";
import type { OutboxEntry } from "../domain/outbox.js";
import type { Store } from "../domain/repositories.port.js";
import type { Logger } from "../observability/logger.js";

export interface RelayOptions {
  intervalMs: number;
  /** Longest one delivery may take before the round gives up. */
  deliveryTimeoutMs: number;
  /** Longest a request waits for its own messages to go out. */
  kickWaitMs: number;
  batch: number;
}

export const DEFAULT_RELAY: RelayOptions = { intervalMs: 1000, deliveryTimeoutMs: 2000, kickWaitMs: 1000, batch: 100 };

export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private again = false;

  constructor(
    private readonly store: Store,
    private readonly jobs: JobQueue,
    private readonly sync: IndexSync,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly opts: RelayOptions = DEFAULT_RELAY,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.deliver().catch(() => undefined), this.opts.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Delivers now, waiting at most kickWaitMs (delivery goes on in the background). */
  async kick(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.opts.kickWaitMs)));
    await Promise.race([this.deliver().catch(() => 0), waited]);
    clearTimeout(timer);
  }

  /** One round (single-flight: a call during a round makes the round run once more). Returns messages delivered. */
  deliver(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let total = 0;
      try {
        do {
          this.again = false;
          total += await this.round();
        } while (this.again);
      } finally {
        this.running = undefined;
      }
      return total;
    })();
    return this.running;
  }

  private async round(): Promise<number> {
    if (!this.jobs.ready() || !this.sync.ready()) return 0;
    let delivered = 0;
    for (;;) {
      const batch = await this.store.outbox.pending(this.opts.batch);
      for (const entry of batch) {
        try {
          await this.withTimeout(this.send(entry));
        } catch (e) {
          await this.store.outbox.failed(entry.id, e instanceof Error ? e.name : "error").catch(() => undefined);
          if (entry.attempts === 0) this.log.warn("outbox delivery failed; will retry", { kind: entry.message.kind, error: e });
          return delivered;
        }
        await this.store.outbox.delivered(entry.id);
        this.log.debug("outbox message delivered", { kind: entry.message.kind });
        delivered++;
      }
      if (batch.length < this.opts.batch) return delivered;
    }
  }

  private async send({ message }: OutboxEntry): Promise<void> {
    switch (message.kind) {
      case "enqueue": {
        const delayMs = message.runAt === null ? 0 : Math.max(0, new Date(message.runAt).getTime() - this.clock.now().getTime());
        await this.jobs.enqueue(message.name, message.payload as never, { jobId: message.jobId, ...(delayMs > 0 ? { delayMs } : {}), ...(message.trace ? { trace: message.trace } : {}) });
        return;
      }
      case "cancel":
        await this.jobs.cancel(message.jobId);
        return;
      case "index":
        await this.sync.publish(message.change);
    }
  }

  private async withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(Object.assign(new Error("delivery timed out"), { name: "DeliveryTimeout" })), this.opts.deliveryTimeoutMs)));
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
