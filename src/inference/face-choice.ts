/** Choosing one face among several detections. Pure functions. */
import { boxArea, type Box } from "../math/nms.js";

export function largestFace<T extends Box>(faces: readonly T[]): T | undefined {
  return faces.reduce<T | undefined>((best, f) => (!best || boxArea(f) > boxArea(best) ? f : best), undefined);
}

/** The face whose box centre is nearest the image centre (how LFW labels its images). */
export function nearestCentreFace<T extends Box>(faces: readonly T[], image: { width: number; height: number }): T | undefined {
  const cx = image.width / 2;
  const cy = image.height / 2;
  const dist = (b: Box) => Math.hypot((b.x1 + b.x2) / 2 - cx, (b.y1 + b.y2) / 2 - cy);
  return faces.reduce<T | undefined>((best, f) => (!best || dist(f) < dist(best) ? f : best), undefined);
}
