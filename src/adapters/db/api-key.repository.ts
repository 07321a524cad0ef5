import type { ApiKeyRepository } from "../../domain/repositories.port.js";
import { isScope, type ApiKeyRecord } from "../../domain/tenant.js";
import type { Db } from "./prisma-db.js";

export class PrismaApiKeyRepository implements ApiKeyRepository {
  constructor(private readonly db: Db) {}

  async create(k: ApiKeyRecord): Promise<void> {
    await this.db.apiKey.create({ data: { ...k, scopes: [...k.scopes] } });
  }

  async findById(id: string): Promise<ApiKeyRecord | null> {
    const row = await this.db.apiKey.findUnique({ where: { id } });
    return row && { ...row, scopes: row.scopes.filter(isScope) };
  }

  async listForTenant(tenantId: string): Promise<ApiKeyRecord[]> {
    const rows = await this.db.apiKey.findMany({ where: { tenantId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    return rows.map((row) => ({ ...row, scopes: row.scopes.filter(isScope) }));
  }

  async revoke(tenantId: string, id: string, at: Date): Promise<void> {
    await this.db.apiKey.updateMany({ where: { tenantId, id, revokedAt: null }, data: { revokedAt: at } });
  }

  async expire(tenantId: string, id: string, at: Date): Promise<void> {
    await this.db.apiKey.updateMany({ where: { tenantId, id }, data: { expiresAt: at } });
  }
}
