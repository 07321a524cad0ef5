/**
 * Face-verification metrics over scored image pairs (LFW-style evaluation).
 * Pure, deterministic, no dependencies. Every metric sorts the pairs once: O(n log n).
 *
 * Conventions used by every function in this file:
 * - A higher score means "more likely the same person". A pair is ACCEPTED (predicted
 *   "same person") when `score >= threshold`.
 * - Genuine pair: `same === true`. Impostor pair: `same === false`.
 * - TAR (true accept rate)  = accepted genuine pairs / all genuine pairs.
 *   FAR (false accept rate) = accepted impostor pairs / all impostor pairs.
 *   FRR (false reject rate) = 1 - TAR.
 *   Accuracy = (accepted genuine + rejected impostors) / all pairs.
 *
 * Pairs with `score: null` (a face was not detected in one of the two images):
 * - Accuracy: such a pair is ALWAYS counted as wrong, whatever its label and the threshold.
 * - ROC, AUC, EER, TAR@FAR: the score is treated as `-Infinity`. So at every finite threshold
 *   the pair is rejected: a genuine null pair is a false reject (it lowers TAR), an impostor
 *   null pair is a (correct) reject. Only the end point of the ROC curve, threshold
 *   `-Infinity` = "accept everything", accepts them, which is what makes the curve reach (1, 1).
 *   For AUC two null pairs compare as a tie.
 *   Rationale: ROC metrics are defined by what the system accepts, and a system that could not
 *   find a face accepts nothing; accuracy, the headline LFW number, must not reward a failure.
 * - Every pair, null or not, stays in the denominators (all genuine / all impostors / all pairs).
 */

/** One evaluated pair of images. */
export interface ScoredPair {
  /** Similarity score (higher = more similar), or null when a face was not detected in either image. */
  score: number | null;
  /** True for a genuine pair (same person), false for an impostor pair. */
  same: boolean;
  /** Cross-validation fold this pair belongs to (LFW: 10 folds). Used only by {@link kFoldAccuracy}. */
  fold: number;
}

/** One point of the ROC curve: the result of accepting every pair with `score >= threshold`. */
export interface RocPoint {
  /** `+Infinity` for the first point (accept nothing); `-Infinity` for the null-score group. */
  threshold: number;
  /** acceptedImpostors / impostors. */
  far: number;
  /** acceptedGenuine / genuine. */
  tar: number;
  acceptedImpostors: number;
  acceptedGenuine: number;
}

/** Equal error rate: where FAR = FRR on the ROC curve, linearly interpolated between its points. */
export interface EerResult {
  /** The common value of FAR and FRR at the crossing, in [0, 1]. */
  eer: number;
  /**
   * Threshold at the crossing: linearly interpolated between the thresholds of the two ROC
   * points around it; when one of them is infinite, the finite one; NaN when both are
   * (only possible when every score is null).
   */
  threshold: number;
}

/** Result of {@link tarAtFar}. */
export interface TarAtFarResult {
  /** The requested FAR bound. */
  targetFar: number;
  /** Best TAR among thresholds whose FAR <= targetFar. */
  tar: number;
  /** FAR actually reached at `threshold` (<= targetFar). */
  far: number;
  /** Accept when score >= threshold. `+Infinity` means "accept nothing". */
  threshold: number;
  /**
   * True when targetFar < 1 / impostors: the bound cannot be resolved with this many impostor
   * pairs, so the result is the operating point with no impostor accepted.
   */
  belowResolution: boolean;
}

/** Result of {@link bestAccuracyThreshold}. */
export interface BestThresholdResult {
  /** Accept when score >= threshold; may be -Infinity (accept all) or +Infinity (reject all). */
  threshold: number;
  /** correct / total. */
  accuracy: number;
  correct: number;
  total: number;
}

/** Accuracy of one cross-validation fold, with the threshold chosen on the other folds. */
export interface FoldResult {
  fold: number;
  threshold: number;
  /** Accuracy on this fold's pairs. */
  accuracy: number;
  /** Number of pairs in this fold. */
  pairs: number;
}

/** Result of {@link kFoldAccuracy}. */
export interface KFoldResult {
  /** One entry per distinct fold value, in ascending fold order. */
  folds: FoldResult[];
  /** Mean of the per-fold accuracies. */
  mean: number;
  /** POPULATION standard deviation (divide by k, like numpy's np.std default) of the per-fold accuracies. */
  std: number;
}

/** Result of {@link trainTestAccuracy}. */
export interface TrainTestResult {
  /** Threshold chosen by {@link bestAccuracyThreshold} on the training pairs. */
  threshold: number;
  trainAccuracy: number;
  testAccuracy: number;
}

/** Pair counts reported by {@link summarize}. */
export interface PairCounts {
  pairs: number;
  genuine: number;
  impostor: number;
  /** Pairs with a null score (failure to detect a face), genuine + impostor. */
  failed: number;
  failedGenuine: number;
  failedImpostor: number;
}

/** Everything a CLI prints, from {@link summarize}. */
export interface VerificationSummary {
  protocol: "k-fold" | "train-test";
  /** Accuracy under the protocol: mean ± std over folds, or threshold from train measured on test. */
  accuracy: ({ protocol: "k-fold" } & KFoldResult) | ({ protocol: "train-test" } & TrainTestResult);
  /** TAR at each requested FAR (default 1e-2, 1e-3, 1e-4), in the requested order. */
  tarAtFar: TarAtFarResult[];
  auc: number;
  eer: EerResult;
  /** Counts over the pairs the threshold-free metrics were computed on. */
  counts: PairCounts;
  /** The ROC curve those metrics come from (see {@link rocCurve}). */
  roc: RocPoint[];
}

/** What {@link summarize} evaluates. */
export type SummaryInput =
  | { protocol: "k-fold"; pairs: readonly ScoredPair[] }
  | { protocol: "train-test"; train: readonly ScoredPair[]; test: readonly ScoredPair[] };

export interface SummaryOptions {
  /** FAR bounds for TAR@FAR; default [1e-2, 1e-3, 1e-4]. */
  fars?: readonly number[];
}

export const DEFAULT_FARS: readonly number[] = [1e-2, 1e-3, 1e-4];

// ---------------------------------------------------------------------------------------------
// Internal: validate and sort once.

interface Ranked {
  /** The score, -Infinity for a null score. */
  score: number;
  same: boolean;
  fold: number;
  failed: boolean;
}

interface Prepared {
  /** Every pair, by descending score (null scores, as -Infinity, last). */
  desc: Ranked[];
  counts: PairCounts;
}

function prepare(pairs: readonly ScoredPair[]): Prepared {
  const counts: PairCounts = { pairs: pairs.length, genuine: 0, impostor: 0, failed: 0, failedGenuine: 0, failedImpostor: 0 };
  const desc: Ranked[] = pairs.map((p, i) => {
    if (p.score !== null && !Number.isFinite(p.score)) {
      throw new RangeError(`pair ${i}: score must be a finite number or null, got ${p.score}`);
    }
    const failed = p.score === null;
    if (p.same) counts.genuine++;
    else counts.impostor++;
    if (failed) {
      counts.failed++;
      if (p.same) counts.failedGenuine++;
      else counts.failedImpostor++;
    }
    return { score: p.score ?? -Infinity, same: p.same, fold: p.fold, failed };
  });
  desc.sort((a, b) => (a.score === b.score ? 0 : a.score > b.score ? -1 : 1));
  return { desc, counts };
}

function requireBothClasses(counts: PairCounts): void {
  if (counts.genuine === 0 || counts.impostor === 0) {
    throw new RangeError(`need at least one genuine and one impostor pair (got ${counts.genuine} genuine, ${counts.impostor} impostor)`);
  }
}

function rocFromPrepared({ desc, counts }: Prepared): RocPoint[] {
  requireBothClasses(counts);
  const points: RocPoint[] = [{ threshold: Infinity, far: 0, tar: 0, acceptedImpostors: 0, acceptedGenuine: 0 }];
  let acceptedGenuine = 0;
  let acceptedImpostors = 0;
  let i = 0;
  while (i < desc.length) {
    const threshold = desc[i]!.score;
    // Every pair with this exact score is accepted together: ties form one ROC step.
    for (; i < desc.length && desc[i]!.score === threshold; i++) {
      if (desc[i]!.same) acceptedGenuine++;
      else acceptedImpostors++;
    }
    points.push({
      threshold,
      far: acceptedImpostors / counts.impostor,
      tar: acceptedGenuine / counts.genuine,
      acceptedImpostors,
      acceptedGenuine,
    });
  }
  return points;
}

function aucFromRoc(roc: readonly RocPoint[]): number {
  const last = roc[roc.length - 1]!;
  // Trapezoids in integer counts (exact), normalised once at the end.
  let twiceArea = 0;
  for (let k = 1; k < roc.length; k++) {
    const a = roc[k - 1]!;
    const b = roc[k]!;
    twiceArea += (b.acceptedImpostors - a.acceptedImpostors) * (a.acceptedGenuine + b.acceptedGenuine);
  }
  return twiceArea / 2 / (last.acceptedImpostors * last.acceptedGenuine);
}

function eerFromRoc(roc: readonly RocPoint[]): EerResult {
  // g = FAR - FRR rises strictly from -1 at (0,0) to +1 at (1,1): find its zero crossing.
  // Computed in integer counts, g * impostors * genuine, so an exact FAR = FRR is found exactly.
  const last = roc[roc.length - 1]!;
  const g = (p: RocPoint) => p.acceptedImpostors * last.acceptedGenuine - (last.acceptedGenuine - p.acceptedGenuine) * last.acceptedImpostors;
  let k = 1;
  while (k < roc.length - 1 && g(roc[k]!) < 0) k++;
  const a = roc[k - 1]!;
  const b = roc[k]!;
  const alpha = -g(a) / (g(b) - g(a)); // in (0, 1]: position of the crossing on segment a -> b
  const eer = alpha === 1 ? b.far : a.far + alpha * (b.far - a.far);
  let threshold: number;
  if (alpha === 1) threshold = b.threshold;
  else if (Number.isFinite(a.threshold) && Number.isFinite(b.threshold)) threshold = a.threshold + alpha * (b.threshold - a.threshold);
  else if (Number.isFinite(b.threshold)) threshold = b.threshold;
  else if (Number.isFinite(a.threshold)) threshold = a.threshold;
  else threshold = NaN;
  return { eer, threshold };
}

function tarAtFarFromRoc(roc: readonly RocPoint[], far: number): TarAtFarResult {
  if (!(far >= 0 && far <= 1)) throw new RangeError(`far must be in [0, 1], got ${far}`);
  const impostors = roc[roc.length - 1]!.acceptedImpostors;
  // roc[0] (accept nothing, FAR 0) always qualifies. Scanning by descending threshold, TAR never
  // decreases; a strictly larger TAR is required to move on, so among thresholds with the best
  // TAR we keep the one with the smallest FAR (the highest threshold).
  let best = roc[0]!;
  for (const p of roc) {
    if (p.far > far) break; // FAR never decreases along the curve
    if (p.tar > best.tar) best = p;
  }
  return { targetFar: far, tar: best.tar, far: best.far, threshold: best.threshold, belowResolution: far < 1 / impostors };
}

/** Midpoint of two adjacent distinct scores a < b, guaranteed to satisfy a < m <= b. */
function midpoint(a: number, b: number): number {
  const m = a / 2 + b / 2;
  return m > a ? m : b;
}

/**
 * Threshold sweep over `desc` read backwards (ascending scores), restricted to the pairs with
 * `include(p)`. Same definition as {@link bestAccuracyThreshold}.
 */
function bestThresholdFromPrepared(desc: readonly Ranked[], include: (p: Ranked) => boolean): BestThresholdResult {
  let total = 0;
  let correct = 0; // at threshold -Infinity: every non-null pair accepted, so every non-null genuine pair is right
  for (const p of desc) {
    if (!include(p)) continue;
    total++;
    if (p.same && !p.failed) correct++;
  }
  if (total === 0) throw new RangeError("no pairs to choose a threshold on");
  let best = correct;
  let bestThreshold = -Infinity;
  let i = desc.length - 1;
  // Skip null scores (-Infinity, at the end of desc): they are wrong at every threshold.
  while (i >= 0 && desc[i]!.failed) i--;
  while (i >= 0) {
    const score = desc[i]!.score;
    // Move the threshold just above `score`: that group flips from accepted to rejected.
    for (; i >= 0 && desc[i]!.score === score; i--) {
      const p = desc[i]!;
      if (!include(p)) continue;
      correct += p.same ? -1 : 1;
    }
    let next = i;
    while (next >= 0 && !include(desc[next]!)) next--;
    const threshold = next >= 0 ? midpoint(score, desc[next]!.score) : Infinity;
    if (correct > best) {
      // strictly greater: on ties the lowest threshold (found first) wins
      best = correct;
      bestThreshold = threshold;
    }
    i = next;
  }
  return { threshold: bestThreshold, accuracy: best / total, correct: best, total };
}

function isCorrect(p: ScoredPair, threshold: number): boolean {
  if (p.score === null) return false;
  return p.same ? p.score >= threshold : p.score < threshold;
}

function kFoldFromPrepared(desc: readonly Ranked[]): KFoldResult {
  for (const p of desc) {
    if (!Number.isFinite(p.fold)) throw new RangeError(`fold must be a finite number, got ${p.fold}`);
  }
  const foldIds = [...new Set(desc.map((p) => p.fold))].sort((a, b) => a - b);
  if (foldIds.length < 2) throw new RangeError(`k-fold accuracy needs at least 2 distinct folds, got ${foldIds.length}`);
  const folds = foldIds.map((fold): FoldResult => {
    const { threshold } = bestThresholdFromPrepared(desc, (p) => p.fold !== fold);
    let pairs = 0;
    let correct = 0;
    for (const p of desc) {
      if (p.fold !== fold) continue;
      pairs++;
      if (!p.failed && (p.same ? p.score >= threshold : p.score < threshold)) correct++;
    }
    return { fold, threshold, accuracy: correct / pairs, pairs };
  });
  const mean = folds.reduce((s, f) => s + f.accuracy, 0) / folds.length;
  const variance = folds.reduce((s, f) => s + (f.accuracy - mean) ** 2, 0) / folds.length; // population (÷k)
  return { folds, mean, std: Math.sqrt(variance) };
}

// ---------------------------------------------------------------------------------------------
// Public API.

/**
 * ROC curve. One point per distinct score s (ties grouped), accepting every pair with
 * `score >= s`, preceded by the point for threshold `+Infinity` (accept nothing).
 * Points are ordered by DESCENDING threshold, so FAR and TAR are non-decreasing; the first point
 * is (FAR 0, TAR 0) and the last is (1, 1) (threshold = lowest score, or `-Infinity` when some
 * scores are null). Throws unless there is at least one genuine and one impostor pair.
 */
export function rocCurve(pairs: readonly ScoredPair[]): RocPoint[] {
  return rocFromPrepared(prepare(pairs));
}

/**
 * Area under the ROC curve by the trapezoidal rule over {@link rocCurve}'s points. Because ties
 * form one diagonal step, this equals the Mann-Whitney statistic
 * P(genuine score > impostor score) + 0.5 * P(equal), null scores counting as -Infinity.
 */
export function rocAuc(pairs: readonly ScoredPair[]): number {
  return aucFromRoc(rocCurve(pairs));
}

/**
 * Equal error rate: the point where FAR = FRR (= 1 - TAR) on the ROC curve, with the curve
 * linear between consecutive {@link rocCurve} points (and the threshold interpolated the same way).
 */
export function eer(pairs: readonly ScoredPair[]): EerResult {
  return eerFromRoc(rocCurve(pairs));
}

/**
 * TAR at a FAR bound: the largest TAR over the ROC thresholds whose FAR <= `far`; among
 * thresholds reaching that TAR, the one with the smallest FAR (highest threshold). With N
 * impostor pairs, any `far` < 1/N means "no impostor accepted" (`belowResolution`).
 */
export function tarAtFar(pairs: readonly ScoredPair[], far: number): TarAtFarResult {
  return tarAtFarFromRoc(rocCurve(pairs), far);
}

/**
 * Fraction of pairs classified correctly at `threshold`: a genuine pair is right when
 * `score >= threshold`, an impostor pair when `score < threshold`, a null-score pair never.
 */
export function accuracyAt(pairs: readonly ScoredPair[], threshold: number): number {
  if (pairs.length === 0) throw new RangeError("no pairs");
  if (Number.isNaN(threshold)) throw new RangeError("threshold is NaN");
  let correct = 0;
  for (const p of pairs) if (isCorrect(p, threshold)) correct++;
  return correct / pairs.length;
}

/**
 * The threshold maximising {@link accuracyAt} on `pairs`. Candidates: `-Infinity` (accept every
 * non-null pair), the midpoint between each two adjacent distinct non-null scores, and
 * `+Infinity` (reject all). When several candidates reach the best accuracy, the lowest wins.
 */
export function bestAccuracyThreshold(pairs: readonly ScoredPair[]): BestThresholdResult {
  return bestThresholdFromPrepared(prepare(pairs).desc, () => true);
}

/**
 * LFW protocol: for each distinct `fold` value k (ascending), choose the threshold with
 * {@link bestAccuracyThreshold} on the pairs of every OTHER fold, and measure {@link accuracyAt}
 * on fold k. Returns the per-fold results, their mean and POPULATION standard deviation
 * (divide by k, as numpy's np.std in the common LFW evaluation scripts). Needs >= 2 folds.
 */
export function kFoldAccuracy(pairs: readonly ScoredPair[]): KFoldResult {
  return kFoldFromPrepared(prepare(pairs).desc);
}

/** Threshold by {@link bestAccuracyThreshold} on `train`, then {@link accuracyAt} on `train` and `test`. */
export function trainTestAccuracy(train: readonly ScoredPair[], test: readonly ScoredPair[]): TrainTestResult {
  const { threshold, accuracy } = bestAccuracyThreshold(train);
  return { threshold, trainAccuracy: accuracy, testAccuracy: accuracyAt(test, threshold) };
}

/**
 * All metrics at once, for a CLI. A plain array means `{ protocol: "k-fold", pairs }`.
 * - k-fold: accuracy by {@link kFoldAccuracy}; ROC, AUC, EER, TAR@FAR and counts over all pairs
 *   (the threshold-free metrics need no train/test split).
 * - train-test: accuracy by {@link trainTestAccuracy}; ROC, AUC, EER, TAR@FAR and counts over
 *   the TEST pairs.
 */
export function summarize(input: readonly ScoredPair[] | SummaryInput, options: SummaryOptions = {}): VerificationSummary {
  const spec: SummaryInput = isPairArray(input) ? { protocol: "k-fold", pairs: input } : input;
  const fars = options.fars ?? DEFAULT_FARS;
  let evaluated: Prepared;
  let accuracy: VerificationSummary["accuracy"];
  if (spec.protocol === "k-fold") {
    evaluated = prepare(spec.pairs);
    accuracy = { protocol: "k-fold", ...kFoldFromPrepared(evaluated.desc) };
  } else {
    evaluated = prepare(spec.test);
    const trained = bestThresholdFromPrepared(prepare(spec.train).desc, () => true);
    accuracy = {
      protocol: "train-test",
      threshold: trained.threshold,
      trainAccuracy: trained.accuracy,
      testAccuracy: accuracyAt(spec.test, trained.threshold),
    };
  }
  const roc = rocFromPrepared(evaluated);
  return {
    protocol: spec.protocol,
    accuracy,
    tarAtFar: fars.map((far) => tarAtFarFromRoc(roc, far)),
    auc: aucFromRoc(roc),
    eer: eerFromRoc(roc),
    counts: evaluated.counts,
    roc,
  };
}

function isPairArray(input: readonly ScoredPair[] | SummaryInput): input is readonly ScoredPair[] {
  return Array.isArray(input);
}
