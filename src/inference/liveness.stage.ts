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
import { createModelSession, runOnImage, softmax, type OnnxOptions, type OnnxSession } from "./onnx-session.js";

const SIZE = 128;
const SCALE = 2.7;

export class LivenessStage {
  private session: OnnxSession | undefined;

  constructor(readonly spec: ModelSpec, private readonly opts: OnnxOptions) {}

  async load(): Promise<void> {
    this.session ??= await createModelSession(this.spec, this.opts);
  }

  async run(img: RgbImage, face: Detection): Promise<number> {
    if (!this.session) throw new Error("LivenessStage.run before load()");
    const crop = warpAffine(img, boxCropTransform(face, SCALE, SIZE, img), SIZE, SIZE);
    const [logits] = await runOnImage(this.session, this.spec, crop, [this.spec.outputs[0]!.name]);
    return softmax(logits!)[0]!;
  }
}
