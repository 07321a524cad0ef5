/**
 * Batch enrollment: many photos for many subjects in one request, enrolled one by one by
 * the job queue. The photos wait sealed under each subject's data key (so erasure shreds
 * them with the key) and each is removed as soon as its item is done; what stays is
 * per-item outcome: the template made, or the typed reason it was refused.
 */

export const BATCH_STATUSES = ["RUNNING", "COMPLETED"] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

export const BATCH_ITEM_STATUSES = ["PENDING", "ENROLLED", "FAILED"] as const;
export type BatchItemStatus = (typeof BATCH_ITEM_STATUSES)[number];

/** Most items one request may carry (their photos together are bounded by the request body limit). */
export const MAX_BATCH_ITEMS = 100;

/** Who submitted the batch: its items are enrolled in that actor's name (audited as them). */
export interface BatchActor {
  kind: "apiKey" | "user";
  id: string;
  role: string | null;
}

export interface EnrollmentBatch {
  id: string;
  tenantId: string;
  galleryId: string;
  purpose: string;
  actor: BatchActor;
  status: BatchStatus;
  total: number;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface BatchItem {
  batchId: string;
  /** Position in the request, from 0. */
  seq: number;
  tenantId: string;
  subjectId: string;
  status: BatchItemStatus;
  /** The photo sealed under the subject's data key, while the item is pending. */
  sealedImage: Uint8Array | null;
  templateId: string | null;
  errorReason: string | null;
  errorMessage: string | null;
  finishedAt: Date | null;
}

export interface BatchProgress {
  batch: EnrollmentBatch;
  pending: number;
  enrolled: number;
  failed: number;
}

/** What marks an item done: enrolled with its template, or failed with a typed reason. */
export type BatchItemOutcome =
  | { status: "ENROLLED"; templateId: string; at: Date }
  | { status: "FAILED"; errorReason: string; errorMessage: string; at: Date };
