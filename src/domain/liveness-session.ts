/**
 * Active liveness: a single-use session asks the person in front of the camera for a
 * random sequence of actions (blink, turn left, turn right, open mouth); the client
 * sends a short sequence of frames, and the checker below decides from per-frame
 * observations (head pose, eye state, mouth opening, same-person similarity) whether the
 * actions happened, in order, by one person. Pure: the service measures the frames and
 * stores the session.
 *
 * Directions are the subject's own: TURN_LEFT means the person turns their head to their
 * left, which in an unmirrored camera image turns the face towards image right (yaw > 0,
 * see src/math/head-pose.ts). Clients that mirror the preview must not mirror the frames.
 */
import type { RandomSource } from "./clock.port.js";

export const CHALLENGES = ["BLINK", "TURN_LEFT", "TURN_RIGHT", "OPEN_MOUTH"] as const;
export type Challenge = (typeof CHALLENGES)[number];

export type LivenessSessionStatus = "PENDING" | "PASSED" | "FAILED" | "CONSUMED";

/** A session lives at most this long (the limit is 180 s). */
export const LIVENESS_SESSION_TTL_SECONDS = 120;
/** Frames accepted per submission. */
export const MAX_LIVENESS_FRAMES = 16;

export interface LivenessSession {
  id: string;
  tenantId: string;
  subjectId: string;
  purpose: string;
  challenges: Challenge[];
  status: LivenessSessionStatus;
  createdAt: Date;
  expiresAt: Date;
  /** When frames were judged (PASSED or FAILED), null before. */
  completedAt: Date | null;
  /** Why it failed (LivenessFailure values), empty otherwise. */
  failureReasons: string[];
}

/** Why an active-liveness check failed. */
export const LIVENESS_FAILURES = [
  "SESSION_REQUIRED",
  "SESSION_EXPIRED",
  "SESSION_USED",
  "SESSION_NOT_PASSED",
  "WRONG_SUBJECT",
  "WRONG_PURPOSE",
  "NO_FACE_IN_FRAME",
  "TOO_FEW_FRAMES",
  "NOT_FRONTAL_AT_START",
  "CHALLENGE_MISSING",
  "CHALLENGE_ORDER",
  "DIFFERENT_PERSON",
  "SUBJECT_MISMATCH",
] as const;
export type LivenessFailure = (typeof LIVENESS_FAILURES)[number];

/** What one frame shows, measured by the inference module. */
export interface FrameObservation {
  /** Degrees; > 0 turned to the subject's left. */
  yaw: number;
  leftEyeClosed: number;
  rightEyeClosed: number;
  /** Inner-lip gap over mouth width. */
  mouthOpen: number;
  /** Cosine similarity of this frame's face to the first frame's. */
  similarityToFirst: number;
}

export interface ChallengeLimits {
  /** Both eyes closed with at least this probability is a blink. */
  blinkEyesClosed: number;
  /** |yaw| at least this, in the asked direction, is a turn… */
  turnYaw: number;
  /** …and at least this far from the first frame's yaw. */
  turnChange: number;
  /** The first frame must be roughly frontal: |yaw| at most this. */
  frontalYaw: number;
  /** Mouth opening at least this, and at least `mouthChange` above the first frame's. */
  mouthOpen: number;
  mouthChange: number;
  /** Every frame must match the first at least this well (same person). */
  samePersonSimilarity: number;
}

export const DEFAULT_CHALLENGE_LIMITS: Readonly<ChallengeLimits> = Object.freeze({
  blinkEyesClosed: 0.5,
  turnYaw: 15,
  turnChange: 12,
  frontalYaw: 12,
  mouthOpen: 0.3,
  mouthChange: 0.15,
  samePersonSimilarity: 0.3,
});

/** All four challenges in a uniformly random order (Fisher–Yates). */
export function newChallenges(random: RandomSource): Challenge[] {
  const out = [...CHALLENGES];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Which challenges a frame shows, given the first frame as the baseline. */
export function actionsIn(frame: FrameObservation, first: FrameObservation, limits: ChallengeLimits = DEFAULT_CHALLENGE_LIMITS): Set<Challenge> {
  const shown = new Set<Challenge>();
  if (Math.min(frame.leftEyeClosed, frame.rightEyeClosed) >= limits.blinkEyesClosed) shown.add("BLINK");
  if (frame.yaw >= limits.turnYaw && frame.yaw - first.yaw >= limits.turnChange) shown.add("TURN_LEFT");
  if (frame.yaw <= -limits.turnYaw && first.yaw - frame.yaw >= limits.turnChange) shown.add("TURN_RIGHT");
  if (frame.mouthOpen >= limits.mouthOpen && frame.mouthOpen - first.mouthOpen >= limits.mouthChange) shown.add("OPEN_MOUTH");
  return shown;
}

export interface SequenceVerdict {
  passed: boolean;
  reasons: LivenessFailure[];
}

/**
 * Did the frames show the challenges in order, by one person? The first frame is the
 * neutral baseline (frontal, eyes open); each challenge must then appear in a later frame
 * than the one before it. Every frame must show the same person as the first.
 */
export function checkSequence(challenges: readonly Challenge[], frames: readonly FrameObservation[], limits: ChallengeLimits = DEFAULT_CHALLENGE_LIMITS): SequenceVerdict {
  const reasons = new Set<LivenessFailure>();
  if (frames.length < challenges.length + 1) reasons.add("TOO_FEW_FRAMES");
  const first = frames[0];
  if (!first) return { passed: false, reasons: ["TOO_FEW_FRAMES"] };
  if (Math.abs(first.yaw) > limits.frontalYaw || actionsIn(first, first, limits).has("BLINK")) reasons.add("NOT_FRONTAL_AT_START");
  if (frames.some((f) => !(f.similarityToFirst >= limits.samePersonSimilarity))) reasons.add("DIFFERENT_PERSON");

  const shown = frames.map((f) => actionsIn(f, first, limits));
  let next = 0;
  for (let i = 1; i < frames.length && next < challenges.length; i++) {
    if (shown[i]!.has(challenges[next]!)) next++;
  }
  if (next < challenges.length) {
    const everyOneShown = challenges.every((c) => shown.some((s, i) => i > 0 && s.has(c)));
    reasons.add(everyOneShown ? "CHALLENGE_ORDER" : "CHALLENGE_MISSING");
  }
  const list = LIVENESS_FAILURES.filter((r) => reasons.has(r));
  return { passed: list.length === 0, reasons: list };
}
