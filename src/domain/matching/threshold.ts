/**
 * Score thresholds from measured impostor distributions. A comparison is a match when
 * its score is >= the threshold. Pure functions.
 */

/**
 * The smallest threshold (rounded up to 1e-4) at which at most `targetFmr` of the given
 * impostor scores would be accepted as matches.
 */
export function thresholdForFalseMatchRate(impostorScores: readonly number[], targetFmr: number): number {
  if (impostorScores.length === 0) throw new RangeError("no impostor scores to calibrate from");
  if (!(targetFmr > 0 && targetFmr < 1)) throw new RangeError(`target false-match rate must be in (0, 1), got ${targetFmr}`);
  const sorted = [...impostorScores].sort((a, b) => b - a);
  const allowed = Math.floor(targetFmr * sorted.length);
  if (allowed >= sorted.length) return Math.floor(sorted[sorted.length - 1]! * 1e4) / 1e4;
  // Every impostor at or below sorted[allowed] must be rejected: go just above it
  // (the epsilon keeps 0.989 * 1e4 = 9889.999… from rounding down).
  const worst = sorted[allowed]!;
  const t = (Math.floor(worst * 1e4 + 1e-6) + 1) / 1e4;
  return t > worst ? t : t + 1e-4;
}

/** Fraction of scores at or above the threshold. */
export function acceptanceRate(scores: readonly number[], threshold: number): number {
  if (scores.length === 0) return 0;
  return scores.filter((s) => s >= threshold).length / scores.length;
}
