/**
 * Stage 2 (YuNet family): the libfacedetection YuNet detector, 2023 head, dynamic input.
 * The image is scaled so that its longer side is at most `maxSide` and at least `minSide`,
 * optionally given a grey border (`pad`, a fraction of each side: a face that fills the
 * frame needs some context around it), padded to a multiple of 32, fed as BGR 0–255, and
 * every prior of the three strides decoded as OpenCV's FaceDetectorYN does:
 *   score = sqrt(clamp(cls) · clamp(obj))
 *   centre = (col + dx, row + dy) · stride; size = exp(dw, dh) · stride
 *   keypoint k = (col + kx_k, row + ky_k) · stride
 * then NMS, and everything mapped back to image pixels. The five keypoints are the
 * ArcFace points in image order (image-left eye, image-right eye, nose tip, image-left
 * and image-right mouth corner), so the detector can also serve as the landmark stage.
 */
import { nonMaxSuppression } from "../math/nms.js";
import type { Point } from "../math/similarity-transform.js";
import type { Detection, FaceDetectorStage } from "./detection.js";
import { resizeRgb, type RgbImage } from "./image-decode.stage.js";
import type { ModelSpec } from "./model-manifest.js";
import { imageTensor, runOnnx, type OnnxOptions, StageSession } from "./onnx-session.js";

/** How an image becomes the detector's input. */
export interface YuNetSizing {
  /** Longer side of the detector input: larger images are shrunk to it. */
  maxSide: number;
  /** Smaller images are enlarged until their longer side is this (a 48-pixel face is too small for the model's priors). */
  minSide: number;
  /** Border added on each side, as a fraction of the (scaled) image's side. */
  pad: number;
}

export interface YuNetOptions extends OnnxOptions, YuNetSizing {
  scoreThreshold: number;
  iouThreshold: number;
  minFaceSize: number;
}

const STRIDES = [8, 16, 32] as const;
/** The grey the border is filled with (a neutral background for the detector). */
const BORDER = 128;

export interface YuNetInput {
  /** Planar BGR float32, 1×3×H×W. */
  data: Float32Array;
  width: number;
  height: number;
  /** Input pixel = image pixel × scale + offset. */
  scale: number;
  offsetX: number;
  offsetY: number;
}

/** The detector input for an image: scaled, bordered, padded to a multiple of 32, then the model's tensor (BGR planar). */
export async function yunetInput(spec: ModelSpec, img: RgbImage, { maxSide, minSide, pad }: YuNetSizing): Promise<YuNetInput> {
  const longer = Math.max(img.width, img.height);
  const scale = longer > maxSide ? maxSide / longer : longer < minSide ? minSide / longer : 1;
  const w = Math.max(1, Math.round(img.width * scale));
  const h = Math.max(1, Math.round(img.height * scale));
  const pixels = w === img.width && h === img.height ? img.data : await resizeRgb(img, w, h, scale > 1 ? "cubic" : "lanczos3");
  const offsetX = Math.round(w * pad);
  const offsetY = Math.round(h * pad);
  const width = Math.ceil((w + 2 * offsetX) / 32) * 32;
  const height = Math.ceil((h + 2 * offsetY) / 32) * 32;
  const padded = new Uint8Array(width * height * 3).fill(BORDER);
  for (let y = 0; y < h; y++) padded.set(pixels.subarray(y * w * 3, (y + 1) * w * 3), ((y + offsetY) * width + offsetX) * 3);
  const { data } = imageTensor(spec, { data: padded, width, height, channels: 3 });
  return { data, width, height, scale: w / img.width, offsetX, offsetY };
}

const OUTPUTS = STRIDES.flatMap((s) => [`cls_${s}`, `obj_${s}`, `bbox_${s}`, `kps_${s}`]);

/** Decodes the twelve YuNet outputs (in OUTPUTS order) into input-pixel detections above `threshold`. */
export function decodeYuNet(outputs: readonly Float32Array[], width: number, height: number, threshold: number): Detection[] {
  const found: Detection[] = [];
  STRIDES.forEach((stride, i) => {
    const [cls, obj, bbox, kps] = outputs.slice(i * 4, i * 4 + 4) as [Float32Array, Float32Array, Float32Array, Float32Array];
    const cols = width / stride;
    const rows = height / stride;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const k = r * cols + c;
        const score = Math.sqrt(Math.min(1, Math.max(0, cls[k]!)) * Math.min(1, Math.max(0, obj[k]!)));
        if (score < threshold) continue;
        const cx = (c + bbox[k * 4]!) * stride;
        const cy = (r + bbox[k * 4 + 1]!) * stride;
        const w = Math.exp(bbox[k * 4 + 2]!) * stride;
        const h = Math.exp(bbox[k * 4 + 3]!) * stride;
        const keypoints: Point[] = [];
        for (let p = 0; p < 5; p++) keypoints.push([(c + kps[k * 10 + 2 * p]!) * stride, (r + kps[k * 10 + 2 * p + 1]!) * stride]);
        found.push({ x1: cx - w / 2, y1: cy - h / 2, x2: cx + w / 2, y2: cy + h / 2, score, keypoints });
      }
    }
  });
  return found;
}

export class YuNetDetectStage implements FaceDetectorStage {
  private readonly session: StageSession;

  constructor(readonly spec: ModelSpec, private readonly opts: YuNetOptions) {
    this.session = new StageSession(spec, opts);
  }

  async load(): Promise<void> {
    await this.session.load();
  }

  /** Faces in the image, best score first, in image pixels, each with its five points. */
  async run(img: RgbImage): Promise<Detection[]> {
    const input = await yunetInput(this.spec, img, this.opts);
    const outputs = await runOnnx(this.session.get(), this.spec.input.name, input.data, [1, 3, input.height, input.width], OUTPUTS);
    const back = (x: number, off: number) => (x - off) / input.scale;
    const faces: Detection[] = [];
    for (const d of decodeYuNet(outputs, input.width, input.height, this.opts.scoreThreshold)) {
      const face: Detection = {
        x1: back(d.x1, input.offsetX),
        y1: back(d.y1, input.offsetY),
        x2: back(d.x2, input.offsetX),
        y2: back(d.y2, input.offsetY),
        score: d.score,
        keypoints: d.keypoints.map(([x, y]) => [back(x, input.offsetX), back(y, input.offsetY)] as Point),
      };
      if (Math.min(face.x2 - face.x1, face.y2 - face.y1) < this.opts.minFaceSize) continue;
      faces.push(face);
    }
    return nonMaxSuppression(faces, this.opts.iouThreshold);
  }
}
