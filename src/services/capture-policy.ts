/**
 * What a purpose's policy asks of a capture (src/domain/policy/policy.ts, `capture`),
 * applied in one place for enroll, verify and identify: which checks the inference
 * module must run, then the quality gate and the passive-liveness requirement. Refusals
 * are typed errors: LOW_QUALITY (BAD_USER_INPUT, the reasons in extensions.qualityReasons)
 * and LIVENESS_FAILED (FORBIDDEN).
 */
import { DomainError } from "../domain/errors.js";
import type { CaptureChecks, FaceInspection, FaceMeasures } from "../domain/face-engine.port.js";
import type { Operation, PurposePolicy } from "../domain/policy/policy.js";
import { assessQuality, qualityLimits, type QualityReason } from "../domain/quality.js";

/** The quality verdict returned with enrollments and verifications. */
export interface QualityReport {
  score: number;
  passed: boolean;
  reasons: QualityReason[];
  interEyeDistance: number;
  sharpness: number;
  brightness: number;
  yaw: number;
  pitch: number;
  roll: number;
}

/** The checks to run for an operation under a purpose's policy. */
export function checksFor(rule: PurposePolicy, op: Operation, opts: { attributes?: boolean } = {}): CaptureChecks {
  return {
    quality: true,
    liveness: rule.capture.passiveLiveness?.operations.includes(op) ?? false,
    attributes: opts.attributes ?? false,
  };
}

/**
 * Applies the quality gate (always at enrollment; at verify/identify when the policy's
 * `gateProbes` is set) and the passive-liveness requirement. Returns the quality report.
 */
export function enforceCapture(rule: PurposePolicy, op: Operation, capture: Pick<FaceInspection, "measures" | "liveness">): QualityReport {
  const m = capture.measures;
  if (!m) throw new Error("enforceCapture needs a capture made with checks.quality");
  const quality = qualityReport(rule, m);
  const gate = op === "enroll" || rule.capture.gateProbes;
  if (gate && quality.reasons.length > 0) {
    throw new DomainError("LOW_QUALITY", `the capture failed the quality gate: ${quality.reasons.join(", ")}`, {
      qualityReasons: quality.reasons,
      qualityScore: round(quality.score),
    });
  }
  const live = rule.capture.passiveLiveness;
  if (live && live.operations.includes(op)) {
    const score = capture.liveness?.score;
    if (score === undefined) throw new Error("enforceCapture: liveness required but not measured");
    if (!(score >= live.minScore)) {
      throw new DomainError("LIVENESS_FAILED", `the capture did not pass the passive liveness check for ${rule.name}`, {
        livenessFailures: ["PASSIVE_LIVENESS_LOW"],
        livenessScore: round(score),
        minScore: live.minScore,
      });
    }
  }
  return quality;
}

/** The quality verdict of one face's measures under the purpose's limits (no gate). */
export function qualityReport(rule: PurposePolicy, m: FaceMeasures): QualityReport {
  const quality = assessQuality(m, qualityLimits(rule.capture.quality));
  return {
    score: quality.score,
    passed: quality.reasons.length === 0,
    reasons: quality.reasons,
    interEyeDistance: m.interEyeDistance,
    sharpness: m.sharpness,
    brightness: m.brightness,
    yaw: m.yaw,
    pitch: m.pitch,
    roll: m.roll,
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
