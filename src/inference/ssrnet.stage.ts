/**
 * Attributes (age, gender): faceplugin's SSR-Net models. Crop as upstream fr_age.js /
 * fr_gender.js: the detector box × 1.4 (fitted into the image), stretched to 64×64, RGB
 * with ImageNet mean/std. The three stages' outputs are merged as SSR-Net does
 * (ssrMerge); V = 101 gives years (age model), V = 1 a male score in [0, 1] (gender).
 */
import { warpAffine } from "../math/warp-affine.js";
import type { Detection } from "./detection.js";
import { boxCropTransform } from "./face-crop.js";
import type { RgbImage } from "./image-decode.stage.js";
import type { ModelSpec } from "./model-manifest.js";
import { runOnImage, type OnnxOptions, StageSession } from "./onnx-session.js";

const SIZE = 64;
const SCALE = 1.4;
const OUTPUTS = ["prob_stage_1", "prob_stage_2", "prob_stage_3", "stage1_delta_k", "stage2_delta_k", "stage3_delta_k", "index_offset_stage1", "index_offset_stage2", "index_offset_stage3"];

/**
 * SSR-Net's soft stagewise regression (Yang et al. 2018) with 3 bins per stage and
 * λ_local = λ_d = 1: x holds, in order, the three stages' probabilities (9), the stage
 * scale deltas (3) and the index offsets (9).
 */
export function ssrMerge(x: readonly number[], v: number): number {
  const d = [1 + x[9]!, 1 + x[10]!, 1 + x[11]!];
  let total = 0;
  let denominator = 1;
  for (let stage = 0; stage < 3; stage++) {
    denominator *= 3 * d[stage]!;
    let sum = 0;
    for (let i = 0; i < 3; i++) sum += (i + x[12 + stage * 3 + i]!) * x[stage * 3 + i]!;
    total += sum / denominator;
  }
  return total * v;
}

export class SsrNetStage {
  private readonly session: StageSession;

  /** `scale`: 101 for the age model (years), 1 for the gender model. */
  constructor(readonly spec: ModelSpec, private readonly opts: OnnxOptions & { scale: number }) {
    this.session = new StageSession(spec, opts);
  }

  async load(): Promise<void> {
    await this.session.load();
  }

  async run(img: RgbImage, face: Detection): Promise<number> {
    const crop = warpAffine(img, boxCropTransform(face, SCALE, SIZE, img), SIZE, SIZE);
    const outs = await runOnImage(this.session.get(), this.spec, crop, OUTPUTS);
    return ssrMerge(outs.flatMap((o) => Array.from(o)), this.opts.scale);
  }
}
