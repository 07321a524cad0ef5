import { describe, expect, it } from "vitest";
import { iou, nonMaxSuppression } from "./nms.js";

const box = (x1: number, y1: number, x2: number, y2: number, score = 1) => ({ x1, y1, x2, y2, score });

describe("iou", () => {
  it("is 1 for identical boxes and 0 for disjoint ones", () => {
    expect(iou(box(0, 0, 10, 10), box(0, 0, 10, 10))).toBe(1);
    expect(iou(box(0, 0, 10, 10), box(20, 20, 30, 30))).toBe(0);
    expect(iou(box(0, 0, 10, 10), box(10, 0, 20, 10))).toBe(0);
  });
  it("is intersection over union for a partial overlap", () => {
    // 5x10 overlap = 50; union = 100 + 100 - 50 = 150.
    expect(iou(box(0, 0, 10, 10), box(5, 0, 15, 10))).toBeCloseTo(50 / 150);
  });
});

describe("nonMaxSuppression", () => {
  it("keeps the best of overlapping boxes and every separate box, best first", () => {
    const kept = nonMaxSuppression([box(1, 1, 11, 11, 0.8), box(0, 0, 10, 10, 0.9), box(50, 50, 60, 60, 0.7)], 0.4);
    expect(kept.map((b) => b.score)).toEqual([0.9, 0.7]);
  });
  it("keeps overlapping boxes whose IoU is at or below the threshold", () => {
    const kept = nonMaxSuppression([box(0, 0, 10, 10, 0.9), box(5, 0, 15, 10, 0.8)], 0.4);
    expect(kept).toHaveLength(2);
  });
  it("limits how many boxes are kept", () => {
    const boxes = [0, 1, 2, 3].map((i) => box(i * 20, 0, i * 20 + 10, 10, 1 - i / 10));
    expect(nonMaxSuppression(boxes, 0.5, 2)).toHaveLength(2);
  });
});
