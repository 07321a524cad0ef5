import { describe, expect, it } from "vitest";
import { headPose, type Point3 } from "./head-pose.js";

/** A frontal face's four points rotated by yaw (about y), then pitch (about x), then roll (about z). */
function pose(yawDeg: number, pitchDeg: number, rollDeg: number) {
  const r = (d: number) => (d * Math.PI) / 180;
  const rot = ([x, y, z]: Point3): Point3 => {
    const cy = Math.cos(r(yawDeg)), sy = Math.sin(r(yawDeg));
    [x, z] = [x * cy - z * sy, x * sy + z * cy];
    const cp = Math.cos(r(pitchDeg)), sp = Math.sin(r(pitchDeg));
    // Positive pitch brings the chin (y > 0) towards the camera (z < 0).
    [y, z] = [y * cp + z * sp, -y * sp + z * cp];
    const cr = Math.cos(r(rollDeg)), sr = Math.sin(r(rollDeg));
    [x, y] = [x * cr - y * sr, x * sr + y * cr];
    return [x, y, z];
  };
  return headPose(rot([-40, 0, 0]), rot([40, 0, 0]), rot([0, -60, 0]), rot([0, 60, 0]));
}

describe("headPose", () => {
  it("is zero for a frontal face", () => {
    const p = pose(0, 0, 0);
    expect(p.yaw).toBeCloseTo(0);
    expect(p.pitch).toBeCloseTo(0);
    expect(p.roll).toBeCloseTo(0);
  });
  it.each([
    [25, 0, 0],
    [-30, 0, 0],
    [0, 20, 0],
    [0, -15, 0],
    [0, 0, 12],
    [0, 0, -40],
  ])("recovers yaw %d, pitch %d, roll %d when one angle is set", (yaw, pitch, roll) => {
    const p = pose(yaw, pitch, roll);
    expect(p.yaw).toBeCloseTo(yaw, 5);
    expect(p.pitch).toBeCloseTo(pitch, 5);
    expect(p.roll).toBeCloseTo(roll, 5);
  });
  it("keeps the sign of yaw under a moderate roll", () => {
    expect(pose(20, 0, 15).yaw).toBeGreaterThan(15);
    expect(pose(-20, 0, 15).yaw).toBeLessThan(-15);
  });
});
