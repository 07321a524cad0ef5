/**
 * Stage 5 with several recognizers fused into one embedding: "A&B" (e.g.
 * "edgeface-xs+flip&edgeface-xxs+flip") runs each part on the same aligned crop and
 * concatenates their L2-normalised embeddings, each scaled by 1/√n. The result is unit
 * length and its cosine with another such embedding is the mean of the parts' cosines:
 * score-level fusion by equal weights that the template store, the matching index and
 * calibration handle like any single model's embedding.
 */
import type { Point } from "../math/similarity-transform.js";
import type { RawImage } from "../math/warp-affine.js";
import type { EmbedStage, RecognizerStage } from "./embed.stage.js";
import type { RgbImage } from "./image-decode.stage.js";
import { FUSION_SEPARATOR } from "./model-id.js";


/** The fused embedding of unit-length parts: their concatenation, each scaled by 1/√n. */
export function fuseEmbeddings(parts: readonly ArrayLike<number>[]): Float32Array {
  const k = 1 / Math.sqrt(parts.length);
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    for (let j = 0; j < p.length; j++) out[at + j] = p[j]! * k;
    at += p.length;
  }
  return out;
}

export class FusedEmbedStage implements RecognizerStage {
  constructor(private readonly parts: readonly EmbedStage[]) {
    if (parts.length < 2) throw new Error("a fused recognizer needs at least two parts");
    const [first, ...rest] = parts;
    for (const p of rest) {
      if (p.spec.crop !== first!.spec.crop || p.width !== first!.width || p.height !== first!.height || p.spec.input.colorOrder !== first!.spec.input.colorOrder) {
        throw new Error(`fused recognizer: ${p.spec.id} reads a different crop than ${first!.spec.id}`);
      }
    }
  }

  get embeddingId(): string {
    return this.parts.map((p) => p.embeddingId).join(FUSION_SEPARATOR);
  }

  async load(): Promise<void> {
    await Promise.all(this.parts.map((p) => p.load()));
  }

  align(img: RgbImage, fivePoints: readonly Point[]): RawImage {
    return this.parts[0]!.align(img, fivePoints);
  }

  async run(crop: RawImage): Promise<Float32Array> {
    return (await this.runMany([crop]))[0]!;
  }

  async runMany(crops: readonly RawImage[]): Promise<Float32Array[]> {
    const perPart: Float32Array[][] = [];
    for (const p of this.parts) perPart.push(await p.runMany(crops));
    return crops.map((_, i) => {
      const out = fuseEmbeddings(perPart.map((v) => v[i]!));
      for (const v of perPart) v[i]!.fill(0);
      return out;
    });
  }
}
