/**
 * Accumulates ONNX nodes and initializers while the converter walks a TF.js graph, and
 * remembers each tensor's element type. Names are derived from the TF node names, so the
 * same input graph always yields the same ONNX bytes.
 */
import { OnnxType, type OnnxAttribute, type OnnxDataType, type OnnxNode, type OnnxTensor } from "./onnx-model.js";

export type NumericArray = Float32Array | Int32Array | Uint8Array | BigInt64Array;

export class OnnxGraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly types = new Map<string, OnnxDataType>();
  private readonly used = new Set<string>();

  /** A fresh tensor name based on `base`. */
  uniqueName(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  reserve(name: string): void {
    if (this.used.has(name)) throw new Error(`tensor name ${name} used twice`);
    this.used.add(name);
  }

  typeOf(name: string): OnnxDataType {
    const t = this.types.get(name);
    if (t === undefined) throw new Error(`unknown element type of tensor ${name}`);
    return t;
  }

  setType(name: string, type: OnnxDataType): void {
    this.types.set(name, type);
  }

  /** Adds a node; its outputs get the given names (reserved by the caller) or fresh ones. */
  node(opType: string, inputs: string[], attributes: OnnxAttribute[], outputType: OnnxDataType, opts: { name: string; outputs?: string[] }): string[] {
    const outputs = opts.outputs ?? [this.uniqueName(opts.name)];
    for (const o of outputs) this.types.set(o, outputType);
    this.nodes.push({ name: this.uniqueNodeName(opts.name), opType, inputs, outputs, attributes });
    return outputs;
  }

  private nodeNames = new Set<string>();
  private uniqueNodeName(base: string): string {
    let name = base;
    for (let i = 1; this.nodeNames.has(name); i++) name = `${base}_${i}`;
    this.nodeNames.add(name);
    return name;
  }

  initializer(base: string, dataType: OnnxDataType, dims: number[], values: NumericArray): string {
    const name = this.uniqueName(base);
    const raw = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    this.initializers.push({ name, dataType, dims, raw: new Uint8Array(raw) });
    this.types.set(name, dataType);
    return name;
  }

  int64s(base: string, values: readonly number[], dims: number[] = [values.length]): string {
    return this.initializer(base, OnnxType.INT64, dims, BigInt64Array.from(values.map((v) => BigInt(v))));
  }

  floats(base: string, values: readonly number[], dims: number[] = [values.length]): string {
    return this.initializer(base, OnnxType.FLOAT, dims, Float32Array.from(values));
  }
}

export const attr = {
  int: (name: string, value: number): OnnxAttribute => ({ name, type: "int", value }),
  float: (name: string, value: number): OnnxAttribute => ({ name, type: "float", value }),
  string: (name: string, value: string): OnnxAttribute => ({ name, type: "string", value }),
  ints: (name: string, value: number[]): OnnxAttribute => ({ name, type: "ints", value }),
};
