/** Axis-aligned boxes and greedy non-maximum suppression. Pure functions. */

export interface Box {
  /** Left edge. */
  x1: number;
  /** Top edge. */
  y1: number;
  /** Right edge (exclusive). */
  x2: number;
  /** Bottom edge (exclusive). */
  y2: number;
}

export interface ScoredBox extends Box {
  score: number;
}

export function boxArea(b: Box): number {
  return Math.max(0, b.x2 - b.x1) * Math.max(0, b.y2 - b.y1);
}

/** Intersection over union of two boxes, in [0, 1]. */
export function iou(a: Box, b: Box): number {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const union = boxArea(a) + boxArea(b) - inter;
  return union <= 0 ? 0 : inter / union;
}

/**
 * Greedy NMS: keeps the highest-scoring box, drops every remaining box whose IoU with a
 * kept box exceeds `iouThreshold`, repeats. Returns kept boxes, best first.
 */
export function nonMaxSuppression<T extends ScoredBox>(boxes: readonly T[], iouThreshold: number, maxKeep = Infinity): T[] {
  const sorted = [...boxes].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const candidate of sorted) {
    if (kept.length >= maxKeep) break;
    if (kept.every((k) => iou(k, candidate) <= iouThreshold)) kept.push(candidate);
  }
  return kept;
}
