/**
 * Image measurements the quality gate uses, on a 1-channel (gray) image. Pure functions.
 *   - laplacianVariance: variance of the 4-neighbour Laplacian over the interior pixels,
 *     the usual focus measure: sharp edges give large second derivatives, blur removes them;
 *   - exposure: mean and standard deviation of the pixel values, and the fractions of
 *     pixels crushed to black (≤ 16) or burnt to white (≥ 239).
 */
import type { RawImage } from "./warp-affine.js";

export function laplacianVariance(gray: RawImage): number {
  if (gray.channels !== 1) throw new RangeError("laplacianVariance needs a 1-channel image");
  const { width: w, height: h, data } = gray;
  if (w < 3 || h < 3) return 0;
  let sum = 0;
  let sumSq = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const l = data[i - 1]! + data[i + 1]! + data[i - w]! + data[i + w]! - 4 * data[i]!;
      sum += l;
      sumSq += l * l;
    }
  }
  const n = (w - 2) * (h - 2);
  const mean = sum / n;
  return sumSq / n - mean * mean;
}

export interface Exposure {
  /** Mean pixel value, 0..255. */
  mean: number;
  /** Standard deviation of the pixel values (global contrast). */
  std: number;
  /** Fraction of pixels ≤ 16. */
  dark: number;
  /** Fraction of pixels ≥ 239. */
  bright: number;
}

/** Over the pixels where `mask` is non-zero (all pixels without a mask). */
export function exposure(gray: RawImage, mask?: Uint8Array): Exposure {
  if (gray.channels !== 1) throw new RangeError("exposure needs a 1-channel image");
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  let dark = 0;
  let bright = 0;
  for (let i = 0; i < gray.width * gray.height; i++) {
    if (mask && !mask[i]) continue;
    n++;
    const v = gray.data[i]!;
    sum += v;
    sumSq += v * v;
    if (v <= 16) dark++;
    if (v >= 239) bright++;
  }
  if (n === 0) return { mean: 0, std: 0, dark: 1, bright: 0 };
  const mean = sum / n;
  return { mean, std: Math.sqrt(Math.max(0, sumSq / n - mean * mean)), dark: dark / n, bright: bright / n };
}
