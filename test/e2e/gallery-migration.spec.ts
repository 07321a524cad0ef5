/**
 * Moving a gallery to a new embedding model, end to end with the real models, on
 * PostgreSQL and PGlite. A server on the old model (faceplugin-r512+flip) enrolls three
 * subjects; the server is upgraded to a new default (edgeface-xs+flip) and, finding a
 * gallery pinned to the old model, loads both. The old gallery keeps enrolling, verifying
 * and identifying with its own model; reenrollmentPlan lists who must re-capture;
 * migrateGallery starts the move; a subject's re-enrollment lands in the new gallery and
 * destroys its old template; identification searches both galleries meanwhile; erasure
 * and retention clear both; once the old gallery is empty, a restarted server no longer
 * loads the old model and the old gallery id still identifies through its successor.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type App } from "../../src/app/app.js";
import { FacePipeline } from "../../src/inference/face-pipeline.js";
import { createTestDatabase, DB_KINDS, type DbKind, type TestDatabase } from "../support/databases.js";
import { testConfig } from "../support/engine.js";
import { FakeClock } from "../support/fake-clock.js";
import { bearer, errorOf, gql } from "../support/graphql-client.js";
import { readFace } from "../support/images.js";

const OLD_MODEL = "faceplugin-r512+flip";
const NEW_MODEL = "edgeface-xs+flip";

const CREATE_SUBJECT = `mutation { createSubject { id } }`;
const GRANT = `mutation($s: ID!) { grantConsent(input: { subjectId: $s, purpose: "access_control", noticeVersion: "n1", method: E_SIGNATURE }) { consent { id } } }`;
const ENROLL = `mutation($s: ID!, $g: ID!, $img: ImageInput!) { enrollFace(input: { subjectId: $s, galleryId: $g, purpose: "access_control", image: $img }) { templateId galleryId modelId } }`;
const VERIFY = `mutation($s: ID!, $img: ImageInput!) { verifyFace(input: { subjectId: $s, purpose: "access_control", image: $img }) { match score threshold modelId comparedTemplates } }`;
const IDENTIFY = `mutation($g: ID!, $img: ImageInput!) { identifyFace(input: { galleryId: $g, purpose: "access_control", image: $img, topK: 3 }) { match searchedTemplates modelId candidates { subjectId rank score } } }`;
const PLAN = `query($g: ID!) { reenrollmentPlan(galleryId: $g) { galleryModelId serverModelId modelChangeNeeded migratingFromGalleryId migratingToGalleryId subjectsToReenroll subjectsMoved } }`;
const MIGRATE = `mutation($g: ID!) { migrateGallery(galleryId: $g) { id modelId migratedFromId name } }`;

const image = async (file: string) => ({ base64: (await readFace(file)).toString("base64") });

describe.each(DB_KINDS.map((kind) => ({ kind })))("moving a gallery to a new model on $kind", ({ kind }: { kind: DbKind }) => {
  let db: TestDatabase;
  let app: App;
  let headers: Record<string, string>;
  let clock: FakeClock;
  const subjects: Record<string, string> = {};
  let oldGallery: string;
  let newGallery: string;
  const as = async (q: string, v: Record<string, unknown> = {}) => gql(app.url, q, v, headers);
  const data = async (q: string, v: Record<string, unknown> = {}) => {
    const r = await as(q, v);
    if (!r.data || r.errors) throw new Error(JSON.stringify(r.errors));
    return r.data as Record<string, any>;
  };
  const sql = <T>(q: string) => app.database.prisma.$queryRawUnsafe<T[]>(q);
  // The two pipelines: the earlier default (RFB-320, face-mesh alignment, r512+flip) and the current one.
  const OLD_PIPELINE = { DETECTOR_MODEL: "faceplugin-rfb320-detector", LANDMARK_MODEL: "human-facemesh", RECOGNIZER_MODEL: OLD_MODEL };
  const NEW_PIPELINE = { DETECTOR_MODEL: "yunet-n", LANDMARK_MODEL: "detector", RECOGNIZER_MODEL: NEW_MODEL };
  const config = (pipeline: Record<string, string>) => testConfig({ PORT: "0", ...db.env, ...pipeline, INFERENCE_WORKERS: "0", KEK_MASTER_KEY: Buffer.alloc(32, 7).toString("base64") });
  let scoreOnOldServer: number;
  const templatesOf = async (subject: string) =>
    sql<{ galleryId: string; modelId: string }>(`SELECT "galleryId", "modelId" FROM "Template" WHERE "subjectId" = '${subject}' ORDER BY "galleryId"`);

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    clock = new FakeClock(Date.parse("2026-03-02T09:00:00Z"));
    // The server as it was: its default model is the old one.
    const oldEngine = await FacePipeline.load({ ...config(OLD_PIPELINE).inference });
    app = await startApp(config(OLD_PIPELINE), { engine: oldEngine, clock });
    const t = await gql(app.url, `mutation { createTenant(name: "migration") { apiKey } }`, {}, { "x-admin-token": app.adminToken });
    headers = bearer((t.data as Record<string, any>)["createTenant"].apiKey);
    oldGallery = (await data(`mutation { createGallery(name: "staff") { id modelId } }`))["createGallery"].id;
    for (const [name, photo] of [
      ["obama", "obama/obama-1.jpg"],
      ["biden", "biden/biden-1.jpg"],
      ["kit", "kit_harington/kit_harington-1.jpg"],
    ] as const) {
      subjects[name] = (await data(CREATE_SUBJECT))["createSubject"].id;
      await data(GRANT, { s: subjects[name] });
      expect((await data(ENROLL, { s: subjects[name], g: oldGallery, img: await image(photo) }))["enrollFace"].modelId).toBe(OLD_MODEL);
    }
    scoreOnOldServer = (await data(VERIFY, { s: subjects["obama"], img: await image("obama/obama-2.jpg") }))["verifyFace"].score;
    await app.close();
    // The upgrade: a new default pipeline; the server finds the old gallery and loads its model too.
    app = await startApp(config(NEW_PIPELINE), { clock });
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it("the upgraded server keeps the old gallery working with its own model", async () => {
    expect((await data(`{ health { modelId modelIds } }`))["health"]).toEqual({ modelId: NEW_MODEL, modelIds: [NEW_MODEL, OLD_MODEL] });
    const v = (await data(VERIFY, { s: subjects["obama"], img: await image("obama/obama-2.jpg") }))["verifyFace"];
    expect(v).toMatchObject({ match: true, modelId: OLD_MODEL, comparedTemplates: 1 });
    // …aligned as its templates were (face mesh, named by the model's calibration), not
    // with the new detector's five points: the same probe scores as it did before.
    expect(Math.abs(v.score - scoreOnOldServer)).toBeLessThan(0.01);
    const impostor = (await data(VERIFY, { s: subjects["obama"], img: await image("biden/biden-2.jpg") }))["verifyFace"];
    expect(impostor).toMatchObject({ match: false, modelId: OLD_MODEL });
    const i = (await data(IDENTIFY, { g: oldGallery, img: await image("kit_harington/kit_harington-2.jpg") }))["identifyFace"];
    expect(i).toMatchObject({ match: true, modelId: OLD_MODEL, searchedTemplates: 3 });
    expect(i.candidates[0].subjectId).toBe(subjects["kit"]);
    // Enrollment into it goes on with the old model until a move is started.
    subjects["rose"] = (await data(CREATE_SUBJECT))["createSubject"].id;
    await data(GRANT, { s: subjects["rose"] });
    expect((await data(ENROLL, { s: subjects["rose"], g: oldGallery, img: await image("rose_leslie/rose_leslie-1.jpg") }))["enrollFace"]).toMatchObject({ galleryId: oldGallery, modelId: OLD_MODEL });
  });

  it("reenrollmentPlan lists every subject before the move; migrateGallery starts it once", async () => {
    const before = (await data(PLAN, { g: oldGallery }))["reenrollmentPlan"];
    expect(before).toMatchObject({ galleryModelId: OLD_MODEL, serverModelId: NEW_MODEL, modelChangeNeeded: true, migratingToGalleryId: null, subjectsMoved: [] });
    expect(before.subjectsToReenroll).toEqual(Object.values(subjects).sort());
    const g = (await data(MIGRATE, { g: oldGallery }))["migrateGallery"];
    expect(g).toMatchObject({ modelId: NEW_MODEL, migratedFromId: oldGallery });
    newGallery = g.id;
    expect(errorOf(await as(MIGRATE, { g: oldGallery }))).toMatchObject({ code: "CONFLICT", reason: "MIGRATION_IN_PROGRESS" });
    expect(errorOf(await as(MIGRATE, { g: newGallery }))).toMatchObject({ code: "BAD_USER_INPUT" });
    const audit = await sql<{ outcome: string; reason: string | null }>(`SELECT "outcome", "reason" FROM "AuditEvent" WHERE "action" = 'MIGRATE_GALLERY' ORDER BY "seq"`);
    expect(audit).toEqual([
      { outcome: "SUCCESS", reason: `to=${newGallery} model=${NEW_MODEL}` },
      { outcome: "FAILED", reason: "MIGRATION_IN_PROGRESS" },
      { outcome: "FAILED", reason: "INVALID_INPUT" },
    ]);
  });

  it("a re-enrollment lands in the new gallery and destroys the subject's old template", async () => {
    const e = (await data(ENROLL, { s: subjects["obama"], g: oldGallery, img: await image("obama/obama-3.jpg") }))["enrollFace"];
    expect(e).toMatchObject({ galleryId: newGallery, modelId: NEW_MODEL });
    expect(await templatesOf(subjects["obama"]!)).toEqual([{ galleryId: newGallery, modelId: NEW_MODEL }]);
    const destroyed = await sql<{ reason: string }>(`SELECT "reason" FROM "AuditEvent" WHERE "action" = 'DESTROY_TEMPLATE' AND "subjectId" = '${subjects["obama"]}'`);
    expect(destroyed).toEqual([{ reason: "MIGRATED" }]);
    // Verification follows the subject's templates: the new model for obama, the old for biden.
    expect((await data(VERIFY, { s: subjects["obama"], img: await image("obama/obama-2.jpg") }))["verifyFace"]).toMatchObject({ match: true, modelId: NEW_MODEL });
    expect((await data(VERIFY, { s: subjects["biden"], img: await image("biden/biden-2.jpg") }))["verifyFace"]).toMatchObject({ match: true, modelId: OLD_MODEL });
    const plan = (await data(PLAN, { g: newGallery }))["reenrollmentPlan"];
    expect(plan).toMatchObject({ modelChangeNeeded: true, migratingFromGalleryId: oldGallery, migratingToGalleryId: newGallery, subjectsMoved: [subjects["obama"]] });
    expect(plan.subjectsToReenroll).toEqual([subjects["biden"], subjects["kit"], subjects["rose"]].sort());
  });

  it("identification searches both galleries during the move, whichever is named", async () => {
    for (const g of [oldGallery, newGallery]) {
      const moved = (await data(IDENTIFY, { g, img: await image("obama/obama-4.jpg") }))["identifyFace"];
      expect(moved).toMatchObject({ match: true, searchedTemplates: 4 });
      expect(moved.candidates[0].subjectId).toBe(subjects["obama"]);
      const notMoved = (await data(IDENTIFY, { g, img: await image("biden/biden-2.jpg") }))["identifyFace"];
      expect(notMoved.candidates[0].subjectId).toBe(subjects["biden"]);
      expect(notMoved.candidates.map((c: { subjectId: string }) => c.subjectId)).not.toContain(subjects["obama"]);
    }
  });

  it("erasure during the move removes the subject from either gallery and its index", async () => {
    const kit = subjects["kit"]!;
    const r = (await data(`mutation($s: ID!) { openDataSubjectRequest(subjectId: $s, kind: ERASURE) { id } }`, { s: kit }))["openDataSubjectRequest"].id;
    await data(`mutation($r: ID!) { verifyRequesterIdentity(requestId: $r, method: "id card", evidenceRef: "desk-1") { status } }`, { r });
    expect((await data(`mutation($r: ID!) { fulfilDataSubjectRequest(requestId: $r) { request { status } } }`, { r }))["fulfilDataSubjectRequest"].request.status).toBe("COMPLETED");
    expect(await templatesOf(kit)).toEqual([]);
    const i = (await data(IDENTIFY, { g: newGallery, img: await image("kit_harington/kit_harington-2.jpg") }))["identifyFace"];
    expect(i.searchedTemplates).toBe(3);
    expect(i.candidates.map((c: { subjectId: string }) => c.subjectId)).not.toContain(kit);
  });

  it("once every subject has moved the old model is no longer loaded, and the old gallery id still works", async () => {
    await data(ENROLL, { s: subjects["biden"], g: newGallery, img: await image("biden/biden-2.jpg") });
    await data(ENROLL, { s: subjects["rose"], g: oldGallery, img: await image("rose_leslie/rose_leslie-2.jpg") });
    expect((await sql<{ n: number }>(`SELECT count(*)::int AS n FROM "Template" WHERE "galleryId" = '${oldGallery}'`))[0]!.n).toBe(0);
    expect((await data(PLAN, { g: oldGallery }))["reenrollmentPlan"]).toMatchObject({ modelChangeNeeded: false, subjectsToReenroll: [] });
    await app.close();
    app = await startApp(config(NEW_PIPELINE), { clock });
    expect((await data(`{ health { modelIds } }`))["health"].modelIds).toEqual([NEW_MODEL]);
    const v = (await data(VERIFY, { s: subjects["biden"], img: await image("biden/biden-1.jpg") }))["verifyFace"];
    expect(v).toMatchObject({ match: true, modelId: NEW_MODEL });
    const i = (await data(IDENTIFY, { g: oldGallery, img: await image("rose_leslie/rose_leslie-1.jpg") }))["identifyFace"];
    expect(i).toMatchObject({ match: true, modelId: NEW_MODEL, searchedTemplates: 3 });
    expect(i.candidates[0].subjectId).toBe(subjects["rose"]);
  });

  it("retention destroys expired templates of the new gallery like any other", async () => {
    clock.advanceDays(800);
    await app.jobs.enqueue("retention.sweep", {});
    await app.jobs.drain();
    expect((await sql<{ n: number }>(`SELECT count(*)::int AS n FROM "Template"`))[0]!.n).toBe(0);
    const i = (await data(IDENTIFY, { g: newGallery, img: await image("obama/obama-2.jpg") }))["identifyFace"];
    expect(i).toMatchObject({ match: false, searchedTemplates: 0, candidates: [] });
  });
});

describe("a gallery move under concurrent re-enrollments (PostgreSQL)", () => {
  let db: TestDatabase;
  let app: App;
  let headers: Record<string, string>;
  const as = async (q: string, v: Record<string, unknown> = {}) => gql(app.url, q, v, headers);
  const sql = <T>(q: string) => app.database.prisma.$queryRawUnsafe<T[]>(q);
  const config = (pipeline: Record<string, string>) => testConfig({ PORT: "0", ...db.env, ...pipeline, INFERENCE_WORKERS: "0", KEK_MASTER_KEY: Buffer.alloc(32, 9).toString("base64") });
  const OLD_PIPELINE = { DETECTOR_MODEL: "faceplugin-rfb320-detector", LANDMARK_MODEL: "human-facemesh", RECOGNIZER_MODEL: OLD_MODEL };
  const NEW_PIPELINE = { DETECTOR_MODEL: "yunet-n", LANDMARK_MODEL: "detector", RECOGNIZER_MODEL: NEW_MODEL };
  const people = [
    ["obama", "obama/obama-1.jpg", "obama/obama-2.jpg", "obama/obama-3.jpg"],
    ["biden", "biden/biden-1.jpg", "biden/biden-2.jpg", "biden/biden-1.jpg"],
    ["kit", "kit_harington/kit_harington-1.jpg", "kit_harington/kit_harington-2.jpg", "kit_harington/kit_harington-3.jpg"],
    ["rose", "rose_leslie/rose_leslie-1.jpg", "rose_leslie/rose_leslie-2.jpg", "rose_leslie/rose_leslie-1.jpg"],
  ] as const;
  const subjects: string[] = [];
  let oldGallery: string;
  let newGallery: string;

  beforeAll(async () => {
    db = await createTestDatabase("postgres");
    app = await startApp(config(OLD_PIPELINE), { engine: await FacePipeline.load(config(OLD_PIPELINE).inference) });
    headers = bearer(((await gql(app.url, `mutation { createTenant(name: "move-race") { apiKey } }`, {}, { "x-admin-token": app.adminToken })).data as Record<string, any>)["createTenant"].apiKey);
    oldGallery = (await as(`mutation { createGallery(name: "staff") { id } }`)).data!["createGallery"].id;
    for (const [, enrolled] of people) {
      const s = (await as(CREATE_SUBJECT)).data!["createSubject"].id as string;
      await as(GRANT, { s });
      expect((await as(ENROLL, { s, g: oldGallery, img: await image(enrolled) })).errors).toBeUndefined();
      subjects.push(s);
    }
    await app.close();
    app = await startApp(config(NEW_PIPELINE));
    newGallery = (await as(MIGRATE, { g: oldGallery })).data!["migrateGallery"].id;
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it("moves every subject exactly once while each re-enrolls twice at once (naming either gallery) and others identify", async () => {
    const photos = await Promise.all(people.map(async ([, , a, b]) => [await image(a), await image(b)] as const));
    const results = await Promise.all(
      photos.flatMap(([a, b], i) => [as(ENROLL, { s: subjects[i], g: oldGallery, img: a }), as(ENROLL, { s: subjects[i], g: newGallery, img: b }), as(IDENTIFY, { g: oldGallery, img: a })]),
    );
    for (const r of results) expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    // Every subject: two templates, both in the new gallery with the new model; none left in the old one.
    const held = await sql<{ subjectId: string; galleryId: string; modelId: string }>(`SELECT "subjectId", "galleryId", "modelId" FROM "Template" ORDER BY "subjectId"`);
    expect(held).toHaveLength(8);
    for (const t of held) expect(t).toMatchObject({ galleryId: newGallery, modelId: NEW_MODEL });
    // Each old template destroyed once, and audited once.
    const destroyed = await sql<{ subjectId: string; n: number }>(`SELECT "subjectId", count(*)::int AS n FROM "AuditEvent" WHERE "action" = 'DESTROY_TEMPLATE' AND "reason" = 'MIGRATED' GROUP BY "subjectId" ORDER BY "subjectId"`);
    expect(destroyed).toEqual([...subjects].sort().map((subjectId) => ({ subjectId, n: 1 })));
    // The index agrees with the table, and identification finds each person in the new gallery.
    const index = (await as(`query($g: ID!) { galleryIndex(galleryId: $g) { purpose templates } }`, { g: newGallery })).data!["galleryIndex"];
    expect(index).toEqual([{ purpose: "access_control", templates: 8 }]);
    const after = (await as(IDENTIFY, { g: oldGallery, img: await image("kit_harington/kit_harington-3.jpg") })).data!["identifyFace"];
    expect(after).toMatchObject({ match: true, modelId: NEW_MODEL, searchedTemplates: 8 });
    expect(after.candidates[0].subjectId).toBe(subjects[2]);
    expect((await as(`{ verifyAuditChain { valid } }`)).data!["verifyAuditChain"].valid).toBe(true);
  });
});
