/** Builds the stage object for a manifest model, by its role and family: the one factory of stages. */
import type { Point } from "../math/similarity-transform.js";
import { createAgeGenderModel } from "./age-gender.stage.js";
import { AntispoofStage } from "./antispoof.stage.js";
import { BlazeFaceDetectStage } from "./blazeface-detect.stage.js";
import type { RgbImage } from "./image-decode.stage.js";
import { LivenessStage } from "./liveness.stage.js";
import type { Detection, FaceDetectorStage, LandmarkStage } from "./detection.js";
import { DetectorPointsStage } from "./detector-points.stage.js";
import { EmbedStage, type RecognizerStage } from "./embed.stage.js";
import { FaceMeshStage } from "./face-mesh.stage.js";
import { FusedEmbedStage } from "./fused-embed.stage.js";
import { parseLandmarkId, parseRecognizerId } from "./model-id.js";
import { IrisStage } from "./iris.stage.js";
import { Landmarks68Stage } from "./landmarks68.stage.js";
import { findModel, type ModelManifest, type ModelSpec } from "./model-manifest.js";
import type { OnnxOptions } from "./onnx-session.js";
import { Rfb320DetectStage } from "./rfb320-detect.stage.js";
import { YuNetDetectStage } from "./yunet-detect.stage.js";

export interface DetectorSettings extends OnnxOptions {
  /** Overrides the model's default score threshold. */
  scoreThreshold: number | undefined;
  minFaceSize: number;
  /** Overrides of the manifest's detector settings (measurement scripts). */
  detect?: Partial<NonNullable<ModelSpec["detect"]>>;
}

export function createDetector(manifest: ModelManifest, id: string, s: DetectorSettings): FaceDetectorStage {
  const spec = findModel(manifest, id, "detector");
  if (!spec.detect) throw new Error(`detector ${id} has no "detect" defaults in the manifest`);
  const d = { ...spec.detect, ...s.detect };
  const opts = { intraOpNumThreads: s.intraOpNumThreads, minFaceSize: s.minFaceSize, scoreThreshold: s.scoreThreshold ?? d.scoreThreshold, iouThreshold: d.iouThreshold };
  switch (spec.family) {
    case "rfb320":
      return new Rfb320DetectStage(spec, opts);
    case "blazeface":
      return new BlazeFaceDetectStage(spec, opts);
    case "yunet":
      return new YuNetDetectStage(spec, { ...opts, maxSide: d.maxSide ?? 640, minSide: d.minSide ?? 0, pad: d.pad ?? 0 });
    default:
      throw new Error(`detector ${id}: unknown family ${spec.family}`);
  }
}

/** The iris model that "<mesh id>+iris" adds to a face mesh for the eye centres. */
const IRIS_MODEL = "human-iris";

/**
 * The landmark stage (src/inference/model-id.ts for the setting's form); the mesh needs to
 * know how loose the detector's boxes are.
 */
export function createLandmarker(manifest: ModelManifest, id: string, detectorId: string, onnx: OnnxOptions): LandmarkStage {
  const setting = parseLandmarkId(id);
  if (setting.kind === "detector") return new DetectorPointsStage(findModel(manifest, detectorId, "detector"));
  const spec = manifest.models.find((m) => m.id === setting.model);
  if (!spec) throw new Error(`model "${setting.model}" is not in models/manifest.json`);
  if (setting.iris && spec.role !== "mesh468") throw new Error(`"+iris" needs a face mesh model, not ${setting.model}`);
  if (spec.role === "landmarks68") return new Landmarks68Stage(spec, onnx);
  if (spec.role === "mesh468") {
    const detector = findModel(manifest, detectorId, "detector");
    const iris = setting.iris ? new IrisStage(findModel(manifest, IRIS_MODEL, "iris"), onnx) : undefined;
    return new FaceMeshStage(spec, { ...onnx, detectionScale: detector.detect?.meshScale ?? 1.5, passes: detector.detect?.meshPasses ?? 2, ...(iris ? { iris } : {}) });
  }
  throw new Error(`model "${id}" is a ${spec.role}, not a landmark model`);
}

/**
 * A recognizer stage for a setting (src/inference/model-id.ts): one model, with or without
 * the mirror image, or several fused into one embedding (FusedEmbedStage).
 */
export function createEmbedder(manifest: ModelManifest, id: string, onnx: OnnxOptions): RecognizerStage {
  const parts = parseRecognizerId(id).map((p) => new EmbedStage(findModel(manifest, p.model, "recognizer"), { ...onnx, flip: p.flip }));
  return parts.length === 1 ? parts[0]! : new FusedEmbedStage(parts);
}

/** A passive-liveness model, whatever its family: a live score in [0, 1] for one face. */
export type LivenessModel = { id: string; load(): Promise<void>; run(img: RgbImage, face: Detection, mesh: readonly Point[]): Promise<number> };

export function createLivenessModel(manifest: ModelManifest, id: string, onnx: OnnxOptions): LivenessModel {
  const spec = findModel(manifest, id, "liveness");
  switch (spec.family) {
    case "minifasnet": {
      const stage = new LivenessStage(spec, onnx);
      return { id, load: () => stage.load(), run: (img, face) => stage.run(img, face) };
    }
    case "human-antispoof": {
      const stage = new AntispoofStage(spec, onnx);
      return { id, load: () => stage.load(), run: (img, _face, mesh) => stage.run(img, mesh) };
    }
    default:
      throw new Error(`liveness model ${id}: unknown family ${spec.family}`);
  }
}

export { createAgeGenderModel };
