import { describe, expect, it } from "vitest";
import type { ApiKeyRecord } from "../domain/tenant.js";
import { FakeClock, advanceMs } from "../../test/support/fake-clock.js";
import { ApiKeyCache } from "./api-key-cache.js";

const record = (id: string, revokedAt: Date | null = null): ApiKeyRecord => ({
  id,
  tenantId: "ten_1",
  name: "k",
  secretHash: "ab".repeat(32),
  scopes: ["subjects:read"],
  createdAt: new Date(0),
  revokedAt,
  expiresAt: null,
});

/** A key table that counts its reads; `gate` holds a read until released. */
function table() {
  const rows = new Map<string, ApiKeyRecord>([["key_a", record("key_a")]]);
  let reads = 0;
  let gate: Promise<void> | null = null;
  return {
    rows,
    reads: () => reads,
    hold(): () => void {
      let release!: () => void;
      gate = new Promise((r) => (release = r));
      return () => {
        gate = null;
        release();
      };
    },
    read: async (id: string) => {
      reads++;
      const row = rows.get(id) ?? null;
      if (gate) await gate;
      return row;
    },
  };
}

describe("ApiKeyCache", () => {
  it("reads a key once within the TTL and again after it", async () => {
    const clock = new FakeClock(Date.UTC(2026, 11, 5));
    const t = table();
    const cache = new ApiKeyCache(5, clock);
    expect((await cache.find("key_a", t.read))?.id).toBe("key_a");
    advanceMs(clock, 4_999);
    await cache.find("key_a", t.read);
    expect(t.reads()).toBe(1);
    advanceMs(clock, 2);
    t.rows.set("key_a", record("key_a", new Date(1)));
    expect((await cache.find("key_a", t.read))?.revokedAt).toEqual(new Date(1));
    expect(t.reads()).toBe(2);
  });

  it("drops a key at once when it is forgotten", async () => {
    const t = table();
    const cache = new ApiKeyCache(60, new FakeClock(Date.UTC(2026, 11, 5)));
    await cache.find("key_a", t.read);
    t.rows.set("key_a", record("key_a", new Date(1)));
    cache.forget("key_a");
    expect((await cache.find("key_a", t.read))?.revokedAt).toEqual(new Date(1));
  });

  it("does not keep a read that began before a change committed", async () => {
    const t = table();
    const cache = new ApiKeyCache(60, new FakeClock(Date.UTC(2026, 11, 5)));
    const release = t.hold();
    const stale = cache.find("key_a", t.read); // reads the row as it was
    t.rows.set("key_a", record("key_a", new Date(1)));
    cache.forget("key_a"); // the revocation commits while that read is in flight
    release();
    expect((await stale)?.revokedAt).toBeNull();
    expect((await cache.find("key_a", t.read))?.revokedAt).toEqual(new Date(1));
    expect(t.reads()).toBe(2);
  });

  it("never keeps unknown keys, and with a TTL of 0 reads every time", async () => {
    const t = table();
    const cache = new ApiKeyCache(60, new FakeClock(Date.UTC(2026, 11, 5)));
    expect(await cache.find("key_guess", t.read)).toBeNull();
    expect(await cache.find("key_guess", t.read)).toBeNull();
    expect(t.reads()).toBe(2);
    const off = new ApiKeyCache(0, new FakeClock(Date.UTC(2026, 11, 5)));
    await off.find("key_a", t.read);
    await off.find("key_a", t.read);
    expect(t.reads()).toBe(4);
  });

  it("holds at most `max` keys", async () => {
    const t = table();
    for (const id of ["key_b", "key_c"]) t.rows.set(id, record(id));
    const cache = new ApiKeyCache(60, new FakeClock(Date.UTC(2026, 11, 5)), 2);
    for (const id of ["key_a", "key_b", "key_c", "key_a"]) await cache.find(id, t.read);
    expect(t.reads()).toBe(4); // key_a was evicted by key_c
  });
});
