/**
 * Capture check (passive liveness, Human): @vladmandic/human's anti-spoofing model,
 * converted to ONNX. Human feeds it the face-mesh region of the face (1.5 × the mesh,
 * eyes levelled) resized to 128×128 with values in [0, 1]; so do we. Returns its "real"
 * score (a sigmoid output).
 */
import type { Point } from "../math/similarity-transform.js";
import { warpAffine } from "../math/warp-affine.js";
import { roiFromMesh, roiTransform } from "./face-mesh.stage.js";
import type { RgbImage } from "./image-decode.stage.js";
import type { ModelSpec } from "./model-manifest.js";
import { runOnImage, type OnnxOptions, StageSession } from "./onnx-session.js";

const SIZE = 128;

export class AntispoofStage {
  private readonly session: StageSession;

  constructor(readonly spec: ModelSpec, opts: OnnxOptions) {
    this.session = new StageSession(spec, opts);
  }

  async load(): Promise<void> {
    await this.session.load();
  }

  async run(img: RgbImage, mesh: readonly Point[]): Promise<number> {
    const crop = warpAffine(img, roiTransform(roiFromMesh(mesh), SIZE), SIZE, SIZE);
    const [out] = await runOnImage(this.session.get(), this.spec, crop, [this.spec.outputs[0]!.name]);
    return out![0]!;
  }
}
