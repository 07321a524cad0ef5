/**
 * Attribute (expression): @vladmandic/human's 7-class expression model, converted to
 * ONNX, on the detector's box made square (no margin) at 64×64 gray, (p − 127.5) / 127.5.
 * The tight box is what FER2013-style training crops look like: on FER2013 it scores
 * 53.6 % against 46.8 % with a 1.2× box and 47 % on the face-mesh region Human uses
 * (models/README.md). Returns the class probabilities in EXPRESSIONS order
 * (src/domain/face-engine.port.ts).
 */
import { toGray, warpAffine } from "../math/warp-affine.js";
import type { Detection } from "./detection.js";
import { squareBoxTransform } from "./face-crop.js";
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
