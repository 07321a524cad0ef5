import { describe, expect, it } from "vitest";
import { exposure, laplacianVariance } from "./image-stats.js";

function gray(w: number, h: number, f: (x: number, y: number) => number) {
  const data = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = f(x, y);
  return { width: w, height: h, channels: 1, data };
}

describe("laplacianVariance", () => {
  it("is 0 on a flat or linear ramp image", () => {
    expect(laplacianVariance(gray(16, 16, () => 100))).toBe(0);
    expect(laplacianVariance(gray(16, 16, (x) => 10 * x))).toBe(0);
  });
  it("is larger for a checkerboard than for its smoothed version", () => {
    const sharp = gray(32, 32, (x, y) => ((x >> 2) + (y >> 2)) % 2 ? 220 : 30);
    const soft = gray(32, 32, (x, y) => 125 + 95 * Math.sin((x * Math.PI) / 4) * Math.sin((y * Math.PI) / 4));
    expect(laplacianVariance(sharp)).toBeGreaterThan(4 * laplacianVariance(soft));
  });
  it("matches a hand computation on a single bright pixel", () => {
    // 3×3 interior of a 5×5 image: centre l = −4·90, its 4 neighbours l = +90, 4 corners 0.
    const img = gray(5, 5, (x, y) => (x === 2 && y === 2 ? 90 : 0));
    const values = [-360, 90, 90, 90, 90, 0, 0, 0, 0];
    const mean = values.reduce((a, b) => a + b) / 9;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / 9;
    expect(laplacianVariance(img)).toBeCloseTo(variance, 6);
  });
  it("refuses colour images", () => {
    expect(() => laplacianVariance({ width: 3, height: 3, channels: 3, data: new Uint8Array(27) })).toThrow(/1-channel/);
  });
});

describe("exposure", () => {
  it("reports mean, spread and clipped fractions", () => {
    const e = exposure(gray(10, 10, (x) => (x < 5 ? 0 : 250)));
    expect(e.mean).toBe(125);
    expect(e.std).toBe(125);
    expect(e.dark).toBe(0.5);
    expect(e.bright).toBe(0.5);
    const mid = exposure(gray(4, 4, () => 128));
    expect(mid).toEqual({ mean: 128, std: 0, dark: 0, bright: 0 });
  });
  it("counts only the masked-in pixels", () => {
    const img = gray(10, 10, (x) => (x < 5 ? 0 : 200));
    const rightHalf = Uint8Array.from({ length: 100 }, (_, i) => (i % 10 >= 5 ? 1 : 0));
    expect(exposure(img, rightHalf)).toEqual({ mean: 200, std: 0, dark: 0, bright: 0 });
  });
});
