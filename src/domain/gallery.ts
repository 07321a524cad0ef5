/** Galleries: named sets of templates, each pinned to one embedding model. */

export interface Gallery {
  id: string;
  tenantId: string;
  name: string;
  /** Every template in the gallery was made with this model; probes must be too. */
  modelId: string;
  createdAt: Date;
}
