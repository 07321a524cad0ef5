import { describe, expect, it } from "vitest";
import { findModel, loadManifest } from "./model-manifest.js";
import { StageSession } from "./onnx-session.js";

describe("StageSession", () => {
  it("fails before load() naming the model, and creates one session for overlapping loads", async () => {
    const spec = findModel(await loadManifest(), "faceplugin-eye-state", "eyeState");
    const s = new StageSession(spec, { intraOpNumThreads: 1 });
    expect(() => s.get()).toThrow(/faceplugin-eye-state: run before load/);
    const seen: unknown[] = [];
    await Promise.all([s.load().then(() => seen.push(s.get())), s.load().then(() => seen.push(s.get()))]);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
    await s.load();
    expect(s.get()).toBe(seen[0]);
  });
});
