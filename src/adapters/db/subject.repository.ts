import type { SubjectKeyRepository, SubjectRepository } from "../../domain/repositories.port.js";
import type { Subject, SubjectKey } from "../../domain/subject.js";
import { bytes, type Db } from "./prisma-db.js";

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
}

export class PrismaSubjectKeyRepository implements SubjectKeyRepository {
  constructor(private readonly db: Db) {}

  async find(tenantId: string, subjectId: string): Promise<SubjectKey | null> {
    return this.db.subjectKey.findFirst({ where: { subjectId, tenantId } });
  }

  async create(k: SubjectKey): Promise<void> {
    await this.db.subjectKey.create({ data: { ...k, wrappedKey: bytes(k.wrappedKey) } });
  }
}
