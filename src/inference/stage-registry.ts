/**
 * The stage registry: from the manifest and the pipeline's config, every stage a pipeline
 * runs, by role (detector — with the whole-frame second chance where its manifest entry
 * asks for it —, landmark sources, recognizers, the checks' mesh, quality /
 * liveness / attribute models), built by the one stage factory and injected into
 * FacePipeline. Building creates no session; `loadStages` does, once per stage.
 */
import type { FacePipelineConfig, FaceStages } from "./face-pipeline.js";
import { FaceChecks } from "./face-checks.js";
import { FaceMeshStage } from "./face-mesh.stage.js";
import { ImageDecodeStage } from "./image-decode.stage.js";
import type { LandmarkStage } from "./detection.js";
import type { RecognizerStage } from "./embed.stage.js";
import { findModel, type ModelManifest } from "./model-manifest.js";
import { createDetector, createEmbedder, createLandmarker } from "./stage-factory.js";
import { WholeFrameFallbackStage } from "./whole-frame-fallback.stage.js";

/** The face mesh the capture checks read. */
export const CHECKS_MESH_MODEL = "human-facemesh";

export function buildStages(manifest: ModelManifest, config: FacePipelineConfig): FaceStages {
  const onnx = { intraOpNumThreads: config.threads };
  const landmarker = createLandmarker(manifest, config.landmarkModel, config.detectorModel, onnx);
  const mesh = landmarker instanceof FaceMeshStage ? landmarker : createLandmarker(manifest, CHECKS_MESH_MODEL, config.detectorModel, onnx);
  if (!(mesh instanceof FaceMeshStage)) throw new Error(`${CHECKS_MESH_MODEL} is not a face mesh model`);
  const landmarks = new Map<string, LandmarkStage>([[config.landmarkModel, landmarker]]);
  for (const id of new Set(Object.values(config.recognizerLandmarks ?? {}))) {
    if (!landmarks.has(id)) landmarks.set(id, id === CHECKS_MESH_MODEL ? mesh : createLandmarker(manifest, id, config.detectorModel, onnx));
  }
  const recognizers = new Map<string, RecognizerStage>();
  for (const id of [config.recognizerModel, ...(config.extraRecognizerModels ?? [])]) {
    const stage = createEmbedder(manifest, id, onnx);
    if (!recognizers.has(stage.embeddingId)) recognizers.set(stage.embeddingId, stage);
  }
  const detector = createDetector(manifest, config.detectorModel, { ...onnx, scoreThreshold: config.detectScoreThreshold, minFaceSize: config.minFaceSize });
  const wholeFrame = detector.spec.detect?.wholeFrame;
  return {
    decode: new ImageDecodeStage(config.decode),
    detector: wholeFrame ? new WholeFrameFallbackStage(detector, mesh, wholeFrame, config.minFaceSize) : detector,
    landmarks,
    recognizers,
    mesh,
    checks: new FaceChecks(manifest, config.checks, onnx),
    qualityMeshPasses: findModel(manifest, config.detectorModel, "detector").detect?.qualityMeshPasses ?? mesh.passes,
  };
}

/** Creates every stage's session (a stage listed under two roles loads once). */
export async function loadStages(stages: FaceStages): Promise<void> {
  await Promise.all([
    stages.decode.load(),
    stages.detector.load(),
    ...[...stages.landmarks.values()].map((l) => l.load()),
    ...[...stages.recognizers.values()].map((r) => r.load()),
    stages.mesh.load(),
    stages.checks.load(),
  ]);
}
