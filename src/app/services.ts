/**
 * The composition root of the application layer: builds every service from the ports'
 * implementations and registers the job handlers. Tests build it with fakes for the
 * clock and ids only.
 */
import { cryptoRandom, type Clock, type IdGenerator, type RandomSource } from "../domain/clock.port.js";
import type { FaceEngine } from "../domain/face-engine.port.js";
import type { IndexSync } from "../domain/index-sync.port.js";
import type { VideoDecoder } from "../domain/video-decoder.port.js";
import type { KeyVault } from "../domain/key-vault.port.js";
import type { PolicySet } from "../domain/policy/policy-set.js";
import { noTelemetry, type Telemetry } from "../domain/telemetry.port.js";
import type { JobCatalogue, JobName, JobQueue } from "../domain/jobs.port.js";
import type { Store } from "../domain/repositories.port.js";
import type { DocumentSigner } from "../domain/signer.port.js";
import type { TemplateCrypto } from "../domain/template-crypto.port.js";
import type { Logger } from "../observability/logger.js";
import { ApiKeyService } from "../services/api-key.service.js";
import { ApiKeyCache } from "../services/api-key-cache.js";
import { PortalUserService } from "../services/portal-user.service.js";
import { PrivacyNoticeService } from "../services/privacy-notice.service.js";
import type { PasswordHasher } from "../domain/password-hasher.port.js";
import { AuditService } from "../services/audit.service.js";
import { OperationRunner, type RetryPolicy } from "../services/operation.js";
import { DEFAULT_RELAY, OutboxRelay, type RelayOptions } from "../services/outbox-relay.js";
import { SubjectKeys } from "../services/subject-key.js";
import { ComplianceService } from "../services/compliance.service.js";
import { ConsentService } from "../services/consent.service.js";
import { DataSubjectRequestService } from "../services/data-subject-request.service.js";
import { EnrollmentService } from "../services/enrollment.service.js";
import { EnrollmentBatchService } from "../services/enrollment-batch.service.js";
import { ErasureService, type ErasureParticipant } from "../services/erasure.service.js";
import { GalleryService } from "../services/gallery.service.js";
import { IdentificationService } from "../services/identification.service.js";
import type { MatchThresholds } from "../services/match-thresholds.js";
import { MatchingIndexService, type IndexOptions } from "../services/matching-index.service.js";
import { KeyRotationService } from "../services/key-rotation.service.js";
import { PolicyService } from "../services/policy.service.js";
import { RetentionService } from "../services/retention.service.js";
import { SubjectService } from "../services/subject.service.js";
import { TenantService } from "../services/tenant.service.js";
import { VerificationService } from "../services/verification.service.js";
import { AnalysisService } from "../services/analysis.service.js";
import { LivenessService } from "../services/liveness.service.js";
import { SubjectMatcher } from "../services/subject-match.js";
import { StreamService, type StreamLimits } from "../services/stream.service.js";

export interface ServiceDeps {
  store: Store;
  vault: KeyVault;
  jobs: JobQueue;
  indexSync: IndexSync;
  indexOptions: IndexOptions;
  policies: PolicySet;
  engine: FaceEngine;
  crypto: TemplateCrypto;
  signer: DocumentSigner;
  clock: Clock;
  ids: IdGenerator;
  /** Liveness challenge orders (default: crypto.randomInt). */
  random?: RandomSource;
  log: Logger;
  adminToken: string;
  /** Portal passwords (src/adapters/crypto/scrypt-password.ts). */
  passwords: PasswordHasher;
  thresholds: MatchThresholds;
  maxImageBytes: number;
  databaseKind: string;
  /** Stores outside the database holding data derived from subjects (caches, indexes). */
  erasureParticipants?: readonly ErasureParticipant[];
  ping(): Promise<boolean>;
  version: string;
  /** Retries of conflicting transactions (default: operation.ts). */
  retry?: RetryPolicy;
  relay?: RelayOptions;
  /** Spans and counts for the operator (src/observability/telemetry.ts); none by default. */
  telemetry?: Telemetry;
  /** Video and camera stream sessions (default: 4 per tenant, 5 minutes idle, 250 ms per frame). */
  streams?: StreamLimits;
  /** Video files for streams (Debian's ffmpeg where installed); none by default. */
  video?: VideoDecoder;
  /** How long an API key's record is kept between reads (src/services/api-key-cache.ts); 0 by default. */
  apiKeyCacheSeconds?: number;
}

export type DependencyState = "up" | "down";

export interface Health {
  status: "ok" | "degraded";
  database: string;
  modelId: string;
  modelIds: string[];
  version: string;
  /** Each dependency's state (the queue and index sync are Redis, when configured). */
  dependencies: { database: DependencyState; keyVault: DependencyState; jobQueue: DependencyState; indexSync: DependencyState };
  /** Jobs and index changes written but not yet delivered (they go out once Redis is back). */
  outboxPending: number | null;
}

export function createServices(d: ServiceDeps) {
  const telemetry = d.telemetry ?? noTelemetry;
  const audit = new AuditService(d.store, d.clock, d.ids);
  const apiKeyCache = new ApiKeyCache(d.apiKeyCacheSeconds ?? 0, d.clock);
  const relay = new OutboxRelay(d.store, d.jobs, d.indexSync, d.clock, d.log, d.relay ?? DEFAULT_RELAY);
  const ops = new OperationRunner({ store: d.store, audit, clock: d.clock, ids: d.ids, log: d.log, afterOutbox: () => relay.kick(), ...(d.retry ? { retry: d.retry } : {}), telemetry });
  const keys = new SubjectKeys(d.vault, d.crypto, telemetry);
  const policy = new PolicyService(d.policies, d.clock, d.log, telemetry);
  const index = new MatchingIndexService(d.store, keys, d.crypto, d.indexSync, d.log, d.indexOptions);
  const erasure = new ErasureService(d.store, ops, d.vault, [index, ...(d.erasureParticipants ?? [])], d.clock);
  const consents = new ConsentService(d.store, ops, policy, index, d.clock, d.ids);
  const retention = new RetentionService(d.store, ops, index, d.clock);
  const keyRotation = new KeyRotationService(d.store, ops, d.vault, d.crypto);
  const matcher = new SubjectMatcher(d.store, d.crypto, keys, d.thresholds);
  const liveness = new LivenessService(d.store, ops, policy, d.engine, matcher, d.clock, d.ids, d.random ?? cryptoRandom);

  const requests = new DataSubjectRequestService(d.store, ops, erasure, d.signer, d.clock, d.ids);
  const enrollment = new EnrollmentService(d.store, ops, policy, d.engine, d.crypto, keys, index, d.thresholds, d.clock, d.ids);
  const identification = new IdentificationService(d.store, ops, policy, d.engine, index, d.thresholds, d.clock, d.ids);
  const streams = new StreamService(ops, identification, d.engine, d.clock, d.ids, d.log, d.streams ?? { maxPerTenant: 4, idleMs: 300_000, frameBudgetMs: 250 }, d.video);
  const batches = new EnrollmentBatchService(d.store, ops, policy, enrollment, d.crypto, keys, d.clock, d.ids, d.log);
  /** Work a crash or an outage left half-done: interrupted erasures and key rotations, and the outbox. */
  const resumeInterrupted = async () => {
    const erasures = await requests.resumeInterruptedErasures();
    const keys = await keyRotation.resumeAll();
    const enrollmentBatches = await batches.resumeAll();
    await relay.deliver().catch(() => 0);
    if (erasures + keys + enrollmentBatches > 0) d.log.info("resumed interrupted work", { erasures, keysRotated: keys, enrollmentBatches });
    return { erasures, rewrappedKeys: keys, enrollmentBatches };
  };

  // Each job runs as a span continuing the trace of the request that enqueued it.
  const handle = <N extends JobName>(name: N, run: (payload: JobCatalogue[N]) => Promise<void>) => d.jobs.handle(name, (payload, meta) => telemetry.job(name, meta.trace, () => run(payload)));
  handle("retention.sweep", async () => {
    const r = await retention.sweep();
    if (r.retentionExpired + r.consentEnded > 0) d.log.info("retention sweep", { ...r });
    await resumeInterrupted();
  });
  handle("consent.lapse", async ({ tenantId, consentId }) => void (await consents.lapse(tenantId, consentId)));
  handle("keys.rotate", async ({ tenantId }) => void (await keyRotation.run(tenantId)));
  handle("enroll.batch", async ({ tenantId, batchId }) => batches.run(tenantId, batchId));

  return {
    clock: d.clock,
    thresholds: d.thresholds,
    maxImageBytes: d.maxImageBytes,
    jobs: d.jobs,
    audit,
    relay,
    policy,
    tenants: new TenantService(d.store, ops, d.clock, d.ids, d.adminToken, apiKeyCache),
    apiKeys: new ApiKeyService(d.store, ops, d.clock, d.ids, apiKeyCache),
    portalUsers: new PortalUserService(d.store, ops, d.passwords, d.clock, d.ids),
    notices: new PrivacyNoticeService(d.store, ops, d.clock, d.ids),
    subjects: new SubjectService(d.store, ops, d.crypto, d.vault, d.clock, d.ids),
    consents,
    galleries: new GalleryService(d.store, ops, d.clock, d.ids, d.engine.modelId, index),
    enrollment,
    batches,
    index,
    identification,
    streams,
    verification: new VerificationService(d.store, ops, policy, d.engine, matcher, liveness, d.clock, d.ids),
    liveness,
    analysis: new AnalysisService(d.store, ops, policy, d.engine, d.thresholds),
    retention,
    erasure,
    keyRotation,
    requests,
    resumeInterrupted,
    compliance: new ComplianceService(d.store, ops, policy, d.signer, d.clock),
    async health(): Promise<Health> {
      const [db, vault] = await Promise.all([d.ping(), d.vault.ping()]);
      const state = (up: boolean): DependencyState => (up ? "up" : "down");
      const dependencies = { database: state(db), keyVault: state(vault), jobQueue: state(d.jobs.ready()), indexSync: state(d.indexSync.ready()) };
      const outboxPending = db ? await d.store.outbox.count().catch(() => null) : null;
      const ok = Object.values(dependencies).every((s) => s === "up");
      return { status: ok ? "ok" : "degraded", database: d.databaseKind, modelId: d.engine.modelId, modelIds: [...d.engine.modelIds], version: d.version, dependencies, outboxPending };
    },
  };
}

export type Services = ReturnType<typeof createServices>;
