/** 1:N identification decisions: who in a gallery, if anyone, the probe face belongs to. */

export interface IdentificationCandidate {
  subjectId: string;
  /** 1 = best. */
  rank: number;
  score: number;
  /** Above the threshold but below the high-risk floor: a person should confirm before acting. */
  humanReviewRequired: boolean;
}

export interface IdentificationDecision {
  id: string;
  tenantId: string;
  galleryId: string;
  purpose: string;
  modelId: string;
  threshold: number;
  reviewThreshold: number;
  candidates: IdentificationCandidate[];
  actor: string;
  createdAt: Date;
}

/** One identification as seen from a subject it returned (for data subject exports). */
export interface IdentificationInvolvement {
  identificationId: string;
  galleryId: string;
  purpose: string;
  actor: string;
  createdAt: Date;
  rank: number;
  score: number;
}

/** An identification as operators' lists show it: who asked, where, and how many candidates (never scores). */
export interface IdentificationSummary {
  id: string;
  galleryId: string;
  purpose: string;
  modelId: string;
  candidates: number;
  actor: string;
  createdAt: Date;
}

export interface IdentificationFilter {
  galleryId?: string;
  purpose?: string;
  /** With at least one candidate (true) or none (false). */
  matched?: boolean;
  from?: Date;
  to?: Date;
}
