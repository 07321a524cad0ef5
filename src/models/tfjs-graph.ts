/**
 * Reading a TF.js graph model (model.json + weight shards) into plain data: the nodes of
 * its GraphDef, and every weight decoded to its logical dtype exactly as TF.js decodes it
 * (tfjs-core io_utils `decodeWeight`): uint8/uint16-quantised values as q·scale + min
 * (rounded for int32), float16 expanded to float32, float32/int32/bool as stored.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";

export interface TfAttrValue {
  i?: string | number;
  f?: number;
  b?: boolean;
  s?: string;
  type?: string;
  shape?: { dim?: { size: string | number }[]; unknownRank?: boolean };
  list?: { i?: (string | number)[]; f?: number[]; s?: string[]; type?: string[] };
  tensor?: { dtype: string; tensorShape?: { dim?: { size: string | number }[] } };
}

export interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttrValue>;
}

export type TfDtype = "float32" | "int32" | "bool";

export interface TfWeight {
  name: string;
  dtype: TfDtype;
  shape: number[];
  data: Float32Array | Int32Array | Uint8Array;
  /** How it was stored: "float32", "int32", "bool", "float16", "uint8", "uint16". */
  storedAs: string;
}

export interface TfGraphModel {
  nodes: TfNode[];
  weights: Map<string, TfWeight>;
  /**
   * Outputs, named as TF.js names them: the signature's keys (e.g. "output_mesh") with
   * the tensor each refers to, else every node nothing consumes, under its own name.
   */
  outputs: { name: string; ref: string }[];
  inputs: string[];
}

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: "uint8" | "uint16" | "float16"; min?: number; scale?: number };
}

interface ModelJson {
  format?: string;
  modelTopology: { node: TfNode[]; library?: unknown };
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
  signature?: { inputs?: Record<string, { name: string }>; outputs?: Record<string, { name: string }> };
}

export async function readTfjsGraphModel(modelJsonPath: string): Promise<TfGraphModel> {
  const json = JSON.parse(await readFile(modelJsonPath, "utf8")) as ModelJson;
  if (json.format !== undefined && json.format !== "graph-model") throw new Error(`${modelJsonPath}: not a TF.js graph model (format ${json.format})`);
  const dir = path.dirname(modelJsonPath);
  const weights = new Map<string, TfWeight>();
  for (const group of json.weightsManifest) {
    const buffers = await Promise.all(group.paths.map((p) => readFile(path.join(dir, p))));
    const all = Buffer.concat(buffers);
    let offset = 0;
    for (const spec of group.weights) {
      const { weight, bytes } = decodeWeight(spec, all, offset);
      weights.set(spec.name, weight);
      offset += bytes;
    }
    if (offset !== all.length) throw new Error(`${modelJsonPath}: weight group uses ${offset} of ${all.length} bytes`);
  }
  const nodes = json.modelTopology.node;
  return { nodes, weights, outputs: graphOutputs(nodes, json.signature?.outputs), inputs: graphInputs(nodes, json.signature?.inputs) };
}

/** Node name of an input reference ("name", "name:1", "^name"). */
export function nodeNameOf(ref: string): string {
  return ref.replace(/^\^/, "").split(":")[0]!;
}

function graphOutputs(nodes: TfNode[], signature: Record<string, { name: string }> | undefined): { name: string; ref: string }[] {
  if (signature && Object.keys(signature).length > 0) return Object.entries(signature).map(([key, o]) => ({ name: key.replace(/:0$/, ""), ref: o.name }));
  const consumed = new Set(nodes.flatMap((n) => (n.input ?? []).map(nodeNameOf)));
  return nodes.filter((n) => !consumed.has(n.name) && n.op !== "Const").map((n) => ({ name: n.name, ref: n.name }));
}

function graphInputs(nodes: TfNode[], signature: Record<string, { name: string }> | undefined): string[] {
  if (signature && Object.keys(signature).length > 0) return Object.values(signature).map((o) => nodeNameOf(o.name));
  return nodes.filter((n) => n.op.startsWith("Placeholder")).map((n) => n.name);
}

function decodeWeight(spec: WeightSpec, buf: Buffer, offset: number): { weight: TfWeight; bytes: number } {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const q = spec.quantization;
  const view = (bytesPer: number) => {
    const slice = buf.subarray(offset, offset + size * bytesPer);
    if (slice.length !== size * bytesPer) throw new Error(`weight ${spec.name}: shard data ends early`);
    return new Uint8Array(slice); // copy: aligned, owned
  };
  if (q) {
    const bytesPer = q.dtype === "uint8" ? 1 : 2;
    const raw = view(bytesPer);
    const quantized = q.dtype === "uint8" ? raw : new Uint16Array(raw.buffer, 0, size);
    if (spec.dtype === "float32") {
      const out = new Float32Array(size);
      if (q.dtype === "float16") {
        for (let i = 0; i < size; i++) out[i] = float16ToFloat32(quantized[i]!);
      } else {
        if (q.min === undefined || q.scale === undefined) throw new Error(`weight ${spec.name}: ${q.dtype} quantisation without min and scale`);
        for (let i = 0; i < size; i++) out[i] = quantized[i]! * q.scale + q.min;
      }
      return { weight: { name: spec.name, dtype: "float32", shape: spec.shape, data: out, storedAs: q.dtype }, bytes: size * bytesPer };
    }
    if (spec.dtype === "int32" && q.dtype !== "float16") {
      const out = new Int32Array(size);
      for (let i = 0; i < size; i++) out[i] = Math.round(quantized[i]! * q.scale! + q.min!);
      return { weight: { name: spec.name, dtype: "int32", shape: spec.shape, data: out, storedAs: q.dtype }, bytes: size * bytesPer };
    }
    throw new Error(`weight ${spec.name}: unsupported quantisation ${q.dtype} of ${spec.dtype}`);
  }
  switch (spec.dtype) {
    case "float32":
      return { weight: { name: spec.name, dtype: "float32", shape: spec.shape, data: new Float32Array(view(4).buffer), storedAs: "float32" }, bytes: size * 4 };
    case "int32":
      return { weight: { name: spec.name, dtype: "int32", shape: spec.shape, data: new Int32Array(view(4).buffer), storedAs: "int32" }, bytes: size * 4 };
    case "bool":
      return { weight: { name: spec.name, dtype: "bool", shape: spec.shape, data: view(1), storedAs: "bool" }, bytes: size };
    default:
      throw new Error(`weight ${spec.name}: unsupported dtype ${spec.dtype}`);
  }
}

/** IEEE 754 half → float (exact: every half is representable as a float). */
export function float16ToFloat32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
