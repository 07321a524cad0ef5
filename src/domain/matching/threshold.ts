/**
 * Score thresholds from measured impostor distributions. A comparison is a match when
 * its score is >= the threshold. Pure functions.
 */
import { normalQuantile } from "../../math/normal.js";

/**
 * The smallest threshold (rounded up to 1e-4) at which at most `targetFmr` of the given
 * impostor scores would be accepted as matches.
 */
export function thresholdForFalseMatchRate(impostorScores: readonly number[], targetFmr: number): number {
  if (impostorScores.length === 0) throw new RangeError("no impostor scores to calibrate from");
  return empiricalThreshold([...impostorScores].sort((a, b) => b - a), targetFmr);
}

/** thresholdForFalseMatchRate over scores already sorted highest first. */
function empiricalThreshold(sorted: readonly number[], targetFmr: number): number {
  if (!(targetFmr > 0 && targetFmr < 1)) throw new RangeError(`target false-match rate must be in (0, 1), got ${targetFmr}`);
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

/**
 * The threshold for a target false-match rate, also below what the measured impostors can
 * resolve: empirical while the rate leaves at least `minTail` impostors above the
 * threshold, otherwise a normal fit to the impostor scores (mean + sd · z(1 − rate)),
 * never lower than the empirical threshold (so no measured impostor is ever accepted
 * below a rate the data cannot show).
 */
export function thresholdForRate(impostorScores: readonly number[], rate: number, minTail = 5): number {
  return new ImpostorScores(impostorScores).thresholdForRate(rate, minTail);
}

/**
 * A model's impostor scores prepared once (sorted, mean, spread), so that a service asking
 * for thresholds at many rates — every verification and identification — does not sort
 * them again each time. Same results as `thresholdForRate`.
 */
export class ImpostorScores {
  private readonly descending: readonly number[];
  private readonly mean: number;
  private readonly sd: number;

  constructor(scores: readonly number[]) {
    if (scores.length === 0) throw new RangeError("no impostor scores to calibrate from");
    this.descending = [...scores].sort((a, b) => b - a);
    const n = scores.length;
    this.mean = scores.reduce((a, b) => a + b, 0) / n;
    this.sd = Math.sqrt(scores.reduce((a, b) => a + (b - this.mean) ** 2, 0) / n);
  }

  thresholdForRate(rate: number, minTail = 5): number {
    if (!(rate > 0 && rate < 1)) throw new RangeError(`rate must be in (0, 1), got ${rate}`);
    const empirical = empiricalThreshold(this.descending, rate);
    if (rate * this.descending.length >= minTail) return empirical;
    const fitted = Math.ceil((this.mean + this.sd * normalQuantile(1 - rate)) * 1e4) / 1e4;
    return Math.max(fitted, empirical);
  }
}

/**
 * The per-comparison false-match rate that gives a false-positive identification rate of
 * `fpir` when a probe of someone not enrolled is compared with `gallerySize` subjects
 * (independent comparisons: FPIR = 1 − (1 − FMR)^N).
 */
export function fmrForFpir(fpir: number, gallerySize: number): number {
  if (!(fpir > 0 && fpir < 1)) throw new RangeError(`FPIR must be in (0, 1), got ${fpir}`);
  const n = Math.max(1, gallerySize);
  return -Math.expm1(Math.log1p(-fpir) / n);
}
