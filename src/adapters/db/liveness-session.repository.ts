import type { Challenge, LivenessSession, LivenessSessionStatus } from "../../domain/liveness-session.js";
import type { LivenessSessionRepository } from "../../domain/repositories.port.js";
import type { Db } from "./prisma-db.js";

type Row = Omit<LivenessSession, "challenges" | "status"> & { challenges: string[]; status: string };

const toSession = (r: Row): LivenessSession => ({ ...r, challenges: r.challenges as Challenge[], status: r.status as LivenessSessionStatus });

export class PrismaLivenessSessionRepository implements LivenessSessionRepository {
  constructor(private readonly db: Db) {}

  async create(s: LivenessSession): Promise<void> {
    await this.db.livenessSession.create({ data: { ...s } });
  }

  async find(tenantId: string, id: string): Promise<LivenessSession | null> {
    const row = await this.db.livenessSession.findFirst({ where: { tenantId, id } });
    return row ? toSession(row) : null;
  }

  async listForSubject(tenantId: string, subjectId: string): Promise<LivenessSession[]> {
    const rows = await this.db.livenessSession.findMany({ where: { tenantId, subjectId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    return rows.map(toSession);
  }

  async deleteForSubject(tenantId: string, subjectId: string): Promise<number> {
    return (await this.db.livenessSession.deleteMany({ where: { tenantId, subjectId } })).count;
  }

  async transition(tenantId: string, id: string, from: LivenessSessionStatus, to: { status: LivenessSessionStatus; completedAt?: Date; failureReasons?: string[] }): Promise<boolean> {
    const { count } = await this.db.livenessSession.updateMany({ where: { tenantId, id, status: from }, data: to });
    return count === 1;
  }
}
