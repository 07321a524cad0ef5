/** 1:1 decisions from similarity scores. Pure functions. */
import { cosineSimilarity } from "../../math/vector.js";

export interface MatchResult {
  /** Best score over the subject's templates. */
  score: number;
  match: boolean;
  /** Index of the reference that gave the best score. */
  best: number;
}

/** Compares a probe with every reference; the best score decides (match when >= threshold). */
export function verifyAgainst(probe: Float32Array, references: readonly Float32Array[], threshold: number): MatchResult {
  if (references.length === 0) throw new RangeError("no references to verify against");
  const scores = references.map((r) => cosineSimilarity(probe, r));
  const score = Math.max(...scores);
  return { score, match: score >= threshold, best: scores.indexOf(score) };
}
