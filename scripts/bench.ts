/**
 * Latency benchmark of the face stack over every image in ../shared/faces:
 * p50/p95 milliseconds per stage (decode, detect, landmarks, align, embed) and end to
 * end, per image and per face. Usage: npm run bench [-- --runs 5 --threads 1]
 * With --lfw N: the first N images (by name) of the LFW development view instead, 250×250
 * photos with one face each as most verification probes are (the "ms per face end to end"
 * of models/README.md).
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import os from "node:os";
import { loadConfig } from "../src/config/config.js";
import { FacePipeline, stageTotals, type StageName } from "../src/inference/face-pipeline.js";
import { sharedDir } from "./lib/shared-dir.js";
import { listFacePhotos } from "./lib/shared-faces.js";
import { percentile } from "./lib/stats.js";

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ""), process.argv[i + 1] ?? "");
const runs = Number(args.get("runs") ?? 5);
const threads = Number(args.get("threads") ?? 1);

const config = loadConfig({ ...process.env, INFERENCE_THREADS: String(threads) });
const pipeline = await FacePipeline.load(config.inference);
const lfw = args.has("lfw") ? Number(args.get("lfw")) : 0;
async function lfwImages(n: number): Promise<string[]> {
  const root = path.join(sharedDir(), "lfw-dev", "images");
  const out: string[] = [];
  for (const person of (await readdir(root)).sort()) {
    for (const f of (await readdir(path.join(root, person))).sort()) if (out.length < n) out.push(path.join(root, person, f));
    if (out.length >= n) break;
  }
  return out;
}
const files = lfw > 0 ? await lfwImages(lfw) : listFacePhotos().map((p) => p.path);
const images = await Promise.all(files.map((p) => readFile(p)));

const stages: StageName[] = ["decode", "detect", "landmarks", "align", "embed"];
const perImage: Record<StageName | "total", number[]> = { decode: [], detect: [], landmarks: [], align: [], embed: [], total: [] };
const perFace: Record<"landmarks" | "align" | "embed" | "face", number[]> = { landmarks: [], align: [], embed: [], face: [] };
let faces = 0;

const everyFace = { faces: "all", fivePoints: true, models: [pipeline.modelId] } as const;
for (const img of images) await pipeline.process(img, everyFace); // warm-up
for (let r = 0; r < runs; r++) {
  for (const img of images) {
    const t0 = performance.now();
    const { faces: found, stageTimings } = await pipeline.process(img, everyFace);
    const timings = stageTotals(stageTimings);
    perImage.total.push(performance.now() - t0);
    for (const s of stages) perImage[s].push(timings[s]);
    if (found.length > 0) {
      for (const s of ["landmarks", "align", "embed"] as const) perFace[s].push(timings[s] / found.length);
      perFace.face.push((timings.landmarks + timings.align + timings.embed) / found.length);
    }
    if (r === 0) faces += found.length;
  }
}

const fmt = (v: number) => v.toFixed(1).padStart(8);
console.log(`face stack latency: ${images.length} images (${faces} faces) from ${lfw > 0 ? "the LFW development view" : "../shared/faces"}, ${runs} runs each, ${threads} inference thread(s), ${os.cpus()[0]?.model ?? "cpu"}`);
console.log(`models: ${config.inference.detectorModel}, ${config.inference.landmarkModel}, ${config.inference.recognizerModel}`);
console.log("\nper image        p50 ms   p95 ms");
for (const s of [...stages, "total"] as const) console.log(`${s.padEnd(14)}${fmt(percentile(perImage[s], 50))} ${fmt(percentile(perImage[s], 95))}`);
console.log("\nper face         p50 ms   p95 ms");
for (const s of ["landmarks", "align", "embed", "face"] as const) {
  const label = s === "face" ? "all three" : s;
  console.log(`${label.padEnd(14)}${fmt(percentile(perFace[s], 50))} ${fmt(percentile(perFace[s], 95))}`);
}
