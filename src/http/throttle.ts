/**
 * Rate limits in front of GraphQL (rate-limiter-flexible): requests per window per API
 * key (by its public id) and, for requests without one, per client address; and failed
 * authentications (wrong API key or admin token) per client address, past which every
 * credentialed request from that address is refused until the window ends, so guessing
 * keys or the admin token is slowed to a few tries a minute. Counters live in Redis when
 * REDIS_URL is set (shared by every server of the deployment), with an in-memory limiter
 * standing in while Redis is unreachable; otherwise in memory.
 */
import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { Config } from "../config/config.js";

export interface Throttle {
  /** Consumes one request; the seconds to wait when over the limit, else null. */
  admit(apiKeyId: string | undefined, address: string): Promise<number | null>;
  /** Seconds to wait when the address has failed authentication too often, else null. */
  authBlocked(address: string): Promise<number | null>;
  authFailed(address: string): Promise<void>;
  close(): Promise<void>;
}

type Limits = Config["rateLimit"];

export function createThrottle(limits: Limits, redis: { url: string; prefix: string } | undefined): Throttle {
  const client = redis ? new Redis(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false }) : undefined;
  // ioredis reports lost connections as events; the limiter falls back to memory meanwhile.
  client?.on("error", () => undefined);
  const limiter = (name: string, points: number): RateLimiterAbstract => {
    const memory = new RateLimiterMemory({ keyPrefix: name, points, duration: limits.windowSeconds });
    if (!client || !redis) return memory;
    return new RateLimiterRedis({ storeClient: client, keyPrefix: `${redis.prefix}:rl:${name}`, points, duration: limits.windowSeconds, insuranceLimiter: memory, rejectIfRedisNotReady: true });
  };
  const perKey = limiter("key", limits.perKey);
  const perAddress = limiter("addr", limits.perAddress);
  const failures = limiter("authfail", limits.authFailures);

  const retryAfter = (e: unknown): number => {
    if (e instanceof RateLimiterRes) return Math.max(1, Math.ceil(e.msBeforeNext / 1000));
    throw e;
  };

  return {
    async admit(apiKeyId, address) {
      try {
        await (apiKeyId ? perKey.consume(apiKeyId) : perAddress.consume(address));
        return null;
      } catch (e) {
        return retryAfter(e);
      }
    },
    async authBlocked(address) {
      const res = await failures.get(address).catch(() => null);
      return res && res.consumedPoints >= limits.authFailures ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : null;
    },
    async authFailed(address) {
      await failures.penalty(address, 1).catch(() => undefined);
    },
    async close() {
      client?.disconnect();
    },
  };
}
