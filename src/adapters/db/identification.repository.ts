import type { IdentificationDecision, IdentificationInvolvement } from "../../domain/identification.js";
import type { IdentificationRepository } from "../../domain/repositories.port.js";
import type { Db } from "./prisma-db.js";

export class PrismaIdentificationRepository implements IdentificationRepository {
  constructor(private readonly db: Db) {}

  async create(d: IdentificationDecision): Promise<void> {
    const { candidates, ...row } = d;
    await this.db.identification.create({ data: { ...row, candidates: candidates.length } });
    if (candidates.length > 0) {
      await this.db.identificationCandidate.createMany({
        data: candidates.map((c) => ({ identificationId: d.id, tenantId: d.tenantId, subjectId: c.subjectId, rank: c.rank, score: c.score })),
      });
    }
  }

  async listForSubject(tenantId: string, subjectId: string): Promise<IdentificationInvolvement[]> {
    const rows = await this.db.identificationCandidate.findMany({ where: { tenantId, subjectId }, include: { identification: true }, orderBy: { identification: { createdAt: "asc" } } });
    return rows.map((r) => ({
      identificationId: r.identificationId,
      galleryId: r.identification.galleryId,
      purpose: r.identification.purpose,
      actor: r.identification.actor,
      createdAt: r.identification.createdAt,
      rank: r.rank,
      score: r.score,
    }));
  }

  async deleteForSubject(tenantId: string, subjectId: string): Promise<number> {
    return (await this.db.identificationCandidate.deleteMany({ where: { tenantId, subjectId } })).count;
  }
}
