/**
 * Persistence as the domain sees it. Implemented over Prisma in src/adapters/db/.
 * Every method is scoped by tenant where the data belongs to one: a lookup with another
 * tenant's id finds nothing.
 */
import type { AuditEvent } from "./audit.js";
import type { Consent } from "./consent.js";
import type { Gallery } from "./gallery.js";
import type { StoredTemplate, TemplateMetadata } from "./template.js";
import type { ApiKeyRecord, Tenant } from "./tenant.js";
import type { Subject, SubjectKey } from "./subject.js";
import type { VerificationDecision } from "./verification.js";

export interface TenantRepository {
  create(tenant: Tenant): Promise<void>;
  findById(id: string): Promise<Tenant | null>;
  findByName(name: string): Promise<Tenant | null>;
  /** Locks the tenant's audit chain head until the transaction ends and returns it. */
  lockAuditHead(tenantId: string): Promise<{ seq: number; hash: string }>;
  setAuditHead(tenantId: string, seq: number, hash: string): Promise<void>;
  readAuditHead(tenantId: string): Promise<{ seq: number; hash: string }>;
}

export interface ApiKeyRepository {
  create(key: ApiKeyRecord): Promise<void>;
  findById(id: string): Promise<ApiKeyRecord | null>;
}

export interface SubjectRepository {
  create(subject: Subject): Promise<void>;
  find(tenantId: string, id: string): Promise<Subject | null>;
  findByExternalRef(tenantId: string, externalRef: string): Promise<Subject | null>;
}

export interface SubjectKeyRepository {
  find(tenantId: string, subjectId: string): Promise<SubjectKey | null>;
  create(key: SubjectKey): Promise<void>;
}

export interface ConsentRepository {
  create(consent: Consent): Promise<void>;
  listForSubject(tenantId: string, subjectId: string): Promise<Consent[]>;
  markWithdrawn(tenantId: string, id: string, at: Date): Promise<void>;
}

export interface GalleryRepository {
  create(gallery: Gallery): Promise<void>;
  find(tenantId: string, id: string): Promise<Gallery | null>;
  findByName(tenantId: string, name: string): Promise<Gallery | null>;
  list(tenantId: string): Promise<Gallery[]>;
}

export interface TemplateRepository {
  create(template: StoredTemplate): Promise<void>;
  /** Templates (with ciphertext) of a subject for one purpose and model. */
  listForMatching(tenantId: string, subjectId: string, purpose: string, modelId: string): Promise<StoredTemplate[]>;
  /** Metadata only (no ciphertext) of every template of a subject. */
  listMetadata(tenantId: string, subjectId: string): Promise<TemplateMetadata[]>;
}

export interface VerificationRepository {
  create(decision: VerificationDecision): Promise<void>;
}

export interface AuditRepository {
  insert(event: AuditEvent): Promise<void>;
  /** Events in sequence order, after `afterSeq`, at most `limit` (all when undefined). */
  list(tenantId: string, opts?: { afterSeq?: number; limit?: number }): Promise<AuditEvent[]>;
}

export interface Repositories {
  tenants: TenantRepository;
  apiKeys: ApiKeyRepository;
  subjects: SubjectRepository;
  subjectKeys: SubjectKeyRepository;
  consents: ConsentRepository;
  galleries: GalleryRepository;
  templates: TemplateRepository;
  verifications: VerificationRepository;
  audit: AuditRepository;
}

/** The repositories, plus transactions: everything written in `transaction` commits or none of it does. */
export interface Store extends Repositories {
  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T>;
}
