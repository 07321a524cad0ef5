/**
 * How many passes the quality gate's face mesh needs (the detector's `qualityMeshPasses`
 * in models/manifest.json). For each face of a sample of the LFW development view and of
 * the UTKFace crops, the checks (src/inference/face-checks.ts) and the quality gate's
 * verdict (src/domain/quality.ts, default limits) are computed from meshes made:
 *   - in 2 passes from the detector box × meshScale (the reference: what the checks read before),
 *   - in 2 passes from the box × another scale (how much the reference moves by itself),
 *   - in 1 pass from the box × each scale;
 * and compared with the reference: mesh points (per inter-ocular distance), pose angles,
 * eye-closed probability, the verdict (same reasons or not, and which way it flips), and
 * the mesh time. It also checks that every identity photo of ../shared/faces passes.
 * Usage: npm run mesh:passes [-- faces per set, default 400]
 */
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { loadConfig } from "../src/config/config.js";
import { assessQuality, type QualityAssessment } from "../src/domain/quality.js";
import type { Detection } from "../src/inference/detection.js";
import { largestFace } from "../src/inference/face-choice.js";
import { FaceMeshStage } from "../src/inference/face-mesh.stage.js";
import { FacePipeline } from "../src/inference/face-pipeline.js";
import { findModel } from "../src/inference/model-manifest.js";
import type { Point3 } from "../src/math/head-pose.js";
import { sharedDir } from "./lib/shared-dir.js";
import { listFacePhotos } from "./lib/shared-faces.js";
import { percentile } from "./lib/stats.js";

const perSet = Number(process.argv[2] ?? 400);
const config = loadConfig({ ...process.env, INFERENCE_THREADS: "1" });
const pipeline = await FacePipeline.load(config.inference);
const detector = findModel(pipeline.manifest, config.inference.detectorModel, "detector");
const baseScale = detector.detect?.meshScale ?? 1.5;
const meshSpec = findModel(pipeline.manifest, "human-facemesh", "mesh468");

const variants = [
  { label: `2 passes × ${baseScale} (reference)`, passes: 2, scale: baseScale },
  { label: `2 passes × ${baseScale - 0.2}`, passes: 2, scale: baseScale - 0.2 },
  { label: `1 pass × ${baseScale}`, passes: 1, scale: baseScale },
  { label: `1 pass × ${baseScale - 0.2}`, passes: 1, scale: baseScale - 0.2 },
].map((v) => ({ ...v, stage: new FaceMeshStage(meshSpec, { intraOpNumThreads: 1, detectionScale: v.scale, passes: v.passes }) }));
await Promise.all(variants.map((v) => v.stage.load()));

const lfw = path.join(sharedDir(), "lfw-dev", "images");
const lfwFiles: string[] = [];
for (const person of (await readdir(lfw)).sort().filter((_, i) => i % 7 === 0)) lfwFiles.push(path.join(lfw, person, (await readdir(path.join(lfw, person))).sort()[0]!));
const utk = path.join(sharedDir(), "attributes", "utkface");
const utkFiles = (await readdir(utk)).filter((f) => f.endsWith(".jpg")).sort().filter((_, i) => i % 8 === 0).map((f) => path.join(utk, f));
const sets = { "LFW dev view": lfwFiles.slice(0, perSet), "UTKFace crops": utkFiles.slice(0, perSet) };

interface Outcome { mesh: Point3[]; q: QualityAssessment; yaw: number; pitch: number; roll: number; eyes: number; iod: number; ms: number }
async function outcome(v: (typeof variants)[number], img: Awaited<ReturnType<typeof pipeline.decode.run>>, face: Detection): Promise<Outcome> {
  const t0 = performance.now();
  const mesh = await v.stage.mesh3d(img, face);
  const ms = performance.now() - t0;
  const m = (await pipeline.checks.run(img, face, mesh, { quality: true })).measures!;
  return { mesh, q: assessQuality(m), yaw: m.yaw, pitch: m.pitch, roll: m.roll, eyes: Math.min(m.leftEyeClosed, m.rightEyeClosed), iod: m.interEyeDistance, ms };
}

for (const [setName, files] of Object.entries(sets)) {
  const rows = variants.map(() => ({ err: [] as number[], yaw: [] as number[], pitch: [] as number[], eyes: [] as number[], ms: [] as number[], same: 0, newlyRefused: 0, newlyPassed: 0, otherChange: 0 }));
  let faces = 0;
  for (const file of files) {
    const img = await pipeline.decode.run(await readFile(file));
    const face = largestFace(await pipeline.detector.run(img));
    if (!face) continue;
    faces++;
    const out: Outcome[] = [];
    for (const v of variants) out.push(await outcome(v, img, face));
    const ref = out[0]!;
    out.forEach((o, i) => {
      const r = rows[i]!;
      let e = 0;
      for (let k = 0; k < 468; k++) e += Math.hypot(o.mesh[k]![0] - ref.mesh[k]![0], o.mesh[k]![1] - ref.mesh[k]![1]);
      r.err.push(e / 468 / ref.iod);
      r.yaw.push(Math.abs(o.yaw - ref.yaw));
      r.pitch.push(Math.abs(o.pitch - ref.pitch));
      r.eyes.push(Math.abs(o.eyes - ref.eyes));
      r.ms.push(o.ms);
      const a = ref.q.reasons.join("+");
      const b = o.q.reasons.join("+");
      if (a === b) r.same++;
      else if (a === "") r.newlyRefused++;
      else if (b === "") r.newlyPassed++;
      else r.otherChange++;
    });
  }
  console.log(`\n${setName}: ${faces} faces`);
  console.log("| mesh | ms p50 | points/IOD p50 / p95 | yaw p95 ° | pitch p95 ° | eyes-closed p95 | same verdict | newly refused | newly passed | other reason |");
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  variants.forEach((v, i) => {
    const r = rows[i]!;
    const f = (x: number, d = 3) => x.toFixed(d);
    console.log(`| ${v.label} | ${f(percentile(r.ms, 50), 1)} | ${f(percentile(r.err, 50))} / ${f(percentile(r.err, 95))} | ${f(percentile(r.yaw, 95), 1)} | ${f(percentile(r.pitch, 95), 1)} | ${f(percentile(r.eyes, 95))} | ${r.same}/${faces} | ${r.newlyRefused} | ${r.newlyPassed} | ${r.otherChange} |`);
  });
}

// Every identity photo must pass the gate with each variant.
console.log("\nidentity photos of ../shared/faces refused by the gate:");
for (const v of variants) {
  const refused: string[] = [];
  for (const photo of listFacePhotos().filter((p) => p.isIdentity)) {
    const img = await pipeline.decode.run(await readFile(photo.path));
    const face = largestFace(await pipeline.detector.run(img));
    if (!face) {
      refused.push(`${photo.file} (no face)`);
      continue;
    }
    const o = await outcome(v, img, face);
    if (o.q.reasons.length > 0) refused.push(`${photo.file} (${o.q.reasons.join("+")})`);
  }
  console.log(`  ${v.label}: ${refused.length === 0 ? "none" : refused.join(", ")}`);
}
