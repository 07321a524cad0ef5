/**
 * Eye centres on the real photos of ../shared/faces. The iris stage: its eye contour lands
 * on the face mesh's eyelids (so each eye went in the way the model expects, the
 * image-right eye mirrored) and the iris centre lies inside the eye opening. The attention
 * mesh: its refined eyes land on the plain mesh's eyes (each output mapped to the right
 * eye) and its iris centres agree with the iris stage's.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { FacePipeline } from "../../src/inference/face-pipeline.js";
import { FaceMeshStage } from "../../src/inference/face-mesh.stage.js";
import { IrisStage, MESH_EYE_CORNERS } from "../../src/inference/iris.stage.js";
import { findModel, loadManifest } from "../../src/inference/model-manifest.js";
import type { Point } from "../../src/math/similarity-transform.js";
import { sharedEngine } from "../support/engine.js";
import { readFace } from "../support/images.js";
import { FACES } from "../support/paths.js";

const photos = readdirSync(FACES)
  .filter((d) => !d.startsWith("_"))
  .flatMap((id) => readdirSync(path.join(FACES, id)).map((f) => `${id}/${f}`));
/**
 * The mesh points the iris model's contour 0–8 (lower lid, outer to inner corner) and
 * 9–15 (upper lid) correspond to, image-left eye first (MediaPipe's index maps).
 */
const MESH_LIDS = [
  [33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173],
  [263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398],
];
/** Upper and lower lid midpoints of each eye in the mesh (image-left eye first). */
const LIDS = [
  [159, 145],
  [386, 374],
] as const;

let engine: FacePipeline;
let iris: IrisStage;
let attention: FaceMeshStage;

beforeAll(async () => {
  engine = await sharedEngine();
  const manifest = await loadManifest();
  iris = new IrisStage(findModel(manifest, "human-iris", "iris"), { intraOpNumThreads: 1 });
  attention = new FaceMeshStage(findModel(manifest, "human-facemesh-attention", "mesh468"), { intraOpNumThreads: 1, detectionScale: 1.5 });
  await Promise.all([iris.load(), attention.load()]);
});

const dist = (a: Point, b: Point) => Math.hypot(a[0] - b[0], a[1] - b[1]);

describe("iris stage", () => {
  it.each(photos)("%s: contour on the mesh lids, iris centre inside the eye", async (file) => {
    const img = await engine.decode.run(await readFace(file));
    const [face] = await engine.detector.run(img);
    const mesh = (await engine.checksMesh(img, face!)).map(([x, y]): Point => [x, y]);
    const eyes = await iris.eyes(img, mesh);
    for (const eye of [0, 1] as const) {
      const [outer, inner] = MESH_EYE_CORNERS[eye].map((i) => mesh[i]!) as [Point, Point];
      const width = dist(outer, inner);
      const points = eyes[eye]!;
      expect(points).toHaveLength(76);
      // A wrongly mirrored eye puts the contour ≈ 0.6 eye widths off; a right one ≈ 0.07.
      const off = MESH_LIDS[eye]!.reduce((s, m, j) => s + dist(points[j]!, mesh[m]!), 0) / MESH_LIDS[eye]!.length;
      expect(off / width, `eye ${eye}: mean contour distance to the mesh lids`).toBeLessThan(0.2);
      // The centre, in the frame of the eye (x along outer → inner, y across), lies
      // between the corners and between the lids.
      const centre = points[71]!;
      const ux = (inner[0] - outer[0]) / width;
      const uy = (inner[1] - outer[1]) / width;
      const along = ((centre[0] - outer[0]) * ux + (centre[1] - outer[1]) * uy) / width;
      expect(along).toBeGreaterThan(0.2);
      expect(along).toBeLessThan(0.8);
      const [up, low] = LIDS[eye].map((i) => mesh[i]!) as [Point, Point];
      const across = (p: Point) => -(p[0] - outer[0]) * uy + (p[1] - outer[1]) * ux;
      expect(across(centre)).toBeGreaterThan(Math.min(across(up), across(low)) - 0.05 * width);
      expect(across(centre)).toBeLessThan(Math.max(across(up), across(low)) + 0.05 * width);
    }
  });

  it.each(photos)("%s: the attention mesh's refined eyes and irises land on the right eyes", async (file) => {
    const img = await engine.decode.run(await readFace(file));
    const [face] = await engine.detector.run(img);
    const plain = (await engine.checksMesh(img, face!)).map(([x, y]): Point => [x, y]);
    const refined = await attention.mesh(img, face!);
    expect(refined).toHaveLength(478);
    const [irisLeft, irisRight] = await iris.run(img, plain);
    const eyeWidth = dist(plain[33]!, plain[133]!);
    for (const [m, i, centre] of [[33, 468, irisLeft], [263, 473, irisRight]] as const) {
      expect(dist(refined[m]!, plain[m]!) / eyeWidth, `mesh point ${m}`).toBeLessThan(0.3);
      expect(dist(refined[i]!, centre!) / eyeWidth, `iris centre ${i}`).toBeLessThan(0.3);
    }
  });
});
