import type { Gallery } from "../../domain/gallery.js";
import type { GalleryRepository } from "../../domain/repositories.port.js";
import type { Db } from "./prisma-db.js";

export class PrismaGalleryRepository implements GalleryRepository {
  constructor(private readonly db: Db) {}

  async create(g: Gallery): Promise<void> {
    await this.db.gallery.create({ data: g });
  }

  async find(tenantId: string, id: string): Promise<Gallery | null> {
    return this.db.gallery.findFirst({ where: { id, tenantId } });
  }

  async findByName(tenantId: string, name: string): Promise<Gallery | null> {
    return this.db.gallery.findFirst({ where: { tenantId, name } });
  }

  async setRates(tenantId: string, id: string, targetFmr: number | null, targetFpir: number | null): Promise<void> {
    await this.db.gallery.updateMany({ where: { id, tenantId }, data: { targetFmr, targetFpir } });
  }

  async findSuccessor(tenantId: string, id: string): Promise<Gallery | null> {
    return this.db.gallery.findFirst({ where: { tenantId, migratedFromId: id } });
  }

  async pinnedModelIds(): Promise<string[]> {
    // A gallery whose move to a new model has finished (replaced and empty) pins nothing.
    const rows = await this.db.gallery.findMany({ where: { OR: [{ migratedTo: null }, { templates: { some: {} } }] }, distinct: ["modelId"], select: { modelId: true }, orderBy: { modelId: "asc" } });
    return rows.map((g) => g.modelId);
  }

  async list(tenantId: string): Promise<Gallery[]> {
    return this.db.gallery.findMany({ where: { tenantId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  }
}
