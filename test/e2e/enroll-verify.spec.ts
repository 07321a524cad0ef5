/**
 * The walking skeleton end to end, through GraphQL over HTTP, with the real models, on
 * real PostgreSQL and on embedded PGlite: tenant → subject → consent → enroll → verify
 * (genuine, impostor) → withdraw → refused → audit chain; templates stored only
 * encrypted; every bad input refused with its typed error and nothing written but its
 * audit event.
 */
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EnvelopeCrypto } from "../../src/adapters/crypto/envelope.crypto.js";
import { resolveMasterKey } from "../../src/adapters/crypto/local-secrets.js";
import { createLogger } from "../../src/observability/logger.js";
import { cosineSimilarity } from "../../src/math/vector.js";
import { startTestApp, type TestApp } from "../support/app-harness.js";
import { DB_KINDS } from "../support/databases.js";
import { sharedEngine, testConfig } from "../support/engine.js";
import { errorOf, gql, type GqlResponse } from "../support/graphql-client.js";
import { noFaceImage, readFace, solidImage, truncatedJpeg } from "../support/images.js";

const ENROLL = `mutation($s: ID!, $g: ID!, $p: String!, $img: ImageInput!) {
  enrollFace(input: { subjectId: $s, galleryId: $g, purpose: $p, image: $img }) { templateId galleryId modelId imageWidth imageHeight face { score box { x y width height } } } }`;
const VERIFY = `mutation($s: ID!, $p: String!, $img: ImageInput!) {
  verifyFace(input: { subjectId: $s, purpose: $p, image: $img }) { decisionId match score threshold modelId comparedTemplates face { score } } }`;
const CREATE_SUBJECT = `mutation($r: String) { createSubject(externalRef: $r) { id externalRef consents { id } templates { id } } }`;
const GRANT = `mutation($s: ID!, $p: String!) { grantConsent(input: { subjectId: $s, purpose: $p, noticeVersion: "notice-2026-11", method: E_SIGNATURE }) { consent { id purpose active method } } }`;
const WITHDRAW = `mutation($s: ID!, $p: String!) { withdrawConsent(subjectId: $s, purpose: $p) { consent { id active withdrawnAt } destroyedTemplates } }`;
const GALLERY = `mutation($n: String!) { createGallery(name: $n) { id modelId } }`;
const AUDIT = `{ auditEvents(limit: 1000) { seq action outcome reason subjectId purpose decisionId targetId actor } verifyAuditChain { valid length problem } }`;

const b64 = (buf: Uint8Array) => ({ base64: Buffer.from(buf).toString("base64") });
const TABLES = ["Tenant", "ApiKey", "Subject", "Consent", "Gallery", "Template", "Verification", "DataSubjectRequest", "AuditEvent"];

describe.each(DB_KINDS)("GraphQL walking skeleton on %s", (kind) => {
  let t: TestApp;
  let tenantA: Awaited<ReturnType<TestApp["createTenant"]>>;
  let tenantB: Awaited<ReturnType<TestApp["createTenant"]>>;
  let subjectId: string;
  let galleryId: string;

  const asA = (q: string, v: Record<string, unknown> = {}) => gql(t.url, q, v, tenantA.headers);
  const asB = (q: string, v: Record<string, unknown> = {}) => gql(t.url, q, v, tenantB.headers);

  async function counts(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const table of TABLES) out[table] = Number((await t.sql<{ n: bigint }>(`SELECT count(*) AS n FROM "${table}"`))[0]!.n);
    return out;
  }

  async function lastEvent(tenantId: string) {
    const rows = await t.sql<{ action: string; outcome: string; reason: string | null }>(
      `SELECT "action", "outcome", "reason" FROM "AuditEvent" WHERE "tenantId" = '${tenantId}' ORDER BY "seq" DESC LIMIT 1`,
    );
    return rows[0];
  }

  /** Runs a call that must fail; checks the error and that only its audit event (if any) was written. */
  async function expectRefused(
    call: () => Promise<GqlResponse>,
    expected: { code: string; reason?: string },
    audit: { tenantId: string; action: string; outcome: "DENIED" | "FAILED"; reason?: string } | null,
  ): Promise<void> {
    const before = await counts();
    const r = await call();
    expect(r.data?.[Object.keys(r.data ?? {})[0] ?? ""] ?? null).toBeNull();
    const e = errorOf(r);
    expect(e.code).toBe(expected.code);
    if (expected.reason) expect(e.reason).toBe(expected.reason);
    const after = await counts();
    expect(after).toEqual({ ...before, AuditEvent: before["AuditEvent"]! + (audit ? 1 : 0) });
    if (audit) {
      expect(await lastEvent(audit.tenantId)).toEqual({ action: audit.action, outcome: audit.outcome, reason: audit.reason ?? expected.reason });
    }
  }

  beforeAll(async () => {
    t = await startTestApp(kind);
    tenantA = await t.createTenant("tenant-a");
    tenantB = await t.createTenant("tenant-b");
  });
  afterAll(async () => t?.stop());

  describe("the happy path", () => {
    const decisions: string[] = [];

    it("creates a subject, records consent and a gallery", async () => {
      const s = await asA(CREATE_SUBJECT, { r: "employee-42" });
      expect(s.errors).toBeUndefined();
      subjectId = s.data!["createSubject"].id;
      expect(s.data!["createSubject"]).toMatchObject({ externalRef: "employee-42", consents: [], templates: [] });

      const c = await asA(GRANT, { s: subjectId, p: "access_control" });
      expect(c.data!["grantConsent"].consent).toMatchObject({ purpose: "access_control", active: true, method: "E_SIGNATURE" });

      const g = await asA(GALLERY, { n: "staff" });
      galleryId = g.data!["createGallery"].id;
      expect(g.data!["createGallery"].modelId).toBe((await sharedEngine()).modelId);
    });

    it("enrolls a face photo and returns the template id and detection details", async () => {
      const r = await asA(ENROLL, { s: subjectId, g: galleryId, p: "access_control", img: b64(await readFace("obama/obama-1.jpg")) });
      expect(r.errors).toBeUndefined();
      const e = r.data!["enrollFace"];
      expect(e.templateId).toMatch(/^tpl_/);
      expect(e.galleryId).toBe(galleryId);
      expect(e.face.score).toBeGreaterThan(0.9);
      expect(e.face.box.width).toBeGreaterThan(100);
      const meta = await sharp(await readFace("obama/obama-1.jpg")).metadata();
      expect([e.imageWidth, e.imageHeight]).toEqual([meta.width, meta.height]);
    });

    it("verifies a genuine photo as a match", async () => {
      const r = await asA(VERIFY, { s: subjectId, p: "access_control", img: b64(await readFace("obama/obama-2.jpg")) });
      expect(r.errors).toBeUndefined();
      const v = r.data!["verifyFace"];
      expect(v).toMatchObject({ match: true, comparedTemplates: 1 });
      expect(v.score).toBeGreaterThanOrEqual(v.threshold);
      expect(v.decisionId).toMatch(/^dec_/);
      decisions.push(v.decisionId);
    });

    it("verifies an impostor photo as no match", async () => {
      const r = await asA(VERIFY, { s: subjectId, p: "access_control", img: b64(await readFace("biden/biden-1.jpg")) });
      const v = r.data!["verifyFace"];
      expect(v.match).toBe(false);
      expect(v.score).toBeLessThan(v.threshold);
      decisions.push(v.decisionId);
    });

    it("refuses verification once consent is withdrawn, the template destroyed with the withdrawal", async () => {
      const w = await asA(WITHDRAW, { s: subjectId, p: "access_control" });
      expect(w.data!["withdrawConsent"]).toMatchObject({ consent: { active: false }, destroyedTemplates: 1 });
      expect(await t.sql(`SELECT "id" FROM "Template" WHERE "subjectId" = '${subjectId}'`)).toEqual([]);
      await expectRefused(
        async () => asA(VERIFY, { s: subjectId, p: "access_control", img: b64(await readFace("obama/obama-2.jpg")) }),
        { code: "FORBIDDEN", reason: "CONSENT_REQUIRED" },
        { tenantId: tenantA.tenantId, action: "VERIFY_FACE", outcome: "DENIED" },
      );
      // Consent given again: the subject enrolls anew (the later tests read this template).
      expect((await asA(GRANT, { s: subjectId, p: "access_control" })).errors).toBeUndefined();
      expect((await asA(ENROLL, { s: subjectId, g: galleryId, p: "access_control", img: b64(await readFace("obama/obama-1.jpg")) })).errors).toBeUndefined();
    });

    it("records every step in an audit chain that verifies", async () => {
      const r = await asA(AUDIT);
      expect(r.data!["verifyAuditChain"]).toMatchObject({ valid: true, problem: null });
      const events = r.data!["auditEvents"] as { action: string; outcome: string; reason: string | null; decisionId: string | null; subjectId: string | null }[];
      expect(events.map((e) => `${e.action}:${e.outcome}${e.reason ? ":" + e.reason : ""}`)).toEqual([
        "CREATE_TENANT:SUCCESS",
        "CREATE_API_KEY:SUCCESS",
        "CREATE_SUBJECT:SUCCESS",
        "GRANT_CONSENT:SUCCESS",
        "CREATE_GALLERY:SUCCESS",
        "ENROLL_FACE:SUCCESS",
        "VERIFY_FACE:SUCCESS:MATCH",
        "VERIFY_FACE:SUCCESS:NO_MATCH",
        "WITHDRAW_CONSENT:SUCCESS",
        "DESTROY_TEMPLATE:SUCCESS:CONSENT_WITHDRAWN",
        "VERIFY_FACE:DENIED:CONSENT_REQUIRED",
        "GRANT_CONSENT:SUCCESS",
        "ENROLL_FACE:SUCCESS",
      ]);
      expect(events.filter((e) => e.outcome === "SUCCESS" && e.action === "VERIFY_FACE").map((e) => e.decisionId)).toEqual(decisions);
      expect(r.data!["verifyAuditChain"].length).toBe(events.length);
      const rows = await t.sql<{ id: string; match: boolean }>(`SELECT "id", "match" FROM "Verification" WHERE "tenantId" = '${tenantA.tenantId}' ORDER BY "createdAt"`);
      expect(rows).toEqual([{ id: decisions[0], match: true }, { id: decisions[1], match: false }]);
    });

    it("detects tampering with a stored audit event", async () => {
      await t.sql(`UPDATE "AuditEvent" SET "outcome" = 'SUCCESS' WHERE "tenantId" = '${tenantA.tenantId}' AND "reason" = 'CONSENT_REQUIRED'`);
      const broken = (await asA(AUDIT)).data!["verifyAuditChain"];
      expect(broken.valid).toBe(false);
      await t.sql(`UPDATE "AuditEvent" SET "outcome" = 'DENIED' WHERE "tenantId" = '${tenantA.tenantId}' AND "reason" = 'CONSENT_REQUIRED'`);
      expect((await asA(AUDIT)).data!["verifyAuditChain"].valid).toBe(true);
    });

    it("reads the subject with consents and template metadata, never vectors", async () => {
      const r = await asA(`query($s: ID!) { subject(id: $s) { id consents { purpose active state withdrawnAt } templates { id purpose modelId faceWidth faceHeight detectionScore retainUntil } } }`, { s: subjectId });
      const s = r.data!["subject"];
      expect(s.consents).toHaveLength(2);
      expect(s.consents[0]).toMatchObject({ purpose: "access_control", active: false, state: "WITHDRAWN" });
      expect(s.consents[1]).toMatchObject({ purpose: "access_control", active: true, state: "ACTIVE" });
      expect(s.templates).toHaveLength(1);
      expect(s.templates[0]).toMatchObject({ purpose: "access_control" });
      // access_control keeps templates 180 days after their last use at most (policies/default.policy.json).
      expect(Date.parse(s.templates[0].retainUntil) - Date.now()).toBeGreaterThan(179 * 86_400_000);
      expect(Date.parse(s.templates[0].retainUntil) - Date.now()).toBeLessThan(181 * 86_400_000);
      expect(JSON.stringify(r)).not.toMatch(/ciphertext|embedding|wrapped/i);
    });

    it("answers health without a key, on GraphQL and on /health", async () => {
      const r = await gql(t.url, `{ health { status database modelId } }`);
      expect(r.data!["health"]).toMatchObject({ status: "ok", database: kind });
      const h = await fetch(t.url.replace(/\/graphql$/, "/health"));
      expect(h.status).toBe(200);
      expect(await h.json()).toMatchObject({ status: "ok", database: kind });
    });
  });

  describe("templates at rest", () => {
    it("stores no plaintext vector in any template row, and only the right tenant key decrypts it", async () => {
      const engine = await sharedEngine();
      const plain = (await engine.capture(await readFace("obama/obama-1.jpg"), "single")).embedding;
      const plainBytes = Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength);
      const rows = await t.sql<Record<string, unknown>>(`SELECT * FROM "Template" WHERE "tenantId" = '${tenantA.tenantId}'`);
      expect(rows).toHaveLength(1);
      const row = rows[0]!;
      const ciphertext = Buffer.from(row["ciphertext"] as Uint8Array);
      const everything = Buffer.concat(Object.values(row).map((v) => (v instanceof Uint8Array ? Buffer.from(v) : Buffer.from(String(v)))));
      // No 8-byte run (two consecutive float32 values) of the embedding appears anywhere in the row.
      for (let i = 0; i + 8 <= plainBytes.length; i += 4) expect(everything.includes(plainBytes.subarray(i, i + 8))).toBe(false);
      // Nor as text: the first few components printed as numbers.
      for (const x of plain.slice(0, 8)) expect(everything.toString("latin1")).not.toContain(x.toPrecision(6));
      // Read as float32, the ciphertext is no unit vector close to the embedding.
      const asFloats = new Float32Array(ciphertext.buffer.slice(ciphertext.byteOffset + 1, ciphertext.byteOffset + 1 + plain.byteLength));
      expect(Math.abs(cosineSimilarity(Array.from(asFloats, (v) => (Number.isFinite(v) ? v : 0)), plain))).toBeLessThan(0.2);

      // The stored wrapped data key opens with tenant A's key and decrypts the template…
      const masterKey = await resolveMasterKey(testConfig(t.db.env), createLogger("silent"));
      const crypto = new EnvelopeCrypto(masterKey);
      const keyRow = (await t.app.vault.get(tenantA.tenantId, String(row["subjectId"])))!;
      const binding = { tenantId: tenantA.tenantId, subjectId: String(row["subjectId"]), templateId: String(row["id"]), modelId: String(row["modelId"]) };
      const key = crypto.unwrapDataKey(tenantA.tenantId, binding.subjectId, { wrappedKey: keyRow.wrappedKey, kekVersion: keyRow.kekVersion });
      expect(cosineSimilarity(crypto.open(key, ciphertext, binding), plain)).toBeGreaterThan(0.9999);
      // …and not with tenant B's key.
      expect(() => crypto.unwrapDataKey(tenantB.tenantId, binding.subjectId, { wrappedKey: keyRow.wrappedKey, kekVersion: keyRow.kekVersion })).toThrow();
    });

    it("keeps images, vectors and keys out of the audit trail", async () => {
      const image = (await readFace("obama/obama-1.jpg")).toString("base64").slice(1000, 1040);
      const rows = await t.sql<Record<string, unknown>>(`SELECT * FROM "AuditEvent"`);
      const text = JSON.stringify(rows);
      expect(text).not.toContain(image);
      expect(text).not.toMatch(/(-?0\.\d{4,},){8}/);
      expect(text).not.toContain(tenantA.apiKey.split(".")[1]);
    });
  });

  describe("bad input: a typed error, and nothing written but the audit event", () => {
    let s2: string;
    let g2: string;

    beforeAll(async () => {
      s2 = (await asA(CREATE_SUBJECT, { r: null })).data!["createSubject"].id;
      await asA(GRANT, { s: s2, p: "access_control" });
      g2 = (await asA(GALLERY, { n: "bad-input" })).data!["createGallery"].id;
    });

    const enrollA = (img: Record<string, unknown>, over: Record<string, unknown> = {}) => asA(ENROLL, { s: s2, g: g2, p: "access_control", img, ...over });
    const failed = (action = "ENROLL_FACE") => ({ tenantId: tenantA.tenantId, action, outcome: "FAILED" as const });
    const denied = (action = "ENROLL_FACE") => ({ tenantId: tenantA.tenantId, action, outcome: "DENIED" as const });

    it("corrupt image → INVALID_IMAGE", async () => {
      await expectRefused(async () => enrollA(b64(await truncatedJpeg())), { code: "BAD_USER_INPUT", reason: "INVALID_IMAGE" }, failed());
    });

    it("unsupported format (GIF) → INVALID_IMAGE", async () => {
      await expectRefused(async () => enrollA(b64(await solidImage(64, 64, "gif"))), { code: "BAD_USER_INPUT", reason: "INVALID_IMAGE" }, failed());
    });

    it("text that is not base64 → INVALID_IMAGE", async () => {
      await expectRefused(() => enrollA({ base64: "this is not base64!" }), { code: "BAD_USER_INPUT", reason: "INVALID_IMAGE" }, failed());
    });

    it("no face → NO_FACE", async () => {
      await expectRefused(async () => enrollA(b64(await noFaceImage())), { code: "BAD_USER_INPUT", reason: "NO_FACE" }, failed());
    });

    it("two faces on enroll → MULTIPLE_FACES", async () => {
      await expectRefused(async () => enrollA(b64(await readFace("_multi/two_people.jpg"))), { code: "BAD_USER_INPUT", reason: "MULTIPLE_FACES" }, failed());
    });

    it("too many pixels → IMAGE_TOO_LARGE", async () => {
      // 108 megapixels of one colour: a small file, refused from its header.
      await expectRefused(async () => enrollA(b64(await solidImage(12000, 9000))), { code: "BAD_USER_INPUT", reason: "IMAGE_TOO_LARGE" }, failed());
    });

    it("too small → IMAGE_TOO_SMALL", async () => {
      await expectRefused(async () => enrollA(b64(await solidImage(16, 16))), { code: "BAD_USER_INPUT", reason: "IMAGE_TOO_SMALL" }, failed());
    });

    it("no image at all → BAD_USER_INPUT", async () => {
      await expectRefused(() => enrollA({}), { code: "BAD_USER_INPUT", reason: "INVALID_INPUT" }, failed());
      await expectRefused(() => enrollA({ base64: null, upload: null }), { code: "BAD_USER_INPUT", reason: "INVALID_INPUT" }, failed());
    });

    it("a badly formed purpose → BAD_USER_INPUT", async () => {
      await expectRefused(async () => enrollA(b64(await readFace("biden/biden-2.jpg")), { p: "Access Control!" }), { code: "BAD_USER_INPUT", reason: "INVALID_INPUT" }, failed());
    });

    it("missing consent for the purpose → FORBIDDEN / CONSENT_REQUIRED, image not processed", async () => {
      await expectRefused(async () => enrollA(b64(await readFace("biden/biden-2.jpg")), { p: "attendance" }), { code: "FORBIDDEN", reason: "CONSENT_REQUIRED" }, denied());
    });

    it("unknown subject → NOT_FOUND", async () => {
      await expectRefused(async () => enrollA(b64(await readFace("biden/biden-2.jpg")), { s: "sub_doesnotexist" }), { code: "NOT_FOUND", reason: "SUBJECT_NOT_FOUND" }, failed());
    });

    it("another tenant's subject → NOT_FOUND, and nothing in that tenant's trail", async () => {
      const aHead = await lastEvent(tenantA.tenantId);
      const gB = (await asB(GALLERY, { n: "b-gallery" })).data!["createGallery"].id;
      await expectRefused(
        async () => asB(ENROLL, { s: s2, g: gB, p: "access_control", img: b64(await readFace("biden/biden-2.jpg")) }),
        { code: "NOT_FOUND", reason: "SUBJECT_NOT_FOUND" },
        { tenantId: tenantB.tenantId, action: "ENROLL_FACE", outcome: "FAILED" },
      );
      await expectRefused(
        async () => asB(VERIFY, { s: subjectId, p: "access_control", img: b64(await readFace("obama/obama-2.jpg")) }),
        { code: "NOT_FOUND", reason: "SUBJECT_NOT_FOUND" },
        { tenantId: tenantB.tenantId, action: "VERIFY_FACE", outcome: "FAILED" },
      );
      await expectRefused(
        () => asB(`query($s: ID!) { subject(id: $s) { id } }`, { s: subjectId }),
        { code: "NOT_FOUND", reason: "SUBJECT_NOT_FOUND" },
        { tenantId: tenantB.tenantId, action: "READ_SUBJECT", outcome: "FAILED" },
      );
      expect(await lastEvent(tenantA.tenantId)).toEqual(aHead);
    });

    it("another tenant's gallery → NOT_FOUND", async () => {
      const gB = (await asB(`{ galleries { edges { node { id } } } }`)).data!["galleries"].edges[0].node.id;
      await expectRefused(async () => enrollA(b64(await readFace("biden/biden-2.jpg")), { g: gB }), { code: "NOT_FOUND", reason: "GALLERY_NOT_FOUND" }, failed());
    });

    it("verify without enrolled templates → NOT_FOUND / NO_TEMPLATES", async () => {
      await expectRefused(async () => asA(VERIFY, { s: s2, p: "access_control", img: b64(await readFace("biden/biden-2.jpg")) }), { code: "NOT_FOUND", reason: "NO_TEMPLATES" }, failed("VERIFY_FACE"));
    });

    it("bad or missing API key → UNAUTHENTICATED, nothing written at all", async () => {
      const img = b64(await readFace("biden/biden-2.jpg"));
      await expectRefused(() => gql(t.url, ENROLL, { s: s2, g: g2, p: "access_control", img }, { authorization: "Bearer key_nope.secret" }), { code: "UNAUTHENTICATED", reason: "INVALID_API_KEY" }, null);
      await expectRefused(() => gql(t.url, ENROLL, { s: s2, g: g2, p: "access_control", img }, { authorization: `Bearer ${tenantA.apiKey}x` }), { code: "UNAUTHENTICATED" }, null);
      await expectRefused(() => gql(t.url, ENROLL, { s: s2, g: g2, p: "access_control", img }), { code: "UNAUTHENTICATED" }, null);
    });

    it("a key without the scope → FORBIDDEN / SCOPE_REQUIRED", async () => {
      const reader = await t.createTenant("read-only", ["subjects:read"]);
      await expectRefused(() => gql(t.url, CREATE_SUBJECT, { r: null }, reader.headers), { code: "FORBIDDEN", reason: "SCOPE_REQUIRED" }, { tenantId: reader.tenantId, action: "CREATE_SUBJECT", outcome: "DENIED" });
    });

    it("creating a tenant without the admin token → UNAUTHENTICATED", async () => {
      await expectRefused(() => gql(t.url, `mutation { createTenant(name: "x") { tenantId } }`, {}, tenantA.headers), { code: "UNAUTHENTICATED", reason: "INVALID_ADMIN_TOKEN" }, null);
      await expectRefused(() => gql(t.url, `mutation { createTenant(name: "x") { tenantId } }`, {}, { "x-admin-token": "wrong" }), { code: "UNAUTHENTICATED", reason: "INVALID_ADMIN_TOKEN" }, null);
    });

    it("malformed GraphQL → GRAPHQL_PARSE_FAILED / GRAPHQL_VALIDATION_FAILED", async () => {
      const before = await counts();
      const parse = await gql(t.url, `mutation { createSubject(externalRef: "x") { id `, {}, tenantA.headers);
      expect(parse.status).toBe(400);
      expect(errorOf(parse).code).toBe("GRAPHQL_PARSE_FAILED");
      const invalid = await gql(t.url, `mutation { createSubject(externalRef: "x") { id vector } }`, {}, tenantA.headers);
      expect(errorOf(invalid).code).toBe("GRAPHQL_VALIDATION_FAILED");
      const badVar = await gql(t.url, VERIFY, { s: subjectId, p: 5, img: {} }, tenantA.headers);
      expect(errorOf(badVar).code).toBe("BAD_USER_INPUT");
      const notJson = await fetch(t.url, { method: "POST", headers: { "content-type": "application/json", ...tenantA.headers }, body: "{oops" });
      expect(notJson.status).toBe(400);
      expect(await counts()).toEqual(before);
    });

    it("a failure part-way through enrollment leaves no template and no half-written rows", async () => {
      // Make the database itself fail after the template row is inserted: the success audit
      // event is the last write of the enrollment transaction.
      await t.sql(`CREATE OR REPLACE FUNCTION fail_enroll() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION 'simulated storage failure'; END; $$ LANGUAGE plpgsql`);
      await t.sql(`CREATE TRIGGER fail_enroll BEFORE INSERT ON "AuditEvent" FOR EACH ROW
        WHEN (NEW."action" = 'ENROLL_FACE' AND NEW."outcome" = 'SUCCESS') EXECUTE FUNCTION fail_enroll()`);
      try {
        const head = await t.sql<{ auditSeq: number }>(`SELECT "auditSeq" FROM "Tenant" WHERE "id" = '${tenantA.tenantId}'`);
        await expectRefused(async () => enrollA(b64(await readFace("biden/biden-2.jpg"))), { code: "INTERNAL_SERVER_ERROR" }, { ...failed(), reason: "INTERNAL" });
        const [{ n }] = (await t.sql<{ n: bigint }>(`SELECT count(*) AS n FROM "Template" WHERE "subjectId" = '${s2}'`)) as [{ n: bigint }];
        expect(Number(n)).toBe(0);
        const after = await t.sql<{ auditSeq: number }>(`SELECT "auditSeq" FROM "Tenant" WHERE "id" = '${tenantA.tenantId}'`);
        expect(after[0]!.auditSeq).toBe(head[0]!.auditSeq + 1); // only the FAILED event
      } finally {
        await t.sql(`DROP TRIGGER fail_enroll ON "AuditEvent"`);
      }
      const ok = await enrollA(b64(await readFace("biden/biden-2.jpg")));
      expect(ok.errors).toBeUndefined();
      expect((await asA(AUDIT)).data!["verifyAuditChain"].valid).toBe(true);
    });
  });

  describe("multipart upload", () => {
    async function multipart(file: Buffer, headers: Record<string, string>) {
      const form = new FormData();
      form.append("operations", JSON.stringify({ query: VERIFY, variables: { s: subjectId, p: "access_control", img: { upload: null } } }));
      form.append("map", JSON.stringify({ "0": ["variables.img.upload"] }));
      form.append("0", new Blob([file], { type: "image/jpeg" }), "probe.jpg");
      const res = await fetch(t.url, { method: "POST", body: form, headers: { ...tenantA.headers, ...headers } });
      return { status: res.status, body: (await res.json()) as GqlResponse & { errors?: { extensions?: { code?: string } }[] } };
    }

    it("accepts an image sent as a GraphQL multipart request", async () => {
      const { status, body } = await multipart(await readFace("obama/obama-3.jpg"), { "apollo-require-preflight": "true" });
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      expect((body.data as Record<string, { match: boolean }>)["verifyFace"]!.match).toBe(true);
    });

    it("refuses a multipart request without the CSRF preflight header", async () => {
      const { status, body } = await multipart(await readFace("obama/obama-3.jpg"), {});
      expect(status).toBe(400);
      expect(body.errors?.[0]?.extensions?.code).toBe("BAD_REQUEST");
    });
  });
});
