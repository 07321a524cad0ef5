/**
 * The one mechanism every use case runs through.
 *
 * - `use(actor, spec, work)`: the tenant caller, the audit context and the scope check,
 *   then `run`; `work` gets the caller and the context for its own audit events.
 * - `run(ctx, work)`: runs the use case; when it throws, the refusal (DENIED: scope,
 *   consent, policy) or failure (FAILED: anything else) is written to the audit trail in
 *   a transaction of its own, retried; if it still cannot be written, the caller gets a
 *   typed retryable error (AUDIT_UNAVAILABLE) instead of a refusal nobody recorded.
 * - `transaction(work)`: one database transaction whose work records its audit events on
 *   the recorder it is handed, and the jobs and index changes it causes on the outbox
 *   writer; both are written as the transaction's last steps (the audit chain last of all,
 *   see AuditService.chain) and commit with the change or not at all. After a commit that
 *   wrote outbox messages the relay is kicked (src/services/outbox-relay.ts). Serialization failures
 *   and deadlocks (TRANSACTION_CONFLICT) re-run the whole work, a bounded number of times
 *   with jittered exponential backoff, so work must not consume its inputs (zero buffers
 *   after the transaction, not inside it).
 */
import type { AuditEventInput } from "../domain/audit.js";
import type { Clock, IdGenerator } from "../domain/clock.port.js";
import type { IndexChange } from "../domain/index-sync.port.js";
import type { JobCatalogue, JobName } from "../domain/jobs.port.js";
import { enqueueMessage, type OutboxMessage } from "../domain/outbox.js";
import { DomainError, isDomainError, isRetryable } from "../domain/errors.js";
import type { Page } from "../domain/pagination.js";
import type { Repositories, Store } from "../domain/repositories.port.js";
import type { Actor, Scope } from "../domain/tenant.js";
import { callerOf, requireScope, type TenantCaller } from "./access.js";
import type { Logger } from "../observability/logger.js";
import type { AuditContext, AuditRecorder, AuditService } from "./audit.service.js";
import { noTelemetry, type Telemetry } from "../domain/telemetry.port.js";

export interface RetryPolicy {
  /** Tries of a transaction in all (1 = no retry). */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 8, baseDelayMs: 5, maxDelayMs: 250 };
/** Recording a refusal is retried less patiently: the caller is waiting for its answer. */
const FAILURE_AUDIT_TRIES = 4;

/** Where a transaction's work says which jobs and index changes must follow its commit. */
export interface OutboxWriter {
  enqueue<N extends JobName>(name: N, payload: JobCatalogue[N], jobId: string, runAt?: Date | null): void;
  cancel(jobId: string): void;
  index(change: IndexChange): void;
}

export interface RunnerDeps {
  store: Store;
  audit: AuditService;
  clock: Clock;
  ids: IdGenerator;
  log: Logger;
  /** Delivers the outbox after a commit that wrote to it (resolves within a bounded time). */
  afterOutbox?: () => Promise<void>;
  retry?: RetryPolicy;
  sleep?: Sleep;
  /** Spans around transactions, counts of audit events (default: none). */
  telemetry?: Telemetry;
}

/** What a use case is, for its audit events and its scope check. */
export interface OperationSpec extends Omit<AuditContext, "tenantId" | "actor"> {
  scope: Scope;
}

export type Sleep = (ms: number) => Promise<void>;
const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class OperationRunner {
  private readonly store: Store;
  private readonly audit: AuditService;
  private readonly log: Logger;
  private readonly retry: RetryPolicy;
  private readonly sleep: Sleep;
  /** Spans and counts for the operator: the services' one way to them. */
  readonly telemetry: Telemetry;

  constructor(private readonly d: RunnerDeps) {
    this.store = d.store;
    this.audit = d.audit;
    this.log = d.log;
    this.retry = d.retry ?? DEFAULT_RETRY;
    this.sleep = d.sleep ?? realSleep;
    this.telemetry = d.telemetry ?? noTelemetry;
  }

  /**
   * A tenant's use case: the caller (the platform admin acts on no tenant's data), the
   * audit context, then the scope check inside `run`, so that a missing scope is audited
   * as DENIED like any other refusal.
   */
  async use<T>(actor: Actor, spec: OperationSpec, work: (op: { caller: TenantCaller; ctx: AuditContext }) => Promise<T>): Promise<T> {
    const caller = callerOf(actor);
    const { scope, ...rest } = spec;
    const ctx: AuditContext = { tenantId: caller.tenantId, actor: caller.label, ...rest };
    return this.run(ctx, async () => {
      requireScope(actor, scope);
      return work({ caller, ctx });
    });
  }

  /**
   * An operator's read of a page of personal data: `check` validates the request (a refusal
   * is audited like any other), the page is read in a transaction that records one SUCCESS
   * event saying how many items were shown of how many.
   */
  async listPage<T>(actor: Actor, spec: OperationSpec, check: () => void, read: (tx: Repositories, caller: TenantCaller) => Promise<Page<T>>): Promise<Page<T>> {
    return this.use(actor, spec, async ({ caller, ctx }) => {
      check();
      return this.transaction(async (tx, audit) => {
        const page = await read(tx, caller);
        audit.record({ ...ctx, outcome: "SUCCESS", reason: `${page.items.length} of ${page.totalCount}` });
        return page;
      });
    });
  }

  async run<T>(ctx: AuditContext, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (e) {
      await this.recordFailure(ctx, e);
      throw e;
    }
  }

  async transaction<T>(work: (tx: Repositories, audit: AuditRecorder, outbox: OutboxWriter) => Promise<T>): Promise<T> {
    return this.telemetry.span("db.transaction", {}, () => this.transactionWithRetries(work));
  }

  private async transactionWithRetries<T>(work: (tx: Repositories, audit: AuditRecorder, outbox: OutboxWriter) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let messages: OutboxMessage[] = [];
      try {
        const result = await this.store.transaction(async (tx) => {
          const events: AuditEventInput[] = [];
          messages = [];
          const outbox: OutboxWriter = {
            enqueue: (name, payload, jobId, runAt = null) => void messages.push(enqueueMessage(name, payload, jobId, runAt, this.telemetry.carrier())),
            cancel: (jobId) => void messages.push({ kind: "cancel", jobId }),
            index: (change) => void messages.push({ kind: "index", change }),
          };
          const result = await work(tx, { record: (event) => void events.push(event) }, outbox);
          const now = this.d.clock.now();
          for (const m of messages) await tx.outbox.add(this.d.ids.next("obx"), m, now);
          if (events.length > 0) await this.audit.chain(tx, events);
          return { result, events };
        }).then(({ result, events }) => {
          for (const outcome of new Set(events.map((e) => e.outcome))) this.telemetry.count("auditEvents", events.filter((e) => e.outcome === outcome).length, { outcome });
          return result;
        });
        if (messages.length > 0) await this.d.afterOutbox?.();
        return result;
      } catch (e) {
        if (!(isDomainError(e) && e.reason === "TRANSACTION_CONFLICT") || attempt >= this.retry.attempts) throw e;
        await this.sleep(this.backoff(attempt));
      }
    }
  }

  private backoff(attempt: number): number {
    const cap = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    return cap / 2 + Math.random() * (cap / 2);
  }

  private async recordFailure(ctx: AuditContext, e: unknown): Promise<void> {
    const denied = isDomainError(e) && (e.kind === "FORBIDDEN" || e.kind === "UNAUTHENTICATED");
    const event: AuditEventInput = { ...ctx, outcome: denied ? "DENIED" : "FAILED", reason: isDomainError(e) ? e.reason : "INTERNAL" };
    let lastError: unknown;
    for (let attempt = 1; attempt <= FAILURE_AUDIT_TRIES; attempt++) {
      try {
        await this.transaction(async (_tx, audit) => audit.record(event));
        return;
      } catch (auditError) {
        lastError = auditError;
        if (attempt < FAILURE_AUDIT_TRIES) await this.sleep(50 * 2 ** (attempt - 1));
      }
    }
    this.log.error("could not record a refused or failed operation in the audit trail", { action: ctx.action, reason: event.reason, error: lastError });
    this.telemetry.count("auditEvents", 1, { outcome: "UNWRITTEN" });
    // The caller must not take an unrecorded refusal as final: a dependency error already
    // says "retry"; anything else is replaced by one that does.
    if (isRetryable(e)) return;
    throw new DomainError("AUDIT_UNAVAILABLE", "the outcome of this call could not be recorded; retry shortly");
  }
}
