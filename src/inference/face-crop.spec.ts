import { describe, expect, it } from "vitest";
import { applyAffine } from "../math/similarity-transform.js";
import { cropTransform } from "./face-crop.js";
import { ARCFACE_112_TEMPLATE } from "./five-point.js";

describe("cropTransform", () => {
  const points = ARCFACE_112_TEMPLATE.map(([x, y]) => [x * 2 + 100, y * 2 + 50] as [number, number]);

  it("maps the five points onto the ArcFace template at 112×112", () => {
    const m = cropTransform("arcface", points, 112, 112);
    points.forEach((p, i) => {
      const q = applyAffine(m, p);
      expect(q[0]).toBeCloseTo(ARCFACE_112_TEMPLATE[i]![0], 6);
      expect(q[1]).toBeCloseTo(ARCFACE_112_TEMPLATE[i]![1], 6);
    });
  });

  it("scales the template to other sizes and zooms out around the centre with a margin", () => {
    const m = cropTransform("arcface@2", points, 224, 224);
    const nose = applyAffine(m, points[2]!);
    // Template nose (56.03, 71.74) → ×2 = (112.05, 143.47) → halfway to the centre (112, 112).
    expect(nose[0]).toBeCloseTo(112 + (112.0504 - 112) / 2, 3);
    expect(nose[1]).toBeCloseTo(112 + (143.4732 - 112) / 2, 3);
  });

  it("rejects unknown crops and silly margins", () => {
    expect(() => cropTransform("box", points, 112, 112)).toThrow(/unknown crop/);
    expect(() => cropTransform("arcface@9", points, 112, 112)).toThrow(/margin/);
  });
});
