import { describe, expect, it } from "vitest";
import type { Point } from "../math/similarity-transform.js";
import { fivePointsFrom68 } from "./five-point.js";

describe("fivePointsFrom68", () => {
  // Landmark i at (i, 2i): every derived point is then easy to compute by hand.
  const pts: Point[] = Array.from({ length: 68 }, (_, i) => [i, 2 * i]);

  it("averages the eyelids, takes the nose tip and averages the lip corners", () => {
    const five = fivePointsFrom68(pts);
    expect(five[0]).toEqual([(37 + 38 + 40 + 41) / 4, (2 * (37 + 38 + 40 + 41)) / 4]);
    expect(five[1]).toEqual([(43 + 44 + 46 + 47) / 4, (2 * (43 + 44 + 46 + 47)) / 4]);
    expect(five[2]).toEqual([30, 60]);
    expect(five[3]).toEqual([(48 + 60) / 2, 48 + 60]);
    expect(five[4]).toEqual([(54 + 64) / 2, 54 + 64]);
  });

  it("needs exactly 68 points", () => {
    expect(() => fivePointsFrom68(pts.slice(0, 5))).toThrow(RangeError);
  });
});
