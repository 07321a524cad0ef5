/**
 * The consent lifecycle: grant (purpose, notice version and hash, method, evidence,
 * separate / guardian consent, expiry), withdraw, expire. Withdrawal destroys the
 * subject's templates held for that purpose in the same transaction (unless the subject
 * is under legal hold, in which case the retention sweep destroys them once the hold is
 * released); expiry is enforced at once by the policy decision, and a job scheduled for
 * the expiry time destroys the templates.
 */
import type { Clock, IdGenerator } from "../domain/clock.port.js";
import { CONSENT_METHODS, activeConsentFor, checkPurposeFilter, validatePurpose, type Consent, type ConsentFilter, type ConsentMethod } from "../domain/consent.js";
import type { Page, PageRequest } from "../domain/pagination.js";
import { DomainError } from "../domain/errors.js";
import { lapseJobId } from "../domain/jobs.port.js";
import type { Store } from "../domain/repositories.port.js";
import type { Actor } from "../domain/tenant.js";
import type { OperationRunner } from "./operation.js";
import type { PolicyService } from "./policy.service.js";
import { findSubjectWithConsentsOrThrow } from "./subject.service.js";
import { destroyTemplates } from "./template-disposal.js";
import type { TemplateEvents } from "./matching-index.service.js";
import { consentNoticeHash } from "../domain/privacy-notice.js";
import type { TemplateRef } from "../domain/template.js";

export interface GrantConsentInput {
  subjectId: string;
  purpose: string;
  noticeVersion: string;
  /** SHA-256 (hex) of the notice text shown to the subject. */
  noticeHash?: string | null;
  method: string;
  evidenceRef?: string | null;
  separate?: boolean;
  byGuardian?: boolean;
  expiresAt?: Date | null;
}

export interface WithdrawResult {
  consent: Consent;
  /** Templates destroyed with the withdrawal (0 while the subject is under legal hold). */
  destroyedTemplates: number;
}

const HEX64 = /^[0-9a-f]{64}$/;

export class ConsentService {
  constructor(
    private readonly store: Store,
    private readonly ops: OperationRunner,
    private readonly policy: PolicyService,
    private readonly events: TemplateEvents,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  /** The tenant's consents (the consents report), a page at a time; audited as one LIST_CONSENTS event. */
  async list(actor: Actor, filter: ConsentFilter, page: PageRequest): Promise<Page<Consent>> {
    const check = checkPurposeFilter(filter);
    return this.ops.listPage(actor, { action: "LIST_CONSENTS", scope: "subjects:read" }, check, (tx, caller) => tx.consents.list(caller.tenantId, filter, page, this.clock.now()));
  }

  async grant(actor: Actor, input: GrantConsentInput): Promise<Consent> {
    return this.ops.use(actor, { action: "GRANT_CONSENT", subjectId: input.subjectId, purpose: input.purpose, scope: "consents:write" }, async ({ caller, ctx }) => {
      const purpose = validatePurpose(input.purpose);
      const problems: string[] = [];
      if (!(CONSENT_METHODS as readonly string[]).includes(input.method)) problems.push(`method must be one of ${CONSENT_METHODS.join(", ")}`);
      const noticeVersion = input.noticeVersion.trim();
      if (noticeVersion.length < 1 || noticeVersion.length > 100) problems.push("noticeVersion must be 1 to 100 characters");
      const noticeHash = input.noticeHash?.toLowerCase() ?? null;
      if (noticeHash !== null && !HEX64.test(noticeHash)) problems.push("noticeHash must be the hex SHA-256 of the notice text (64 hex digits)");
      const evidenceRef = input.evidenceRef?.trim() || null;
      if (evidenceRef !== null && evidenceRef.length > 200) problems.push("evidenceRef must be at most 200 characters");
      const now = this.clock.now();
      const expiresAt = input.expiresAt ?? null;
      if (expiresAt !== null && expiresAt.getTime() <= now.getTime()) problems.push("expiresAt must be in the future");
      if (problems.length > 0) throw new DomainError("INVALID_INPUT", problems.join("; "));

      const consent = await this.ops.transaction(async (tx, audit, outbox) => {
        const { consents } = await findSubjectWithConsentsOrThrow(tx, caller.tenantId, input.subjectId);
        await this.policy.purposeOf(tx, caller.tenantId, purpose);
        const current = activeConsentFor(consents, purpose, now);
        if (current) throw new DomainError("ALREADY_EXISTS", `the subject already has an active consent for ${purpose}; withdraw it first to record a new one`);
        const consent: Consent = {
          id: this.ids.next("con"),
          tenantId: caller.tenantId,
          subjectId: input.subjectId,
          purpose,
          noticeVersion,
          // A version the tenant published: the hash of the text shown (src/domain/privacy-notice.ts).
          noticeHash: consentNoticeHash(await tx.privacyNotices.listForVersion(caller.tenantId, noticeVersion), noticeVersion, noticeHash, now),
          method: input.method as ConsentMethod,
          evidenceRef,
          separate: input.separate ?? false,
          byGuardian: input.byGuardian ?? false,
          grantedAt: now,
          expiresAt,
          withdrawnAt: null,
        };
        await tx.consents.create(consent);
        if (expiresAt) outbox.enqueue("consent.lapse", { tenantId: consent.tenantId, consentId: consent.id }, lapseJobId(consent.id), expiresAt);
        audit.record({ ...ctx, outcome: "SUCCESS", targetId: consent.id });
        return consent;
      });
      this.ops.telemetry.count("consentChanges", 1, { change: "grant" });
      return consent;
    });
  }

  async withdraw(actor: Actor, subjectId: string, purpose: string): Promise<WithdrawResult> {
    const result = await this.ops.use(actor, { action: "WITHDRAW_CONSENT", subjectId, purpose, scope: "consents:write" }, async ({ caller, ctx }) => {
      validatePurpose(purpose);
      return this.ops.transaction(async (tx, audit, outbox) => {
        const { subject, consents } = await findSubjectWithConsentsOrThrow(tx, caller.tenantId, subjectId);
        const now = this.clock.now();
        const current = activeConsentFor(consents, purpose, now);
        if (!current) throw new DomainError("CONSENT_NOT_FOUND", `the subject has no active consent for ${purpose}`);
        await tx.consents.markWithdrawn(caller.tenantId, current.id, now);
        outbox.cancel(lapseJobId(current.id));
        audit.record({ ...ctx, outcome: "SUCCESS", targetId: current.id });
        let destroyed: TemplateRef[] = [];
        if (subject.legalHoldSince === null) {
          destroyed = await tx.templates.listForPurpose(caller.tenantId, subjectId, purpose);
          await destroyTemplates(tx, audit, outbox, destroyed, caller.label, "CONSENT_WITHDRAWN");
        }
        return { consent: { ...current, withdrawnAt: now }, destroyed };
      });
    });
    await this.events.removed(result.destroyed);
    this.ops.telemetry.count("consentChanges", 1, { change: "withdraw" });
    return { consent: result.consent, destroyedTemplates: result.destroyed.length };
  }

  /**
   * The consent.lapse job: once the consent has expired (and is not under hold or restriction), destroys
   * the templates it covered unless another active consent covers the purpose. Idempotent.
   */
  async lapse(tenantId: string, consentId: string): Promise<number> {
    const destroyed = await this.ops.transaction(async (tx, audit, outbox): Promise<TemplateRef[]> => {
      const now = this.clock.now();
      const consent = await tx.consents.findById(tenantId, consentId);
      if (!consent) return [];
      if (consent.expiresAt === null || consent.expiresAt.getTime() > now.getTime()) return [];
      const found = await tx.subjects.findWithConsents(tenantId, consent.subjectId);
      if (!found) return [];
      const { subject, consents: all } = found;
      if (subject.legalHoldSince !== null || subject.restrictedSince !== null || activeConsentFor(all, consent.purpose, now)) return [];
      const refs = await tx.templates.listForPurpose(tenantId, consent.subjectId, consent.purpose);
      await destroyTemplates(tx, audit, outbox, refs, "system:consent-expiry", "CONSENT_ENDED");
      return refs;
    });
    await this.events.removed(destroyed);
    return destroyed.length;
  }
}
