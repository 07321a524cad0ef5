import { describe, expect, it } from "vitest";
import { actionsIn, CHALLENGES, checkSequence, newChallenges, type Challenge, type FrameObservation } from "./liveness-session.js";

const neutral: FrameObservation = { yaw: 2, leftEyeClosed: 0.01, rightEyeClosed: 0.02, mouthOpen: 0.05, similarityToFirst: 1 };
const frameFor: Record<Challenge, FrameObservation> = {
  BLINK: { ...neutral, leftEyeClosed: 0.95, rightEyeClosed: 0.9, similarityToFirst: 0.8 },
  TURN_LEFT: { ...neutral, yaw: 25, similarityToFirst: 0.6 },
  TURN_RIGHT: { ...neutral, yaw: -24, similarityToFirst: 0.6 },
  OPEN_MOUTH: { ...neutral, mouthOpen: 0.45, similarityToFirst: 0.85 },
};

describe("newChallenges", () => {
  it("returns every challenge once, in an order the random source decides", () => {
    const fixed = (values: number[]) => ({ int: () => values.shift() ?? 0 });
    const a = newChallenges(fixed([0, 0, 0]));
    const b = newChallenges(fixed([3, 2, 1]));
    expect([...a].sort()).toEqual([...CHALLENGES].sort());
    expect([...b].sort()).toEqual([...CHALLENGES].sort());
    expect(a).not.toEqual(b);
  });
  it("reaches every one of the 24 orders", () => {
    const seen = new Set<string>();
    let seed = 1;
    // High bits of an LCG (its low bits cycle with short periods).
    const lcg = { int: (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), Math.floor((seed / 2 ** 31) * n)) };
    for (let i = 0; i < 2000; i++) seen.add(newChallenges(lcg).join(","));
    expect(seen.size).toBe(24);
  });
});

describe("actionsIn", () => {
  it("recognises each action against the neutral first frame, and nothing in the neutral frame", () => {
    expect([...actionsIn(neutral, neutral)]).toEqual([]);
    for (const c of CHALLENGES) expect([...actionsIn(frameFor[c], neutral)]).toEqual([c]);
  });
  it("does not count a wink as a blink or a slight turn as a turn", () => {
    expect(actionsIn({ ...neutral, leftEyeClosed: 0.99 }, neutral).size).toBe(0);
    expect(actionsIn({ ...neutral, yaw: 10 }, neutral).size).toBe(0);
  });
});

describe("checkSequence", () => {
  const challenges: Challenge[] = ["TURN_LEFT", "BLINK", "OPEN_MOUTH", "TURN_RIGHT"];
  const inOrder = [neutral, ...challenges.map((c) => frameFor[c])];

  it("passes frames that show the challenges in order", () => {
    expect(checkSequence(challenges, inOrder)).toEqual({ passed: true, reasons: [] });
  });
  it("passes with neutral frames in between", () => {
    const padded = [neutral, frameFor.TURN_LEFT, neutral, frameFor.BLINK, neutral, frameFor.OPEN_MOUTH, frameFor.TURN_RIGHT, neutral];
    expect(checkSequence(challenges, padded).passed).toBe(true);
  });
  it("fails the same frames in another order with CHALLENGE_ORDER", () => {
    const shuffled = [neutral, ...[...challenges].reverse().map((c) => frameFor[c])];
    expect(checkSequence(challenges, shuffled)).toEqual({ passed: false, reasons: ["CHALLENGE_ORDER"] });
  });
  it("fails when an action never happens with CHALLENGE_MISSING", () => {
    const missing = [neutral, frameFor.TURN_LEFT, frameFor.BLINK, frameFor.OPEN_MOUTH, neutral];
    expect(checkSequence(challenges, missing).reasons).toEqual(["CHALLENGE_MISSING"]);
  });
  it("fails when a frame shows someone else with DIFFERENT_PERSON", () => {
    const mixed = inOrder.map((f, i) => (i === 2 ? { ...f, similarityToFirst: 0.05 } : f));
    expect(checkSequence(challenges, mixed)).toEqual({ passed: false, reasons: ["DIFFERENT_PERSON"] });
  });
  it("fails too short a sequence and a turned first frame", () => {
    expect(checkSequence(challenges, inOrder.slice(0, 3)).reasons).toContain("TOO_FEW_FRAMES");
    expect(checkSequence(challenges, []).reasons).toEqual(["TOO_FEW_FRAMES"]);
    expect(checkSequence(challenges, [frameFor.TURN_RIGHT, ...inOrder.slice(1)]).reasons).toContain("NOT_FRONTAL_AT_START");
  });
});
