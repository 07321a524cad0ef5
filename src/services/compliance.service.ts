/**
 * Regulatory outputs: the signed audit trail export for a time range, the record of
 * processing activities (GDPR Art. 30) generated from the policy files, the count of
 * distinct subjects with stored face data (China's filing threshold: 100,000), and the
 * public key that checks every signed document.
 */
import type { Clock } from "../domain/clock.port.js";
import { collectText, streamAuditExport } from "../domain/audit-export.js";
import { DomainError } from "../domain/errors.js";
import type { Store } from "../domain/repositories.port.js";
import type { DocumentSigner } from "../domain/signer.port.js";
import type { Actor } from "../domain/tenant.js";
import { requireScope } from "./access.js";
import type { OperationRunner } from "./operation.js";
import type { PolicyService } from "./policy.service.js";

/** Audit events read at a time by exports. */
export const EXPORT_BATCH = 500;

/** China, Security Management Measures for Facial Recognition Technology (2025), Art. 15. */
export const FILING_THRESHOLD = 100_000;

export interface BiometricSubjectCount {
  subjects: number;
  filingThreshold: number;
  filingRequired: boolean;
}

export class ComplianceService {
  constructor(
    private readonly store: Store,
    private readonly ops: OperationRunner,
    private readonly policy: PolicyService,
    private readonly signer: DocumentSigner,
    private readonly clock: Clock,
  ) {}

  signingKey() {
    return { algorithm: this.signer.algorithm, publicKey: this.signer.publicKey, keyId: this.signer.keyId };
  }

  /**
   * The audit trail of [from, to) as the lines of a signed export, read EXPORT_BATCH events
   * at a time, so memory stays bounded however long the trail (the HTTP download streams
   * it). The export is audited before anything is read, so one reaching now includes itself.
   */
  async streamAudit(actor: Actor, from: Date, to: Date): Promise<AsyncIterable<string>> {
    return this.ops.use(actor, { action: "EXPORT_AUDIT", scope: "audit:read" }, async ({ caller, ctx }) => {
      if (!(from.getTime() < to.getTime())) throw new DomainError("INVALID_INPUT", "from must be before to");
      await this.ops.transaction(async (_tx, audit) => audit.record({ ...ctx, outcome: "SUCCESS", reason: `${from.toISOString()}/${to.toISOString()}` }));
      const store = this.store;
      const batches = async function* () {
        for (let afterSeq = 0; ; ) {
          const batch = await store.audit.listBetween(caller.tenantId, from, to, { afterSeq, limit: EXPORT_BATCH });
          if (batch.length > 0) yield batch;
          if (batch.length < EXPORT_BATCH) return;
          afterSeq = batch.at(-1)!.seq;
        }
      };
      return streamAuditExport({ tenantId: caller.tenantId, from, to, exportedAt: this.clock.now() }, batches(), this.signer);
    });
  }

  /** The same export as one string (GraphQL's exportAuditTrail; long ranges are better downloaded from /exports/audit). */
  async exportAudit(actor: Actor, from: Date, to: Date): Promise<string> {
    return collectText(await this.streamAudit(actor, from, to));
  }

  /**
   * Templates the retention sweep will delete within 7 and 30 days as things stand (their
   * retention date passes; a use before then extends it; held subjects' are kept).
   */
  async retentionForecast(actor: Actor): Promise<{ within7Days: number; within30Days: number }> {
    const { tenantId } = requireScope(actor, "compliance:read");
    const day = 86_400_000;
    const now = this.clock.now().getTime();
    const [within7Days, within30Days] = await Promise.all([7, 30].map((d) => this.store.templates.countRetentionEndingBefore(tenantId, new Date(now + d * day))));
    return { within7Days: within7Days!, within30Days: within30Days! };
  }

  async subjectCount(actor: Actor): Promise<BiometricSubjectCount> {
    const { tenantId } = requireScope(actor, "compliance:read");
    const subjects = await this.store.subjects.countWithTemplates(tenantId);
    return { subjects, filingThreshold: FILING_THRESHOLD, filingRequired: subjects >= FILING_THRESHOLD };
  }

  /** GDPR Art. 30 record of processing activities for the calling tenant, from its policy. */
  async recordOfProcessing(actor: Actor) {
    const { tenantId } = requireScope(actor, "compliance:read");
    const policy = await this.policy.policyOf(this.store, tenantId);
    return {
      generatedAt: this.clock.now().toISOString(),
      tenantId,
      policyVersion: policy.version,
      categoriesOfData: ["face templates (biometric data, GDPR Art. 9; sensitive personal information, PIPL Art. 28)", "consent records", "verification decisions"],
      categoriesOfSubjects: ["people enrolled by the controller with their consent"],
      recipients: ["none: templates are processed only by this platform for the controller"],
      internationalTransfers: "none by the platform",
      securityMeasures: [
        "templates stored only under envelope encryption (AES-256-GCM, per-subject data key wrapped by a per-tenant key)",
        "subject data keys kept apart from the database; erasure destroys them (crypto-shredding)",
        "raw images not stored unless a purpose allows it",
        "tamper-evident hash-chained audit trail",
      ],
      activities: [...policy.purposes.values()].map((p) => ({
        purpose: p.name,
        description: p.description,
        legalBasis: p.legalBasis,
        consentRequired: p.consentType,
        operations: p.operations,
        identification: p.identification,
        retention: `${p.retention.maxDays} days after enrollment at most${p.retention.unusedDays === null ? "" : `, ${p.retention.unusedDays} days after last use`}`,
        dpiaReference: p.dpiaReference,
        nonBiometricFallback: p.fallback,
        minimumAgeWithoutGuardian: p.minAgeWithoutGuardian,
        rawImagesKept: p.keepRawImages,
      })),
      prohibitions: policy.deny.map((d) => ({ operations: d.operations, purposes: d.purposes, because: d.because })),
    };
  }
}
