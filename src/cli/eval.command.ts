/**
 * `face-id eval`: model evaluation from the command line (and, through the functions it
 * calls in src/eval/, as a library).
 *
 *   face-id eval embed [image ...]        one JSON line per image (paths also read from stdin)
 *   face-id eval lfw --root DIR (--pairs pairs.txt | --pairs A,B | --train A --test B)
 *   face-id eval detect --dir DIR
 *   face-id eval pad --dir DIR [--threshold T] [--liveness ID,ID]
 *   face-id eval pad-simulate --from DIR --out DIR
 *
 * Common options: --detector ID --landmarks ID --recognizer ID[,ID...] (models/manifest.json
 * ids; defaults from the environment config), --pick largest|center, --threads N.
 */
import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { loadConfig } from "../config/config.js";
import type { FacePick } from "../domain/face-engine.port.js";
import { FacePipeline } from "../inference/face-pipeline.js";
import { appendEmbedCache, embedImage, readEmbedCache, type EmbedRecord } from "../eval/embedding-source.js";
import { evaluateFer, evaluateUtk, formatFer, formatUtk, type FerEvaluation, type UtkEvaluation } from "../eval/attribute-eval.js";
import { formatSummary, fuseScores, impostorStats, scorePairs, summarize, type LfwResult } from "../eval/lfw-eval.js";
import { interleavedFolds, parseLfwPairs } from "../eval/lfw-pairs.js";
import { detectFolder, formatDetectReport } from "../eval/detect-eval.js";
import { rocSvg } from "../eval/roc-svg.js";
import { collectPadSamples, formatPadReport, padReport } from "../eval/pad-eval.js";
import { buildSimulatedPadSet, imagesIn } from "../eval/pad-simulate.js";
import type { ScoredPair } from "../eval/verification-metrics.js";

const HELP = `face-id eval <command> [options]

commands:
  embed [image ...]   one JSON line per image: {"path", "embedding": [...] | null, "embeddings", "face", "faceCount", ...}
                      (image paths as arguments, or one per line on standard input)
  lfw                 the LFW protocol: --root DIR (person folders, or a folder with images/)
                      and --pairs pairs.txt (10-fold) or --train pairsDevTrain.txt --test pairsDevTest.txt,
                      or --pairs A.txt,B.txt (10-fold over the union: pair i in fold i mod 10)
                      [--roc roc.svg] [--cache embeddings.jsonl] [--fuse] [--json]
  attributes          age, gender and expression against labels: --utk DIR (UTKFace file names)
                      and/or --fer DIR (a folder per expression) [--step N: every N-th image]
                      [--age-model ID --gender-model ID --emotion-model ID] [--json]
  detect --dir DIR    detection rate and five-point agreement [--compare-landmarks ID]
  pad --dir DIR       presentation-attack detection over DIR/bona_fide and DIR/attack/<species>:
                      APCER per species, BPCER, APCER_max (ISO/IEC 30107-3 style), per liveness
                      model and fused [--threshold 0.5] [--liveness ID,ID] [--json]
  pad-simulate --from DIR --out DIR   builds a SIMULATED attack set (print, replay) from the
                      photos under --from (folders one level deep too)

options:
  --detector ID  --landmarks ID  --recognizer ID[,ID...]   models from models/manifest.json
  --pick largest|center   which face when there are several (embed: largest, lfw: center)
  --threads N             onnxruntime threads (default: all cores)
`;

type Args = { positional: string[]; flags: Map<string, string> };

function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith("--")) {
      positional.push(a);
      continue;
    }
    const [k, inline] = a.slice(2).split("=", 2) as [string, string | undefined];
    const boolean = ["fuse", "json", "help", "timings"].includes(k);
    flags.set(k, inline ?? (boolean ? "true" : (argv[++i] ?? "")));
  }
  return { positional, flags };
}

async function pipelineFor(flags: Map<string, string>): Promise<{ pipeline: FacePipeline; recognizers: string[] }> {
  const env = { ...process.env };
  // One process, every core to the evaluation unless --threads says otherwise.
  env["INFERENCE_THREADS"] = flags.get("threads") ?? env["INFERENCE_THREADS"] ?? String(os.availableParallelism());
  const config = loadConfig(env);
  const recognizers = (flags.get("recognizer") ?? config.inference.recognizerModel).split(",").map((s) => s.trim()).filter(Boolean);
  const pipeline = await FacePipeline.load({
    ...config.inference,
    detectorModel: flags.get("detector") ?? config.inference.detectorModel,
    landmarkModel: flags.get("landmarks") ?? config.inference.landmarkModel,
    recognizerModel: recognizers[0]!,
    checks: {
      ...config.inference.checks,
      ...(flags.has("liveness") ? { livenessModels: flags.get("liveness")!.split(",").map((x) => x.trim()).filter(Boolean) } : {}),
      ...(flags.has("age-model") ? { ageModel: flags.get("age-model")! } : {}),
      ...(flags.has("gender-model") ? { genderModel: flags.get("gender-model")! } : {}),
      ...(flags.has("emotion-model") ? { emotionModel: flags.get("emotion-model")! } : {}),
    },
  });
  return { pipeline, recognizers };
}

function pickOf(flags: Map<string, string>, fallback: FacePick): FacePick {
  const p = flags.get("pick") ?? fallback;
  if (p !== "largest" && p !== "center") throw new Error(`--pick must be largest or center, got ${p}`);
  return p;
}

export async function evalMain(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { positional, flags } = parseArgs(rest);
  if (!command || command === "--help" || flags.has("help")) {
    process.stdout.write(HELP);
    return command ? 0 : 2;
  }
  switch (command) {
    case "embed":
      return embedCommand(positional, flags);
    case "lfw":
      return lfwCommand(flags);
    case "detect":
      return detectCommand(flags);
    case "pad":
      return padCommand(flags);
    case "pad-simulate":
      return padSimulateCommand(flags);
    case "attributes":
      return attributesCommand(flags);
    default:
      process.stderr.write(`unknown command ${command}\n${HELP}`);
      return 2;
  }
}

async function embedCommand(paths: string[], flags: Map<string, string>): Promise<number> {
  const { pipeline, recognizers } = await pipelineFor(flags);
  const stages = [pipeline.recognizer, ...(await Promise.all(recognizers.slice(1).map((id) => pipeline.extraRecognizer(id))))];
  const pick = pickOf(flags, "largest");
  const timings = flags.has("timings");
  const emit = async (p: string) => {
    const r = await embedImage(pipeline, p, { pick, recognizers: stages });
    if (!timings) delete r.timings;
    process.stdout.write(JSON.stringify(r) + "\n");
  };
  if (paths.length > 0) {
    for (const p of paths) await emit(p);
  } else {
    for await (const line of createInterface({ input: process.stdin })) if (line.trim()) await emit(line.trim());
  }
  return 0;
}

async function lfwCommand(flags: Map<string, string>): Promise<number> {
  const rootFlag = flags.get("root");
  if (!rootFlag) throw new Error("--root is required");
  const imageRoot = existsSync(path.join(rootFlag, "images")) ? path.join(rootFlag, "images") : rootFlag;
  const resolvePairs = (f: string) => (existsSync(f) ? f : path.join(rootFlag, f));
  const kfold = flags.get("pairs");
  const train = flags.get("train");
  const test = flags.get("test");
  if (!kfold && !(train && test)) throw new Error("give --pairs (10-fold) or --train and --test");
  const trainPairs = train ? parseLfwPairs(await readFile(resolvePairs(train), "utf8")) : [];
  // --pairs A,B (single-set files): 10-fold cross-validation over their union.
  const kfoldFiles = kfold?.split(",") ?? [];
  const testPairs =
    kfoldFiles.length > 1
      ? interleavedFolds(await Promise.all(kfoldFiles.map(async (f) => parseLfwPairs(await readFile(resolvePairs(f), "utf8")))))
      : parseLfwPairs(await readFile(resolvePairs(kfold ?? test!), "utf8"));

  const { pipeline, recognizers } = await pipelineFor(flags);
  const stages = [pipeline.recognizer, ...(await Promise.all(recognizers.slice(1).map((id) => pipeline.extraRecognizer(id))))];
  const pick = pickOf(flags, "center");
  const cacheFile = flags.get("cache");
  const cache = cacheFile ? await readEmbedCache(cacheFile) : new Map<string, EmbedRecord>();
  const fresh: EmbedRecord[] = [];
  const stageMs = { decode: 0, detect: 0, landmarks: 0, align: 0, embed: 0 };
  let faces = 0;
  const lookup = async (p: string): Promise<EmbedRecord> => {
    const hit = cache.get(path.resolve(p));
    const missing = stages.filter((st) => !(hit && (hit.embeddings === null || hit.embeddings[st.embeddingId])));
    if (hit && missing.length === 0) return hit;
    const r = await embedImage(pipeline, p, { pick, recognizers: missing });
    if (r.timings && r.face) {
      faces++;
      for (const k of Object.keys(stageMs) as (keyof typeof stageMs)[]) stageMs[k] += r.timings[k];
    }
    // Keep what the cache already had for other recognizers (detection is deterministic).
    const merged: EmbedRecord = hit && hit.embeddings && r.embeddings ? { ...hit, embeddings: { ...hit.embeddings, ...r.embeddings } } : r;
    delete merged.timings;
    cache.set(path.resolve(p), merged);
    fresh.push(merged);
    if (cacheFile && fresh.length >= 200) await appendEmbedCache(cacheFile, fresh.splice(0));
    return merged;
  };

  const results: LfwResult[] = [];
  const rocCurves: { label: string; points: { far: number; tar: number }[] }[] = [];
  const perRecognizer: { id: string; train: ScoredPair[]; test: ScoredPair[] }[] = [];
  for (const id of recognizers) {
    perRecognizer.push({ id, train: await scorePairs(trainPairs, imageRoot, lookup, id), test: await scorePairs(testPairs, imageRoot, lookup, id) });
  }
  if (cacheFile) await appendEmbedCache(cacheFile, fresh.splice(0));
  const evaluate = (label: string, trainScores: ScoredPair[], testScores: ScoredPair[]) => {
    const summary = kfold ? summarize({ protocol: "k-fold", pairs: testScores }) : summarize({ protocol: "train-test", train: trainScores, test: testScores });
    results.push({ label, summary });
    rocCurves.push({ label, points: summary.roc.filter((p) => Number.isFinite(p.threshold)).map((p) => ({ far: p.far, tar: p.tar })) });
  };
  for (const r of perRecognizer) evaluate(r.id, r.train, r.test);
  if (flags.has("fuse") && perRecognizer.length > 1) {
    // z-normalisation statistics from the training pairs (train/test), or from each
    // recognizer's calibration impostors when there is no training file (10-fold).
    const norms = perRecognizer.map((r) => impostorStats(kfold ? r.test : r.train));
    const label = `fusion(${recognizers.join("+")})`;
    evaluate(label, kfold ? [] : fuseScores(perRecognizer.map((r) => r.train), norms), fuseScores(perRecognizer.map((r) => r.test), norms));
  }

  if (flags.has("json")) {
    process.stdout.write(JSON.stringify(results.map((r) => ({ label: r.label, ...r.summary, roc: undefined })), null, 1) + "\n");
  } else {
    process.stdout.write(`LFW ${kfold ? `10-fold on ${kfold}` : `train ${train} / test ${test}`}, detector ${pipeline.detector.spec.id}, landmarks ${pipeline.config.landmarkModel}, pick ${pick}\n`);
    for (const r of results) process.stdout.write(formatSummary(r) + "\n");
    if (faces > 0) {
      const ms = (k: keyof typeof stageMs) => (stageMs[k] / faces).toFixed(1);
      process.stdout.write(`mean ms per image with a face (${faces} computed now): decode ${ms("decode")}, detect ${ms("detect")}, landmarks ${ms("landmarks")}, align ${ms("align")}, embed ${ms("embed")} (all ${recognizers.length} recognizer(s))\n`);
    }
  }
  const roc = flags.get("roc");
  if (roc) {
    await writeFile(roc, rocSvg(rocCurves, { title: `LFW ROC (${kfold ?? test})` }));
    process.stdout.write(`ROC curve written to ${roc}\n`);
  }
  return 0;
}

async function attributesCommand(flags: Map<string, string>): Promise<number> {
  const utk = flags.get("utk");
  const fer = flags.get("fer");
  if (!utk && !fer) throw new Error("give --utk DIR and/or --fer DIR");
  const step = Number(flags.get("step") ?? "1");
  if (!(Number.isInteger(step) && step >= 1)) throw new Error("--step must be a whole number ≥ 1");
  const { pipeline } = await pipelineFor(flags);
  const c = pipeline.config.checks;
  const out: Record<string, unknown> = {};
  if (utk) out["utk"] = await evaluateUtk(pipeline, utk, step);
  if (fer) out["fer"] = await evaluateFer(pipeline, fer, step);
  if (flags.has("json")) process.stdout.write(JSON.stringify({ detector: pipeline.detector.spec.id, ageModel: c.ageModel, genderModel: c.genderModel, emotionModel: c.emotionModel, ...out }, null, 1) + "\n");
  else {
    process.stdout.write(`detector ${pipeline.detector.spec.id}, age ${c.ageModel}, gender ${c.genderModel}, expression ${c.emotionModel}\n`);
    if (out["utk"]) process.stdout.write(formatUtk(utk!, out["utk"] as UtkEvaluation) + "\n");
    if (out["fer"]) process.stdout.write(formatFer(fer!, out["fer"] as FerEvaluation) + "\n");
  }
  return 0;
}

async function detectCommand(flags: Map<string, string>): Promise<number> {
  const dir = flags.get("dir");
  if (!dir) throw new Error("--dir is required");
  const { pipeline } = await pipelineFor(flags);
  const report = await detectFolder(pipeline, dir, { compareLandmarks: flags.get("compare-landmarks") });
  process.stdout.write(flags.has("json") ? JSON.stringify(report, null, 1) + "\n" : formatDetectReport(report) + "\n");
  return 0;
}


async function padCommand(flags: Map<string, string>): Promise<number> {
  const dir = flags.get("dir");
  if (!dir) throw new Error("--dir is required");
  const threshold = Number(flags.get("threshold") ?? "0.5");
  if (!(threshold >= 0 && threshold <= 1)) throw new Error("--threshold must be in [0, 1]");
  if (!flags.has("liveness")) flags.set("liveness", "faceplugin-liveness,human-antispoof");
  const { pipeline } = await pipelineFor(flags);
  const samples = await collectPadSamples(pipeline, dir);
  const simulated = existsSync(path.join(dir, "README.txt")) && (await readFile(path.join(dir, "README.txt"), "utf8")).includes("SIMULATED");
  const scorers = [...pipeline.checks.liveness.map((l) => l.id), "fused"];
  const reports = scorers.map((s) => padReport(samples, s, threshold));
  if (flags.has("json")) process.stdout.write(JSON.stringify({ simulated, reports }, null, 2) + "\n");
  else for (const r of reports) process.stdout.write(formatPadReport(r, simulated) + "\n");
  return 0;
}

async function padSimulateCommand(flags: Map<string, string>): Promise<number> {
  const from = flags.get("from");
  const out = flags.get("out");
  if (!from || !out) throw new Error("--from and --out are required");
  const sources = [...(await imagesIn(from))];
  for (const d of await readdir(from, { withFileTypes: true })) if (d.isDirectory() && !d.name.startsWith("_")) sources.push(...(await imagesIn(path.join(from, d.name))));
  const made = await buildSimulatedPadSet(sources, out);
  process.stdout.write(`wrote ${made.bonaFide} bona fide and ${made.attacks.print} print + ${made.attacks.replay} replay SIMULATED attacks to ${out}\n`);
  return 0;
}
