import { describe, expect, it } from "vitest";
import { interleavedFolds, parseLfwPairs } from "./lfw-pairs.js";

const train = parseLfwPairs("2\nA 1 2\nB 1 3\nA 1 B 2\nC 1 D 1\n");
const test = parseLfwPairs("1\nE 1 2\nE 1 F 1\n");

describe("LFW pair files", () => {
  it("reads a single-set file as one fold", () => {
    expect(train.map((p) => [p.same, p.fold])).toEqual([[true, 0], [true, 0], [false, 0], [false, 0]]);
  });

  it("puts the union of single-set files into interleaved folds", () => {
    const union = interleavedFolds([train, test], 3);
    expect(union.map((p) => p.a.name)).toEqual(["A", "B", "A", "C", "E", "E"]);
    expect(union.map((p) => p.fold)).toEqual([0, 1, 2, 0, 1, 2]);
    expect(() => interleavedFolds([train], 1)).toThrow(RangeError);
  });
});
