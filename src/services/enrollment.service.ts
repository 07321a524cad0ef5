/**
 * Enrollment: one face photo → one encrypted template in a gallery, for one purpose.
 * Order matters for privacy: scope, subject, gallery, model pin and the policy decision
 * (purpose, operation, consent) are checked before the image is processed at all; the
 * template, its audit event and nothing else are then written in one transaction (which
 * asks the policy again), so a failure at any step leaves no template and no half-written
 * rows. The template's retention date comes from the purpose's policy.
 *
 * Where the purpose's policy asks for a duplicate check, the new face is first searched in
 * the gallery (at its 1:N threshold) inside the transaction, under the gallery's row lock,
 * and added to this process's index before the commit (removed again if the transaction
 * fails): two enrollments of one face racing under two subjects cannot both pass. A match
 * with another subject is refused DUPLICATE_FACE (naming nobody) or, under `review`,
 * enrolled and flagged (audit reason DUPLICATE_SUSPECTED, `duplicateReview` in the answer).
 *
 * The face is embedded with the gallery's model. A gallery being moved to a new model
 * (migrateGallery) takes no new templates: enrollment goes to the gallery replacing it,
 * and a subject's new template there destroys, in the same transaction, its templates for
 * the same purpose in the old gallery.
 */
import type { Clock, IdGenerator } from "../domain/clock.port.js";
import { validatePurpose } from "../domain/consent.js";
import { DomainError } from "../domain/errors.js";
import { wipeCapture, type DetectedFace, type FaceEngine, type ImageSource } from "../domain/face-engine.port.js";
import type { Gallery } from "../domain/gallery.js";
import type { Repositories, Store } from "../domain/repositories.port.js";
import type { StoredTemplate, TemplateRef } from "../domain/template.js";
import type { TemplateCrypto } from "../domain/template-crypto.port.js";
import type { Actor } from "../domain/tenant.js";
import type { OperationRunner } from "./operation.js";
import type { PolicyService } from "./policy.service.js";
import type { SubjectKeys } from "./subject-key.js";
import { retainUntil } from "../domain/retention.js";
import type { MatchingIndexService, TemplateEvents } from "./matching-index.service.js";
import type { MatchThresholds } from "./match-thresholds.js";
import { findGalleryOrThrow } from "./gallery.service.js";
import { findSubjectOrThrow } from "./subject.service.js";
import { checksFor, enforceCapture, type QualityReport } from "./capture-policy.js";
import { destroyTemplates } from "./template-disposal.js";

export interface EnrollInput {
  subjectId: string;
  galleryId: string;
  purpose: string;
  image: ImageSource;
  /**
   * Runs inside the enrollment's transaction once the template is written (a batch marks
   * its item done there, so a crash leaves both or neither); throwing rolls it all back.
   */
  within?: (tx: Repositories, templateId: string) => Promise<void>;
}

export interface EnrollResult {
  templateId: string;
  /** The capture's quality verdict (a failing capture is refused with LOW_QUALITY instead). */
  quality: QualityReport;
  galleryId: string;
  modelId: string;
  face: DetectedFace;
  imageWidth: number;
  imageHeight: number;
  /** The face matched another subject in the gallery and the purpose's policy flags such enrollments for review. */
  duplicateReview: boolean;
}

/** The matching index as enrollment uses it. */
export type EnrollmentIndex = TemplateEvents & Pick<MatchingIndexService, "search" | "size">;

export class EnrollmentService {
  constructor(
    private readonly store: Store,
    private readonly ops: OperationRunner,
    private readonly policy: PolicyService,
    private readonly engine: FaceEngine,
    private readonly crypto: TemplateCrypto,
    private readonly keys: SubjectKeys,
    private readonly events: EnrollmentIndex,
    private readonly thresholds: MatchThresholds,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async enroll(actor: Actor, input: EnrollInput): Promise<EnrollResult> {
    return this.ops.use(actor, { action: "ENROLL_FACE", subjectId: input.subjectId, purpose: input.purpose, scope: "faces:enroll" }, async ({ caller, ctx }) => {
      const purpose = validatePurpose(input.purpose);
      await findSubjectOrThrow(this.store, caller.tenantId, input.subjectId);
      const named = await findGalleryOrThrow(this.store, caller.tenantId, input.galleryId);
      const gallery = (await this.store.galleries.findSuccessor(caller.tenantId, named.id)) ?? named;
      if (!this.engine.modelIds.includes(gallery.modelId)) {
        throw new DomainError("MODEL_MISMATCH", `gallery is pinned to model ${gallery.modelId}, which this server does not load (${this.engine.modelIds.join(", ")})`);
      }
      const rule = await this.policy.authorize(this.store, caller, input.subjectId, "enroll", purpose);
      // Attributes are measured at enrollment only to be stored, and stored only where the
      // purpose's policy says so and permits attribute analysis for this subject.
      const storeAttributes =
        rule.capture.storeAttributes &&
        (await this.policy.permits(this.store, caller.tenantId, caller.label, await this.policy.policyOf(this.store, caller.tenantId), input.subjectId, "attributes", purpose));

      const capture = await this.engine.capture(await input.image(), "single", checksFor(rule, "enroll", { attributes: storeAttributes }), [gallery.modelId]);
      let quality: QualityReport;
      try {
        quality = enforceCapture(rule, "enroll", capture);
      } catch (e) {
        wipeCapture(capture);
        throw e;
      }
      // A copy for the matching index, handed over only once the template is committed.
      const forIndex = capture.embedding.slice();
      const templateId = this.ids.next("tpl");

      try {
        // Sealed before the transaction (which may be re-run on a conflict); the plain
        // embedding is wiped as soon as it is sealed.
        const binding = { tenantId: caller.tenantId, subjectId: input.subjectId, templateId, modelId: capture.modelId };
        let ciphertext: Uint8Array;
        try {
          ciphertext = await this.keys.with(caller.tenantId, input.subjectId, (key) => this.crypto.seal(key, capture.embedding, binding));
        } finally {
          wipeCapture(capture);
        }
        const replaced: TemplateRef[] = [];
        const ref = { id: templateId, tenantId: caller.tenantId, subjectId: input.subjectId, galleryId: gallery.id, purpose };
        let indexedEarly = false;
        const result = await this.ops.transaction(async (tx, audit, outbox) => {
          const rule = await this.policy.authorize(tx, caller, input.subjectId, "enroll", purpose);
          let duplicateReview = false;
          if (rule.capture.duplicateCheck) {
            if (!(await tx.galleries.lock(caller.tenantId, gallery.id))) throw new DomainError("CONCURRENTLY_DELETED", "the gallery was deleted while the face was being enrolled");
            if (this.matchesAnother(gallery, purpose, forIndex, input.subjectId, rule.minMatchThreshold)) {
              if (rule.capture.duplicateCheck === "refuse") throw new DomainError("DUPLICATE_FACE", "the face matches a subject already enrolled in this gallery for this purpose");
              duplicateReview = true;
            }
            await this.events.added(ref, forIndex);
            indexedEarly = true;
          }
          const now = this.clock.now();
          const template: StoredTemplate = {
            id: templateId,
            tenantId: caller.tenantId,
            subjectId: input.subjectId,
            galleryId: gallery.id,
            purpose,
            modelId: capture.modelId,
            ciphertext,
            detectionScore: capture.face.score,
            faceWidth: capture.face.box.width,
            faceHeight: capture.face.box.height,
            createdAt: now,
            lastUsedAt: null,
            retainUntil: retainUntil(rule.retention, now, null),
            qualityScore: quality.score,
          };
          await tx.templates.create(template, storeAttributes && capture.attributes ? { ...capture.attributes } : undefined);
          await input.within?.(tx, templateId);
          outbox.index({ op: "add", tenantId: caller.tenantId, galleryId: gallery.id, templateId });
          audit.record({ ...ctx, purpose, outcome: "SUCCESS", targetId: templateId, ...(duplicateReview ? { reason: "DUPLICATE_SUSPECTED" } : {}) });
          if (gallery.migratedFromId) {
            // Moved: the subject's templates for this purpose in the replaced gallery go now.
            const old = (await tx.templates.listForSubjectInGallery(caller.tenantId, gallery.migratedFromId, input.subjectId)).filter((t) => t.purpose === purpose);
            replaced.splice(0, replaced.length, ...old);
            await destroyTemplates(tx, audit, outbox, old, caller.label, "MIGRATED");
          }
          return {
            templateId,
            quality,
            galleryId: gallery.id,
            modelId: capture.modelId,
            face: capture.face,
            imageWidth: capture.imageWidth,
            imageHeight: capture.imageHeight,
            duplicateReview,
          };
        }).catch(async (e: unknown) => {
          if (indexedEarly) await this.events.removed([ref]);
          throw e;
        });
        await this.events.added(ref, forIndex);
        if (replaced.length > 0) await this.events.removed(replaced);
        return result;
      } finally {
        forIndex.fill(0);
      }
    });
  }

  /** Whether the face matches another subject's template of the purpose in the gallery, at the threshold identification would use. */
  private matchesAnother(gallery: Gallery, purpose: string, probe: Float32Array, subjectId: string, floor: number | null): boolean {
    const size = this.events.size(gallery.id, purpose);
    if (size === 0) return false;
    const { threshold } = this.thresholds.forGallery(gallery, size, floor);
    return this.events.search(gallery.id, purpose, probe, 5, threshold).some((hit) => hit.subjectId !== subjectId);
  }
}
