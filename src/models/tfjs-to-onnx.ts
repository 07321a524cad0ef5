/**
 * TF.js graph model → ONNX model.
 *
 * Tensors keep TensorFlow's NHWC layout throughout the ONNX graph; operators that need
 * NCHW in ONNX (convolutions, pooling, depth-to-space, resize) are wrapped in a pair of
 * Transposes, which onnxruntime's transpose optimiser cancels between neighbours. Const
 * weights are converted at conversion time (e.g. HWIO filters to OIHW). Every TF op has a
 * handler in `tfjs-ops.ts`; any other op fails the conversion with its name.
 */
import { OnnxType, encodeOnnxModel, type OnnxDataType, type OnnxModel, type OnnxValueInfo } from "./onnx-model.js";
import { OnnxGraphBuilder } from "./onnx-graph-builder.js";
import { OP_HANDLERS } from "./tfjs-ops.js";
import { nodeNameOf, type TfAttrValue, type TfGraphModel, type TfNode, type TfWeight } from "./tfjs-graph.js";

export const ONNX_OPSET = 18;

export class UnsupportedOpError extends Error {
  override name = "UnsupportedOpError";
  constructor(readonly op: string, readonly nodeName: string, detail = "") {
    super(`unsupported TF op ${op} (node ${nodeName})${detail ? `: ${detail}` : ""}`);
  }
}

const TF_TYPES: Record<string, OnnxDataType> = { DT_FLOAT: OnnxType.FLOAT, DT_INT32: OnnxType.INT32, DT_BOOL: OnnxType.BOOL, DT_INT64: OnnxType.INT64 };

export function onnxTypeOfTf(dt: string | undefined, context: string): OnnxDataType {
  const t = dt === undefined ? undefined : TF_TYPES[dt];
  if (t === undefined) throw new Error(`${context}: unsupported tensor type ${dt}`);
  return t;
}

/** What an op handler sees: its TF node, its inputs as ONNX tensor names, and the builder. */
export class NodeContext {
  constructor(
    readonly node: TfNode,
    readonly b: OnnxGraphBuilder,
    private readonly conv: Converter,
  ) {}

  get name(): string {
    return this.node.name;
  }

  /** Data inputs (control inputs "^x" dropped). */
  get inputRefs(): string[] {
    return (this.node.input ?? []).filter((r) => !r.startsWith("^"));
  }

  /** The ONNX tensor holding data input `i`. */
  input(i: number): string {
    const ref = this.inputRefs[i];
    if (ref === undefined) throw new Error(`${this.node.op} ${this.name}: missing input ${i}`);
    return this.conv.tensorFor(ref);
  }

  /** The value of input `i` when it is a Const node, else undefined. */
  constInput(i: number): TfWeight | undefined {
    const ref = this.inputRefs[i];
    return ref === undefined ? undefined : this.conv.constOf(ref);
  }

  /** Like constInput, but the op cannot be converted without it. */
  requireConst(i: number, what: string): TfWeight {
    const c = this.constInput(i);
    if (!c) throw new UnsupportedOpError(this.node.op, this.name, `${what} must be a constant`);
    return c;
  }

  /** The rank of data input `i` when the graph determines it statically, else undefined. */
  inputRank(i: number): number | undefined {
    const ref = this.inputRefs[i];
    return ref === undefined ? undefined : this.conv.rankOf(ref);
  }

  attr(key: string): TfAttrValue | undefined {
    return this.node.attr?.[key];
  }

  int(key: string, fallback: number): number {
    const v = this.attr(key)?.i;
    return v === undefined ? fallback : Number(v);
  }

  float(key: string, fallback: number): number {
    return this.attr(key)?.f ?? fallback;
  }

  bool(key: string, fallback: boolean): boolean {
    return this.attr(key)?.b ?? fallback;
  }

  /** A string attribute (TF.js stores them base64-encoded). */
  str(key: string, fallback: string): string {
    const s = this.attr(key)?.s;
    return s === undefined ? fallback : Buffer.from(s, "base64").toString("utf8");
  }

  ints(key: string): number[] {
    return (this.attr(key)?.list?.i ?? []).map(Number);
  }

  strs(key: string): string[] {
    return (this.attr(key)?.list?.s ?? []).map((s) => Buffer.from(s, "base64").toString("utf8"));
  }

  /** Adds a helper node named after this TF node. */
  emit(opType: string, inputs: string[], attributes: Parameters<OnnxGraphBuilder["node"]>[2] = [], outputType?: OnnxDataType): string {
    const type = outputType ?? this.b.typeOf(inputs[0]!);
    return this.b.node(opType, inputs, attributes, type, { name: `${this.name}/${opType}` })[0]!;
  }

  unsupported(detail: string): never {
    throw new UnsupportedOpError(this.node.op, this.name, detail);
  }
}

export type OpHandler = (ctx: NodeContext) => string | string[];

class Converter {
  readonly b = new OnnxGraphBuilder();
  private readonly byName = new Map<string, TfNode>();
  /** TF output ref "node" / "node:k" → ONNX tensor name. */
  private readonly tensors = new Map<string, string>();
  private readonly constInitializers = new Map<string, string>();
  private readonly ranks = new Map<string, number | undefined>();

  constructor(private readonly model: TfGraphModel) {
    for (const n of model.nodes) this.byName.set(n.name, n);
  }

  constOf(ref: string): TfWeight | undefined {
    const node = this.byName.get(nodeNameOf(ref));
    if (!node || node.op !== "Const") return undefined;
    const w = this.model.weights.get(node.name);
    if (!w) throw new Error(`Const ${node.name} has no weight data`);
    return w;
  }

  /** The static rank of a TF tensor, where the graph alone determines it (see tensorRank). */
  rankOf(ref: string): number | undefined {
    const name = nodeNameOf(ref);
    if (this.ranks.has(name)) return this.ranks.get(name);
    this.ranks.set(name, undefined); // guards against cycles
    const node = this.byName.get(name);
    const rank = node ? tensorRank(node, (r) => this.rankOf(r), (r) => this.constOf(r)) : undefined;
    this.ranks.set(name, rank);
    return rank;
  }

  tensorFor(ref: string): string {
    const key = ref.includes(":") ? (ref.endsWith(":0") ? ref.slice(0, -2) : ref) : ref;
    const known = this.tensors.get(key);
    if (known) return known;
    const w = this.constOf(ref);
    if (w) return this.constTensor(w);
    throw new Error(`tensor ${ref} used before it is produced`);
  }

  private constTensor(w: TfWeight): string {
    let name = this.constInitializers.get(w.name);
    if (!name) {
      const type = w.dtype === "float32" ? OnnxType.FLOAT : w.dtype === "int32" ? OnnxType.INT32 : OnnxType.BOOL;
      name = this.b.initializer(w.name, type, w.shape, w.data);
      this.constInitializers.set(w.name, name);
    }
    return name;
  }

  convert(opts: { name: string; docString: string; producerVersion: string }): OnnxModel {
    const inputs: OnnxValueInfo[] = [];
    for (const node of topologicalOrder(this.model.nodes, this.byName)) {
      if (node.op === "Const") continue;
      if (node.op === "Placeholder") {
        const dims = node.attr?.["shape"]?.shape?.dim?.map((d) => Number(d.size)) ?? [];
        const type = onnxTypeOfTf(node.attr?.["dtype"]?.type, `input ${node.name}`);
        this.b.reserve(node.name);
        this.b.setType(node.name, type);
        this.tensors.set(node.name, node.name);
        inputs.push({ name: node.name, dataType: type, shape: dims.map((d) => (d < 0 ? "batch" : d)) });
        continue;
      }
      const handler = OP_HANDLERS[node.op];
      if (!handler) throw new UnsupportedOpError(node.op, node.name);
      const result = handler(new NodeContext(node, this.b, this));
      const outs = Array.isArray(result) ? result : [result];
      outs.forEach((t, k) => this.tensors.set(k === 0 ? node.name : `${node.name}:${k}`, t));
    }
    const outputs: OnnxValueInfo[] = this.model.outputs.map(({ name, ref }) => {
      const t = this.tensorFor(ref);
      // Expose every output under the name TF.js gives it.
      const out = t === name ? t : this.b.node("Identity", [t], [], this.b.typeOf(t), { name: `${name}/output`, outputs: [this.reserveOutput(name)] })[0]!;
      return { name: out, dataType: this.b.typeOf(out), shape: undefined };
    });
    const used = new Set(this.model.inputs);
    return {
      graph: { name: opts.name, nodes: this.b.nodes, initializers: this.b.initializers, inputs: inputs.filter((i) => used.has(i.name)), outputs },
      opsetVersion: ONNX_OPSET,
      producerName: "face-id tfjs-to-onnx",
      producerVersion: opts.producerVersion,
      docString: opts.docString,
    };
  }

  private reserveOutput(name: string): string {
    this.b.reserve(name);
    return name;
  }
}

const SAME_RANK_OPS = new Set([
  "Identity", "Relu", "Relu6", "Prelu", "LeakyRelu", "Elu", "Sigmoid", "Tanh", "Softmax", "Abs", "Neg", "Exp", "Sqrt", "Rsqrt",
  "Square", "Floor", "Cast", "Tile", "Transpose", "Pad", "BiasAdd", "Conv2D", "_FusedConv2D", "DepthwiseConv2dNative",
  "FusedDepthwiseConv2dNative", "MaxPool", "AvgPool", "ResizeBilinear", "DepthToSpace",
]);
const BROADCAST_OPS = new Set(["Add", "AddV2", "AddN", "Sub", "Mul", "RealDiv", "Minimum", "Maximum", "BatchMatMulV2"]);
const REDUCE_OPS = new Set(["Mean", "Sum", "Max", "Min", "Prod"]);

/**
 * The rank of a node's (first) output from the ops' own rules, for the few handlers that
 * need it (a transpose of "the last two axes" must name every axis in ONNX).
 */
function tensorRank(node: TfNode, rankOf: (ref: string) => number | undefined, constOf: (ref: string) => TfWeight | undefined): number | undefined {
  const inputs = (node.input ?? []).filter((r) => !r.startsWith("^"));
  const first = () => (inputs[0] === undefined ? undefined : rankOf(inputs[0]));
  const attr = node.attr ?? {};
  const bits = (v: string | number | undefined) => Number(v ?? 0).toString(2).replace(/0/g, "").length;
  switch (node.op) {
    case "Const":
      return constOf(node.name)?.shape.length;
    case "Placeholder":
      return attr["shape"]?.shape?.dim?.length;
    case "MatMul":
    case "_FusedMatMul":
      return 2;
    case "Shape":
      return 1;
    case "StridedSlice": {
      const begin = inputs[1] === undefined ? undefined : constOf(inputs[1]);
      if (!begin || Number(attr["ellipsis_mask"]?.i ?? 0) !== 0) return undefined;
      return begin.shape[0]! - bits(attr["shrink_axis_mask"]?.i) + bits(attr["new_axis_mask"]?.i);
    }
    case "Pack":
    case "ExpandDims": {
      const r = first();
      return r === undefined ? undefined : r + 1;
    }
    case "ConcatV2":
      return inputs.slice(0, -1).map(rankOf).find((r) => r !== undefined);
    case "Reshape": {
      const shape = inputs[1] === undefined ? undefined : constOf(inputs[1]);
      return shape ? (shape.data as ArrayLike<number>).length : undefined;
    }
    case "GatherV2": {
      const [p, i] = [first(), inputs[1] === undefined ? undefined : rankOf(inputs[1])];
      return p === undefined || i === undefined ? undefined : p + i - 1;
    }
  }
  if (SAME_RANK_OPS.has(node.op)) return first();
  if (BROADCAST_OPS.has(node.op)) {
    const rs = inputs.map(rankOf);
    return rs.every((r) => r !== undefined) ? Math.max(...(rs as number[])) : undefined;
  }
  if (REDUCE_OPS.has(node.op)) {
    const r = first();
    const axes = inputs[1] === undefined ? undefined : constOf(inputs[1]);
    if (r === undefined || !axes) return undefined;
    return attr["keep_dims"]?.b ? r : r - (axes.data as ArrayLike<number>).length;
  }
  return undefined;
}

/** Nodes in dependency order (the GraphDef order usually is, but is not guaranteed to be). */
function topologicalOrder(nodes: TfNode[], byName: Map<string, TfNode>): TfNode[] {
  const out: TfNode[] = [];
  const state = new Map<string, 1 | 2>();
  const visit = (n: TfNode) => {
    const s = state.get(n.name);
    if (s === 2) return;
    if (s === 1) throw new Error(`cycle at ${n.name}`);
    state.set(n.name, 1);
    for (const ref of n.input ?? []) {
      const dep = byName.get(nodeNameOf(ref));
      if (!dep) throw new Error(`node ${n.name} reads unknown node ${ref}`);
      visit(dep);
    }
    state.set(n.name, 2);
    out.push(n);
  };
  for (const n of nodes) visit(n);
  return out;
}

export function convertTfjsToOnnx(model: TfGraphModel, opts: { name: string; docString: string; producerVersion: string }): OnnxModel {
  return new Converter(model).convert(opts);
}

export function convertTfjsToOnnxBytes(model: TfGraphModel, opts: { name: string; docString: string; producerVersion: string }): Uint8Array {
  return encodeOnnxModel(convertTfjsToOnnx(model, opts));
}
