/** What detectors and landmarkers hand each other. */
import type { ScoredBox } from "../math/nms.js";
import type { Point } from "../math/similarity-transform.js";
import type { RgbImage } from "./image-decode.stage.js";
import type { ModelSpec } from "./model-manifest.js";

export interface Detection extends ScoredBox {
  /**
   * Detector keypoints in image pixels, when the detector has them. BlazeFace family:
   * [eye, eye, nose tip, mouth centre, ear, ear], image-left eye first.
   */
  keypoints: Point[];
}

/** Stage 2: every face in the image, best score first, in image pixels. */
export interface FaceDetectorStage {
  readonly spec: ModelSpec;
  load(): Promise<void>;
  run(img: RgbImage): Promise<Detection[]>;
}

/** Stage 3: the five alignment points of one detected face (image-left eye first). */
export interface LandmarkStage {
  readonly spec: ModelSpec;
  load(): Promise<void>;
  run(img: RgbImage, face: Detection): Promise<Point[]>;
}
