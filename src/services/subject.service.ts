/**
 * Subjects: created with their own data-encryption key (wrapped by the tenant key), read
 * back with their consents and template metadata. Never returns vectors or keys.
 */
import type { Clock, IdGenerator } from "../domain/clock.port.js";
import type { Consent } from "../domain/consent.js";
import { DomainError } from "../domain/errors.js";
import type { Repositories, Store } from "../domain/repositories.port.js";
import type { Subject } from "../domain/subject.js";
import type { TemplateMetadata } from "../domain/template.js";
import type { TemplateCrypto } from "../domain/template-crypto.port.js";
import type { Actor } from "../domain/tenant.js";
import { callerOf, requireScope } from "./access.js";
import type { AuditService } from "./audit.service.js";

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

export class SubjectService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditService,
    private readonly crypto: TemplateCrypto,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async create(actor: Actor, externalRef: string | null): Promise<Subject> {
    const caller = callerOf(actor);
    const subjectId = this.ids.next("sub");
    return this.audit.failuresOf({ tenantId: caller.tenantId, actor: caller.label, action: "CREATE_SUBJECT", subjectId }, async () => {
      requireScope(actor, "subjects:write");
      if (externalRef !== null && (externalRef.length < 1 || externalRef.length > 200)) {
        throw new DomainError("INVALID_INPUT", "externalRef must be 1 to 200 characters");
      }
      return this.store.transaction(async (tx) => {
        if (externalRef !== null && (await tx.subjects.findByExternalRef(caller.tenantId, externalRef))) {
          throw new DomainError("ALREADY_EXISTS", "a subject with this externalRef exists");
        }
        const tenant = await tx.tenants.findById(caller.tenantId);
        if (!tenant) throw new DomainError("INVALID_API_KEY", "the tenant no longer exists");
        const now = this.clock.now();
        const subject: Subject = { id: subjectId, tenantId: caller.tenantId, externalRef, createdAt: now };
        const { key, wrapped } = this.crypto.createDataKey(caller.tenantId, subjectId, tenant.kekVersion);
        key.destroy();
        await tx.subjects.create(subject);
        await tx.subjectKeys.create({ subjectId, tenantId: caller.tenantId, wrappedKey: wrapped.wrappedKey, kekVersion: wrapped.kekVersion, createdAt: now });
        await this.audit.append(tx, { tenantId: caller.tenantId, actor: caller.label, action: "CREATE_SUBJECT", subjectId, outcome: "SUCCESS", targetId: subjectId });
        return subject;
      });
    });
  }

  async get(actor: Actor, subjectId: string): Promise<SubjectView> {
    const caller = callerOf(actor);
    return this.audit.failuresOf({ tenantId: caller.tenantId, actor: caller.label, action: "READ_SUBJECT", subjectId }, async () => {
      requireScope(actor, "subjects:read");
      return this.store.transaction(async (tx) => {
        const subject = await findSubjectOrThrow(tx, caller.tenantId, subjectId);
        const consents = await tx.consents.listForSubject(caller.tenantId, subjectId);
        const templates = await tx.templates.listMetadata(caller.tenantId, subjectId);
        await this.audit.append(tx, { tenantId: caller.tenantId, actor: caller.label, action: "READ_SUBJECT", subjectId, outcome: "SUCCESS" });
        return { subject, consents, templates };
      });
    });
  }
}
