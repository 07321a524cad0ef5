/**
 * The quality measures of ../shared/faces and of degraded copies of its identity photos
 * (Gaussian blur σ = width/120, gain 0.15, gain 2.2 + 70), with what the quality gate
 * says at its default limits: the data behind the defaults in src/domain/quality.ts.
 * Usage: npm run quality
 */
import { readFile } from "node:fs/promises";
import sharp from "sharp";
import { loadConfig } from "../src/config/config.js";
import { isDomainError } from "../src/domain/errors.js";
import type { FaceMeasures } from "../src/domain/face-engine.port.js";
import { assessQuality, type QualityAssessment } from "../src/domain/quality.js";
import { FacePipeline } from "../src/inference/face-pipeline.js";
import { listFacePhotos } from "./lib/shared-faces.js";

const pipeline = await FacePipeline.load(loadConfig({ ...process.env, INFERENCE_THREADS: "1", LOG_LEVEL: "silent" }).inference);
type Row = { m: FaceMeasures & { eyesClosed: number }; q: QualityAssessment } | { noFace: true };
const groups: Record<string, Row[]> = { identity: [], partial: [], blurred: [], darkened: [], brightened: [] };

async function add(group: string, bytes: Uint8Array): Promise<void> {
  try {
    const c = await pipeline.capture(bytes, "largest", { quality: true });
    groups[group]!.push({ m: { ...c.measures!, eyesClosed: Math.min(c.measures!.leftEyeClosed, c.measures!.rightEyeClosed) }, q: assessQuality(c.measures!) });
  } catch (e) {
    if (!isDomainError(e) || e.reason !== "NO_FACE") throw e;
    groups[group]!.push({ noFace: true });
  }
}

for (const photo of listFacePhotos()) {
  const bytes = await readFile(photo.path);
  if (photo.folder === "_partial") await add("partial", bytes);
  if (!photo.isIdentity) continue;
  await add("identity", bytes);
  const width = (await sharp(bytes).metadata()).width!;
  await add("blurred", await sharp(bytes).blur(width / 120).jpeg().toBuffer());
  await add("darkened", await sharp(bytes).linear(0.15, 0).jpeg().toBuffer());
  await add("brightened", await sharp(bytes).linear(2.2, 70).jpeg().toBuffer());
}

const keys = ["interEyeDistance", "sharpness", "brightness", "darkFraction", "brightFraction", "yaw", "pitch", "roll", "eyesClosed", "outsideFrame", "detectionScore"] as const;
for (const [group, rows] of Object.entries(groups)) {
  const faces = rows.flatMap((r) => ("m" in r ? [r] : []));
  const verdicts = new Map<string, number>();
  for (const f of faces) {
    const k = f.q.reasons.join("+") || "pass";
    verdicts.set(k, (verdicts.get(k) ?? 0) + 1);
  }
  const scores = faces.map((f) => f.q.score);
  console.log(`${group}: ${rows.length} images, ${rows.length - faces.length} without a face; verdicts ${[...verdicts].map(([k, n]) => `${k} ${n}`).join(", ")}; quality score ${Math.min(...scores).toFixed(2)} – ${Math.max(...scores).toFixed(2)}`);
  for (const k of keys) {
    const v = faces.map((f) => f.m[k]);
    if (v.length) console.log(`  ${k.padEnd(18)} ${Math.min(...v).toFixed(3).padStart(9)} – ${Math.max(...v).toFixed(3)}`);
  }
}
