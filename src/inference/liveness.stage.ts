/**
 * Capture check (passive liveness, faceplugin): a MiniFASNet-class presentation-attack
 * detector. Crop as upstream fr_liveness.js: the detector box × 2.7 (fitted into the
 * image), stretched to 128×128, raw 0–255 pixels in BGR order (see the manifest notes).
 * Returns the probability of the live class (softmax class 0).
 */
import { warpAffine } from "../math/warp-affine.js";
import type { Detection } from "./detection.js";
import { boxCropTransform } from "./face-crop.js";
import type { RgbImage } from "./image-decode.stage.js";
import type { ModelSpec } from "./model-manifest.js";
import { runOnImage, softmax, type OnnxOptions, StageSession } from "./onnx-session.js";

const SIZE = 128;
const SCALE = 2.7;

export class LivenessStage {
  private readonly session: StageSession;

  constructor(readonly spec: ModelSpec, opts: OnnxOptions) {
    this.session = new StageSession(spec, opts);
  }

  async load(): Promise<void> {
    await this.session.load();
  }

  async run(img: RgbImage, face: Detection): Promise<number> {
    const crop = warpAffine(img, boxCropTransform(face, SCALE, SIZE, img), SIZE, SIZE);
    const [logits] = await runOnImage(this.session.get(), this.spec, crop, [this.spec.outputs[0]!.name]);
    return softmax(logits!)[0]!;
  }
}
