/** The Store port over Prisma: one repository object per table, bound to a client or a transaction. */
import type { Repositories, Store } from "../../domain/repositories.port.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import { PrismaApiKeyRepository } from "./api-key.repository.js";
import { PrismaAuditRepository } from "./audit.repository.js";
import { PrismaEnrollmentBatchRepository } from "./enrollment-batch.repository.js";
import { PrismaConsentRepository } from "./consent.repository.js";
import { PrismaGalleryRepository } from "./gallery.repository.js";
import type { Db } from "./prisma-db.js";
import { PrismaIdentificationRepository } from "./identification.repository.js";
import { PrismaLivenessSessionRepository } from "./liveness-session.repository.js";
import { PrismaOutboxRepository } from "./outbox.repository.js";
import { PrismaPortalSessionRepository, PrismaPortalUserRepository } from "./portal-user.repository.js";
import { PrismaPrivacyNoticeRepository } from "./privacy-notice.repository.js";
import { PrismaRequestRepository } from "./request.repository.js";
import { PrismaSubjectRepository } from "./subject.repository.js";
import { PrismaTemplateRepository } from "./template.repository.js";
import { PrismaTenantRepository } from "./tenant.repository.js";
import { PrismaVerificationRepository } from "./verification.repository.js";
import { mappingErrors, toStoreError } from "../shared/sql-errors.js";

function repositories(db: Db): Repositories {
  const repos: Repositories = {
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
    outbox: new PrismaOutboxRepository(db),
    portalUsers: new PrismaPortalUserRepository(db),
    portalSessions: new PrismaPortalSessionRepository(db),
    privacyNotices: new PrismaPrivacyNoticeRepository(db),
    batches: new PrismaEnrollmentBatchRepository(db),
  };
  // Driver failures (conflicts, lost connections) surface as the domain's retryable errors.
  for (const k of Object.keys(repos) as (keyof Repositories)[]) (repos as unknown as Record<string, object>)[k] = mappingErrors(repos[k]);
  return repos;
}

export interface TransactionLimits {
  /** Longest wait for a connection before the transaction starts (ms). */
  maxWaitMs: number;
  /** Longest a transaction may run (ms). */
  timeoutMs: number;
}

export function prismaStore(prisma: PrismaClient, limits: TransactionLimits = { maxWaitMs: 5_000, timeoutMs: 30_000 }): Store {
  return {
    ...repositories(prisma),
    transaction: async (work) => {
      try {
        return await prisma.$transaction((tx) => work(repositories(tx)), { timeout: limits.timeoutMs, maxWait: limits.maxWaitMs });
      } catch (e) {
        throw toStoreError(e);
      }
    },
  };
}
