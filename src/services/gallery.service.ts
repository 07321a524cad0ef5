/** Galleries: named template sets, pinned at creation to the engine's current embedding model. */
import type { Clock, IdGenerator } from "../domain/clock.port.js";
import { DomainError } from "../domain/errors.js";
import type { Gallery } from "../domain/gallery.js";
import type { Repositories, Store } from "../domain/repositories.port.js";
import type { Actor } from "../domain/tenant.js";
import { callerOf, requireScope } from "./access.js";
import type { AuditService } from "./audit.service.js";

export async function findGalleryOrThrow(repos: Repositories, tenantId: string, galleryId: string): Promise<Gallery> {
  const gallery = await repos.galleries.find(tenantId, galleryId);
  if (!gallery) throw new DomainError("GALLERY_NOT_FOUND", "no such gallery");
  return gallery;
}

export class GalleryService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly currentModelId: string,
  ) {}

  async create(actor: Actor, name: string): Promise<Gallery> {
    const caller = callerOf(actor);
    const galleryId = this.ids.next("gal");
    return this.audit.failuresOf({ tenantId: caller.tenantId, actor: caller.label, action: "CREATE_GALLERY", targetId: galleryId }, async () => {
      requireScope(actor, "galleries:write");
      const trimmed = name.trim();
      if (trimmed.length < 1 || trimmed.length > 100) throw new DomainError("INVALID_INPUT", "gallery name must be 1 to 100 characters");
      return this.store.transaction(async (tx) => {
        if (await tx.galleries.findByName(caller.tenantId, trimmed)) throw new DomainError("ALREADY_EXISTS", "a gallery with this name exists");
        const gallery: Gallery = { id: galleryId, tenantId: caller.tenantId, name: trimmed, modelId: this.currentModelId, createdAt: this.clock.now() };
        await tx.galleries.create(gallery);
        await this.audit.append(tx, { tenantId: caller.tenantId, actor: caller.label, action: "CREATE_GALLERY", outcome: "SUCCESS", targetId: galleryId });
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
}
