/**
 * Stage 5: one recognizer. Crops the face as its manifest entry says (align), converts
 * the pixels to its input tensor (layout, colour order, mean/std) and returns the
 * L2-normalised embedding from its output. With `flip`, the embedding is the normalised
 * sum of the crop's and its mirror image's embeddings (the usual test-time augmentation
 * of face recognition evaluations); that is a different embedding, with its own id.
 */
import { recognizerPartId } from "./model-id.js";
import type { Point } from "../math/similarity-transform.js";
import { l2Normalize } from "../math/vector.js";
import { mirror, toGray, warpAffine, type RawImage } from "../math/warp-affine.js";
import { cropTransform } from "./face-crop.js";
import type { RgbImage } from "./image-decode.stage.js";
import type { ModelSpec } from "./model-manifest.js";
import { runOnImages, type OnnxOptions, StageSession } from "./onnx-session.js";

/** What the pipeline needs of a recognizer: one model (EmbedStage) or several fused (FusedEmbedStage). */
export interface RecognizerStage {
  /** The id templates made by this stage are pinned to. */
  readonly embeddingId: string;
  load(): Promise<void>;
  /** The face crop this recognizer reads (the "align" step). */
  align(img: RgbImage, fivePoints: readonly Point[]): RawImage;
  run(crop: RawImage): Promise<Float32Array>;
  runMany(crops: readonly RawImage[]): Promise<Float32Array[]>;
}

export class EmbedStage implements RecognizerStage {
  private readonly session: StageSession;
  readonly width: number;
  readonly height: number;

  constructor(readonly spec: ModelSpec, private readonly opts: OnnxOptions & { flip?: boolean }) {
    this.session = new StageSession(spec, opts);
    const s = spec.input.shape;
    [this.height, this.width] = spec.input.layout === "NCHW" ? [s[2]!, s[3]!] : [s[1]!, s[2]!];
    if (!spec.crop) throw new Error(`recognizer ${spec.id} has no crop in the manifest`);
  }

  /** The id of the embeddings this stage makes: the model id, plus "+flip" with flipping. */
  get embeddingId(): string {
    return recognizerPartId({ model: this.spec.id, flip: this.opts.flip ?? false });
  }

  async load(): Promise<void> {
    await this.session.load();
  }

  /** The face crop this model reads (the "align" step). */
  align(img: RgbImage, fivePoints: readonly Point[]): RawImage {
    const crop = warpAffine(img, cropTransform(this.spec.crop!, fivePoints, this.width, this.height), this.width, this.height);
    return this.spec.input.colorOrder === "GRAY" ? toGray(crop) : crop;
  }

  async run(crop: RawImage): Promise<Float32Array> {
    return (await this.runMany([crop]))[0]!;
  }

  /**
   * Embeddings of several crops (several faces of one image). A model with a dynamic
   * batch axis runs all of them, mirror images included, as one batch.
   */
  async runMany(crops: readonly RawImage[]): Promise<Float32Array[]> {
    const inputs = this.opts.flip ? crops.flatMap((c) => [c, mirror(c)]) : [...crops];
    const raw: Float32Array[] = [];
    if (this.spec.input.dynamicBatch) raw.push(...(await this.forwardBatch(inputs)));
    else for (const c of inputs) raw.push(...(await this.forwardBatch([c])));
    const vectors = raw.map((v) => l2Normalize(v));
    if (!this.opts.flip) return vectors;
    return crops.map((_, i) => {
      const a = vectors[2 * i]!;
      const b = vectors[2 * i + 1]!;
      for (let k = 0; k < a.length; k++) a[k]! += b[k]!;
      return l2Normalize(a);
    });
  }

  private async forwardBatch(crops: readonly RawImage[]): Promise<Float32Array[]> {
    const [out] = await runOnImages(this.session.get(), this.spec, crops, [this.spec.outputs[0]!.name]);
    const dim = out!.length / crops.length;
    return crops.map((_, i) => out!.slice(i * dim, (i + 1) * dim));
  }
}
