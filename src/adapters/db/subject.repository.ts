import type { SubjectRepository } from "../../domain/repositories.port.js";
import type { Subject } from "../../domain/subject.js";
import type { Db } from "./prisma-db.js";

export class PrismaSubjectRepository implements SubjectRepository {
  constructor(private readonly db: Db) {}

  async create(s: Subject): Promise<void> {
    await this.db.subject.create({ data: s });
  }

  async find(tenantId: string, id: string): Promise<Subject | null> {
    return this.db.subject.findFirst({ where: { id, tenantId } });
  }

  async findByExternalRef(tenantId: string, externalRef: string): Promise<Subject | null> {
    return this.db.subject.findFirst({ where: { tenantId, externalRef } });
  }

  async setLegalHold(tenantId: string, id: string, since: Date | null, reason: string | null): Promise<void> {
    await this.db.subject.updateMany({ where: { id, tenantId }, data: { legalHoldSince: since, legalHoldReason: reason } });
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    return (await this.db.subject.deleteMany({ where: { id, tenantId } })).count > 0;
  }

  async countWithTemplates(tenantId: string): Promise<number> {
    return this.db.subject.count({ where: { tenantId, templates: { some: {} } } });
  }
}
