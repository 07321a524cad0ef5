/**
 * Enrollment: one face photo → one encrypted template in a gallery, for one purpose.
 * Order matters for privacy: scope, subject, gallery, model pin and the policy decision
 * (purpose, operation, consent) are checked before the image is processed at all; the
 * template, its audit event and nothing else are then written in one transaction (which
 * asks the policy again), so a failure at any step leaves no template and no half-written
 * rows. The template's retention date comes from the purpose's policy.
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
import type { Store } from "../domain/repositories.port.js";
import type { StoredTemplate, TemplateRef } from "../domain/template.js";
import type { TemplateCrypto } from "../domain/template-crypto.port.js";
import type { Actor } from "../domain/tenant.js";
import type { OperationRunner } from "./operation.js";
import type { PolicyService } from "./policy.service.js";
import type { SubjectKeys } from "./subject-key.js";
import { retainUntil } from "../domain/retention.js";
import type { TemplateEvents } from "./matching-index.service.js";
import { findGalleryOrThrow } from "./gallery.service.js";
import { findSubjectOrThrow } from "./subject.service.js";
import { checksFor, enforceCapture, type QualityReport } from "./capture-policy.js";
import { destroyTemplates } from "./template-disposal.js";

export interface EnrollInput {
  subjectId: string;
  galleryId: string;
  purpose: string;
  image: ImageSource;
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
}

export class EnrollmentService {
  constructor(
    private readonly store: Store,
    private readonly ops: OperationRunner,
    private readonly policy: PolicyService,
    private readonly engine: FaceEngine,
    private readonly crypto: TemplateCrypto,
    private readonly keys: SubjectKeys,
    private readonly events: TemplateEvents,
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
        const result = await this.ops.transaction(async (tx, audit, outbox) => {
          const rule = await this.policy.authorize(tx, caller, input.subjectId, "enroll", purpose);
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
          outbox.index({ op: "add", tenantId: caller.tenantId, galleryId: gallery.id, templateId });
          audit.record({ ...ctx, purpose, outcome: "SUCCESS", targetId: templateId });
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
          };
        });
        await this.events.added({ id: result.templateId, tenantId: caller.tenantId, subjectId: input.subjectId, galleryId: gallery.id, purpose }, forIndex);
        if (replaced.length > 0) await this.events.removed(replaced);
        return result;
      } finally {
        forIndex.fill(0);
      }
    });
  }
}
