/**
 * The key vault over SQL: a PostgreSQL database of its own (KEY_VAULT_URL), or an
 * embedded PGlite database in its own folder (DATA_DIR/keyvault). One table; no Prisma,
 * so the vault can never be reached through the main database's client.
 */
import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import type { KeyVault } from "../../domain/key-vault.port.js";
import type { SubjectKey } from "../../domain/subject.js";
import type { WrappedDataKey } from "../../domain/template-crypto.port.js";
import { openPool } from "../shared/pg-pool.js";
import { toStoreError } from "../shared/sql-errors.js";

export type KeyVaultConfig = { kind: "postgres"; url: string } | { kind: "pglite"; dataDir: string };

interface Sql {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[]; affectedRows?: number; rowCount?: number | null }>;
  close(): Promise<void>;
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS subject_key (
  subject_id  TEXT PRIMARY KEY,
  tenant_id   TEXT NOT NULL,
  wrapped_key BYTEA NOT NULL,
  kek_version INTEGER NOT NULL,
  created_at  TIMESTAMPTZ(3) NOT NULL
);
CREATE INDEX IF NOT EXISTS subject_key_tenant_version ON subject_key (tenant_id, kek_version)`;

interface Row {
  subject_id: string;
  tenant_id: string;
  wrapped_key: Uint8Array;
  kek_version: number;
  created_at: Date;
}

const toKey = (r: Row): SubjectKey => ({
  subjectId: r.subject_id,
  tenantId: r.tenant_id,
  wrappedKey: new Uint8Array(r.wrapped_key),
  kekVersion: r.kek_version,
  createdAt: new Date(r.created_at),
});

export interface KeyVaultOptions {
  /** Told of errors on idle pooled connections (a server restart, a terminated backend); the pool replaces them. */
  onPoolError?: (e: Error) => void;
  /** Longest wait for a connection (ms): past it the call fails KEY_VAULT_UNAVAILABLE instead of hanging. */
  connectTimeoutMs?: number;
  poolSize?: number;
}

export async function openKeyVault(cfg: KeyVaultConfig, opts: KeyVaultOptions = {}): Promise<KeyVault> {
  let sql: Sql;
  if (cfg.kind === "postgres") {
    const pool = openPool({ connectionString: cfg.url, max: opts.poolSize ?? 8, connectionTimeoutMillis: opts.connectTimeoutMs ?? 5_000, onError: (e) => opts.onPoolError?.(e) });
    sql = {
      query: (q, p) => (pool.query(q, p) as Promise<never>).catch((e: unknown) => Promise.reject(toStoreError(e, "KEY_VAULT_UNAVAILABLE"))),
      close: () => pool.end(),
    };
    for (const statement of SCHEMA.split(";")) await pool.query(statement);
  } else {
    await mkdir(cfg.dataDir, { recursive: true });
    const lite = await PGlite.create(cfg.dataDir);
    sql = { query: (q, p) => lite.query(q, p) as never, close: () => lite.close() };
    await lite.exec(SCHEMA);
  }
  return new SqlKeyVault(sql);
}

class SqlKeyVault implements KeyVault {
  constructor(private readonly sql: Sql) {}

  async put(k: SubjectKey): Promise<void> {
    await this.sql.query(`INSERT INTO subject_key (subject_id, tenant_id, wrapped_key, kek_version, created_at) VALUES ($1, $2, $3, $4, $5)`, [
      k.subjectId,
      k.tenantId,
      Buffer.from(k.wrappedKey),
      k.kekVersion,
      k.createdAt,
    ]);
  }

  async get(tenantId: string, subjectId: string): Promise<SubjectKey | null> {
    const { rows } = await this.sql.query<Row>(`SELECT * FROM subject_key WHERE tenant_id = $1 AND subject_id = $2`, [tenantId, subjectId]);
    return rows[0] ? toKey(rows[0]) : null;
  }

  async destroy(tenantId: string, subjectId: string): Promise<boolean> {
    const { rows } = await this.sql.query<{ subject_id: string }>(`DELETE FROM subject_key WHERE tenant_id = $1 AND subject_id = $2 RETURNING subject_id`, [tenantId, subjectId]);
    return rows.length > 0;
  }

  async listStale(tenantId: string, version: number, limit: number): Promise<SubjectKey[]> {
    const { rows } = await this.sql.query<Row>(`SELECT * FROM subject_key WHERE tenant_id = $1 AND kek_version < $2 ORDER BY subject_id LIMIT $3`, [tenantId, version, limit]);
    return rows.map(toKey);
  }

  async rewrap(tenantId: string, subjectId: string, fromVersion: number, wrapped: WrappedDataKey): Promise<boolean> {
    const { rows } = await this.sql.query<{ subject_id: string }>(
      `UPDATE subject_key SET wrapped_key = $4, kek_version = $5 WHERE tenant_id = $1 AND subject_id = $2 AND kek_version = $3 RETURNING subject_id`,
      [tenantId, subjectId, fromVersion, Buffer.from(wrapped.wrappedKey), wrapped.kekVersion],
    );
    return rows.length > 0;
  }

  async countByVersion(tenantId: string): Promise<Map<number, number>> {
    const { rows } = await this.sql.query<{ kek_version: number; n: string | number }>(
      `SELECT kek_version, count(*) AS n FROM subject_key WHERE tenant_id = $1 GROUP BY kek_version`,
      [tenantId],
    );
    return new Map(rows.map((r) => [r.kek_version, Number(r.n)]));
  }

  async ping(): Promise<boolean> {
    try {
      await this.sql.query("SELECT 1");
      return true;
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    return this.sql.close();
  }
}
