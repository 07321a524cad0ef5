/**
 * Galleries: named template sets, pinned at creation to the engine's current embedding
 * model, with the error rates their thresholds are derived from (a target false-match
 * rate for 1:1, a false-positive identification rate for 1:N).
 */
import type { Clock, IdGenerator } from "../domain/clock.port.js";
import { DomainError } from "../domain/errors.js";
import type { Gallery } from "../domain/gallery.js";
import type { Repositories, Store } from "../domain/repositories.port.js";
import type { Actor } from "../domain/tenant.js";
import { requireScope } from "./access.js";
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
  ) {}

  async create(actor: Actor, name: string, rates: GalleryRates = { targetFmr: null, targetFpir: null }): Promise<Gallery> {
    const galleryId = this.ids.next("gal");
    return this.ops.use(actor, { action: "CREATE_GALLERY", scope: "galleries:write", targetId: galleryId }, async ({ caller }) => {
      const trimmed = name.trim();
      if (trimmed.length < 1 || trimmed.length > 100) throw new DomainError("INVALID_INPUT", "gallery name must be 1 to 100 characters");
      checkRates(rates);
      return this.ops.transaction(async (tx, audit) => {
        if (await tx.galleries.findByName(caller.tenantId, trimmed)) throw new DomainError("ALREADY_EXISTS", "a gallery with this name exists");
        const gallery: Gallery = { id: galleryId, tenantId: caller.tenantId, name: trimmed, modelId: this.currentModelId, ...rates, createdAt: this.clock.now() };
        await tx.galleries.create(gallery);
        audit.record({ tenantId: caller.tenantId, actor: caller.label, action: "CREATE_GALLERY", outcome: "SUCCESS", targetId: galleryId });
        return gallery;
      });
    });
  }

  async list(actor: Actor): Promise<Gallery[]> {
    const { tenantId } = requireScope(actor, "subjects:read");
    return this.store.galleries.list(tenantId);
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

  /**
   * Moving a gallery to another embedding model needs every face again: raw images are
   * not kept, so each subject with templates in it must re-enroll (with consent).
   */
  async reenrollmentPlan(actor: Actor, galleryId: string) {
    const { tenantId } = requireScope(actor, "subjects:read");
    const gallery = await findGalleryOrThrow(this.store, tenantId, galleryId);
    const templates = await this.store.templates.listForGallery(tenantId, galleryId);
    const modelChangeNeeded = gallery.modelId !== this.currentModelId;
    return {
      galleryModelId: gallery.modelId,
      serverModelId: this.currentModelId,
      modelChangeNeeded,
      rawImagesKept: false,
      subjectsToReenroll: modelChangeNeeded ? [...new Set(templates.map((t) => t.subjectId))].sort() : [],
    };
  }
}
