/**
 * The whole face stack behind the domain's FaceEngine port:
 * decode → detect → 68 landmarks → 5 points → align → embed.
 * One instance per process; its stages hold the ONNX sessions.
 */
import { DomainError } from "../domain/errors.js";
import type { DetectedFace, FaceCapture, FaceEngine, FacePick } from "../domain/face-engine.port.js";
import { boxArea, type ScoredBox } from "../math/nms.js";
import type { Point } from "../math/similarity-transform.js";
import { EmbedStage } from "./embed.stage.js";
import { FaceAlignStage } from "./face-align.stage.js";
import { FaceDetectStage } from "./face-detect.stage.js";
import { fivePointsFrom68 } from "./five-point.js";
import { ImageDecodeStage, type DecodeLimits, type RgbImage } from "./image-decode.stage.js";
import { LandmarksStage } from "./landmarks.stage.js";
import { findModel, loadManifest, type ModelManifest } from "./model-manifest.js";

export interface FacePipelineConfig {
  detectorModel: string;
  landmarkModel: string;
  recognizerModel: string;
  threads: number;
  detectScoreThreshold: number;
  minFaceSize: number;
  decode: DecodeLimits;
}

export type StageName = "decode" | "detect" | "landmarks" | "align" | "embed";
export type StageTimings = Record<StageName, number>;

export interface AnalyzedFace {
  box: ScoredBox;
  fivePoints: Point[];
  embedding: Float32Array;
}

export class FacePipeline implements FaceEngine {
  readonly decode: ImageDecodeStage;
  readonly detect: FaceDetectStage;
  readonly landmarks: LandmarksStage;
  readonly align = new FaceAlignStage();
  readonly embed: EmbedStage;

  private constructor(manifest: ModelManifest, cfg: FacePipelineConfig) {
    const onnx = { intraOpNumThreads: cfg.threads };
    this.decode = new ImageDecodeStage(cfg.decode);
    this.detect = new FaceDetectStage(findModel(manifest, cfg.detectorModel, "detector"), {
      ...onnx,
      scoreThreshold: cfg.detectScoreThreshold,
      iouThreshold: 0.4,
      minFaceSize: cfg.minFaceSize,
    });
    this.landmarks = new LandmarksStage(findModel(manifest, cfg.landmarkModel, "landmarks68"), onnx);
    this.embed = new EmbedStage(findModel(manifest, cfg.recognizerModel, "recognizer"), onnx);
  }

  /** Reads the manifest, verifies every model file and creates the ONNX sessions. */
  static async load(cfg: FacePipelineConfig, manifest?: ModelManifest): Promise<FacePipeline> {
    const pipeline = new FacePipeline(manifest ?? (await loadManifest()), cfg);
    await Promise.all([pipeline.decode.load(), pipeline.detect.load(), pipeline.landmarks.load(), pipeline.align.load(), pipeline.embed.load()]);
    return pipeline;
  }

  get modelId(): string {
    return this.embed.spec.id;
  }

  async capture(image: Uint8Array, pick: FacePick): Promise<FaceCapture> {
    const img = await this.decode.run(image);
    const faces = await this.detect.run(img);
    if (faces.length === 0) throw new DomainError("NO_FACE", "no face was found in the image");
    if (pick === "single" && faces.length > 1) {
      throw new DomainError("MULTIPLE_FACES", `${faces.length} faces were found; enrollment needs exactly one`, { faceCount: faces.length });
    }
    const chosen = largest(faces);
    const embedding = await this.embedFace(img, chosen);
    return {
      modelId: this.modelId,
      embedding,
      face: reportedFace(chosen, img),
      faceCount: faces.length,
      imageWidth: img.width,
      imageHeight: img.height,
    };
  }

  /** Every face in an image with per-stage timings (benchmarks and evaluation). */
  async analyze(image: Uint8Array): Promise<{ image: RgbImage; faces: AnalyzedFace[]; timings: StageTimings }> {
    const timings: StageTimings = { decode: 0, detect: 0, landmarks: 0, align: 0, embed: 0 };
    const timed = async <T>(stage: StageName, fn: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      try {
        return await fn();
      } finally {
        timings[stage] += performance.now() - t0;
      }
    };
    const img = await timed("decode", () => this.decode.run(image));
    const boxes = await timed("detect", () => this.detect.run(img));
    const faces: AnalyzedFace[] = [];
    for (const box of boxes) {
      const points68 = await timed("landmarks", () => this.landmarks.run(img, box));
      const fivePoints = fivePointsFrom68(points68);
      const aligned = await timed("align", () => this.align.run(img, fivePoints));
      const embedding = await timed("embed", () => this.embed.run(aligned));
      faces.push({ box, fivePoints, embedding });
    }
    return { image: img, faces, timings };
  }

  private async embedFace(img: RgbImage, box: ScoredBox): Promise<Float32Array> {
    const points68 = await this.landmarks.run(img, box);
    const aligned = await this.align.run(img, fivePointsFrom68(points68));
    return this.embed.run(aligned);
  }
}

function largest(faces: readonly ScoredBox[]): ScoredBox {
  return faces.reduce((best, f) => (boxArea(f) > boxArea(best) ? f : best));
}

/** The face box clipped to the image, in whole pixels, for API responses and metadata. */
function reportedFace(b: ScoredBox, img: RgbImage): DetectedFace {
  const x1 = Math.max(0, Math.round(b.x1));
  const y1 = Math.max(0, Math.round(b.y1));
  const x2 = Math.min(img.width, Math.round(b.x2));
  const y2 = Math.min(img.height, Math.round(b.y2));
  return { box: { x: x1, y: y1, width: x2 - x1, height: y2 - y1 }, score: b.score };
}
