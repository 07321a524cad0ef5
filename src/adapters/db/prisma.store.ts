/** The Store port over Prisma: one repository object per table, bound to a client or a transaction. */
import type { Repositories, Store } from "../../domain/repositories.port.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import { PrismaApiKeyRepository } from "./api-key.repository.js";
import { PrismaAuditRepository } from "./audit.repository.js";
import { PrismaConsentRepository } from "./consent.repository.js";
import { PrismaGalleryRepository } from "./gallery.repository.js";
import type { Db } from "./prisma-db.js";
import { PrismaIdentificationRepository } from "./identification.repository.js";
import { PrismaLivenessSessionRepository } from "./liveness-session.repository.js";
import { PrismaRequestRepository } from "./request.repository.js";
import { PrismaSubjectRepository } from "./subject.repository.js";
import { PrismaTemplateRepository } from "./template.repository.js";
import { PrismaTenantRepository } from "./tenant.repository.js";
import { PrismaVerificationRepository } from "./verification.repository.js";

function repositories(db: Db): Repositories {
  return {
    tenants: new PrismaTenantRepository(db),
    apiKeys: new PrismaApiKeyRepository(db),
    subjects: new PrismaSubjectRepository(db),
    consents: new PrismaConsentRepository(db),
    galleries: new PrismaGalleryRepository(db),
    templates: new PrismaTemplateRepository(db),
    verifications: new PrismaVerificationRepository(db),
    identifications: new PrismaIdentificationRepository(db),
    requests: new PrismaRequestRepository(db),
    audit: new PrismaAuditRepository(db),
    livenessSessions: new PrismaLivenessSessionRepository(db),
  };
}

export function prismaStore(prisma: PrismaClient): Store {
  return {
    ...repositories(prisma),
    transaction: (work) => prisma.$transaction((tx) => work(repositories(tx)), { timeout: 30_000, maxWait: 30_000 }),
  };
}
