/**
 * Does the calibrated verify threshold hold on other image conditions? For an embedding
 * cache of a folder of person folders (`face-id eval lfw --cache`, e.g. over a degraded copy
 * made by `npm run degrade`), scores every pair of images of different people (impostors)
 * and of the same person (genuine) and prints, at each threshold of
 * models/calibration/<model>.json, the false-match rate and the false-non-match rate.
 * Every cross-identity pair is scored (millions for the LFW development view), so FMRs
 * near 1e-3 are measured on far more impostors than the calibration itself. Usage:
 *   npm run build && node dist/scripts/threshold-drift.js --model ID --cache A.jsonl[,B.jsonl] [--label L,...] [--targets 1e-2,1e-3]
 */
import path from "node:path";
import { readEmbedCache } from "../src/eval/embedding-source.js";
import { loadCalibration } from "../src/inference/calibration.js";
import { thresholdForRate } from "../src/domain/matching/threshold.js";
import { fuseEmbeddings } from "../src/inference/fused-embed.stage.js";
import { parseRecognizerId, recognizerPartId } from "../src/inference/model-id.js";

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ""), process.argv[i + 1] ?? "");
const model = args.get("model");
const caches = (args.get("cache") ?? "").split(",").filter(Boolean);
if (!model || caches.length === 0) throw new Error("usage: --model ID --cache A.jsonl[,B.jsonl] [--label L,...]");
const labels = (args.get("label") ?? "").split(",");
const calibration = await loadCalibration(model);
const targets = (args.get("targets") ?? "1e-2,1e-3").split(",").map(Number);
const thresholds = targets.map((t) => thresholdForRate(calibration.impostorScores, t));

export interface DriftRow {
  label: string;
  images: number;
  noFace: number;
  impostors: number;
  genuine: number;
  fmr: number[];
  fnmr: number[];
}

/** A fused model's embedding ("A&B") from its parts' embeddings in the cache (see FusedEmbedStage). */
function fusedFromParts(embeddings: Record<string, number[]> | null): Float32Array | undefined {
  const parts = parseRecognizerId(model!).map(recognizerPartId);
  if (!embeddings || parts.length < 2 || parts.some((p) => !embeddings[p])) return undefined;
  return fuseEmbeddings(parts.map((p) => embeddings[p]!));
}

function drift(label: string, records: Map<string, { embeddings: Record<string, number[]> | null }>): DriftRow {
  const people: string[] = [];
  const vectors: Float32Array[] = [];
  let noFace = 0;
  for (const [file, r] of records) {
    const e = r.embeddings?.[model!] ?? fusedFromParts(r.embeddings);
    if (!e) {
      noFace++;
      continue;
    }
    people.push(path.basename(path.dirname(file)));
    vectors.push(Float32Array.from(e));
  }
  const n = vectors.length;
  const falseMatches = thresholds.map(() => 0);
  const falseNonMatches = thresholds.map(() => 0);
  let impostors = 0;
  let genuine = 0;
  for (let i = 0; i < n; i++) {
    const a = vectors[i]!;
    for (let j = i + 1; j < n; j++) {
      const b = vectors[j]!;
      let s = 0;
      for (let k = 0; k < a.length; k++) s += a[k]! * b[k]!;
      const same = people[i] === people[j];
      if (same) genuine++;
      else impostors++;
      thresholds.forEach((t, ti) => {
        if (same && s < t) falseNonMatches[ti]!++;
        if (!same && s >= t) falseMatches[ti]!++;
      });
    }
  }
  return { label, images: records.size, noFace, impostors, genuine, fmr: falseMatches.map((f) => f / impostors), fnmr: falseNonMatches.map((f) => f / Math.max(1, genuine)) };
}

console.log(`model ${model}; calibrated thresholds ${targets.map((t, i) => `FMR ${t} → ${thresholds[i]!.toFixed(4)}`).join(", ")} (${calibration.source})`);
console.log(`| condition | images | no face | impostor pairs | genuine pairs | ${targets.map((t) => `FMR at the ${t} threshold | FNMR`).join(" | ")} |`);
console.log(`|---|---|---|---|---|${targets.map(() => "---|---").join("|")}|`);
for (const [i, file] of caches.entries()) {
  const records = (await readEmbedCache(file)) as unknown as Map<string, { embeddings: Record<string, number[]> | null }>;
  const r = drift(labels[i] || path.basename(file), records);
  console.log(`| ${r.label} | ${r.images} | ${r.noFace} | ${r.impostors} | ${r.genuine} | ${targets.map((_, k) => `${(100 * r.fmr[k]!).toFixed(3)} % | ${(100 * r.fnmr[k]!).toFixed(2)} %`).join(" | ")} |`);
}
