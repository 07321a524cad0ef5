/**
 * Everyday gallery and template management: rename a gallery, delete one template, delete
 * a whole gallery (its templates destroyed and audited, the matching index updated), each
 * refused while a subject is under legal hold or restriction, with nothing deleted then;
 * concurrent deletions of the same and of different templates leave a consistent state.
 * Real enrollment on real photos, on PostgreSQL and PGlite.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app-harness.js";
import { DB_KINDS } from "../support/databases.js";
import { gql, type GqlResponse } from "../support/graphql-client.js";
import { readFace } from "../support/images.js";

const P = "access_control";
const PHOTOS = ["obama/obama-2.jpg", "biden/biden-1.jpg", "kit_harington/kit_harington-1.jpg", "rose_leslie/rose_leslie-1.jpg"];
const b64 = (buf: Uint8Array) => ({ base64: Buffer.from(buf).toString("base64") });

describe.each(DB_KINDS)("gallery and template management on %s", (kind) => {
  let t: TestApp;
  let as: (q: string, v?: Record<string, unknown>) => Promise<GqlResponse>;
  let galleryId: string;
  const subjects: string[] = [];
  const templates: string[] = [];
  const reason = (r: GqlResponse) => r.errors?.[0]?.extensions?.reason;
  const count = async (sql: string) => Number((await t.sql<{ n: bigint }>(sql))[0]!.n);

  beforeAll(async () => {
    t = await startTestApp(kind);
    const tenant = await t.createTenant(`galleries-${kind}`);
    as = (q, v = {}) => gql(t.url, q, v, tenant.headers);
    galleryId = (await as(`mutation { createGallery(name: "staff") { id } }`)).data!["createGallery"].id;
    await as(`mutation { createGallery(name: "visitors") { id } }`);
    for (const photo of PHOTOS) {
      const s = (await as(`mutation { createSubject { id } }`)).data!["createSubject"].id as string;
      await as(`mutation($s: ID!) { grantConsent(input: { subjectId: $s, purpose: "${P}", noticeVersion: "n1", method: CLICK }) { consent { id } } }`, { s });
      const e = await as(`mutation($s: ID!, $g: ID!, $img: ImageInput!) { enrollFace(input: { subjectId: $s, galleryId: $g, purpose: "${P}", image: $img }) { templateId } }`, { s, g: galleryId, img: b64(await readFace(photo)) });
      expect(e.errors).toBeUndefined();
      subjects.push(s);
      templates.push(e.data!["enrollFace"].templateId);
    }
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("renames a gallery, once per name", async () => {
    const r = await as(`mutation($g: ID!) { renameGallery(galleryId: $g, name: "employees") { id name } }`, { g: galleryId });
    expect(r.data!["renameGallery"]).toEqual({ id: galleryId, name: "employees" });
    expect(reason(await as(`mutation($g: ID!) { renameGallery(galleryId: $g, name: "visitors") { id } }`, { g: galleryId }))).toBe("ALREADY_EXISTS");
    expect(reason(await as(`mutation { renameGallery(galleryId: "gal_nope", name: "x") { id } }`))).toBe("GALLERY_NOT_FOUND");
    expect(await count(`SELECT count(*) AS n FROM "AuditEvent" WHERE "action" = 'RENAME_GALLERY' AND "outcome" = 'SUCCESS'`)).toBe(1);
  });

  it("pages and filters galleries while others are created; another tenant's ids are not found", async () => {
    const created = await Promise.all(Array.from({ length: 5 }, (_, i) => as(`mutation($n: String!) { createGallery(name: $n) { id } }`, { n: `site-${i}` })));
    expect(created.every((r) => !r.errors)).toBe(true);
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: any = (await as(`query($a: String) { galleries(first: 2, after: $a) { totalCount pageInfo { hasNextPage endCursor } edges { node { id name } } } }`, { a: after })).data!["galleries"];
      seen.push(...page.edges.map((e: any) => e.node.name));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      if (seen.length === 2) await as(`mutation { createGallery(name: "late") { id } }`);
    } while (after !== null);
    expect(seen.slice(0, 2)).toEqual(["employees", "visitors"]);
    expect(new Set(seen)).toEqual(new Set(["employees", "visitors", "site-0", "site-1", "site-2", "site-3", "site-4", "late"]));
    expect(seen).toHaveLength(8);
    const named = (await as(`{ galleries(filter: { name: "site-3" }) { totalCount edges { node { name modelId } } } }`)).data!["galleries"];
    expect(named.totalCount).toBe(1);
    expect((await as(`query($m: String) { galleries(filter: { modelId: $m }) { totalCount } }`, { m: named.edges[0].node.modelId })).data!["galleries"].totalCount).toBe(8);
    for (const n of ["site-0", "site-1", "site-2", "site-3", "site-4", "late"]) {
      const id = (await as(`query($n: String) { galleries(filter: { name: $n }) { edges { node { id } } } }`, { n })).data!["galleries"].edges[0].node.id;
      await as(`mutation($g: ID!) { deleteGallery(galleryId: $g) { destroyedTemplates } }`, { g: id });
    }

    const other = await t.createTenant(`galleries-other-${kind}`);
    const theirs = (q: string, v: Record<string, unknown>) => gql(t.url, q, v, other.headers);
    expect(reason(await theirs(`mutation($g: ID!) { deleteGallery(galleryId: $g) { destroyedTemplates } }`, { g: galleryId }))).toBe("GALLERY_NOT_FOUND");
    expect(reason(await theirs(`mutation($g: ID!) { renameGallery(galleryId: $g, name: "mine") { id } }`, { g: galleryId }))).toBe("GALLERY_NOT_FOUND");
    expect(reason(await theirs(`mutation($id: ID!) { deleteTemplate(templateId: $id) { templateId } }`, { id: templates[1] }))).toBe("TEMPLATE_NOT_FOUND");
    expect((await theirs(`{ galleries { totalCount } }`, {})).data!["galleries"].totalCount).toBe(0);
  });

  it("deletes a template once, even when asked many times at once, and the index forgets it", async () => {
    const identify = async () => (await as(`mutation($g: ID!, $img: ImageInput!) { identifyFace(input: { galleryId: $g, purpose: "${P}", image: $img }) { match candidates { subjectId } } }`, { g: galleryId, img: b64(await readFace("obama/obama-1.jpg")) })).data!["identifyFace"];
    expect((await identify()).candidates[0].subjectId).toBe(subjects[0]);
    const all = await Promise.all(Array.from({ length: 10 }, () => as(`mutation($id: ID!) { deleteTemplate(templateId: $id) { templateId subjectId } }`, { id: templates[0] })));
    expect(all.filter((r) => r.errors === undefined).map((r) => r.data!["deleteTemplate"])).toEqual([{ templateId: templates[0], subjectId: subjects[0] }]);
    expect(new Set(all.filter((r) => r.errors).map(reason))).toEqual(new Set(["TEMPLATE_NOT_FOUND"]));
    expect((await identify()).candidates.map((c: { subjectId: string }) => c.subjectId)).not.toContain(subjects[0]);
    expect(await count(`SELECT count(*) AS n FROM "AuditEvent" WHERE "action" = 'DESTROY_TEMPLATE' AND "reason" = 'DELETED' AND "targetId" = '${templates[0]}'`)).toBe(1);
  });

  it("keeps everything while a subject is held, then deletes the gallery and its templates", async () => {
    await as(`mutation($s: ID!) { setLegalHold(subjectId: $s, reason: "case 9") { id } }`, { s: subjects[1] });
    await as(`mutation($s: ID!) { restrictProcessing(subjectId: $s, reason: "contested") { id } }`, { s: subjects[2] });
    expect(reason(await as(`mutation($id: ID!) { deleteTemplate(templateId: $id) { templateId } }`, { id: templates[1] }))).toBe("LEGAL_HOLD");
    expect(reason(await as(`mutation($id: ID!) { deleteTemplate(templateId: $id) { templateId } }`, { id: templates[2] }))).toBe("PROCESSING_RESTRICTED");
    expect(["LEGAL_HOLD", "PROCESSING_RESTRICTED"]).toContain(reason(await as(`mutation($g: ID!) { deleteGallery(galleryId: $g) { destroyedTemplates } }`, { g: galleryId })));
    expect(await count(`SELECT count(*) AS n FROM "Template" WHERE "galleryId" = '${galleryId}'`)).toBe(3);

    await as(`mutation($s: ID!) { releaseLegalHold(subjectId: $s) { id } }`, { s: subjects[1] });
    expect(reason(await as(`mutation($g: ID!) { deleteGallery(galleryId: $g) { destroyedTemplates } }`, { g: galleryId }))).toBe("PROCESSING_RESTRICTED");
    await as(`mutation($s: ID!) { liftRestriction(subjectId: $s) { id } }`, { s: subjects[2] });
    // Deleted by several callers at once: one succeeds, the others find nothing.
    const all = await Promise.all(Array.from({ length: 5 }, () => as(`mutation($g: ID!) { deleteGallery(galleryId: $g) { destroyedTemplates } }`, { g: galleryId })));
    expect(all.filter((r) => !r.errors).map((r) => r.data!["deleteGallery"].destroyedTemplates)).toEqual([3]);
    expect(new Set(all.filter((r) => r.errors).map(reason))).toEqual(new Set(["GALLERY_NOT_FOUND"]));
    expect(await count(`SELECT count(*) AS n FROM "Template" WHERE "galleryId" = '${galleryId}'`)).toBe(0);
    expect((await as(`{ galleries { totalCount edges { node { name } } } }`)).data!["galleries"]).toEqual({ totalCount: 1, edges: [{ node: { name: "visitors" } }] });
    expect(reason(await as(`mutation($g: ID!, $img: ImageInput!) { identifyFace(input: { galleryId: $g, purpose: "${P}", image: $img }) { match } }`, { g: galleryId, img: b64(await readFace("biden/biden-2.jpg")) }))).toBe("GALLERY_NOT_FOUND");
    expect(await count(`SELECT count(*) AS n FROM "AuditEvent" WHERE "action" = 'DESTROY_TEMPLATE' AND "reason" = 'GALLERY_DELETED'`)).toBe(3);
    expect((await as(`{ verifyAuditChain { valid } }`)).data!["verifyAuditChain"]).toEqual({ valid: true });
  });

  it("answers enrollments racing a gallery's deletion with a typed error, and leaves no template behind", async () => {
    const g = (await as(`mutation { createGallery(name: "burst") { id } }`)).data!["createGallery"].id as string;
    const photo = b64(await readFace("kit_harington/kit_harington-2.jpg"));
    const enrolls = subjects.map((s) => as(`mutation($s: ID!, $g: ID!, $img: ImageInput!) { enrollFace(input: { subjectId: $s, galleryId: $g, purpose: "${P}", image: $img }) { templateId } }`, { s, g, img: photo }));
    const deletion = as(`mutation($g: ID!) { deleteGallery(galleryId: $g) { destroyedTemplates } }`, { g });
    const results = await Promise.all([...enrolls, deletion]);
    for (const r of results) if (r.errors) expect(["GALLERY_NOT_FOUND", "CONCURRENTLY_DELETED"]).toContain(reason(r));
    // The deletion always wins: templates enrolled before it went with the gallery.
    const enrolled = results.slice(0, -1).filter((r) => !r.errors).length;
    expect(results.at(-1)!.data?.["deleteGallery"]).toEqual({ destroyedTemplates: enrolled });
    expect(await count(`SELECT count(*) AS n FROM "Template" WHERE "galleryId" = '${g}'`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM "Gallery" WHERE "id" = '${g}'`)).toBe(0);
    expect((await as(`{ verifyAuditChain { valid } }`)).data!["verifyAuditChain"]).toEqual({ valid: true });
  });
});
