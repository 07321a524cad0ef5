/**
 * Persistence as the domain sees it. Implemented over Prisma in src/adapters/db/.
 * Every method is scoped by tenant where the data belongs to one: a lookup with another
 * tenant's id finds nothing. Subject data keys are not here: they live in the key vault
 * (key-vault.port.ts), apart from this database.
 */
import type { BatchItem, BatchItemOutcome, EnrollmentBatch } from "./enrollment-batch.js";
import type { LivenessSession, LivenessSessionStatus } from "./liveness-session.js";
import type { OutboxEntry, OutboxMessage } from "./outbox.js";
import type { AuditEvent, AuditFilter } from "./audit.js";
import type { Consent, ConsentFilter } from "./consent.js";
import type { DataSubjectRequest, RequestFilter } from "./data-subject-request.js";
import type { Gallery, GalleryFilter } from "./gallery.js";
import type { IdentificationDecision, IdentificationFilter, IdentificationInvolvement, IdentificationSummary } from "./identification.js";
import type { StoredTemplate, TemplateFilter, TemplateMetadata, TemplateRef } from "./template.js";
import type { ApiKeyRecord, Tenant } from "./tenant.js";
import type { Page, PageRequest, SeqPageRequest } from "./pagination.js";
import type { Subject, SubjectFilter, SubjectWithConsents } from "./subject.js";
import type { PortalSession, PortalUser } from "./portal-user.js";
import type { PrivacyNotice } from "./privacy-notice.js";
import type { VerificationDecision, VerificationFilter } from "./verification.js";

export interface TenantRepository {
  create(tenant: Tenant): Promise<void>;
  findById(id: string): Promise<Tenant | null>;
  findByName(name: string): Promise<Tenant | null>;
  list(): Promise<Tenant[]>;
  setKekVersion(tenantId: string, version: number): Promise<void>;
  /**
   * Locks the tenant's audit chain head until the transaction ends and returns it. The
   * lock is FOR NO KEY UPDATE: it does not conflict with the key-share locks that inserts
   * referencing the tenant take, so it serializes audit writers and nothing else.
   */
  lockAuditHead(tenantId: string): Promise<{ seq: number; hash: string }>;
  readAuditHead(tenantId: string): Promise<{ seq: number; hash: string }>;
}

export interface ApiKeyRepository {
  create(key: ApiKeyRecord): Promise<void>;
  findById(id: string): Promise<ApiKeyRecord | null>;
  listForTenant(tenantId: string): Promise<ApiKeyRecord[]>;
  revoke(tenantId: string, id: string, at: Date): Promise<void>;
  expire(tenantId: string, id: string, at: Date): Promise<void>;
}

export interface SubjectRepository {
  create(subject: Subject): Promise<void>;
  find(tenantId: string, id: string): Promise<Subject | null>;
  /** The subject and its consents (oldest first) in one call: what a policy decision reads. */
  findWithConsents(tenantId: string, id: string): Promise<SubjectWithConsents | null>;
  findByExternalRef(tenantId: string, externalRef: string): Promise<Subject | null>;
  /** Writes corrected identifying fields (GDPR Art. 16); fields not given stay. */
  rectify(tenantId: string, id: string, fields: { externalRef?: string; dateOfBirth?: Date }): Promise<void>;
  /** One page of the tenant's subjects in (createdAt, id) order; consent states as of `now`. */
  list(tenantId: string, filter: SubjectFilter, page: PageRequest, now: Date): Promise<Page<Subject>>;
  setLegalHold(tenantId: string, id: string, since: Date | null, reason: string | null): Promise<void>;
  setRestriction(tenantId: string, id: string, since: Date | null, reason: string | null): Promise<void>;
  /** Deletes the subject row (consents and templates go with it); true when it existed. */
  delete(tenantId: string, id: string): Promise<boolean>;
  /** Distinct subjects of the tenant holding at least one template. */
  countWithTemplates(tenantId: string): Promise<number>;
}

export interface ConsentRepository {
  create(consent: Consent): Promise<void>;
  findById(tenantId: string, id: string): Promise<Consent | null>;
  listForSubject(tenantId: string, subjectId: string): Promise<Consent[]>;
  /** One page of the tenant's consents in (grantedAt, id) order; states as of `now` (consentState). */
  list(tenantId: string, filter: ConsentFilter, page: PageRequest, now: Date): Promise<Page<Consent>>;
  markWithdrawn(tenantId: string, id: string, at: Date): Promise<void>;
  deleteForSubject(tenantId: string, subjectId: string): Promise<number>;
}

export interface GalleryRepository {
  create(gallery: Gallery): Promise<void>;
  find(tenantId: string, id: string): Promise<Gallery | null>;
  findByName(tenantId: string, name: string): Promise<Gallery | null>;
  list(tenantId: string): Promise<Gallery[]>;
  /** One page of the tenant's galleries in (createdAt, id) order. */
  listPage(tenantId: string, filter: GalleryFilter, page: PageRequest): Promise<Page<Gallery>>;
  setRates(tenantId: string, id: string, targetFmr: number | null, targetFpir: number | null): Promise<void>;
  /** The gallery made to replace this one (migrateGallery), if any. */
  findSuccessor(tenantId: string, id: string): Promise<Gallery | null>;
  /** Every embedding model some gallery (of any tenant) is pinned to, but for galleries replaced and emptied by a move. */
  pinnedModelIds(): Promise<string[]>;
  rename(tenantId: string, id: string, name: string): Promise<void>;
  /** Locks the gallery row until the transaction ends (FOR UPDATE); false when there is none. */
  lock(tenantId: string, id: string): Promise<boolean>;
  /** Deletes an empty gallery; true when it existed. */
  delete(tenantId: string, id: string): Promise<boolean>;
}

export interface TemplateRepository {
  /** Stores a template; `attributes` only where the purpose's policy allows storing them. */
  create(template: StoredTemplate, attributes?: Readonly<Record<string, unknown>>): Promise<void>;
  /** Templates (with ciphertext) of a subject for one purpose, made with any of these models. */
  listForMatching(tenantId: string, subjectId: string, purpose: string, modelIds: readonly string[]): Promise<StoredTemplate[]>;
  /** One page of the tenant's template metadata (never ciphertext) in (createdAt, id) order. */
  listPage(tenantId: string, filter: TemplateFilter, page: PageRequest): Promise<Page<TemplateMetadata>>;
  /** Every template of a gallery as references, with whether its subject is held (legal hold or restriction). */
  refsInGallery(tenantId: string, galleryId: string): Promise<(TemplateRef & { held: "LEGAL_HOLD" | "PROCESSING_RESTRICTED" | null })[]>;
  /** Templates of one subject in one gallery. */
  listForSubjectInGallery(tenantId: string, galleryId: string, subjectId: string): Promise<TemplateRef[]>;
  /** The subjects with templates in a gallery, sorted. */
  subjectsInGallery(tenantId: string, galleryId: string): Promise<string[]>;
  /** Every template (with ciphertext) of a gallery, to build its matching index. */
  listForGallery(tenantId: string, galleryId: string): Promise<StoredTemplate[]>;
  findById(tenantId: string, id: string): Promise<StoredTemplate | null>;
  /** Metadata only (no ciphertext) of every template of a subject. */
  listMetadata(tenantId: string, subjectId: string): Promise<TemplateMetadata[]>;
  /** Records a successful use and the new retention date. */
  markUsed(tenantId: string, id: string, at: Date, retainUntil: Date): Promise<void>;
  /** Templates of a subject held for one purpose. */
  listForPurpose(tenantId: string, subjectId: string, purpose: string): Promise<TemplateRef[]>;
  /**
   * Up to `limit` templates, of subjects not under legal hold, that must go at `now`:
   * past their retention date, or held for a purpose the subject no longer consents to.
   */
  listDue(now: Date, limit: number): Promise<(TemplateRef & { why: "RETENTION_EXPIRED" | "CONSENT_ENDED" })[]>;
  /** Templates of the tenant (of subjects not held) whose retention ends before `until`. */
  countRetentionEndingBefore(tenantId: string, until: Date): Promise<number>;
  /** Deletes templates by id (within the tenant); returns the ids this call deleted (not those already gone). */
  delete(tenantId: string, ids: readonly string[]): Promise<string[]>;
  deleteForSubject(tenantId: string, subjectId: string): Promise<number>;
}

export interface VerificationRepository {
  create(decision: VerificationDecision): Promise<void>;
  /** One page of the tenant's decisions, newest first. */
  list(tenantId: string, filter: VerificationFilter, page: PageRequest): Promise<Page<VerificationDecision>>;
  listForSubject(tenantId: string, subjectId: string): Promise<VerificationDecision[]>;
  deleteForSubject(tenantId: string, subjectId: string): Promise<number>;
}

export interface IdentificationRepository {
  create(decision: IdentificationDecision): Promise<void>;
  /** One page of the tenant's identifications, newest first (no candidates, no scores). */
  list(tenantId: string, filter: IdentificationFilter, page: PageRequest): Promise<Page<IdentificationSummary>>;
  listForSubject(tenantId: string, subjectId: string): Promise<IdentificationInvolvement[]>;
  /** Removes the subject from every identification result (the decision records stay). */
  deleteForSubject(tenantId: string, subjectId: string): Promise<number>;
}

export interface LivenessSessionRepository {
  create(session: LivenessSession): Promise<void>;
  find(tenantId: string, id: string): Promise<LivenessSession | null>;
  /** The subject's sessions, oldest first (data subject access exports). */
  listForSubject(tenantId: string, subjectId: string): Promise<LivenessSession[]>;
  deleteForSubject(tenantId: string, subjectId: string): Promise<number>;
  /**
   * Moves a session from status `from` to `to` atomically; false when it was not in
   * `from` any more (used or judged concurrently), so that a session is used only once.
   */
  transition(tenantId: string, id: string, from: LivenessSessionStatus, to: { status: LivenessSessionStatus; completedAt?: Date; failureReasons?: string[] }): Promise<boolean>;
}

export interface RequestRepository {
  create(request: DataSubjectRequest): Promise<void>;
  find(tenantId: string, id: string): Promise<DataSubjectRequest | null>;
  /** The request, its row locked until the transaction ends (concurrent fulfilments wait, then see its new state). */
  findForUpdate(tenantId: string, id: string): Promise<DataSubjectRequest | null>;
  listForSubject(tenantId: string, subjectId: string): Promise<DataSubjectRequest[]>;
  /** One page of the tenant's requests, soonest due first ((dueAt, id) order); overdue as of `now`. */
  listQueue(tenantId: string, filter: RequestFilter, page: PageRequest, now: Date): Promise<Page<DataSubjectRequest>>;
  update(request: DataSubjectRequest): Promise<void>;
  /** Requests of every tenant still open, and those of them past their due date (the operator's metrics). */
  countOpen(now: Date): Promise<{ open: number; overdue: number }>;
  /** Erasures, of every tenant, whose fulfilment began and did not complete (IN_PROGRESS or FAILED). */
  listInterruptedErasures(limit: number): Promise<DataSubjectRequest[]>;
}

export interface AuditRepository {
  /**
   * Inserts already-chained events of one tenant and moves its chain head to the last of
   * them, in one statement (the head is locked: lockAuditHead).
   */
  appendToChain(tenantId: string, events: readonly AuditEvent[]): Promise<void>;
  /** Events in sequence order, after `afterSeq` and up to `upToSeq`, at most `limit` (all when undefined). */
  list(tenantId: string, opts?: { afterSeq?: number; upToSeq?: number; limit?: number }): Promise<AuditEvent[]>;
  /** Events with from <= at < to, in sequence order. */
  /** Up to `limit` events at times [from, to) after `afterSeq`, in sequence order. */
  listBetween(tenantId: string, from: Date, to: Date, page: { afterSeq: number; limit: number }): Promise<AuditEvent[]>;
  /** The event just before sequence number `seq` (null for the first). */
  listForSubject(tenantId: string, subjectId: string): Promise<AuditEvent[]>;
  /** One page of the tenant's events matching the filter, newest first (seq descending). */
  search(tenantId: string, filter: AuditFilter, page: SeqPageRequest): Promise<Page<AuditEvent>>;
}

export interface OutboxRepository {
  /** Writes a message to deliver once the surrounding transaction commits. */
  add(id: string, message: OutboxMessage, at: Date): Promise<void>;
  /** The oldest undelivered messages, in the order they were written. */
  pending(limit: number): Promise<OutboxEntry[]>;
  delivered(id: string): Promise<void>;
  /** Counts a failed delivery (the message stays for the next round). */
  failed(id: string, error: string): Promise<void>;
  count(): Promise<number>;
}

export interface PortalUserRepository {
  create(user: PortalUser): Promise<void>;
  findById(tenantId: string, id: string): Promise<PortalUser | null>;
  findByEmail(tenantId: string, email: string): Promise<PortalUser | null>;
  listForTenant(tenantId: string): Promise<PortalUser[]>;
  /** Counts one more wrong password, atomically (concurrent attempts each count); the new count. */
  countFailedSignIn(tenantId: string, id: string): Promise<number>;
  /** Writes the sign-in counters (failures, lock). */
  setSignInState(tenantId: string, id: string, failedAttempts: number, lockedUntil: Date | null): Promise<void>;
  setDisabled(tenantId: string, id: string, at: Date | null): Promise<void>;
}

export interface PortalSessionRepository {
  create(session: PortalSession): Promise<void>;
  find(id: string): Promise<PortalSession | null>;
  touch(id: string, at: Date): Promise<void>;
  delete(id: string): Promise<void>;
  /** Ends every session of a user (disabled, or signed out everywhere); how many. */
  deleteForUser(tenantId: string, userId: string): Promise<number>;
}

export interface PrivacyNoticeRepository {
  create(notice: PrivacyNotice): Promise<void>;
  /** The tenant's notices, newest version first (then by language). */
  listForTenant(tenantId: string): Promise<PrivacyNotice[]>;
  /** Every language of one version. */
  listForVersion(tenantId: string, version: string): Promise<PrivacyNotice[]>;
}

export interface EnrollmentBatchRepository {
  create(batch: EnrollmentBatch, items: readonly BatchItem[]): Promise<void>;
  find(tenantId: string, id: string): Promise<EnrollmentBatch | null>;
  /** Counts of the batch's items by status. */
  progress(tenantId: string, id: string): Promise<{ pending: number; enrolled: number; failed: number }>;
  /** Items in request order, from `fromSeq`, at most `limit` (sealed images left out). */
  listItems(tenantId: string, batchId: string, fromSeq: number, limit: number): Promise<BatchItem[]>;
  /** The pending item with the lowest seq, with its sealed image. */
  nextPending(tenantId: string, batchId: string): Promise<BatchItem | null>;
  /** Marks a pending item done and drops its sealed image; false when it was no longer pending. */
  finishItem(tenantId: string, batchId: string, seq: number, outcome: BatchItemOutcome): Promise<boolean>;
  finish(tenantId: string, id: string, at: Date): Promise<void>;
  /** Batches still running, every tenant (resumed at start and by the sweep). */
  listRunning(): Promise<{ tenantId: string; id: string }[]>;
  listItemsForSubject(tenantId: string, subjectId: string): Promise<BatchItem[]>;
  deleteItemsForSubject(tenantId: string, subjectId: string): Promise<number>;
}

export interface Repositories {
  tenants: TenantRepository;
  apiKeys: ApiKeyRepository;
  subjects: SubjectRepository;
  consents: ConsentRepository;
  galleries: GalleryRepository;
  templates: TemplateRepository;
  verifications: VerificationRepository;
  identifications: IdentificationRepository;
  requests: RequestRepository;
  audit: AuditRepository;
  livenessSessions: LivenessSessionRepository;
  outbox: OutboxRepository;
  portalUsers: PortalUserRepository;
  portalSessions: PortalSessionRepository;
  privacyNotices: PrivacyNoticeRepository;
  batches: EnrollmentBatchRepository;
}

/** The repositories, plus transactions: everything written in `transaction` commits or none of it does. */
export interface Store extends Repositories {
  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T>;
}
