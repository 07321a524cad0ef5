/** Stage 5: aligned 112×112 RGB face → L2-normalised embedding. */
import { l2Normalize } from "../math/vector.js";
import { ALIGNED_SIZE } from "./face-align.stage.js";
import type { RgbImage } from "./image-decode.stage.js";
import type { ModelSpec } from "./model-manifest.js";
import { createModelSession, runOnnx, toPlanarFloat, type OnnxOptions, type OnnxSession } from "./onnx-session.js";

export class EmbedStage {
  private session: OnnxSession | undefined;

  constructor(readonly spec: ModelSpec, private readonly opts: OnnxOptions) {}

  async load(): Promise<void> {
    this.session ??= await createModelSession(this.spec, this.opts);
  }

  async run(aligned: RgbImage): Promise<Float32Array> {
    if (!this.session) throw new Error("EmbedStage.run before load()");
    if (aligned.width !== ALIGNED_SIZE || aligned.height !== ALIGNED_SIZE) {
      throw new RangeError(`expected a ${ALIGNED_SIZE}x${ALIGNED_SIZE} face, got ${aligned.width}x${aligned.height}`);
    }
    const input = toPlanarFloat(aligned.data, ALIGNED_SIZE, ALIGNED_SIZE, 3, 127, 128);
    const [out] = await runOnnx(this.session, "input", input, [1, 3, ALIGNED_SIZE, ALIGNED_SIZE], ["output"]);
    return l2Normalize(out!);
  }
}
