import type { Consent, ConsentFilter, ConsentState } from "../../domain/consent.js";
import type { Page, PageRequest } from "../../domain/pagination.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { keysetPage } from "./keyset.js";
import type { ConsentRepository } from "../../domain/repositories.port.js";
import type { Db } from "./prisma-db.js";
import { consentOrder, toConsent } from "./consent-rows.js";

export class PrismaConsentRepository implements ConsentRepository {
  constructor(private readonly db: Db) {}

  async create(c: Consent): Promise<void> {
    await this.db.consent.create({ data: c });
  }

  async findById(tenantId: string, id: string): Promise<Consent | null> {
    const row = await this.db.consent.findFirst({ where: { tenantId, id } });
    return row ? toConsent(row) : null;
  }

  async listForSubject(tenantId: string, subjectId: string): Promise<Consent[]> {
    return (await this.db.consent.findMany({ where: { tenantId, subjectId }, orderBy: consentOrder })).map(toConsent);
  }

  async list(tenantId: string, filter: ConsentFilter, page: PageRequest, now: Date): Promise<Page<Consent>> {
    // The states as consentState() decides them: withdrawn first, then expired, then pending.
    const notWithdrawn = { OR: [{ withdrawnAt: null }, { withdrawnAt: { gt: now } }] };
    const notExpired = { OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] };
    const byState: Record<ConsentState, object> = {
      WITHDRAWN: { withdrawnAt: { lte: now } },
      EXPIRED: { AND: [notWithdrawn, { expiresAt: { lte: now } }] },
      PENDING: { AND: [notWithdrawn, notExpired, { grantedAt: { gt: now } }] },
      ACTIVE: { AND: [notWithdrawn, notExpired, { grantedAt: { lte: now } }] },
    };
    const conditions: object[] = [{ tenantId }];
    if (filter.purpose !== undefined) conditions.push({ purpose: filter.purpose });
    if (filter.subjectId !== undefined) conditions.push({ subjectId: filter.subjectId });
    if (filter.state !== undefined) conditions.push(byState[filter.state]);
    if (filter.grantedFrom) conditions.push({ grantedAt: { gte: filter.grantedFrom } });
    if (filter.grantedBefore) conditions.push({ grantedAt: { lt: filter.grantedBefore } });
    const result = await keysetPage(page, "grantedAt", { AND: conditions }, (q) => this.db.consent.findMany(q as Prisma.ConsentFindManyArgs), (q) => this.db.consent.count(q as Prisma.ConsentCountArgs));
    return { ...result, items: result.items.map(toConsent) };
  }

  async markWithdrawn(tenantId: string, id: string, at: Date): Promise<void> {
    await this.db.consent.updateMany({ where: { id, tenantId, withdrawnAt: null }, data: { withdrawnAt: at } });
  }

  async deleteForSubject(tenantId: string, subjectId: string): Promise<number> {
    return (await this.db.consent.deleteMany({ where: { tenantId, subjectId } })).count;
  }
}
