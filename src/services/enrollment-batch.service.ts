/**
 * Batch enrollment (src/domain/enrollment-batch.ts). Submitting checks the scope, the
 * gallery and that the purpose permits enrollment, then reads each photo, seals it under
 * its subject's data key and stores the batch with its items and the job that runs it, in
 * one transaction. The job enrolls the pending items one at a time through the ordinary
 * enrollment (every policy check, quality gate, duplicate check and audit event of a
 * single enrollFace, in the submitter's name); an item is marked done inside the
 * enrollment's own transaction, so a crash anywhere leaves it either enrolled and done or
 * still pending, never enrolled twice. Interrupted batches are picked up at start and by
 * every retention sweep. A photo is dropped as soon as its item is done.
 */
import type { Clock, IdGenerator } from "../domain/clock.port.js";
import { validatePurpose } from "../domain/consent.js";
import { MAX_BATCH_ITEMS, type BatchActor, type BatchItem, type BatchProgress, type EnrollmentBatch } from "../domain/enrollment-batch.js";
import { DomainError, isDomainError, isRetryable } from "../domain/errors.js";
import type { ImageSource } from "../domain/face-engine.port.js";
import type { Store } from "../domain/repositories.port.js";
import type { TemplateCrypto } from "../domain/template-crypto.port.js";
import type { Actor, TenantActor } from "../domain/tenant.js";
import type { Logger } from "../observability/logger.js";
import { requireScope } from "./access.js";
import type { EnrollmentService } from "./enrollment.service.js";
import { findGalleryOrThrow } from "./gallery.service.js";
import type { OperationRunner } from "./operation.js";
import type { PolicyService } from "./policy.service.js";
import type { SubjectKeys } from "./subject-key.js";

export interface BatchSubmission {
  galleryId: string;
  purpose: string;
  items: readonly { subjectId: string; image: ImageSource }[];
}

/** An item refused while the batch was submitted (the subject unknown, the photo unreadable): recorded FAILED at once. */
const REFUSED_AT_SUBMISSION = new Set(["SUBJECT_NOT_FOUND", "INVALID_INPUT", "INVALID_IMAGE", "IMAGE_TOO_LARGE"]);

export class EnrollmentBatchService {
  /** Batches this process is running now (a second job for one of them waits for the next sweep). */
  private readonly running = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly ops: OperationRunner,
    private readonly policy: PolicyService,
    private readonly enrollment: EnrollmentService,
    private readonly crypto: TemplateCrypto,
    private readonly keys: SubjectKeys,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly log: Logger,
  ) {}

  async submit(actor: Actor, input: BatchSubmission): Promise<BatchProgress> {
    const batchId = this.ids.next("bat");
    return this.ops.use(actor, { action: "START_BATCH_ENROLLMENT", purpose: input.purpose, targetId: batchId, scope: "faces:enroll" }, async ({ caller, ctx }) => {
      const purpose = validatePurpose(input.purpose);
      if (input.items.length < 1 || input.items.length > MAX_BATCH_ITEMS) throw new DomainError("INVALID_INPUT", `a batch holds 1 to ${MAX_BATCH_ITEMS} items`);
      const gallery = await findGalleryOrThrow(this.store, caller.tenantId, input.galleryId);
      await this.policy.authorizePurpose(this.store, caller, "enroll", purpose);
      const now = this.clock.now();
      const items: BatchItem[] = [];
      for (const [seq, item] of input.items.entries()) {
        const base = { batchId, seq, tenantId: caller.tenantId, subjectId: item.subjectId, templateId: null, finishedAt: null };
        try {
          const sealed = await this.seal(caller.tenantId, item.subjectId, batchId, seq, item.image);
          items.push({ ...base, status: "PENDING", sealedImage: sealed, errorReason: null, errorMessage: null });
        } catch (e) {
          if (!isDomainError(e) || !REFUSED_AT_SUBMISSION.has(e.reason)) throw e;
          items.push({ ...base, status: "FAILED", sealedImage: null, errorReason: e.reason, errorMessage: e.message, finishedAt: now });
        }
      }
      const batch: EnrollmentBatch = { id: batchId, tenantId: caller.tenantId, galleryId: gallery.id, purpose, actor: batchActor(actor), status: "RUNNING", total: items.length, createdAt: now, finishedAt: null };
      await this.ops.transaction(async (tx, audit, outbox) => {
        await tx.batches.create(batch, items);
        outbox.enqueue("enroll.batch", { tenantId: caller.tenantId, batchId }, `enroll-batch-${batchId}`);
        audit.record({ ...ctx, purpose, outcome: "SUCCESS", reason: `${items.length} items` });
      });
      const failed = items.filter((i) => i.status === "FAILED").length;
      return { batch, pending: items.length - failed, enrolled: 0, failed };
    });
  }

  /** The batch's progress and a page of its items (scope faces:enroll; another tenant's batch is not found). */
  async get(actor: Actor, batchId: string, fromSeq: number, limit: number): Promise<BatchProgress & { items: BatchItem[] }> {
    const caller = requireScope(actor, "faces:enroll");
    const batch = await this.store.batches.find(caller.tenantId, batchId);
    if (!batch) throw new DomainError("BATCH_NOT_FOUND", "no such enrollment batch");
    const [progress, items] = await Promise.all([this.store.batches.progress(caller.tenantId, batchId), this.store.batches.listItems(caller.tenantId, batchId, fromSeq, Math.min(Math.max(1, limit), MAX_BATCH_ITEMS))]);
    return { batch, ...progress, items };
  }

  /**
   * The job: enrolls the batch's pending items in order, then marks it completed. A
   * dependency down stops it with the item still pending (the job is retried, and the
   * sweep resumes it); any other refusal is that item's FAILED outcome.
   */
  async run(tenantId: string, batchId: string): Promise<void> {
    if (this.running.has(batchId)) return;
    this.running.add(batchId);
    try {
      const batch = await this.store.batches.find(tenantId, batchId);
      if (!batch || batch.status !== "RUNNING") return;
      for (let item = await this.store.batches.nextPending(tenantId, batchId); item; item = await this.store.batches.nextPending(tenantId, batchId)) {
        await this.runItem(batch, item);
      }
      await this.store.batches.finish(tenantId, batchId, this.clock.now());
    } finally {
      this.running.delete(batchId);
    }
  }

  /**
   * Queues a job for every batch left running that this process is not running now (at
   * start and with each sweep), through the outbox, so a queue that is down delays them
   * and loses none; returns how many were queued. A batch whose first job is still queued
   * gets a second one: whichever runs later finds nothing left to do.
   */
  async resumeAll(): Promise<number> {
    const stale = (await this.store.batches.listRunning()).filter((b) => !this.running.has(b.id));
    if (stale.length === 0) return 0;
    await this.ops.transaction(async (_tx, _audit, outbox) => {
      for (const { tenantId, id } of stale) outbox.enqueue("enroll.batch", { tenantId, batchId: id }, `enroll-batch-${id}-${this.ids.next("job")}`);
    });
    this.log.info("enrollment batches resumed", { batches: stale.length });
    return stale.length;
  }

  private async runItem(batch: EnrollmentBatch, item: BatchItem): Promise<void> {
    const { tenantId, id: batchId } = batch;
    const fail = (errorReason: string, errorMessage: string) => this.store.batches.finishItem(tenantId, batchId, item.seq, { status: "FAILED", errorReason, errorMessage, at: this.clock.now() });
    const binding = { tenantId, subjectId: item.subjectId, batchId, seq: item.seq };
    let image: Uint8Array | null;
    try {
      image = item.sealedImage ? await this.keys.tryWith(tenantId, item.subjectId, (key) => this.crypto.openImage(key, item.sealedImage!, binding)) : null;
    } catch (e) {
      if (isRetryable(e)) throw e;
      await fail("INVALID_IMAGE", "the stored photo failed authentication (altered or corrupted)");
      return;
    }
    if (!image) {
      await fail("SUBJECT_NOT_FOUND", "the subject was erased before the photo was enrolled");
      return;
    }
    try {
      await this.enrollment.enroll(actorOf(batch), {
        subjectId: item.subjectId,
        galleryId: batch.galleryId,
        purpose: batch.purpose,
        image: async () => image,
        within: async (tx, templateId) => {
          const done = await tx.batches.finishItem(tenantId, batchId, item.seq, { status: "ENROLLED", templateId, at: this.clock.now() });
          if (!done) throw new DomainError("REQUEST_STATE", "the batch item was already processed");
        },
      });
    } catch (e) {
      // A dependency down: the item stays pending for the job's retry or the next sweep.
      if (isRetryable(e)) throw e;
      if (!isDomainError(e)) {
        // Not the caller's fault, but retrying would fail the same way and hold up the batch.
        this.log.error("batch item failed", { batchId, seq: item.seq, error: e });
        await fail("INTERNAL_ERROR", "the photo could not be enrolled because of an internal error");
        return;
      }
      // Already processed by another runner: finishing again changes nothing.
      await fail(e.reason, e.message);
    } finally {
      image.fill(0);
    }
  }

  private async seal(tenantId: string, subjectId: string, batchId: string, seq: number, source: ImageSource): Promise<Uint8Array> {
    const subject = await this.store.subjects.find(tenantId, subjectId);
    if (!subject) throw new DomainError("SUBJECT_NOT_FOUND", "no such subject");
    const image = await source();
    try {
      const sealed = await this.keys.tryWith(tenantId, subjectId, (key) => this.crypto.sealImage(key, image, { tenantId, subjectId, batchId, seq }));
      if (!sealed) throw new DomainError("SUBJECT_NOT_FOUND", "the subject is being erased");
      return sealed;
    } finally {
      image.fill(0);
    }
  }
}

function batchActor(actor: Actor): BatchActor {
  if (actor.kind === "apiKey") return { kind: "apiKey", id: actor.apiKeyId, role: null };
  if (actor.kind === "user") return { kind: "user", id: actor.userId, role: actor.role };
  throw new DomainError("SCOPE_REQUIRED", "batches are submitted with a tenant's key or a portal user");
}

/** The submitter, as the actor its items are enrolled by (enrollment rights only). */
function actorOf(batch: EnrollmentBatch): TenantActor {
  const scopes = ["faces:enroll"] as const;
  return batch.actor.kind === "apiKey"
    ? { kind: "apiKey", tenantId: batch.tenantId, apiKeyId: batch.actor.id, scopes }
    : { kind: "user", tenantId: batch.tenantId, userId: batch.actor.id, role: batch.actor.role ?? "", scopes };
}
