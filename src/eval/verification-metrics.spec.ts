import { describe, expect, it } from "vitest";
import {
  accuracyAt,
  bestAccuracyThreshold,
  eer,
  kFoldAccuracy,
  rocAuc,
  rocCurve,
  summarize,
  tarAtFar,
  trainTestAccuracy,
  type ScoredPair,
} from "./verification-metrics.js";

// ---------------------------------------------------------------------------------------------
// Helpers

const gen = (score: number | null, fold = 0): ScoredPair => ({ score, same: true, fold });
const imp = (score: number | null, fold = 0): ScoredPair => ({ score, same: false, fold });

/** Seeded PRNG (mulberry32): deterministic random numbers in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Random pairs: genuine scores centred higher than impostor ones, overlapping. `quantize` rounds
 * scores to a grid (many ties); about 5% of the scores are null.
 */
function randomPairs(seed: number, n: number, quantize: boolean): ScoredPair[] {
  const rnd = mulberry32(seed);
  const out: ScoredPair[] = [];
  for (let i = 0; i < n; i++) {
    const same = rnd() < 0.5;
    let score: number | null = (same ? 0.35 : 0) + rnd() * 0.65;
    if (quantize) score = Math.round(score * 40) / 40;
    if (rnd() < 0.05) score = null;
    out.push({ score, same, fold: i % 10 });
  }
  return out;
}

// Brute-force references, written independently of the implementation (O(n^2), no sorting tricks).
const eff = (p: ScoredPair) => p.score ?? -Infinity;

function bruteAuc(pairs: ScoredPair[]): number {
  const g = pairs.filter((p) => p.same).map(eff);
  const i = pairs.filter((p) => !p.same).map(eff);
  let wins = 0;
  for (const a of g) for (const b of i) wins += a > b ? 1 : a === b ? 0.5 : 0;
  return wins / (g.length * i.length);
}

/** FAR / TAR when accepting score >= t, counted directly. */
function bruteRates(pairs: ScoredPair[], t: number): { far: number; tar: number } {
  const g = pairs.filter((p) => p.same);
  const i = pairs.filter((p) => !p.same);
  return {
    far: i.filter((p) => eff(p) >= t).length / i.length,
    tar: g.filter((p) => eff(p) >= t).length / g.length,
  };
}

function bruteRoc(pairs: ScoredPair[]): { threshold: number; far: number; tar: number }[] {
  const thresholds = [Infinity, ...[...new Set(pairs.map(eff))].sort((a, b) => b - a)];
  return thresholds.map((t) => ({ threshold: t, ...bruteRates(pairs, t) }));
}

function bruteAccuracy(pairs: ScoredPair[], t: number): number {
  let correct = 0;
  for (const p of pairs) {
    if (p.score === null) continue;
    if ((p.same && p.score >= t) || (!p.same && p.score < t)) correct++;
  }
  return correct / pairs.length;
}

/** Every candidate threshold tried one by one; the lowest of the best wins. */
function bruteBestThreshold(pairs: ScoredPair[]): { threshold: number; accuracy: number } {
  const s = [...new Set(pairs.filter((p) => p.score !== null).map((p) => p.score as number))].sort((a, b) => a - b);
  const candidates = [-Infinity];
  for (let k = 0; k + 1 < s.length; k++) candidates.push((s[k]! + s[k + 1]!) / 2);
  candidates.push(Infinity);
  let best = { threshold: NaN, accuracy: -1 };
  for (const t of candidates) {
    const accuracy = bruteAccuracy(pairs, t);
    if (accuracy > best.accuracy) best = { threshold: t, accuracy };
  }
  return best;
}

/** EER as the intersection of the polyline through the ROC points with the line FAR + TAR = 1. */
function bruteEer(pairs: ScoredPair[]): number {
  const roc = bruteRoc(pairs);
  for (let k = 1; k < roc.length; k++) {
    const a = roc[k - 1]!;
    const b = roc[k]!;
    const denom = b.far - a.far + (b.tar - a.tar);
    const u = (1 - a.far - a.tar) / denom;
    if (u >= 0 && u <= 1) return a.far + u * (b.far - a.far);
  }
  throw new Error("no crossing");
}

function bruteTarAtFar(pairs: ScoredPair[], far: number): { tar: number; far: number; threshold: number } {
  let best = { tar: -1, far: Infinity, threshold: NaN };
  for (const r of bruteRoc(pairs)) {
    if (r.far > far) continue;
    if (r.tar > best.tar || (r.tar === best.tar && r.far < best.far)) best = r;
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// A small example worked by hand.
//   genuine:  0.9 0.8 0.7 0.4      impostor: 0.6 0.5 0.3 0.1
// Mann-Whitney: 0.9, 0.8 and 0.7 beat all 4 impostors, 0.4 beats 0.3 and 0.1 -> 14/16 = 0.875.
// ROC (threshold: FAR, TAR): +Inf: 0,0 | .9: 0,.25 | .8: 0,.5 | .7: 0,.75 | .6: .25,.75 |
//   .5: .5,.75 | .4: .5,1 | .3: .75,1 | .1: 1,1.
// EER: at t = 0.6, FAR = 1/4 (0.6 accepted) and FRR = 1/4 (0.4 rejected) -> 0.25.
// Accuracy sweep (ascending): -Inf 4/8, .2 5/8, .35 6/8, .45 5/8, .55 6/8, .65 7/8, .75 6/8,
//   .85 5/8, +Inf 4/8 -> best 0.875 at 0.65.
const hand: ScoredPair[] = [gen(0.9), gen(0.8), gen(0.7), gen(0.4), imp(0.6), imp(0.5), imp(0.3), imp(0.1)];

describe("hand-computed example (4 genuine + 4 impostor)", () => {
  it("ROC curve: one point per distinct score, from (0,0) to (1,1), by descending threshold", () => {
    const roc = rocCurve(hand);
    expect(roc.map((p) => [p.threshold, p.far, p.tar])).toEqual([
      [Infinity, 0, 0],
      [0.9, 0, 0.25],
      [0.8, 0, 0.5],
      [0.7, 0, 0.75],
      [0.6, 0.25, 0.75],
      [0.5, 0.5, 0.75],
      [0.4, 0.5, 1],
      [0.3, 0.75, 1],
      [0.1, 1, 1],
    ]);
    expect(roc[4]).toMatchObject({ acceptedImpostors: 1, acceptedGenuine: 3 });
  });

  it("AUC = 14/16", () => {
    expect(rocAuc(hand)).toBe(0.875);
  });

  it("EER = 0.25 at threshold 0.6", () => {
    expect(eer(hand)).toEqual({ eer: 0.25, threshold: 0.6 });
  });

  it("best accuracy 7/8 at the midpoint 0.65", () => {
    const best = bestAccuracyThreshold(hand);
    expect(best.accuracy).toBe(0.875);
    expect(best.correct).toBe(7);
    expect(best.total).toBe(8);
    expect(best.threshold).toBeCloseTo(0.65, 12);
  });

  it("accuracyAt counts score >= threshold as accepted", () => {
    expect(accuracyAt(hand, 0.65)).toBe(0.875);
    expect(accuracyAt(hand, 0.6)).toBe(0.75); // impostor 0.6 is accepted at exactly 0.6
    expect(accuracyAt(hand, 0.4)).toBe(0.75); // all genuine accepted, impostors 0.6, 0.5 too
    expect(accuracyAt(hand, 0.41)).toBe(0.625); // genuine 0.4 now rejected
    expect(accuracyAt(hand, -Infinity)).toBe(0.5);
    expect(accuracyAt(hand, Infinity)).toBe(0.5);
  });

  it("TAR@FAR: largest TAR with FAR <= bound, lowest FAR among equal TARs", () => {
    expect(tarAtFar(hand, 0)).toEqual({ targetFar: 0, tar: 0.75, far: 0, threshold: 0.7, belowResolution: true });
    // FAR 0.25 allows t = 0.6 (TAR .75, FAR .25) but t = 0.7 reaches the same TAR at FAR 0.
    expect(tarAtFar(hand, 0.25)).toEqual({ targetFar: 0.25, tar: 0.75, far: 0, threshold: 0.7, belowResolution: false });
    expect(tarAtFar(hand, 0.5)).toEqual({ targetFar: 0.5, tar: 1, far: 0.5, threshold: 0.4, belowResolution: false });
    expect(tarAtFar(hand, 1)).toMatchObject({ tar: 1, far: 0.5, threshold: 0.4 });
  });

  it("TAR@FAR below 1/N impostors means no impostor accepted", () => {
    // 1/4 impostors: a bound of 0.1 cannot be resolved, the answer is the FAR-0 point.
    expect(tarAtFar(hand, 0.1)).toEqual({ targetFar: 0.1, tar: 0.75, far: 0, threshold: 0.7, belowResolution: true });
    // If the top score is an impostor, no genuine pair can be accepted without an impostor.
    const worst = [imp(0.99), ...hand];
    expect(tarAtFar(worst, 1e-4)).toMatchObject({ tar: 0, far: 0, threshold: Infinity, belowResolution: true });
  });
});

describe("ties", () => {
  // genuine 0.5 0.5 0.8, impostor 0.5 0.2: the tied 0.5s form a single diagonal ROC step.
  const tied = [gen(0.5), gen(0.5), gen(0.8), imp(0.5), imp(0.2)];

  it("groups equal scores into one ROC point", () => {
    expect(rocCurve(tied).map((p) => [p.threshold, p.acceptedImpostors, p.acceptedGenuine])).toEqual([
      [Infinity, 0, 0],
      [0.8, 0, 1],
      [0.5, 1, 3],
      [0.2, 2, 3],
    ]);
  });

  it("AUC gives half credit to ties (Mann-Whitney)", () => {
    // 0.8 beats both (2); each 0.5 beats 0.2 (1) and ties 0.5 (0.5): 2 + 1.5 + 1.5 = 5 of 6.
    expect(rocAuc(tied)).toBeCloseTo(5 / 6, 15);
  });

  it("AUC is 0.5 when every score is equal", () => {
    expect(rocAuc([gen(0.3), gen(0.3), imp(0.3)])).toBe(0.5);
  });

  it("best threshold: several thresholds reach the best accuracy -> the lowest one", () => {
    // asc: .1 I, .5 G, .7 I, .9 G. Accuracy: -Inf 2/4, .3 3/4, .6 2/4, .8 3/4, +Inf 2/4.
    const pairs = [gen(0.9), gen(0.5), imp(0.7), imp(0.1)];
    const best = bestAccuracyThreshold(pairs);
    expect(best.accuracy).toBe(0.75);
    expect(best.threshold).toBeCloseTo(0.3, 12);
  });

  it("best threshold may be -Infinity (accept all) or +Infinity (reject all)", () => {
    expect(bestAccuracyThreshold([gen(0.2), gen(0.1)]).threshold).toBe(-Infinity);
    expect(bestAccuracyThreshold([imp(0.2), imp(0.1)])).toMatchObject({ threshold: Infinity, accuracy: 1 });
  });

  it("midpoint of adjacent floating-point numbers still separates them", () => {
    const a = 1;
    const b = 1 + Number.EPSILON;
    const best = bestAccuracyThreshold([imp(a), gen(b)]);
    expect(best.accuracy).toBe(1);
    expect(best.threshold).toBeGreaterThan(a);
    expect(best.threshold).toBeLessThanOrEqual(b);
  });
});

describe("null scores (face not detected)", () => {
  const withGenuineNull = [...hand, gen(null)];
  const withImpostorNull = [...hand, imp(null)];

  it("accuracy: a null pair is always wrong, genuine or impostor, at any threshold", () => {
    expect(accuracyAt([imp(null)], 0.5)).toBe(0);
    expect(accuracyAt([imp(null)], Infinity)).toBe(0);
    expect(accuracyAt([gen(null)], -Infinity)).toBe(0);
    expect(accuracyAt(withImpostorNull, 0.65)).toBeCloseTo(7 / 9, 15);
    expect(accuracyAt(withGenuineNull, 0.65)).toBeCloseTo(7 / 9, 15);
    expect(bestAccuracyThreshold(withImpostorNull)).toMatchObject({ correct: 7, total: 9 });
    expect(bestAccuracyThreshold([imp(null), imp(null)])).toMatchObject({ accuracy: 0 });
  });

  it("ROC: a genuine null is never accepted at a finite threshold (TAR stays below 1)", () => {
    const roc = rocCurve(withGenuineNull);
    const finite = roc.filter((p) => Number.isFinite(p.threshold));
    expect(Math.max(...finite.map((p) => p.tar))).toBe(4 / 5);
    expect(roc[roc.length - 1]).toEqual({ threshold: -Infinity, far: 1, tar: 1, acceptedImpostors: 4, acceptedGenuine: 5 });
    // It lowers TAR@FAR: 3 of 5 genuine at FAR 0.
    expect(tarAtFar(withGenuineNull, 0).tar).toBe(0.6);
  });

  it("ROC: an impostor null is never accepted at a finite threshold (FAR stays below 1)", () => {
    const roc = rocCurve(withImpostorNull);
    const finite = roc.filter((p) => Number.isFinite(p.threshold));
    expect(Math.max(...finite.map((p) => p.far))).toBe(4 / 5);
    expect(tarAtFar(withImpostorNull, 0.5)).toMatchObject({ tar: 1, far: 0.4, threshold: 0.4 });
  });

  it("AUC treats null as -Infinity (null vs null is a tie)", () => {
    // genuine null loses to all 4 impostors: 14 of 20.
    expect(rocAuc(withGenuineNull)).toBeCloseTo(14 / 20, 15);
    // impostor null loses to all 4 genuine: 18 of 20.
    expect(rocAuc(withImpostorNull)).toBeCloseTo(18 / 20, 15);
    // one null of each: 14 + 4 (genuine vs null impostor) + 0.5 (null vs null) = 18.5 of 25.
    expect(rocAuc([...hand, gen(null), imp(null)])).toBeCloseTo(18.5 / 25, 15);
  });

  it("EER counts genuine nulls as false rejects", () => {
    // FRR can never drop below 1/5 at a finite threshold. At t = 0.6: FAR 1/4, FRR 2/5; at 0.7:
    // FAR 0, FRR 2/5; at 0.5: FAR 2/4, FRR 2/5 -> crossing between t=0.6 and t=0.5 at FAR = FRR = 0.4.
    const r = eer(withGenuineNull);
    expect(r.eer).toBeCloseTo(0.4, 12);
    expect(r.threshold).toBeCloseTo(0.6 + 0.6 * (0.5 - 0.6), 12);
  });

  it("EER threshold: interpolated normally, NaN only when every score is null", () => {
    expect(eer([gen(null), imp(null)])).toEqual({ eer: 0.5, threshold: NaN });
  });
});

describe("input validation", () => {
  it("rejects NaN and infinite scores", () => {
    expect(() => rocCurve([gen(NaN), imp(0)])).toThrow(RangeError);
    expect(() => rocAuc([gen(Infinity), imp(0)])).toThrow(RangeError);
    expect(() => bestAccuracyThreshold([gen(-Infinity)])).toThrow(RangeError);
  });
  it("ROC metrics need both classes; accuracy needs pairs", () => {
    expect(() => rocCurve([gen(0.5)])).toThrow(/genuine and one impostor/);
    expect(() => eer([imp(0.5)])).toThrow(RangeError);
    expect(() => accuracyAt([], 0)).toThrow(RangeError);
    expect(() => bestAccuracyThreshold([])).toThrow(RangeError);
  });
  it("TAR@FAR bound must be in [0, 1]", () => {
    expect(() => tarAtFar(hand, -0.1)).toThrow(RangeError);
    expect(() => tarAtFar(hand, NaN)).toThrow(RangeError);
  });
  it("k-fold needs at least two folds", () => {
    expect(() => kFoldAccuracy(hand)).toThrow(/2 distinct folds/);
  });
});

describe("k-fold accuracy (LFW protocol)", () => {
  // Ten folds, fold ids 1..10. Nine "clean" folds: genuine .6 .7 .8, impostor .2 .3 .4.
  // Fold 7 has a genuine pair at 0.45 instead of 0.6.
  // - Held-out fold 7: the other nine folds are clean -> threshold midpoint(.4, .6) = 0.5, which
  //   rejects the 0.45 genuine pair: fold 7 accuracy 5/6.
  // - Any other held-out fold: training includes fold 7 -> threshold midpoint(.4, .45) = 0.425,
  //   perfect on the clean test fold.
  // Mean = (9 + 5/6)/10; population std: deviations 9 x (1/60)^2 + (9/60)^2 = 0.025, /10 -> 0.05.
  // (The sample std, dividing by 9, would be 0.0527.)
  const folds: ScoredPair[] = [];
  for (let f = 1; f <= 10; f++) {
    folds.push(gen(f === 7 ? 0.45 : 0.6, f), gen(0.7, f), gen(0.8, f), imp(0.2, f), imp(0.3, f), imp(0.4, f));
  }

  it("chooses each fold's threshold on the other folds; one fold's threshold differs", () => {
    const r = kFoldAccuracy(folds);
    expect(r.folds.map((f) => f.fold)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    r.folds.forEach((f) => {
      expect(f.pairs).toBe(6);
      if (f.fold === 7) {
        expect(f.threshold).toBeCloseTo(0.5, 12);
        expect(f.accuracy).toBeCloseTo(5 / 6, 15);
      } else {
        expect(f.threshold).toBeCloseTo(0.425, 12);
        expect(f.accuracy).toBe(1);
      }
    });
  });

  it("reports the mean and the POPULATION standard deviation", () => {
    const r = kFoldAccuracy(folds);
    expect(r.mean).toBeCloseTo((9 + 5 / 6) / 10, 12);
    expect(r.std).toBeCloseTo(0.05, 12);
  });

  it("order of the input does not matter", () => {
    const shuffled = [...folds].reverse();
    expect(kFoldAccuracy(shuffled)).toEqual(kFoldAccuracy(folds));
  });
});

describe("train / test", () => {
  it("chooses the threshold on train and measures on test", () => {
    const test = [gen(0.66), gen(0.64), imp(0.5), imp(0.7)];
    const r = trainTestAccuracy(hand, test);
    expect(r.threshold).toBeCloseTo(0.65, 12);
    expect(r.trainAccuracy).toBe(0.875);
    // 0.66 accepted (right), 0.64 rejected (wrong), 0.5 rejected (right), 0.7 accepted (wrong).
    expect(r.testAccuracy).toBe(0.5);
  });
});

describe("summarize", () => {
  it("k-fold: accuracy over folds, threshold-free metrics and counts over all pairs", () => {
    const pairs = randomPairs(7, 400, true);
    const s = summarize(pairs);
    expect(s.protocol).toBe("k-fold");
    expect(s.accuracy.protocol).toBe("k-fold");
    expect(s.accuracy).toEqual({ protocol: "k-fold", ...kFoldAccuracy(pairs) });
    expect(s.auc).toBe(rocAuc(pairs));
    expect(s.eer).toEqual(eer(pairs));
    expect(s.roc).toEqual(rocCurve(pairs));
    expect(s.tarAtFar.map((t) => t.targetFar)).toEqual([1e-2, 1e-3, 1e-4]);
    expect(s.tarAtFar).toEqual([tarAtFar(pairs, 1e-2), tarAtFar(pairs, 1e-3), tarAtFar(pairs, 1e-4)]);
    const genuine = pairs.filter((p) => p.same).length;
    const failedGenuine = pairs.filter((p) => p.same && p.score === null).length;
    const failedImpostor = pairs.filter((p) => !p.same && p.score === null).length;
    expect(failedGenuine).toBeGreaterThan(0);
    expect(failedImpostor).toBeGreaterThan(0);
    expect(s.counts).toEqual({
      pairs: 400,
      genuine,
      impostor: 400 - genuine,
      failed: failedGenuine + failedImpostor,
      failedGenuine,
      failedImpostor,
    });
    expect(summarize({ protocol: "k-fold", pairs })).toEqual(s);
  });

  it("train-test: accuracy from trainTestAccuracy, the rest over the test pairs", () => {
    const train = randomPairs(1, 200, false);
    const test = randomPairs(2, 150, false);
    const s = summarize({ protocol: "train-test", train, test }, { fars: [0.1, 0.05] });
    expect(s.protocol).toBe("train-test");
    expect(s.accuracy).toEqual({ protocol: "train-test", ...trainTestAccuracy(train, test) });
    expect(s.auc).toBe(rocAuc(test));
    expect(s.eer).toEqual(eer(test));
    expect(s.tarAtFar).toEqual([tarAtFar(test, 0.1), tarAtFar(test, 0.05)]);
    expect(s.counts.pairs).toBe(150);
  });
});

describe("agrees with brute-force references on random pairs (seeded)", () => {
  const cases = [1, 2, 3].flatMap((seed) => [
    { name: `seed ${seed}, ties`, pairs: randomPairs(seed, 300, true) },
    { name: `seed ${seed}, continuous`, pairs: randomPairs(seed + 100, 300, false) },
  ]);

  for (const { name, pairs } of cases) {
    describe(name, () => {
      it("AUC = O(n^2) Mann-Whitney count", () => {
        expect(rocAuc(pairs)).toBeCloseTo(bruteAuc(pairs), 12);
      });

      it("ROC = FAR/TAR counted directly at every distinct score", () => {
        const roc = rocCurve(pairs);
        const ref = bruteRoc(pairs);
        expect(roc.map((p) => p.threshold)).toEqual(ref.map((p) => p.threshold));
        roc.forEach((p, k) => {
          expect(p.far).toBeCloseTo(ref[k]!.far, 12);
          expect(p.tar).toBeCloseTo(ref[k]!.tar, 12);
        });
      });

      it("best threshold = exhaustive sweep over every candidate", () => {
        const best = bestAccuracyThreshold(pairs);
        const ref = bruteBestThreshold(pairs);
        expect(best.accuracy).toBe(ref.accuracy);
        expect(best.threshold).toBeCloseTo(ref.threshold, 12);
        expect(accuracyAt(pairs, best.threshold)).toBe(ref.accuracy);
      });

      it("EER = intersection of the ROC polyline with FAR + TAR = 1", () => {
        expect(eer(pairs).eer).toBeCloseTo(bruteEer(pairs), 12);
      });

      it("TAR@FAR = best directly counted operating point", () => {
        for (const far of [0, 1e-4, 1e-2, 0.05, 0.1, 0.3, 1]) {
          const r = tarAtFar(pairs, far);
          const ref = bruteTarAtFar(pairs, far);
          expect(r.tar).toBeCloseTo(ref.tar, 12);
          expect(r.far).toBeCloseTo(ref.far, 12);
          expect(r.threshold).toBe(ref.threshold);
          expect(r.far).toBeLessThanOrEqual(far);
        }
      });

      it("k-fold = best threshold on the other folds, accuracy counted on the fold", () => {
        const r = kFoldAccuracy(pairs);
        expect(r.folds).toHaveLength(10);
        const accs: number[] = [];
        for (const f of r.folds) {
          const train = pairs.filter((p) => p.fold !== f.fold);
          const test = pairs.filter((p) => p.fold === f.fold);
          const ref = bruteBestThreshold(train);
          expect(f.threshold).toBeCloseTo(ref.threshold, 12);
          expect(f.accuracy).toBeCloseTo(bruteAccuracy(test, ref.threshold), 15);
          accs.push(f.accuracy);
        }
        const mean = accs.reduce((a, b) => a + b) / accs.length;
        expect(r.mean).toBeCloseTo(mean, 12);
        expect(r.std).toBeCloseTo(Math.sqrt(accs.reduce((a, b) => a + (b - mean) ** 2, 0) / accs.length), 12);
      });
    });
  }

  it("the random data is not degenerate (ties, nulls, imperfect separation)", () => {
    const pairs = cases[0]!.pairs;
    const finite = pairs.filter((p) => p.score !== null);
    expect(new Set(finite.map((p) => p.score)).size).toBeLessThan(finite.length / 3);
    expect(pairs.some((p) => p.score === null)).toBe(true);
    expect(rocAuc(pairs)).toBeGreaterThan(0.6);
    expect(rocAuc(pairs)).toBeLessThan(0.99);
  });

  it("is deterministic and does not mutate its input", () => {
    const pairs = randomPairs(9, 100, true);
    const copy = structuredClone(pairs);
    const a = summarize(pairs);
    expect(pairs).toEqual(copy);
    expect(summarize(copy)).toEqual(a);
  });
});
