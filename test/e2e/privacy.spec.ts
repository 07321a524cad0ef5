/**
 * The privacy and compliance core end to end, through GraphQL, with the real models: on
 * PostgreSQL with Redis (BullMQ jobs) and on embedded PGlite (in-process jobs). Policy
 * enforcement, consent withdrawal and expiry, retention with a fake clock, legal hold,
 * erasure with crypto-shredding and its per-store report, key rotation interrupted and
 * resumed, signed data subject exports and audit exports — each checked behind the
 * application's back (raw table and Redis scans, the key vault, the crypto itself).
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EnvelopeCrypto } from "../../src/adapters/crypto/envelope.crypto.js";
import { publicKeyId, verifyEd25519 } from "../../src/adapters/crypto/document-signer.js";
import { resolveMasterKey } from "../../src/adapters/crypto/local-secrets.js";
import { verifyMain } from "../../src/cli/verify.command.js";
import { verifyAuditExport } from "../../src/domain/audit-export.js";
import { verifySignedDocument } from "../../src/domain/signed-document.js";
import { createLogger, type Logger } from "../../src/observability/logger.js";
import { SUBJECT_EXPORT_FORMAT } from "../../src/services/data-subject-request.service.js";
import { SUBJECT_DATA } from "../../src/services/subject-data.js";
import { startTestApp, type TestApp } from "../support/app-harness.js";
import type { DbKind } from "../support/databases.js";
import { testConfig } from "../support/engine.js";
import { DAY, FakeClock } from "../support/fake-clock.js";
import { errorOf, gql } from "../support/graphql-client.js";
import { readFace } from "../support/images.js";
import { dumpDatabase, dumpRedis, findIn } from "../support/raw-scan.js";

const REDIS_URL = process.env["TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379";
const T0 = new Date("2026-01-05T09:00:00.000Z");

const CREATE_SUBJECT = `mutation($r: String, $d: String) { createSubject(externalRef: $r, dateOfBirth: $d) { id } }`;
const GRANT = `mutation($s: ID!, $p: String!, $m: ConsentMethod!, $e: String, $sep: Boolean, $x: DateTimeISO) {
  grantConsent(input: { subjectId: $s, purpose: $p, noticeVersion: "notice-v3", method: $m, evidenceRef: $e, separate: $sep, expiresAt: $x,
    noticeHash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" }) { consent { id state } } }`;
const WITHDRAW = `mutation($s: ID!, $p: String!) { withdrawConsent(subjectId: $s, purpose: $p) { destroyedTemplates consent { state } } }`;
const ENROLL = `mutation($s: ID!, $g: ID!, $p: String!, $img: ImageInput!) { enrollFace(input: { subjectId: $s, galleryId: $g, purpose: $p, image: $img }) { templateId } }`;
const VERIFY = `mutation($s: ID!, $p: String!, $img: ImageInput!) { verifyFace(input: { subjectId: $s, purpose: $p, image: $img }) { decisionId match score threshold } }`;
const TEMPLATES = `query($s: ID!) { subject(id: $s) { templates { id retainUntil lastUsedAt } } }`;

const b64 = (buf: Uint8Array) => ({ base64: Buffer.from(buf).toString("base64") });

interface Mode {
  kind: DbKind;
  redis: boolean;
}

/** A logger that keeps what it was given (to check what policy decisions log). */
function recordingLogger(): Logger & { lines: { msg: string; fields: Record<string, unknown> }[] } {
  const lines: { msg: string; fields: Record<string, unknown> }[] = [];
  const keep = (msg: string, fields: Record<string, unknown> = {}) => void lines.push({ msg, fields });
  return { lines, debug: keep, info: keep, warn: keep, error: keep };
}

describe.each<Mode>([
  { kind: "postgres", redis: true },
  { kind: "pglite", redis: false },
])("privacy core on $kind (Redis jobs: $redis)", ({ kind, redis }) => {
  let t: TestApp;
  let clock: FakeClock;
  let log: ReturnType<typeof recordingLogger>;
  let tenant: Awaited<ReturnType<TestApp["createTenant"]>>;
  let galleryId: string;
  let crypto: EnvelopeCrypto;
  const prefix = `fid-test-${randomBytes(4).toString("hex")}`;
  // A vector cache that can be made to fail, to see a partial erasure reported as failed.
  let cacheDown = false;
  const cache = {
    store: "cache" as const,
    eraseSubject: async () => {
      if (cacheDown) throw new Error("cache unreachable");
      return 0;
    },
  };

  const as = (q: string, v: Record<string, unknown> = {}) => gql(t.url, q, v, tenant.headers);
  const face = async (rel: string) => b64(await readFace(rel));
  const sweep = async () => {
    await t.app.jobs.enqueue("retention.sweep", {});
    await t.app.jobs.drain();
  };
  async function subjectWithTemplate(opts: { ref?: string; purpose?: string; photo?: string; evidence?: string } = {}): Promise<string> {
    const s = (await as(CREATE_SUBJECT, { r: opts.ref ?? null })).data!["createSubject"].id as string;
    const g = await as(GRANT, { s, p: opts.purpose ?? "access_control", m: "E_SIGNATURE", e: opts.evidence ?? null });
    expect(g.errors).toBeUndefined();
    const e = await as(ENROLL, { s, g: galleryId, p: opts.purpose ?? "access_control", img: await face(opts.photo ?? "obama/obama-1.jpg") });
    expect(e.errors).toBeUndefined();
    return s;
  }
  async function scanEverything(): Promise<Map<string, Buffer>> {
    const all = await dumpDatabase(t);
    if (redis) all.set("redis", (await dumpRedis(REDIS_URL, prefix)).bytes);
    return all;
  }

  beforeAll(async () => {
    clock = new FakeClock(T0.getTime());
    log = recordingLogger();
    t = await startTestApp(kind, redis ? { REDIS_URL, REDIS_PREFIX: prefix } : {}, { clock, log, erasureParticipants: [cache] });
    tenant = await t.createTenant("privacy-tenant");
    galleryId = (await as(`mutation { createGallery(name: "staff") { id } }`)).data!["createGallery"].id;
    crypto = new EnvelopeCrypto(await resolveMasterKey(testConfig(t.db.env), createLogger("silent")));
  });
  afterAll(async () => {
    await t?.stop();
  });

  describe("policy", () => {
    it("refuses a purpose the policy does not declare, and a consent of the wrong kind", async () => {
      const s = (await as(CREATE_SUBJECT, { r: null, d: "1990-04-01" })).data!["createSubject"].id;
      expect(errorOf(await as(GRANT, { s, p: "marketing", m: "CLICK" }))).toMatchObject({ code: "FORBIDDEN", reason: "PURPOSE_NOT_DECLARED" });
      // payment_verification needs a written release (method WRITTEN / E_SIGNATURE with evidence).
      expect((await as(GRANT, { s, p: "payment_verification", m: "CLICK" })).errors).toBeUndefined();
      const refused = await as(ENROLL, { s, g: galleryId, p: "payment_verification", img: await face("obama/obama-1.jpg") });
      expect(errorOf(refused)).toMatchObject({ code: "FORBIDDEN", reason: "CONSENT_TYPE_INSUFFICIENT" });
      expect(await t.sql(`SELECT "id" FROM "Template" WHERE "subjectId" = '${s}'`)).toEqual([]);
    });

    it("needs a guardian's consent below the purpose's minimum age", async () => {
      const minor = (await as(CREATE_SUBJECT, { r: null, d: "2015-06-01" })).data!["createSubject"].id;
      await as(GRANT, { s: minor, p: "attendance", m: "CLICK", sep: true });
      const r = await as(ENROLL, { s: minor, g: galleryId, p: "attendance", img: await face("obama/obama-1.jpg") });
      expect(errorOf(r)).toMatchObject({ code: "FORBIDDEN", reason: "GUARDIAN_CONSENT_REQUIRED" });
    });

    it("logs each decision with the subject masked", async () => {
      const decisions = log.lines.filter((l) => l.msg === "policy decision");
      expect(decisions.length).toBeGreaterThan(0);
      for (const d of decisions) expect(String(d.fields["subject"])).toMatch(/^sub#[0-9a-f]{10}$/);
      expect(JSON.stringify(decisions)).not.toMatch(/sub_[0-9a-f]{32}/);
    });
  });

  describe("consent lifecycle", () => {
    it("withdrawal: the next verify is refused and no ciphertext or wrapped key is left in any table or Redis key", async () => {
      const s = await subjectWithTemplate();
      const [row] = await t.sql<{ ciphertext: Uint8Array }>(`SELECT "ciphertext" FROM "Template" WHERE "subjectId" = '${s}'`);
      const ciphertext = Buffer.from(row!.ciphertext);
      const wrapped = Buffer.from((await t.app.vault.get(tenant.tenantId, s))!.wrappedKey);
      // The scan finds the ciphertext while it exists (the check can fail).
      expect(findIn(await scanEverything(), ciphertext)).toEqual(["Template"]);

      expect((await as(WITHDRAW, { s, p: "access_control" })).data!["withdrawConsent"]).toMatchObject({ destroyedTemplates: 1, consent: { state: "WITHDRAWN" } });
      const v = await as(VERIFY, { s, p: "access_control", img: await face("obama/obama-2.jpg") });
      expect(errorOf(v)).toMatchObject({ code: "FORBIDDEN", reason: "CONSENT_REQUIRED" });
      const everywhere = await scanEverything();
      expect(findIn(everywhere, ciphertext)).toEqual([]);
      expect(findIn(everywhere, ciphertext.subarray(13, 45))).toEqual([]);
      expect(findIn(everywhere, wrapped)).toEqual([]);
      expect(findIn(everywhere, wrapped.subarray(13, 45))).toEqual([]);
    });

    it("expiry: refused at once when the consent lapses, its templates destroyed by the lapse job within seconds", async () => {
      const s = (await as(CREATE_SUBJECT, { r: null })).data!["createSubject"].id;
      const expiresAt = new Date(clock.now().getTime() + 1500);
      expect((await as(GRANT, { s, p: "access_control", m: "CLICK", x: expiresAt.toISOString() })).errors).toBeUndefined();
      expect((await as(ENROLL, { s, g: galleryId, p: "access_control", img: await face("obama/obama-1.jpg") })).errors).toBeUndefined();
      clock.advanceDays(1);
      const v = await as(VERIFY, { s, p: "access_control", img: await face("obama/obama-2.jpg") });
      expect(errorOf(v)).toMatchObject({ code: "FORBIDDEN", reason: "CONSENT_REQUIRED" });
      const deadline = Date.now() + 8000;
      let left = 1;
      while (Date.now() < deadline && left > 0) {
        await new Promise((r) => setTimeout(r, 100));
        left = (await t.sql(`SELECT "id" FROM "Template" WHERE "subjectId" = '${s}'`)).length;
      }
      expect(left).toBe(0);
      const events = await t.sql<{ reason: string; actor: string }>(`SELECT "reason", "actor" FROM "AuditEvent" WHERE "subjectId" = '${s}' AND "action" = 'DESTROY_TEMPLATE'`);
      expect(events).toEqual([{ reason: "CONSENT_ENDED", actor: "system:consent-expiry" }]);
    });
  });

  describe("retention", () => {
    it("a day before expiry the template matches; a day after, the sweep has destroyed it", async () => {
      clock.set(T0);
      const s = await subjectWithTemplate();
      const enrolled = (await as(TEMPLATES, { s })).data!["subject"].templates[0];
      // access_control: 180 days after the last use, 730 at most.
      expect(Date.parse(enrolled.retainUntil)).toBe(T0.getTime() + 180 * DAY);

      clock.advanceDays(179);
      await sweep();
      const forecast = async () => (await as(`{ retentionForecast { within7Days within30Days } }`)).data!["retentionForecast"] as { within7Days: number; within30Days: number };
      const due = await forecast();
      const before = await as(VERIFY, { s, p: "access_control", img: await face("obama/obama-2.jpg") });
      expect(before.data!["verifyFace"].match).toBe(true);
      // The match extended its retention: one deletion fewer is due within 7 (and 30) days.
      const afterUse = await forecast();
      expect([due.within7Days - afterUse.within7Days, due.within30Days - afterUse.within30Days]).toEqual([1, 1]);
      const used = (await as(TEMPLATES, { s })).data!["subject"].templates[0];
      expect(Date.parse(used.lastUsedAt)).toBe(T0.getTime() + 179 * DAY);
      expect(Date.parse(used.retainUntil)).toBe(T0.getTime() + 359 * DAY);

      clock.advanceDays(181);
      await sweep();
      expect((await as(TEMPLATES, { s })).data!["subject"].templates).toEqual([]);
      const after = await as(VERIFY, { s, p: "access_control", img: await face("obama/obama-2.jpg") });
      expect(errorOf(after)).toMatchObject({ code: "NOT_FOUND", reason: "NO_TEMPLATES" });
      const events = await t.sql<{ reason: string; actor: string }>(`SELECT "reason", "actor" FROM "AuditEvent" WHERE "subjectId" = '${s}' AND "action" = 'DESTROY_TEMPLATE'`);
      expect(events).toEqual([{ reason: "RETENTION_EXPIRED", actor: "system:retention" }]);
    });

    it("restriction of processing: nothing is enrolled, matched or deleted by retention while it lasts; audited; lifted, matching resumes", async () => {
      const s = await subjectWithTemplate();
      const IDENTIFY = `mutation($g: ID!, $img: ImageInput!) { identifyFace(input: { galleryId: $g, purpose: "access_control", image: $img, topK: 100 }) { candidates { subjectId } } }`;
      const candidates = async () => ((await as(IDENTIFY, { g: galleryId, img: await face("obama/obama-2.jpg") })).data!["identifyFace"].candidates as { subjectId: string }[]).map((c) => c.subjectId);
      expect(await candidates()).toContain(s);

      const r = await as(`mutation($s: ID!) { restrictProcessing(subjectId: $s, reason: "accuracy contested, ticket 9") { restrictedSince restrictionReason } }`, { s });
      expect(r.data!["restrictProcessing"]).toEqual({ restrictedSince: clock.now().toISOString(), restrictionReason: "accuracy contested, ticket 9" });
      expect(errorOf(await as(VERIFY, { s, p: "access_control", img: await face("obama/obama-2.jpg") }))).toMatchObject({ code: "FORBIDDEN", reason: "PROCESSING_RESTRICTED" });
      expect(await candidates()).not.toContain(s);
      expect(errorOf(await as(ENROLL, { s, g: galleryId, p: "access_control", img: await face("obama/obama-3.jpg") }))).toMatchObject({ code: "FORBIDDEN", reason: "PROCESSING_RESTRICTED" });
      expect(errorOf(await as(`mutation($s: ID!) { restrictProcessing(subjectId: $s, reason: "twice over") { restrictedSince } }`, { s }))).toMatchObject({ reason: "ALREADY_EXISTS" });
      const listed = await as(`{ subjects(first: 100, filter: { restricted: true }) { edges { node { id restrictedSince } } } }`);
      expect(listed.data!["subjects"].edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([s]);

      // Kept: past its retention the template stays while the restriction lasts (the clock is
      // put back at the end: later tests count days from where it was).
      const start = clock.now();
      clock.advanceDays(181);
      await sweep();
      expect((await as(TEMPLATES, { s })).data!["subject"].templates).toHaveLength(1);

      const lifted = await as(`mutation($s: ID!) { liftRestriction(subjectId: $s) { restrictedSince } }`, { s });
      expect(lifted.data!["liftRestriction"].restrictedSince).toBeNull();
      expect(errorOf(await as(`mutation($s: ID!) { liftRestriction(subjectId: $s) { restrictedSince } }`, { s }))).toMatchObject({ reason: "REQUEST_STATE" });
      expect((await as(VERIFY, { s, p: "access_control", img: await face("obama/obama-2.jpg") })).data!["verifyFace"].match).toBe(true);
      const events = await t.sql<{ action: string; outcome: string; reason: string | null }>(`SELECT "action", "outcome", "reason" FROM "AuditEvent" WHERE "subjectId" = '${s}' ORDER BY "seq"`);
      expect(events).toEqual(
        expect.arrayContaining([
          { action: "RESTRICT_PROCESSING", outcome: "SUCCESS", reason: null },
          { action: "VERIFY_FACE", outcome: "DENIED", reason: "PROCESSING_RESTRICTED" },
          { action: "ENROLL_FACE", outcome: "DENIED", reason: "PROCESSING_RESTRICTED" },
          { action: "LIFT_RESTRICTION", outcome: "SUCCESS", reason: null },
        ]),
      );
      expect(events.filter((e) => e.action === "DESTROY_TEMPLATE")).toEqual([]);
      clock.set(start);
    });

    it("legal hold blocks matching and deletion, and is audited; on release the held-back deletion happens", async () => {
      const s = await subjectWithTemplate();
      const hold = await as(`mutation($s: ID!) { setLegalHold(subjectId: $s, reason: "case 2026-117, court order") { legalHoldSince } }`, { s });
      expect(hold.data!["setLegalHold"].legalHoldSince).not.toBeNull();
      const v = await as(VERIFY, { s, p: "access_control", img: await face("obama/obama-2.jpg") });
      expect(errorOf(v)).toMatchObject({ code: "FORBIDDEN", reason: "LEGAL_HOLD" });
      expect((await as(WITHDRAW, { s, p: "access_control" })).data!["withdrawConsent"].destroyedTemplates).toBe(0);
      await sweep();
      expect((await t.sql(`SELECT "id" FROM "Template" WHERE "subjectId" = '${s}'`)).length).toBe(1);
      const dsr = (await as(`mutation($s: ID!) { openDataSubjectRequest(subjectId: $s, kind: ERASURE) { id } }`, { s })).data!["openDataSubjectRequest"].id;
      await as(`mutation($r: ID!) { verifyRequesterIdentity(requestId: $r, method: "id card at the desk", evidenceRef: "ticket-77") { status } }`, { r: dsr });
      const refused = await as(`mutation($r: ID!) { fulfilDataSubjectRequest(requestId: $r) { request { status } } }`, { r: dsr });
      expect(errorOf(refused)).toMatchObject({ code: "FORBIDDEN", reason: "LEGAL_HOLD" });
      expect(await t.app.vault.get(tenant.tenantId, s)).not.toBeNull();

      await as(`mutation($s: ID!) { releaseLegalHold(subjectId: $s) { legalHoldSince } }`, { s });
      await sweep();
      expect((await t.sql(`SELECT "id" FROM "Template" WHERE "subjectId" = '${s}'`)).length).toBe(0);
      const actions = await t.sql<{ action: string; reason: string | null }>(`SELECT "action", "reason" FROM "AuditEvent" WHERE "subjectId" = '${s}' ORDER BY "seq"`);
      expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(["SET_LEGAL_HOLD", "RELEASE_LEGAL_HOLD"]));
      expect(actions.at(-1)).toEqual({ action: "DESTROY_TEMPLATE", reason: "CONSENT_ENDED" });
    });
  });

  describe("erasure", () => {
    it("reports per store, leaves no trace of a planted canary in the database, the key vault or Redis, and keeps its audit entry", async () => {
      const canary = `CANARY-${randomBytes(6).toString("hex")}`;
      const s = await subjectWithTemplate({ ref: canary, evidence: `${canary}-form` });
      expect((await as(VERIFY, { s, p: "access_control", img: await face("obama/obama-2.jpg") })).data!["verifyFace"].match).toBe(true);
      // Data in every erasable store: an identification that lists the subject, a liveness session.
      const identified = await as(`mutation($g: ID!, $img: ImageInput!) { identifyFace(input: { galleryId: $g, purpose: "access_control", image: $img }) { candidates { subjectId } } }`, { g: galleryId, img: await face("obama/obama-2.jpg") });
      expect(identified.data!["identifyFace"].candidates.map((c: { subjectId: string }) => c.subjectId)).toContain(s);
      expect((await as(`mutation($s: ID!) { startLivenessSession(subjectId: $s, purpose: "access_control") { sessionId } }`, { s })).errors).toBeUndefined();
      expect(findIn(await scanEverything(), Buffer.from(canary)).sort()).toEqual(["Consent", "Subject"]);

      const dsr = (await as(`mutation($s: ID!) { openDataSubjectRequest(subjectId: $s, kind: ERASURE) { id status daysLeft } }`, { s })).data!["openDataSubjectRequest"];
      expect(dsr).toMatchObject({ status: "AWAITING_IDENTITY", daysLeft: 31 });
      const early = await as(`mutation($r: ID!) { fulfilDataSubjectRequest(requestId: $r) { request { status } } }`, { r: dsr.id });
      expect(errorOf(early)).toMatchObject({ code: "CONFLICT", reason: "REQUEST_STATE" });
      await as(`mutation($r: ID!) { verifyRequesterIdentity(requestId: $r, method: "signed-in account", evidenceRef: "session-5") { status } }`, { r: dsr.id });
      const done = await as(`mutation($r: ID!) { fulfilDataSubjectRequest(requestId: $r) {
        request { status completedAt result } erasure { status stores { store status items } } } }`, { r: dsr.id });
      const report = done.data!["fulfilDataSubjectRequest"];
      expect(report.request.status).toBe("COMPLETED");
      expect(report.erasure.status).toBe("COMPLETED");
      const stores = Object.fromEntries((report.erasure.stores as { store: string; status: string; items: number }[]).map((x) => [x.store, x]));
      expect(stores["keyVault"]).toEqual({ store: "keyVault", status: "DONE", items: 1 });
      // one template, verification, identification candidacy, liveness session and consent, and the subject row
      expect(stores["database"]).toEqual({ store: "database", status: "DONE", items: 6 });
      expect(stores["queue"]!.status).toBe("DONE");
      expect(stores["cache"]).toEqual({ store: "cache", status: "DONE", items: 0 });
      // The in-memory matching index held the subject's one template.
      expect(stores["index"]).toEqual({ store: "index", status: "DONE", items: 1 });

      expect(findIn(await scanEverything(), Buffer.from(canary))).toEqual([]);
      expect(await t.app.vault.get(tenant.tenantId, s)).toBeNull();
      // Every store of the one list: erased ones hold nothing of the subject, kept ones still do.
      for (const store of SUBJECT_DATA) {
        for (const table of store.tables) {
          const rows = await t.sql(`SELECT 1 FROM "${table}" WHERE "${table === "Subject" ? "id" : "subjectId"}" = '${s}'`);
          if (typeof store.erase === "function") expect(rows.length, `${table} after erasure`).toBe(0);
          else expect(rows.length, `${table} (kept)`).toBeGreaterThan(0);
        }
      }
      const erased = await t.sql<Record<string, unknown>>(`SELECT * FROM "AuditEvent" WHERE "subjectId" = '${s}' AND "action" = 'ERASE_SUBJECT'`);
      expect(erased).toHaveLength(1);
      expect(erased[0]).toMatchObject({ outcome: "SUCCESS", targetId: dsr.id });
      expect(JSON.stringify(erased)).not.toMatch(/(-?0\.\d{4,},){4}|ciphertext|CANARY/);
      // The request outlives the subject and can be read back.
      const after = await as(`query($s: ID!) { dataSubjectRequests(subjectId: $s) { status result } }`, { s });
      expect(after.data!["dataSubjectRequests"][0].status).toBe("COMPLETED");
      // Idempotent: erasing again finds nothing left and still completes.
      const again = await t.app.services.erasure.erase({ tenantId: tenant.tenantId, label: "test" }, s, null);
      expect(again.status).toBe("COMPLETED");
      expect(again.stores.filter((x) => x.store === "keyVault" || x.store === "database").map((x) => x.items)).toEqual([0, 0]);
    });

    it("a partly failed erasure is reported FAILED, never done, and completes when fulfilled again", async () => {
      const s = await subjectWithTemplate();
      const dsr = (await as(`mutation($s: ID!) { openDataSubjectRequest(subjectId: $s, kind: ERASURE) { id } }`, { s })).data!["openDataSubjectRequest"].id;
      await as(`mutation($r: ID!) { verifyRequesterIdentity(requestId: $r, method: "signed-in account", evidenceRef: "session-6") { status } }`, { r: dsr });
      const FULFIL = `mutation($r: ID!) { fulfilDataSubjectRequest(requestId: $r) { request { status completedAt } erasure { status stores { store status } } } }`;
      cacheDown = true;
      const first = (await as(FULFIL, { r: dsr })).data!["fulfilDataSubjectRequest"];
      expect(first.request).toEqual({ status: "FAILED", completedAt: null });
      expect(first.erasure.status).toBe("FAILED");
      expect(first.erasure.stores).toEqual(expect.arrayContaining([{ store: "cache", status: "FAILED" }, { store: "keyVault", status: "DONE" }]));
      // The key is already shredded; the audit trail says the erasure failed.
      expect(await t.app.vault.get(tenant.tenantId, s)).toBeNull();
      const events = await t.sql<{ outcome: string }>(`SELECT "outcome" FROM "AuditEvent" WHERE "subjectId" = '${s}' AND "action" = 'ERASE_SUBJECT'`);
      expect(events).toEqual([{ outcome: "FAILED" }]);
      cacheDown = false;
      const second = (await as(FULFIL, { r: dsr })).data!["fulfilDataSubjectRequest"];
      expect(second.request.status).toBe("COMPLETED");
      expect(second.erasure.stores.every((x: { status: string }) => x.status !== "FAILED")).toBe(true);
    });

    it("crypto-shred: a copy of the database taken before erasure can no longer be decrypted", async () => {
      const s = await subjectWithTemplate();
      const [copy] = await t.sql<{ id: string; ciphertext: Uint8Array; modelId: string }>(`SELECT "id", "ciphertext", "modelId" FROM "Template" WHERE "subjectId" = '${s}'`);
      const dbCopy = await dumpDatabase(t);
      const binding = { tenantId: tenant.tenantId, subjectId: s, templateId: copy!.id, modelId: copy!.modelId };
      const wrapped = (await t.app.vault.get(tenant.tenantId, s))!;
      // Before: the copy decrypts with the subject's key (so the check below can fail).
      expect(crypto.open(crypto.unwrapDataKey(tenant.tenantId, s, wrapped), copy!.ciphertext, binding)).toHaveLength(1024);
      // The key is not part of the database copy at all.
      expect(findIn(dbCopy, Buffer.from(wrapped.wrappedKey))).toEqual([]);

      await t.app.services.erasure.erase({ tenantId: tenant.tenantId, label: "test" }, s, null);
      expect(await t.app.vault.get(tenant.tenantId, s)).toBeNull();
      // No key left anywhere opens the copied ciphertext: every remaining vault key of the tenant fails.
      const remaining = await t.app.vault.listStale(tenant.tenantId, 1_000_000, 10_000);
      expect(remaining.length).toBeGreaterThan(0);
      for (const k of remaining) {
        expect(() => crypto.open(crypto.unwrapDataKey(tenant.tenantId, k.subjectId, k), copy!.ciphertext, binding)).toThrow();
      }
    });
  });

  describe("key rotation", () => {
    it("interrupted half-way and resumed, leaves every template decryptable and never touches a ciphertext", async () => {
      const other = await t.createTenant("rotation-tenant");
      const asO = (q: string, v: Record<string, unknown> = {}) => gql(t.url, q, v, other.headers);
      const g = (await asO(`mutation { createGallery(name: "g") { id } }`)).data!["createGallery"].id;
      const subjects: string[] = [];
      for (const photo of ["obama/obama-1.jpg", "biden/biden-1.jpg", null, null, null]) {
        const s = (await asO(CREATE_SUBJECT, { r: null })).data!["createSubject"].id;
        subjects.push(s);
        if (photo) {
          await asO(GRANT, { s, p: "access_control", m: "CLICK" });
          expect((await asO(ENROLL, { s, g, p: "access_control", img: await face(photo) })).errors).toBeUndefined();
        }
      }
      const ciphertexts = () => t.sql<{ id: string; ciphertext: Uint8Array }>(`SELECT "id", "ciphertext" FROM "Template" WHERE "tenantId" = '${other.tenantId}' ORDER BY "id"`);
      const before = await ciphertexts();
      const rotation = t.app.services.keyRotation;
      expect(await rotation.advanceVersion(other.tenantId, "test")).toBe(2);
      expect(await rotation.run(other.tenantId, 2)).toBe(2); // "crash" after two keys
      expect(await rotation.status(other.tenantId)).toMatchObject({ currentVersion: 2, pending: 3, keysByVersion: [{ version: 1, keys: 3 }, { version: 2, keys: 2 }] });

      const checkAll = async () => {
        for (const s of subjects) expect(crypto.unwrapDataKey(other.tenantId, s, (await t.app.vault.get(other.tenantId, s))!)).toBeDefined();
        const v1 = await asO(VERIFY, { s: subjects[0], p: "access_control", img: await face("obama/obama-2.jpg") });
        const v2 = await asO(VERIFY, { s: subjects[1], p: "access_control", img: await face("biden/biden-2.jpg") });
        expect([v1.data?.["verifyFace"].match, v2.data?.["verifyFace"].match]).toEqual([true, true]);
      };
      await checkAll();
      // A subject created mid-rotation gets a key under the new version.
      const late = (await asO(CREATE_SUBJECT, { r: null })).data!["createSubject"].id;
      expect((await t.app.vault.get(other.tenantId, late))!.kekVersion).toBe(2);

      expect(await rotation.run(other.tenantId)).toBe(3);
      expect(await rotation.run(other.tenantId)).toBe(0);
      expect(await rotation.status(other.tenantId)).toMatchObject({ pending: 0, keysByVersion: [{ version: 2, keys: 6 }] });
      await checkAll();
      const after = await ciphertexts();
      expect(after.map((r) => Buffer.from(r.ciphertext).toString("hex"))).toEqual(before.map((r) => Buffer.from(r.ciphertext).toString("hex")));

      // Through the API: the mutation starts a rotation and the job finishes it.
      const started = await asO(`mutation { rotateTenantKey { currentVersion } }`);
      expect(started.data!["rotateTenantKey"].currentVersion).toBe(3);
      await t.app.jobs.drain();
      expect((await asO(`{ keyRotationStatus { pending currentVersion } }`)).data!["keyRotationStatus"]).toEqual({ pending: 0, currentVersion: 3 });
      await checkAll();
    });
  });

  describe("data subject requests and regulatory exports", () => {
    it("exports a subject's data as a signed document that verifies, and fails after any byte is changed", async () => {
      const s = await subjectWithTemplate();
      await as(VERIFY, { s, p: "access_control", img: await face("obama/obama-2.jpg") });
      const dsr = (await as(`mutation($s: ID!) { openDataSubjectRequest(subjectId: $s, kind: EXPORT) { id dueAt } }`, { s })).data!["openDataSubjectRequest"];
      const extended = await as(`mutation($r: ID!) { extendDataSubjectRequest(requestId: $r, reason: "complex request, many records") { dueAt extendedAt } }`, { r: dsr.id });
      expect(Date.parse(extended.data!["extendDataSubjectRequest"].dueAt)).toBeGreaterThan(Date.parse(dsr.dueAt) + 58 * DAY);
      await as(`mutation($r: ID!) { verifyRequesterIdentity(requestId: $r, method: "id card", evidenceRef: "ticket-9") { status } }`, { r: dsr.id });
      const r = await as(`mutation($r: ID!) { fulfilDataSubjectRequest(requestId: $r) { document request { status result } } }`, { r: dsr.id });
      const { document, request } = r.data!["fulfilDataSubjectRequest"];
      expect(request.status).toBe("COMPLETED");
      expect(request.result).toMatch(/^sha256:[0-9a-f]{64}$/);
      const key = (await gql(t.url, `{ signingKey { publicKey keyId } }`)).data!["signingKey"];

      const check = (text: string) => verifySignedDocument<Record<string, any>>(text, SUBJECT_EXPORT_FORMAT, verifyEd25519, publicKeyId, key.publicKey);
      const ok = check(document);
      expect(ok.valid).toBe(true);
      if (!ok.valid) return;
      const doc = ok.document;
      expect(doc["subject"].id).toBe(s);
      expect(doc["consents"][0]).toMatchObject({ purpose: "access_control", noticeVersion: "notice-v3", method: "E_SIGNATURE" });
      expect(doc["templates"][0]).toMatchObject({ purpose: "access_control", retainUntil: expect.any(String) });
      expect(doc["decisions"][0]).toMatchObject({ kind: "VERIFICATION", purpose: "access_control", match: true, actor: expect.stringMatching(/^apikey:/) });
      expect(doc["activity"].map((a: { action: string }) => a.action)).toEqual(expect.arrayContaining(["CREATE_SUBJECT", "GRANT_CONSENT", "ENROLL_FACE", "VERIFY_FACE"]));
      expect(document).not.toMatch(/(-?0\.\d{4,},){8}|ciphertext|wrapped/i);

      const bytes = Buffer.from(document, "utf8");
      const positions = new Set([0, 1, bytes.length - 1, bytes.length - 2, bytes.indexOf("notice-v3"), bytes.indexOf('"value"') + 12]);
      for (let i = 0; i < 150; i++) positions.add(Math.floor(Math.random() * bytes.length));
      for (const p of positions) {
        const copy = Buffer.from(bytes);
        copy[p] = copy[p]! ^ 0x04;
        expect(check(copy.toString("utf8")).valid, `byte ${p}`).toBe(false);
      }

      // The command line says the same.
      const dir = await mkdtemp(path.join(os.tmpdir(), "dsr-"));
      await writeFile(path.join(dir, "export.json"), document);
      const tampered = Buffer.from(bytes);
      tampered[bytes.indexOf("notice-v3") + 7] = "4".charCodeAt(0);
      await writeFile(path.join(dir, "tampered.json"), tampered);
      expect(await quiet(() => verifyMain("export", [path.join(dir, "export.json"), "--key", key.publicKey]))).toBe(0);
      expect(await quiet(() => verifyMain("export", [path.join(dir, "tampered.json"), "--key", key.publicKey]))).toBe(1);
    });

    it("exports the audit trail as signed JSON lines that verify, and fail after an event is edited, removed or reordered", async () => {
      const r = await as(`query($f: DateTimeISO!, $u: DateTimeISO!) { exportAuditTrail(from: $f, to: $u) }`, { f: "2020-01-01T00:00:00Z", u: "2030-01-01T00:00:00Z" });
      const text = r.data!["exportAuditTrail"] as string;
      const key = (await gql(t.url, `{ signingKey { publicKey } }`)).data!["signingKey"].publicKey;
      const check = (x: string) => verifyAuditExport(x, verifyEd25519, publicKeyId, key);
      const lines = text.trimEnd().split("\n");
      expect(lines.length).toBeGreaterThan(20);
      expect(check(text)).toMatchObject({ valid: true, events: lines.length - 2 });

      const edited = [...lines];
      edited[5] = edited[5]!.replace(/"outcome":"(SUCCESS|DENIED|FAILED)"/, (_m, o: string) => `"outcome":"${o === "SUCCESS" ? "DENIED" : "SUCCESS"}"`);
      expect(edited[5]).not.toBe(lines[5]);
      expect(check(edited.join("\n") + "\n").valid).toBe(false);
      expect(check([...lines.slice(0, 7), ...lines.slice(8)].join("\n") + "\n").valid).toBe(false);
      const reordered = [...lines];
      [reordered[9], reordered[10]] = [reordered[10]!, reordered[9]!];
      expect(check(reordered.join("\n") + "\n").valid).toBe(false);
      // A window in the middle of the chain verifies on its own too.
      const events = lines.slice(1, -1).map((l) => JSON.parse(l) as { at: string });
      const from = events[5]!.at;
      const mid = await as(`query($f: DateTimeISO!, $u: DateTimeISO!) { exportAuditTrail(from: $f, to: $u) }`, { f: from, u: "2030-01-01T00:00:00Z" });
      expect(check(mid.data!["exportAuditTrail"])).toMatchObject({ valid: true });
    });

    it("generates the record of processing from the policy, and counts subjects with face data", async () => {
      const ropa = (await as(`{ recordOfProcessing }`)).data!["recordOfProcessing"];
      expect(ropa.activities.map((a: { purpose: string }) => a.purpose)).toEqual(["access_control", "payment_verification", "identity_proofing", "attendance"]);
      expect(ropa.activities[0]).toMatchObject({ legalBasis: "explicit_consent", dpiaReference: expect.stringContaining("DPIA"), nonBiometricFallback: expect.any(String) });
      expect(ropa.prohibitions[0].because).toContain("EU AI Act");
      const count = (await as(`{ biometricSubjectCount { subjects filingThreshold filingRequired } }`)).data!["biometricSubjectCount"];
      const [{ n }] = (await t.sql<{ n: bigint }>(`SELECT count(DISTINCT "subjectId") AS n FROM "Template" WHERE "tenantId" = '${tenant.tenantId}'`)) as [{ n: bigint }];
      expect(count).toEqual({ subjects: Number(n), filingThreshold: 100_000, filingRequired: false });
      expect(count.subjects).toBeGreaterThan(0);
    });
  });
});

async function quiet(run: () => Promise<number>): Promise<number> {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await run();
  } finally {
    process.stdout.write = write;
  }
}
