import type { TemplateRepository } from "../../domain/repositories.port.js";
import type { StoredTemplate, TemplateMetadata } from "../../domain/template.js";
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
} as const;

export class PrismaTemplateRepository implements TemplateRepository {
  constructor(private readonly db: Db) {}

  async create(t: StoredTemplate): Promise<void> {
    await this.db.template.create({ data: { ...t, ciphertext: bytes(t.ciphertext) } });
  }

  async listForMatching(tenantId: string, subjectId: string, purpose: string, modelId: string): Promise<StoredTemplate[]> {
    return this.db.template.findMany({ where: { tenantId, subjectId, purpose, modelId }, orderBy: { createdAt: "asc" } });
  }

  async listMetadata(tenantId: string, subjectId: string): Promise<TemplateMetadata[]> {
    return this.db.template.findMany({ where: { tenantId, subjectId }, select: METADATA, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  }
}
