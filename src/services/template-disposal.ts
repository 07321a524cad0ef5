/**
 * Destroys templates inside the caller's transaction and records one audit event per
 * template (action DESTROY_TEMPLATE, the reason why, the template id). Used by consent
 * withdrawal, the retention sweep, erasure and operators' deletions, so every path that deletes biometric data
 * leaves the same trace. This process's index hears about it after commit; the other
 * processes' through the outbox.
 */
import type { Repositories } from "../domain/repositories.port.js";
import type { TemplateRef } from "../domain/template.js";
import type { AuditRecorder } from "./audit.service.js";
import type { OutboxWriter } from "./operation.js";

/**
 * MIGRATED: replaced by the subject's template in the gallery made to move its gallery to a
 * new model. DELETED: an operator deleted the template; GALLERY_DELETED: its gallery.
 */
export type DisposalReason = "CONSENT_WITHDRAWN" | "CONSENT_ENDED" | "RETENTION_EXPIRED" | "ERASURE" | "MIGRATED" | "DELETED" | "GALLERY_DELETED";

export async function destroyTemplates(tx: Repositories, audit: AuditRecorder, outbox: OutboxWriter, refs: readonly TemplateRef[], actor: string, reason: DisposalReason): Promise<number> {
  let destroyed = 0;
  const byTenant = new Map<string, TemplateRef[]>();
  for (const r of refs) byTenant.set(r.tenantId, [...(byTenant.get(r.tenantId) ?? []), r]);
  for (const [tenantId, list] of byTenant) {
    // Only what this transaction deleted is recorded: a concurrent one may have destroyed some first.
    const deleted = new Set(await tx.templates.delete(tenantId, list.map((r) => r.id)));
    destroyed += deleted.size;
    outbox.index({ op: "remove", tenantId, templateIds: list.map((r) => r.id) });
    for (const r of list) {
      if (!deleted.has(r.id)) continue;
      audit.record({ tenantId, actor, action: "DESTROY_TEMPLATE", subjectId: r.subjectId, purpose: r.purpose, outcome: "SUCCESS", reason, targetId: r.id });
    }
  }
  return destroyed;
}
