import type { AuditEvent, AuditFilter, AuditOutcome } from "../../domain/audit.js";
import type { Page, SeqPageRequest } from "../../domain/pagination.js";
import type { AuditRepository } from "../../domain/repositories.port.js";
import { Prisma } from "../../generated/prisma/client.js";
import { given, within } from "./keyset.js";
import type { Db } from "./prisma-db.js";

type Row = Omit<AuditEvent, "outcome"> & { outcome: string };
const toEvent = (r: Row): AuditEvent => ({ ...r, outcome: r.outcome as AuditOutcome });

export class PrismaAuditRepository implements AuditRepository {
  constructor(private readonly db: Db) {}

  async appendToChain(tenantId: string, events: readonly AuditEvent[]): Promise<void> {
    const last = events.at(-1);
    if (!last) return;
    const rows = events.map(
      (e) => Prisma.sql`(${e.id}, ${e.tenantId}, ${e.seq}, ${e.at}::timestamptz, ${e.actor}, ${e.action}, ${e.subjectId}, ${e.purpose}, ${e.outcome}, ${e.reason}, ${e.decisionId}, ${e.targetId}, ${e.prevHash}, ${e.hash})`,
    );
    // One round trip while the chain head is locked: the events and the new head together.
    await this.db.$executeRaw`
      WITH inserted AS (
        INSERT INTO "AuditEvent" ("id", "tenantId", "seq", "at", "actor", "action", "subjectId", "purpose", "outcome", "reason", "decisionId", "targetId", "prevHash", "hash")
        VALUES ${Prisma.join(rows)}
      )
      UPDATE "Tenant" SET "auditSeq" = ${last.seq}, "auditHead" = ${last.hash} WHERE "id" = ${tenantId}`;
  }

  async list(tenantId: string, opts: { afterSeq?: number; upToSeq?: number; limit?: number } = {}): Promise<AuditEvent[]> {
    const rows = await this.db.auditEvent.findMany({
      where: { tenantId, seq: { gt: opts.afterSeq ?? 0, ...(opts.upToSeq === undefined ? {} : { lte: opts.upToSeq }) } },
      orderBy: { seq: "asc" },
      ...(opts.limit === undefined ? {} : { take: opts.limit }),
    });
    return rows.map(toEvent);
  }

  async listBetween(tenantId: string, from: Date, to: Date, page: { afterSeq: number; limit: number }): Promise<AuditEvent[]> {
    const rows = await this.db.auditEvent.findMany({ where: { tenantId, at: { gte: from, lt: to }, seq: { gt: page.afterSeq } }, orderBy: { seq: "asc" }, take: page.limit });
    return rows.map(toEvent);
  }

  async search(tenantId: string, filter: AuditFilter, page: SeqPageRequest): Promise<Page<AuditEvent>> {
    const where = { tenantId, ...given(filter, ["action", "outcome", "actor", "subjectId"]), ...within("at", filter.from, filter.to) };
    const [rows, totalCount] = await Promise.all([
      this.db.auditEvent.findMany({ where: page.beforeSeq === null ? where : { ...where, seq: { lt: page.beforeSeq } }, orderBy: { seq: "desc" }, take: page.first + 1 }),
      this.db.auditEvent.count({ where }),
    ]);
    return { items: rows.slice(0, page.first).map(toEvent), hasNextPage: rows.length > page.first, totalCount };
  }

  async listForSubject(tenantId: string, subjectId: string): Promise<AuditEvent[]> {
    return (await this.db.auditEvent.findMany({ where: { tenantId, subjectId }, orderBy: { seq: "asc" } })).map(toEvent);
  }
}
