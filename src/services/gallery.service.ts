/**
 * Galleries: named template sets, pinned at creation to the engine's current embedding
 * model, with the error rates their thresholds are derived from (a target false-match
 * rate for 1:1, a false-positive identification rate for 1:N).
 */
import type { Clock, IdGenerator } from "../domain/clock.port.js";
import { DomainError } from "../domain/errors.js";
import type { Gallery, GalleryFilter } from "../domain/gallery.js";
import type { Page, PageRequest } from "../domain/pagination.js";
import type { Repositories, Store } from "../domain/repositories.port.js";
import type { Actor } from "../domain/tenant.js";
import { requireScope } from "./access.js";
import { destroyTemplates } from "./template-disposal.js";
import type { TemplateEvents } from "./matching-index.service.js";
import type { OperationRunner } from "./operation.js";

export async function findGalleryOrThrow(repos: Repositories, tenantId: string, galleryId: string): Promise<Gallery> {
  const gallery = await repos.galleries.find(tenantId, galleryId);
  if (!gallery) throw new DomainError("GALLERY_NOT_FOUND", "no such gallery");
  return gallery;
}

export interface GalleryRates {
  targetFmr: number | null;
  targetFpir: number | null;
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > 100) throw new DomainError("INVALID_INPUT", "gallery name must be 1 to 100 characters");
  return trimmed;
}

function checkRates(r: GalleryRates): void {
  const problems: string[] = [];
  if (r.targetFmr !== null && !(r.targetFmr >= 1e-9 && r.targetFmr <= 0.1)) problems.push("targetFmr must be from 1e-9 to 0.1");
  if (r.targetFpir !== null && !(r.targetFpir >= 1e-6 && r.targetFpir <= 0.5)) problems.push("targetFpir must be from 1e-6 to 0.5");
  if (problems.length > 0) throw new DomainError("INVALID_INPUT", problems.join("; "));
}

export class GalleryService {
  constructor(
    private readonly store: Store,
    private readonly ops: OperationRunner,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly currentModelId: string,
    private readonly events: TemplateEvents,
  ) {}

  async create(actor: Actor, name: string, rates: GalleryRates = { targetFmr: null, targetFpir: null }): Promise<Gallery> {
    const galleryId = this.ids.next("gal");
    return this.ops.use(actor, { action: "CREATE_GALLERY", scope: "galleries:write", targetId: galleryId }, async ({ caller }) => {
      const trimmed = checkName(name);
      checkRates(rates);
      return this.ops.transaction(async (tx, audit) => {
        if (await tx.galleries.findByName(caller.tenantId, trimmed)) throw new DomainError("ALREADY_EXISTS", "a gallery with this name exists");
        const gallery: Gallery = { id: galleryId, tenantId: caller.tenantId, name: trimmed, modelId: this.currentModelId, ...rates, createdAt: this.clock.now(), migratedFromId: null };
        await tx.galleries.create(gallery);
        audit.record({ tenantId: caller.tenantId, actor: caller.label, action: "CREATE_GALLERY", outcome: "SUCCESS", targetId: galleryId });
        return gallery;
      });
    });
  }

  /** A page of the tenant's galleries, oldest first (no personal data: not audited). */
  async list(actor: Actor, filter: GalleryFilter, page: PageRequest): Promise<Page<Gallery>> {
    const { tenantId } = requireScope(actor, "subjects:read");
    return this.store.galleries.listPage(tenantId, filter, page);
  }

  async get(actor: Actor, galleryId: string): Promise<Gallery> {
    const { tenantId } = requireScope(actor, "subjects:read");
    return findGalleryOrThrow(this.store, tenantId, galleryId);
  }

  /** Sets the gallery's target error rates; thresholds follow at the next verification or identification. */
  async configure(actor: Actor, galleryId: string, rates: GalleryRates): Promise<Gallery> {
    return this.ops.use(actor, { action: "CONFIGURE_GALLERY", targetId: galleryId, scope: "galleries:write" }, async ({ caller, ctx }) => {
      checkRates(rates);
      return this.ops.transaction(async (tx, audit) => {
        const gallery = await findGalleryOrThrow(tx, caller.tenantId, galleryId);
        await tx.galleries.setRates(caller.tenantId, galleryId, rates.targetFmr, rates.targetFpir);
        audit.record({ ...ctx, outcome: "SUCCESS", reason: `fmr=${rates.targetFmr ?? "default"} fpir=${rates.targetFpir ?? "default"}` });
        return { ...gallery, ...rates };
      });
    });
  }

  async rename(actor: Actor, galleryId: string, name: string): Promise<Gallery> {
    return this.ops.use(actor, { action: "RENAME_GALLERY", targetId: galleryId, scope: "galleries:write" }, async ({ caller, ctx }) => {
      const trimmed = checkName(name);
      return this.ops.transaction(async (tx, audit) => {
        const gallery = await findGalleryOrThrow(tx, caller.tenantId, galleryId);
        const clash = await tx.galleries.findByName(caller.tenantId, trimmed);
        if (clash && clash.id !== galleryId) throw new DomainError("ALREADY_EXISTS", "a gallery with this name exists");
        await tx.galleries.rename(caller.tenantId, galleryId, trimmed);
        audit.record({ ...ctx, outcome: "SUCCESS" });
        return { ...gallery, name: trimmed };
      });
    });
  }

  /**
   * Deletes a gallery and destroys its templates (each audited DESTROY_TEMPLATE with reason
   * GALLERY_DELETED), unless a subject in it is under legal hold or restriction of
   * processing (nothing is deleted then), or the gallery is being moved to a new model.
   */
  async delete(actor: Actor, galleryId: string): Promise<{ destroyedTemplates: number }> {
    const refs = await this.ops.use(actor, { action: "DELETE_GALLERY", targetId: galleryId, scope: "galleries:write" }, ({ caller, ctx }) =>
      this.ops.transaction(async (tx, audit, outbox) => {
        // Locked first: concurrent deletions (and enrollments into it) wait, then find it gone.
        if (!(await tx.galleries.lock(caller.tenantId, galleryId))) throw new DomainError("GALLERY_NOT_FOUND", "no such gallery");
        if (await tx.galleries.findSuccessor(caller.tenantId, galleryId)) throw new DomainError("MIGRATION_IN_PROGRESS", "the gallery is being moved to a new model; delete it once the move is done");
        const refs = await tx.templates.refsInGallery(caller.tenantId, galleryId);
        const held = refs.find((r) => r.held !== null);
        if (held?.held) throw new DomainError(held.held, `a subject in the gallery is under ${held.held === "LEGAL_HOLD" ? "legal hold" : "restriction of processing"}; nothing was deleted`);
        const destroyedTemplates = await destroyTemplates(tx, audit, outbox, refs, caller.label, "GALLERY_DELETED");
        await tx.galleries.delete(caller.tenantId, galleryId);
        audit.record({ ...ctx, outcome: "SUCCESS", reason: `${destroyedTemplates} templates` });
        return refs;
      }),
    );
    await this.events.removed(refs);
    return { destroyedTemplates: refs.length };
  }

  /** Deletes one template (audited DESTROY_TEMPLATE, reason DELETED); refused while its subject is held. */
  async deleteTemplate(actor: Actor, templateId: string): Promise<{ templateId: string; subjectId: string }> {
    const template = await this.ops.use(actor, { action: "DELETE_TEMPLATE", targetId: templateId, scope: "subjects:write" }, ({ caller }) =>
      this.ops.transaction(async (tx, audit, outbox) => {
        const template = await tx.templates.findById(caller.tenantId, templateId);
        if (!template) throw new DomainError("TEMPLATE_NOT_FOUND", "no such template");
        const subject = await tx.subjects.find(caller.tenantId, template.subjectId);
        if (subject?.legalHoldSince) throw new DomainError("LEGAL_HOLD", "the subject is under legal hold; its templates are kept");
        if (subject?.restrictedSince) throw new DomainError("PROCESSING_RESTRICTED", "the subject's processing is restricted; its templates are kept");
        // A concurrent deletion may have won since the read: then this one found nothing.
        if ((await destroyTemplates(tx, audit, outbox, [template], caller.label, "DELETED")) === 0) throw new DomainError("TEMPLATE_NOT_FOUND", "no such template");
        return template;
      }),
    );
    await this.events.removed([template]);
    return { templateId, subjectId: template.subjectId };
  }

  /**
   * Starts moving a gallery to the server's current embedding model: a new gallery on that
   * model (same error rates) replaces it. Raw images are not kept, so templates cannot be
   * re-embedded: subjects move as they re-enroll (enrollment into either gallery goes to
   * the new one, and a subject's new template there destroys its templates for the same
   * purpose in the old one). Until the old gallery is empty, identification searches both
   * and verification uses whichever model the subject's templates have.
   */
  async migrate(actor: Actor, galleryId: string, name?: string | null): Promise<Gallery> {
    const newId = this.ids.next("gal");
    return this.ops.use(actor, { action: "MIGRATE_GALLERY", scope: "galleries:write", targetId: galleryId }, async ({ caller, ctx }) => {
      return this.ops.transaction(async (tx, audit) => {
        const old = await findGalleryOrThrow(tx, caller.tenantId, galleryId);
        if (old.modelId === this.currentModelId) throw new DomainError("INVALID_INPUT", `the gallery is already on the server's model ${this.currentModelId}`);
        const successor = await tx.galleries.findSuccessor(caller.tenantId, old.id);
        if (successor) throw new DomainError("MIGRATION_IN_PROGRESS", `the gallery is already being moved, to gallery ${successor.id}`, { galleryId: successor.id });
        if (old.migratedFromId && (await tx.templates.subjectsInGallery(caller.tenantId, old.migratedFromId)).length > 0) {
          throw new DomainError("MIGRATION_IN_PROGRESS", `the move from gallery ${old.migratedFromId} into this one is not finished`, { galleryId: old.migratedFromId });
        }
        const trimmed = (name ?? `${old.name} (${this.currentModelId})`).trim().slice(0, 100);
        if (trimmed.length < 1) throw new DomainError("INVALID_INPUT", "gallery name must be 1 to 100 characters");
        if (await tx.galleries.findByName(caller.tenantId, trimmed)) throw new DomainError("ALREADY_EXISTS", "a gallery with this name exists");
        const gallery: Gallery = {
          id: newId,
          tenantId: caller.tenantId,
          name: trimmed,
          modelId: this.currentModelId,
          targetFmr: old.targetFmr,
          targetFpir: old.targetFpir,
          createdAt: this.clock.now(),
          migratedFromId: old.id,
        };
        await tx.galleries.create(gallery);
        audit.record({ ...ctx, outcome: "SUCCESS", reason: `to=${newId} model=${this.currentModelId}` });
        return gallery;
      });
    });
  }

  /** The gallery made to replace this one, if a move was started. */
  async successorOf(actor: Actor, galleryId: string): Promise<Gallery | null> {
    const { tenantId } = requireScope(actor, "subjects:read");
    return this.store.galleries.findSuccessor(tenantId, galleryId);
  }

  /**
   * What moving a gallery to the server's current model takes, or how far a move has got:
   * raw images are not kept, so each subject with templates in the old gallery must
   * re-enroll (with consent); those already in the new gallery have moved.
   */
  async reenrollmentPlan(actor: Actor, galleryId: string): Promise<ReenrollmentPlan> {
    const { tenantId } = requireScope(actor, "subjects:read");
    const gallery = await findGalleryOrThrow(this.store, tenantId, galleryId);
    const successor = await this.store.galleries.findSuccessor(tenantId, gallery.id);
    const from = successor ? gallery : gallery.migratedFromId ? await findGalleryOrThrow(this.store, tenantId, gallery.migratedFromId) : null;
    const to = successor ?? (from ? gallery : null);
    const remaining = await this.store.templates.subjectsInGallery(tenantId, (from ?? gallery).id);
    const modelChangeNeeded = from ? remaining.length > 0 : gallery.modelId !== this.currentModelId;
    return {
      galleryModelId: gallery.modelId,
      serverModelId: this.currentModelId,
      modelChangeNeeded,
      rawImagesKept: false,
      migratingFromGalleryId: from?.id ?? null,
      migratingToGalleryId: to?.id ?? null,
      subjectsToReenroll: modelChangeNeeded ? remaining : [],
      subjectsMoved: to ? await this.store.templates.subjectsInGallery(tenantId, to.id) : [],
    };
  }
}

export interface ReenrollmentPlan {
  galleryModelId: string;
  serverModelId: string;
  /** Templates remain on another model than the server's: in this gallery, or in the one a move started from. */
  modelChangeNeeded: boolean;
  rawImagesKept: boolean;
  /** The gallery being moved (this one or the one this one replaces), when a move was started. */
  migratingFromGalleryId: string | null;
  migratingToGalleryId: string | null;
  /** Subjects with templates still in the old gallery (or in this one when no move was started). */
  subjectsToReenroll: string[];
  /** Subjects with templates in the new gallery. */
  subjectsMoved: string[];
}
