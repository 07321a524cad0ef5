/** Granting and withdrawing a subject's consent to face processing for one purpose. */
import type { Clock, IdGenerator } from "../domain/clock.port.js";
import { CONSENT_METHODS, activeConsentFor, validatePurpose, type Consent, type ConsentMethod } from "../domain/consent.js";
import { DomainError } from "../domain/errors.js";
import type { Repositories, Store } from "../domain/repositories.port.js";
import type { Actor } from "../domain/tenant.js";
import { callerOf, requireScope } from "./access.js";
import type { AuditService } from "./audit.service.js";
import { findSubjectOrThrow } from "./subject.service.js";

export interface GrantConsentInput {
  subjectId: string;
  purpose: string;
  noticeVersion: string;
  method: string;
}

/**
 * The gate every biometric operation passes: the subject's active consent for the
 * purpose, or FORBIDDEN with reason CONSENT_REQUIRED.
 */
export async function requireActiveConsent(repos: Repositories, tenantId: string, subjectId: string, purpose: string, now: Date): Promise<Consent> {
  const consent = activeConsentFor(await repos.consents.listForSubject(tenantId, subjectId), purpose, now);
  if (!consent) throw new DomainError("CONSENT_REQUIRED", `the subject has no active consent for the purpose ${purpose}`, { purpose });
  return consent;
}

export class ConsentService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async grant(actor: Actor, input: GrantConsentInput): Promise<Consent> {
    const caller = callerOf(actor);
    const ctx = { tenantId: caller.tenantId, actor: caller.label, action: "GRANT_CONSENT", subjectId: input.subjectId, purpose: input.purpose };
    return this.audit.failuresOf(ctx, async () => {
      requireScope(actor, "consents:write");
      const purpose = validatePurpose(input.purpose);
      if (!(CONSENT_METHODS as readonly string[]).includes(input.method)) {
        throw new DomainError("INVALID_INPUT", `consent method must be one of ${CONSENT_METHODS.join(", ")}`);
      }
      const noticeVersion = input.noticeVersion.trim();
      if (noticeVersion.length < 1 || noticeVersion.length > 100) throw new DomainError("INVALID_INPUT", "noticeVersion must be 1 to 100 characters");
      return this.store.transaction(async (tx) => {
        await findSubjectOrThrow(tx, caller.tenantId, input.subjectId);
        const now = this.clock.now();
        const current = activeConsentFor(await tx.consents.listForSubject(caller.tenantId, input.subjectId), purpose, now);
        if (current) throw new DomainError("ALREADY_EXISTS", `the subject already has an active consent for ${purpose}; withdraw it first to record a new one`);
        const consent: Consent = {
          id: this.ids.next("con"),
          tenantId: caller.tenantId,
          subjectId: input.subjectId,
          purpose,
          noticeVersion,
          method: input.method as ConsentMethod,
          grantedAt: now,
          withdrawnAt: null,
        };
        await tx.consents.create(consent);
        await this.audit.append(tx, { ...ctx, outcome: "SUCCESS", targetId: consent.id });
        return consent;
      });
    });
  }

  async withdraw(actor: Actor, subjectId: string, purpose: string): Promise<Consent> {
    const caller = callerOf(actor);
    const ctx = { tenantId: caller.tenantId, actor: caller.label, action: "WITHDRAW_CONSENT", subjectId, purpose };
    return this.audit.failuresOf(ctx, async () => {
      requireScope(actor, "consents:write");
      validatePurpose(purpose);
      return this.store.transaction(async (tx) => {
        await findSubjectOrThrow(tx, caller.tenantId, subjectId);
        const now = this.clock.now();
        const current = activeConsentFor(await tx.consents.listForSubject(caller.tenantId, subjectId), purpose, now);
        if (!current) throw new DomainError("CONSENT_NOT_FOUND", `the subject has no active consent for ${purpose}`);
        await tx.consents.markWithdrawn(caller.tenantId, current.id, now);
        await this.audit.append(tx, { ...ctx, outcome: "SUCCESS", targetId: current.id });
        return { ...current, withdrawnAt: now };
      });
    });
  }
}
