/**
 * ONNX models as plain data, and their protobuf encoding (field numbers from onnx.proto,
 * IR version 8). Only what the TF.js converter emits: tensors with raw data, nodes with
 * int/float/string/ints/floats attributes, typed graph inputs and outputs.
 */
import { ProtoWriter } from "./protobuf-writer.js";

/** onnx.TensorProto.DataType values. */
export const OnnxType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9, FLOAT16: 10 } as const;
export type OnnxDataType = (typeof OnnxType)[keyof typeof OnnxType];

export interface OnnxTensor {
  name: string;
  dataType: OnnxDataType;
  dims: number[];
  /** Little-endian element bytes. */
  raw: Uint8Array;
}

export type OnnxAttribute =
  | { name: string; type: "int"; value: number }
  | { name: string; type: "float"; value: number }
  | { name: string; type: "string"; value: string }
  | { name: string; type: "ints"; value: number[] }
  | { name: string; type: "floats"; value: number[] };

export interface OnnxNode {
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes: OnnxAttribute[];
}

export interface OnnxValueInfo {
  name: string;
  dataType: OnnxDataType;
  /** Fixed sizes, or a symbolic name for dynamic dimensions (e.g. "batch"). */
  shape: (number | string)[] | undefined;
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

export interface OnnxModel {
  graph: OnnxGraph;
  opsetVersion: number;
  producerName: string;
  producerVersion: string;
  docString: string;
}

const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, floats: 6, ints: 7 } as const;

function encodeTensor(t: OnnxTensor): ProtoWriter {
  const w = new ProtoWriter();
  if (t.dims.length > 0) w.packedInts(1, t.dims);
  w.int(2, t.dataType);
  w.string(8, t.name);
  w.bytes(9, t.raw);
  return w;
}

function encodeAttribute(a: OnnxAttribute): ProtoWriter {
  const w = new ProtoWriter().string(1, a.name).int(20, ATTRIBUTE_TYPE[a.type]);
  switch (a.type) {
    case "float":
      return w.float(2, a.value);
    case "int":
      return w.int(3, a.value);
    case "string":
      return w.string(4, a.value);
    case "floats":
      return w.packedFloats(7, a.value);
    case "ints":
      return w.packedInts(8, a.value);
  }
}

function encodeNode(n: OnnxNode): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name).string(4, n.opType);
  for (const a of n.attributes) w.message(5, encodeAttribute(a));
  return w;
}

function encodeValueInfo(v: OnnxValueInfo): ProtoWriter {
  const tensorType = new ProtoWriter().int(1, v.dataType);
  if (v.shape) {
    const shape = new ProtoWriter();
    for (const d of v.shape) shape.message(1, typeof d === "number" && d >= 0 ? new ProtoWriter().int(1, d) : new ProtoWriter().string(2, typeof d === "string" ? d : "dynamic"));
    tensorType.message(2, shape);
  }
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tensorType));
}

export function encodeOnnxModel(m: OnnxModel): Uint8Array {
  const g = new ProtoWriter();
  for (const n of m.graph.nodes) g.message(1, encodeNode(n));
  g.string(2, m.graph.name);
  for (const t of m.graph.initializers) g.message(5, encodeTensor(t));
  for (const i of m.graph.inputs) g.message(11, encodeValueInfo(i));
  for (const o of m.graph.outputs) g.message(12, encodeValueInfo(o));
  return new ProtoWriter()
    .int(1, 8)
    .string(2, m.producerName)
    .string(3, m.producerVersion)
    .string(6, m.docString)
    .message(7, g)
    .message(8, new ProtoWriter().string(1, "").int(2, m.opsetVersion))
    .finish();
}
