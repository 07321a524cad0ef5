import { describe, expect, it } from "vitest";
import type { Point } from "../math/similarity-transform.js";
import { fivePointsFromMesh, roiFromDetection, roiFromMesh } from "./face-mesh.stage.js";

/** A synthetic mesh: point i at (i, 1000 - i). */
const mesh: Point[] = Array.from({ length: 468 }, (_, i) => [i, 1000 - i]);

describe("face mesh geometry", () => {
  it("takes eye centres from the corners, the nose tip and the outer mouth corners", () => {
    expect(fivePointsFromMesh(mesh)).toEqual([
      [(33 + 133) / 2, 1000 - (33 + 133) / 2],
      [(263 + 362) / 2, 1000 - (263 + 362) / 2],
      [1, 999],
      [61, 939],
      [291, 709],
    ]);
  });

  it("takes the iris centres (468, 473) as eye centres from a refined 478-point mesh", () => {
    const refined: Point[] = Array.from({ length: 478 }, (_, i) => [i, 1000 - i]);
    const five = fivePointsFromMesh(refined);
    expect(five[0]).toEqual([468, 532]);
    expect(five[1]).toEqual([473, 527]);
    expect(five.slice(2)).toEqual(fivePointsFromMesh(mesh).slice(2));
  });

  it("levels the region by the eye line and makes it 1.5× the mesh", () => {
    // A square mesh of side 100 centred at (50, 50), eyes level (33 left of 263).
    const square: Point[] = Array.from({ length: 468 }, (_, i) => [(i % 2) * 100, Math.floor(i / 2) % 2 ? 100 : 0]);
    square[33] = [20, 40];
    square[263] = [80, 40];
    const roi = roiFromMesh(square);
    expect(roi.angle).toBeCloseTo(0);
    expect(roi.cx).toBeCloseTo(50);
    expect(roi.cy).toBeCloseTo(50);
    expect(roi.side).toBeCloseTo(150);
  });

  it("follows a tilted face", () => {
    const tilted: Point[] = mesh.map(([x, y]) => [x, y]);
    tilted[33] = [0, 0];
    tilted[263] = [10, 10];
    expect(roiFromMesh(tilted).angle).toBeCloseTo(Math.PI / 4);
  });

  it("starts from the detector box, levelled by its eye keypoints when it has them", () => {
    const plain = roiFromDetection({ x1: 10, y1: 20, x2: 110, y2: 140, score: 1, keypoints: [] }, 1.5);
    expect(plain).toEqual({ cx: 60, cy: 80, side: 180, angle: 0 });
    const withEyes = roiFromDetection({ x1: 0, y1: 0, x2: 100, y2: 100, score: 1, keypoints: [[30, 40], [70, 40 + 40 * Math.tan(0.1)]] }, 1);
    expect(withEyes.angle).toBeCloseTo(0.1);
  });
});
