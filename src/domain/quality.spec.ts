import { describe, expect, it } from "vitest";
import { assessQuality, DEFAULT_QUALITY_LIMITS, qualityLimits, QUALITY_REASONS, type QualityInput } from "./quality.js";

const good: QualityInput = {
  interEyeDistance: 100,
  sharpness: 0.3,
  brightness: 125,
  darkFraction: 0,
  brightFraction: 0,
  yaw: 0,
  pitch: 0,
  roll: 0,
  leftEyeClosed: 0,
  rightEyeClosed: 0,
  outsideFrame: 0,
  detectionScore: 1,
};

describe("assessQuality", () => {
  it("passes a good capture with a score of 1", () => {
    expect(assessQuality(good)).toEqual({ reasons: [], score: 1 });
  });

  it.each([
    ["FACE_TOO_SMALL", { interEyeDistance: 12 }],
    ["BLURRY", { sharpness: 0.01 }],
    ["UNDEREXPOSED", { brightness: 20 }],
    ["UNDEREXPOSED", { darkFraction: 0.5 }],
    ["OVEREXPOSED", { brightness: 240 }],
    ["OVEREXPOSED", { brightFraction: 0.6 }],
    ["EXTREME_POSE", { yaw: -50 }],
    ["EXTREME_POSE", { pitch: 40 }],
    ["EXTREME_POSE", { roll: 45 }],
    ["EYES_CLOSED", { leftEyeClosed: 0.9, rightEyeClosed: 0.8 }],
    ["PARTIAL_FACE", { outsideFrame: 0.1 }],
    ["LOW_DETECTION_SCORE", { detectionScore: 0.6 }],
  ] as const)("fails with %s", (reason, change) => {
    const a = assessQuality({ ...good, ...change });
    expect(a.reasons).toEqual([reason]);
    expect(a.score).toBe(0);
  });

  it("does not fail a wink (one eye closed)", () => {
    expect(assessQuality({ ...good, leftEyeClosed: 0.99 }).reasons).toEqual([]);
  });

  it("reports every failure at once, in the enum's order", () => {
    const a = assessQuality({ ...good, interEyeDistance: 5, brightness: 10, outsideFrame: 0.5 });
    expect(a.reasons).toEqual(["FACE_TOO_SMALL", "UNDEREXPOSED", "PARTIAL_FACE"]);
    expect(a.reasons.every((r) => QUALITY_REASONS.includes(r))).toBe(true);
  });

  it("treats NaN measures as failures", () => {
    expect(assessQuality({ ...good, sharpness: Number.NaN }).reasons).toEqual(["BLURRY"]);
  });

  it("scores a capture near a limit lower than a comfortable one", () => {
    const near = assessQuality({ ...good, yaw: 30 });
    const far = assessQuality({ ...good, yaw: 10 });
    expect(near.reasons).toEqual([]);
    expect(near.score).toBeGreaterThan(0);
    expect(near.score).toBeLessThan(far.score);
  });

  it("applies a policy's overrides on top of the defaults", () => {
    const strict = qualityLimits({ minInterEyeDistance: 150 });
    expect(strict.maxYaw).toBe(DEFAULT_QUALITY_LIMITS.maxYaw);
    expect(assessQuality(good, strict).reasons).toEqual(["FACE_TOO_SMALL"]);
  });
});
