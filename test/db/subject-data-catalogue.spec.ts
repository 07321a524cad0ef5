/**
 * The one list of subject-data stores (src/services/subject-data.ts) against the database
 * the migrations build: every table that refers to a subject (a "subjectId" column or a
 * foreign key to "Subject") must be covered by exactly one registered store, and every
 * registered table must exist. A new table with subject data fails here until erasure and
 * export know about it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/adapters/db/database.js";
import { SUBJECT_DATA } from "../../src/services/subject-data.js";
import { testConfig } from "../support/engine.js";
import { DB_KINDS, createTestDatabase, type TestDatabase } from "../support/databases.js";

describe.each(DB_KINDS)("subject-data stores and the catalogue on %s", (kind) => {
  let testDb: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    testDb = await createTestDatabase(kind);
    db = await openDatabase(testConfig(testDb.env).database);
  });
  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });

  it("registers every table that refers to a subject, once, and nothing that does not exist", async () => {
    const byColumn = await db.prisma.$queryRawUnsafe<{ table_name: string }[]>(
      `SELECT DISTINCT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'subjectId'`,
    );
    const byForeignKey = await db.prisma.$queryRawUnsafe<{ table_name: string }[]>(
      `SELECT DISTINCT c.conrelid::regclass::text AS table_name FROM pg_constraint c
       WHERE c.contype = 'f' AND c.confrelid = '"Subject"'::regclass`,
    );
    const referring = new Set([...byColumn, ...byForeignKey].map((r) => r.table_name.replace(/^"|"$/g, "")));
    referring.add("Subject");
    const registered = SUBJECT_DATA.flatMap((s) => s.tables);
    expect(new Set(registered).size, "a table registered twice").toBe(registered.length);
    expect([...referring].sort()).toEqual([...registered].sort());
    expect(referring.size).toBeGreaterThanOrEqual(8);
  });

  it("says why a store is kept through erasure, and erases the subject row last", () => {
    for (const s of SUBJECT_DATA) if (typeof s.erase !== "function") expect(s.erase.kept.length, s.name).toBeGreaterThan(20);
    expect(SUBJECT_DATA.at(-1)!.tables).toEqual(["Subject"]);
  });
});
