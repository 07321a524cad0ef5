import { describe, expect, it } from "vitest";
import { findModel, loadManifest } from "./model-manifest.js";
import { imageTensor, StageSession } from "./onnx-session.js";
import type { ModelSpec } from "./model-manifest.js";

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

describe("imageTensor", () => {
  const crop = { width: 5, height: 3, channels: 3, data: Uint8Array.from({ length: 45 }, (_, i) => (i * 97 + 13) % 256) };
  const spec = (layout: "NCHW" | "NHWC", colorOrder: "RGB" | "BGR", mean: number | number[], std: number | number[]) =>
    ({ id: "t", input: { name: "x", shape: [], layout, colorOrder, mean, std, resize: "" } }) as unknown as ModelSpec;

  it.each([
    ["NCHW", "RGB", 127.5, 127.5],
    ["NHWC", "RGB", 0, 255],
    ["NCHW", "BGR", [104, 117, 123], [1, 2, 4]],
    ["NHWC", "BGR", [0.5, 1.5, 2.5], 58.4],
  ] as const)("%s %s: every value is (pixel − mean) / std of the model's channel, in its layout", (layout, colorOrder, mean, std) => {
    const { data, shape } = imageTensor(spec(layout, colorOrder, typeof mean === "number" ? mean : [...mean], typeof std === "number" ? std : [...std]), crop);
    expect(shape).toEqual(layout === "NCHW" ? [1, 3, 3, 5] : [1, 3, 5, 3]);
    const m = (k: number) => (typeof mean === "number" ? mean : mean[k]!);
    const sd = (k: number) => (typeof std === "number" ? std : std[k]!);
    for (let i = 0; i < 15; i++) {
      for (let k = 0; k < 3; k++) {
        const pixel = crop.data[i * 3 + (colorOrder === "BGR" ? 2 - k : k)]!;
        const at = layout === "NCHW" ? k * 15 + i : i * 3 + k;
        expect(data[at]).toBe(Math.fround((pixel - m(k)) / sd(k)));
      }
    }
  });
});
