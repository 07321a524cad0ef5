/** Builds the stage object for a manifest model, by its role and family. */
import { BlazeFaceDetectStage } from "./blazeface-detect.stage.js";
import type { FaceDetectorStage, LandmarkStage } from "./detection.js";
import { DetectorPointsStage, DETECTOR_POINTS } from "./detector-points.stage.js";
import { EmbedStage, type RecognizerStage } from "./embed.stage.js";
import { FaceMeshStage } from "./face-mesh.stage.js";
import { FusedEmbedStage, FUSION_SEPARATOR } from "./fused-embed.stage.js";
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
 * The landmark stage; the mesh needs to know how loose the detector's boxes are.
 * "<mesh id>+iris" takes the eye centres from the iris model; "detector" uses the five
 * points the detector itself gives (YuNet).
 */
export function createLandmarker(manifest: ModelManifest, id: string, detectorId: string, onnx: OnnxOptions): LandmarkStage {
  if (id === DETECTOR_POINTS) return new DetectorPointsStage(findModel(manifest, detectorId, "detector"));
  const withIris = id.endsWith("+iris");
  const baseId = withIris ? id.slice(0, -5) : id;
  const spec = manifest.models.find((m) => m.id === baseId);
  if (!spec) throw new Error(`model "${baseId}" is not in models/manifest.json`);
  if (withIris && spec.role !== "mesh468") throw new Error(`"+iris" needs a face mesh model, not ${baseId}`);
  if (spec.role === "landmarks68") return new Landmarks68Stage(spec, onnx);
  if (spec.role === "mesh468") {
    const detector = findModel(manifest, detectorId, "detector");
    const iris = withIris ? new IrisStage(findModel(manifest, IRIS_MODEL, "iris"), onnx) : undefined;
    return new FaceMeshStage(spec, { ...onnx, detectionScale: detector.detect?.meshScale ?? 1.5, passes: detector.detect?.meshPasses ?? 2, ...(iris ? { iris } : {}) });
  }
  throw new Error(`model "${id}" is a ${spec.role}, not a landmark model`);
}

/** The manifest model id of a recognizer id: "<id>+flip" is model <id> with mirror-image test-time augmentation. */
export function recognizerModelId(id: string): string {
  return id.endsWith("+flip") ? id.slice(0, -5) : id;
}

/**
 * A recognizer stage; "<id>+flip" adds mirror-image test-time augmentation, and "A&B"
 * fuses recognizers A and B into one embedding (FusedEmbedStage).
 */
export function createEmbedder(manifest: ModelManifest, id: string, onnx: OnnxOptions): RecognizerStage {
  if (id.includes(FUSION_SEPARATOR)) return new FusedEmbedStage(id.split(FUSION_SEPARATOR).map((part) => createSingleEmbedder(manifest, part, onnx)));
  return createSingleEmbedder(manifest, id, onnx);
}

function createSingleEmbedder(manifest: ModelManifest, id: string, onnx: OnnxOptions): EmbedStage {
  const flip = id.endsWith("+flip");
  return new EmbedStage(findModel(manifest, recognizerModelId(id), "recognizer"), { ...onnx, flip });
}
