/**
 * SubjectRepository.findWithConsents, which every policy decision reads (one Prisma call
 * instead of two): the subject with its consents oldest first, scoped to the tenant, on
 * PostgreSQL and PGlite.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/adapters/db/database.js";
import { prismaStore } from "../../src/adapters/db/prisma.store.js";
import type { Store } from "../../src/domain/repositories.port.js";
import { testConfig } from "../support/engine.js";
import { DB_KINDS, createTestDatabase, type TestDatabase } from "../support/databases.js";

describe.each(DB_KINDS)("a subject with its consents on %s", (kind) => {
  let testDb: TestDatabase;
  let db: Database;
  let store: Store;
  const at = (minute: number) => new Date(Date.UTC(2026, 11, 5, 10, minute));
  const consent = (id: string, tenantId: string, subjectId: string, purpose: string, grantedAt: Date) => ({
    id, tenantId, subjectId, purpose, noticeVersion: "n1", noticeHash: null, method: "CLICK" as const, evidenceRef: null, separate: false, byGuardian: false, grantedAt, expiresAt: null, withdrawnAt: null,
  });

  beforeAll(async () => {
    testDb = await createTestDatabase(kind);
    db = await openDatabase(testConfig(testDb.env).database);
    store = prismaStore(db.prisma);
    for (const t of ["ten_a", "ten_b"]) await db.prisma.tenant.create({ data: { id: t, name: t, createdAt: at(0) } });
    await store.subjects.create({ id: "sub_1", tenantId: "ten_a", externalRef: "r1", dateOfBirth: null, legalHoldSince: null, legalHoldReason: null, restrictedSince: null, restrictionReason: null, createdAt: at(0) });
    await store.subjects.create({ id: "sub_2", tenantId: "ten_a", externalRef: null, dateOfBirth: null, legalHoldSince: null, legalHoldReason: null, restrictedSince: null, restrictionReason: null, createdAt: at(0) });
    // Granted out of order, and one for another subject.
    await store.consents.create(consent("con_c", "ten_a", "sub_1", "access_control", at(3)));
    await store.consents.create(consent("con_a", "ten_a", "sub_1", "payments", at(1)));
    await store.consents.create(consent("con_b", "ten_a", "sub_1", "access_control", at(1)));
    await store.consents.create(consent("con_x", "ten_a", "sub_2", "payments", at(2)));
  });
  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });

  it("returns the subject and only its consents, oldest first, as listForSubject does", async () => {
    const found = await store.subjects.findWithConsents("ten_a", "sub_1");
    expect(found?.subject).toMatchObject({ id: "sub_1", externalRef: "r1" });
    expect(found?.subject).not.toHaveProperty("consents");
    expect(found?.consents.map((c) => c.id)).toEqual(["con_a", "con_b", "con_c"]);
    expect(found?.consents).toEqual(await store.consents.listForSubject("ten_a", "sub_1"));
    expect((await store.subjects.findWithConsents("ten_a", "sub_2"))?.consents.map((c) => c.id)).toEqual(["con_x"]);
  });

  it("finds nothing for another tenant's subject or an unknown id", async () => {
    expect(await store.subjects.findWithConsents("ten_b", "sub_1")).toBeNull();
    expect(await store.subjects.findWithConsents("ten_a", "sub_nope")).toBeNull();
  });
});
