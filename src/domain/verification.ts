/** 1:1 verification decisions. */

export interface VerificationDecision {
  /** The decision id returned to the caller and written to the audit trail. */
  id: string;
  tenantId: string;
  subjectId: string;
  purpose: string;
  modelId: string;
  score: number;
  threshold: number;
  match: boolean;
  actor: string;
  createdAt: Date;
}
