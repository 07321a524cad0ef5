/**
 * Privacy notices as versioned records that consents refer to: published once per version
 * and language (also when published by many callers at once), listed; a consent naming a
 * published version records the hash of the text shown, and is refused for a text never
 * published or a notice not yet in effect. On PostgreSQL and PGlite.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app-harness.js";
import { DB_KINDS } from "../support/databases.js";
import { gql, type GqlResponse } from "../support/graphql-client.js";

const PUBLISH = `mutation($i: PublishPrivacyNoticeInput!) { publishPrivacyNotice(input: $i) { id version language textHash } }`;
const GRANT = `mutation($s: ID!, $v: String!, $h: String) { grantConsent(input: { subjectId: $s, purpose: "access_control", noticeVersion: $v, noticeHash: $h, method: CLICK }) { consent { noticeVersion noticeHash } } }`;
const sha = (t: string) => createHash("sha256").update(t, "utf8").digest("hex");
const EN = "We keep a template of your face to open the doors; you may withdraw at any time.";
const DE = "Wir speichern ein Template Ihres Gesichts, um die Türen zu öffnen; Widerruf jederzeit.";

describe.each(DB_KINDS)("privacy notices on %s", (kind) => {
  let t: TestApp;
  let as: (q: string, v?: Record<string, unknown>) => Promise<GqlResponse>;
  const reason = (r: GqlResponse) => r.errors?.[0]?.extensions?.reason;
  const subject = async () => (await as(`mutation { createSubject { id } }`)).data!["createSubject"].id as string;

  beforeAll(async () => {
    t = await startTestApp(kind);
    const tenant = await t.createTenant(`notices-${kind}`);
    as = (q, v = {}) => gql(t.url, q, v, tenant.headers);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("publishes each version and language once, even when published by many at once", async () => {
    const all = await Promise.all(Array.from({ length: 6 }, () => as(PUBLISH, { i: { version: "2026-11", language: "en", text: EN, effectiveFrom: "2026-11-01T00:00:00Z" } })));
    expect(all.filter((r) => !r.errors).map((r) => r.data!["publishPrivacyNotice"].textHash)).toEqual([sha(EN)]);
    expect(new Set(all.filter((r) => r.errors).map(reason))).toEqual(new Set(["ALREADY_EXISTS"]));
    expect((await as(PUBLISH, { i: { version: "2026-11", language: "de", text: DE, effectiveFrom: "2026-11-01T00:00:00Z" } })).errors).toBeUndefined();
    expect(reason(await as(PUBLISH, { i: { version: "2026-12", language: "english", text: EN, effectiveFrom: "2026-11-01T00:00:00Z" } }))).toBe("INVALID_INPUT");
    const list = (await as(`{ privacyNotices { version language textHash } }`)).data!["privacyNotices"];
    expect(list).toEqual([
      { version: "2026-11", language: "de", textHash: sha(DE) },
      { version: "2026-11", language: "en", textHash: sha(EN) },
    ]);
    const limited = await t.createTenant(`notices-limited-${kind}`, ["compliance:read"]);
    expect(reason(await gql(t.url, PUBLISH, { i: { version: "x", language: "en", text: EN, effectiveFrom: "2026-11-01T00:00:00Z" } }, limited.headers))).toBe("SCOPE_REQUIRED");
  });

  it("records with each consent the hash of the published text shown", async () => {
    // Two languages: the consent must say which text was shown.
    expect(reason(await as(GRANT, { s: await subject(), v: "2026-11", h: null }))).toBe("INVALID_INPUT");
    expect(reason(await as(GRANT, { s: await subject(), v: "2026-11", h: sha("some other text") }))).toBe("INVALID_INPUT");
    expect((await as(GRANT, { s: await subject(), v: "2026-11", h: sha(DE) })).data!["grantConsent"].consent).toEqual({ noticeVersion: "2026-11", noticeHash: sha(DE) });
    // One language: filled in.
    await as(PUBLISH, { i: { version: "2027-01", language: "en", text: `${EN} (2027)`, effectiveFrom: "2026-12-01T00:00:00Z" } });
    expect((await as(GRANT, { s: await subject(), v: "2027-01", h: null })).data!["grantConsent"].consent.noticeHash).toBe(sha(`${EN} (2027)`));
    // Not in effect yet.
    await as(PUBLISH, { i: { version: "2099-01", language: "en", text: "future", effectiveFrom: "2099-01-01T00:00:00Z" } });
    expect(reason(await as(GRANT, { s: await subject(), v: "2099-01", h: null }))).toBe("INVALID_INPUT");
    // A version never published here is recorded as given.
    expect((await as(GRANT, { s: await subject(), v: "paper-form-3", h: null })).data!["grantConsent"].consent).toEqual({ noticeVersion: "paper-form-3", noticeHash: null });
    expect((await as(`{ verifyAuditChain { valid } }`)).data!["verifyAuditChain"]).toEqual({ valid: true });
  });
});
