/**
 * What the domain needs from the inference module: turn image bytes into one face's
 * embedding. Implemented by src/inference/face-pipeline.ts.
 */
import { DomainError } from "./errors.js";

export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DetectedFace {
  box: FaceBox;
  /** Detector confidence in [0, 1]. */
  score: number;
}

/** How to choose the face when an image holds several. */
export type FacePick =
  /** Exactly one face is required (enrollment): several faces fail with MULTIPLE_FACES. */
  | "single"
  /** The largest face is used (verification). */
  | "largest"
  /** The face nearest the image centre (how LFW labels its images). */
  | "center";

/** Faces one request may have processed beyond detection (each costs an inference: mesh or embedding). */
export const MAX_PROCESSED_FACES = 16;

/** INVALID_INPUT unless `maxFaces` is a whole number from 1 to `limit`. */
export function checkMaxFaces(maxFaces: number, limit = MAX_PROCESSED_FACES): void {
  if (!Number.isInteger(maxFaces) || maxFaces < 1 || maxFaces > limit) throw new DomainError("INVALID_INPUT", `maxFaces must be from 1 to ${limit}`);
}

/** Which faces one `process` call works on: one picked face, or every face ("all"). */
export type FaceSelection = FacePick | "all";

/** An image point in pixels (x, y). */
export type ImagePoint = [number, number];

/**
 * What one pass of the pipeline over an image should produce. Everything not asked for is
 * skipped (the detector always runs): a plan for detection alone embeds nothing.
 */
export interface ProcessPlan {
  /** Which faces: one chosen face (NO_FACE / MULTIPLE_FACES as for capture), or all of them, largest first. */
  faces: FaceSelection;
  /** With "all": at most this many faces (the largest) are processed; `faceCount` still counts every one. */
  maxFaces?: number;
  /** With a picked face: an image without a face gives no faces instead of NO_FACE (evaluation). */
  noFaceIsEmpty?: boolean;
  /** Measures besides the embedding (quality, liveness, attributes), per processed face. */
  checks?: CaptureChecks;
  /** Embed each processed face with these models (none: no embedding is made). */
  models?: readonly string[];
  /** Return each face's five alignment points. */
  fivePoints?: boolean;
  /** Return each face's dense landmarks (the 468-point mesh, x, y, z in pixels). */
  denseLandmarks?: boolean;
}

/** One face of a processed image: what the plan asked for. */
export interface ProcessedFace {
  face: DetectedFace;
  /** Image-left eye, image-right eye, nose tip, mouth's image-left and image-right corners. */
  fivePoints?: ImagePoint[];
  /** The dense mesh, x, y, z in image pixels (z grows away from the camera). */
  denseLandmarks?: [number, number, number][];
  measures?: FaceMeasures;
  liveness?: LivenessScore;
  attributes?: FaceAttributes;
  /** Embedding per model asked for. Biometric data: wipe once used. */
  embeddings: Record<string, Float32Array>;
}

export interface ImageProcessing {
  imageWidth: number;
  imageHeight: number;
  /** Every face the detector found (more than `faces` when maxFaces cut them). */
  faceCount: number;
  /** The faces processed, the chosen one or the largest first. */
  faces: ProcessedFace[];
  stageTimings: readonly StageTiming[];
}

/** Wipes every embedding of a processed image. */
export function wipeProcessing(result: ImageProcessing): void {
  for (const f of result.faces) for (const e of Object.values(f.embeddings)) e.fill(0);
}

/** What to measure besides the embedding (each costs a few ms; see models/README.md). */
export interface CaptureChecks {
  /** Capture-quality measures (size, blur, exposure, pose, eyes, frame). */
  quality?: boolean;
  /** Passive liveness (presentation-attack detection) score. */
  liveness?: boolean;
  /** Age, gender, expression, head pose. */
  attributes?: boolean;
  /**
   * The measures are read as active-liveness responses (head turn, blink, open mouth), so
   * the landmarks must be as precise as the engine makes them; without it, a capture that
   * only passes the quality gate may take a cheaper mesh.
   */
  challenges?: boolean;
}

/** Raw capture-quality measures of one face; src/domain/quality.ts judges them. */
export interface FaceMeasures {
  /** Distance between the eye centres in image pixels. */
  interEyeDistance: number;
  /**
   * Focus: variance of the Laplacian of the aligned 112×112 gray face crop divided by the
   * variance of its gray levels (so that exposure does not change it); blur lowers it.
   */
  sharpness: number;
  /** Mean gray level of the aligned face crop, 0–255. */
  brightness: number;
  /** Standard deviation of its gray levels. */
  contrast: number;
  /** Fractions of its pixels crushed to black (≤ 16) and burnt to white (≥ 239). */
  darkFraction: number;
  brightFraction: number;
  /** Head pose in degrees (yaw > 0: turned to the subject's left; pitch > 0: chin up; roll > 0: image-right eye lower). */
  yaw: number;
  pitch: number;
  roll: number;
  /** Probability that each eye is closed (image-left eye first). */
  leftEyeClosed: number;
  rightEyeClosed: number;
  /** Inner-lip gap over mouth width (about 0 closed, above 0.3 wide open). */
  mouthOpen: number;
  /** Fraction of the face's 468 mesh points that fall outside the image. */
  outsideFrame: number;
  /** Detector confidence in [0, 1]. */
  detectionScore: number;
}

/** The FER-2013 expression classes, in the order the expression model outputs them. */
export const EXPRESSIONS = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"] as const;
export type Expression = (typeof EXPRESSIONS)[number];

export const ATTRIBUTES = ["age", "gender", "expression"] as const;
export type AttributeName = (typeof ATTRIBUTES)[number];

export interface FaceAttributes {
  /** Estimated age in years. */
  age: number;
  /** Spread (standard deviation) of the model's age distribution, years; null when the model gives a point estimate. */
  ageSd: number | null;
  /** Share of the model's age distribution within ±5 years of `age`; null when the model gives a point estimate. */
  ageConfidence: number | null;
  gender: "female" | "male";
  /** Probability of the reported gender, 0.5–1. */
  genderConfidence: number;
  expression: Expression;
  /** Probability of the reported expression. */
  expressionConfidence: number;
  /** Probability per expression class. */
  expressionScores: Record<Expression, number>;
  pose: { yaw: number; pitch: number; roll: number };
  /**
   * Attributes whose model missed the platform's accuracy target when measured
   * (models/README.md), for this face: indicative only, not to be relied on.
   */
  belowTarget: AttributeName[];
}

export interface LivenessScore {
  /** Live score in [0, 1] (higher = more likely a live face); policy sets the threshold. */
  score: number;
  /** Each model's own score, by model id. */
  byModel: Record<string, number>;
}

/** What a capture reports besides the embedding. */
export type FaceInspection = Omit<FaceCapture, "modelId" | "embedding" | "embeddings">;

/** Wipes every embedding of a capture (once it has been sealed or compared). */
export function wipeCapture(capture: Pick<FaceCapture, "embedding" | "embeddings">): void {
  capture.embedding.fill(0);
  for (const e of Object.values(capture.embeddings)) e.fill(0);
}

/** One stage of a capture: its name, when it started after the capture began, and how long it ran (ms). */
export interface StageTiming {
  stage: "decode" | "detect" | "landmarks" | "align" | "embed" | "quality" | "liveness" | "attributes";
  startMs: number;
  ms: number;
}

export interface FaceCapture {
  /** Id of the embedding model (the models/manifest.json id of the recognizer): the first one asked for. */
  modelId: string;
  /** L2-normalised embedding. Biometric data: never log, return or store it unencrypted. */
  embedding: Float32Array;
  /**
   * The same face embedded by every model asked for (`embedding` among them), by model id:
   * a gallery being moved to a new model is searched with both.
   */
  embeddings: Record<string, Float32Array>;
  face: DetectedFace;
  /** How many faces the detector found in the image. */
  faceCount: number;
  imageWidth: number;
  imageHeight: number;
  /** Present when checks.quality was asked for. */
  measures?: FaceMeasures;
  /** Present when checks.liveness was asked for. */
  liveness?: LivenessScore;
  /** How long each stage took, in order (for traces and metrics: no image or face data). */
  stageTimings?: readonly StageTiming[];
  /** Present when checks.attributes was asked for. Never stored unless policy says so. */
  attributes?: FaceAttributes;
}

/**
 * The caller's image, read only when a service has decided to process it (after the
 * scope, subject and consent checks), so refused calls never touch the bytes. Throws
 * DomainError INVALID_IMAGE / IMAGE_TOO_LARGE / INVALID_INPUT for unreadable input.
 */
export type ImageSource = () => Promise<Uint8Array>;

export interface FaceEngine {
  /** The embedding model new galleries are pinned to (the default of captures). */
  readonly modelId: string;
  /** Every embedding model loaded: `modelId` first, then those older galleries are pinned to. */
  readonly modelIds: readonly string[];
  /**
   * Embeds the face with each model of `models` (default: `modelId`), the first giving
   * `modelId`/`embedding`. Throws DomainError INVALID_IMAGE, IMAGE_TOO_LARGE,
   * IMAGE_TOO_SMALL, NO_FACE or MULTIPLE_FACES, and MODEL_MISMATCH for a model not loaded.
   */
  capture(image: Uint8Array, pick: FacePick, checks?: CaptureChecks, models?: readonly string[]): Promise<FaceCapture>;
  /** The checks alone, without making an embedding (attribute analysis needs none). Same errors as capture. */
  inspect(image: Uint8Array, pick: FacePick, checks: CaptureChecks): Promise<FaceInspection>;
  /**
   * The one pass behind capture and inspect: decode, detect, then for each face the plan
   * selects, what it asks for. With `faces: "all"` an image without a face gives no faces
   * (not NO_FACE). Same errors as capture otherwise.
   */
  process(image: Uint8Array, plan: ProcessPlan): Promise<ImageProcessing>;
}
