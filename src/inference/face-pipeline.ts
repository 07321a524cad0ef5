/**
 * The whole face stack behind the domain's FaceEngine port:
 *   decode → detect → landmarks (5 points) → align (per recognizer) → embed.
 * Which model runs each stage comes from config (ids in models/manifest.json): the stage
 * registry (stage-registry.ts) builds them and they are injected; one `process(image,
 * plan)` runs them for the API, the benchmarks and evaluation alike. One instance per
 * process (or worker thread); its stages hold the ONNX sessions.
 */
import { DomainError } from "../domain/errors.js";
import type { CaptureChecks, DetectedFace, FaceCapture, FaceEngine, FaceInspection, FacePick, ImagePoint, ImageProcessing, ProcessedFace, ProcessPlan, StageTiming } from "../domain/face-engine.port.js";
import { boxArea } from "../math/nms.js";
import type { Point3 } from "../math/head-pose.js";
import type { Point } from "../math/similarity-transform.js";
import type { Detection, FaceDetectorStage, LandmarkStage } from "./detection.js";
import type { RecognizerStage } from "./embed.stage.js";
import { largestFace, nearestCentreFace } from "./face-choice.js";
import type { FaceChecks, FaceChecksConfig } from "./face-checks.js";
import type { FaceMeshStage } from "./face-mesh.stage.js";
import type { DecodeLimits, ImageDecodeStage, RgbImage } from "./image-decode.stage.js";
import { loadManifest, type ModelManifest } from "./model-manifest.js";
import { createEmbedder } from "./stage-factory.js";
import { buildStages, loadStages } from "./stage-registry.js";

export interface FacePipelineConfig {
  detectorModel: string;
  landmarkModel: string;
  /** The recognizer new galleries are pinned to ("<id>+flip" to add the mirror image). */
  recognizerModel: string;
  /**
   * Further recognizers to load beside it: those older galleries are pinned to (the server
   * adds them from the database at start), so they keep enrolling, verifying and identifying.
   */
  extraRecognizerModels?: readonly string[];
  /**
   * The landmark model a recognizer's templates were made with, where it is not
   * `landmarkModel` (a gallery pinned under an earlier default pipeline keeps its own
   * alignment: its calibration file names it). By embedding model id.
   */
  recognizerLandmarks?: Readonly<Record<string, string>>;
  threads: number;
  /** Overrides the detector's default score threshold. */
  detectScoreThreshold: number | undefined;
  minFaceSize: number;
  decode: DecodeLimits;
  /** Models of the capture checks (quality, liveness, attributes). */
  checks: FaceChecksConfig;
}


export type StageName = "decode" | "detect" | "landmarks" | "align" | "embed";
export type StageTimings = Record<StageName, number>;

/** Milliseconds per stage of one `process` call (a stage run per face counts once per face). */
export function stageTotals(timings: readonly StageTiming[]): StageTimings {
  const totals: StageTimings = { decode: 0, detect: 0, landmarks: 0, align: 0, embed: 0 };
  for (const t of timings) if (t.stage in totals) totals[t.stage as StageName] += t.ms;
  return totals;
}

/** Stages a caller brings to one `process` call instead of the loaded ones (evaluation of candidate recognizers). */
export interface StageOverrides {
  recognizers?: readonly RecognizerStage[];
}

/**
 * The stages one pipeline runs, by role: built from the manifest and config by
 * `buildStages` (stage-registry.ts), or assembled by a caller, and injected.
 */
export interface FaceStages {
  decode: ImageDecodeStage;
  detector: FaceDetectorStage;
  /** Five-point sources by landmark setting id: the pipeline's own (`landmarkModel`) and those older galleries align with. */
  landmarks: ReadonlyMap<string, LandmarkStage>;
  /** Recognizers by embedding id, the one new galleries are pinned to first. */
  recognizers: ReadonlyMap<string, RecognizerStage>;
  /** The face mesh the capture checks (and dense landmarks) read: the landmark stage itself when that is the mesh. */
  mesh: FaceMeshStage;
  /** Quality, passive-liveness and attribute models. */
  checks: FaceChecks;
  /** Passes of the mesh when only the quality gate reads it (the detector's `qualityMeshPasses`). */
  qualityMeshPasses: number;
}

export class FacePipeline implements FaceEngine {
  readonly decode: ImageDecodeStage;
  readonly detector: FaceDetectorStage;
  readonly landmarker: LandmarkStage;
  /** The recognizer new galleries are pinned to. */
  readonly recognizer: RecognizerStage;
  /** Every recognizer loaded, by embedding id (`recognizer` first). */
  readonly recognizers: ReadonlyMap<string, RecognizerStage>;
  readonly checks: FaceChecks;
  private readonly mesher: FaceMeshStage;
  private readonly qualityPasses: number;
  private readonly landmarkers: ReadonlyMap<string, LandmarkStage>;

  /** A pipeline over stages already built (and loaded, or loaded with `loadStages`). */
  constructor(
    readonly manifest: ModelManifest,
    readonly config: FacePipelineConfig,
    stages: FaceStages,
  ) {
    this.decode = stages.decode;
    this.detector = stages.detector;
    const own = stages.landmarks.get(config.landmarkModel);
    if (!own) throw new Error(`the stages have no landmark source ${config.landmarkModel}`);
    this.landmarker = own;
    this.landmarkers = stages.landmarks;
    const first = stages.recognizers.values().next().value;
    if (!first) throw new Error("the stages have no recognizer");
    this.recognizer = first;
    this.recognizers = stages.recognizers;
    this.checks = stages.checks;
    this.mesher = stages.mesh;
    this.qualityPasses = stages.qualityMeshPasses;
  }

  /** The landmark model a recognizer aligns with. */
  private landmarkIdOf(r: RecognizerStage): string {
    return this.config.recognizerLandmarks?.[r.embeddingId] ?? this.config.landmarkModel;
  }

  /** Five points of one face from a landmark model, reusing the checks' mesh when that is the source (and made in as many passes). */
  private async fivePointsFrom(landmarkId: string, img: RgbImage, face: Detection, mesh: { points: Point3[]; passes: number } | undefined): Promise<Point[]> {
    const stage = this.landmarkers.get(landmarkId);
    if (!stage) throw new Error(`no landmark source ${landmarkId} is loaded`);
    if (mesh && stage === this.mesher && mesh.passes === this.mesher.passes) return this.mesher.fivePoints(img, mesh.points.map(([x, y]) => [x, y]));
    return stage.run(img, face);
  }

  /** Reads the manifest, verifies every model, builds the stages config names and creates their sessions. */
  static async load(config: FacePipelineConfig, manifest?: ModelManifest): Promise<FacePipeline> {
    const m = manifest ?? (await loadManifest());
    const stages = buildStages(m, config);
    await loadStages(stages);
    return new FacePipeline(m, config, stages);
  }

  /** The embedding model id templates are pinned to (recognizer id, "+flip" when flipping). */
  get modelId(): string {
    return this.recognizer.embeddingId;
  }

  get modelIds(): string[] {
    return [...this.recognizers.keys()];
  }

  /** The loaded recognizers for these model ids (MODEL_MISMATCH for one not loaded). */
  private recognizersFor(models: readonly string[]): RecognizerStage[] {
    return models.map((id) => {
      const stage = this.recognizers.get(id);
      if (!stage) throw new DomainError("MODEL_MISMATCH", `model ${id} is not loaded by this server (it loads ${this.modelIds.join(", ")})`);
      return stage;
    });
  }

  /** A loaded stage for another recognizer of the manifest (evaluation of candidates). */
  async extraRecognizer(id: string): Promise<RecognizerStage> {
    const stage = createEmbedder(this.manifest, id, { intraOpNumThreads: this.config.threads });
    await stage.load();
    return stage;
  }

  /** The 468-point mesh (x, y, z in image pixels) the liveness and attribute checks read, for one face. */
  async checksMesh(img: RgbImage, face: Detection): Promise<Point3[]> {
    return this.mesher.mesh3d(img, face);
  }

  async capture(image: Uint8Array, pick: FacePick, checks: CaptureChecks = {}, models: readonly string[] = [this.modelId]): Promise<FaceCapture> {
    if (models.length === 0) throw new Error("capture needs at least one model");
    const r = await this.process(image, { faces: pick, checks, models });
    const { face, measures, liveness, attributes, embeddings } = r.faces[0]!;
    return { modelId: models[0]!, embedding: embeddings[models[0]!]!, embeddings, ...inspectionOf(r, face, { measures, liveness, attributes }) };
  }

  async inspect(image: Uint8Array, pick: FacePick, checks: CaptureChecks): Promise<FaceInspection> {
    const r = await this.process(image, { faces: pick, checks });
    const { face, measures, liveness, attributes } = r.faces[0]!;
    return inspectionOf(r, face, { measures, liveness, attributes });
  }

  /** decode → detect → choose → for each face: landmarks/mesh → (embed with each recognizer) → checks. */
  async process(image: Uint8Array, plan: ProcessPlan, overrides: StageOverrides = {}): Promise<ImageProcessing> {
    const recognizers = overrides.recognizers ?? (plan.models && plan.models.length > 0 ? this.recognizersFor(plan.models) : []);
    const began = performance.now();
    const stageTimings: StageTiming[] = [];
    const stage = async <T>(name: StageTiming["stage"], work: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      try {
        return await work();
      } finally {
        stageTimings.push({ stage: name, startMs: t0 - began, ms: performance.now() - t0 });
      }
    };
    const img = await stage("decode", () => this.decode.run(image));
    const detections = await stage("detect", () => this.detector.run(img));
    const chosen = chooseFaces(detections, img, plan);
    const faces: ProcessedFace[] = [];
    for (const face of chosen) faces.push(await this.processFace(img, face, plan, recognizers, stage));
    return { imageWidth: img.width, imageHeight: img.height, faceCount: detections.length, faces, stageTimings };
  }

  private async processFace(img: RgbImage, face: Detection, plan: ProcessPlan, recognizers: readonly RecognizerStage[], stage: StageRunner): Promise<ProcessedFace> {
    const checks = plan.checks ?? {};
    const wantsChecks = Boolean(checks.quality || checks.liveness || checks.attributes);
    const precise = checks.liveness || checks.attributes || checks.challenges || plan.denseLandmarks;
    const passes = precise ? this.mesher.passes : this.qualityPasses;
    const mesh = wantsChecks || plan.denseLandmarks ? { points: await stage("landmarks", () => this.mesher.mesh3d(img, face, passes)), passes } : undefined;
    // Each recognizer aligns with its own landmark source (one run per source).
    const points = new Map<string, Point[]>();
    const pointsFrom = async (source: string) => {
      if (!points.has(source)) points.set(source, await stage("landmarks", () => this.fivePointsFrom(source, img, face, mesh)));
      return points.get(source)!;
    };
    const embeddings: Record<string, Float32Array> = {};
    for (const r of recognizers) {
      const five = await pointsFrom(this.landmarkIdOf(r));
      const aligned = await stage("align", async () => r.align(img, five));
      embeddings[r.embeddingId] = await stage("embed", () => r.run(aligned));
    }
    const extra = mesh && wantsChecks ? await this.checks.run(img, face, mesh.points, checks, stage) : {};
    return {
      face: reportedFace(face, img),
      ...(plan.fivePoints ? { fivePoints: (await pointsFrom(this.config.landmarkModel)).map(([x, y]) => [x, y] as ImagePoint) } : {}),
      ...(plan.denseLandmarks && mesh ? { denseLandmarks: mesh.points.map(([x, y, z]) => [x, y, z] as [number, number, number]) } : {}),
      ...extra,
      embeddings,
    };
  }
}

type StageRunner = <T>(name: StageTiming["stage"], work: () => Promise<T>) => Promise<T>;

/** The faces a plan works on: the one picked (NO_FACE, MULTIPLE_FACES) or every face, largest first. */
function chooseFaces(detections: readonly Detection[], img: RgbImage, plan: ProcessPlan): Detection[] {
  if (plan.faces === "all") {
    const bySize = [...detections].sort((a, b) => boxArea(b) - boxArea(a));
    return bySize.slice(0, plan.maxFaces ?? bySize.length);
  }
  if (detections.length === 0) {
    if (plan.noFaceIsEmpty) return [];
    throw new DomainError("NO_FACE", "no face was found in the image");
  }
  if (plan.faces === "single" && detections.length > 1) {
    throw new DomainError("MULTIPLE_FACES", `${detections.length} faces were found; enrollment needs exactly one`, { faceCount: detections.length });
  }
  return [plan.faces === "center" ? nearestCentreFace(detections, img)! : largestFace(detections)!];
}

/** A capture's report of its one face. */
function inspectionOf(r: ImageProcessing, face: DetectedFace, extra: Pick<ProcessedFace, "measures" | "liveness" | "attributes">): FaceInspection {
  return {
    face,
    faceCount: r.faceCount,
    imageWidth: r.imageWidth,
    imageHeight: r.imageHeight,
    ...(extra.measures ? { measures: extra.measures } : {}),
    ...(extra.liveness ? { liveness: extra.liveness } : {}),
    ...(extra.attributes ? { attributes: extra.attributes } : {}),
    stageTimings: r.stageTimings,
  };
}

/** The face box clipped to the image, in whole pixels, for API responses and metadata. */
export function reportedFace(b: Detection, img: { width: number; height: number }): DetectedFace {
  const x1 = Math.max(0, Math.round(b.x1));
  const y1 = Math.max(0, Math.round(b.y1));
  const x2 = Math.min(img.width, Math.round(b.x2));
  const y2 = Math.min(img.height, Math.round(b.y2));
  return { box: { x: x1, y: y1, width: x2 - x1, height: y2 - y1 }, score: b.score };
}
