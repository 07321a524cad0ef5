import type { VerificationRepository } from "../../domain/repositories.port.js";
import type { VerificationDecision } from "../../domain/verification.js";
import type { Db } from "./prisma-db.js";

export class PrismaVerificationRepository implements VerificationRepository {
  constructor(private readonly db: Db) {}

  async create(v: VerificationDecision): Promise<void> {
    await this.db.verification.create({ data: v });
  }

  async listForSubject(tenantId: string, subjectId: string): Promise<VerificationDecision[]> {
    return this.db.verification.findMany({ where: { tenantId, subjectId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  }

  async deleteForSubject(tenantId: string, subjectId: string): Promise<number> {
    return (await this.db.verification.deleteMany({ where: { tenantId, subjectId } })).count;
  }
}
