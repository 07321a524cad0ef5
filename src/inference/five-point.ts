/**
 * The five alignment points (left eye, right eye, nose tip, left and right mouth corners,
 * as seen in the image) from 68 iBUG 300-W landmarks, and the ArcFace 112×112 template
 * they are aligned to. Pure functions.
 */
import type { Point } from "../math/similarity-transform.js";

/**
 * The standard ArcFace / InsightFace 112×112 five-point template
 * (insightface `arcface_dst`): left eye, right eye, nose tip, left mouth, right mouth.
 */
export const ARCFACE_112_TEMPLATE: readonly Point[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

function mean(points: readonly Point[], indices: readonly number[]): Point {
  let x = 0;
  let y = 0;
  for (const i of indices) {
    const p = points[i];
    if (!p) throw new RangeError(`landmark ${i} missing`);
    x += p[0];
    y += p[1];
  }
  return [x / indices.length, y / indices.length];
}

/**
 * 68 → 5 points: each eye centre is the mean of its four eyelid points (37, 38, 40, 41
 * and 43, 44, 46, 47), the nose tip is point 30, each mouth corner is the mean of the
 * outer and inner lip corner (48 and 60, 54 and 64).
 */
export function fivePointsFrom68(points: readonly Point[]): Point[] {
  if (points.length !== 68) throw new RangeError(`expected 68 landmarks, got ${points.length}`);
  return [
    mean(points, [37, 38, 40, 41]),
    mean(points, [43, 44, 46, 47]),
    mean(points, [30]),
    mean(points, [48, 60]),
    mean(points, [54, 64]),
  ];
}
