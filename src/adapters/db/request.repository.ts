import { OPEN_STATUSES, type DataSubjectRequest, type RequestFilter, type RequestKind, type RequestStatus } from "../../domain/data-subject-request.js";
import type { Page, PageRequest } from "../../domain/pagination.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { keysetPage } from "./keyset.js";
import type { RequestRepository } from "../../domain/repositories.port.js";
import { lockRow, type Db } from "./prisma-db.js";

type Row = Omit<DataSubjectRequest, "kind" | "status"> & { kind: string; status: string };
const toRequest = (r: Row): DataSubjectRequest => ({ ...r, kind: r.kind as RequestKind, status: r.status as RequestStatus });

export class PrismaRequestRepository implements RequestRepository {
  constructor(private readonly db: Db) {}

  async create(r: DataSubjectRequest): Promise<void> {
    await this.db.dataSubjectRequest.create({ data: r });
  }

  async findForUpdate(tenantId: string, id: string): Promise<DataSubjectRequest | null> {
    return (await lockRow(this.db, "DataSubjectRequest", tenantId, id)) ? this.find(tenantId, id) : null;
  }

  async find(tenantId: string, id: string): Promise<DataSubjectRequest | null> {
    const row = await this.db.dataSubjectRequest.findFirst({ where: { tenantId, id } });
    return row ? toRequest(row) : null;
  }

  async listForSubject(tenantId: string, subjectId: string): Promise<DataSubjectRequest[]> {
    return (await this.db.dataSubjectRequest.findMany({ where: { tenantId, subjectId }, orderBy: [{ openedAt: "asc" }, { id: "asc" }] })).map(toRequest);
  }

  async listQueue(tenantId: string, filter: RequestFilter, page: PageRequest, now: Date): Promise<Page<DataSubjectRequest>> {
    const open = { status: { in: [...OPEN_STATUSES] }, dueAt: { lt: now } };
    const conditions: object[] = [{ tenantId }];
    if (filter.statuses) conditions.push({ status: { in: [...filter.statuses] } });
    if (filter.kind) conditions.push({ kind: filter.kind });
    if (filter.dueBefore) conditions.push({ dueAt: { lt: filter.dueBefore } });
    if (filter.overdue !== undefined) conditions.push(filter.overdue ? open : { NOT: open });
    const result = await keysetPage(page, "dueAt", { AND: conditions }, (q) => this.db.dataSubjectRequest.findMany(q as Prisma.DataSubjectRequestFindManyArgs), (q) => this.db.dataSubjectRequest.count(q as Prisma.DataSubjectRequestCountArgs));
    return { ...result, items: result.items.map(toRequest) };
  }

  async countOpen(now: Date): Promise<{ open: number; overdue: number }> {
    const open = { status: { in: [...OPEN_STATUSES] } };
    const [all, overdue] = await Promise.all([this.db.dataSubjectRequest.count({ where: open }), this.db.dataSubjectRequest.count({ where: { ...open, dueAt: { lt: now } } })]);
    return { open: all, overdue };
  }

  async listInterruptedErasures(limit: number): Promise<DataSubjectRequest[]> {
    const rows = await this.db.dataSubjectRequest.findMany({
      where: { kind: "ERASURE", fulfilmentStartedAt: { not: null }, status: { in: ["IN_PROGRESS", "FAILED"] } },
      orderBy: [{ fulfilmentStartedAt: "asc" }, { id: "asc" }],
      take: limit,
    });
    return rows.map(toRequest);
  }

  async update(r: DataSubjectRequest): Promise<void> {
    const { id, tenantId, ...data } = r;
    await this.db.dataSubjectRequest.updateMany({ where: { id, tenantId }, data });
  }
}
