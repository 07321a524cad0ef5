/** Creating onnxruntime-node sessions the same way for every stage. */
import * as ort from "onnxruntime-node";
import type { RawImage } from "../math/warp-affine.js";
import { inputNormalization, readModelFile, type ModelSpec } from "./model-manifest.js";

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

/**
 * The session for a manifest model. TF.js sources are converted at build time (`npm run
 * models`, part of `npm run build`), never here: a converted file that is missing or does
 * not match the manifest is an error naming that command.
 */
export async function createModelSession(spec: ModelSpec, opts: OnnxOptions): Promise<OnnxSession> {
  return createOnnxSession(await readModelFile(spec), opts);
}

/**
 * A stage's ONNX session, created on the first `load()`: overlapping calls share one
 * creation, and `get()` before `load()`
 * fails naming the model.
 */
export class StageSession {
  private pending: Promise<OnnxSession> | undefined;
  private session: OnnxSession | undefined;

  constructor(private readonly spec: ModelSpec, private readonly opts: OnnxOptions) {}

  async load(): Promise<void> {
    this.pending ??= createModelSession(this.spec, this.opts);
    this.session = await this.pending;
  }

  get(): OnnxSession {
    if (!this.session) throw new Error(`model ${this.spec.id}: run before load()`);
    return this.session;
  }
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

/**
 * The one input normaliser of every stage: a crop (interleaved RGB or gray bytes, already
 * the model's input size) as the model's input tensor, with the layout, colour order (a
 * BGR model reads channel k from crop channel 2 − k) and per-channel (p − mean) / std the
 * manifest records for it, batch 1.
 */
export function imageTensor(spec: ModelSpec, crop: RawImage): { data: Float32Array; shape: number[] } {
  const { layout, colorOrder } = spec.input;
  const c = crop.channels;
  const plane = crop.width * crop.height;
  const { mean, std } = inputNormalization(spec, c);
  const data = new Float32Array(plane * c);
  const pixels = crop.data;
  // (p − mean) / std for each of the 256 byte values of a channel, then one lookup per
  // pixel: the same float32 values as computing it pixel by pixel, in half the time.
  const table = new Float32Array(256);
  for (let k = 0; k < c; k++) {
    const from = colorOrder === "BGR" ? 2 - k : k;
    for (let v = 0; v < 256; v++) table[v] = (v - mean[k]!) / std[k]!;
    const [start, step] = layout === "NCHW" ? [k * plane, 1] : [k, c];
    for (let i = 0, s = from, d = start; i < plane; i++, s += c, d += step) data[d] = table[pixels[s]!]!;
  }
  const shape = layout === "NCHW" ? [1, c, crop.height, crop.width] : [1, crop.height, crop.width, c];
  return { data, shape };
}

/** Several same-sized crops as one batch (N = crops.length) of the model's input. */
export function imageBatchTensor(spec: ModelSpec, crops: readonly RawImage[]): { data: Float32Array; shape: number[] } {
  if (crops.length === 1) return imageTensor(spec, crops[0]!);
  const parts = crops.map((c) => imageTensor(spec, c));
  const size = parts[0]!.data.length;
  const data = new Float32Array(size * parts.length);
  parts.forEach((p, i) => data.set(p.data, i * size));
  return { data, shape: [parts.length, ...parts[0]!.shape.slice(1)] };
}

/** Runs a session on a batch of crops (see imageBatchTensor) and returns the named outputs. */
export async function runOnImages(session: OnnxSession, spec: ModelSpec, crops: readonly RawImage[], outputNames: readonly string[]): Promise<Float32Array[]> {
  const { data, shape } = imageBatchTensor(spec, crops);
  return runOnnx(session, spec.input.name, data, shape, outputNames);
}

/** Runs a session on one image crop (see imageTensor) and returns the named outputs. */
export async function runOnImage(session: OnnxSession, spec: ModelSpec, crop: RawImage, outputNames: readonly string[]): Promise<Float32Array[]> {
  const { data, shape } = imageTensor(spec, crop);
  return runOnnx(session, spec.input.name, data, shape, outputNames);
}

/** Softmax of a logit vector. */
export function softmax(logits: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  const e = Array.from(logits, (v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}
