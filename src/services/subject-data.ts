/**
 * Every store of the database that holds data about a subject, in one list. Erasure
 * (erasure.service.ts) and the subject export (data-subject-request.service.ts) both walk
 * it, so a new table with a subject reference is added here once, and
 * test/db/migrations.spec.ts fails while a table of the migrated database that
 * refers to a subject is missing from it.
 *
 * Each entry fills one section of the export (entries naming the same section are
 * concatenated in list order) and either erases its rows inside the erasure's transaction
 * (returning how many) or says why they are kept. The key vault (crypto-shredding), the
 * caches and indexes outside the database and the queue's pending jobs are erasure's own
 * steps.
 */
import type { Repositories } from "../domain/repositories.port.js";
import type { Subject } from "../domain/subject.js";
import type { AuditRecorder } from "./audit.service.js";
import type { OutboxWriter } from "./operation.js";
import { destroyTemplates } from "./template-disposal.js";

export interface EraseContext {
  tx: Repositories;
  audit: AuditRecorder;
  outbox: OutboxWriter;
  tenantId: string;
  subjectId: string;
  actor: string;
}

export interface SubjectDataStore {
  /** What the store holds, for people and reports. */
  readonly name: string;
  /** The database tables it covers. */
  readonly tables: readonly string[];
  /** The export section it fills, and its entries (never vectors or keys). */
  readonly section: string;
  export(repos: Repositories, subject: Subject): Promise<unknown[]>;
  /** Erases the subject's rows (in the erasure's transaction) and returns how many; or why they are kept. */
  readonly erase: ((ctx: EraseContext) => Promise<number>) | { kept: string };
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

/** In erasure order: the subject row itself last (its foreign keys hold the rest). */
export const SUBJECT_DATA: readonly SubjectDataStore[] = [
  {
    name: "face templates (encrypted; metadata exported)",
    tables: ["Template"],
    section: "templates",
    export: async (repos, s) =>
      (await repos.templates.listMetadata(s.tenantId, s.id)).map((t) => ({
        id: t.id,
        galleryId: t.galleryId,
        purpose: t.purpose,
        modelId: t.modelId,
        createdAt: t.createdAt.toISOString(),
        lastUsedAt: iso(t.lastUsedAt),
        retainUntil: t.retainUntil.toISOString(),
        qualityScore: t.qualityScore,
        attributes: t.attributes ?? null,
        note: "the face template itself is an encrypted vector; it is not exported",
      })),
    erase: async ({ tx, audit, outbox, tenantId, subjectId, actor }) => destroyTemplates(tx, audit, outbox, await tx.templates.listMetadata(tenantId, subjectId), actor, "ERASURE"),
  },
  {
    name: "verification decisions",
    tables: ["Verification"],
    section: "decisions",
    export: async (repos, s) =>
      (await repos.verifications.listForSubject(s.tenantId, s.id)).map((d) => ({ id: d.id, kind: "VERIFICATION", purpose: d.purpose, actor: d.actor, at: d.createdAt.toISOString(), match: d.match, score: d.score, threshold: d.threshold, modelId: d.modelId })),
    erase: ({ tx, tenantId, subjectId }) => tx.verifications.deleteForSubject(tenantId, subjectId),
  },
  {
    name: "identification candidacies",
    tables: ["IdentificationCandidate"],
    section: "decisions",
    export: async (repos, s) =>
      (await repos.identifications.listForSubject(s.tenantId, s.id)).map((d) => ({ id: d.identificationId, kind: "IDENTIFICATION", purpose: d.purpose, actor: d.actor, at: d.createdAt.toISOString(), galleryId: d.galleryId, rank: d.rank, score: d.score })),
    erase: ({ tx, tenantId, subjectId }) => tx.identifications.deleteForSubject(tenantId, subjectId),
  },
  {
    name: "active-liveness sessions",
    tables: ["LivenessSession"],
    section: "decisions",
    export: async (repos, s) =>
      (await repos.livenessSessions.listForSubject(s.tenantId, s.id)).map((l) => ({ id: l.id, kind: "LIVENESS_SESSION", purpose: l.purpose, at: l.createdAt.toISOString(), challenges: l.challenges, status: l.status, failureReasons: l.failureReasons })),
    erase: ({ tx, tenantId, subjectId }) => tx.livenessSessions.deleteForSubject(tenantId, subjectId),
  },
  {
    name: "batch enrollment items (photos sealed under the subject's key while pending)",
    tables: ["EnrollmentBatchItem"],
    section: "decisions",
    export: async (repos, s) =>
      (await repos.batches.listItemsForSubject(s.tenantId, s.id)).map((i) => ({ kind: "BATCH_ENROLLMENT_ITEM", batchId: i.batchId, seq: i.seq, status: i.status, templateId: i.templateId, errorReason: i.errorReason, finishedAt: iso(i.finishedAt) })),
    erase: ({ tx, tenantId, subjectId }) => tx.batches.deleteItemsForSubject(tenantId, subjectId),
  },
  {
    name: "consents",
    tables: ["Consent"],
    section: "consents",
    export: async (repos, s) =>
      (await repos.consents.listForSubject(s.tenantId, s.id)).map((c) => ({
        id: c.id,
        purpose: c.purpose,
        noticeVersion: c.noticeVersion,
        noticeHash: c.noticeHash,
        method: c.method,
        evidenceRef: c.evidenceRef,
        separate: c.separate,
        byGuardian: c.byGuardian,
        grantedAt: c.grantedAt.toISOString(),
        expiresAt: iso(c.expiresAt),
        withdrawnAt: iso(c.withdrawnAt),
      })),
    erase: ({ tx, tenantId, subjectId }) => tx.consents.deleteForSubject(tenantId, subjectId),
  },
  {
    name: "audit trail",
    tables: ["AuditEvent"],
    section: "activity",
    export: async (repos, s) =>
      (await repos.audit.listForSubject(s.tenantId, s.id)).map((e) => ({ seq: e.seq, at: e.at.toISOString(), actor: e.actor, action: e.action, purpose: e.purpose, outcome: e.outcome, reason: e.reason, decisionId: e.decisionId })),
    erase: { kept: "the tamper-evident record of processing (accountability, GDPR Art. 5(2)); ids, actions and outcomes only, never biometric data" },
  },
  {
    name: "data subject requests",
    tables: ["DataSubjectRequest"],
    section: "requests",
    export: async (repos, s) =>
      (await repos.requests.listForSubject(s.tenantId, s.id)).map((r) => ({ id: r.id, kind: r.kind, status: r.status, openedAt: r.openedAt.toISOString(), dueAt: r.dueAt.toISOString() })),
    erase: { kept: "the evidence that the request was handled and when (GDPR Art. 12, 5(2)); ids, kinds and dates only" },
  },
  {
    name: "the subject",
    tables: ["Subject"],
    section: "subject",
    export: async (_repos, s) => [
      {
        id: s.id,
        externalRef: s.externalRef,
        dateOfBirth: s.dateOfBirth ? s.dateOfBirth.toISOString().slice(0, 10) : null,
        createdAt: s.createdAt.toISOString(),
        legalHold: s.legalHoldSince !== null,
        processingRestricted: s.restrictedSince !== null,
      },
    ],
    erase: async ({ tx, tenantId, subjectId }) => ((await tx.subjects.delete(tenantId, subjectId)) ? 1 : 0),
  },
];

/** The export's sections, each the concatenation of its stores' entries. */
export async function exportSubjectData(repos: Repositories, subject: Subject, stores: readonly SubjectDataStore[] = SUBJECT_DATA): Promise<Record<string, unknown[]>> {
  const parts = await Promise.all(stores.map((s) => s.export(repos, subject)));
  const sections: Record<string, unknown[]> = {};
  stores.forEach((s, i) => (sections[s.section] = [...(sections[s.section] ?? []), ...parts[i]!]));
  return sections;
}

/** Erases every erasable store in list order; returns the rows removed. */
export async function eraseSubjectData(ctx: EraseContext, stores: readonly SubjectDataStore[] = SUBJECT_DATA): Promise<number> {
  let items = 0;
  for (const s of stores) if (typeof s.erase === "function") items += await s.erase(ctx);
  return items;
}
