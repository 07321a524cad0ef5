import { describe, expect, it } from "vitest";
import { applyAffine } from "../math/similarity-transform.js";
import { boxCropTransform } from "./face-crop.js";

describe("boxCropTransform", () => {
  it("maps the scaled box onto the crop", () => {
    const m = boxCropTransform({ x1: 100, y1: 100, x2: 200, y2: 300 }, 1.4, 64, { width: 1000, height: 1000 });
    // Scaled box: 140 × 280 around (150, 200) → x 80..220, y 60..340.
    expect(applyAffine(m, [80, 60])).toEqual([0, 0]);
    const [x, y] = applyAffine(m, [220, 340]);
    expect(x).toBeCloseTo(64);
    expect(y).toBeCloseTo(64);
  });
  it("shrinks the scale to fit and shifts the box inside the image", () => {
    const m = boxCropTransform({ x1: 0, y1: 0, x2: 50, y2: 50 }, 2.7, 128, { width: 101, height: 400 });
    // Width limits the scale to 100/50 = 2 → a 100 × 100 region, moved to start at 0.
    expect(applyAffine(m, [0, 0])).toEqual([0, 0]);
    const [x] = applyAffine(m, [100, 0]);
    expect(x).toBeCloseTo(128);
  });
});
