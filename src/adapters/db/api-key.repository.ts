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
}
