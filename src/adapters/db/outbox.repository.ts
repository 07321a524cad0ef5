import type { OutboxEntry, OutboxMessage } from "../../domain/outbox.js";
import type { OutboxRepository } from "../../domain/repositories.port.js";
import type { Db } from "./prisma-db.js";

export class PrismaOutboxRepository implements OutboxRepository {
  constructor(private readonly db: Db) {}

  async add(id: string, message: OutboxMessage, at: Date): Promise<void> {
    await this.db.outboxMessage.create({ data: { id, createdAt: at, message: message as object } });
  }

  async pending(limit: number): Promise<OutboxEntry[]> {
    const rows = await this.db.outboxMessage.findMany({ orderBy: { seq: "asc" }, take: limit, select: { id: true, createdAt: true, message: true, attempts: true } });
    return rows.map((r) => ({ id: r.id, createdAt: r.createdAt, message: r.message as unknown as OutboxMessage, attempts: r.attempts }));
  }

  async delivered(id: string): Promise<void> {
    await this.db.outboxMessage.deleteMany({ where: { id } });
  }

  async failed(id: string, error: string): Promise<void> {
    await this.db.outboxMessage.updateMany({ where: { id }, data: { attempts: { increment: 1 }, lastError: error.slice(0, 200) } });
  }

  async count(): Promise<number> {
    return this.db.outboxMessage.count();
  }
}
