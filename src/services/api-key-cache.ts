/**
 * API key records recently read, so that a request does not read its key from the
 * database every time (for a small audited write that read was a fifth of the main
 * thread's work: one Prisma query and a round trip).
 *
 * What is kept is the record (tenant, scopes, the secret's hash, revocation, expiry); every
 * request still checks its secret against the hash and the expiry against the clock
 * (TenantService.authenticateApiKey). A key revoked or rotated through this process is
 * dropped as soon as that change commits, and a read that began before such a change is not
 * kept (the epoch); a key revoked through another instance of the server stops working
 * here within the TTL (API_KEY_CACHE_SECONDS; 0 reads the key on every request). Unknown
 * key ids are never kept, so guessing cannot fill it; it holds at most `max` keys.
 */
import { LRUCache } from "lru-cache";
import type { Clock } from "../domain/clock.port.js";
import type { ApiKeyRecord } from "../domain/tenant.js";

export class ApiKeyCache {
  private readonly entries: LRUCache<string, ApiKeyRecord> | null;
  /** Changes seen so far: a read that started before the latest one is not kept. */
  private epoch = 0;

  constructor(ttlSeconds: number, clock: Clock, max = 10_000) {
    this.entries =
      ttlSeconds > 0
        ? new LRUCache<string, ApiKeyRecord>({ max, ttl: ttlSeconds * 1000, ttlResolution: 0, perf: { now: () => clock.now().getTime() } })
        : null;
  }

  /** The record of key `id`: kept, or read with `read` (and kept when it exists). */
  async find(id: string, read: (id: string) => Promise<ApiKeyRecord | null>): Promise<ApiKeyRecord | null> {
    const kept = this.entries?.get(id);
    if (kept) return kept;
    const epoch = this.epoch;
    const record = await read(id);
    if (record && this.entries && epoch === this.epoch) this.entries.set(id, record);
    return record;
  }

  /** Called once a change to key `id` (revocation, rotation) has committed. */
  forget(id: string): void {
    this.epoch++;
    this.entries?.delete(id);
  }
}
