/**
 * API key management through GraphQL on PostgreSQL: create (never more than the caller's
 * own scopes), list without secrets, rotate with a grace period (the old key works until
 * it ends, then not), revoke at once; another tenant's key is NOT_FOUND; all audited.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app-harness.js";
import { FakeClock } from "../support/fake-clock.js";
import { bearer, errorOf, gql } from "../support/graphql-client.js";

describe("API keys", () => {
  let t: TestApp;
  const clock = new FakeClock(Date.UTC(2026, 11, 2, 9));
  let admin: Awaited<ReturnType<TestApp["createTenant"]>>;
  let other: Awaited<ReturnType<TestApp["createTenant"]>>;
  const call = (key: string, q: string, v: Record<string, unknown> = {}) => gql(t.url, q, v, bearer(key));
  const KEY = `id name scopes createdAt revokedAt expiresAt`;

  beforeAll(async () => {
    t = await startTestApp("postgres", {}, { clock });
    admin = await t.createTenant("keys");
    other = await t.createTenant("other-keys");
  });
  afterAll(async () => t?.stop());

  it("creates a narrower key that can do only what it was given, and lists keys without secrets", async () => {
    const made = await call(admin.apiKey, `mutation { createApiKey(name: "kiosk", scopes: ["faces:verify", "subjects:read"]) { apiKey key { ${KEY} } } }`);
    const { apiKey, key } = made.data!["createApiKey"];
    expect(key).toMatchObject({ name: "kiosk", scopes: ["faces:verify", "subjects:read"], revokedAt: null, expiresAt: null });
    expect(apiKey.startsWith(`${key.id}.`)).toBe(true);
    expect(errorOf(await call(apiKey, `mutation { createSubject { id } }`))).toMatchObject({ code: "FORBIDDEN", reason: "SCOPE_REQUIRED" });
    // It cannot mint keys (no keys:manage), nor could it grant scopes it lacks.
    expect(errorOf(await call(apiKey, `mutation { createApiKey(name: "x", scopes: ["faces:verify"]) { apiKey } }`)).reason).toBe("SCOPE_REQUIRED");
    const list = await call(admin.apiKey, `{ apiKeys { ${KEY} } }`);
    expect(list.data!["apiKeys"].map((k: { name: string }) => k.name).sort()).toEqual(["initial", "kiosk"]);
    const denied = await t.sql<{ n: bigint }>(`SELECT count(*) AS n FROM "AuditEvent" WHERE "action" = 'CREATE_API_KEY' AND "outcome" = 'DENIED' AND "actor" = 'apikey:${key.id}'`);
    expect(Number(denied[0]!.n)).toBe(1);
    expect(JSON.stringify(list.data)).not.toContain(apiKey.split(".")[1]);
    const hashes = await t.sql<{ secretHash: string }>(`SELECT "secretHash" FROM "ApiKey"`);
    for (const { secretHash } of hashes) expect(JSON.stringify(list.data)).not.toContain(secretHash);
  });

  it("refuses to grant scopes the calling key lacks", async () => {
    const narrow = (await call(admin.apiKey, `mutation { createApiKey(name: "manager", scopes: ["keys:manage", "faces:verify"]) { apiKey } }`)).data!["createApiKey"].apiKey;
    const r = await call(narrow, `mutation { createApiKey(name: "escalate", scopes: ["compliance:write"]) { apiKey } }`);
    expect(errorOf(r)).toMatchObject({ code: "FORBIDDEN", reason: "SCOPE_REQUIRED" });
    expect((await call(narrow, `mutation { createApiKey(name: "ok", scopes: ["faces:verify"]) { apiKey } }`)).errors).toBeUndefined();
  });

  it("rotates with a grace period: both keys work until it ends, then only the new one", async () => {
    const made = (await call(admin.apiKey, `mutation { createApiKey(name: "partner", scopes: ["subjects:write"]) { apiKey key { id } } }`)).data!["createApiKey"];
    const rotated = (await call(admin.apiKey, `mutation($id: ID!) { rotateApiKey(id: $id, graceSeconds: 3600) { apiKey key { ${KEY} } previous { ${KEY} } } }`, { id: made.key.id })).data!["rotateApiKey"];
    expect(rotated.key).toMatchObject({ name: "partner", scopes: ["subjects:write"], expiresAt: null });
    expect(new Date(rotated.previous.expiresAt).getTime()).toBe(clock.now().getTime() + 3_600_000);
    expect((await call(made.apiKey, `mutation { createSubject { id } }`)).errors).toBeUndefined();
    expect((await call(rotated.apiKey, `mutation { createSubject { id } }`)).errors).toBeUndefined();
    clock.set(new Date(clock.now().getTime() + 3_600_001));
    expect(errorOf(await call(made.apiKey, `mutation { createSubject { id } }`))).toMatchObject({ code: "UNAUTHENTICATED", reason: "INVALID_API_KEY" });
    expect((await call(rotated.apiKey, `mutation { createSubject { id } }`)).errors).toBeUndefined();
  });

  it("a key rotated without grace stops working at once, though it was just used", async () => {
    const made = (await call(admin.apiKey, `mutation { createApiKey(name: "short", scopes: ["subjects:write"]) { apiKey key { id } } }`)).data!["createApiKey"];
    expect((await call(made.apiKey, `mutation { createSubject { id } }`)).errors).toBeUndefined();
    const rotated = (await call(admin.apiKey, `mutation($id: ID!) { rotateApiKey(id: $id, graceSeconds: 0) { apiKey } }`, { id: made.key.id })).data!["rotateApiKey"];
    expect(errorOf(await call(made.apiKey, `mutation { createSubject { id } }`))).toMatchObject({ code: "UNAUTHENTICATED", reason: "INVALID_API_KEY" });
    expect((await call(rotated.apiKey, `mutation { createSubject { id } }`)).errors).toBeUndefined();
  });

  it("revokes at once, and another tenant's key is not found", async () => {
    const made = (await call(admin.apiKey, `mutation { createApiKey(name: "temp", scopes: ["subjects:write"]) { apiKey key { id } } }`)).data!["createApiKey"];
    expect(errorOf(await call(other.apiKey, `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: made.key.id }))).toMatchObject({ code: "NOT_FOUND", reason: "API_KEY_NOT_FOUND" });
    expect((await call(made.apiKey, `mutation { createSubject { id } }`)).errors).toBeUndefined();
    const revoked = (await call(admin.apiKey, `mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, { id: made.key.id })).data!["revokeApiKey"];
    expect(revoked.revokedAt).not.toBeNull();
    expect(errorOf(await call(made.apiKey, `mutation { createSubject { id } }`)).reason).toBe("INVALID_API_KEY");
    const actions = (await t.sql<{ action: string; outcome: string }>(`SELECT "action", "outcome" FROM "AuditEvent" WHERE "tenantId" IN ('${admin.tenantId}', '${other.tenantId}') AND "action" LIKE '%API_KEY' ORDER BY "seq"`)).map((r) => `${r.action}:${r.outcome}`);
    expect(actions).toEqual(expect.arrayContaining(["CREATE_API_KEY:SUCCESS", "ROTATE_API_KEY:SUCCESS", "REVOKE_API_KEY:SUCCESS", "REVOKE_API_KEY:FAILED", "CREATE_API_KEY:DENIED"]));
  });
});
