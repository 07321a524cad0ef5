import { describe, expect, it } from "vitest";
import { applyAffine, estimateSimilarity, invertAffine, type Affine2x3, type Point } from "./similarity-transform.js";

const pts: Point[] = [
  [30, 40],
  [70, 42],
  [50, 60],
  [35, 80],
  [66, 81],
];

function similarity(scale: number, angle: number, tx: number, ty: number): Affine2x3 {
  const c = scale * Math.cos(angle);
  const s = scale * Math.sin(angle);
  return [c, -s, tx, s, c, ty];
}

describe("estimateSimilarity (Umeyama)", () => {
  it("recovers a known rotation, scale and translation exactly", () => {
    const truth = similarity(1.7, 0.4, 12, -5);
    const dst = pts.map((p) => applyAffine(truth, p));
    const m = estimateSimilarity(pts, dst);
    truth.forEach((v, i) => expect(m[i]).toBeCloseTo(v, 9));
  });

  it("gives the least-squares fit for noisy points (residual below the noise)", () => {
    const truth = similarity(0.5, -0.2, 3, 4);
    const noise = [0.3, -0.2, 0.1, 0.25, -0.3, 0.05, -0.1, 0.2, 0.15, -0.25];
    const dst = pts.map((p, i) => {
      const q = applyAffine(truth, p);
      return [q[0] + noise[2 * i]!, q[1] + noise[2 * i + 1]!] as Point;
    });
    const m = estimateSimilarity(pts, dst);
    const residual = (mm: Affine2x3) => pts.reduce((s, p, i) => s + (applyAffine(mm, p)[0] - dst[i]![0]) ** 2 + (applyAffine(mm, p)[1] - dst[i]![1]) ** 2, 0);
    expect(residual(m)).toBeLessThanOrEqual(residual(truth));
    expect(m[0]).toBeCloseTo(truth[0], 1);
  });

  it("never returns a reflection", () => {
    const mirrored = pts.map(([x, y]) => [-x, y] as Point);
    const m = estimateSimilarity(pts, mirrored);
    expect(m[0] * m[4] - m[1] * m[3]).toBeGreaterThanOrEqual(0);
  });

  it("rejects degenerate input", () => {
    expect(() => estimateSimilarity([[1, 1]], [[2, 2]])).toThrow(RangeError);
    expect(() => estimateSimilarity([[1, 1], [1, 1]], [[0, 0], [1, 1]])).toThrow(RangeError);
    expect(() => estimateSimilarity(pts, pts.slice(1))).toThrow(RangeError);
  });
});

describe("invertAffine", () => {
  it("undoes the transform", () => {
    const m = similarity(2, 1, 5, 6);
    const back = applyAffine(invertAffine(m), applyAffine(m, [7, -3]));
    expect(back[0]).toBeCloseTo(7);
    expect(back[1]).toBeCloseTo(-3);
  });
});
