/**
 * What the domain needs from the inference module: turn image bytes into one face's
 * embedding. Implemented by src/inference/face-pipeline.ts.
 */

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

export interface FaceCapture {
  /** Id of the embedding model (the models/manifest.json id of the recognizer). */
  modelId: string;
  /** L2-normalised embedding. Biometric data: never log, return or store it unencrypted. */
  embedding: Float32Array;
  face: DetectedFace;
  /** How many faces the detector found in the image. */
  faceCount: number;
  imageWidth: number;
  imageHeight: number;
}

/**
 * The caller's image, read only when a service has decided to process it (after the
 * scope, subject and consent checks), so refused calls never touch the bytes. Throws
 * DomainError INVALID_IMAGE / IMAGE_TOO_LARGE / INVALID_INPUT for unreadable input.
 */
export type ImageSource = () => Promise<Uint8Array>;

export interface FaceEngine {
  /** The embedding model new captures are made with. */
  readonly modelId: string;
  /** Throws DomainError INVALID_IMAGE, IMAGE_TOO_LARGE, IMAGE_TOO_SMALL, NO_FACE or MULTIPLE_FACES. */
  capture(image: Uint8Array, pick: FacePick): Promise<FaceCapture>;
}
