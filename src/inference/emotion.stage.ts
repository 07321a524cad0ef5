/**
 * Attribute (expression): @vladmandic/human's 7-class expression model, converted to
 * ONNX, on the detector's box made square (no margin) at 64×64 gray, (p − 127.5) / 127.5.
 * The tight box is what FER2013-style training crops look like: on FER2013 it scores
 * 53.6 % against 46.8 % with a 1.2× box and 47 % on the face-mesh region Human uses
 * (models/README.md). Returns the class probabilities in EXPRESSIONS order
 * (src/domain/face-engine.port.ts).
 */
import type { Affine2x3 } from "../math/similarity-transform.js";
import { toGray, warpAffine } from "../math/warp-affine.js";
import type { Detection } from "./detection.js";
import type { RgbImage } from "./image-decode.stage.js";
import type { ModelSpec } from "./model-manifest.js";
import { runOnImage, type OnnxOptions, StageSession } from "./onnx-session.js";

const SIZE = 64;

export class EmotionStage {
  private readonly session: StageSession;

  constructor(readonly spec: ModelSpec, opts: OnnxOptions) {
    this.session = new StageSession(spec, opts);
  }

  async load(): Promise<void> {
    await this.session.load();
  }

  async run(img: RgbImage, face: Detection): Promise<number[]> {
    const crop = toGray(warpAffine(img, squareBoxTransform(face, SIZE), SIZE, SIZE));
    const [out] = await runOnImage(this.session.get(), this.spec, crop, [this.spec.outputs[0]!.name]);
    return Array.from(out!);
  }
}

/** The box made square about its centre (its longer side), scaled to size × size; outside the image is black. */
export function squareBoxTransform(box: { x1: number; y1: number; x2: number; y2: number }, size: number): Affine2x3 {
  const half = Math.max(box.x2 - box.x1, box.y2 - box.y1) / 2;
  const k = size / (2 * half);
  return [k, 0, -k * ((box.x1 + box.x2) / 2 - half), 0, k, -k * ((box.y1 + box.y2) / 2 - half)];
}
