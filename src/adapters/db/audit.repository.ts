import type { AuditEvent, AuditOutcome } from "../../domain/audit.js";
import type { AuditRepository } from "../../domain/repositories.port.js";
import type { Db } from "./prisma-db.js";

type Row = Omit<AuditEvent, "outcome"> & { outcome: string };
const toEvent = (r: Row): AuditEvent => ({ ...r, outcome: r.outcome as AuditOutcome });

export class PrismaAuditRepository implements AuditRepository {
  constructor(private readonly db: Db) {}

  async insertMany(events: readonly AuditEvent[]): Promise<void> {
    await this.db.auditEvent.createMany({ data: [...events] });
  }

  async list(tenantId: string, opts: { afterSeq?: number; upToSeq?: number; limit?: number } = {}): Promise<AuditEvent[]> {
    const rows = await this.db.auditEvent.findMany({
      where: { tenantId, seq: { gt: opts.afterSeq ?? 0, ...(opts.upToSeq === undefined ? {} : { lte: opts.upToSeq }) } },
      orderBy: { seq: "asc" },
      ...(opts.limit === undefined ? {} : { take: opts.limit }),
    });
    return rows.map(toEvent);
  }

  async listBetween(tenantId: string, from: Date, to: Date): Promise<AuditEvent[]> {
    return (await this.db.auditEvent.findMany({ where: { tenantId, at: { gte: from, lt: to } }, orderBy: { seq: "asc" } })).map(toEvent);
  }

  async findBySeq(tenantId: string, seq: number): Promise<AuditEvent | null> {
    const row = await this.db.auditEvent.findUnique({ where: { tenantId_seq: { tenantId, seq } } });
    return row ? toEvent(row) : null;
  }

  async listForSubject(tenantId: string, subjectId: string): Promise<AuditEvent[]> {
    return (await this.db.auditEvent.findMany({ where: { tenantId, subjectId }, orderBy: { seq: "asc" } })).map(toEvent);
  }
}
