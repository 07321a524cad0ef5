/**
 * The per-tenant audit chains: chaining the events an operation recorded, and reading and
 * verifying the chains. Services never append directly: they record events on the
 * `AuditRecorder` their transaction hands them (src/services/operation.ts), and the
 * runner chains them as the transaction's last step, so the chain head's lock is the last
 * lock any transaction takes and is held only for two statements and the commit.
 */
import { chainEvent, ChainVerifier, type AuditEvent, type AuditEventInput, type AuditFilter, type ChainReport } from "../domain/audit.js";
import type { Page, SeqPageRequest } from "../domain/pagination.js";
import type { Clock, IdGenerator } from "../domain/clock.port.js";
import type { Repositories, Store } from "../domain/repositories.port.js";
import type { Actor } from "../domain/tenant.js";
import { requireScope } from "./access.js";

/** Audit events read at a time when a chain is verified. */
export const VERIFY_BATCH = 1000;

export type AuditContext = Omit<AuditEventInput, "outcome" | "reason">;

/** Where a transaction's work records its audit events (chained when the work is done). */
export interface AuditRecorder {
  record(event: AuditEventInput): void;
}

export class AuditService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly verifyBatch = VERIFY_BATCH,
  ) {}

  /**
   * Links `inputs` onto their tenants' chains inside `tx`, in the order given. Tenants are
   * locked in id order, so two transactions touching the same tenants cannot deadlock here.
   */
  async chain(tx: Repositories, inputs: readonly AuditEventInput[]): Promise<AuditEvent[]> {
    const byTenant = new Map<string, AuditEventInput[]>();
    for (const input of inputs) byTenant.set(input.tenantId, [...(byTenant.get(input.tenantId) ?? []), input]);
    const out: AuditEvent[] = [];
    for (const tenantId of [...byTenant.keys()].sort()) {
      let head = await tx.tenants.lockAuditHead(tenantId);
      const at = this.clock.now();
      const events = byTenant.get(tenantId)!.map((input) => {
        const event = chainEvent(input, this.ids.next("evt"), at, head.seq, head.hash);
        head = { seq: event.seq, hash: event.hash };
        return event;
      });
      await tx.audit.appendToChain(tenantId, events);
      out.push(...events);
    }
    return out;
  }

  async list(actor: Actor, opts: { afterSeq?: number; limit?: number }): Promise<AuditEvent[]> {
    const { tenantId } = requireScope(actor, "audit:read");
    return this.store.audit.list(tenantId, opts);
  }

  /** The auditor's search: the tenant's events matching the filter, newest first, a page at a time. */
  async search(actor: Actor, filter: AuditFilter, page: SeqPageRequest): Promise<Page<AuditEvent>> {
    const { tenantId } = requireScope(actor, "audit:read");
    return this.store.audit.search(tenantId, filter, page);
  }

  /** Verifies the calling tenant's whole chain against its recorded head. */
  async verify(actor: Actor): Promise<ChainReport> {
    const { tenantId } = requireScope(actor, "audit:read");
    return this.verifyTenant(tenantId);
  }

  /**
   * The head is read first: every event up to it committed with it, so writers appending
   * meanwhile cannot make a valid chain look cut short.
   */
  async verifyTenant(tenantId: string): Promise<ChainReport> {
    const head = await this.store.tenants.readAuditHead(tenantId);
    // A batch at a time: memory stays bounded however long the chain.
    const verifier = new ChainVerifier();
    for (;;) {
      const batch = await this.store.audit.list(tenantId, { afterSeq: verifier.verifiedSeq, upToSeq: head.seq, limit: this.verifyBatch });
      if (!verifier.add(batch) || batch.length < this.verifyBatch) break;
    }
    return verifier.finish(head);
  }
}
