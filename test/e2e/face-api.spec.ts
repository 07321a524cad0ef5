/**
 * The face calls users expect besides enroll/verify/identify, end to end on PostgreSQL with
 * the real models and ../shared/faces: detectFaces (every face of the group photos, with
 * plausible landmarks), compareFaces (same people match, others not, at the calibrated
 * threshold), identifyFaces (both people of obama_and_biden.jpg named), the duplicate
 * enrollment check (refused, flagged for review, and racing enrollments of one face under
 * several subjects: exactly one wins), and each new call refused where the policy does not
 * permit it, audited, without the image being read.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app-harness.js";
import { errorOf, gql } from "../support/graphql-client.js";
import { readFace } from "../support/images.js";
import { PROJECT_ROOT } from "../support/paths.js";

const b64 = (buf: Uint8Array) => ({ base64: Buffer.from(buf).toString("base64") });
/** Not an image: a call that reads it fails INVALID_IMAGE, so a policy refusal shows it was never read. */
const UNREAD = { base64: Buffer.from("not an image at all").toString("base64") };

const DETECT = `query($p: String!, $img: ImageInput!, $max: Int, $dense: Boolean, $q: Boolean) {
  detectFaces(input: { purpose: $p, image: $img, maxFaces: $max, denseLandmarks: $dense, quality: $q }) {
    faceCount imageWidth imageHeight
    faces { face { score box { x y width height } }
      landmarks { leftEye { x y } rightEye { x y } nose { x y } mouthLeft { x y } mouthRight { x y } }
      denseLandmarks { x y z } quality { passed reasons yaw pitch roll interEyeDistance } } } }`;
const COMPARE = `query($p: String!, $a: ImageInput!, $b: ImageInput!) {
  compareFaces(input: { purpose: $p, source: $a, target: $b }) { match similarity threshold modelId sourceFaceCount targetFaceCount sourceFace { box { width } } targetFace { box { width } } } }`;
const IDENTIFY_FACES = `mutation($g: ID!, $p: String!, $img: ImageInput!, $max: Int) {
  identifyFaces(input: { galleryId: $g, purpose: $p, image: $img, maxFaces: $max }) {
    faceCount threshold searchedTemplates faces { decisionId match refusal face { box { x y width height } } candidates { subjectId rank score } } } }`;
const CREATE_SUBJECT = `mutation($r: String) { createSubject(externalRef: $r, dateOfBirth: "1980-01-01") { id } }`;
const GRANT = `mutation($s: ID!, $p: String!) { grantConsent(input: { subjectId: $s, purpose: $p, noticeVersion: "n1", method: E_SIGNATURE }) { consent { id } } }`;
const ENROLL = `mutation($s: ID!, $g: ID!, $p: String!, $img: ImageInput!) { enrollFace(input: { subjectId: $s, galleryId: $g, purpose: $p, image: $img }) { templateId duplicateReview } }`;

/** The default policy plus a purpose that flags duplicate enrollments for review instead of refusing them. */
async function policyDir(): Promise<string> {
  const doc = JSON.parse(await readFile(path.join(PROJECT_ROOT, "policies", "default.policy.json"), "utf8"));
  doc.purposes.membership_review = {
    ...doc.purposes.identity_proofing,
    description: "Club membership; a second card for one face is flagged for the desk to check.",
    operations: ["enroll", "verify"],
    capture: { duplicateCheck: "review" },
  };
  const dir = await mkdtemp(path.join(os.tmpdir(), "fid-face-api-policy-"));
  await writeFile(path.join(dir, "default.policy.json"), JSON.stringify(doc));
  return dir;
}

describe("detect, compare, every face of a photo, duplicate enrollments (PostgreSQL)", () => {
  let t: TestApp;
  let tenant: Awaited<ReturnType<TestApp["createTenant"]>>;
  const as = (q: string, v: Record<string, unknown> = {}, headers = tenant.headers) => gql(t.url, q, v, headers);
  const subject = async (ref: string, purposes: string[]) => {
    const s = (await as(CREATE_SUBJECT, { r: `${ref}-${randomBytes(3).toString("hex")}` })).data!["createSubject"].id as string;
    for (const p of purposes) expect((await as(GRANT, { s, p })).errors).toBeUndefined();
    return s;
  };
  const gallery = async (name: string) => (await as(`mutation($n: String!) { createGallery(name: $n) { id } }`, { n: name })).data!["createGallery"].id as string;
  const lastEvents = (action: string, n: number) =>
    t.sql<{ outcome: string; reason: string | null; decisionId: string | null; subjectId: string | null }>(
      `SELECT "outcome", "reason", "decisionId", "subjectId" FROM "AuditEvent" WHERE "tenantId" = '${tenant.tenantId}' AND "action" = '${action}' ORDER BY "seq" DESC LIMIT ${n}`,
    );

  beforeAll(async () => {
    t = await startTestApp("postgres", { POLICY_DIR: await policyDir() });
    tenant = await t.createTenant("face-api-tenant");
  });
  afterAll(async () => {
    await t?.stop();
  });

  describe("detectFaces", () => {
    it("finds every face of the three group photos, with five landmarks where a face has them", async () => {
      const expected: Record<string, number> = { "kit_with_rose.jpg": 2, "obama_and_biden.jpg": 3, "two_people.jpg": 2 };
      for (const [file, count] of Object.entries(expected)) {
        const r = await as(DETECT, { p: "identity_proofing", img: b64(await readFace(`_multi/${file}`)) });
        expect(r.errors, file).toBeUndefined();
        const d = r.data!["detectFaces"];
        expect(d.faceCount, file).toBe(count);
        expect(d.faces).toHaveLength(count);
        const areas = d.faces.map((f: any) => f.face.box.width * f.face.box.height);
        expect(areas, "largest first").toEqual([...areas].sort((a, b) => b - a));
        for (const f of d.faces) {
          const { x, y, width, height } = f.face.box;
          const l = f.landmarks;
          const inside = (p: { x: number; y: number }) => p.x >= x - 0.1 * width && p.x <= x + 1.1 * width && p.y >= y - 0.1 * height && p.y <= y + 1.1 * height;
          for (const p of [l.leftEye, l.rightEye, l.nose, l.mouthLeft, l.mouthRight]) expect(inside(p), `${file} point in its box`).toBe(true);
          expect(l.leftEye.x).toBeLessThan(l.rightEye.x);
          expect(l.mouthLeft.x).toBeLessThan(l.mouthRight.x);
          // Eyes above the nose, the nose above the mouth corners (all these faces are upright).
          expect(Math.max(l.leftEye.y, l.rightEye.y)).toBeLessThan(l.nose.y);
          expect(l.nose.y).toBeLessThan(Math.min(l.mouthLeft.y, l.mouthRight.y));
          expect(f.face.score).toBeGreaterThan(0.5);
          expect(f.denseLandmarks).toBeNull();
          expect(f.quality).toBeNull();
        }
      }
    });

    it("gives the dense mesh and the quality verdict with head pose on request, and honours maxFaces", async () => {
      const img = b64(await readFace("_multi/obama_and_biden.jpg"));
      const d = (await as(DETECT, { p: "identity_proofing", img, max: 2, dense: true, q: true })).data!["detectFaces"];
      expect(d.faceCount).toBe(3);
      expect(d.faces).toHaveLength(2);
      for (const f of d.faces) {
        expect(f.denseLandmarks).toHaveLength(468);
        const { x, y, width, height } = f.face.box;
        const near = f.denseLandmarks.filter((p: any) => p.x >= x - 0.3 * width && p.x <= x + 1.3 * width && p.y >= y - 0.3 * height && p.y <= y + 1.3 * height);
        expect(near.length).toBeGreaterThan(450);
        expect(Math.abs(f.quality.yaw)).toBeLessThan(30);
        expect(f.quality.interEyeDistance).toBeGreaterThan(40);
        expect(f.quality.passed).toBe(true);
      }
      const events = await lastEvents("DETECT_FACES", 1);
      expect(events).toEqual([{ outcome: "SUCCESS", reason: "2 of 3 faces", decisionId: null, subjectId: null }]);
    });

    it("answers an image without a face with no faces, and a corrupt image with INVALID_IMAGE", async () => {
      const sharp = (await import("sharp")).default;
      const blank = await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 120, g: 140, b: 160 } } }).jpeg().toBuffer();
      const d = (await as(DETECT, { p: "identity_proofing", img: b64(blank) })).data!["detectFaces"];
      expect(d).toMatchObject({ faceCount: 0, faces: [], imageWidth: 320, imageHeight: 240 });
      expect(errorOf(await as(DETECT, { p: "identity_proofing", img: UNREAD }))).toMatchObject({ code: "BAD_USER_INPUT", reason: "INVALID_IMAGE" });
      expect(errorOf(await as(DETECT, { p: "identity_proofing", img: b64(blank), max: 0 }))).toMatchObject({ code: "BAD_USER_INPUT" });
      // The mesh costs an inference per face: fewer faces per request with quality or dense landmarks.
      expect((await as(DETECT, { p: "identity_proofing", img: b64(blank), max: 100 })).errors).toBeUndefined();
      expect(errorOf(await as(DETECT, { p: "identity_proofing", img: b64(blank), max: 17, q: true }))).toMatchObject({ code: "BAD_USER_INPUT", reason: "INVALID_INPUT" });
      expect(errorOf(await as(DETECT, { p: "identity_proofing", img: b64(blank), max: 17, dense: true }))).toMatchObject({ code: "BAD_USER_INPUT", reason: "INVALID_INPUT" });
    });
  });

  describe("compareFaces", () => {
    const same: [string, string][] = [
      ["obama/obama-1.jpg", "obama/obama-2.jpg"],
      ["biden/biden-1.jpg", "biden/biden-2.jpg"],
      ["kit_harington/kit_harington-1.jpg", "kit_harington/kit_harington-3.jpg"],
      ["rose_leslie/rose_leslie-1.jpg", "rose_leslie/rose_leslie-2.jpg"],
    ];
    const different: [string, string][] = [
      ["obama/obama-1.jpg", "biden/biden-1.jpg"],
      ["kit_harington/kit_harington-1.jpg", "rose_leslie/rose_leslie-1.jpg"],
      ["alex_lacamoire/alex_lacamoire-1.jpg", "lin_manuel_miranda/lin_manuel_miranda-1.png"],
      ["obama/obama-2.jpg", "kit_harington/kit_harington-2.jpg"],
    ];

    it("matches photos of the same person and rejects others at the calibrated threshold; audits MATCH / NO_MATCH only", async () => {
      for (const [expected, pairs] of [[true, same], [false, different]] as const) {
        for (const [a, b] of pairs) {
          const r = await as(COMPARE, { p: "identity_proofing", a: b64(await readFace(a)), b: b64(await readFace(b)) });
          expect(r.errors, `${a} ${b}`).toBeUndefined();
          const c = r.data!["compareFaces"];
          expect(c.match, `${a} ${b}: ${c.similarity} vs ${c.threshold}`).toBe(expected);
          expect(c.similarity >= c.threshold).toBe(expected);
          expect(c.sourceFaceCount).toBe(1);
          expect(c.targetFaceCount).toBe(1);
        }
      }
      const events = await lastEvents("COMPARE_FACES", same.length + different.length);
      expect(events.map((e) => e.reason).sort()).toEqual([...Array(same.length).fill("MATCH"), ...Array(different.length).fill("NO_MATCH")].sort());
      const stored = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM "Template" WHERE "tenantId" = '${tenant.tenantId}'`);
      expect(stored[0]!.n).toBe(0);
    });

    it("compares the largest face of a group photo, and fails NO_FACE when one image has none", async () => {
      const r = (await as(COMPARE, { p: "identity_proofing", a: b64(await readFace("_multi/two_people.jpg")), b: b64(await readFace("obama/obama-1.jpg")) })).data!["compareFaces"];
      expect(r.sourceFaceCount).toBe(2);
      const sharp = (await import("sharp")).default;
      const blank = await sharp({ create: { width: 200, height: 200, channels: 3, background: { r: 90, g: 90, b: 90 } } }).png().toBuffer();
      expect(errorOf(await as(COMPARE, { p: "identity_proofing", a: b64(blank), b: b64(await readFace("obama/obama-1.jpg")) }))).toMatchObject({ reason: "NO_FACE" });
    });
  });

  describe("identifyFaces", () => {
    it("names both people of obama_and_biden.jpg and leaves the stranger unmatched, one decision per face", async () => {
      const g = await gallery("group");
      const named = new Map<string, string>();
      for (const who of ["obama", "biden", "kit_harington"]) {
        const s = await subject(who, ["access_control"]);
        expect((await as(ENROLL, { s, g, p: "access_control", img: b64(await readFace(`${who}/${who}-1.jpg`)) })).errors).toBeUndefined();
        named.set(s, who);
      }
      const img = b64(await readFace("_multi/obama_and_biden.jpg"));
      const r = await as(IDENTIFY_FACES, { g, p: "access_control", img });
      expect(r.errors).toBeUndefined();
      const out = r.data!["identifyFaces"];
      expect(out.faceCount).toBe(3);
      expect(out.searchedTemplates).toBe(3);
      const matched = out.faces.filter((f: any) => f.match).map((f: any) => named.get(f.candidates[0].subjectId));
      expect(matched.sort()).toEqual(["biden", "obama"]);
      // The two matched faces are different faces of the photo.
      const boxes = out.faces.filter((f: any) => f.match).map((f: any) => f.face.box.x);
      expect(new Set(boxes).size).toBe(2);
      for (const f of out.faces) for (const c of f.candidates) expect(c.score).toBeGreaterThanOrEqual(out.threshold);
      const ids = out.faces.map((f: any) => f.decisionId);
      expect(new Set(ids).size).toBe(3);
      const decisions = await t.sql<{ id: string }>(`SELECT "id" FROM "Identification" WHERE "id" IN (${ids.map((i: string) => `'${i}'`).join(",")})`);
      expect(decisions).toHaveLength(3);
      const events = await lastEvents("IDENTIFY_FACES", 3);
      expect(events.map((e) => e.decisionId).sort()).toEqual([...ids].sort());
      expect(events.map((e) => e.reason).sort()).toEqual(["MATCH", "MATCH", "NO_MATCH"]);

      const two = (await as(IDENTIFY_FACES, { g, p: "access_control", img, max: 2 })).data!["identifyFaces"];
      expect(two.faceCount).toBe(3);
      expect(two.faces.map((f: any) => named.get(f.candidates[0]?.subjectId)).sort()).toEqual(["biden", "obama"]);
    });
  });

  it("answers 8 simultaneous identifyFaces and compareFaces calls, each decision recorded once, the chain intact", async () => {
    const g = await gallery("group-race");
    for (const who of ["obama", "biden"]) {
      const s = await subject(who, ["access_control"]);
      expect((await as(ENROLL, { s, g, p: "access_control", img: b64(await readFace(`${who}/${who}-1.jpg`)) })).errors).toBeUndefined();
    }
    const group = b64(await readFace("_multi/obama_and_biden.jpg"));
    const [a, b] = [b64(await readFace("kit_harington/kit_harington-1.jpg")), b64(await readFace("kit_harington/kit_harington-2.jpg"))];
    const calls = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? as(IDENTIFY_FACES, { g, p: "access_control", img: group }) : as(COMPARE, { p: "identity_proofing", a, b }))));
    for (const r of calls) expect(r.errors).toBeUndefined();
    const ids = calls.filter((_, i) => i % 2 === 0).flatMap((r) => r.data!["identifyFaces"].faces.map((f: any) => f.decisionId));
    expect(new Set(ids).size).toBe(12);
    const rows = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM "Identification" WHERE "galleryId" = '${g}'`);
    expect(rows[0]!.n).toBe(12);
    for (const r of calls.filter((_, i) => i % 2 === 1)) expect(r.data!["compareFaces"].match).toBe(true);
    expect((await as(`query { verifyAuditChain { valid } }`)).data!["verifyAuditChain"].valid).toBe(true);
  });

  describe("duplicate enrollment check", () => {
    it("refuses the same person under a second subject, naming nobody, and audits the refusal", async () => {
      const g = await gallery("accounts");
      const first = await subject("applicant-1", ["identity_proofing"]);
      const second = await subject("applicant-2", ["identity_proofing"]);
      const one = await as(ENROLL, { s: first, g, p: "identity_proofing", img: b64(await readFace("obama/obama-1.jpg")) });
      expect(one.errors).toBeUndefined();
      expect(one.data!["enrollFace"].duplicateReview).toBe(false);
      const dup = await as(ENROLL, { s: second, g, p: "identity_proofing", img: b64(await readFace("obama/obama-3.jpg")) });
      const e = errorOf(dup);
      expect(e).toMatchObject({ code: "CONFLICT", reason: "DUPLICATE_FACE" });
      expect(JSON.stringify(dup.errors)).not.toContain(first);
      const [event] = await lastEvents("ENROLL_FACE", 1);
      expect(event).toMatchObject({ outcome: "FAILED", reason: "DUPLICATE_FACE", subjectId: second });
      const held = await t.sql<{ subjectId: string }>(`SELECT "subjectId" FROM "Template" WHERE "galleryId" = '${g}'`);
      expect(held).toEqual([{ subjectId: first }]);
      // The same subject may add another photo of themself; someone else is not a duplicate.
      expect((await as(ENROLL, { s: first, g, p: "identity_proofing", img: b64(await readFace("obama/obama-2.jpg")) })).errors).toBeUndefined();
      expect((await as(ENROLL, { s: second, g, p: "identity_proofing", img: b64(await readFace("biden/biden-1.jpg")) })).errors).toBeUndefined();
      const idx = (await as(`query($g: ID!) { galleryIndex(galleryId: $g) { purpose templates } }`, { g })).data!["galleryIndex"];
      expect(idx).toEqual([{ purpose: "identity_proofing", templates: 3 }]);
    });

    it("lets exactly one of 6 simultaneous enrollments of one face under 6 subjects through", async () => {
      const g = await gallery("race");
      const people = await Promise.all(Array.from({ length: 6 }, (_, i) => subject(`racer-${i}`, ["identity_proofing"])));
      const photos = ["kit_harington/kit_harington-1.jpg", "kit_harington/kit_harington-2.jpg", "kit_harington/kit_harington-3.jpg"];
      const images = await Promise.all(photos.map(async (p) => b64(await readFace(p))));
      const results = await Promise.all(people.map((s, i) => as(ENROLL, { s, g, p: "identity_proofing", img: images[i % images.length] })));
      const ok = results.filter((r) => !r.errors);
      const refused = results.filter((r) => r.errors?.[0]?.extensions?.reason === "DUPLICATE_FACE");
      expect(ok).toHaveLength(1);
      expect(refused).toHaveLength(5);
      const held = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM "Template" WHERE "galleryId" = '${g}'`);
      expect(held[0]!.n).toBe(1);
      const idx = (await as(`query($g: ID!) { galleryIndex(galleryId: $g) { templates } }`, { g })).data!["galleryIndex"];
      expect(idx).toEqual([{ templates: 1 }]);
      const chain = (await as(`query { verifyAuditChain { valid } }`)).data!["verifyAuditChain"];
      expect(chain.valid).toBe(true);
    });

    it("enrolls and flags the duplicate where the policy says review", async () => {
      const g = await gallery("members");
      const a = await subject("member-a", ["membership_review"]);
      const b = await subject("member-b", ["membership_review"]);
      expect((await as(ENROLL, { s: a, g, p: "membership_review", img: b64(await readFace("rose_leslie/rose_leslie-1.jpg")) })).data!["enrollFace"].duplicateReview).toBe(false);
      const r = await as(ENROLL, { s: b, g, p: "membership_review", img: b64(await readFace("rose_leslie/rose_leslie-2.jpg")) });
      expect(r.errors).toBeUndefined();
      expect(r.data!["enrollFace"].duplicateReview).toBe(true);
      const [event] = await lastEvents("ENROLL_FACE", 1);
      expect(event).toMatchObject({ outcome: "SUCCESS", reason: "DUPLICATE_SUSPECTED", subjectId: b });
    });
  });

  describe("batch enrollment", () => {
    const START = `mutation($g: ID!, $p: String!, $items: [BatchEnrollmentItemInput!]!) {
      startBatchEnrollment(input: { galleryId: $g, purpose: $p, items: $items }) { id status total pending enrolled failed } }`;
    const PROGRESS = `query($b: ID!) { enrollmentBatch(batchId: $b) { id status total pending enrolled failed finishedAt items { seq subjectId status templateId errorReason } } }`;

    it("enrolls every shared identity photo through the job queue, with per-item results and errors, and keeps no photo", async () => {
      const g = await gallery("batch");
      const { readdir } = await import("node:fs/promises");
      const { FACES } = await import("../support/paths.js");
      const identities = (await readdir(FACES)).filter((d) => !d.startsWith("_")).sort();
      const items: { subjectId: string; image: { base64: string } }[] = [];
      const expected: { who: string; status: string; reason?: string }[] = [];
      for (const who of identities) {
        const s = await subject(who, ["access_control"]);
        for (const file of (await readdir(path.join(FACES, who))).sort()) {
          items.push({ subjectId: s, image: b64(await readFace(`${who}/${file}`)) });
          expected.push({ who, status: "ENROLLED" });
        }
      }
      const enrolledPhotos = items.length;
      const someone = items[0]!.subjectId;
      items.push({ subjectId: someone, image: b64(await readFace("_multi/two_people.jpg")) });
      expected.push({ who: "group", status: "FAILED", reason: "MULTIPLE_FACES" });
      items.push({ subjectId: "sub_nobody", image: b64(await readFace("obama/obama-1.jpg")) });
      expected.push({ who: "unknown", status: "FAILED", reason: "SUBJECT_NOT_FOUND" });
      const noConsent = await subject("no-consent", []);
      items.push({ subjectId: noConsent, image: b64(await readFace("biden/biden-1.jpg")) });
      expected.push({ who: "no consent", status: "FAILED", reason: "CONSENT_REQUIRED" });

      const started = await as(START, { g, p: "access_control", items });
      expect(started.errors, JSON.stringify(started.errors)).toBeUndefined();
      const b = started.data!["startBatchEnrollment"];
      expect(b).toMatchObject({ status: "RUNNING", total: items.length, failed: 1, enrolled: 0 });
      let progress: any;
      const { eventually } = await import("../support/redis-server.js");
      expect(await eventually(async () => (progress = (await as(PROGRESS, { b: b.id })).data!["enrollmentBatch"]).status === "COMPLETED", 3000)).toBe(true);
      expect(progress).toMatchObject({ total: items.length, pending: 0, enrolled: enrolledPhotos, failed: 3 });
      expect(progress.items.map((i: any) => i.status)).toEqual(expected.map((e) => e.status));
      expected.forEach((e, i) => {
        if (e.reason) expect(progress.items[i].errorReason, e.who).toBe(e.reason);
      });
      const templates = await t.sql<{ id: string }>(`SELECT "id" FROM "Template" WHERE "galleryId" = '${g}' ORDER BY "id"`);
      expect(templates.map((r) => r.id)).toEqual(progress.items.filter((i: any) => i.templateId).map((i: any) => i.templateId).sort());
      const photos = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM "EnrollmentBatchItem" WHERE "batchId" = '${b.id}' AND "sealedImage" IS NOT NULL`);
      expect(photos[0]!.n).toBe(0);
      const enrollEvents = await t.sql<{ outcome: string; n: number }>(
        `SELECT "outcome", count(*)::int AS n FROM "AuditEvent" WHERE "tenantId" = '${tenant.tenantId}' AND "action" = 'ENROLL_FACE' AND "subjectId" IN (${[...new Set(items.map((i) => `'${i.subjectId}'`))].join(",")}) GROUP BY "outcome" ORDER BY "outcome"`,
      );
      expect(enrollEvents).toEqual([
        { outcome: "DENIED", n: 1 },
        { outcome: "FAILED", n: 1 },
        { outcome: "SUCCESS", n: enrolledPhotos },
      ]);
      // Another tenant cannot see it.
      const other = await t.createTenant("face-api-other");
      expect(errorOf(await as(PROGRESS, { b: b.id }, other.headers))).toMatchObject({ code: "NOT_FOUND", reason: "BATCH_NOT_FOUND" });
    });

    it("runs 4 batches submitted at once to completion, each photo enrolled once, the chain intact", async () => {
      const g = await gallery("batch-race");
      const photos = ["obama/obama-2.jpg", "biden/biden-2.jpg", "rose_leslie/rose_leslie-2.jpg"];
      const images = await Promise.all(photos.map(async (p) => b64(await readFace(p))));
      const batches = await Promise.all(
        [0, 1, 2, 3].map(async (i) => {
          const items = await Promise.all(images.map(async (image, j) => ({ subjectId: await subject(`race-${i}-${j}`, ["access_control"]), image })));
          return items;
        }),
      );
      const started = await Promise.all(batches.map((items) => as(START, { g, p: "access_control", items })));
      for (const r of started) expect(r.errors).toBeUndefined();
      const ids = started.map((r) => r.data!["startBatchEnrollment"].id as string);
      const { eventually } = await import("../support/redis-server.js");
      for (const b of ids) expect(await eventually(async () => (await as(PROGRESS, { b })).data!["enrollmentBatch"].status === "COMPLETED", 3000)).toBe(true);
      for (const b of ids) expect((await as(PROGRESS, { b })).data!["enrollmentBatch"]).toMatchObject({ enrolled: 3, failed: 0, pending: 0 });
      const held = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM "Template" WHERE "galleryId" = '${g}'`);
      expect(held[0]!.n).toBe(12);
      expect((await as(`query { verifyAuditChain { valid } }`)).data!["verifyAuditChain"].valid).toBe(true);
    });

    it("is refused as a whole where the purpose does not permit enrollment, and audited", async () => {
      const g = await gallery("batch-refused");
      const s = await subject("batch-refused", ["access_control"]);
      expect(errorOf(await as(START, { g, p: "no_such_purpose", items: [{ subjectId: s, image: UNREAD }] }))).toMatchObject({ code: "FORBIDDEN", reason: "PURPOSE_NOT_DECLARED" });
      expect(errorOf(await as(START, { g, p: "access_control", items: [] }))).toMatchObject({ code: "BAD_USER_INPUT" });
      const events = await lastEvents("START_BATCH_ENROLLMENT", 2);
      expect(events.map((e) => [e.outcome, e.reason])).toEqual([
        ["FAILED", "INVALID_INPUT"],
        ["DENIED", "PURPOSE_NOT_DECLARED"],
      ]);
    });
  });

  describe("policy", () => {
    it("refuses each new call where the purpose does not permit it, audits the refusal, and never reads the image", async () => {
      const g = await gallery("policy");
      const cases: [string, string, Record<string, unknown>, string][] = [
        ["DETECT_FACES", DETECT, { p: "payment_verification", img: UNREAD }, "OPERATION_NOT_ALLOWED"],
        ["COMPARE_FACES", COMPARE, { p: "access_control", a: UNREAD, b: UNREAD }, "OPERATION_NOT_ALLOWED"],
        ["IDENTIFY_FACES", IDENTIFY_FACES, { g, p: "payment_verification", img: UNREAD }, "IDENTIFICATION_NOT_ALLOWED"],
        ["DETECT_FACES", DETECT, { p: "no_such_purpose", img: UNREAD }, "PURPOSE_NOT_DECLARED"],
      ];
      for (const [action, query, vars, reason] of cases) {
        expect(errorOf(await as(query, vars)), action).toMatchObject({ code: "FORBIDDEN", reason });
        const [event] = await lastEvents(action, 1);
        expect(event, action).toMatchObject({ outcome: "DENIED", reason });
      }
    });

    it("needs the scope: faces:analyze for detect, faces:verify for compare, faces:identify for identifyFaces", async () => {
      const narrow = await t.createTenant("face-api-narrow", ["subjects:read"]);
      const img = b64(await readFace("obama/obama-1.jpg"));
      expect(errorOf(await as(DETECT, { p: "identity_proofing", img }, narrow.headers))).toMatchObject({ code: "FORBIDDEN", reason: "SCOPE_REQUIRED" });
      expect(errorOf(await as(COMPARE, { p: "identity_proofing", a: img, b: img }, narrow.headers))).toMatchObject({ code: "FORBIDDEN", reason: "SCOPE_REQUIRED" });
      expect(errorOf(await as(IDENTIFY_FACES, { g: "gal_x", p: "access_control", img }, narrow.headers))).toMatchObject({ code: "FORBIDDEN", reason: "SCOPE_REQUIRED" });
    });

    it("refuses more faces per request than the inference budget allows, before running anything", async () => {
      const r = await as(IDENTIFY_FACES, { g: "gal_x", p: "access_control", img: UNREAD, max: 40 });
      expect(errorOf(r)).toMatchObject({ code: "BAD_USER_INPUT", reason: "QUERY_LIMIT" });
    });
  });
});
