/**
 * Applies the committed SQL migrations (prisma/migrations/<n>_<name>/migration.sql) in
 * name order, each in its own transaction, recording name and checksum in "_migrations".
 * A migration that was edited after being applied stops start-up. Works on PostgreSQL
 * (through `pg`) and on PGlite through the same small SqlRunner interface.
 */
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { projectRoot } from "../../inference/model-manifest.js";

export interface SqlRunner {
  /** Runs one or more statements without parameters. */
  exec(sql: string): Promise<void>;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export const MIGRATIONS_DIR = path.join(projectRoot(), "prisma", "migrations");

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const names = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

/** Applies pending migrations; returns the names applied now. */
export async function migrate(db: SqlRunner, migrations: Migration[]): Promise<string[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS "_migrations" (
    "name" TEXT PRIMARY KEY,
    "checksum" TEXT NOT NULL,
    "appliedAt" TIMESTAMPTZ NOT NULL DEFAULT now()
  )`);
  const applied = new Map((await db.query<{ name: string; checksum: string }>(`SELECT "name", "checksum" FROM "_migrations"`)).map((r) => [r.name, r.checksum]));
  const known = new Set(migrations.map((m) => m.name));
  for (const name of applied.keys()) {
    if (!known.has(name)) throw new Error(`database has migration ${name}, which this version does not know; is the code older than the database?`);
  }
  const done: string[] = [];
  for (const m of migrations) {
    const checksum = applied.get(m.name);
    if (checksum !== undefined) {
      if (checksum !== m.checksum) throw new Error(`migration ${m.name} was changed after it was applied; add a new migration instead`);
      continue;
    }
    await db.exec("BEGIN");
    try {
      await db.exec(m.sql);
      await db.query(`INSERT INTO "_migrations" ("name", "checksum") VALUES ($1, $2)`, [m.name, m.checksum]);
      await db.exec("COMMIT");
    } catch (e) {
      await db.exec("ROLLBACK");
      throw new Error(`migration ${m.name} failed: ${(e as Error).message}`);
    }
    done.push(m.name);
  }
  return done;
}
