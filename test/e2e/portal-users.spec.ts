/**
 * Portal users, roles and sessions through the real server: the platform admin creates a
 * tenant's first users; signing in sets an httpOnly session cookie and a CSRF cookie; a
 * cookie without its x-csrf-token header is refused; roles are enforced by the same scope
 * checks as API keys and refusals are audited with the user as actor; repeated wrong
 * passwords lock the account (also when tried at once by many clients); idle sessions end;
 * a disabled user's sessions end at once. On PostgreSQL and PGlite.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app-harness.js";
import { DB_KINDS } from "../support/databases.js";
import { FakeClock, advanceMs } from "../support/fake-clock.js";
import { gql } from "../support/graphql-client.js";
import { portalSignIn } from "../support/portal-session.js";

const CREATE_USER = `mutation($i: CreatePortalUserInput!) { createPortalUser(input: $i) { id email role disabledAt } }`;
const PASSWORD = "correct horse battery staple";

describe.each(DB_KINDS)("portal users and sessions on %s", (kind) => {
  const clock = new FakeClock(Date.UTC(2026, 11, 4, 9));
  let t: TestApp;
  let tenant: { tenantId: string; headers: Record<string, string> };
  const admin = () => ({ "x-admin-token": t.app.adminToken });
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp(kind, {}, { clock });
    tenant = await t.createTenant(`portal-${kind}`);
    for (const [email, role] of [["ada@example.org", "ADMINISTRATOR"], ["pia@example.org", "PRIVACY_OFFICER"], ["aud@example.org", "AUDITOR"]] as const) {
      const r = await gql(t.url, CREATE_USER, { i: { tenantId: tenant.tenantId, email, displayName: email.split("@")[0], role, password: PASSWORD } }, admin());
      expect(r.errors).toBeUndefined();
      ids[role] = r.data!["createPortalUser"].id;
    }
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("creates users only with valid input, once per e-mail, and never shows a password hash", async () => {
    const bad = async (i: Record<string, unknown>) => (await gql(t.url, CREATE_USER, { i: { tenantId: tenant.tenantId, displayName: "x", role: "AUDITOR", password: PASSWORD, email: "new@example.org", ...i } }, admin())).errors?.[0]?.extensions;
    expect(await bad({ password: "short" })).toMatchObject({ code: "BAD_USER_INPUT", reason: "INVALID_INPUT" });
    expect(await bad({ email: "not-an-email" })).toMatchObject({ code: "BAD_USER_INPUT" });
    expect(await bad({ email: "ADA@example.org" })).toMatchObject({ reason: "ALREADY_EXISTS" });
    expect(await bad({ tenantId: "ten_nope" })).toMatchObject({ code: "NOT_FOUND", reason: "TENANT_NOT_FOUND" });
    // Without the admin token, a key lacking users:manage cannot.
    const limited = await t.createTenant(`portal-limited-${kind}`, ["subjects:read"]);
    const r = await gql(t.url, CREATE_USER, { i: { email: "x@example.org", displayName: "x", role: "ADMINISTRATOR", password: PASSWORD } }, limited.headers);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN", reason: "SCOPE_REQUIRED" });
    const rows = await t.sql<{ passwordHash: string }>(`SELECT "passwordHash" FROM "PortalUser"`);
    expect(rows.every((row) => row.passwordHash.startsWith("scrypt$") && !row.passwordHash.includes(PASSWORD))).toBe(true);
  });

  it("signs in with cookies a script cannot read, and needs the CSRF header with them", async () => {
    const s = await portalSignIn(t.url, `portal-${kind}`, "PIA@example.org", PASSWORD);
    expect(s.status).toBe(200);
    expect(s.body["user"]).toMatchObject({ email: "pia@example.org", role: "PRIVACY_OFFICER", scopes: expect.arrayContaining(["compliance:write"]) });
    expect(JSON.stringify(s.body)).not.toMatch(/passwordHash|scrypt/);
    const session = s.setCookie.find((c) => c.startsWith("fid_session="))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Strict/);
    expect(s.setCookie.find((c) => c.startsWith("fid_csrf="))).not.toMatch(/HttpOnly/);

    const q = `{ subjects(first: 5) { totalCount } }`;
    expect((await gql(t.url, q, {}, s.headers)).data?.["subjects"]).toEqual({ totalCount: 0 });
    const noCsrf = await gql(t.url, q, {}, { cookie: s.headers["cookie"]! });
    expect(noCsrf.errors?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN", reason: "CSRF_REQUIRED" });
    const wrongCsrf = await gql(t.url, q, {}, { ...s.headers, "x-csrf-token": "forged" });
    expect(wrongCsrf.errors?.[0]?.extensions).toMatchObject({ reason: "CSRF_REQUIRED" });

    const me = await fetch(t.url.replace("/graphql", "/portal/api/session"), { headers: { cookie: s.headers["cookie"]! } });
    expect(((await me.json()) as any).user).toMatchObject({ role: "PRIVACY_OFFICER", scopes: expect.arrayContaining(["compliance:write"]) });

    // Signed out: the cookie no longer works.
    await fetch(t.url.replace("/graphql", "/portal/api/sign-out"), { method: "POST", headers: { cookie: s.headers["cookie"]! } });
    expect((await gql(t.url, q, {}, s.headers)).errors?.[0]?.extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "SESSION_INVALID" });
  });

  it("enforces roles by scope and audits a refusal with the user as actor", async () => {
    const auditor = await portalSignIn(t.url, `portal-${kind}`, "aud@example.org", PASSWORD);
    const refused = await gql(t.url, `{ subjects(first: 5) { totalCount } }`, {}, auditor.headers);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN", reason: "SCOPE_REQUIRED" });
    expect(refused.errors?.[0]?.message).toMatch(/AUDITOR/);
    expect((await gql(t.url, `mutation { createApiKey(name: "x", scopes: ["audit:read"]) { apiKey } }`, {}, auditor.headers)).errors?.[0]?.extensions?.reason).toBe("SCOPE_REQUIRED");
    // The auditor reads the trail, and finds its own refusal in it.
    const trail = await gql(t.url, `{ auditSearch(first: 20, filter: { actor: "user:${ids["AUDITOR"]}" }) { edges { node { action outcome reason } } } }`, {}, auditor.headers);
    const events = trail.data!["auditSearch"].edges.map((e: any) => e.node);
    expect(events).toContainEqual({ action: "LIST_SUBJECTS", outcome: "DENIED", reason: "SCOPE_REQUIRED" });
    expect(events).toContainEqual({ action: "PORTAL_SIGN_IN", outcome: "SUCCESS", reason: "AUDITOR" });
    // An administrator manages users, and cannot grant what no role has.
    const ada = await portalSignIn(t.url, `portal-${kind}`, "ada@example.org", PASSWORD);
    const users = await gql(t.url, `{ portalUsers { email role } }`, {}, ada.headers);
    expect(users.data!["portalUsers"].map((u: any) => u.email).sort()).toEqual(["ada@example.org", "aud@example.org", "pia@example.org"]);
    expect((await gql(t.url, `{ portalUsers { email } }`, {}, auditor.headers)).errors?.[0]?.extensions?.reason).toBe("SCOPE_REQUIRED");
  });

  it("locks an account after five wrong passwords tried at once, audits each, and unlocks later", async () => {
    const email = "lock@example.org";
    await gql(t.url, CREATE_USER, { i: { tenantId: tenant.tenantId, email, displayName: "lock", role: "AUDITOR", password: PASSWORD } }, admin());
    const tries = await Promise.all(Array.from({ length: 8 }, () => portalSignIn(t.url, `portal-${kind}`, email, "wrong password 123")));
    expect(tries.every((r) => r.status === 401)).toBe(true);
    expect(new Set(tries.map((r) => r.body["error"].reason))).toEqual(new Set(["INVALID_CREDENTIALS", ...(tries.some((r) => r.body["error"].reason === "ACCOUNT_LOCKED") ? ["ACCOUNT_LOCKED"] : [])]));
    // Now locked, even with the right password; the answer says for how long.
    const locked = await portalSignIn(t.url, `portal-${kind}`, email, PASSWORD);
    expect(locked.status).toBe(401);
    expect(locked.body["error"]).toMatchObject({ reason: "ACCOUNT_LOCKED", retryAfter: expect.any(Number) });
    const denied = await t.sql<{ n: bigint }>(`SELECT count(*) AS n FROM "AuditEvent" WHERE "action" = 'PORTAL_SIGN_IN' AND "outcome" = 'DENIED' AND "actor" LIKE 'user:%'`);
    expect(Number(denied[0]!.n)).toBeGreaterThanOrEqual(9);
    advanceMs(clock, 16 * 60_000);
    expect((await portalSignIn(t.url, `portal-${kind}`, email, PASSWORD)).status).toBe(200);
    // An unknown e-mail gets the same answer as a wrong password.
    const unknown = await portalSignIn(t.url, `portal-${kind}`, "nobody@example.org", PASSWORD);
    expect(unknown.body["error"]).toMatchObject({ reason: "INVALID_CREDENTIALS" });
    expect((await gql(t.url, `{ verifyAuditChain { valid } }`, {}, tenant.headers)).data!["verifyAuditChain"]).toEqual({ valid: true });
  });

  it("ends idle sessions, and a disabled user's sessions at once", async () => {
    const q = `{ dataSubjectRequestQueue(first: 1) { totalCount } }`;
    const s = await portalSignIn(t.url, `portal-${kind}`, "pia@example.org", PASSWORD);
    expect((await gql(t.url, q, {}, s.headers)).errors).toBeUndefined();
    advanceMs(clock, 31 * 60_000);
    expect((await gql(t.url, q, {}, s.headers)).errors?.[0]?.extensions?.reason).toBe("SESSION_INVALID");

    const again = await portalSignIn(t.url, `portal-${kind}`, "pia@example.org", PASSWORD);
    const ada = await portalSignIn(t.url, `portal-${kind}`, "ada@example.org", PASSWORD);
    const off = await gql(t.url, `mutation($id: ID!) { setPortalUserDisabled(id: $id, disabled: true) { disabledAt } }`, { id: ids["PRIVACY_OFFICER"] }, ada.headers);
    expect(off.data!["setPortalUserDisabled"].disabledAt).not.toBeNull();
    expect((await gql(t.url, q, {}, again.headers)).errors?.[0]?.extensions?.reason).toBe("SESSION_INVALID");
    expect((await portalSignIn(t.url, `portal-${kind}`, "pia@example.org", PASSWORD)).status).toBe(401);
    await gql(t.url, `mutation($id: ID!) { setPortalUserDisabled(id: $id, disabled: false) { disabledAt } }`, { id: ids["PRIVACY_OFFICER"] }, ada.headers);
    expect((await portalSignIn(t.url, `portal-${kind}`, "pia@example.org", PASSWORD)).status).toBe(200);
  });
});
