/**
 * Derives the default 1:1 verify threshold of the recognizer from the LFW development
 * training pairs (pairsDevTrain.txt): embeds both images of every pair (the face nearest
 * the image centre, as LFW labels it), and writes the impostor and genuine score
 * distributions with the threshold for each target false-match rate to
 * models/calibration/<modelId>.json. Usage:
 *   npm run calibrate [-- --lfw ../shared/lfw-dev --pairs pairsDevTrain.txt]
 */
import { readFile, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { loadConfig } from "../src/config/config.js";
import { FacePipeline } from "../src/inference/face-pipeline.js";
import { projectRoot } from "../src/inference/model-manifest.js";
import { cosineSimilarity } from "../src/math/vector.js";
import { thresholdForFalseMatchRate } from "../src/domain/matching/threshold.js";
import { parseLfwPairs, lfwImagePath } from "../src/eval/lfw-pairs.js";
import { sharedDir } from "./lib/shared-dir.js";

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ""), process.argv[i + 1] ?? "");
const lfwRoot = args.get("lfw") ?? path.join(sharedDir(), "lfw-dev");
const pairsFile = args.get("pairs") ?? "pairsDevTrain.txt";

const config = loadConfig(process.env);
const pipeline = await FacePipeline.load(config.inference);
const pairs = parseLfwPairs(await readFile(path.join(lfwRoot, pairsFile), "utf8"));
const cache = new Map<string, Float32Array | null>();
async function embed(file: string): Promise<Float32Array | null> {
  if (!cache.has(file)) {
    const r = await pipeline.analyze(await readFile(file), { pick: "center" });
    cache.set(file, r.faces[0]?.embeddings.get(pipeline.modelId) ?? null);
  }
  return cache.get(file)!;
}

const genuine: number[] = [];
const impostor: number[] = [];
let failures = 0;
for (const [i, pair] of pairs.entries()) {
  const a = await embed(lfwImagePath(path.join(lfwRoot, "images"), pair.a));
  const b = await embed(lfwImagePath(path.join(lfwRoot, "images"), pair.b));
  if (!a || !b) {
    failures++;
    continue;
  }
  (pair.same ? genuine : impostor).push(cosineSimilarity(a, b));
  if ((i + 1) % 200 === 0) process.stderr.write(`${i + 1}/${pairs.length} pairs\n`);
}

// Scores are stored to 1e-4; thresholds are computed from the stored values, exactly as
// the server does at start (src/inference/calibration.ts).
const round = (x: number) => Math.round(x * 1e4) / 1e4;
const impostorScores = impostor.map(round).sort((x, y) => x - y);
const genuineScores = genuine.map(round).sort((x, y) => x - y);
const targets = [1e-2, 1e-3, 1e-4];
const thresholds = Object.fromEntries(targets.map((fmr) => [String(fmr), thresholdForFalseMatchRate(impostorScores, fmr)]));
const calibration = {
  modelId: pipeline.modelId,
  source: `LFW deep-funneled, development view, ${pairsFile}`,
  method: "threshold = smallest score s such that the fraction of impostor pairs scoring >= s is at most the target FMR (with one score step above the largest admitted impostor)",
  pairs: { genuine: genuine.length, impostor: impostor.length, failuresToDetect: failures },
  defaultTargetFalseMatchRate: 1e-3,
  thresholds,
  impostorScores,
  genuineScores,
};
const outDir = path.join(projectRoot(), "models", "calibration");
await mkdir(outDir, { recursive: true });
const out = path.join(outDir, `${pipeline.modelId}.json`);
await writeFile(out, JSON.stringify(calibration, null, 1) + "\n");
console.log(`wrote ${out}`);
console.log(`genuine ${genuine.length}, impostor ${impostor.length}, failures to detect ${failures}`);
for (const fmr of targets) {
  const t = thresholds[String(fmr)]!;
  const tar = genuineScores.filter((s) => s >= t).length / genuineScores.length;
  console.log(`FMR ${fmr}: threshold ${t.toFixed(4)}  TAR on these pairs ${tar.toFixed(4)}`);
}
