/**
 * Many clients, one tenant: 20 simultaneous calls of each writing operation through
 * GraphQL over HTTP, on PostgreSQL (a connection pool, real lock contention) and on
 * PGlite. Every call must succeed, the audit chain must stay valid and gapless, and the
 * stored templates must agree with the matching index.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app-harness.js";
import { DB_KINDS } from "../support/databases.js";
import { gql, type GqlResponse } from "../support/graphql-client.js";
import { readFace } from "../support/images.js";

const N = 20;
const P = "access_control";
const CREATE_SUBJECT = `mutation($r: String) { createSubject(externalRef: $r) { id } }`;
const GRANT = `mutation($s: ID!, $p: String!) { grantConsent(input: { subjectId: $s, purpose: $p, noticeVersion: "n1", method: E_SIGNATURE }) { consent { id } } }`;
const GALLERY = `mutation($n: String!) { createGallery(name: $n) { id } }`;
const ENROLL = `mutation($s: ID!, $g: ID!, $p: String!, $img: ImageInput!) { enrollFace(input: { subjectId: $s, galleryId: $g, purpose: $p, image: $img }) { templateId } }`;
const VERIFY = `mutation($s: ID!, $p: String!, $img: ImageInput!) { verifyFace(input: { subjectId: $s, purpose: $p, image: $img }) { decisionId match } }`;
const IDENTIFY = `mutation($g: ID!, $p: String!, $img: ImageInput!) { identifyFace(input: { galleryId: $g, purpose: $p, image: $img, topK: 3 }) { decisionId candidates { subjectId } } }`;
const CHAIN = `{ verifyAuditChain { valid length problem } }`;

const b64 = (buf: Uint8Array) => ({ base64: Buffer.from(buf).toString("base64") });

function failures(rs: GqlResponse[]): string[] {
  return rs.flatMap((r) => (r.errors ?? []).map((e) => `${e.extensions?.code}/${e.extensions?.reason}: ${e.message}`));
}

describe.each(DB_KINDS)("20 concurrent clients in one tenant on %s", (kind) => {
  let t: TestApp;
  let as: (q: string, v?: Record<string, unknown>) => Promise<GqlResponse>;
  let tenantId: string;
  let galleryId: string;
  let photo: Buffer;
  let probe: Buffer;
  const subjects: string[] = [];

  beforeAll(async () => {
    t = await startTestApp(kind);
    const tenant = await t.createTenant("busy");
    tenantId = tenant.tenantId;
    as = (q, v = {}) => gql(t.url, q, v, tenant.headers);
    galleryId = (await as(GALLERY, { n: "staff" })).data!["createGallery"].id;
    photo = await readFace("obama/obama-1.jpg");
    probe = await readFace("obama/obama-2.jpg");
  });
  afterAll(async () => t?.stop());

  async function expectChainValid(): Promise<number> {
    const r = (await as(CHAIN)).data!["verifyAuditChain"];
    expect(r).toMatchObject({ valid: true, problem: null });
    const rows = await t.sql<{ seq: number }>(`SELECT "seq" FROM "AuditEvent" WHERE "tenantId" = '${tenantId}' ORDER BY "seq"`);
    expect(rows.map((x) => Number(x.seq))).toEqual(rows.map((_, i) => i + 1));
    return rows.length;
  }

  it("createSubject ×20", async () => {
    const before = await expectChainValid();
    const rs = await Promise.all(Array.from({ length: N }, (_, i) => as(CREATE_SUBJECT, { r: `person-${i}` })));
    expect(failures(rs)).toEqual([]);
    subjects.push(...rs.map((r) => r.data!["createSubject"].id as string));
    expect(new Set(subjects).size).toBe(N);
    expect(await expectChainValid()).toBe(before + N);
  });

  it("grantConsent ×20", async () => {
    const rs = await Promise.all(subjects.map((s) => as(GRANT, { s, p: P })));
    expect(failures(rs)).toEqual([]);
    await expectChainValid();
  });

  it("enrollFace ×20, and the index agrees with the stored templates", async () => {
    const rs = await Promise.all(subjects.map((s) => as(ENROLL, { s, g: galleryId, p: P, img: b64(photo) })));
    expect(failures(rs)).toEqual([]);
    await expectChainValid();
    const stored = await t.sql<{ n: bigint }>(`SELECT count(*) AS n FROM "Template" WHERE "galleryId" = '${galleryId}'`);
    expect(Number(stored[0]!.n)).toBe(N);
    const index = await as(`query($g: ID!) { galleryIndex(galleryId: $g) { purpose templates } }`, { g: galleryId });
    expect(index.data!["galleryIndex"]).toEqual([expect.objectContaining({ purpose: P, templates: N })]);
  });

  it("verifyFace ×20", async () => {
    const rs = await Promise.all(subjects.map((s) => as(VERIFY, { s, p: P, img: b64(probe) })));
    expect(failures(rs)).toEqual([]);
    expect(rs.every((r) => r.data!["verifyFace"].match === true)).toBe(true);
    await expectChainValid();
  });

  it("identifyFace ×20", async () => {
    const rs = await Promise.all(Array.from({ length: N }, () => as(IDENTIFY, { g: galleryId, p: P, img: b64(probe) })));
    expect(failures(rs)).toEqual([]);
    expect(rs.every((r) => r.data!["identifyFace"].candidates.length === 3)).toBe(true);
    await expectChainValid();
  });

  it("a mixed burst of 20 (create, grant, enroll, verify, identify, refused calls)", async () => {
    const fresh = (await as(CREATE_SUBJECT, { r: "mixed-fresh" })).data!["createSubject"].id as string;
    const calls: Promise<GqlResponse>[] = [];
    for (let i = 0; i < N; i++) {
      const s = subjects[i]!;
      switch (i % 5) {
        case 0: calls.push(as(CREATE_SUBJECT, { r: `mixed-${i}` })); break;
        case 1: calls.push(as(GRANT, { s, p: "attendance" })); break;
        case 2: calls.push(as(ENROLL, { s, g: galleryId, p: P, img: b64(photo) })); break;
        case 3: calls.push(as(VERIFY, { s, p: P, img: b64(probe) })); break;
        default: calls.push(as(IDENTIFY, { g: galleryId, p: P, img: b64(probe) }));
      }
    }
    // Refusals write their own audit events concurrently with the successes.
    const refused = Array.from({ length: 5 }, () => as(VERIFY, { s: fresh, p: P, img: b64(probe) }));
    const rs = await Promise.all(calls);
    expect(failures(rs)).toEqual([]);
    const rr = await Promise.all(refused);
    expect(rr.map((r) => r.errors?.[0]?.extensions?.reason)).toEqual(Array(5).fill("CONSENT_REQUIRED"));
    const events = await expectChainValid();
    const denied = await t.sql<{ n: bigint }>(`SELECT count(*) AS n FROM "AuditEvent" WHERE "tenantId" = '${tenantId}' AND "subjectId" = '${fresh}' AND "outcome" = 'DENIED'`);
    expect(Number(denied[0]!.n)).toBe(5);
    expect(events).toBeGreaterThan(5 * N);
  });
});
