/** Creating onnxruntime-node sessions the same way for every stage. */
import * as ort from "onnxruntime-node";
import { convertTfjsModelFile } from "../models/convert-model.js";
import { readModelFile, type ModelSpec } from "./model-manifest.js";

export interface OnnxOptions {
  /** Threads for one operator (set from config; defaults to the core count). */
  intraOpNumThreads: number;
}

export type OnnxSession = ort.InferenceSession;

export async function createOnnxSession(model: Uint8Array, opts: OnnxOptions): Promise<OnnxSession> {
  return ort.InferenceSession.create(model, {
    executionProviders: ["cpu"],
    intraOpNumThreads: opts.intraOpNumThreads,
    interOpNumThreads: 1,
    graphOptimizationLevel: "all",
    // 3 = errors only: some bundled models warn about initializers listed as graph inputs.
    logSeverityLevel: 3,
  });
}

/** The session for a manifest model (converting a TF.js source on first use). */
export async function createModelSession(spec: ModelSpec, opts: OnnxOptions): Promise<OnnxSession> {
  return createOnnxSession(await readModelFile(spec, convertTfjsModelFile), opts);
}

/** Runs a single-input session and returns the named outputs' data. */
export async function runOnnx(
  session: OnnxSession,
  inputName: string,
  data: Float32Array,
  shape: readonly number[],
  outputNames: readonly string[],
): Promise<Float32Array[]> {
  const feeds = { [inputName]: new ort.Tensor("float32", data, shape) };
  const results = await session.run(feeds);
  return outputNames.map((name) => {
    const t = results[name];
    if (!t) throw new Error(`ONNX output "${name}" missing`);
    return t.data as Float32Array;
  });
}

/** Interleaved 8-bit pixels → planar float32 (NCHW, batch 1) with (p - mean) / std. */
export function toPlanarFloat(pixels: Uint8Array, width: number, height: number, channels: number, mean: number, std: number): Float32Array {
  const plane = width * height;
  const out = new Float32Array(plane * channels);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < channels; c++) out[c * plane + i] = (pixels[i * channels + c]! - mean) / std;
  }
  return out;
}
