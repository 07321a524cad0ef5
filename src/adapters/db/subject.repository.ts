import type { Page, PageRequest } from "../../domain/pagination.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { keysetPage, within } from "./keyset.js";
import type { SubjectRepository } from "../../domain/repositories.port.js";
import type { Subject, SubjectFilter, SubjectWithConsents } from "../../domain/subject.js";
import type { Db } from "./prisma-db.js";
import { consentOrder, toConsent } from "./consent-rows.js";

export class PrismaSubjectRepository implements SubjectRepository {
  constructor(private readonly db: Db) {}

  async create(s: Subject): Promise<void> {
    await this.db.subject.create({ data: s });
  }

  async find(tenantId: string, id: string): Promise<Subject | null> {
    return this.db.subject.findFirst({ where: { id, tenantId } });
  }

  async rectify(tenantId: string, id: string, fields: { externalRef?: string; dateOfBirth?: Date }): Promise<void> {
    await this.db.subject.updateMany({ where: { tenantId, id }, data: fields });
  }

  async findWithConsents(tenantId: string, id: string): Promise<SubjectWithConsents | null> {
    const row = await this.db.subject.findFirst({ where: { id, tenantId }, include: { consents: { orderBy: consentOrder } } });
    if (!row) return null;
    const { consents, ...subject } = row;
    return { subject, consents: consents.map(toConsent) };
  }

  async findByExternalRef(tenantId: string, externalRef: string): Promise<Subject | null> {
    return this.db.subject.findFirst({ where: { tenantId, externalRef } });
  }

  async list(tenantId: string, filter: SubjectFilter, page: PageRequest, now: Date): Promise<Page<Subject>> {
    // Active as in consentState(): granted, not withdrawn and not expired as of now.
    const active = (purpose: string) => ({
      purpose,
      grantedAt: { lte: now },
      AND: [{ OR: [{ withdrawnAt: null }, { withdrawnAt: { gt: now } }] }, { OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] }],
    });
    const where = {
      tenantId,
      ...(filter.externalRef !== undefined ? { externalRef: filter.externalRef } : {}),
      ...(filter.legalHold !== undefined ? { legalHoldSince: filter.legalHold ? { not: null } : null } : {}),
      ...(filter.restricted !== undefined ? { restrictedSince: filter.restricted ? { not: null } : null } : {}),
      ...within("createdAt", filter.createdFrom, filter.createdBefore),
      ...(filter.consent ? { consents: filter.consent.active ? { some: active(filter.consent.purpose) } : { none: active(filter.consent.purpose) } } : {}),
    };
    return keysetPage(page, "createdAt", where, (q) => this.db.subject.findMany(q as Prisma.SubjectFindManyArgs), (q) => this.db.subject.count(q as Prisma.SubjectCountArgs));
  }

  async setLegalHold(tenantId: string, id: string, since: Date | null, reason: string | null): Promise<void> {
    await this.db.subject.updateMany({ where: { id, tenantId }, data: { legalHoldSince: since, legalHoldReason: reason } });
  }

  async setRestriction(tenantId: string, id: string, since: Date | null, reason: string | null): Promise<void> {
    await this.db.subject.updateMany({ where: { id, tenantId }, data: { restrictedSince: since, restrictionReason: reason } });
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    return (await this.db.subject.deleteMany({ where: { id, tenantId } })).count > 0;
  }

  async countWithTemplates(tenantId: string): Promise<number> {
    return this.db.subject.count({ where: { tenantId, templates: { some: {} } } });
  }
}
