/**
 * Affine resampling of interleaved 8-bit images (RGB or gray), bilinear, with
 * supersampling when the transform shrinks the image so that small outputs of large
 * faces do not alias. Pixels that fall outside the source are filled with `border`.
 * Pure function; the inference stages use it for landmark crops and face alignment.
 */
import { type Affine2x3, invertAffine } from "./similarity-transform.js";

export interface RawImage {
  width: number;
  height: number;
  /** 1 (gray) or 3 (RGB). */
  channels: number;
  /** Row-major, interleaved, `width * height * channels` bytes. */
  data: Uint8Array;
}

/**
 * Warps `src` into a `width`×`height` image with the forward transform `m`
 * (source coordinates → destination coordinates, pixel centres at integer + 0.5 offsets
 * are not used: like OpenCV's warpAffine, pixel (x, y) is the point (x, y)).
 */
export function warpAffine(src: RawImage, m: Affine2x3, width: number, height: number, border = 0): RawImage {
  const inv = invertAffine(m);
  const { width: sw, height: sh, channels: ch, data } = src;
  const out = new Uint8Array(width * height * ch);
  // How many source pixels one destination pixel spans: the larger singular value bound.
  const srcPerDst = Math.max(Math.hypot(inv[0], inv[3]), Math.hypot(inv[1], inv[4]));
  const ss = Math.max(1, Math.min(8, Math.ceil(srcPerDst)));
  const norm = 1 / (ss * ss);
  const acc = new Float64Array(ch);

  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      acc.fill(0);
      for (let sy = 0; sy < ss; sy++) {
        const dy = y + (sy + 0.5) / ss - 0.5;
        for (let sx = 0; sx < ss; sx++) {
          const dx = x + (sx + 0.5) / ss - 0.5;
          // Bilinear sample of the source at (u, v).
          const u = inv[0] * dx + inv[1] * dy + inv[2];
          const v = inv[3] * dx + inv[4] * dy + inv[5];
          const x0 = Math.floor(u);
          const y0 = Math.floor(v);
          const fx = u - x0;
          const fy = v - y0;
          addCorner(acc, data, sw, sh, ch, x0, y0, (1 - fx) * (1 - fy), border);
          addCorner(acc, data, sw, sh, ch, x0 + 1, y0, fx * (1 - fy), border);
          addCorner(acc, data, sw, sh, ch, x0, y0 + 1, (1 - fx) * fy, border);
          addCorner(acc, data, sw, sh, ch, x0 + 1, y0 + 1, fx * fy, border);
        }
      }
      const o = (y * width + x) * ch;
      for (let c = 0; c < ch; c++) out[o + c] = Math.round(acc[c]! * norm);
    }
  }
  return { width, height, channels: ch, data: out };
}

/** Adds `weight` × the source pixel at (x, y) (or the border value outside) to `acc`. */
function addCorner(acc: Float64Array, data: Uint8Array, w: number, h: number, ch: number, x: number, y: number, weight: number, border: number): void {
  if (weight === 0) return;
  if (x < 0 || y < 0 || x >= w || y >= h) {
    for (let c = 0; c < ch; c++) acc[c]! += weight * border;
    return;
  }
  const i = (y * w + x) * ch;
  for (let c = 0; c < ch; c++) acc[c]! += weight * data[i + c]!;
}

/** Luma (ITU-R BT.601) of an RGB image as a 1-channel image. */
export function toGray(src: RawImage): RawImage {
  if (src.channels === 1) return src;
  const n = src.width * src.height;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * src.channels;
    out[i] = Math.round(0.299 * src.data[o]! + 0.587 * src.data[o + 1]! + 0.114 * src.data[o + 2]!);
  }
  return { width: src.width, height: src.height, channels: 1, data: out };
}
