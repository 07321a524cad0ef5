/** Face templates: an embedding, stored only encrypted, plus metadata that is safe to show. */

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
}

export interface StoredTemplate extends TemplateMetadata {
  /** AES-256-GCM ciphertext of the embedding under the subject's data key. */
  ciphertext: Uint8Array;
}
