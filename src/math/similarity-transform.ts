/**
 * Least-squares similarity transform (rotation, uniform scale, translation) between two
 * 2-D point sets, after Umeyama (1991), "Least-squares estimation of transformation
 * parameters between two point patterns". Pure math, no dependencies.
 */

export type Point = readonly [number, number];

/** Row-major 2×3 affine matrix [a, b, tx, c, d, ty]: x' = a·x + b·y + tx, y' = c·x + d·y + ty. */
export type Affine2x3 = readonly [number, number, number, number, number, number];

/** The similarity transform that maps `src` onto `dst` with least squared error. */
export function estimateSimilarity(src: readonly Point[], dst: readonly Point[]): Affine2x3 {
  const n = src.length;
  if (n !== dst.length) throw new RangeError(`point count mismatch: ${n} vs ${dst.length}`);
  if (n < 2) throw new RangeError("need at least two point pairs");

  let msx = 0, msy = 0, mdx = 0, mdy = 0;
  for (let i = 0; i < n; i++) {
    msx += src[i]![0]; msy += src[i]![1];
    mdx += dst[i]![0]; mdy += dst[i]![1];
  }
  msx /= n; msy /= n; mdx /= n; mdy /= n;

  // Covariance Σ = (1/n) Σ (dst_i - μd)(src_i - μs)^T and source variance.
  let s00 = 0, s01 = 0, s10 = 0, s11 = 0, varSrc = 0;
  for (let i = 0; i < n; i++) {
    const sx = src[i]![0] - msx, sy = src[i]![1] - msy;
    const dx = dst[i]![0] - mdx, dy = dst[i]![1] - mdy;
    s00 += dx * sx; s01 += dx * sy;
    s10 += dy * sx; s11 += dy * sy;
    varSrc += sx * sx + sy * sy;
  }
  s00 /= n; s01 /= n; s10 /= n; s11 /= n; varSrc /= n;
  if (varSrc === 0) throw new RangeError("source points are all identical");

  // For 2×2, the optimal rotation of Umeyama's SVD solution reduces to the angle
  // atan2(s10 - s01, s00 + s11); the scale is trace(D·S)/varSrc = |(s00+s11, s10-s01)|/varSrc
  // (reflections are excluded, as Umeyama's S matrix does when det(Σ) < 0).
  const p = s00 + s11;
  const q = s10 - s01;
  const r = Math.hypot(p, q);
  const cos = r === 0 ? 1 : p / r;
  const sin = r === 0 ? 0 : q / r;
  const scale = r / varSrc;

  const a = scale * cos, b = -scale * sin;
  const c = scale * sin, d = scale * cos;
  const tx = mdx - (a * msx + b * msy);
  const ty = mdy - (c * msx + d * msy);
  return [a, b, tx, c, d, ty];
}

export function applyAffine(m: Affine2x3, p: Point): [number, number] {
  return [m[0] * p[0] + m[1] * p[1] + m[2], m[3] * p[0] + m[4] * p[1] + m[5]];
}

/** Inverse of an invertible 2×3 affine matrix. */
export function invertAffine(m: Affine2x3): Affine2x3 {
  const [a, b, tx, c, d, ty] = m;
  const det = a * d - b * c;
  if (det === 0) throw new RangeError("affine matrix is singular");
  const ia = d / det, ib = -b / det, ic = -c / det, id = a / det;
  return [ia, ib, -(ia * tx + ib * ty), ic, id, -(ic * tx + id * ty)];
}
