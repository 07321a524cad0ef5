/**
 * Opens the database: PostgreSQL when DATABASE_URL is set, otherwise embedded PGlite in
 * the data folder. Applies migrations, then returns a Prisma client on the matching
 * driver adapter.
 */
import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { DatabaseConfig } from "../../config/config.js";
import { PrismaClient } from "../../generated/prisma/client.js";
import { openPool } from "../shared/pg-pool.js";
import { migrate, readMigrations, type SqlRunner } from "./migrate.js";

export interface Database {
  kind: DatabaseConfig["kind"];
  prisma: PrismaClient;
  /** Migrations applied while opening. */
  applied: string[];
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Any fixed number: serialises migrations when several processes start at once. */
const MIGRATION_LOCK = 7_271_642;

export interface DatabaseOptions {
  /** Told of errors on pooled connections, idle or in use (server restart, terminated backend); the pool replaces them. */
  onPoolError?: (e: Error) => void;
  /** Longest wait for a new connection (ms) before a call fails DATABASE_UNAVAILABLE. */
  connectTimeoutMs?: number;
  poolSize?: number;
}

export async function openDatabase(cfg: DatabaseConfig, opts: DatabaseOptions = {}): Promise<Database> {
  const migrations = await readMigrations();
  if (cfg.kind === "postgres") {
    const client = new pg.Client({ connectionString: cfg.url });
    await client.connect();
    let applied: string[];
    try {
      await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
      applied = await migrate(pgRunner(client), migrations);
    } finally {
      await client.end();
    }
    const pool = openPool({ connectionString: cfg.url, max: opts.poolSize ?? 10, connectionTimeoutMillis: opts.connectTimeoutMs ?? 5_000, onError: (e) => opts.onPoolError?.(e) });
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
    return {
      kind: "postgres",
      prisma,
      applied,
      ping: () => ping(prisma),
      close: () => prisma.$disconnect(),
    };
  }

  if (!cfg.dataDir.startsWith("memory://")) await mkdir(cfg.dataDir, { recursive: true });
  const lite = await PGlite.create(cfg.dataDir);
  const applied = await migrate(pgliteRunner(lite), migrations);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(lite) });
  return {
    kind: "pglite",
    prisma,
    applied,
    ping: () => ping(prisma),
    close: async () => {
      await prisma.$disconnect();
      await lite.close();
    },
  };
}

async function ping(prisma: PrismaClient): Promise<boolean> {
  try {
    await prisma.$queryRawUnsafe("SELECT 1");
    return true;
  } catch {
    return false;
  }
}

function pgRunner(client: pg.Client): SqlRunner {
  return {
    exec: async (sql) => void (await client.query(sql)),
    query: async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[],
  };
}

function pgliteRunner(lite: PGlite): SqlRunner {
  return {
    exec: async (sql) => void (await lite.exec(sql)),
    query: async <T>(sql: string, params?: unknown[]) => (await lite.query<T>(sql, params)).rows,
  };
}
