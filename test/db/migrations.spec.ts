/**
 * The migration runner on real PostgreSQL and on PGlite, the drift check between
 * prisma/schema.prisma (the model of record) and the database the SQL migrations build,
 * and the check that every table of it that refers to a subject is in the one list of
 * subject-data stores (src/services/subject-data.ts) that erasure and export walk.
 */
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/adapters/db/database.js";
import { migrate, readMigrations, type SqlRunner } from "../../src/adapters/db/migrate.js";
import { SUBJECT_DATA } from "../../src/services/subject-data.js";
import { testConfig } from "../support/engine.js";
import { DB_KINDS, createTestDatabase, type TestDatabase } from "../support/databases.js";
import { postgresTypeOf, readPrismaModels } from "../support/prisma-schema.js";

describe.each(DB_KINDS)("migrations on %s", (kind) => {
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

  it("applies every migration once, in order, and records it", async () => {
    const names = (await readMigrations()).map((m) => m.name);
    expect(db.applied).toEqual(names);
    const rows = await db.prisma.$queryRawUnsafe<{ name: string }[]>(`SELECT "name" FROM "_migrations" ORDER BY "name"`);
    expect(rows.map((r) => r.name)).toEqual(names);
  });

  it("applies nothing when reopened", async () => {
    await db.close();
    db = await openDatabase(testConfig(testDb.env).database);
    expect(db.applied).toEqual([]);
  });

  it("builds exactly the tables and columns of prisma/schema.prisma", async () => {
    const columns = await db.prisma.$queryRawUnsafe<{ table_name: string; column_name: string; udt_name: string; is_nullable: string }[]>(
      `SELECT table_name, column_name, udt_name, is_nullable FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name <> '_migrations' ORDER BY table_name, column_name`,
    );
    const actual = columns.map((c) => `${c.table_name}.${c.column_name} ${c.udt_name}${c.is_nullable === "YES" ? "?" : ""}`).sort();
    const expected = [...readPrismaModels()].flatMap(([model, fields]) =>
      fields.map((f) => `${model}.${f.name} ${postgresTypeOf(f)}${f.optional || f.list ? "?" : ""}`),
    ).sort();
    expect(actual).toEqual(expected);
  });

  it("has the unique keys the schema declares", async () => {
    const idx = await db.prisma.$queryRawUnsafe<{ indexname: string }[]>(`SELECT indexname FROM pg_indexes WHERE schemaname = 'public'`);
    const names = idx.map((i) => i.indexname);
    for (const key of ["Tenant_name_key", "Subject_tenantId_externalRef_key", "Gallery_tenantId_name_key", "AuditEvent_tenantId_seq_key"]) {
      expect(names).toContain(key);
    }
  });

  // The one list of subject-data stores (src/services/subject-data.ts) against this catalogue:
  // a new table with subject data fails here until erasure and export know about it.
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

describe("migration runner", () => {
  let lite: PGlite;
  let runner: SqlRunner;

  beforeAll(async () => {
    lite = await PGlite.create();
    runner = { exec: async (sql) => void (await lite.exec(sql)), query: async <T>(sql: string, p?: unknown[]) => (await lite.query<T>(sql, p)).rows };
  });
  afterAll(async () => lite?.close());

  it("refuses a migration edited after it was applied", async () => {
    const m = [{ name: "0001_a", sql: "CREATE TABLE a (x int);", checksum: "c1" }];
    expect(await migrate(runner, m)).toEqual(["0001_a"]);
    await expect(migrate(runner, [{ ...m[0]!, checksum: "c2" }])).rejects.toThrow(/changed after it was applied/);
  });

  it("rolls back a failing migration completely", async () => {
    const bad = { name: "0002_b", sql: "CREATE TABLE b (x int); SELECT no_such_function();", checksum: "c3" };
    await expect(migrate(runner, [{ name: "0001_a", sql: "", checksum: "c1" }, bad])).rejects.toThrow(/0002_b failed/);
    const tables = await runner.query<{ n: number }>(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'b'`);
    expect(tables[0]!.n).toBe(0);
    const applied = await runner.query<{ name: string }>(`SELECT name FROM "_migrations"`);
    expect(applied.map((r) => r.name)).toEqual(["0001_a"]);
  });

  it("refuses a database that has migrations this code does not know", async () => {
    await expect(migrate(runner, [])).rejects.toThrow(/does not know/);
  });
});
