/**
 * Detection over a folder of images: how many images have a face, how many have several,
 * and how well two landmark models agree on the five alignment points of the largest face
 * (mean distance over the five points, divided by the distance between the eyes).
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Point } from "../math/similarity-transform.js";
import type { LandmarkStage } from "../inference/detection.js";
import { largestFace } from "../inference/face-choice.js";
import type { FacePipeline } from "../inference/face-pipeline.js";
import { createLandmarker } from "../inference/stage-factory.js";

export interface DetectReport {
  dir: string;
  detector: string;
  landmarks: string;
  images: number;
  unreadable: number;
  withFace: number;
  detectionRate: number;
  multipleFaces: number;
  meanFacesPerImage: number;
  msPerImage: number;
  agreement: { compareWith: string; faces: number; meanNme: number; medianNme: number; maxNme: number } | null;
}

const IMAGE = /\.(jpe?g|png|webp)$/i;

async function listImages(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listImages(full)));
    else if (IMAGE.test(entry.name)) out.push(full);
  }
  return out.sort();
}

/** Mean point distance normalised by the inter-ocular distance of `reference` (points 0 and 1). */
export function fivePointNme(reference: readonly Point[], other: readonly Point[]): number {
  const iod = Math.hypot(reference[1]![0] - reference[0]![0], reference[1]![1] - reference[0]![1]);
  const mean = reference.reduce((s, p, i) => s + Math.hypot(p[0] - other[i]![0], p[1] - other[i]![1]), 0) / reference.length;
  return mean / iod;
}

export async function detectFolder(pipeline: FacePipeline, dir: string, opts: { compareLandmarks?: string | undefined } = {}): Promise<DetectReport> {
  let compare: LandmarkStage | undefined;
  if (opts.compareLandmarks) {
    compare = createLandmarker(pipeline.manifest, opts.compareLandmarks, pipeline.detector.spec.id, { intraOpNumThreads: pipeline.config.threads });
    await compare.load();
  }
  const files = await listImages(dir);
  let unreadable = 0, withFace = 0, multiple = 0, faces = 0, ms = 0;
  const nmes: number[] = [];
  for (const file of files) {
    const t0 = performance.now();
    let img;
    try {
      img = await pipeline.decode.run(await readFile(file));
    } catch {
      unreadable++;
      continue;
    }
    const detections = await pipeline.detector.run(img);
    ms += performance.now() - t0;
    faces += detections.length;
    if (detections.length > 0) withFace++;
    if (detections.length > 1) multiple++;
    const face = largestFace(detections);
    if (face && compare) {
      const a = await pipeline.landmarker.run(img, face);
      const b = await compare.run(img, face);
      nmes.push(fivePointNme(a, b));
    }
  }
  const read = files.length - unreadable;
  const sorted = [...nmes].sort((x, y) => x - y);
  return {
    dir,
    detector: pipeline.detector.spec.id,
    landmarks: pipeline.config.landmarkModel,
    images: files.length,
    unreadable,
    withFace,
    detectionRate: read === 0 ? 0 : withFace / read,
    multipleFaces: multiple,
    meanFacesPerImage: read === 0 ? 0 : faces / read,
    msPerImage: read === 0 ? 0 : ms / read,
    agreement: compare
      ? {
          compareWith: compare.spec.id,
          faces: nmes.length,
          meanNme: nmes.reduce((a, b) => a + b, 0) / Math.max(1, nmes.length),
          medianNme: sorted[Math.floor(sorted.length / 2)] ?? NaN,
          maxNme: sorted[sorted.length - 1] ?? NaN,
        }
      : null,
  };
}

export function formatDetectReport(r: DetectReport): string {
  const lines = [
    `${r.dir}: ${r.images} images${r.unreadable ? ` (${r.unreadable} unreadable)` : ""}, detector ${r.detector}`,
    `  detection rate ${(r.detectionRate * 100).toFixed(2)}% (${r.withFace} with a face), ${r.multipleFaces} with several faces, ${r.meanFacesPerImage.toFixed(3)} faces per image, ${r.msPerImage.toFixed(1)} ms per image (decode + detect)`,
  ];
  if (r.agreement) {
    lines.push(`  five-point agreement ${r.landmarks} vs ${r.agreement.compareWith} on ${r.agreement.faces} faces: mean ${(r.agreement.meanNme * 100).toFixed(2)}%, median ${(r.agreement.medianNme * 100).toFixed(2)}%, max ${(r.agreement.maxNme * 100).toFixed(2)}% of the inter-ocular distance`);
  }
  return lines.join("\n");
}
