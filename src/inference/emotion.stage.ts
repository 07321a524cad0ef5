/**
 * Attribute (expression): @vladmandic/human's 7-class expression model, converted to
 * ONNX, on the face-mesh region (as Human crops it) at 64×64 gray, (p − 127.5) / 127.5.
 * Returns the class probabilities in EXPRESSIONS order (src/domain/face-engine.port.ts).
 */
import type { Point } from "../math/similarity-transform.js";
import { toGray, warpAffine } from "../math/warp-affine.js";
import { roiFromMesh, roiTransform } from "./face-mesh.stage.js";
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

  async run(img: RgbImage, mesh: readonly Point[]): Promise<number[]> {
    const crop = toGray(warpAffine(img, roiTransform(roiFromMesh(mesh), SIZE), SIZE, SIZE));
    const [out] = await runOnImage(this.session.get(), this.spec, crop, [this.spec.outputs[0]!.name]);
    return Array.from(out!);
  }
}
