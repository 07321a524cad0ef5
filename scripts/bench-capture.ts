/**
 * Milliseconds each capture check adds, on one core (one onnxruntime thread), on a real
 * face: every check stage alone (eye state, each passive-liveness model, expression, age,
 * gender, the pure quality measures), then whole captures without checks, with quality,
 * with quality + liveness and with everything. Usage: npm run bench:capture [runs]
 */
import { fivePointsFromMesh } from "../src/inference/face-mesh.stage.js";
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../src/config/config.js";
import { FacePipeline } from "../src/inference/face-pipeline.js";
import { FACES_DIR } from "./lib/shared-faces.js";
import { timeRuns } from "./lib/stats.js";

const runs = Number(process.argv[2] ?? 30);
const config = loadConfig({ ...process.env, INFERENCE_THREADS: "1", LIVENESS_MODELS: "faceplugin-liveness,human-antispoof" });
const pipeline = await FacePipeline.load(config.inference);
const bytes = await readFile(path.join(FACES_DIR, "obama", "obama-2.jpg"));
const img = await pipeline.decode.run(bytes);
const face = (await pipeline.detector.run(img))[0]!;
const mesh3d = await pipeline.checksMesh(img, face);
const mesh = mesh3d.map(([x, y]) => [x, y] as [number, number]);
const checks = pipeline.checks;

const time = (fn: () => Promise<unknown>) => timeRuns(fn, runs);

const rows: [string, () => Promise<unknown>][] = [
  ["eye state (faceplugin, both eyes)", () => checks.eyes.run(img, mesh)],
  ...checks.liveness.map((l): [string, () => Promise<unknown>] => [`passive liveness ${l.id}`, () => l.run(img, face, mesh)]),
  [`expression (${checks.emotion.spec.id})`, () => checks.emotion.run(img, face)],
  [`age (${checks.age.id})`, () => checks.age.run(img, face, fivePointsFromMesh(mesh))],
  ...(checks.gender === checks.age ? [] : [[`gender (${checks.gender.id})`, () => checks.gender.run(img, face, fivePointsFromMesh(mesh))] as [string, () => Promise<unknown>]]),
  ["quality: all measures incl. eye state", () => checks.run(img, face, mesh3d, { quality: true })],
  ["capture, no checks", () => pipeline.capture(bytes, "largest")],
  ["capture + quality", () => pipeline.capture(bytes, "largest", { quality: true })],
  ["capture + quality + liveness (both models)", () => pipeline.capture(bytes, "largest", { quality: true, liveness: true })],
  ["capture + everything", () => pipeline.capture(bytes, "largest", { quality: true, liveness: true, attributes: true })],
];
console.log(`one core (${os.cpus()[0]?.model ?? "cpu"}), ${runs} runs, obama/obama-2.jpg (${img.width}x${img.height})`);
console.log(`${"stage".padEnd(46)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)}`);
for (const [name, fn] of rows) {
  const t = await time(fn);
  console.log(`${name.padEnd(46)} ${t.p50.toFixed(1).padStart(8)} ${t.p95.toFixed(1).padStart(8)}`);
}
