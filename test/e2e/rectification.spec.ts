/**
 * Rectification (GDPR Art. 16) as a data subject request: opened, the requester's identity
 * verified, then the subject's external reference and date of birth corrected by
 * rectifySubject in one transaction with the request's completion; exactly once under
 * concurrency; refused under legal hold; the audit trail names the fields, never the values.
 * On PostgreSQL and PGlite.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app-harness.js";
import { DB_KINDS } from "../support/databases.js";
import { gql, type GqlResponse } from "../support/graphql-client.js";

const RECTIFY = `mutation($r: ID!, $i: RectificationInput!) { rectifySubject(requestId: $r, input: $i) { id status result completedAt } }`;

describe.each(DB_KINDS)("rectification requests on %s", (kind) => {
  let t: TestApp;
  let as: (q: string, v?: Record<string, unknown>) => Promise<GqlResponse>;
  const reason = (r: GqlResponse) => r.errors?.[0]?.extensions?.reason;
  const open = async (s: string, k = "RECTIFICATION") => (await as(`mutation($s: ID!, $k: DataSubjectRequestKind!) { openDataSubjectRequest(subjectId: $s, kind: $k) { id status } }`, { s, k })).data!["openDataSubjectRequest"].id as string;
  const verified = (r: string) => as(`mutation($r: ID!) { verifyRequesterIdentity(requestId: $r, method: "passport", evidenceRef: "desk-1") { status } }`, { r });
  const subject = async (ref: string, dob?: string) => (await as(`mutation($r: String, $d: String) { createSubject(externalRef: $r, dateOfBirth: $d) { id } }`, { r: ref, d: dob ?? null })).data!["createSubject"].id as string;

  beforeAll(async () => {
    t = await startTestApp(kind);
    const tenant = await t.createTenant(`rectify-${kind}`);
    as = (q, v = {}) => gql(t.url, q, v, tenant.headers);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("corrects the subject once the identity is verified, and records which fields, not what", async () => {
    const s = await subject("emp-0042-typo", "1990-01-31");
    await subject("emp-taken");
    const r = await open(s);
    expect(reason(await as(RECTIFY, { r, i: { externalRef: "emp-0042" } }))).toBe("REQUEST_STATE");
    await verified(r);
    expect(reason(await as(RECTIFY, { r, i: {} }))).toBe("INVALID_INPUT");
    expect(reason(await as(RECTIFY, { r, i: { dateOfBirth: "2990-01-01" } }))).toBe("INVALID_INPUT");
    expect(reason(await as(RECTIFY, { r, i: { dateOfBirth: "1990-02-30" } }))).toBe("INVALID_INPUT");
    expect(reason(await as(RECTIFY, { r, i: { externalRef: "emp-taken" } }))).toBe("ALREADY_EXISTS");
    expect(reason(await as(`mutation($r: ID!) { fulfilDataSubjectRequest(requestId: $r) { document } }`, { r }))).toBe("REQUEST_STATE");

    const done = (await as(RECTIFY, { r, i: { externalRef: "emp-0042", dateOfBirth: "1990-01-13" } })).data!["rectifySubject"];
    expect(done).toMatchObject({ id: r, status: "COMPLETED", result: "rectified: externalRef, dateOfBirth" });
    expect((await as(`query($s: ID!) { subject(id: $s) { externalRef dateOfBirth } }`, { s })).data!["subject"]).toEqual({ externalRef: "emp-0042", dateOfBirth: "1990-01-13" });
    expect(reason(await as(RECTIFY, { r, i: { externalRef: "again" } }))).toBe("REQUEST_STATE");

    const events = await t.sql<{ action: string; outcome: string; reason: string | null }>(`SELECT "action", "outcome", "reason" FROM "AuditEvent" WHERE "targetId" = '${r}' AND "outcome" = 'SUCCESS' ORDER BY "seq"`);
    expect(events.map((e) => `${e.action}:${e.reason ?? ""}`)).toEqual(expect.arrayContaining(["RECTIFY_SUBJECT:externalRef,dateOfBirth", "FULFIL_DSR:RECTIFICATION"]));
    const trail = JSON.stringify(await t.sql(`SELECT * FROM "AuditEvent"`));
    expect(trail).not.toContain("emp-0042");
    expect(trail).not.toContain("1990-01-13");
  });

  it("applies one of many simultaneous rectifications of a request, and none under legal hold", async () => {
    const s = await subject("race-0");
    const r = await open(s);
    await verified(r);
    const all = await Promise.all(Array.from({ length: 8 }, (_, i) => as(RECTIFY, { r, i: { externalRef: `race-${i + 1}` } })));
    const won = all.filter((x) => !x.errors);
    expect(won).toHaveLength(1);
    expect(new Set(all.filter((x) => x.errors).map(reason))).toEqual(new Set(["REQUEST_STATE"]));
    const ref = (await as(`query($s: ID!) { subject(id: $s) { externalRef } }`, { s })).data!["subject"].externalRef as string;
    expect(ref).toMatch(/^race-[1-8]$/);

    const held = await subject("held-1");
    const hr = await open(held);
    await verified(hr);
    await as(`mutation($s: ID!) { setLegalHold(subjectId: $s, reason: "case 12") { id } }`, { s: held });
    expect(reason(await as(RECTIFY, { r: hr, i: { externalRef: "held-2" } }))).toBe("LEGAL_HOLD");
    expect((await as(`query($s: ID!) { subject(id: $s) { externalRef } }`, { s: held })).data!["subject"].externalRef).toBe("held-1");
    expect((await as(`{ verifyAuditChain { valid } }`)).data!["verifyAuditChain"]).toEqual({ valid: true });
  });
});
