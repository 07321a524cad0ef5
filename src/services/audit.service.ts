/**
 * Appends to and reads the per-tenant audit chains. Successful operations append inside
 * their own transaction (so the event commits with the change); refused or failed ones
 * are recorded by `recordFailure`, in a transaction of their own, and write nothing else.
 */
import { chainEvent, verifyChain, type AuditEvent, type AuditEventInput, type ChainReport } from "../domain/audit.js";
import type { Clock, IdGenerator } from "../domain/clock.port.js";
import { isDomainError } from "../domain/errors.js";
import type { Repositories, Store } from "../domain/repositories.port.js";
import type { Actor } from "../domain/tenant.js";
import type { Logger } from "../observability/logger.js";
import { requireScope } from "./access.js";

export type AuditContext = Omit<AuditEventInput, "outcome" | "reason">;

export class AuditService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly log: Logger,
  ) {}

  /** Appends one event inside the caller's transaction. */
  async append(tx: Repositories, input: AuditEventInput): Promise<AuditEvent> {
    const head = await tx.tenants.lockAuditHead(input.tenantId);
    const event = chainEvent(input, this.ids.next("evt"), this.clock.now(), head.seq, head.hash);
    await tx.audit.insert(event);
    await tx.tenants.setAuditHead(input.tenantId, event.seq, event.hash);
    return event;
  }

  /**
   * Runs `work`; if it throws, records the refusal or failure (DENIED for authorisation
   * and consent refusals, FAILED otherwise) and rethrows.
   */
  async failuresOf<T>(ctx: AuditContext, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (e) {
      const denied = isDomainError(e) && (e.kind === "FORBIDDEN" || e.kind === "UNAUTHENTICATED");
      const reason = isDomainError(e) ? e.reason : "INTERNAL";
      try {
        await this.store.transaction((tx) => this.append(tx, { ...ctx, outcome: denied ? "DENIED" : "FAILED", reason }));
      } catch (auditError) {
        this.log.error("could not record a failed operation in the audit trail", { action: ctx.action, error: auditError });
      }
      throw e;
    }
  }

  async list(actor: Actor, opts: { afterSeq?: number; limit?: number }): Promise<AuditEvent[]> {
    const { tenantId } = requireScope(actor, "audit:read");
    return this.store.audit.list(tenantId, opts);
  }

  /** Verifies the calling tenant's whole chain against its recorded head. */
  async verify(actor: Actor): Promise<ChainReport> {
    const { tenantId } = requireScope(actor, "audit:read");
    return this.verifyTenant(tenantId);
  }

  async verifyTenant(tenantId: string): Promise<ChainReport> {
    const [events, head] = await Promise.all([this.store.audit.list(tenantId), this.store.tenants.readAuditHead(tenantId)]);
    return verifyChain(events, head);
  }
}
