import type { Page, PageRequest } from "../../domain/pagination.js";
import type { VerificationRepository } from "../../domain/repositories.port.js";
import type { VerificationDecision, VerificationFilter } from "../../domain/verification.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { given, keysetPage, within } from "./keyset.js";
import type { Db } from "./prisma-db.js";

export class PrismaVerificationRepository implements VerificationRepository {
  constructor(private readonly db: Db) {}

  async create(v: VerificationDecision): Promise<void> {
    await this.db.verification.create({ data: v });
  }

  async list(tenantId: string, f: VerificationFilter, page: PageRequest): Promise<Page<VerificationDecision>> {
    const where = { tenantId, ...given(f, ["subjectId", "purpose", "match"]), ...within("createdAt", f.from, f.to) };
    return keysetPage(page, "createdAt", where, (q) => this.db.verification.findMany(q as Prisma.VerificationFindManyArgs), (q) => this.db.verification.count(q as Prisma.VerificationCountArgs), "desc");
  }

  async listForSubject(tenantId: string, subjectId: string): Promise<VerificationDecision[]> {
    return this.db.verification.findMany({ where: { tenantId, subjectId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  }

  async deleteForSubject(tenantId: string, subjectId: string): Promise<number> {
    return (await this.db.verification.deleteMany({ where: { tenantId, subjectId } })).count;
  }
}
