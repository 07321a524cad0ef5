/**
 * Stage 2 (RFB-320 family): find faces. Runs the faceplugin RFB-320 detector on the whole image stretched to
 * 320×240, keeps boxes above the score threshold, merges overlaps with NMS and maps
 * boxes back to image pixels.
 */
import { nonMaxSuppression } from "../math/nms.js";
import type { Detection, FaceDetectorStage } from "./detection.js";
import { resizeRgb, type RgbImage } from "./image-decode.stage.js";
import type { ModelSpec } from "./model-manifest.js";
import { runOnnx, imageTensor, type OnnxOptions, StageSession } from "./onnx-session.js";

export interface DetectOptions extends OnnxOptions {
  /** Minimum face probability for a box to count as a face. */
  scoreThreshold: number;
  /** Boxes overlapping a better one by more than this IoU are dropped. */
  iouThreshold: number;
  /** Faces whose box is smaller than this many pixels (shorter side) are ignored. */
  minFaceSize: number;
}

const INPUT_W = 320;
const INPUT_H = 240;

export class Rfb320DetectStage implements FaceDetectorStage {
  private readonly session: StageSession;

  constructor(readonly spec: ModelSpec, private readonly opts: DetectOptions) {
    this.session = new StageSession(spec, opts);
  }

  async load(): Promise<void> {
    await this.session.load();
  }

  /** Faces in the image, best score first, in image pixel coordinates (possibly past the edges). */
  async run(img: RgbImage): Promise<Detection[]> {
    const pixels = await resizeRgb(img, INPUT_W, INPUT_H);
    const input = imageTensor(this.spec, { data: pixels, width: INPUT_W, height: INPUT_H, channels: 3 });
    const [scores, boxes] = await runOnnx(this.session.get(), this.spec.input.name, input.data, input.shape, ["scores", "boxes"]);
    const candidates: Detection[] = [];
    const priors = scores!.length / 2;
    for (let i = 0; i < priors; i++) {
      const score = scores![i * 2 + 1]!;
      if (score < this.opts.scoreThreshold) continue;
      // Boxes of faces cut by the frame may reach past the image; they are kept as they
      // are so that the landmark crop keeps the face's true size.
      const x1 = boxes![i * 4]! * img.width;
      const y1 = boxes![i * 4 + 1]! * img.height;
      const x2 = boxes![i * 4 + 2]! * img.width;
      const y2 = boxes![i * 4 + 3]! * img.height;
      if (Math.min(x2 - x1, y2 - y1) < this.opts.minFaceSize) continue;
      candidates.push({ x1, y1, x2, y2, score, keypoints: [] });
    }
    return nonMaxSuppression(candidates, this.opts.iouThreshold);
  }
}
