/**
 * Subjects: created with their own data-encryption key (wrapped by the tenant key, kept
 * in the key vault), read back with their consents and template metadata, put under and
 * released from legal hold. Never returns vectors or keys.
 */
import type { Clock, IdGenerator } from "../domain/clock.port.js";
import type { Consent } from "../domain/consent.js";
import { DomainError } from "../domain/errors.js";
import type { Repositories, Store } from "../domain/repositories.port.js";
import type { Page, PageRequest } from "../domain/pagination.js";
import { checkPurposeFilter, validatePurpose } from "../domain/consent.js";
import { subjectFieldProblems, type Subject, type SubjectFilter, type SubjectWithConsents } from "../domain/subject.js";
import type { TemplateFilter, TemplateMetadata } from "../domain/template.js";
import type { KeyVault } from "../domain/key-vault.port.js";
import type { TemplateCrypto } from "../domain/template-crypto.port.js";
import type { Actor } from "../domain/tenant.js";
import type { OperationRunner } from "./operation.js";

export interface SubjectView {
  subject: Subject;
  consents: Consent[];
  templates: TemplateMetadata[];
}

/** Looks up a subject of the tenant; NOT_FOUND for unknown ids and other tenants' subjects alike. */
export async function findSubjectOrThrow(repos: Repositories, tenantId: string, subjectId: string): Promise<Subject> {
  const subject = await repos.subjects.find(tenantId, subjectId);
  if (!subject) throw new DomainError("SUBJECT_NOT_FOUND", "no such subject");
  return subject;
}

/** The subject and its consents (oldest first), or NOT_FOUND as findSubjectOrThrow. */
export async function findSubjectWithConsentsOrThrow(repos: Repositories, tenantId: string, subjectId: string): Promise<SubjectWithConsents> {
  const found = await repos.subjects.findWithConsents(tenantId, subjectId);
  if (!found) throw new DomainError("SUBJECT_NOT_FOUND", "no such subject");
  return found;
}

export class SubjectService {
  constructor(
    private readonly store: Store,
    private readonly ops: OperationRunner,
    private readonly crypto: TemplateCrypto,
    private readonly vault: KeyVault,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async create(actor: Actor, externalRef: string | null, dateOfBirth: Date | null = null): Promise<Subject> {
    const subjectId = this.ids.next("sub");
    return this.ops.use(actor, { action: "CREATE_SUBJECT", scope: "subjects:write", subjectId }, async ({ caller }) => {
      const problems = subjectFieldProblems({ externalRef, dateOfBirth }, this.clock.now());
      if (problems.length > 0) throw new DomainError("INVALID_INPUT", problems.join("; "));
      // The key goes to the vault first (outside the transaction, which may be re-run); if
      // the subject's row then fails, the orphan key is removed.
      const tenant = await this.store.tenants.findById(caller.tenantId);
      if (!tenant) throw new DomainError("INVALID_API_KEY", "the tenant no longer exists");
      if (externalRef !== null && (await this.store.subjects.findByExternalRef(caller.tenantId, externalRef))) {
        throw new DomainError("ALREADY_EXISTS", "a subject with this externalRef exists");
      }
      const now = this.clock.now();
      const { key, wrapped } = this.crypto.createDataKey(caller.tenantId, subjectId, tenant.kekVersion);
      key.destroy();
      await this.vault.put({ subjectId, tenantId: caller.tenantId, wrappedKey: wrapped.wrappedKey, kekVersion: wrapped.kekVersion, createdAt: now });
      try {
        return await this.ops.transaction(async (tx, audit) => {
          if (externalRef !== null && (await tx.subjects.findByExternalRef(caller.tenantId, externalRef))) {
            throw new DomainError("ALREADY_EXISTS", "a subject with this externalRef exists");
          }
          const subject: Subject = { id: subjectId, tenantId: caller.tenantId, externalRef, dateOfBirth, legalHoldSince: null, legalHoldReason: null, restrictedSince: null, restrictionReason: null, createdAt: now };
          await tx.subjects.create(subject);
          audit.record({ tenantId: caller.tenantId, actor: caller.label, action: "CREATE_SUBJECT", subjectId, outcome: "SUCCESS", targetId: subjectId });
          return subject;
        });
      } catch (e) {
        await this.removeOrphanKey(caller.tenantId, subjectId);
        throw e;
      }
    });
  }

  /** The key of a subject whose row was not written; retried, since the vault may have failed with the database. */
  private async removeOrphanKey(tenantId: string, subjectId: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await this.vault.destroy(tenantId, subjectId);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
    }
  }

  async get(actor: Actor, subjectId: string): Promise<SubjectView> {
    return this.ops.use(actor, { action: "READ_SUBJECT", scope: "subjects:read", subjectId }, async ({ caller }) => {
      return this.ops.transaction(async (tx, audit) => {
        const { subject, consents } = await findSubjectWithConsentsOrThrow(tx, caller.tenantId, subjectId);
        const templates = await tx.templates.listMetadata(caller.tenantId, subjectId);
        audit.record({ tenantId: caller.tenantId, actor: caller.label, action: "READ_SUBJECT", subjectId, outcome: "SUCCESS" });
        return { subject, consents, templates };
      });
    });
  }

  /**
   * One page of the tenant's subjects (operators: the portal, privacy officers), audited as
   * one LIST_SUBJECTS event that records how many were shown; never vectors or keys.
   */
  async list(actor: Actor, filter: SubjectFilter, page: PageRequest): Promise<Page<Subject>> {
    const check = () => {
      if (filter.consent) validatePurpose(filter.consent.purpose);
      if (filter.externalRef !== undefined && (filter.externalRef.length === 0 || filter.externalRef.length > 200)) throw new DomainError("INVALID_INPUT", "externalRef must be 1 to 200 characters");
    };
    return this.ops.listPage(actor, { action: "LIST_SUBJECTS", scope: "subjects:read" }, check, (tx, caller) => tx.subjects.list(caller.tenantId, filter, page, this.clock.now()));
  }

  /** The tenant's templates, metadata only (never the encrypted vector), a page at a time; audited as LIST_TEMPLATES. */
  async listTemplates(actor: Actor, filter: TemplateFilter, page: PageRequest): Promise<Page<TemplateMetadata>> {
    const check = checkPurposeFilter(filter);
    return this.ops.listPage(actor, { action: "LIST_TEMPLATES", scope: "subjects:read" }, check, (tx, caller) => tx.templates.listPage(caller.tenantId, filter, page));
  }

  /** Puts the subject under legal hold: nothing of theirs is deleted (erasure, retention, withdrawal) or matched until released. */
  async setLegalHold(actor: Actor, subjectId: string, reason: string): Promise<Subject> {
    return this.mark(actor, subjectId, "legalHold", reason);
  }

  async releaseLegalHold(actor: Actor, subjectId: string): Promise<Subject> {
    return this.mark(actor, subjectId, "legalHold", null);
  }

  /**
   * Restricts processing (GDPR Art. 18: while accuracy or a objection is checked, or when
   * the subject needs the data kept for a legal claim): the data is only stored; no
   * enrollment, matching or analysis, no deletion by retention or consent expiry. The
   * subject's own withdrawal or erasure request still acts.
   */
  async restrictProcessing(actor: Actor, subjectId: string, reason: string): Promise<Subject> {
    return this.mark(actor, subjectId, "restriction", reason);
  }

  async liftRestriction(actor: Actor, subjectId: string): Promise<Subject> {
    return this.mark(actor, subjectId, "restriction", null);
  }

  /** Sets (with a reason) or clears a legal hold or a restriction, audited; one of each at a time. */
  private async mark(actor: Actor, subjectId: string, kind: "legalHold" | "restriction", reason: string | null): Promise<Subject> {
    const spec = {
      legalHold: { set: "SET_LEGAL_HOLD", clear: "RELEASE_LEGAL_HOLD", what: "under legal hold", example: "the case reference", since: "legalHoldSince", why: "legalHoldReason" },
      restriction: { set: "RESTRICT_PROCESSING", clear: "LIFT_RESTRICTION", what: "restricted", example: "the request or the claim", since: "restrictedSince", why: "restrictionReason" },
    }[kind];
    return this.ops.use(actor, { action: reason === null ? spec.clear : spec.set, subjectId, scope: "compliance:write" }, async ({ caller, ctx }) => {
      const why = reason?.trim() ?? null;
      if (why !== null && (why.length < 5 || why.length > 500)) throw new DomainError("INVALID_INPUT", `a reason of 5 to 500 characters is needed (e.g. ${spec.example})`);
      return this.ops.transaction(async (tx, audit) => {
        const subject = await findSubjectOrThrow(tx, caller.tenantId, subjectId);
        const isSet = (kind === "legalHold" ? subject.legalHoldSince : subject.restrictedSince) !== null;
        if (why !== null && isSet) throw new DomainError("ALREADY_EXISTS", `the subject is already ${spec.what}`);
        if (why === null && !isSet) throw new DomainError("REQUEST_STATE", `the subject is not ${spec.what}`);
        const since = why === null ? null : this.clock.now();
        if (kind === "legalHold") await tx.subjects.setLegalHold(caller.tenantId, subjectId, since, why);
        else await tx.subjects.setRestriction(caller.tenantId, subjectId, since, why);
        audit.record({ ...ctx, outcome: "SUCCESS", targetId: subjectId });
        return { ...subject, [spec.since]: since, [spec.why]: why };
      });
    });
  }
}
