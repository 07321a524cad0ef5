/**
 * Stage 4: align a face to the ArcFace 112×112 template with the least-squares
 * similarity transform (Umeyama) from its five points.
 */
import { estimateSimilarity, type Point } from "../math/similarity-transform.js";
import { warpAffine } from "../math/warp-affine.js";
import { ARCFACE_112_TEMPLATE } from "./five-point.js";
import type { RgbImage } from "./image-decode.stage.js";

export const ALIGNED_SIZE = 112;

export class FaceAlignStage {
  async load(): Promise<void> {
    // Pure computation: nothing to load.
  }

  async run(img: RgbImage, fivePoints: readonly Point[]): Promise<RgbImage> {
    const m = estimateSimilarity(fivePoints, ARCFACE_112_TEMPLATE);
    const out = warpAffine(img, m, ALIGNED_SIZE, ALIGNED_SIZE);
    return { ...out, channels: 3 };
  }
}
