/**
 * Fresh databases for tests: a new PostgreSQL database per call, plus one for the key
 * vault (on the server named by TEST_DATABASE_URL or DATABASE_URL, default the local
 * `test` database's server), or new PGlite databases in a temporary folder.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";

export type DbKind = "postgres" | "pglite";
export const DB_KINDS: DbKind[] = ["postgres", "pglite"];

export interface TestDatabase {
  kind: DbKind;
  /** Environment for loadConfig: DATABASE_URL for postgres, DATA_DIR for PGlite. */
  env: Record<string, string>;
  /** A raw SQL connection (pg) to read rows behind the application's back; postgres only. */
  url: string | undefined;
  /** The key vault's database URL; postgres only. */
  vaultUrl: string | undefined;
  dataDir: string;
  drop(): Promise<void>;
}

export function serverUrl(): string {
  return process.env["TEST_DATABASE_URL"] ?? process.env["DATABASE_URL"] ?? "postgresql://postgres@127.0.0.1:5432/test";
}

export async function createTestDatabase(kind: DbKind): Promise<TestDatabase> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "fid-test-"));
  if (kind === "pglite") {
    return { kind, env: { DATA_DIR: dataDir }, url: undefined, vaultUrl: undefined, dataDir, drop: () => rm(dataDir, { recursive: true, force: true }) };
  }
  const name = `fid_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.query(`CREATE DATABASE ${name}_vault`);
  await admin.end();
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  const vaultUrl = new URL(serverUrl());
  vaultUrl.pathname = `/${name}_vault`;
  return {
    kind,
    env: {
      DATABASE_URL: url.toString(),
      KEY_VAULT_URL: vaultUrl.toString(),
      DATA_DIR: dataDir,
      KEK_MASTER_KEY: randomBytes(32).toString("base64"),
      ADMIN_TOKEN: randomBytes(24).toString("base64url"),
    },
    url: url.toString(),
    vaultUrl: vaultUrl.toString(),
    dataDir,
    async drop() {
      const c = new pg.Client({ connectionString: serverUrl() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.query(`DROP DATABASE IF EXISTS ${name}_vault WITH (FORCE)`);
      await c.end();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
