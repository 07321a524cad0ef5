/**
 * Runs a TF.js graph model with TF.js itself (tfjs-core + CPU backend + converter, dev
 * dependencies only): the reference the converted ONNX models are checked against.
 * Never imported by the server.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";

type Tf = typeof import("@tensorflow/tfjs-core");
type TfConverter = typeof import("@tensorflow/tfjs-converter");

let tfReady: Promise<{ tf: Tf; converter: TfConverter }> | undefined;

async function loadTf() {
  tfReady ??= (async () => {
    const tf = await import("@tensorflow/tfjs-core");
    await import("@tensorflow/tfjs-backend-cpu");
    await tf.setBackend("cpu");
    await tf.ready();
    const converter = await import("@tensorflow/tfjs-converter");
    return { tf, converter };
  })();
  return tfReady;
}

export interface ReferenceModel {
  /** Runs the model on one NHWC float input; returns every output by name. */
  run(input: Float32Array, shape: number[]): Promise<Record<string, { data: Float32Array; shape: number[] }>>;
  outputNames: string[];
}

export async function loadReferenceModel(modelJsonPath: string): Promise<ReferenceModel> {
  const { tf, converter } = await loadTf();
  const json = JSON.parse(await readFile(modelJsonPath, "utf8"));
  const dir = path.dirname(modelJsonPath);
  const specs: unknown[] = [];
  const buffers: Buffer[] = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) buffers.push(await readFile(path.join(dir, p)));
  }
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  const model = await converter.loadGraphModel({
    load: async () => ({
      modelTopology: json.modelTopology,
      weightSpecs: specs as never,
      weightData,
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy,
      signature: json.signature,
      userDefinedMetadata: json.userDefinedMetadata,
    }),
  });
  const outputNames = model.outputNodes.map((n: string) => n.split(":")[0]!);
  return {
    outputNames,
    async run(input, shape) {
      const x = tf.tensor(input, shape, "float32");
      const result = (await model.executeAsync(x, model.outputNodes)) as import("@tensorflow/tfjs-core").Tensor | import("@tensorflow/tfjs-core").Tensor[];
      const list = Array.isArray(result) ? result : [result];
      const out: Record<string, { data: Float32Array; shape: number[] }> = {};
      list.forEach((t, i) => {
        out[outputNames[i]!] = { data: Float32Array.from(t.dataSync() as ArrayLike<number>), shape: t.shape };
        t.dispose();
      });
      x.dispose();
      return out;
    },
  };
}
