/**
 * The audit chain verified a batch at a time on a real database (a batch of 3 here, 1000
 * in the server): the same verdict as all at once, and every kind of tampering found in
 * whichever batch it falls, on PostgreSQL and PGlite.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/adapters/db/database.js";
import { prismaStore } from "../../src/adapters/db/prisma.store.js";
import { randomIds, systemClock } from "../../src/domain/clock.port.js";
import { AuditService } from "../../src/services/audit.service.js";
import { testConfig } from "../support/engine.js";
import { DB_KINDS, createTestDatabase, type TestDatabase } from "../support/databases.js";

describe.each(DB_KINDS)("batched audit chain verification on %s", (kind) => {
  let testDb: TestDatabase;
  let db: Database;
  let audit: AuditService;
  const tenantId = "ten_verify";
  const sql = (q: string) => db.prisma.$executeRawUnsafe(q);

  beforeAll(async () => {
    testDb = await createTestDatabase(kind);
    db = await openDatabase(testConfig(testDb.env).database);
    const store = prismaStore(db.prisma);
    audit = new AuditService(store, systemClock, randomIds, 3);
    await sql(`INSERT INTO "Tenant" ("id", "name", "createdAt") VALUES ('${tenantId}', 'verify', now())`);
    for (let i = 0; i < 10; i++) {
      await store.transaction((tx) => audit.chain(tx, [{ tenantId, actor: "apikey:k", action: `ACTION_${i}`, outcome: "SUCCESS" }]));
    }
  });
  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });

  it("accepts the untouched chain, read in batches", async () => {
    expect(await audit.verifyTenant(tenantId)).toMatchObject({ valid: true, length: 10, brokenAtSeq: null });
  });

  it("finds an altered event in a later batch, and a missing one", async () => {
    await sql(`UPDATE "AuditEvent" SET "reason" = 'edited' WHERE "tenantId" = '${tenantId}' AND "seq" = 7`);
    expect(await audit.verifyTenant(tenantId)).toMatchObject({ valid: false, brokenAtSeq: 7, problem: expect.stringContaining("altered") });
    await sql(`UPDATE "AuditEvent" SET "reason" = NULL WHERE "tenantId" = '${tenantId}' AND "seq" = 7`);
    expect(await audit.verifyTenant(tenantId)).toMatchObject({ valid: true });
    await sql(`DELETE FROM "AuditEvent" WHERE "tenantId" = '${tenantId}' AND "seq" = 4`);
    expect(await audit.verifyTenant(tenantId)).toMatchObject({ valid: false, brokenAtSeq: 5, problem: expect.stringContaining("expected event #4") });
  });

  it("finds events cut off the end (the recorded head is further on)", async () => {
    await sql(`DELETE FROM "AuditEvent" WHERE "tenantId" = '${tenantId}' AND "seq" >= 4`);
    expect(await audit.verifyTenant(tenantId)).toMatchObject({ valid: false, problem: expect.stringContaining("recorded head is #10") });
  });
});
