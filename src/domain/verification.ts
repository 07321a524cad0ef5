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

/**
 * How a decision's score stood against its threshold, for operators' lists (the score
 * itself is not shown there): well above (by BAND_MARGIN or more), above, just below (within
 * BAND_MARGIN), or below.
 */
export const SCORE_BANDS = ["CLEAR_MATCH", "MATCH", "NEAR_MISS", "NO_MATCH"] as const;
export type ScoreBand = (typeof SCORE_BANDS)[number];
export const BAND_MARGIN = 0.1;

export function scoreBand(score: number, threshold: number): ScoreBand {
  if (score >= threshold + BAND_MARGIN) return "CLEAR_MATCH";
  if (score >= threshold) return "MATCH";
  return score >= threshold - BAND_MARGIN ? "NEAR_MISS" : "NO_MATCH";
}

/** The operator list's filter; every condition given must hold. */
export interface VerificationFilter {
  subjectId?: string;
  purpose?: string;
  match?: boolean;
  from?: Date;
  to?: Date;
}
