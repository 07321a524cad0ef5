/** Face templates: an embedding, stored only encrypted, plus metadata that is safe to show. */

/** What the tenant-wide template list may be narrowed to (all given conditions hold). */
export interface TemplateFilter {
  galleryId?: string;
  subjectId?: string;
  purpose?: string;
  modelId?: string;
}

export interface TemplateMetadata {
  id: string;
  tenantId: string;
  subjectId: string;
  galleryId: string;
  purpose: string;
  modelId: string;
  detectionScore: number;
  faceWidth: number;
  faceHeight: number;
  createdAt: Date;
  /** Last successful match, if any. */
  lastUsedAt: Date | null;
  /** The retention sweep destroys the template after this time. */
  retainUntil: Date;
  /** Quality score in [0, 1] of the enrollment capture (null for templates made before the gate). */
  qualityScore: number | null;
  /** Attributes stored at enrollment, only where the purpose's policy allows it (else null). */
  attributes?: unknown;
}

/** Where a template sits, enough to destroy it and say so in the audit trail. */
export interface TemplateRef {
  id: string;
  tenantId: string;
  subjectId: string;
  purpose: string;
}

export interface StoredTemplate extends TemplateMetadata {
  /** AES-256-GCM ciphertext of the embedding under the subject's data key. */
  ciphertext: Uint8Array;
}
