import type { PrivacyNotice } from "../../domain/privacy-notice.js";
import type { PrivacyNoticeRepository } from "../../domain/repositories.port.js";
import type { Db } from "./prisma-db.js";

export class PrismaPrivacyNoticeRepository implements PrivacyNoticeRepository {
  constructor(private readonly db: Db) {}

  async create(notice: PrivacyNotice): Promise<void> {
    await this.db.privacyNotice.create({ data: notice });
  }

  async listForTenant(tenantId: string): Promise<PrivacyNotice[]> {
    return this.db.privacyNotice.findMany({ where: { tenantId }, orderBy: [{ effectiveFrom: "desc" }, { version: "desc" }, { language: "asc" }] });
  }

  async listForVersion(tenantId: string, version: string): Promise<PrivacyNotice[]> {
    return this.db.privacyNotice.findMany({ where: { tenantId, version }, orderBy: { language: "asc" } });
  }
}
