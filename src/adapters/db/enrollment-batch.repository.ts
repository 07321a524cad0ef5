import type { BatchActor, BatchItem, BatchItemOutcome, BatchItemStatus, BatchStatus, EnrollmentBatch } from "../../domain/enrollment-batch.js";
import type { EnrollmentBatchRepository } from "../../domain/repositories.port.js";
import { bytes, type Db } from "./prisma-db.js";

type BatchRow = Omit<EnrollmentBatch, "actor" | "status"> & { actor: unknown; status: string };
type ItemRow = Omit<BatchItem, "status" | "sealedImage"> & { status: string; sealedImage?: Uint8Array | null };

const toBatch = (r: BatchRow): EnrollmentBatch => ({ ...r, actor: r.actor as BatchActor, status: r.status as BatchStatus });
const toItem = (r: ItemRow): BatchItem => ({ ...r, status: r.status as BatchItemStatus, sealedImage: r.sealedImage ? new Uint8Array(r.sealedImage) : null });
/** Every column but the sealed photo. */
const WITHOUT_IMAGE = { batchId: true, seq: true, tenantId: true, subjectId: true, status: true, templateId: true, errorReason: true, errorMessage: true, finishedAt: true } as const;

export class PrismaEnrollmentBatchRepository implements EnrollmentBatchRepository {
  constructor(private readonly db: Db) {}

  async create(batch: EnrollmentBatch, items: readonly BatchItem[]): Promise<void> {
    await this.db.enrollmentBatch.create({ data: { ...batch, actor: { ...batch.actor } } });
    await this.db.enrollmentBatchItem.createMany({ data: items.map((i) => ({ ...i, sealedImage: i.sealedImage ? bytes(i.sealedImage) : null })) });
  }

  async find(tenantId: string, id: string): Promise<EnrollmentBatch | null> {
    const r = await this.db.enrollmentBatch.findFirst({ where: { tenantId, id } });
    return r ? toBatch(r) : null;
  }

  async progress(tenantId: string, id: string): Promise<{ pending: number; enrolled: number; failed: number }> {
    const rows = await this.db.enrollmentBatchItem.groupBy({ by: ["status"], where: { tenantId, batchId: id }, _count: { _all: true } });
    const n = (s: BatchItemStatus) => rows.find((r) => r.status === s)?._count._all ?? 0;
    return { pending: n("PENDING"), enrolled: n("ENROLLED"), failed: n("FAILED") };
  }

  async listItems(tenantId: string, batchId: string, fromSeq: number, limit: number): Promise<BatchItem[]> {
    const rows = await this.db.enrollmentBatchItem.findMany({ where: { tenantId, batchId, seq: { gte: fromSeq } }, orderBy: { seq: "asc" }, take: limit, select: WITHOUT_IMAGE });
    return rows.map(toItem);
  }

  async nextPending(tenantId: string, batchId: string): Promise<BatchItem | null> {
    const r = await this.db.enrollmentBatchItem.findFirst({ where: { tenantId, batchId, status: "PENDING" }, orderBy: { seq: "asc" } });
    return r ? toItem(r) : null;
  }

  async finishItem(tenantId: string, batchId: string, seq: number, outcome: BatchItemOutcome): Promise<boolean> {
    const data =
      outcome.status === "ENROLLED"
        ? { status: outcome.status, templateId: outcome.templateId, finishedAt: outcome.at, sealedImage: null }
        : { status: outcome.status, errorReason: outcome.errorReason, errorMessage: outcome.errorMessage, finishedAt: outcome.at, sealedImage: null };
    const r = await this.db.enrollmentBatchItem.updateMany({ where: { tenantId, batchId, seq, status: "PENDING" }, data });
    return r.count === 1;
  }

  async finish(tenantId: string, id: string, at: Date): Promise<void> {
    await this.db.enrollmentBatch.updateMany({ where: { tenantId, id, status: "RUNNING" }, data: { status: "COMPLETED", finishedAt: at } });
  }

  async listRunning(): Promise<{ tenantId: string; id: string }[]> {
    return this.db.enrollmentBatch.findMany({ where: { status: "RUNNING" }, select: { tenantId: true, id: true }, orderBy: { createdAt: "asc" } });
  }

  async listItemsForSubject(tenantId: string, subjectId: string): Promise<BatchItem[]> {
    const rows = await this.db.enrollmentBatchItem.findMany({ where: { tenantId, subjectId }, orderBy: [{ batchId: "asc" }, { seq: "asc" }], select: WITHOUT_IMAGE });
    return rows.map(toItem);
  }

  async deleteItemsForSubject(tenantId: string, subjectId: string): Promise<number> {
    return (await this.db.enrollmentBatchItem.deleteMany({ where: { tenantId, subjectId } })).count;
  }
}
