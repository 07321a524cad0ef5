import type { AuditEvent, AuditOutcome } from "../../domain/audit.js";
import type { AuditRepository } from "../../domain/repositories.port.js";
import type { Db } from "./prisma-db.js";

export class PrismaAuditRepository implements AuditRepository {
  constructor(private readonly db: Db) {}

  async insert(e: AuditEvent): Promise<void> {
    await this.db.auditEvent.create({ data: e });
  }

  async list(tenantId: string, opts: { afterSeq?: number; limit?: number } = {}): Promise<AuditEvent[]> {
    const rows = await this.db.auditEvent.findMany({
      where: { tenantId, seq: { gt: opts.afterSeq ?? 0 } },
      orderBy: { seq: "asc" },
      ...(opts.limit === undefined ? {} : { take: opts.limit }),
    });
    return rows.map((r) => ({ ...r, outcome: r.outcome as AuditOutcome }));
  }
}
