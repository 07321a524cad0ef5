/**
 * Where subjects' wrapped data keys live: a store apart from the main database (its own
 * PostgreSQL database, or its own embedded folder), so that destroying a subject's key
 * makes every copy of the main database unreadable for that subject (crypto-shredding
 * reaches backups too). Implemented by src/adapters/keys/sql-key-vault.ts.
 */
import type { SubjectKey } from "./subject.js";
import type { WrappedDataKey } from "./template-crypto.port.js";

export interface KeyVault {
  /** Stores a subject's wrapped data key. */
  put(key: SubjectKey): Promise<void>;
  get(tenantId: string, subjectId: string): Promise<SubjectKey | null>;
  /** Destroys the subject's key (crypto-shredding); true when there was one. */
  destroy(tenantId: string, subjectId: string): Promise<boolean>;
  /** Up to `limit` keys of the tenant wrapped under a KEK version older than `version`. */
  listStale(tenantId: string, version: number, limit: number): Promise<SubjectKey[]>;
  /** Replaces a wrapped key only if it is still at `fromVersion`; true when replaced. */
  rewrap(tenantId: string, subjectId: string, fromVersion: number, wrapped: WrappedDataKey): Promise<boolean>;
  /** Number of the tenant's keys per KEK version. */
  countByVersion(tenantId: string): Promise<Map<number, number>>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
