/**
 * Our TF.js → ONNX converter against TF.js itself: every converted model of the manifest,
 * run by onnxruntime on real face crops, gives TF.js's outputs within 1e-4 absolute plus
 * 1e-5 of the output's range (1e-3 relative for float16-stored weights); weights are
 * dequantised exactly as TF.js
 * does; an unsupported op fails with its name.
 */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as ort from "onnxruntime-node";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { convertTfjsModelFile } from "../../src/models/convert-model.js";
import { readTfjsGraphModel, float16ToFloat32 } from "../../src/models/tfjs-graph.js";
import { UnsupportedOpError, convertTfjsToOnnxBytes } from "../../src/models/tfjs-to-onnx.js";
import { loadReferenceModel } from "../../src/models/tfjs-reference.js";
import { inputNormalization, loadManifest, readModelFile, verifiedSourceFiles, type ModelSpec } from "../../src/inference/model-manifest.js";
import { sharedEngine } from "../support/engine.js";
import { readFace } from "../support/images.js";

const CROP_SOURCES = ["obama/obama-2.jpg", "rose_leslie/rose_leslie-1.jpg"];

/** A face crop (1.4 × the detected box, square) resized to the model's input, NHWC, normalised as the manifest says. */
async function faceCrop(file: string, spec: ModelSpec): Promise<{ data: Float32Array; shape: number[] }> {
  const engine = await sharedEngine();
  const bytes = await readFace(file);
  const c = await engine.capture(bytes, "largest");
  const side = Math.round(Math.max(c.face.box.width, c.face.box.height) * 1.4);
  const cx = c.face.box.x + c.face.box.width / 2;
  const cy = c.face.box.y + c.face.box.height / 2;
  const left = Math.max(0, Math.round(cx - side / 2));
  const top = Math.max(0, Math.round(cy - side / 2));
  const [, h, w, ch] = spec.input.shape.map((d) => (typeof d === "number" ? d : 1)) as [number, number, number, number];
  const raw = await sharp(bytes)
    .rotate()
    .extract({ left, top, width: Math.min(side, c.imageWidth - left), height: Math.min(side, c.imageHeight - top) })
    .resize(w, h, { fit: "fill" })
    .removeAlpha()
    .raw()
    .toBuffer();
  const { mean, std } = inputNormalization(spec, ch);
  const data = new Float32Array(h * w * ch);
  for (let i = 0; i < h * w; i++) {
    for (let k = 0; k < ch; k++) {
      const v = ch === 1 ? (raw[i * 3]! + raw[i * 3 + 1]! + raw[i * 3 + 2]!) / 3 : raw[i * 3 + (spec.input.colorOrder === "BGR" ? 2 - k : k)]!;
      data[i * ch + k] = (v - mean[k]!) / std[k]!;
    }
  }
  return { data, shape: [1, h, w, ch] };
}

const manifest = await loadManifest();
const converted = manifest.models.filter((m) => m.source.format === "tfjs-graph");

describe("converted models match TF.js on real face crops", () => {
  it("covers every TF.js model of the manifest", () => {
    expect(converted.length).toBeGreaterThanOrEqual(8);
  });

  it.each(converted.map((m) => [m.id, m] as const))("%s", async (_id, spec) => {
    const [modelJson] = await verifiedSourceFiles(spec);
    const graph = await readTfjsGraphModel(modelJson!.path);
    const float16 = [...graph.weights.values()].some((w) => w.storedAs === "float16");
    const session = await ort.InferenceSession.create(await readModelFile(spec, convertTfjsModelFile), { logSeverityLevel: 3 });
    const reference = await loadReferenceModel(modelJson!.path);
    expect([...session.outputNames].sort()).toEqual([...reference.outputNames].sort());
    for (const file of CROP_SOURCES) {
      const x = await faceCrop(file, spec);
      const ours = await session.run({ [session.inputNames[0]!]: new ort.Tensor("float32", x.data, x.shape) });
      const theirs = await reference.run(x.data, x.shape);
      for (const name of session.outputNames) {
        const a = ours[name]!.data as Float32Array;
        const b = theirs[name]!.data;
        expect(Array.from(ours[name]!.dims)).toEqual(theirs[name]!.shape);
        // 1e-4 absolute, plus 1e-5 of the output's largest magnitude: float32 arithmetic
        // cannot do better than a few ulps of the values it sums (the spacing of float32 at
        // 512 is 6e-5, and BlazeFace's raw logits reach 500). Float16-stored weights: 1e-3
        // relative.
        const scale = b.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        let worst = 0;
        for (let i = 0; i < a.length; i++) {
          const err = Math.abs(a[i]! - b[i]!);
          const allowed = float16 ? Math.max(1e-4, 1e-3 * Math.abs(b[i]!)) : 1e-4 + 1e-5 * scale;
          worst = Math.max(worst, err / allowed);
        }
        expect(worst, `${spec.id} ${name} on ${file}: worst error / tolerance`).toBeLessThanOrEqual(1);
      }
    }
    await session.release();
  });
});

describe("converter", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "fid-tfjs-"));
  });

  async function writeModel(nodes: object[], weights: { name: string; shape: number[]; dtype: string; quantization?: object }[], bin: Uint8Array) {
    const file = path.join(dir, `m${Math.random().toString(36).slice(2)}.json`);
    await writeFile(file.replace(/\.json$/, ".bin"), bin);
    await writeFile(file, JSON.stringify({ format: "graph-model", modelTopology: { node: nodes, versions: { producer: 1 } }, weightsManifest: [{ paths: [path.basename(file).replace(/\.json$/, ".bin")], weights }] }));
    return file;
  }
  const placeholder = { name: "x", op: "Placeholder", attr: { dtype: { type: "DT_FLOAT" }, shape: { shape: { dim: [{ size: "1" }, { size: "4" }] } } } };

  it("fails on an unsupported op, naming it", async () => {
    const file = await writeModel([placeholder, { name: "y", op: "Cumsum", input: ["x"] }], [], new Uint8Array(0));
    const graph = await readTfjsGraphModel(file);
    expect(() => convertTfjsToOnnxBytes(graph, { name: "t", docString: "", producerVersion: "0" })).toThrow(UnsupportedOpError);
    expect(() => convertTfjsToOnnxBytes(graph, { name: "t", docString: "", producerVersion: "0" })).toThrow(/Cumsum.*node y/);
  });

  it("converts batched products with adjoints, gathers, AddN and Floor as TF.js computes them", async () => {
    // x [1, 2, 3] · wᵀ (w [4, 3], adj_y) → [1, 2, 4]; gather columns 3 and 0 → [1, 2, 2];
    // AddN(g, Floor(g)); GatherNd rows [0, 1] and [0, 0] → [2, 2].
    const x3 = { ...placeholder, attr: { ...placeholder.attr, shape: { shape: { dim: [{ size: "1" }, { size: "2" }, { size: "3" }] } } } };
    const w = Float32Array.from({ length: 12 }, (_, i) => (i - 5.5) / 3);
    const ints = (v: number[]) => new Uint8Array(Int32Array.from(v).buffer);
    const bin = new Uint8Array([...new Uint8Array(w.buffer), ...ints([3, 0]), ...ints([2]), ...ints([0, 1, 0, 0])]);
    const weights = [
      { name: "w", shape: [4, 3], dtype: "float32" },
      { name: "idx", shape: [2], dtype: "int32" },
      { name: "axis", shape: [], dtype: "int32" },
      { name: "nd", shape: [2, 2], dtype: "int32" },
    ];
    const konst = (name: string, dtype: string) => ({ name, op: "Const", attr: { dtype: { type: dtype } } });
    const nodes = [
      x3,
      konst("w", "DT_FLOAT"),
      konst("idx", "DT_INT32"),
      konst("axis", "DT_INT32"),
      konst("nd", "DT_INT32"),
      { name: "mm", op: "BatchMatMulV2", input: ["x", "w"], attr: { adj_x: { b: false }, adj_y: { b: true }, T: { type: "DT_FLOAT" } } },
      { name: "g", op: "GatherV2", input: ["mm", "idx", "axis"], attr: { batch_dims: { i: "0" }, Tparams: { type: "DT_FLOAT" }, Tindices: { type: "DT_INT32" } } },
      { name: "f", op: "Floor", input: ["g"], attr: { T: { type: "DT_FLOAT" } } },
      { name: "s", op: "AddN", input: ["g", "f"], attr: { N: { i: "2" }, T: { type: "DT_FLOAT" } } },
      { name: "out", op: "GatherNd", input: ["s", "nd"], attr: { Tparams: { type: "DT_FLOAT" }, Tindices: { type: "DT_INT32" } } },
    ];
    const file = await writeModel(nodes, weights, bin);
    const bytes = convertTfjsToOnnxBytes(await readTfjsGraphModel(file), { name: "t", docString: "", producerVersion: "0" });
    const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
    const reference = await loadReferenceModel(file);
    const input = Float32Array.from([0.5, -1.25, 2, 3.5, 0.75, -2.5]);
    const ours = await session.run({ x: new ort.Tensor("float32", input, [1, 2, 3]) });
    const theirs = await reference.run(input, [1, 2, 3]);
    expect(Array.from(ours["out"]!.dims)).toEqual(theirs["out"]!.shape);
    expect(theirs["out"]!.shape).toEqual([2, 2]);
    const a = Array.from(ours["out"]!.data as Float32Array);
    Array.from(theirs["out"]!.data).forEach((v, i) => expect(a[i]).toBeCloseTo(v, 5));
    await session.release();
  });

  it("refuses an adjoint product whose operand rank the graph does not fix", async () => {
    const unknown = { ...placeholder, attr: { dtype: { type: "DT_FLOAT" } } };
    const nodes = [unknown, { name: "y", op: "BatchMatMulV2", input: ["x", "x"], attr: { adj_x: { b: true }, adj_y: { b: false } } }];
    const graph = await readTfjsGraphModel(await writeModel(nodes, [], new Uint8Array(0)));
    expect(() => convertTfjsToOnnxBytes(graph, { name: "t", docString: "", producerVersion: "0" })).toThrow(/BatchMatMulV2.*node y.*rank/);
  });

  it("dequantises uint8, uint16 and float16 weights exactly as TF.js does", async () => {
    const tf = await import("@tensorflow/tfjs-core");
    const u8 = Uint8Array.from([0, 1, 7, 255]);
    const u16 = new Uint16Array([0, 300, 65535, 12345]);
    const f16 = new Uint16Array([0x3c00, 0xc000, 0x0001, 0x7bff]); // 1, -2, smallest subnormal, 65504
    const bin = new Uint8Array([...u8, ...new Uint8Array(u16.buffer), ...new Uint8Array(f16.buffer)]);
    const specs = [
      { name: "a", shape: [4], dtype: "float32", quantization: { dtype: "uint8", min: -0.5, scale: 0.0123 } },
      { name: "b", shape: [4], dtype: "float32", quantization: { dtype: "uint16", min: -3, scale: 0.0001 } },
      { name: "c", shape: [4], dtype: "float32", quantization: { dtype: "float16" } },
    ];
    const file = await writeModel([placeholder], specs, bin);
    const ours = (await readTfjsGraphModel(file)).weights;
    const theirs = tf.io.decodeWeights(bin.buffer, specs as never);
    for (const s of specs) expect(Array.from(ours.get(s.name)!.data)).toEqual(Array.from(theirs[s.name]!.dataSync()));
    expect(float16ToFloat32(0x3c00)).toBe(1);
    expect(float16ToFloat32(0x7bff)).toBe(65504);
  });

  it("is deterministic: the same source gives the same bytes, as recorded in the manifest", async () => {
    const spec = converted.find((m) => m.id === "human-mobilefacenet")!;
    const [modelJson] = await verifiedSourceFiles(spec);
    const a = await convertTfjsModelFile(modelJson!.path, spec);
    const b = await convertTfjsModelFile(modelJson!.path, spec);
    expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
    const { createHash } = await import("node:crypto");
    expect(createHash("sha256").update(a).digest("hex")).toBe(spec.onnx.sha256);
    expect((await readFile(modelJson!.path)).length).toBeGreaterThan(0);
  });
});
