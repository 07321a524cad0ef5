import { describe, expect, it } from "vitest";
import { normalQuantile } from "../../math/normal.js";
import { acceptanceRate, fmrForFpir, ImpostorScores, thresholdForFalseMatchRate, thresholdForRate } from "./threshold.js";
import { verifyAgainst } from "./decide.js";

describe("thresholdForFalseMatchRate", () => {
  const impostors = Array.from({ length: 1000 }, (_, i) => i / 1000); // 0.000 … 0.999

  it("admits at most the target fraction of impostors", () => {
    for (const fmr of [0.1, 0.01, 0.001]) {
      const t = thresholdForFalseMatchRate(impostors, fmr);
      expect(acceptanceRate(impostors, t)).toBeLessThanOrEqual(fmr);
    }
  });

  it("is the smallest such threshold at 1e-4 resolution", () => {
    const t = thresholdForFalseMatchRate(impostors, 0.01);
    expect(t).toBeCloseTo(0.9891, 6);
    expect(acceptanceRate(impostors, t - 0.0002)).toBeGreaterThan(0.01);
  });

  it("rejects every impostor when the target is below 1/n", () => {
    const t = thresholdForFalseMatchRate([0.1, 0.3, 0.2], 0.001);
    expect(acceptanceRate([0.1, 0.3, 0.2], t)).toBe(0);
    expect(t).toBeCloseTo(0.3001, 6);
  });

  it("rejects bad arguments", () => {
    expect(() => thresholdForFalseMatchRate([], 0.01)).toThrow(RangeError);
    expect(() => thresholdForFalseMatchRate([0.1], 0)).toThrow(RangeError);
    expect(() => thresholdForFalseMatchRate([0.1], 1)).toThrow(RangeError);
  });
});

describe("verifyAgainst", () => {
  const a = new Float32Array([1, 0, 0]);
  const b = new Float32Array([0, 1, 0]);
  const ab = new Float32Array([Math.SQRT1_2, Math.SQRT1_2, 0]);

  it("uses the best-matching reference", () => {
    const r = verifyAgainst(a, [b, ab], 0.5);
    expect(r.score).toBeCloseTo(Math.SQRT1_2);
    expect(r.match).toBe(true);
  });

  it("does not match below the threshold, and matches at it", () => {
    expect(verifyAgainst(a, [b], 0.1).match).toBe(false);
    expect(verifyAgainst(a, [a], 1).match).toBe(true);
  });

  it("needs at least one reference", () => {
    expect(() => verifyAgainst(a, [], 0.5)).toThrow(RangeError);
  });
});

describe("thresholds from rates beyond the measured resolution", () => {
  // 2,000 impostor scores drawn from N(0, 0.1) by a fixed quantile grid.
  const impostors = Array.from({ length: 2000 }, (_, i) => 0.1 * normalQuantile((i + 0.5) / 2000));

  it("is empirical where enough impostors lie above it", () => {
    expect(thresholdForRate(impostors, 0.01)).toBe(thresholdForFalseMatchRate(impostors, 0.01));
  });

  it("extrapolates with a normal fit for rates the data cannot resolve, growing as the rate shrinks", () => {
    const t6 = thresholdForRate(impostors, 1e-6);
    expect(t6).toBeCloseTo(0.1 * 4.7534, 2);
    expect(thresholdForRate(impostors, 1e-8)).toBeGreaterThan(t6);
    expect(t6).toBeGreaterThan(thresholdForRate(impostors, 1e-3));
  });

  it("turns an FPIR over N subjects into a per-comparison FMR", () => {
    expect(fmrForFpir(0.01, 1)).toBeCloseTo(0.01, 12);
    expect(fmrForFpir(0.01, 1_000_000)).toBeCloseTo(1.005e-8, 10);
    expect(1 - (1 - fmrForFpir(0.05, 1000)) ** 1000).toBeCloseTo(0.05, 10);
  });
});

describe("ImpostorScores (sorted once per model)", () => {
  it("gives exactly the thresholds computed from the raw scores, at every rate", () => {
    // Shuffled, so that mean and spread must be summed in the scores' own order to agree.
    const scores = Array.from({ length: 1100 }, (_, i) => 0.08 * normalQuantile(((i * 7919) % 1100 + 0.5) / 1100) + 0.02);
    const prepared = new ImpostorScores(scores);
    const reference = (rate: number) => {
      const n = scores.length;
      if (rate * n >= 5) return thresholdForFalseMatchRate(scores, rate);
      const mean = scores.reduce((a, b) => a + b, 0) / n;
      const sd = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
      return Math.max(Math.ceil((mean + sd * normalQuantile(1 - rate)) * 1e4) / 1e4, thresholdForFalseMatchRate(scores, rate));
    };
    for (const rate of [0.5, 0.1, 0.01, 0.005, 0.001, 1e-4, fmrForFpir(0.01, 37), fmrForFpir(0.01, 1e6), 1e-9]) {
      expect(prepared.thresholdForRate(rate)).toBe(reference(rate));
      expect(thresholdForRate(scores, rate)).toBe(reference(rate));
    }
    expect(() => prepared.thresholdForRate(0)).toThrow(RangeError);
    expect(() => new ImpostorScores([])).toThrow(RangeError);
  });
});
