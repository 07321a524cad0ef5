import { describe, expect, it } from "vitest";
import { cosineSimilarity, l2Normalize } from "./vector.js";

describe("l2Normalize", () => {
  it("scales to unit length and keeps direction", () => {
    const v = l2Normalize([3, 4]);
    expect(v[0]).toBeCloseTo(0.6);
    expect(v[1]).toBeCloseTo(0.8);
  });
  it("leaves a zero vector as zeros", () => {
    expect(Array.from(l2Normalize([0, 0, 0]))).toEqual([0, 0, 0]);
  });
});

describe("cosineSimilarity", () => {
  it("is 1 for parallel, -1 for opposite, 0 for orthogonal vectors", () => {
    expect(cosineSimilarity([1, 2, 3], [2, 4, 6])).toBeCloseTo(1);
    expect(cosineSimilarity([1, 2, 3], [-1, -2, -3])).toBeCloseTo(-1);
    expect(cosineSimilarity([1, 0], [0, 5])).toBeCloseTo(0);
  });
  it("ignores scale", () => {
    expect(cosineSimilarity([1, 2], [2, 1])).toBeCloseTo(cosineSimilarity([10, 20], [2, 1]));
    expect(cosineSimilarity([1, 2], [2, 1])).toBeCloseTo(0.8);
  });
  it("rejects vectors of different lengths", () => {
    expect(() => cosineSimilarity([1, 2], [1, 2, 3])).toThrow(RangeError);
  });
  it("is 0 when a vector is zero", () => {
    expect(cosineSimilarity([0, 0], [1, 1])).toBe(0);
  });
});
