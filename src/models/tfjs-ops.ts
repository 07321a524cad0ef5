/**
 * One handler per TF op: each turns a TF.js graph node (NHWC tensors) into ONNX nodes
 * and returns the ONNX tensor(s) holding the node's output(s). See tfjs-to-onnx.ts for
 * the layout rules.
 */
import { OnnxType, type OnnxDataType } from "./onnx-model.js";
import { attr } from "./onnx-graph-builder.js";
import type { TfWeight } from "./tfjs-graph.js";
import { onnxTypeOfTf, type NodeContext, type OpHandler } from "./tfjs-to-onnx.js";

const BIG = Number.MAX_SAFE_INTEGER;

// ---------------------------------------------------------------- layout helpers

const toNchw = (ctx: NodeContext, x: string) => ctx.emit("Transpose", [x], [attr.ints("perm", [0, 3, 1, 2])]);
const toNhwc = (ctx: NodeContext, x: string) => ctx.emit("Transpose", [x], [attr.ints("perm", [0, 2, 3, 1])]);

/** [1, h, w, 1]-style NHWC attribute list → [h, w]. */
function spatial(ctx: NodeContext, key: string, fallback: number): [number, number] {
  const v = ctx.ints(key);
  if (v.length === 0) return [fallback, fallback];
  if (v.length !== 4) ctx.unsupported(`${key} of length ${v.length}`);
  if (ctx.str("data_format", "NHWC") !== "NHWC") ctx.unsupported(`data_format ${ctx.str("data_format", "")}`);
  return [v[1]!, v[2]!];
}

/** ONNX padding attributes equal to TF's padding attribute (SAME = SAME_UPPER in ONNX). */
function padding(ctx: NodeContext) {
  const p = ctx.str("padding", "VALID");
  if (p === "SAME") return [attr.string("auto_pad", "SAME_UPPER")];
  if (p === "VALID") return [attr.string("auto_pad", "VALID")];
  if (p === "EXPLICIT") {
    const e = ctx.ints("explicit_paddings"); // NHWC pairs: n0 n1 h0 h1 w0 w1 c0 c1
    if (e.length !== 8) ctx.unsupported(`explicit_paddings of length ${e.length}`);
    return [attr.ints("pads", [e[2]!, e[4]!, e[3]!, e[5]!])];
  }
  return ctx.unsupported(`padding ${p}`);
}

// ---------------------------------------------------------------- constant reshaping

function asNumbers(w: TfWeight): number[] {
  return Array.from(w.data as ArrayLike<number>);
}

/** HWIO (TF Conv2D filter) → OIHW (ONNX Conv weight). */
function hwioToOihw(w: TfWeight): { dims: number[]; data: Float32Array } {
  const [kh, kw, ci, co] = w.shape as [number, number, number, number];
  const src = w.data as Float32Array;
  const out = new Float32Array(src.length);
  for (let h = 0; h < kh; h++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) out[((o * ci + i) * kh + h) * kw + x] = src[((h * kw + x) * ci + i) * co + o]!;
  return { dims: [co, ci, kh, kw], data: out };
}

/** [kh, kw, C, M] depthwise filter → ONNX grouped Conv weight [C·M, 1, kh, kw]. */
function depthwiseToOihw(w: TfWeight): { dims: number[]; data: Float32Array } {
  const [kh, kw, c, m] = w.shape as [number, number, number, number];
  const src = w.data as Float32Array;
  const out = new Float32Array(src.length);
  for (let h = 0; h < kh; h++)
    for (let x = 0; x < kw; x++)
      for (let g = 0; g < c; g++)
        for (let k = 0; k < m; k++) out[((g * m + k) * kh + h) * kw + x] = src[((h * kw + x) * c + g) * m + k]!;
  return { dims: [c * m, 1, kh, kw], data: out };
}

function transpose2d(w: TfWeight): { dims: number[]; data: Float32Array } {
  const [r, c] = w.shape as [number, number];
  const src = w.data as Float32Array;
  const out = new Float32Array(src.length);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = src[i * c + j]!;
  return { dims: [c, r], data: out };
}

// ---------------------------------------------------------------- convolutions

function conv(ctx: NodeContext, depthwise: boolean, fused: boolean): string {
  const filter = ctx.requireConst(1, "the filter");
  if (filter.shape.length !== 4) ctx.unsupported(`filter of rank ${filter.shape.length}`);
  const w = depthwise ? depthwiseToOihw(filter) : hwioToOihw(filter);
  const weight = ctx.b.initializer(`${ctx.name}/weight`, OnnxType.FLOAT, w.dims, w.data);
  const inputs = [toNchw(ctx, ctx.input(0)), weight];
  const ops = fused ? ctx.strs("fused_ops") : [];
  let rest = ops;
  if (ops[0] === "BiasAdd") {
    inputs.push(ctx.input(2));
    rest = ops.slice(1);
  } else if (fused && ops.length > 0) {
    ctx.unsupported(`fused_ops ${ops.join(",")}`);
  }
  const [sh, sw] = spatial(ctx, "strides", 1);
  const [dh, dw] = spatial(ctx, "dilations", 1);
  const attributes = [
    attr.ints("kernel_shape", [w.dims[2]!, w.dims[3]!]),
    attr.ints("strides", [sh, sw]),
    attr.ints("dilations", [dh, dw]),
    attr.int("group", depthwise ? filter.shape[2]! : 1),
    ...padding(ctx),
  ];
  const y = toNhwc(ctx, ctx.emit("Conv", inputs, attributes));
  return activation(ctx, y, rest, 3);
}

/** Applies fused activations after the bias (extra args start at input `argIndex`). */
function activation(ctx: NodeContext, x: string, ops: string[], argIndex: number): string {
  if (ops.length === 0) return x;
  if (ops.length > 1) ctx.unsupported(`fused_ops ${ops.join(",")}`);
  switch (ops[0]) {
    case "Relu":
      return ctx.emit("Relu", [x]);
    case "Relu6":
      return ctx.emit("Clip", [x, scalar(ctx, 0), scalar(ctx, 6)]);
    case "Prelu":
      return ctx.emit("PRelu", [x, ctx.input(argIndex)]);
    case "LeakyRelu":
      return ctx.emit("LeakyRelu", [x], [attr.float("alpha", ctx.float("leakyrelu_alpha", 0.2))]);
    case "Elu":
      return ctx.emit("Elu", [x]);
    case "Sigmoid":
      return ctx.emit("Sigmoid", [x]);
    case "Tanh":
      return ctx.emit("Tanh", [x]);
    default:
      return ctx.unsupported(`fused activation ${ops[0]}`);
  }
}

function scalar(ctx: NodeContext, v: number): string {
  return ctx.b.floats(`${ctx.name}/const`, [v], []);
}

function pool(ctx: NodeContext, onnxOp: "MaxPool" | "AveragePool"): string {
  const [kh, kw] = spatial(ctx, "ksize", 1);
  const [sh, sw] = spatial(ctx, "strides", 1);
  const y = ctx.emit(onnxOp, [toNchw(ctx, ctx.input(0))], [attr.ints("kernel_shape", [kh, kw]), attr.ints("strides", [sh, sw]), ...padding(ctx)]);
  return toNhwc(ctx, y);
}

// ---------------------------------------------------------------- matrix products

function matmul(ctx: NodeContext, fused: boolean): string {
  const operand = (i: number, transpose: boolean): string => {
    if (!transpose) return ctx.input(i);
    const c = ctx.constInput(i);
    if (c && c.shape.length === 2) {
      const t = transpose2d(c);
      return ctx.b.initializer(`${ctx.name}/transposed${i}`, OnnxType.FLOAT, t.dims, t.data);
    }
    return ctx.emit("Transpose", [ctx.input(i)], [attr.ints("perm", [1, 0])]);
  };
  const a = operand(0, ctx.bool("transpose_a", false));
  const b = operand(1, ctx.bool("transpose_b", false));
  let y = ctx.emit("MatMul", [a, b]);
  if (!fused) return y;
  const ops = ctx.strs("fused_ops");
  if (ops[0] !== "BiasAdd") ctx.unsupported(`fused_ops ${ops.join(",")}`);
  y = ctx.emit("Add", [y, ctx.input(2)]);
  return activation(ctx, y, ops.slice(1), 3);
}

/**
 * BatchMatMulV2: numpy-style batched product (ONNX MatMul broadcasts the same way);
 * adj_x / adj_y transpose the last two axes of an operand, which needs its rank.
 */
function batchMatmul(ctx: NodeContext): string {
  const operand = (i: number, adjoint: boolean): string => {
    if (!adjoint) return ctx.input(i);
    const rank = ctx.inputRank(i);
    if (rank === undefined || rank < 2) return ctx.unsupported(`adjoint of input ${i}, whose rank is not static`);
    const perm = [...Array.from({ length: rank - 2 }, (_, k) => k), rank - 1, rank - 2];
    return ctx.emit("Transpose", [ctx.input(i)], [attr.ints("perm", perm)]);
  };
  return ctx.emit("MatMul", [operand(0, ctx.bool("adj_x", false)), operand(1, ctx.bool("adj_y", false))]);
}

// ---------------------------------------------------------------- element-wise

const binary = (onnxOp: string): OpHandler => (ctx) => ctx.emit(onnxOp, [ctx.input(0), ctx.input(1)]);
const unary = (onnxOp: string): OpHandler => (ctx) => ctx.emit(onnxOp, [ctx.input(0)]);

// ---------------------------------------------------------------- shapes and slicing

/** A constant input as an int64 initializer (shapes, axes, pads). */
function int64Const(ctx: NodeContext, i: number, what: string): { name: string; values: number[] } {
  const c = ctx.requireConst(i, what);
  const values = asNumbers(c);
  return { name: ctx.b.int64s(`${ctx.name}/${what.replace(/\W+/g, "_")}`, values), values };
}

/** Input `i` as int64 (constant, or cast from a computed int32 tensor). */
function int64Input(ctx: NodeContext, i: number, what: string): string {
  if (ctx.constInput(i)) return int64Const(ctx, i, what).name;
  const x = ctx.input(i);
  return ctx.b.typeOf(x) === OnnxType.INT64 ? x : ctx.emit("Cast", [x], [attr.int("to", OnnxType.INT64)], OnnxType.INT64);
}

/** Gather indices as int64, constant ones keeping their shape (int64Input flattens them). */
function indicesInput(ctx: NodeContext, i: number): string {
  const c = ctx.constInput(i);
  if (c) return ctx.b.int64s(`${ctx.name}/indices`, asNumbers(c), c.shape);
  return int64Input(ctx, i, "indices");
}

function reduce(onnxOp: string): OpHandler {
  return (ctx) => {
    const axes = int64Const(ctx, 1, "reduction axes");
    const keep = ctx.bool("keep_dims", false) ? 1 : 0;
    if (axes.values.length === 0) return ctx.emit("Identity", [ctx.input(0)]);
    return ctx.emit(onnxOp, [ctx.input(0), axes.name], [attr.int("keepdims", keep)]);
  };
}

function unsqueeze(ctx: NodeContext, x: string, axes: number[]): string {
  return ctx.emit("Unsqueeze", [x, ctx.b.int64s(`${ctx.name}/axes`, axes)]);
}

function stridedSlice(ctx: NodeContext): string {
  const begin = asNumbers(ctx.requireConst(1, "begin"));
  const end = asNumbers(ctx.requireConst(2, "end"));
  const strides = asNumbers(ctx.requireConst(3, "strides"));
  const mask = (k: string) => ctx.int(k, 0);
  if (mask("ellipsis_mask") !== 0 || mask("new_axis_mask") !== 0) ctx.unsupported("ellipsis_mask / new_axis_mask");
  const beginMask = mask("begin_mask");
  const endMask = mask("end_mask");
  const shrinkMask = mask("shrink_axis_mask");
  const starts: number[] = [];
  const ends: number[] = [];
  const steps: number[] = [];
  const squeeze: number[] = [];
  for (let i = 0; i < begin.length; i++) {
    const bit = 1 << i;
    const s = strides[i]!;
    if (shrinkMask & bit) {
      const b = begin[i]!;
      starts.push(b);
      ends.push(b === -1 ? BIG : b + 1);
      steps.push(1);
      squeeze.push(i);
      continue;
    }
    starts.push(beginMask & bit ? (s > 0 ? 0 : BIG) : begin[i]!);
    ends.push(endMask & bit ? (s > 0 ? BIG : -BIG) : end[i]!);
    steps.push(s);
  }
  const axes = begin.map((_, i) => i);
  const sliced = ctx.emit("Slice", [
    ctx.input(0),
    ctx.b.int64s(`${ctx.name}/starts`, starts),
    ctx.b.int64s(`${ctx.name}/ends`, ends),
    ctx.b.int64s(`${ctx.name}/axes`, axes),
    ctx.b.int64s(`${ctx.name}/steps`, steps),
  ]);
  return squeeze.length === 0 ? sliced : ctx.emit("Squeeze", [sliced, ctx.b.int64s(`${ctx.name}/squeeze`, squeeze)]);
}

function resizeBilinear(ctx: NodeContext): string {
  const size = int64Const(ctx, 1, "size");
  const mode = ctx.bool("align_corners", false) ? "align_corners" : ctx.bool("half_pixel_centers", false) ? "half_pixel" : "asymmetric";
  const y = ctx.emit("Resize", [toNchw(ctx, ctx.input(0)), "", "", size.name], [
    attr.ints("axes", [2, 3]),
    attr.string("mode", "linear"),
    attr.string("coordinate_transformation_mode", mode),
  ]);
  return toNhwc(ctx, y);
}

// ---------------------------------------------------------------- the table

export const OP_HANDLERS: Record<string, OpHandler> = {
  Identity: unary("Identity"),
  Conv2D: (ctx) => conv(ctx, false, false),
  _FusedConv2D: (ctx) => conv(ctx, false, true),
  DepthwiseConv2dNative: (ctx) => conv(ctx, true, false),
  FusedDepthwiseConv2dNative: (ctx) => conv(ctx, true, true),
  MatMul: (ctx) => matmul(ctx, false),
  _FusedMatMul: (ctx) => matmul(ctx, true),
  BiasAdd: binary("Add"),
  Add: binary("Add"),
  AddV2: binary("Add"),
  Sub: binary("Sub"),
  Mul: binary("Mul"),
  RealDiv: binary("Div"),
  Minimum: binary("Min"),
  Maximum: binary("Max"),
  BatchMatMulV2: batchMatmul,
  AddN: (ctx) => ctx.emit("Sum", ctx.inputRefs.map((_, i) => ctx.input(i))),
  Floor: unary("Floor"),
  Abs: unary("Abs"),
  Neg: unary("Neg"),
  Exp: unary("Exp"),
  Sqrt: unary("Sqrt"),
  Rsqrt: (ctx) => ctx.emit("Reciprocal", [ctx.emit("Sqrt", [ctx.input(0)])]),
  Square: (ctx) => ctx.emit("Mul", [ctx.input(0), ctx.input(0)]),
  Relu: unary("Relu"),
  Relu6: (ctx) => ctx.emit("Clip", [ctx.input(0), scalar(ctx, 0), scalar(ctx, 6)]),
  Prelu: (ctx) => ctx.emit("PRelu", [ctx.input(0), ctx.input(1)]),
  LeakyRelu: (ctx) => ctx.emit("LeakyRelu", [ctx.input(0)], [attr.float("alpha", ctx.float("alpha", 0.2))]),
  Elu: unary("Elu"),
  Sigmoid: unary("Sigmoid"),
  Tanh: unary("Tanh"),
  Softmax: (ctx) => ctx.emit("Softmax", [ctx.input(0)], [attr.int("axis", -1)]),
  MaxPool: (ctx) => pool(ctx, "MaxPool"),
  AvgPool: (ctx) => pool(ctx, "AveragePool"),
  Pad: (ctx) => {
    const p = asNumbers(ctx.requireConst(1, "paddings")); // [[before, after] per dim]
    const rank = p.length / 2;
    const pads = [...Array.from({ length: rank }, (_, i) => p[2 * i]!), ...Array.from({ length: rank }, (_, i) => p[2 * i + 1]!)];
    return ctx.emit("Pad", [ctx.input(0), ctx.b.int64s(`${ctx.name}/pads`, pads)], [attr.string("mode", "constant")]);
  },
  Mean: reduce("ReduceMean"),
  Sum: reduce("ReduceSum"),
  Max: reduce("ReduceMax"),
  Min: reduce("ReduceMin"),
  Prod: reduce("ReduceProd"),
  Reshape: (ctx) => ctx.emit("Reshape", [ctx.input(0), int64Input(ctx, 1, "shape")]),
  Squeeze: (ctx) => {
    const dims = ctx.ints("squeeze_dims");
    return dims.length === 0 ? ctx.emit("Squeeze", [ctx.input(0)]) : ctx.emit("Squeeze", [ctx.input(0), ctx.b.int64s(`${ctx.name}/axes`, dims)]);
  },
  ExpandDims: (ctx) => ctx.emit("Unsqueeze", [ctx.input(0), int64Const(ctx, 1, "axis").name]),
  Shape: (ctx) => {
    const out: OnnxDataType = onnxTypeOfTf(ctx.attr("out_type")?.type ?? "DT_INT32", `Shape ${ctx.name}`);
    const s = ctx.emit("Shape", [ctx.input(0)], [], OnnxType.INT64);
    return out === OnnxType.INT64 ? s : ctx.emit("Cast", [s], [attr.int("to", out)], out);
  },
  StridedSlice: stridedSlice,
  Pack: (ctx) => {
    const axis = ctx.int("axis", 0);
    const parts = ctx.inputRefs.map((_, i) => unsqueeze(ctx, ctx.input(i), [axis]));
    return ctx.emit("Concat", parts, [attr.int("axis", axis)]);
  },
  ConcatV2: (ctx) => {
    const n = ctx.inputRefs.length - 1;
    const axis = asNumbers(ctx.requireConst(n, "axis"))[0]!;
    return ctx.emit("Concat", ctx.inputRefs.slice(0, n).map((_, i) => ctx.input(i)), [attr.int("axis", axis)]);
  },
  GatherV2: (ctx) => {
    if (ctx.int("batch_dims", 0) !== 0) ctx.unsupported(`batch_dims ${ctx.int("batch_dims", 0)}`);
    const axis = asNumbers(ctx.requireConst(2, "axis"))[0]!;
    return ctx.emit("Gather", [ctx.input(0), indicesInput(ctx, 1)], [attr.int("axis", axis)]);
  },
  GatherNd: (ctx) => ctx.emit("GatherND", [ctx.input(0), indicesInput(ctx, 1)]),
  Transpose: (ctx) => ctx.emit("Transpose", [ctx.input(0)], [attr.ints("perm", asNumbers(ctx.requireConst(1, "perm")))]),
  Cast: (ctx) => {
    const to = onnxTypeOfTf(ctx.attr("DstT")?.type, `Cast ${ctx.name}`);
    return ctx.emit("Cast", [ctx.input(0)], [attr.int("to", to)], to);
  },
  ResizeBilinear: resizeBilinear,
  DepthToSpace: (ctx) => {
    if (ctx.str("data_format", "NHWC") !== "NHWC") ctx.unsupported("data_format");
    const y = ctx.emit("DepthToSpace", [toNchw(ctx, ctx.input(0))], [attr.int("blocksize", ctx.int("block_size", 2)), attr.string("mode", "DCR")]);
    return toNhwc(ctx, y);
  },
};
