/**
 * Stage 3 without a model of its own: the five alignment points the detector already
 * gives with each face (YuNet). Selected with LANDMARK_MODEL=detector.
 */
import type { Point } from "../math/similarity-transform.js";
import type { Detection, LandmarkStage } from "./detection.js";
import type { RgbImage } from "./image-decode.stage.js";
import type { ModelSpec } from "./model-manifest.js";

export class DetectorPointsStage implements LandmarkStage {
  constructor(readonly spec: ModelSpec) {
    if (spec.family !== "yunet") throw new Error(`detector ${spec.id} does not give the five alignment points; use a landmark model`);
  }

  async load(): Promise<void> {
    // The detector's session is loaded by the detector stage.
  }

  async run(_img: RgbImage, face: Detection): Promise<Point[]> {
    if (face.keypoints.length !== 5) throw new Error(`detector ${this.spec.id} gave ${face.keypoints.length} points, not 5`);
    return face.keypoints.map(([x, y]) => [x, y] as Point);
  }
}
