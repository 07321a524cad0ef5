import type { TemplateRepository } from "../../domain/repositories.port.js";
import type { Page, PageRequest } from "../../domain/pagination.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { given, keysetPage } from "./keyset.js";
import type { StoredTemplate, TemplateFilter, TemplateMetadata, TemplateRef } from "../../domain/template.js";
import { bytes, type Db } from "./prisma-db.js";

const METADATA = {
  id: true,
  tenantId: true,
  subjectId: true,
  galleryId: true,
  purpose: true,
  modelId: true,
  detectionScore: true,
  faceWidth: true,
  faceHeight: true,
  createdAt: true,
  lastUsedAt: true,
  retainUntil: true,
  qualityScore: true,
  attributes: true,
} as const;

const REF = { id: true, tenantId: true, subjectId: true, purpose: true } as const;

export class PrismaTemplateRepository implements TemplateRepository {
  constructor(private readonly db: Db) {}

  async create(t: StoredTemplate, attributes?: Readonly<Record<string, unknown>>): Promise<void> {
    const { attributes: _stored, ...row } = t;
    await this.db.template.create({ data: { ...row, ciphertext: bytes(row.ciphertext), ...(attributes ? { attributes: attributes as object } : {}) } });
  }

  async listForMatching(tenantId: string, subjectId: string, purpose: string, modelIds: readonly string[]): Promise<StoredTemplate[]> {
    return this.db.template.findMany({ where: { tenantId, subjectId, purpose, modelId: { in: [...modelIds] } }, orderBy: { createdAt: "asc" } });
  }

  async refsInGallery(tenantId: string, galleryId: string): Promise<(TemplateRef & { held: "LEGAL_HOLD" | "PROCESSING_RESTRICTED" | null })[]> {
    const rows = await this.db.template.findMany({
      where: { tenantId, galleryId },
      select: { ...REF, subject: { select: { legalHoldSince: true, restrictedSince: true } } },
      orderBy: { id: "asc" },
    });
    return rows.map(({ subject, ...ref }) => ({ ...ref, held: subject.legalHoldSince ? "LEGAL_HOLD" : subject.restrictedSince ? "PROCESSING_RESTRICTED" : null }));
  }

  async listForSubjectInGallery(tenantId: string, galleryId: string, subjectId: string): Promise<TemplateRef[]> {
    return this.db.template.findMany({ where: { tenantId, galleryId, subjectId }, select: REF, orderBy: { id: "asc" } });
  }

  async subjectsInGallery(tenantId: string, galleryId: string): Promise<string[]> {
    return (await this.db.template.findMany({ where: { tenantId, galleryId }, distinct: ["subjectId"], select: { subjectId: true }, orderBy: { subjectId: "asc" } })).map((t) => t.subjectId);
  }

  async listForGallery(tenantId: string, galleryId: string): Promise<StoredTemplate[]> {
    return this.db.template.findMany({ where: { tenantId, galleryId }, orderBy: { id: "asc" } });
  }

  async findById(tenantId: string, id: string): Promise<StoredTemplate | null> {
    return this.db.template.findFirst({ where: { tenantId, id } });
  }

  async listPage(tenantId: string, filter: TemplateFilter, page: PageRequest): Promise<Page<TemplateMetadata>> {
    const where = { tenantId, ...given(filter, ["galleryId", "subjectId", "purpose", "modelId"]) };
    return keysetPage(page, "createdAt", where, (q) => this.db.template.findMany({ ...(q as Prisma.TemplateFindManyArgs), select: METADATA }), (q) => this.db.template.count(q as Prisma.TemplateCountArgs));
  }

  async listMetadata(tenantId: string, subjectId: string): Promise<TemplateMetadata[]> {
    return this.db.template.findMany({ where: { tenantId, subjectId }, select: METADATA, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  }

  async markUsed(tenantId: string, id: string, at: Date, retainUntil: Date): Promise<void> {
    await this.db.template.updateMany({ where: { tenantId, id }, data: { lastUsedAt: at, retainUntil } });
  }

  async listForPurpose(tenantId: string, subjectId: string, purpose: string): Promise<TemplateRef[]> {
    return this.db.template.findMany({ where: { tenantId, subjectId, purpose }, select: REF, orderBy: { id: "asc" } });
  }

  async listDue(now: Date, limit: number): Promise<(TemplateRef & { why: "RETENTION_EXPIRED" | "CONSENT_ENDED" })[]> {
    // A template may be kept only while retained and covered by an active consent for its purpose.
    return this.db.$queryRaw<(TemplateRef & { why: "RETENTION_EXPIRED" | "CONSENT_ENDED" })[]>`
      SELECT t."id", t."tenantId", t."subjectId", t."purpose",
             CASE WHEN t."retainUntil" <= ${now} THEN 'RETENTION_EXPIRED' ELSE 'CONSENT_ENDED' END AS "why"
      FROM "Template" t JOIN "Subject" s ON s."id" = t."subjectId"
      WHERE s."legalHoldSince" IS NULL AND s."restrictedSince" IS NULL
        AND (t."retainUntil" <= ${now} OR NOT EXISTS (
          SELECT 1 FROM "Consent" c
          WHERE c."subjectId" = t."subjectId" AND c."purpose" = t."purpose" AND c."grantedAt" <= ${now}
            AND (c."withdrawnAt" IS NULL OR c."withdrawnAt" > ${now})
            AND (c."expiresAt" IS NULL OR c."expiresAt" > ${now})))
      ORDER BY t."tenantId", t."id"
      LIMIT ${limit}`;
  }

  async countRetentionEndingBefore(tenantId: string, until: Date): Promise<number> {
    return this.db.template.count({ where: { tenantId, retainUntil: { lt: until }, subject: { legalHoldSince: null, restrictedSince: null } } });
  }

  async delete(tenantId: string, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    // RETURNING: a row another transaction deleted first (it waited for its commit) is not ours to report.
    const rows = await this.db.$queryRaw<{ id: string }[]>`DELETE FROM "Template" WHERE "tenantId" = ${tenantId} AND "id" = ANY(${[...ids]}::text[]) RETURNING "id"`;
    return rows.map((r) => r.id);
  }

  async deleteForSubject(tenantId: string, subjectId: string): Promise<number> {
    return (await this.db.template.deleteMany({ where: { tenantId, subjectId } })).count;
  }
}
