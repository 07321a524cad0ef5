import type { Gallery, GalleryFilter } from "../../domain/gallery.js";
import type { Page, PageRequest } from "../../domain/pagination.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { given, keysetPage } from "./keyset.js";
import type { GalleryRepository } from "../../domain/repositories.port.js";
import { lockRow, type Db } from "./prisma-db.js";

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

  async listPage(tenantId: string, filter: GalleryFilter, page: PageRequest): Promise<Page<Gallery>> {
    const where = { tenantId, ...given(filter, ["name", "modelId"]) };
    return keysetPage(page, "createdAt", where, (q) => this.db.gallery.findMany(q as Prisma.GalleryFindManyArgs), (q) => this.db.gallery.count(q as Prisma.GalleryCountArgs));
  }

  async list(tenantId: string): Promise<Gallery[]> {
    return this.db.gallery.findMany({ where: { tenantId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  }

  async rename(tenantId: string, id: string, name: string): Promise<void> {
    await this.db.gallery.updateMany({ where: { id, tenantId }, data: { name } });
  }

  lock(tenantId: string, id: string): Promise<boolean> {
    return lockRow(this.db, "Gallery", tenantId, id);
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    return (await this.db.gallery.deleteMany({ where: { id, tenantId } })).count > 0;
  }
}
