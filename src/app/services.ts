/**
 * The composition root of the application layer: builds every service from the ports'
 * implementations. Tests build it with fakes for the clock and ids only.
 */
import type { Clock, IdGenerator } from "../domain/clock.port.js";
import type { FaceEngine } from "../domain/face-engine.port.js";
import type { Store } from "../domain/repositories.port.js";
import type { TemplateCrypto } from "../domain/template-crypto.port.js";
import type { Logger } from "../observability/logger.js";
import { AuditService } from "../services/audit.service.js";
import { ConsentService } from "../services/consent.service.js";
import { EnrollmentService } from "../services/enrollment.service.js";
import { GalleryService } from "../services/gallery.service.js";
import { SubjectService } from "../services/subject.service.js";
import { TenantService } from "../services/tenant.service.js";
import { VerificationService, type ThresholdFor } from "../services/verification.service.js";

export interface ServiceDeps {
  store: Store;
  engine: FaceEngine;
  crypto: TemplateCrypto;
  clock: Clock;
  ids: IdGenerator;
  log: Logger;
  adminToken: string;
  thresholdFor: ThresholdFor;
  maxImageBytes: number;
  databaseKind: string;
  ping(): Promise<boolean>;
  version: string;
}

export interface Health {
  status: string;
  database: string;
  modelId: string;
  version: string;
}

export function createServices(d: ServiceDeps) {
  const audit = new AuditService(d.store, d.clock, d.ids, d.log);
  return {
    clock: d.clock,
    maxImageBytes: d.maxImageBytes,
    audit,
    tenants: new TenantService(d.store, audit, d.clock, d.ids, d.adminToken),
    subjects: new SubjectService(d.store, audit, d.crypto, d.clock, d.ids),
    consents: new ConsentService(d.store, audit, d.clock, d.ids),
    galleries: new GalleryService(d.store, audit, d.clock, d.ids, d.engine.modelId),
    enrollment: new EnrollmentService(d.store, audit, d.engine, d.crypto, d.clock, d.ids),
    verification: new VerificationService(d.store, audit, d.engine, d.crypto, d.thresholdFor, d.clock, d.ids),
    async health(): Promise<Health> {
      const up = await d.ping();
      return { status: up ? "ok" : "degraded", database: d.databaseKind, modelId: d.engine.modelId, version: d.version };
    },
  };
}

export type Services = ReturnType<typeof createServices>;
