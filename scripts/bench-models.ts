/**
 * Milliseconds per run of every model in models/manifest.json on one core (onnxruntime,
 * one intra-op thread), on a real face: the detector on the whole image, the landmark
 * models and recognizers on the face (including their crop); the capture checks are timed
 * by npm run bench:capture. Then the default recognizer when it is a mirror-image or fused
 * setting, and its parts. Usage: npm run bench:models [-- RUNS [RECOGNIZER ...]]
 */
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../src/config/config.js";
import { FacePipeline } from "../src/inference/face-pipeline.js";
import { IrisStage } from "../src/inference/iris.stage.js";
import { createDetector, createEmbedder, createLandmarker } from "../src/inference/stage-factory.js";
import { FACES_DIR } from "./lib/shared-faces.js";
import { timeRuns } from "./lib/stats.js";

const runs = Number(process.argv[2] ?? 30);
const config = loadConfig({ ...process.env, INFERENCE_THREADS: "1" });
const pipeline = await FacePipeline.load(config.inference);
const onnx = { intraOpNumThreads: 1 };
const img = await pipeline.decode.run(await readFile(path.join(FACES_DIR, "obama", "obama-2.jpg")));
const face = (await pipeline.detector.run(img))[0]!;
const five = await pipeline.landmarker.run(img, face);
const mesh = (await pipeline.checksMesh(img, face)).map(([x, y]): [number, number] => [x, y]);

const time = (fn: () => Promise<unknown>) => timeRuns(fn, runs);

console.log(`one core (${os.cpus()[0]?.model ?? "cpu"}), ${runs} runs, face from obama/obama-2.jpg (${img.width}x${img.height})`);
console.log("model                              role         size MB   p50 ms   p95 ms   what is timed");
for (const spec of pipeline.manifest.models) {
  let t: { p50: number; p95: number };
  let what: string;
  if (spec.role === "detector") {
    const d = createDetector(pipeline.manifest, spec.id, { ...onnx, scoreThreshold: undefined, minFaceSize: config.inference.minFaceSize });
    await d.load();
    t = await time(() => d.run(img));
    what = "whole image: resize, model, decode, NMS";
  } else if (spec.role === "recognizer") {
    const e = createEmbedder(pipeline.manifest, spec.id, onnx);
    await e.load();
    t = await time(() => e.run(e.align(img, five)));
    what = "align crop + model";
  } else if (spec.role === "landmarks68" || spec.role === "mesh468") {
    const l = createLandmarker(pipeline.manifest, spec.id, config.inference.detectorModel, onnx);
    await l.load();
    t = await time(() => l.run(img, face));
    what = spec.role === "mesh468" ? "two passes: crop + model each" : "crop + model";
  } else if (spec.role === "iris") {
    const iris = new IrisStage(spec, onnx);
    await iris.load();
    t = await time(() => iris.run(img, mesh));
    what = "both eyes: two crops + one model run (batch 2)";
  } else {
    continue; // capture checks: npm run bench:capture
  }
  console.log(`${spec.id.padEnd(35)}${spec.role.padEnd(13)}${(spec.onnx.bytes / 1e6).toFixed(1).padStart(7)} ${t.p50.toFixed(1).padStart(8)} ${t.p95.toFixed(1).padStart(8)}   ${what}`);
}

// Recognizer settings that are not manifest entries: the mirror image ("+flip") and fused
// recognizers ("A&B"), the default's and its parts'.
const composite = [...new Set([...config.inference.recognizerModel.split("&"), config.inference.recognizerModel, ...process.argv.slice(3)])].filter((id) => id.includes("+") || id.includes("&"));
for (const id of composite) {
  const e = createEmbedder(pipeline.manifest, id, onnx);
  await e.load();
  const t = await time(() => e.run(e.align(img, five)));
  console.log(`${id.padEnd(35)}${"recognizer".padEnd(13)}${"".padStart(7)} ${t.p50.toFixed(1).padStart(8)} ${t.p95.toFixed(1).padStart(8)}   align crop + model(s)${id === config.inference.recognizerModel ? " (the default)" : ""}`);
}
