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

  async list(tenantId: string): Promise<Gallery[]> {
    return this.db.gallery.findMany({ where: { tenantId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  }
}
