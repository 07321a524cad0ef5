/**
 * The operator lists of decisions: verifications and identifications, newest first, with
 * outcomes and score bands but never a score or a vector; pages stay put while other
 * clients keep deciding; filters; another tenant sees nothing; the scope is enforced and
 * every list is audited. Real inference on real photos, on PostgreSQL and PGlite.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app-harness.js";
import { DB_KINDS } from "../support/databases.js";
import { gql, type GqlResponse } from "../support/graphql-client.js";
import { readFace } from "../support/images.js";

const P = "access_control";
const b64 = (buf: Uint8Array) => ({ base64: Buffer.from(buf).toString("base64") });
const VERIFY = `mutation($s: ID!, $img: ImageInput!) { verifyFace(input: { subjectId: $s, purpose: "${P}", image: $img }) { decisionId match score } }`;
const LIST = `query($after: String, $f: VerificationRecordFilter) { verificationDecisions(first: 3, after: $after, filter: $f) { totalCount pageInfo { hasNextPage endCursor } edges { node { id subjectId match scoreBand createdAt } } } }`;

describe.each(DB_KINDS)("decision lists on %s", (kind) => {
  let t: TestApp;
  let as: (q: string, v?: Record<string, unknown>) => Promise<GqlResponse>;
  let galleryId: string;
  const subjects: string[] = [];
  const probes: Record<string, { base64: string }> = {};

  beforeAll(async () => {
    t = await startTestApp(kind);
    const tenant = await t.createTenant(`decisions-${kind}`);
    as = (q, v = {}) => gql(t.url, q, v, tenant.headers);
    galleryId = (await as(`mutation { createGallery(name: "staff") { id } }`)).data!["createGallery"].id;
    for (const photo of ["obama/obama-2.jpg", "biden/biden-1.jpg"]) {
      const s = (await as(`mutation { createSubject { id } }`)).data!["createSubject"].id as string;
      await as(`mutation($s: ID!) { grantConsent(input: { subjectId: $s, purpose: "${P}", noticeVersion: "n1", method: CLICK }) { consent { id } } }`, { s });
      const e = await as(`mutation($s: ID!, $g: ID!, $img: ImageInput!) { enrollFace(input: { subjectId: $s, galleryId: $g, purpose: "${P}", image: $img }) { templateId } }`, { s, g: galleryId, img: b64(await readFace(photo)) });
      expect(e.errors).toBeUndefined();
      subjects.push(s);
    }
    probes["obama"] = b64(await readFace("obama/obama-1.jpg"));
    probes["biden"] = b64(await readFace("biden/biden-2.jpg"));
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("lists verifications newest first with bands that agree with the outcomes, stable while clients keep verifying", async () => {
    // 6 decisions: genuine and impostor, for both subjects.
    const made: { decisionId: string; match: boolean; score: number }[] = [];
    for (const [s, probe] of [[0, "obama"], [0, "biden"], [1, "biden"], [1, "obama"], [0, "obama"], [1, "biden"]] as const) {
      const r = await as(VERIFY, { s: subjects[s], img: probes[probe] });
      made.push(r.data!["verifyFace"]);
    }
    const first = (await as(LIST)).data!["verificationDecisions"];
    expect(first.totalCount).toBe(6);
    expect(first.edges.map((e: any) => e.node.id)).toEqual(made.slice(-3).reverse().map((m) => m.decisionId));
    // Other clients verify while this one pages on: the pages after the cursor do not shift.
    const more = Promise.all(Array.from({ length: 4 }, (_, i) => as(VERIFY, { s: subjects[i % 2], img: probes[i % 2 ? "biden" : "obama"] })));
    const second = (await as(LIST, { after: first.pageInfo.endCursor })).data!["verificationDecisions"];
    await more;
    expect(second.edges.map((e: any) => e.node.id)).toEqual(made.slice(0, 3).reverse().map((m) => m.decisionId));
    expect(second.pageInfo.hasNextPage).toBe(false);

    for (const e of [...first.edges, ...second.edges]) {
      expect(["CLEAR_MATCH", "MATCH"].includes(e.node.scoreBand)).toBe(e.node.match);
      expect(e.node).not.toHaveProperty("score");
    }
    const matches = (await as(LIST, { f: { match: true, subjectId: subjects[0] } })).data!["verificationDecisions"];
    expect(matches.edges.every((e: any) => e.node.match && e.node.subjectId === subjects[0])).toBe(true);
    expect(matches.totalCount).toBeGreaterThanOrEqual(2);
    // The raw score is not in any answer of the list.
    const raw = JSON.stringify((await as(LIST)).data);
    for (const m of made) expect(raw).not.toContain(String(m.score));
  });

  it("lists identifications with candidate counts only, filtered, and audits every list", async () => {
    const identify = (probe: { base64: string }) => as(`mutation($g: ID!, $img: ImageInput!) { identifyFace(input: { galleryId: $g, purpose: "${P}", image: $img }) { match candidates { subjectId } } }`, { g: galleryId, img: probe });
    await identify(probes["obama"]!);
    await identify(b64(await readFace("kit_harington/kit_harington-1.jpg")));
    const all = (await as(`{ identificationDecisions(first: 10) { totalCount edges { node { galleryId purpose candidateCount } } } }`)).data!["identificationDecisions"];
    expect(all.totalCount).toBe(2);
    expect(all.edges.map((e: any) => e.node.candidateCount)).toEqual([0, 1]);
    const none = (await as(`{ identificationDecisions(filter: { matched: false }) { totalCount } }`)).data!["identificationDecisions"];
    expect(none.totalCount).toBe(1);
    expect(JSON.stringify(all)).not.toContain(subjects[0]);

    // Another tenant sees none of it; a key without audit:read is refused, and that is audited.
    const other = await t.createTenant(`decisions-other-${kind}`);
    expect((await gql(t.url, `{ verificationDecisions { totalCount } }`, {}, other.headers)).data!["verificationDecisions"].totalCount).toBe(0);
    const limited = await t.createTenant(`decisions-limited-${kind}`, ["subjects:read"]);
    const refused = await gql(t.url, `{ identificationDecisions { totalCount } }`, {}, limited.headers);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN", reason: "SCOPE_REQUIRED" });
    const events = await t.sql<{ action: string; outcome: string }>(`SELECT "action", "outcome" FROM "AuditEvent" WHERE "action" LIKE 'LIST_%IFICATIONS'`);
    expect(events).toContainEqual({ action: "LIST_VERIFICATIONS", outcome: "SUCCESS" });
    expect(events).toContainEqual({ action: "LIST_IDENTIFICATIONS", outcome: "DENIED" });
    expect((await as(`{ verifyAuditChain { valid } }`)).data!["verifyAuditChain"]).toEqual({ valid: true });
  });
});
