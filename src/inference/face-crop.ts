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

/**
 * The crop that Silent-Face-Anti-Spoofing and faceplugin's attribute models use: the
 * detector box scaled by `scale` about its centre (the scale reduced when the scaled box
 * would not fit the image), moved back inside the image, and stretched to `size`×`size`.
 */
export function boxCropTransform(
  box: { x1: number; y1: number; x2: number; y2: number },
  scale: number,
  size: number,
  image: { width: number; height: number },
): Affine2x3 {
  const w = Math.max(1, box.x2 - box.x1);
  const h = Math.max(1, box.y2 - box.y1);
  const s = Math.min((image.height - 1) / h, (image.width - 1) / w, scale);
  const nw = w * s;
  const nh = h * s;
  let left = (box.x1 + box.x2) / 2 - nw / 2;
  let top = (box.y1 + box.y2) / 2 - nh / 2;
  left = Math.min(Math.max(left, 0), image.width - 1 - nw);
  top = Math.min(Math.max(top, 0), image.height - 1 - nh);
  const kx = size / nw;
  const ky = size / nh;
  return [kx, 0, -kx * left, 0, ky, -ky * top];
}

/**
 * The box made square about its centre (its longer side), scaled by `scale`, to
 * size × size; what falls outside the image is black (no clamping, unlike boxCropTransform).
 */
export function squareBoxTransform(box: { x1: number; y1: number; x2: number; y2: number }, size: number, scale = 1): Affine2x3 {
  const half = (Math.max(box.x2 - box.x1, box.y2 - box.y1) * scale) / 2;
  const k = size / (2 * half);
  return [k, 0, -k * ((box.x1 + box.x2) / 2 - half), 0, k, -k * ((box.y1 + box.y2) / 2 - half)];
}
