/**
 * The LFW verification protocol over a pairs file (10-fold View 2 pairs.txt, or the
 * View 1 train/test files): scores every pair with one recognizer or a score-level fusion
 * of several, and summarises accuracy, TAR@FAR, AUC and EER. A pair whose image has no
 * detected face gets a null score, which every metric counts as a wrong answer.
 */
import { cosineSimilarity } from "../math/vector.js";
import type { EmbedRecord } from "./embedding-source.js";
import { lfwImagePath, type LfwPair } from "./lfw-pairs.js";
import { summarize, type ScoredPair, type VerificationSummary } from "./verification-metrics.js";

export type RecordLookup = (path: string) => Promise<EmbedRecord>;

/** Cosine scores of one recognizer for every pair (null where a face is missing). */
export async function scorePairs(pairs: readonly LfwPair[], root: string, lookup: RecordLookup, recognizer: string): Promise<ScoredPair[]> {
  const out: ScoredPair[] = [];
  for (const p of pairs) {
    const a = await lookup(lfwImagePath(root, p.a));
    const b = await lookup(lfwImagePath(root, p.b));
    const ea = a.embeddings?.[recognizer];
    const eb = b.embeddings?.[recognizer];
    out.push({ same: p.same, fold: p.fold, score: ea && eb ? cosineSimilarity(ea, eb) : null });
  }
  return out;
}

export interface ZNorm {
  mean: number;
  std: number;
}

/** Mean and standard deviation of the impostor scores (the z-normalisation of a recognizer). */
export function impostorStats(pairs: readonly ScoredPair[]): ZNorm {
  const s = pairs.filter((p) => !p.same && p.score !== null).map((p) => p.score!);
  if (s.length < 2) throw new RangeError("need at least two scored impostor pairs");
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  const std = Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / s.length);
  return { mean, std };
}

/**
 * Score-level fusion: the mean of each recognizer's z-normalised score
 * ((s − impostor mean) / impostor std). All lists must hold the same pairs in the same order.
 */
export function fuseScores(lists: readonly ScoredPair[][], norms: readonly ZNorm[]): ScoredPair[] {
  return lists[0]!.map((p, i) => {
    const parts = lists.map((l) => l[i]!.score);
    if (parts.some((s) => s === null)) return { ...p, score: null };
    const z = parts.map((s, k) => (s! - norms[k]!.mean) / norms[k]!.std);
    return { ...p, score: z.reduce((a, b) => a + b, 0) / z.length };
  });
}

export interface LfwResult {
  label: string;
  summary: VerificationSummary;
}

/** Formats a summary as the lines the CLI prints. */
export function formatSummary(r: LfwResult): string {
  const s = r.summary;
  const pct = (x: number) => (x * 100).toFixed(2) + "%";
  const acc =
    s.accuracy.protocol === "k-fold"
      ? `accuracy ${pct(s.accuracy.mean)} ± ${pct(s.accuracy.std)} (10-fold)`
      : `accuracy ${pct(s.accuracy.testAccuracy)} (threshold ${s.accuracy.threshold.toFixed(4)} from train, train accuracy ${pct(s.accuracy.trainAccuracy)})`;
  const tar = s.tarAtFar.map((t) => `TAR@FAR=${t.targetFar.toExponential(0)} ${pct(t.tar)}${t.belowResolution ? " (below resolution)" : ""}`).join(", ");
  return [
    `${r.label}: ${acc}`,
    `  ${tar}`,
    `  ROC AUC ${s.auc.toFixed(5)}, EER ${pct(s.eer.eer)}, pairs ${s.counts.pairs} (${s.counts.genuine} genuine, ${s.counts.impostor} impostor), failures to detect ${s.counts.failed}`,
  ].join("\n");
}

export { summarize };
