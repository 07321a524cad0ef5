/**
 * The audit export downloaded as a stream (GET /exports/audit): a chain longer than one
 * read batch comes out as chunked JSON lines that verify (every link, the digest, the
 * signature), exactly as the GraphQL export would; refused without a key, with a bad
 * range, without audit:read (audited), and for a portal session without its CSRF header.
 * On PostgreSQL and PGlite.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publicKeyId, verifyEd25519 } from "../../src/adapters/crypto/document-signer.js";
import { prismaStore } from "../../src/adapters/db/prisma.store.js";
import { verifyAuditExport } from "../../src/domain/audit-export.js";
import { EXPORT_BATCH } from "../../src/services/compliance.service.js";
import { startTestApp, type TestApp } from "../support/app-harness.js";
import { DB_KINDS } from "../support/databases.js";
import { gql } from "../support/graphql-client.js";
import { portalSignIn } from "../support/portal-session.js";

describe.each(DB_KINDS)("streamed audit export on %s", (kind) => {
  let t: TestApp;
  let tenant: { tenantId: string; headers: Record<string, string> };
  const range = `from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z`;
  const download = (query: string, headers: Record<string, string> = {}) => fetch(t.url.replace("/graphql", `/exports/audit?${query}`), { headers });

  beforeAll(async () => {
    t = await startTestApp(kind);
    tenant = await t.createTenant(`stream-${kind}`);
    // More events than one read batch, chained as the services chain them.
    const store = prismaStore(t.app.database.prisma);
    const inputs = Array.from({ length: EXPORT_BATCH * 2 + 37 }, (_, i) => ({ tenantId: tenant.tenantId, actor: "apikey:bulk", action: "LIST_SUBJECTS", outcome: "SUCCESS" as const, reason: `bulk ${i}` }));
    await store.transaction((tx) => t.app.services.audit.chain(tx, inputs));
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("streams a long trail as chunked JSON lines that verify, like the GraphQL export", async () => {
    const res = await download(range, tenant.headers);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/application\/x-ndjson/);
    expect(res.headers.get("transfer-encoding")).toBe("chunked");
    const text = await res.text();
    const report = verifyAuditExport(text, verifyEd25519, publicKeyId);
    expect(report).toMatchObject({ valid: true, tenantId: tenant.tenantId });
    const events = (report as { events: number }).events;
    expect(events).toBeGreaterThan(EXPORT_BATCH * 2 + 37);
    // The export is audited, and includes itself.
    expect(text).toContain(`"action":"EXPORT_AUDIT"`);
    // The GraphQL export of the same range verifies too (one more EXPORT_AUDIT event by now).
    const viaGraphql = (await gql(t.url, `{ exportAuditTrail(from: "2000-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z") }`, {}, tenant.headers)).data!["exportAuditTrail"] as string;
    expect(verifyAuditExport(viaGraphql, verifyEd25519, publicKeyId)).toMatchObject({ valid: true, events: events + 1 });
    // One changed byte in the middle of the download fails it.
    const i = text.indexOf("bulk 700");
    expect(verifyAuditExport(text.slice(0, i) + "bulk 701" + text.slice(i + 8), verifyEd25519, publicKeyId)).toMatchObject({ valid: false });
  });

  it("refuses what it must, with typed answers", async () => {
    expect((await download(range)).status).toBe(401);
    const bad = await download("from=yesterday&to=2100-01-01T00:00:00Z", tenant.headers);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.reason).toBe("INVALID_INPUT");
    expect((await download("from=2100-01-01T00:00:00Z&to=2000-01-01T00:00:00Z", tenant.headers)).status).toBe(400);
    const limited = await t.createTenant(`stream-limited-${kind}`, ["subjects:read"]);
    const refused = await download(range, limited.headers);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as any).error.reason).toBe("SCOPE_REQUIRED");
    expect(await t.sql(`SELECT 1 FROM "AuditEvent" WHERE "tenantId" = '${limited.tenantId}' AND "action" = 'EXPORT_AUDIT' AND "outcome" = 'DENIED'`)).toHaveLength(1);

    // A portal session downloads with its CSRF header, and not without it.
    await gql(t.url, `mutation($i: CreatePortalUserInput!) { createPortalUser(input: $i) { id } }`, { i: { tenantId: tenant.tenantId, email: "aud@stream.test", displayName: "Aud", role: "AUDITOR", password: "a long password here" } }, { "x-admin-token": t.app.adminToken });
    const s = await portalSignIn(t.url, `stream-${kind}`, "aud@stream.test", "a long password here");
    expect((await download(range, s.headers)).status).toBe(200);
    const noCsrf = await download(range, { cookie: s.headers["cookie"]! });
    expect(noCsrf.status).toBe(403);
    expect(((await noCsrf.json()) as any).error.reason).toBe("CSRF_REQUIRED");
  });
});
