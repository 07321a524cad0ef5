/**
 * 1:N identification end to end with the real models on ../shared/faces: rank-1 answers
 * for every photo not enrolled, explicit no-match for people never enrolled, the policy's
 * identification and consent rules (a property test over random purposes and consents),
 * wrong-model galleries refused, and a second process that stops returning a subject
 * within 5 seconds of the consent being withdrawn in the first (PostgreSQL + Redis).
 */
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type App } from "../../src/app/app.js";
import { startTestApp, type TestApp } from "../support/app-harness.js";
import { sharedEngine, testConfig } from "../support/engine.js";
import { errorOf, gql } from "../support/graphql-client.js";
import { readFace } from "../support/images.js";
import { SHARED } from "../support/paths.js";

const REDIS_URL = process.env["TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379";
const IDENTIFY = `mutation($g: ID!, $p: String!, $img: ImageInput!, $k: Int) {
  identifyFace(input: { galleryId: $g, purpose: $p, image: $img, topK: $k }) { decisionId match threshold reviewThreshold searchedTemplates candidates { subjectId rank score humanReviewRequired } } }`;
const CREATE_SUBJECT = `mutation($r: String) { createSubject(externalRef: $r) { id } }`;
const GRANT = `mutation($s: ID!, $p: String!, $sep: Boolean) { grantConsent(input: { subjectId: $s, purpose: $p, noticeVersion: "n1", method: E_SIGNATURE, separate: $sep }) { consent { id } } }`;
const WITHDRAW = `mutation($s: ID!, $p: String!) { withdrawConsent(subjectId: $s, purpose: $p) { destroyedTemplates } }`;
const ENROLL = `mutation($s: ID!, $g: ID!, $p: String!, $img: ImageInput!) { enrollFace(input: { subjectId: $s, galleryId: $g, purpose: $p, image: $img }) { templateId } }`;

const b64 = (buf: Uint8Array) => ({ base64: Buffer.from(buf).toString("base64") });
const ENROLLED: Record<string, string> = {
  obama: "obama/obama-1.jpg",
  biden: "biden/biden-1.jpg",
  kit_harington: "kit_harington/kit_harington-1.jpg",
  alex_lacamoire: "alex_lacamoire/alex_lacamoire-1.jpg",
  rose_leslie: "rose_leslie/rose_leslie-1.jpg",
};
const PROBES: [string, string][] = [
  ["obama", "obama/obama-2.jpg"],
  ["obama", "obama/obama-3.jpg"],
  ["obama", "obama/obama-4.jpg"],
  ["obama", "obama/obama-240p.jpg"],
  ["obama", "obama/obama-1080p.jpg"],
  ["biden", "biden/biden-2.jpg"],
  ["kit_harington", "kit_harington/kit_harington-2.jpg"],
  ["kit_harington", "kit_harington/kit_harington-3.jpg"],
  ["alex_lacamoire", "alex_lacamoire/alex_lacamoire-2.png"],
  ["rose_leslie", "rose_leslie/rose_leslie-2.jpg"],
];

describe("1:N identification on ../shared/faces (PostgreSQL + Redis, two processes)", () => {
  let t: TestApp;
  let second: App | undefined;
  let tenant: Awaited<ReturnType<TestApp["createTenant"]>>;
  let galleryId: string;
  const subjectOf = new Map<string, string>();
  const nameOf = new Map<string, string>();
  const prefix = `fid-ident-${randomBytes(4).toString("hex")}`;
  const as = (q: string, v: Record<string, unknown> = {}, url = t.url) => gql(url, q, v, tenant.headers);

  beforeAll(async () => {
    t = await startTestApp("postgres", { REDIS_URL, REDIS_PREFIX: prefix, INDEX_EXACT_MAX: "3" });
    tenant = await t.createTenant("ident-tenant");
    galleryId = (await as(`mutation { createGallery(name: "members") { id } }`)).data!["createGallery"].id;
    for (const [name, photo] of Object.entries(ENROLLED)) {
      const s = (await as(CREATE_SUBJECT, { r: name })).data!["createSubject"].id;
      await as(GRANT, { s, p: "access_control" });
      expect((await as(ENROLL, { s, g: galleryId, p: "access_control", img: b64(await readFace(photo)) })).errors).toBeUndefined();
      subjectOf.set(name, s);
      nameOf.set(s, name);
    }
  });
  afterAll(async () => {
    await second?.close();
    await t?.stop();
  });

  it("puts the right person at rank 1 for every photo not enrolled (through the HNSW index past INDEX_EXACT_MAX=3)", async () => {
    const info = await as(`query($g: ID!) { galleryIndex(galleryId: $g) { purpose kind templates } }`, { g: galleryId });
    expect(info.data!["galleryIndex"]).toEqual([{ purpose: "access_control", kind: "HNSW", templates: 5 }]);
    for (const [name, photo] of PROBES) {
      const r = (await as(IDENTIFY, { g: galleryId, p: "access_control", img: b64(await readFace(photo)), k: 3 })).data!["identifyFace"];
      expect(r.match, photo).toBe(true);
      expect(nameOf.get(r.candidates[0].subjectId), photo).toBe(name);
      expect(r.candidates[0].score).toBeGreaterThanOrEqual(r.threshold);
      expect(r.searchedTemplates).toBe(5);
    }
  });

  it("answers no-match for people never enrolled", async () => {
    const strangers = [await readFace("lin_manuel_miranda/lin_manuel_miranda-1.png"), await readFile(path.join(SHARED, "lfw-dev", "images", "AJ_Cook", "AJ_Cook_0001.jpg"))];
    for (const img of strangers) {
      const r = (await as(IDENTIFY, { g: galleryId, p: "access_control", img: b64(img) })).data!["identifyFace"];
      expect(r).toMatchObject({ match: false, candidates: [] });
    }
    const events = await t.sql<{ reason: string }>(`SELECT "reason" FROM "AuditEvent" WHERE "action" = 'IDENTIFY_FACE' ORDER BY "seq" DESC LIMIT 2`);
    expect(events).toEqual([{ reason: "NO_MATCH" }, { reason: "NO_MATCH" }]);
  });

  it("is refused where the policy does not allow 1:N, and for galleries pinned to another model", async () => {
    const img = b64(await readFace("obama/obama-2.jpg"));
    expect(errorOf(await as(IDENTIFY, { g: galleryId, p: "payment_verification", img }))).toMatchObject({ code: "FORBIDDEN", reason: "IDENTIFICATION_NOT_ALLOWED" });
    await t.sql(`INSERT INTO "Gallery" ("id", "tenantId", "name", "modelId", "createdAt") VALUES ('gal_old', '${tenant.tenantId}', 'old', 'human-faceres', now())`);
    expect(errorOf(await as(IDENTIFY, { g: "gal_old", p: "access_control", img }))).toMatchObject({ code: "CONFLICT", reason: "MODEL_MISMATCH" });
    expect(errorOf(await as(IDENTIFY, { g: galleryId, p: "access_control", img, k: 0 }))).toMatchObject({ code: "BAD_USER_INPUT" });
  });

  it("turns gallery error rates into thresholds: stricter rates, higher thresholds; a review floor above the threshold", async () => {
    const img = b64(await readFace("obama/obama-2.jpg"));
    const loose = (await as(IDENTIFY, { g: galleryId, p: "access_control", img })).data!["identifyFace"];
    const c = await as(`mutation($g: ID!) { configureGallery(galleryId: $g, targetFpir: 0.0001) { targetFpir } }`, { g: galleryId });
    expect(c.data!["configureGallery"].targetFpir).toBe(0.0001);
    const strict = (await as(IDENTIFY, { g: galleryId, p: "access_control", img })).data!["identifyFace"];
    expect(strict.threshold).toBeGreaterThan(loose.threshold);
    expect(strict.reviewThreshold).toBeGreaterThan(strict.threshold);
    for (const cand of strict.candidates) expect(cand.humanReviewRequired).toBe(cand.score < strict.reviewThreshold);
    expect(nameOf.get(strict.candidates[0].subjectId)).toBe("obama");
    await as(`mutation($g: ID!) { configureGallery(galleryId: $g) { targetFpir } }`, { g: galleryId });
    expect(errorOf(await as(`mutation($g: ID!) { configureGallery(galleryId: $g, targetFpir: 0.9) { id } }`, { g: galleryId }))).toMatchObject({ code: "BAD_USER_INPUT" });

    // 1:1 against a gallery with a stricter target false-match rate uses a higher threshold.
    const VERIFY = `mutation($s: ID!, $img: ImageInput!) { verifyFace(input: { subjectId: $s, purpose: "access_control", image: $img }) { match threshold } }`;
    const before = (await as(VERIFY, { s: subjectOf.get("obama"), img })).data!["verifyFace"];
    const strictGallery = (await as(`mutation { createGallery(name: "strict", targetFmr: 0.000001) { id targetFmr } }`)).data!["createGallery"];
    expect(strictGallery.targetFmr).toBe(0.000001);
    await as(ENROLL, { s: subjectOf.get("obama"), g: strictGallery.id, p: "access_control", img: b64(await readFace("obama/obama-3.jpg")) });
    const after = (await as(VERIFY, { s: subjectOf.get("obama"), img })).data!["verifyFace"];
    expect(after.threshold).toBeGreaterThan(before.threshold);
    expect(after.match).toBe(true);
  });

  it("reports which subjects must re-enroll to move a gallery to the current model", async () => {
    const current = (await as(`query($g: ID!) { reenrollmentPlan(galleryId: $g) { modelChangeNeeded subjectsToReenroll } }`, { g: galleryId })).data!["reenrollmentPlan"];
    expect(current).toEqual({ modelChangeNeeded: false, subjectsToReenroll: [] });
    const s = subjectOf.get("kit_harington")!;
    await t.sql(`INSERT INTO "Template" ("id", "tenantId", "subjectId", "galleryId", "purpose", "modelId", "ciphertext", "detectionScore", "faceWidth", "faceHeight", "createdAt", "retainUntil")
      VALUES ('tpl_old', '${tenant.tenantId}', '${s}', 'gal_old', 'access_control', 'human-faceres', '\\x00', 0.9, 100, 100, now(), now() + interval '1 day')`);
    const plan = (await as(`query { reenrollmentPlan(galleryId: "gal_old") { galleryModelId modelChangeNeeded rawImagesKept subjectsToReenroll } }`)).data!["reenrollmentPlan"];
    expect(plan).toEqual({ galleryModelId: "human-faceres", modelChangeNeeded: true, rawImagesKept: false, subjectsToReenroll: [s] });
    await t.sql(`DELETE FROM "Template" WHERE "id" = 'tpl_old'`);
  });

  it("a second process sees enrollments, and drops a subject within 5 s of its consent being withdrawn in the first", async () => {
    second = await startApp(testConfig({ PORT: "0", ...t.db.env, REDIS_URL, REDIS_PREFIX: prefix, ADMIN_TOKEN: t.app.adminToken, INDEX_EXACT_MAX: "3" }), { engine: await sharedEngine() });
    expect(second.services.index.size(galleryId)).toBe(5);
    const img = b64(await readFace("biden/biden-2.jpg"));
    const before = (await as(IDENTIFY, { g: galleryId, p: "access_control", img }, second.url)).data!["identifyFace"];
    expect(nameOf.get(before.candidates[0].subjectId)).toBe("biden");

    // Enrolled in the first process: reaches the second through Redis.
    const s = (await as(CREATE_SUBJECT, { r: "biden-again" })).data!["createSubject"].id;
    await as(GRANT, { s, p: "access_control" });
    await as(ENROLL, { s, g: galleryId, p: "access_control", img: b64(await readFace("biden/biden-1.jpg")) });
    const deadlineAdd = Date.now() + 5000;
    while (second.services.index.size(galleryId) < 6 && Date.now() < deadlineAdd) await new Promise((r) => setTimeout(r, 50));
    expect(second.services.index.size(galleryId)).toBe(6);

    const started = Date.now();
    await as(WITHDRAW, { s: subjectOf.get("biden"), p: "access_control" });
    let gone = false;
    while (!gone && Date.now() - started < 5000) {
      const r = (await as(IDENTIFY, { g: galleryId, p: "access_control", img }, second.url)).data!["identifyFace"];
      gone = !r.candidates.some((c: { subjectId: string }) => c.subjectId === subjectOf.get("biden"));
      if (!gone) await new Promise((r) => setTimeout(r, 50));
    }
    expect(gone).toBe(true);
    // And its vector has left the second process's memory, not just its answers.
    const deadline = started + 5000;
    while (second.services.index.size(galleryId) !== 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(second.services.index.size(galleryId)).toBe(5);
  });
});

describe("1:N purpose filter (embedded PGlite)", () => {
  let t: TestApp;
  let tenant: Awaited<ReturnType<TestApp["createTenant"]>>;
  const as = (q: string, v: Record<string, unknown> = {}) => gql(t.url, q, v, tenant.headers);

  beforeAll(async () => {
    t = await startTestApp("pglite");
    tenant = await t.createTenant("purpose-tenant");
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("property: random enrollments, purposes and withdrawals never return a subject without an active consent and a template for the purpose", async () => {
    let seed = 20261128;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000);
    const purposes = ["access_control", "attendance"];
    const g = (await as(`mutation { createGallery(name: "mixed") { id } }`)).data!["createGallery"].id;
    const photos = ["obama/obama-1.jpg", "obama/obama-3.jpg", "biden/biden-1.jpg", "kit_harington/kit_harington-1.jpg", "obama/obama-4.jpg", "biden/biden-2.jpg"];
    for (const photo of photos) {
      const s = (await as(CREATE_SUBJECT, { r: photo })).data!["createSubject"].id;
      for (const p of purposes) {
        if (rand() < 0.7) {
          await as(GRANT, { s, p, sep: true });
          if (rand() < 0.8) await as(ENROLL, { s, g, p, img: b64(await readFace(photo)) });
          if (rand() < 0.3) await as(WITHDRAW, { s, p });
        }
      }
    }
    const allowed = async (subjectId: string, purpose: string) => {
      const [row] = await t.sql<{ ok: boolean }>(`SELECT EXISTS (SELECT 1 FROM "Consent" c WHERE c."subjectId" = '${subjectId}' AND c."purpose" = '${purpose}' AND c."withdrawnAt" IS NULL)
        AND EXISTS (SELECT 1 FROM "Template" t WHERE t."subjectId" = '${subjectId}' AND t."purpose" = '${purpose}') AS ok`);
      return row!.ok;
    };
    let returned = 0;
    for (let i = 0; i < 12; i++) {
      const purpose = purposes[i % 2]!;
      const probe = ["obama/obama-2.jpg", "biden/biden-2.jpg", "kit_harington/kit_harington-2.jpg"][i % 3]!;
      const r = (await as(IDENTIFY, { g, p: purpose, img: b64(await readFace(probe)), k: 10 })).data!["identifyFace"];
      for (const c of r.candidates) {
        returned++;
        expect(await allowed(c.subjectId, purpose), `${probe} for ${purpose}`).toBe(true);
      }
    }
    expect(returned).toBeGreaterThan(0);
  });
});
