import type { Consent, ConsentMethod } from "../../domain/consent.js";
import type { ConsentRepository } from "../../domain/repositories.port.js";
import type { Db } from "./prisma-db.js";

export class PrismaConsentRepository implements ConsentRepository {
  constructor(private readonly db: Db) {}

  async create(c: Consent): Promise<void> {
    await this.db.consent.create({ data: c });
  }

  async findById(tenantId: string, id: string): Promise<Consent | null> {
    const row = await this.db.consent.findFirst({ where: { tenantId, id } });
    return row ? { ...row, method: row.method as ConsentMethod } : null;
  }

  async listForSubject(tenantId: string, subjectId: string): Promise<Consent[]> {
    const rows = await this.db.consent.findMany({ where: { tenantId, subjectId }, orderBy: [{ grantedAt: "asc" }, { id: "asc" }] });
    return rows.map((r) => ({ ...r, method: r.method as ConsentMethod }));
  }

  async markWithdrawn(tenantId: string, id: string, at: Date): Promise<void> {
    await this.db.consent.updateMany({ where: { id, tenantId, withdrawnAt: null }, data: { withdrawnAt: at } });
  }

  async deleteForSubject(tenantId: string, subjectId: string): Promise<number> {
    return (await this.db.consent.deleteMany({ where: { tenantId, subjectId } })).count;
  }
}
