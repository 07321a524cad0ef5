/**
 * The retention sweep (job `retention.sweep`): destroys, in batches, every template past
 * its retention date or held for a purpose its subject no longer consents to (withdrawn
 * or expired), skipping subjects under legal hold. Each destruction is audited. Idempotent.
 */
import type { Clock } from "../domain/clock.port.js";
import type { Store } from "../domain/repositories.port.js";
import type { OperationRunner } from "./operation.js";
import { destroyTemplates } from "./template-disposal.js";
import type { TemplateEvents } from "./matching-index.service.js";

export interface SweepResult {
  retentionExpired: number;
  consentEnded: number;
}

export const RETENTION_ACTOR = "system:retention";

export class RetentionService {
  /** When the last sweep finished (null: none yet in this process); the operator's lag gauge reads it. */
  lastSweepAt: Date | null = null;

  constructor(
    private readonly store: Store,
    private readonly ops: OperationRunner,
    private readonly events: TemplateEvents,
    private readonly clock: Clock,
    private readonly batchSize = 200,
  ) {}

  async sweep(): Promise<SweepResult> {
    const result: SweepResult = { retentionExpired: 0, consentEnded: 0 };
    for (;;) {
      // Counted once committed (a transaction that conflicts runs again).
      const { due, expired, ended } = await this.ops.transaction(async (tx, audit, outbox) => {
        const due = await tx.templates.listDue(this.clock.now(), this.batchSize);
        const expired = await destroyTemplates(tx, audit, outbox, due.filter((d) => d.why === "RETENTION_EXPIRED"), RETENTION_ACTOR, "RETENTION_EXPIRED");
        const ended = await destroyTemplates(tx, audit, outbox, due.filter((d) => d.why === "CONSENT_ENDED"), RETENTION_ACTOR, "CONSENT_ENDED");
        return { due, expired, ended };
      });
      result.retentionExpired += expired;
      result.consentEnded += ended;
      if (expired > 0) this.ops.telemetry.count("retentionDeletions", expired, { reason: "RETENTION_EXPIRED" });
      if (ended > 0) this.ops.telemetry.count("retentionDeletions", ended, { reason: "CONSENT_ENDED" });
      await this.events.removed(due);
      if (due.length < this.batchSize) {
        this.lastSweepAt = this.clock.now();
        this.ops.telemetry.count("retentionSweeps", 1);
        return result;
      }
    }
  }
}
