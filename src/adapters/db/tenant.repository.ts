import type { TenantRepository } from "../../domain/repositories.port.js";
import type { Tenant } from "../../domain/tenant.js";
import type { Db } from "./prisma-db.js";

export class PrismaTenantRepository implements TenantRepository {
  constructor(private readonly db: Db) {}

  async create(t: Tenant): Promise<void> {
    await this.db.tenant.create({ data: { id: t.id, name: t.name, kekVersion: t.kekVersion, createdAt: t.createdAt } });
  }

  async findById(id: string): Promise<Tenant | null> {
    return this.db.tenant.findUnique({ where: { id }, select: { id: true, name: true, kekVersion: true, createdAt: true } });
  }

  async findByName(name: string): Promise<Tenant | null> {
    return this.db.tenant.findUnique({ where: { name }, select: { id: true, name: true, kekVersion: true, createdAt: true } });
  }

  async list(): Promise<Tenant[]> {
    return this.db.tenant.findMany({ select: { id: true, name: true, kekVersion: true, createdAt: true }, orderBy: { createdAt: "asc" } });
  }

  async setKekVersion(tenantId: string, version: number): Promise<void> {
    await this.db.tenant.update({ where: { id: tenantId }, data: { kekVersion: version } });
  }

  async lockAuditHead(tenantId: string): Promise<{ seq: number; hash: string }> {
    const rows = await this.db.$queryRaw<{ auditSeq: number; auditHead: string }[]>`
      SELECT "auditSeq", "auditHead" FROM "Tenant" WHERE "id" = ${tenantId} FOR NO KEY UPDATE`;
    const row = rows[0];
    if (!row) throw new Error(`tenant ${tenantId} not found`);
    return { seq: row.auditSeq, hash: row.auditHead };
  }

  async readAuditHead(tenantId: string): Promise<{ seq: number; hash: string }> {
    const t = await this.db.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { auditSeq: true, auditHead: true } });
    return { seq: t.auditSeq, hash: t.auditHead };
  }
}
