import { describe, expect, it } from "vitest";
import { DEFAULT_TRACKER, iou, StreamTracker, type FaceObservation } from "./stream-tracker.js";

/** A unit vector along axis i (different people), optionally a little off it. */
function vec(i: number, tilt = 0): Float32Array {
  const v = new Float32Array(8);
  v[i] = 1;
  v[(i + 1) % 8] = tilt;
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}
const face = (x: number, person: number, quality = 0.5, tilt = 0): FaceObservation => ({ box: { x, y: 100, width: 100, height: 120 }, embedding: vec(person, tilt), quality });

function tracker(settings: Partial<typeof DEFAULT_TRACKER> = {}) {
  let n = 0;
  return new StreamTracker({ ...DEFAULT_TRACKER, ...settings }, () => `trk_${++n}`);
}

describe("stream tracker", () => {
  it("samples frames at the configured interval of stream time", () => {
    const t = tracker({ sampleIntervalMs: 200 });
    expect(t.admit(0)).toBe(true);
    t.observe(0, []);
    expect(t.admit(150)).toBe(false);
    expect(t.admit(200)).toBe(true);
    // A stream restarted from an earlier time is not starved.
    expect(t.admit(-5)).toBe(true);
  });

  it("keeps a moving face in its track by overlap, and a briefly hidden one by resemblance", () => {
    const t = tracker();
    const [a] = t.observe(0, [face(0, 0)]);
    t.identified(a!.track, 0.5, "sub_0", 0);
    const [b] = t.observe(200, [face(20, 0)]);
    expect(b!.track.id).toBe(a!.track.id);
    expect(a!.identify).toBe(true);
    expect(b!.identify).toBe(false);
    // Jumped across the frame (no overlap) but the same face: the same track.
    const [c] = t.observe(400, [face(400, 0, 0.5, 0.1)]);
    expect(c!.track.id).toBe(a!.track.id);
    // Someone else in the old place: a new track.
    const [d] = t.observe(600, [face(20, 3)]);
    expect(d!.track.id).not.toBe(a!.track.id);
    expect(d!.identify).toBe(true);
    // …even where they overlap the track's last box.
    const [e] = t.observe(800, [face(400, 5)]);
    expect(e!.track.id).not.toBe(a!.track.id);
    expect(e!.identify).toBe(true);
  });

  it("ends tracks unseen for longer than the timeout and wipes their embedding", () => {
    const t = tracker({ trackTimeoutMs: 1000 });
    const [a] = t.observe(0, [face(0, 1)]);
    t.observe(900, []);
    expect(t.activeTracks).toBe(1);
    t.observe(1100, []);
    expect(t.activeTracks).toBe(0);
    expect(Array.from(a!.track.embedding).every((x) => x === 0)).toBe(true);
    const [back] = t.observe(1300, [face(0, 1)]);
    expect(back!.track.id).not.toBe(a!.track.id);
    expect(back!.identify).toBe(true);
  });

  it("identifies a track again only when its quality improves enough, at most maxIdentifications times", () => {
    const t = tracker({ qualityGain: 0.1, maxIdentifications: 2 });
    const [a] = t.observe(0, [face(0, 2, 0.3)]);
    t.identified(a!.track, 0.3, null, 0);
    expect(t.observe(200, [face(0, 2, 0.35)])[0]!.identify).toBe(false);
    const better = t.observe(400, [face(0, 2, 0.45)])[0]!;
    expect(better.identify).toBe(true);
    t.identified(better.track, 0.45, "sub_a", 400);
    expect(t.observe(600, [face(0, 2, 0.9)])[0]!.identify).toBe(false);
  });

  it("identifies a track on its next frame when its first identification did not happen", async () => {
    const t = tracker();
    const [a] = t.observe(0, [face(0, 4)]);
    expect(a!.identify).toBe(true);
    // (the identification failed: `identified` was never called)
    const [b] = t.observe(200, [face(5, 4)]);
    expect(b!.track.id).toBe(a!.track.id);
    expect(b!.identify).toBe(true);
    t.identified(b!.track, 0.5, "sub_4", 200);
    expect(t.observe(400, [face(10, 4)])[0]!.identify).toBe(false);
  });

  it("emits one event per person per TTL, and one UNKNOWN event per unmatched track", () => {
    const t = tracker({ eventTtlMs: 10_000, trackTimeoutMs: 500 });
    const [a] = t.observe(0, [face(0, 1)]);
    expect(t.identified(a!.track, 0.5, "sub_1", 0)).toEqual({ kind: "IDENTIFIED", subjectId: "sub_1", trackId: a!.track.id, atMs: 0 });
    // Leaves and comes back within the TTL: a new track, no new event.
    t.observe(1000, []);
    const [b] = t.observe(2000, [face(0, 1)]);
    expect(b!.track.id).not.toBe(a!.track.id);
    expect(t.identified(b!.track, 0.5, "sub_1", 2000)).toBeNull();
    // After the TTL: a new event.
    t.observe(11_000, []);
    const [c] = t.observe(12_500, [face(0, 1)]);
    expect(t.identified(c!.track, 0.5, "sub_1", 12_500)).toMatchObject({ kind: "IDENTIFIED", subjectId: "sub_1" });
    const [u] = t.observe(12_700, [face(300, 5)]);
    expect(t.identified(u!.track, 0.5, null, 12_700)).toMatchObject({ kind: "UNKNOWN", trackId: u!.track.id });
    expect(t.identified(u!.track, 0.7, null, 12_900)).toBeNull();
  });

  it("measures overlap as intersection over union", () => {
    expect(iou({ x: 0, y: 0, width: 10, height: 10 }, { x: 0, y: 0, width: 10, height: 10 })).toBe(1);
    expect(iou({ x: 0, y: 0, width: 10, height: 10 }, { x: 5, y: 0, width: 10, height: 10 })).toBeCloseTo(50 / 150);
    expect(iou({ x: 0, y: 0, width: 10, height: 10 }, { x: 20, y: 0, width: 10, height: 10 })).toBe(0);
  });
});
