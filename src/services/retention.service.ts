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
      const due = await this.ops.transaction(async (tx, audit, outbox) => {
        const due = await tx.templates.listDue(this.clock.now(), this.batchSize);
        const expired = due.filter((d) => d.why === "RETENTION_EXPIRED");
        const ended = due.filter((d) => d.why === "CONSENT_ENDED");
        result.retentionExpired += await destroyTemplates(tx, audit, outbox, expired, RETENTION_ACTOR, "RETENTION_EXPIRED");
        result.consentEnded += await destroyTemplates(tx, audit, outbox, ended, RETENTION_ACTOR, "CONSENT_ENDED");
        return due;
      });
      await this.events.removed(due);
      if (due.length < this.batchSize) return result;
    }
  }
}
