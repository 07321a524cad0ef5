/**
 * kill -9 in the middle of an erasure, of a key rotation and of a batch enrollment, on
 * PostgreSQL, against the real server process (dist/src/main.js, built by `npm test`):
 * each is held at a known point by a lock the test takes on the database, the process is
 * killed, and after a restart each completes by itself, without any call.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/databases.js";
import { bearer, gql } from "../support/graphql-client.js";
import { readFace } from "../support/images.js";
import { PROJECT_ROOT } from "../support/paths.js";
import { eventually, freePort } from "../support/redis-server.js";

const MAIN = path.join(PROJECT_ROOT, "dist", "src", "main.js");
const P = "access_control";
const b64 = (buf: Uint8Array) => ({ base64: Buffer.from(buf).toString("base64") });

describe.runIf(existsSync(MAIN))("kill -9 mid-operation (PostgreSQL, real server process)", () => {
  let db: TestDatabase;
  let url: string;
  let server: ChildProcess | undefined;
  let main: pg.Client;
  let vault: pg.Client;
  let headers: Record<string, string>;
  let tenantId: string;

  async function start(): Promise<void> {
    const port = await freePort();
    url = `http://127.0.0.1:${port}/graphql`;
    server = spawn(process.execPath, [MAIN], { env: { ...process.env, ...db.env, PORT: String(port), LOG_LEVEL: process.env["KILL9_LOG"] ?? "warn", INFERENCE_THREADS: "1", REDIS_URL: "" }, stdio: ["ignore", "ignore", "inherit"] });
    const up = await eventually(async () => (await fetch(url.replace("/graphql", "/health/live")).catch(() => null))?.status === 200, 600);
    if (!up) throw new Error("the server did not start");
  }
  async function kill9(): Promise<void> {
    const p = server!;
    await new Promise<void>((resolve) => {
      p.once("exit", () => resolve());
      p.kill("SIGKILL");
    });
    server = undefined;
  }
  const as = (q: string, v: Record<string, unknown> = {}) => gql(url, q, v, headers);
  const one = async (c: pg.Client, q: string) => Number((await c.query(q)).rows[0].n);

  beforeAll(async () => {
    db = await createTestDatabase("postgres");
    await start();
    main = new pg.Client({ connectionString: db.url });
    vault = new pg.Client({ connectionString: db.vaultUrl });
    await main.connect();
    await vault.connect();
    const r = await gql(url, `mutation { createTenant(name: "crash") { tenantId apiKey } }`, {}, { "x-admin-token": db.env["ADMIN_TOKEN"]! });
    ({ tenantId } = r.data!["createTenant"]);
    headers = bearer(r.data!["createTenant"].apiKey);
  });
  afterAll(async () => {
    if (server) await kill9();
    await main?.end();
    await vault?.end();
    await db?.drop();
  });

  it("an erasure killed after the key was destroyed completes after restart", async () => {
    const s = (await as(`mutation { createSubject { id } }`)).data!["createSubject"].id as string;
    await as(`mutation($s: ID!) { grantConsent(input: { subjectId: $s, purpose: "${P}", noticeVersion: "n1", method: CLICK }) { consent { id } } }`, { s });
    const g = (await as(`mutation { createGallery(name: "g") { id } }`)).data!["createGallery"].id;
    expect((await as(`mutation($s: ID!, $g: ID!, $img: ImageInput!) { enrollFace(input: { subjectId: $s, galleryId: $g, purpose: "${P}", image: $img }) { templateId } }`, { s, g, img: b64(await readFace("obama/obama-1.jpg")) })).errors).toBeUndefined();
    const dsr = (await as(`mutation($s: ID!) { openDataSubjectRequest(subjectId: $s, kind: ERASURE) { id } }`, { s })).data!["openDataSubjectRequest"].id;
    await as(`mutation($r: ID!) { verifyRequesterIdentity(requestId: $r, method: "id card", evidenceRef: "t-1") { status } }`, { r: dsr });

    // Hold the erasure's database step: it reads the subject's consents first.
    await main.query("BEGIN");
    await main.query(`LOCK TABLE "Consent" IN ACCESS EXCLUSIVE MODE`);
    void as(`mutation($r: ID!) { fulfilDataSubjectRequest(requestId: $r) { erasure { status } } }`, { r: dsr }).catch(() => undefined);
    expect(await eventually(async () => (await one(vault, `SELECT count(*) AS n FROM subject_key WHERE subject_id = '${s}'`)) === 0)).toBe(true);
    await kill9();
    await main.query("ROLLBACK");

    // Half-done: the key is gone, the template and the subject are still there.
    expect(await one(main, `SELECT count(*) AS n FROM "Template" WHERE "subjectId" = '${s}'`)).toBe(1);
    expect((await main.query(`SELECT "status", "fulfilmentStartedAt" FROM "DataSubjectRequest" WHERE "id" = '${dsr}'`)).rows[0]).toMatchObject({ status: "IN_PROGRESS", fulfilmentStartedAt: expect.any(Date) });

    await start();
    expect((await main.query(`SELECT "status" FROM "DataSubjectRequest" WHERE "id" = '${dsr}'`)).rows[0].status).toBe("COMPLETED");
    expect(await one(main, `SELECT count(*) AS n FROM "Template" WHERE "subjectId" = '${s}'`)).toBe(0);
    expect(await one(main, `SELECT count(*) AS n FROM "Subject" WHERE "id" = '${s}'`)).toBe(0);
    const actors = (await main.query(`SELECT "actor" FROM "AuditEvent" WHERE "tenantId" = '${tenantId}' AND "action" = 'ERASE_SUBJECT' AND "subjectId" = '${s}'`)).rows.map((r) => r.actor);
    expect(actors).toEqual(["system:recovery"]);
    expect((await as(`{ verifyAuditChain { valid } }`)).data!["verifyAuditChain"].valid).toBe(true);
  });

  it("a key rotation killed half-way completes after restart", async () => {
    for (let i = 0; i < 3; i++) await as(`mutation { createSubject { id } }`);
    const keys = await one(vault, `SELECT count(*) AS n FROM subject_key WHERE tenant_id = '${tenantId}'`);
    expect(keys).toBeGreaterThanOrEqual(3);

    // Re-wrapping updates the vault's rows: hold them.
    await vault.query("BEGIN");
    await vault.query(`LOCK TABLE subject_key IN EXCLUSIVE MODE`);
    const started = await as(`mutation { rotateTenantKey { currentVersion pending } }`);
    expect(started.data!["rotateTenantKey"]).toEqual({ currentVersion: 2, pending: keys });
    // Watched from `main`, outside the lock's transaction: a backend reads pg_stat_activity
    // once per transaction, so `vault` would keep seeing the moment of its first look.
    const vaultDb = new URL(db.vaultUrl!).pathname.slice(1);
    const waiting = await eventually(async () => Number((await main.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`, [vaultDb])).rows[0].n) > 0, 600);
    const activity = async (name: string) => (await main.query(`SELECT state, wait_event_type, left(query, 80) AS q FROM pg_stat_activity WHERE datname = $1`, [name])).rows;
    expect(waiting, JSON.stringify({ vault: await activity(vaultDb), outbox: (await main.query(`SELECT "message", "attempts", "lastError" FROM "OutboxMessage"`)).rows })).toBe(true);
    await kill9();
    await vault.query("ROLLBACK");
    // The UPDATE that was waiting may still finish in its orphaned backend (PostgreSQL only
    // notices the lost client later); the rest of the keys are left on the old version.
    const stale = await one(vault, `SELECT count(*) AS n FROM subject_key WHERE tenant_id = '${tenantId}' AND kek_version = 1`);
    expect(stale).toBeGreaterThanOrEqual(keys - 1);
    expect(stale).toBeGreaterThan(0);

    await start();
    expect(await one(vault, `SELECT count(*) AS n FROM subject_key WHERE tenant_id = '${tenantId}' AND kek_version = 1`)).toBe(0);
    expect((await as(`{ keyRotationStatus { currentVersion pending } }`)).data!["keyRotationStatus"]).toEqual({ currentVersion: 2, pending: 0 });
  });

  it("a batch enrollment killed half-way completes after restart, each photo enrolled once", async () => {
    const g = (await as(`mutation { createGallery(name: "batch") { id } }`)).data!["createGallery"].id as string;
    const { readdir } = await import("node:fs/promises");
    const { FACES } = await import("../support/paths.js");
    const items: { subjectId: string; image: { base64: string } }[] = [];
    for (const who of (await readdir(FACES)).filter((d) => !d.startsWith("_")).sort()) {
      const s = (await as(`mutation { createSubject { id } }`)).data!["createSubject"].id as string;
      await as(`mutation($s: ID!) { grantConsent(input: { subjectId: $s, purpose: "${P}", noticeVersion: "n1", method: CLICK }) { consent { id } } }`, { s });
      for (const file of (await readdir(path.join(FACES, who))).sort()) items.push({ subjectId: s, image: b64(await readFace(`${who}/${file}`)) });
    }
    const HELD = 4;
    // Hold item HELD: the job blocks marking it done, inside the enrollment's transaction.
    await main.query("BEGIN");
    const started = await as(`mutation($g: ID!, $items: [BatchEnrollmentItemInput!]!) { startBatchEnrollment(input: { galleryId: $g, purpose: "${P}", items: $items }) { id total } }`, { g, items });
    const batchId = started.data!["startBatchEnrollment"].id as string;
    await main.query(`SELECT 1 FROM "EnrollmentBatchItem" WHERE "batchId" = $1 AND "seq" = $2 FOR UPDATE`, [batchId, HELD]);
    const dbName = new URL(db.url!).pathname.slice(1);
    const waiting = await eventually(async () => {
      const w = new pg.Client({ connectionString: db.url! });
      await w.connect();
      try {
        return Number((await w.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' AND query LIKE '%EnrollmentBatchItem%'`, [dbName])).rows[0].n) > 0;
      } finally {
        await w.end();
      }
    }, 3000);
    expect(waiting).toBe(true);
    await kill9();
    await main.query("ROLLBACK");

    const before = (await main.query(`SELECT "seq", "status" FROM "EnrollmentBatchItem" WHERE "batchId" = $1 ORDER BY "seq"`, [batchId])).rows;
    expect(before.filter((r) => r.status === "ENROLLED").map((r) => r.seq)).toEqual(Array.from({ length: HELD }, (_, i) => i));
    expect(before.slice(HELD).every((r) => r.status === "PENDING")).toBe(true);

    await start();
    const done = await eventually(async () => (await main.query(`SELECT "status" FROM "EnrollmentBatch" WHERE "id" = $1`, [batchId])).rows[0].status === "COMPLETED", 3000);
    expect(done).toBe(true);
    const after = (await main.query(`SELECT "seq", "status", "templateId", "errorReason" FROM "EnrollmentBatchItem" WHERE "batchId" = $1 ORDER BY "seq"`, [batchId])).rows;
    expect(after.map((r) => r.status)).toEqual(items.map(() => "ENROLLED"));
    const templates = (await main.query(`SELECT "id" FROM "Template" WHERE "galleryId" = $1 ORDER BY "id"`, [g])).rows.map((r) => r.id);
    expect(templates).toEqual(after.map((r) => r.templateId).sort());
    expect(await one(main, `SELECT count(*) AS n FROM "EnrollmentBatchItem" WHERE "batchId" = '${batchId}' AND "sealedImage" IS NOT NULL`)).toBe(0);
    expect((await as(`{ verifyAuditChain { valid } }`)).data!["verifyAuditChain"].valid).toBe(true);
  });
});
