/**
 * The capture-quality gate: which of a face's measures (src/domain/face-engine.port.ts)
 * fail which limits, and a quality score in [0, 1]. Pure functions; the limits come from
 * the platform defaults below, overridden per purpose by policy (`capture.quality`).
 *
 * The score is the geometric mean of one ramp per limit: 0 at the limit, 1 at the "good"
 * level (twice as far from the limit as the default margin), so a capture that fails any
 * limit scores 0 and one comfortably inside every limit scores 1.
 */
import type { FaceMeasures } from "./face-engine.port.js";

export const QUALITY_REASONS = [
  "FACE_TOO_SMALL",
  "BLURRY",
  "OVEREXPOSED",
  "UNDEREXPOSED",
  "EXTREME_POSE",
  "EYES_CLOSED",
  "PARTIAL_FACE",
  "LOW_DETECTION_SCORE",
] as const;
export type QualityReason = (typeof QUALITY_REASONS)[number];

export interface QualityLimits {
  /** Smallest distance between the eye centres, in pixels. */
  minInterEyeDistance: number;
  /** Smallest focus measure (Laplacian variance over gray-level variance of the aligned crop). */
  minSharpness: number;
  /** Mean gray level of the aligned face crop must lie within [minBrightness, maxBrightness]. */
  minBrightness: number;
  maxBrightness: number;
  /** At most this fraction of the face crop burnt to white. */
  maxBrightFraction: number;
  /** At most this fraction crushed to black. */
  maxDarkFraction: number;
  /** Largest |yaw|, |pitch|, |roll| in degrees. */
  maxYaw: number;
  maxPitch: number;
  maxRoll: number;
  /** Both eyes closed with at least this probability fails. */
  maxEyesClosed: number;
  /** At most this fraction of the face's mesh points outside the image. */
  maxOutsideFrame: number;
  minDetectionScore: number;
}

/**
 * Defaults, set from measurements on ../shared/faces and degraded copies of it
 * (models/README.md, "Capture checks"): every identity photo passes with a margin.
 */
export const DEFAULT_QUALITY_LIMITS: Readonly<QualityLimits> = Object.freeze({
  minInterEyeDistance: 20,
  minSharpness: 0.04,
  minBrightness: 50,
  maxBrightness: 210,
  maxBrightFraction: 0.25,
  maxDarkFraction: 0.25,
  maxYaw: 35,
  maxPitch: 30,
  maxRoll: 30,
  maxEyesClosed: 0.5,
  maxOutsideFrame: 0.02,
  // The default detector's (YuNet-n) score of the chosen face: 0.928–0.956 on the identity
  // photos, p0.1 0.819 over UTKFace's tight crops, p1 0.912 over the LFW development view
  // (models/README.md); RFB-320's faces scored 0.99+ and this was 0.9 for it.
  minDetectionScore: 0.75,
});

/** The measures the gate reads (a subset of FaceMeasures, so tests can build them). */
export type QualityInput = Pick<
  FaceMeasures,
  "interEyeDistance" | "sharpness" | "brightness" | "darkFraction" | "brightFraction" | "yaw" | "pitch" | "roll" | "leftEyeClosed" | "rightEyeClosed" | "outsideFrame" | "detectionScore"
>;

export interface QualityAssessment {
  /** Empty when the capture passes. */
  reasons: QualityReason[];
  score: number;
}

export function assessQuality(m: QualityInput, limits: QualityLimits = DEFAULT_QUALITY_LIMITS): QualityAssessment {
  const reasons = new Set<QualityReason>();
  const ramps: number[] = [];
  /** A "higher is better" value: fails below `min`, 1 at `good`. */
  const atLeast = (reason: QualityReason, value: number, min: number, good: number) => {
    if (!(value >= min)) reasons.add(reason);
    ramps.push(clamp01((value - min) / Math.max(1e-9, good - min)));
  };
  /** A "lower is better" value: fails above `max`, 1 at `good`. */
  const atMost = (reason: QualityReason, value: number, max: number, good: number) => {
    if (!(value <= max)) reasons.add(reason);
    ramps.push(clamp01((max - value) / Math.max(1e-9, max - good)));
  };
  atLeast("FACE_TOO_SMALL", m.interEyeDistance, limits.minInterEyeDistance, limits.minInterEyeDistance * 2);
  atLeast("BLURRY", m.sharpness, limits.minSharpness, limits.minSharpness * 2);
  atLeast("UNDEREXPOSED", m.brightness, limits.minBrightness, limits.minBrightness + 30);
  atMost("UNDEREXPOSED", m.darkFraction, limits.maxDarkFraction, limits.maxDarkFraction / 2);
  atMost("OVEREXPOSED", m.brightness, limits.maxBrightness, limits.maxBrightness - 30);
  atMost("OVEREXPOSED", m.brightFraction, limits.maxBrightFraction, limits.maxBrightFraction / 2);
  atMost("EXTREME_POSE", Math.abs(m.yaw), limits.maxYaw, limits.maxYaw / 2);
  atMost("EXTREME_POSE", Math.abs(m.pitch), limits.maxPitch, limits.maxPitch / 2);
  atMost("EXTREME_POSE", Math.abs(m.roll), limits.maxRoll, limits.maxRoll / 2);
  atMost("EYES_CLOSED", Math.min(m.leftEyeClosed, m.rightEyeClosed), limits.maxEyesClosed, limits.maxEyesClosed / 2);
  atMost("PARTIAL_FACE", m.outsideFrame, limits.maxOutsideFrame, 0);
  atLeast("LOW_DETECTION_SCORE", m.detectionScore, limits.minDetectionScore, 1);
  const score = ramps.reduce((p, r) => p * r, 1) ** (1 / ramps.length);
  return { reasons: QUALITY_REASONS.filter((r) => reasons.has(r)), score: reasons.size > 0 ? 0 : score };
}

/** The limits with a policy's overrides applied. */
export function qualityLimits(overrides: Partial<QualityLimits> | null | undefined): QualityLimits {
  return { ...DEFAULT_QUALITY_LIMITS, ...(overrides ?? {}) };
}

function clamp01(x: number): number {
  return Number.isNaN(x) ? 0 : Math.min(1, Math.max(0, x));
}
