import { describe, expect, it } from "vitest";
import { ssrMerge } from "./ssrnet.stage.js";

/** Upstream faceplugin fr_age.js mergeAge, transcribed literally (s1 = s2 = s3 = 3, λ = 1). */
function upstream(x: number[], V: number): number {
  let a = 0, b = 0, c = 0;
  for (let i = 0; i < 3; i++) a += (i + x[12 + i]!) * x[i]!;
  a = a / (3 * (1 + x[9]!));
  for (let i = 0; i < 3; i++) b += (i + x[15 + i]!) * x[3 + i]!;
  b = b / (3 * (1 + x[9]!)) / (3 * (1 + x[10]!));
  for (let i = 0; i < 3; i++) c += (i + x[18 + i]!) * x[6 + i]!;
  c = c / (3 * (1 + x[9]!)) / (3 * (1 + x[10]!)) / (3 * (1 + x[11]!));
  return (a + b + c) * V;
}

describe("ssrMerge", () => {
  it("equals upstream's merge on random stage outputs", () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    for (let k = 0; k < 50; k++) {
      const x = Array.from({ length: 21 }, rand);
      expect(ssrMerge(x, 101)).toBeCloseTo(upstream(x, 101), 10);
      expect(ssrMerge(x, 1)).toBeCloseTo(upstream(x, 1), 12);
    }
  });
  it("gives the top of the range when every stage is certain of its last bin", () => {
    const x = [0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, ...Array(9).fill(0)];
    // (2/3 + 2/9 + 2/27) × 101
    expect(ssrMerge(x, 101)).toBeCloseTo((2 / 3 + 2 / 9 + 2 / 27) * 101, 10);
  });
});
