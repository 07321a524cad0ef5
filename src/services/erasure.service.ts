/**
 * Erasure (GDPR Art. 17, PIPL Art. 47, BIPA): crypto-shreds the subject first (the data
 * key is destroyed in the key vault, so every template ciphertext of theirs, including
 * those in backups and database copies, is unreadable from that moment), then removes
 * cached vectors from every registered cache/index, every store of the database that
 * src/services/subject-data.ts lists (ciphertexts, consents, decision records, the
 * subject itself), and pending jobs from the queue.
 * Returns a report per store. Idempotent and retryable: a store that fails is reported
 * FAILED (and the whole erasure FAILED, never COMPLETED); running it again finishes the job.
 * The audit trail keeps the erasure event (ids only) and the subject's earlier events.
 */
import type { Clock } from "../domain/clock.port.js";
import { DomainError } from "../domain/errors.js";
import { lapseJobId } from "../domain/jobs.port.js";
import type { KeyVault } from "../domain/key-vault.port.js";
import type { Store } from "../domain/repositories.port.js";
import type { OperationRunner } from "./operation.js";
import type { TenantCaller } from "./access.js";
import { eraseSubjectData } from "./subject-data.js";

export type ErasureStore = "keyVault" | "database" | "queue" | "cache" | "index";

export interface StoreReport {
  store: ErasureStore;
  /** DONE: erased (items may be 0 on a retry); NOT_PRESENT: this deployment has no such store; FAILED: retry. */
  status: "DONE" | "NOT_PRESENT" | "FAILED";
  items: number;
  detail: string | null;
}

export interface ErasureReport {
  subjectId: string;
  status: "COMPLETED" | "FAILED";
  startedAt: Date;
  finishedAt: Date;
  stores: StoreReport[];
}

/** Something outside the database that may hold data derived from a subject (vector cache, matching index). */
export interface ErasureParticipant {
  readonly store: "cache" | "index";
  eraseSubject(tenantId: string, subjectId: string): Promise<number>;
}

export class ErasureService {
  constructor(
    private readonly store: Store,
    private readonly ops: OperationRunner,
    private readonly vault: KeyVault,
    private readonly participants: readonly ErasureParticipant[],
    private readonly clock: Clock,
  ) {}

  /** Erases everything of the subject; the caller has checked scope and any request. */
  async erase(caller: TenantCaller, subjectId: string, requestId: string | null): Promise<ErasureReport> {
    const startedAt = this.clock.now();
    const subject = await this.store.subjects.find(caller.tenantId, subjectId);
    if (subject?.legalHoldSince) throw new DomainError("LEGAL_HOLD", "the subject is under legal hold; erasure is suspended until it is released");
    const stores: StoreReport[] = [];
    const attempt = async (store: ErasureStore, work: () => Promise<number>) => {
      try {
        stores.push({ store, status: "DONE", items: await work(), detail: null });
      } catch (e) {
        stores.push({ store, status: "FAILED", items: 0, detail: e instanceof Error ? e.name : "error" });
      }
    };

    // 1. Crypto-shred: from here on no copy of the subject's templates can be decrypted.
    await attempt("keyVault", async () => ((await this.vault.destroy(caller.tenantId, subjectId)) ? 1 : 0));
    // 2. Caches and indexes of this process (the other processes' through the outbox, below).
    for (const kind of ["cache", "index"] as const) {
      const mine = this.participants.filter((p) => p.store === kind);
      if (mine.length === 0) stores.push({ store: kind, status: "NOT_PRESENT", items: 0, detail: null });
      else await attempt(kind, async () => (await Promise.all(mine.map((p) => p.eraseSubject(caller.tenantId, subjectId)))).reduce((a, b) => a + b, 0));
    }
    // 3. The database, in one transaction with the audit event; pending jobs about the
    //    subject (consent expiry jobs carry the consent id) are cancelled through the outbox.
    const failed = () => stores.some((s) => s.status === "FAILED");
    let cancelled = 0;
    await attempt("database", () =>
      this.ops.transaction(async (tx, audit, outbox) => {
        cancelled = 0;
        for (const c of await tx.consents.listForSubject(caller.tenantId, subjectId)) {
          outbox.cancel(lapseJobId(c.id));
          cancelled++;
        }
        outbox.index({ op: "removeSubject", tenantId: caller.tenantId, subjectId });
        const items = await eraseSubjectData({ tx, audit, outbox, tenantId: caller.tenantId, subjectId, actor: caller.label });
        audit.record({
          tenantId: caller.tenantId,
          actor: caller.label,
          action: "ERASE_SUBJECT",
          subjectId,
          outcome: failed() ? "FAILED" : "SUCCESS",
          reason: failed() ? "PARTIAL" : null,
          targetId: requestId,
        });
        return items;
      }),
    );
    const database = stores.find((s) => s.store === "database");
    stores.push(database?.status === "DONE" ? { store: "queue", status: "DONE", items: cancelled, detail: null } : { store: "queue", status: "FAILED", items: 0, detail: "not queued with the database step" });
    return { subjectId, status: failed() ? "FAILED" : "COMPLETED", startedAt, finishedAt: this.clock.now(), stores };
  }
}
