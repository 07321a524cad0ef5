/**
 * A detector with a second chance for tight crops. When the detector finds no face, the
 * frame itself may be the face: an ID-card chip, a kiosk crop, a 48-pixel FER-style crop,
 * where the face is cut by the frame and larger than the detector's priors expect. The
 * face mesh is then run on the whole frame, centred, at a few region sizes, and its face
 * presence (MediaPipe's own "is there a face in this region" probability) decides. A face
 * found that way gets its box, its five points and its score from the mesh, re-run once on
 * the region the first mesh gives (as the mesh's tracking does); both runs must see a face.
 * Only frames shaped like a face crop (square or portrait) get the second chance. The threshold and region
 * sizes are the detector's manifest entry (`detect.wholeFrame`, measured in models/README).
 */
import type { Point } from "../math/similarity-transform.js";
import type { Detection, FaceDetectorStage } from "./detection.js";
import { type FaceMeshStage, fivePointsFromMesh, roiFromMesh } from "./face-mesh.stage.js";
import type { RgbImage } from "./image-decode.stage.js";
import type { ModelSpec } from "./model-manifest.js";

export interface WholeFrameSettings {
  /** Lowest face presence accepted. */
  minPresence: number;
  /** Region sides tried, as multiples of the frame's longer side, in order. */
  scales: readonly number[];
  /**
   * Frames tried: width / height within [min, max]. Face crops are square or portrait;
   * camera frames are wide, and an empty one would otherwise cost three mesh runs.
   */
  aspect: readonly [number, number];
}

export class WholeFrameFallbackStage implements FaceDetectorStage {
  constructor(
    /** The detector that gets the first chance. */
    readonly inner: FaceDetectorStage,
    private readonly mesh: FaceMeshStage,
    readonly settings: WholeFrameSettings,
    private readonly minFaceSize: number,
  ) {}

  get spec(): ModelSpec {
    return this.inner.spec;
  }

  async load(): Promise<void> {
    await Promise.all([this.inner.load(), this.mesh.load()]);
  }

  async run(img: RgbImage): Promise<Detection[]> {
    const found = await this.inner.run(img);
    const aspect = img.width / img.height;
    if (found.length > 0 || aspect < this.settings.aspect[0] || aspect > this.settings.aspect[1]) return found;
    const side = Math.max(img.width, img.height);
    for (const scale of this.settings.scales) {
      const first = await this.mesh.presence(img, { cx: img.width / 2, cy: img.height / 2, side: side * scale, angle: 0 });
      if (first.presence < this.settings.minPresence) continue;
      const { points, presence } = await this.mesh.presence(img, roiFromMesh(first.points));
      if (presence < this.settings.minPresence) continue;
      const face = faceFromMesh(points.map(([x, y]) => [x, y]), Math.min(first.presence, presence), img);
      return face && Math.min(face.x2 - face.x1, face.y2 - face.y1) >= this.minFaceSize ? [face] : [];
    }
    return [];
  }
}

/** A detection from a mesh: its bounding box within the image, its five points, the given score; null when the box leaves the image. */
export function faceFromMesh(mesh: readonly Point[], score: number, img: { width: number; height: number }): Detection | null {
  const xs = mesh.map((p) => p[0]);
  const ys = mesh.map((p) => p[1]);
  const x1 = Math.max(0, Math.min(...xs));
  const y1 = Math.max(0, Math.min(...ys));
  const x2 = Math.min(img.width, Math.max(...xs));
  const y2 = Math.min(img.height, Math.max(...ys));
  if (x2 <= x1 || y2 <= y1) return null;
  return { x1, y1, x2, y2, score, keypoints: fivePointsFromMesh(mesh) };
}
