/** Matching-index changes over Redis pub/sub (one channel per deployment prefix). */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { IndexChange, IndexSync } from "../../domain/index-sync.port.js";
import type { Logger } from "../../observability/logger.js";
import { watchConnection } from "./bullmq.queue.js";

export class RedisIndexSync implements IndexSync {
  private readonly origin = randomUUID();
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly channel: string;

  constructor(url: string, prefix: string, private readonly log: Logger) {
    this.pub = new Redis(url, { maxRetriesPerRequest: null });
    this.sub = new Redis(url, { maxRetriesPerRequest: null });
    this.channel = `${prefix}:index-changes`;
    watchConnection(this.pub, "index sync", log);
    watchConnection(this.sub, "index sync (subscriber)", log);
  }

  ready(): boolean {
    return this.pub.status === "ready";
  }

  async publish(change: IndexChange): Promise<void> {
    await this.pub.publish(this.channel, JSON.stringify({ origin: this.origin, change }));
  }

  async subscribe(handler: (change: IndexChange) => void): Promise<void> {
    this.sub.on("message", (channel: string, message: string) => {
      if (channel !== this.channel) return;
      try {
        const { origin, change } = JSON.parse(message) as { origin: string; change: IndexChange };
        if (origin !== this.origin) handler(change);
      } catch (e) {
        this.log.warn("ignored a malformed index change", { error: e });
      }
    });
    await this.sub.subscribe(this.channel);
  }

  async close(): Promise<void> {
    this.sub.disconnect();
    this.pub.disconnect();
  }
}
