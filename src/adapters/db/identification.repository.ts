import type { IdentificationDecision, IdentificationFilter, IdentificationInvolvement, IdentificationSummary } from "../../domain/identification.js";
import type { Page, PageRequest } from "../../domain/pagination.js";
import type { IdentificationRepository } from "../../domain/repositories.port.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { given, keysetPage, within } from "./keyset.js";
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

  async list(tenantId: string, f: IdentificationFilter, page: PageRequest): Promise<Page<IdentificationSummary>> {
    const where = {
      tenantId,
      ...given(f, ["galleryId", "purpose"]),
      ...(f.matched !== undefined ? { candidates: f.matched ? { gt: 0 } : 0 } : {}),
      ...within("createdAt", f.from, f.to),
    };
    const select = { id: true, galleryId: true, purpose: true, modelId: true, candidates: true, actor: true, createdAt: true };
    return keysetPage(
      page,
      "createdAt",
      where,
      (q) => this.db.identification.findMany({ ...(q as Prisma.IdentificationFindManyArgs), select }),
      (q) => this.db.identification.count(q as Prisma.IdentificationCountArgs),
      "desc",
    );
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
