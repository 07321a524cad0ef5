/**
 * Derives the verify threshold of the configured pipeline from the LFW development
 * training pairs (pairsDevTrain.txt): embeds both images of every pair (the face nearest
 * the image centre, as LFW labels it) and writes the impostor and genuine score
 * distributions, with the threshold for each target false-match rate, to
 * models/calibration/<embedding model id>.json. The server computes its threshold from
 * that file at start. Usage:
 *   npm run calibrate [-- --lfw ../shared/lfw-dev --pairs pairsDevTrain.txt --cache file.jsonl]
 */
import { readFile, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { loadConfig } from "../src/config/config.js";
import { thresholdForFalseMatchRate, acceptanceRate } from "../src/domain/matching/threshold.js";
import { appendEmbedCache, embedImage, readEmbedCache, type EmbedRecord } from "../src/eval/embedding-source.js";
import { scorePairs } from "../src/eval/lfw-eval.js";
import { parseLfwPairs } from "../src/eval/lfw-pairs.js";
import { calibrationFile } from "../src/inference/calibration.js";
import { FacePipeline } from "../src/inference/face-pipeline.js";
import { sharedDir } from "./lib/shared-dir.js";

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ""), process.argv[i + 1] ?? "");
const lfwRoot = args.get("lfw") ?? path.join(sharedDir(), "lfw-dev");
const pairsFile = args.get("pairs") ?? "pairsDevTrain.txt";
const cacheFile = args.get("cache");

const config = loadConfig(process.env);
const pipeline = await FacePipeline.load(config.inference);
const modelId = pipeline.modelId;
const pairs = parseLfwPairs(await readFile(path.join(lfwRoot, pairsFile), "utf8"));
const cache = cacheFile ? await readEmbedCache(cacheFile) : new Map<string, EmbedRecord>();
const fresh: EmbedRecord[] = [];
const scored = await scorePairs(pairs, path.join(lfwRoot, "images"), async (p) => {
  const hit = cache.get(path.resolve(p));
  if (hit && (hit.embeddings === null || hit.embeddings[modelId])) return hit;
  const r = await embedImage(pipeline, p, { pick: "center", recognizers: [pipeline.recognizer] });
  cache.set(path.resolve(p), r);
  fresh.push(r);
  if (fresh.length % 500 === 0) process.stderr.write(`${cache.size} images embedded\n`);
  return r;
}, modelId);
if (cacheFile) await appendEmbedCache(cacheFile, fresh);

// Scores are stored to 1e-4; thresholds are computed from the stored values, exactly as
// the server does at start (src/inference/calibration.ts).
const round = (x: number) => Math.round(x * 1e4) / 1e4;
const impostorScores = scored.filter((p) => !p.same && p.score !== null).map((p) => round(p.score!)).sort((x, y) => x - y);
const genuineScores = scored.filter((p) => p.same && p.score !== null).map((p) => round(p.score!)).sort((x, y) => x - y);
const failures = scored.filter((p) => p.score === null).length;
const targets = [1e-2, 1e-3, 1e-4];
const thresholds = Object.fromEntries(targets.map((fmr) => [String(fmr), thresholdForFalseMatchRate(impostorScores, fmr)]));
const calibration = {
  modelId,
  pipeline: { detector: config.inference.detectorModel, landmarks: config.inference.landmarkModel, recognizer: config.inference.recognizerModel },
  source: `LFW deep-funneled, development view, ${pairsFile}`,
  method: "threshold = smallest score s (1e-4 steps) such that the fraction of impostor pairs scoring >= s is at most the target FMR",
  pairs: { genuine: genuineScores.length, impostor: impostorScores.length, failuresToDetect: failures },
  defaultTargetFalseMatchRate: 1e-3,
  thresholds,
  impostorScores,
  genuineScores,
};
const out = calibrationFile(modelId);
await mkdir(path.dirname(out), { recursive: true });
await writeFile(out, JSON.stringify(calibration, null, 1) + "\n");
console.log(`wrote ${out}`);
console.log(`genuine ${genuineScores.length}, impostor ${impostorScores.length}, failures to detect ${failures}`);
for (const fmr of targets) console.log(`FMR ${fmr}: threshold ${thresholds[String(fmr)]!.toFixed(4)}  TAR on these pairs ${acceptanceRate(genuineScores, thresholds[String(fmr)]!).toFixed(4)}`);
