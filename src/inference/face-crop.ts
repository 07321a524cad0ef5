/**
 * How a recognizer wants its face: the `crop` of its manifest entry.
 *   "arcface"       the five points aligned by a similarity transform to the ArcFace
 *                   112×112 template, scaled to the model's input size
 *   "arcface@<m>"   the same, zoomed out by factor m around the template centre (more
 *                   context, e.g. for models trained on looser crops)
 * Pure geometry: returns the source→crop transform.
 */
import { estimateSimilarity, type Affine2x3, type Point } from "../math/similarity-transform.js";
import { ARCFACE_112_TEMPLATE } from "./five-point.js";

export function cropTransform(crop: string, fivePoints: readonly Point[], width: number, height: number): Affine2x3 {
  const m = /^arcface(?:@([\d.]+))?$/.exec(crop);
  if (!m) throw new Error(`unknown crop "${crop}"`);
  const margin = m[1] === undefined ? 1 : Number(m[1]);
  if (!(margin >= 1 && margin <= 4)) throw new Error(`crop margin must be in [1, 4], got ${m[1]}`);
  // Template scaled to the output size, then shrunk towards the centre by the margin.
  const sx = width / 112;
  const sy = height / 112;
  const target = ARCFACE_112_TEMPLATE.map(([x, y]) => [
    width / 2 + ((x * sx - width / 2) / margin),
    height / 2 + ((y * sy - height / 2) / margin),
  ] as Point);
  return estimateSimilarity(fivePoints, target);
}
