import { describe, expect, it } from "vitest";
import type { Point } from "../math/similarity-transform.js";
import { applyAffine } from "../math/similarity-transform.js";
import { roiTransform } from "./face-mesh.stage.js";
import { cropToImage, eyeRoi } from "./iris.stage.js";

/** A mesh with only the eye corners set, the face rolled by 30°. */
function rolledMesh(): Point[] {
  const mesh: Point[] = Array.from({ length: 468 }, () => [0, 0]);
  const c = Math.cos(Math.PI / 6);
  const s = Math.sin(Math.PI / 6);
  const at = (x: number, y: number): Point => [100 + x * c - y * s, 200 + x * s + y * c];
  mesh[33] = at(-40, 0);
  mesh[133] = at(-10, 0);
  mesh[362] = at(10, 0);
  mesh[263] = at(40, 0);
  return mesh;
}

describe("iris eye regions", () => {
  it("centres each eye's square between its corners, 2.3× their distance, levelled on the eye line", () => {
    const mesh = rolledMesh();
    for (const eye of [0, 1] as const) {
      const roi = eyeRoi(mesh, eye);
      const [a, b] = eye === 0 ? [mesh[33]!, mesh[133]!] : [mesh[263]!, mesh[362]!];
      expect(roi.cx).toBeCloseTo((a[0] + b[0]) / 2);
      expect(roi.cy).toBeCloseTo((a[1] + b[1]) / 2);
      expect(roi.side).toBeCloseTo(2.3 * 30);
      expect(roi.angle).toBeCloseTo(Math.PI / 6);
    }
  });

  it("maps crop points back to the image, mirrored or not", () => {
    const roi = eyeRoi(rolledMesh(), 0);
    const toCrop = roiTransform(roi, 64);
    for (const p of [[95, 190], [70, 180], [120, 230]] as Point[]) {
      const [x, y] = applyAffine(toCrop, p);
      const back = cropToImage(roi, x, y, false);
      expect(back[0]).toBeCloseTo(p[0], 6);
      expect(back[1]).toBeCloseTo(p[1], 6);
      const mirrored = cropToImage(roi, 64 - x, y, true);
      expect(mirrored[0]).toBeCloseTo(p[0], 6);
      expect(mirrored[1]).toBeCloseTo(p[1], 6);
    }
  });
});
