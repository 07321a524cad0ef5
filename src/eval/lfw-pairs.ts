/** The LFW pairs.txt format (View 1 pairsDev*.txt and the 10-fold View 2 pairs.txt). */
import path from "node:path";

export interface LfwImageRef {
  name: string;
  index: number;
}

export interface LfwPair {
  same: boolean;
  a: LfwImageRef;
  b: LfwImageRef;
  /** 0-based fold for 10-fold files; 0 for single-set files. */
  fold: number;
}

export function parseLfwPairs(text: string): LfwPair[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  // Header: "N" (one set: N matched then N mismatched pairs) or "F N" (F folds, each N + N).
  const header = lines.shift()!.split(/\s+/).map(Number);
  const perFold = header.length === 2 ? 2 * header[1]! : lines.length;
  const pairs: LfwPair[] = [];
  for (const [i, line] of lines.entries()) {
    const f = line.split(/\s+/);
    const fold = header.length === 2 ? Math.floor(i / perFold) : 0;
    if (f.length === 3) {
      pairs.push({ same: true, a: { name: f[0]!, index: Number(f[1]) }, b: { name: f[0]!, index: Number(f[2]) }, fold });
    } else if (f.length === 4) {
      pairs.push({ same: false, a: { name: f[0]!, index: Number(f[1]) }, b: { name: f[2]!, index: Number(f[3]) }, fold });
    } else {
      throw new Error(`pairs line ${i + 2}: expected 3 or 4 fields, got ${f.length}`);
    }
  }
  return pairs;
}

/**
 * Pairs from several single-set files (e.g. View 1's pairsDevTrain + pairsDevTest) put
 * into `k` cross-validation folds: pair i of the union goes to fold i mod k, so that every
 * fold holds genuine and impostor pairs of every file.
 */
export function interleavedFolds(sets: readonly (readonly LfwPair[])[], k = 10): LfwPair[] {
  if (!(k >= 2)) throw new RangeError(`need at least 2 folds, got ${k}`);
  return sets.flat().map((p, i) => ({ ...p, fold: i % k }));
}

/** `root` is the folder holding one folder per person (e.g. lfw-dev/images). */
export function lfwImagePath(root: string, ref: LfwImageRef): string {
  return path.join(root, ref.name, `${ref.name}_${String(ref.index).padStart(4, "0")}.jpg`);
}
