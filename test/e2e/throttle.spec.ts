/**
 * Rate limits, Redis-backed: per API key, per client address for calls without a key,
 * and failed authentications per address (admin-token guessing). Answered THROTTLED with
 * HTTP 429, Retry-After and extensions.retryAfter; health checks are never throttled.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app-harness.js";

const REDIS_URL = process.env["TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379";

async function post(url: string, query: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ query }) });
  return { status: res.status, retryAfter: res.headers.get("retry-after"), body: (await res.json()) as { data?: unknown; errors?: { extensions?: Record<string, unknown> }[] } };
}

describe("rate limits", () => {
  let t: TestApp;
  let apiKey: string;

  beforeAll(async () => {
    t = await startTestApp("postgres", {
      REDIS_URL,
      REDIS_PREFIX: `fid-throttle-${randomBytes(4).toString("hex")}`,
      RATE_LIMIT_PER_KEY: "8",
      RATE_LIMIT_PER_ADDRESS: "1000",
      AUTH_FAILURES_PER_ADDRESS: "3",
      RATE_LIMIT_WINDOW_SECONDS: "600",
    });
    ({ apiKey } = await t.createTenant("throttled"));
  });
  afterAll(async () => t?.stop());

  it("answers THROTTLED once a key has used its requests, with when to retry", async () => {
    const results = [];
    for (let i = 0; i < 10; i++) results.push(await post(t.url, `{ galleries { totalCount } }`, { authorization: `Bearer ${apiKey}` }));
    expect(results.slice(0, 8).map((r) => r.status)).toEqual(Array(8).fill(200));
    for (const r of results.slice(8)) {
      expect(r.status).toBe(429);
      expect(Number(r.retryAfter)).toBeGreaterThan(0);
      expect(r.body.errors?.[0]?.extensions).toMatchObject({ code: "THROTTLED", reason: "THROTTLED", retryable: true, retryAfter: Number(r.retryAfter) });
    }
    // The counter is in Redis, not in this process.
    const redis = new Redis(REDIS_URL);
    try {
      expect((await redis.keys("fid-throttle-*:rl:key*")).length).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
  });

  it("blocks an address after repeated wrong admin tokens, even for the right one", async () => {
    for (let i = 0; i < 3; i++) {
      const r = await post(t.url, `mutation { createTenant(name: "x${i}") { tenantId } }`, { "x-admin-token": `wrong-token-${i}-aaaaaaaaaaaaaaaaaaaa` });
      expect(r.body.errors?.[0]?.extensions?.["reason"]).toBe("INVALID_ADMIN_TOKEN");
    }
    const r = await post(t.url, `mutation { createTenant(name: "late") { tenantId } }`, { "x-admin-token": t.app.adminToken });
    expect(r.status).toBe(429);
    expect(r.body.errors?.[0]?.extensions?.["reason"]).toBe("THROTTLED");
  });

  it("never throttles the health checks", async () => {
    for (let i = 0; i < 5; i++) expect((await fetch(t.url.replace("/graphql", "/health/live"))).status).toBe(200);
    const ready = await fetch(t.url.replace("/graphql", "/health/ready"));
    expect(ready.status).toBe(200);
  });
});
