/** Portal users and their sessions over Prisma. */
import { isPortalRole, type PortalSession, type PortalUser } from "../../domain/portal-user.js";
import type { PortalSessionRepository, PortalUserRepository } from "../../domain/repositories.port.js";
import type { Db } from "./prisma-db.js";

type Row = Omit<PortalUser, "role"> & { role: string };

function toUser(row: Row): PortalUser {
  if (!isPortalRole(row.role)) throw new Error(`portal user ${row.id} has an unknown role`);
  return { ...row, role: row.role };
}

export class PrismaPortalUserRepository implements PortalUserRepository {
  constructor(private readonly db: Db) {}

  async create(user: PortalUser): Promise<void> {
    await this.db.portalUser.create({ data: user });
  }

  async findById(tenantId: string, id: string): Promise<PortalUser | null> {
    const row = await this.db.portalUser.findFirst({ where: { tenantId, id } });
    return row && toUser(row);
  }

  async findByEmail(tenantId: string, email: string): Promise<PortalUser | null> {
    const row = await this.db.portalUser.findUnique({ where: { tenantId_email: { tenantId, email } } });
    return row && toUser(row);
  }

  async listForTenant(tenantId: string): Promise<PortalUser[]> {
    return (await this.db.portalUser.findMany({ where: { tenantId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] })).map(toUser);
  }

  async countFailedSignIn(tenantId: string, id: string): Promise<number> {
    return (await this.db.portalUser.update({ where: { id, tenantId }, data: { failedAttempts: { increment: 1 } }, select: { failedAttempts: true } })).failedAttempts;
  }

  async setSignInState(tenantId: string, id: string, failedAttempts: number, lockedUntil: Date | null): Promise<void> {
    await this.db.portalUser.updateMany({ where: { tenantId, id }, data: { failedAttempts, lockedUntil } });
  }

  async setDisabled(tenantId: string, id: string, at: Date | null): Promise<void> {
    await this.db.portalUser.updateMany({ where: { tenantId, id }, data: { disabledAt: at } });
  }
}

export class PrismaPortalSessionRepository implements PortalSessionRepository {
  constructor(private readonly db: Db) {}

  async create(session: PortalSession): Promise<void> {
    await this.db.portalSession.create({ data: session });
  }

  async find(id: string): Promise<PortalSession | null> {
    return this.db.portalSession.findUnique({ where: { id } });
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.db.portalSession.updateMany({ where: { id }, data: { lastSeenAt: at } });
  }

  async delete(id: string): Promise<void> {
    await this.db.portalSession.deleteMany({ where: { id } });
  }

  async deleteForUser(tenantId: string, userId: string): Promise<number> {
    return (await this.db.portalSession.deleteMany({ where: { tenantId, userId } })).count;
  }
}
