/** Galleries: named sets of templates, each pinned to one embedding model. */

export interface Gallery {
  id: string;
  tenantId: string;
  name: string;
  /** Every template in the gallery was made with this model; probes must be too. */
  modelId: string;
  /** Target false-match rate for 1:1 against this gallery's templates (null: server default). */
  targetFmr: number | null;
  /** Target false-positive identification rate for 1:N in this gallery (null: server default). */
  targetFpir: number | null;
  createdAt: Date;
  /** The gallery this one replaces: it was made by migrateGallery to move that one to a new model. */
  migratedFromId: string | null;
}

/** What the operator list of galleries may be narrowed to (all given conditions hold). */
export interface GalleryFilter {
  name?: string;
  modelId?: string;
}
