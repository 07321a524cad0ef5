/**
 * Every genuine and impostor pair of ../shared/faces with its cosine score and the
 * decision at the configured verify threshold. Usage: npm run pairs
 */
import { readFile } from "node:fs/promises";
import { loadConfig } from "../src/config/config.js";
import { verifyThresholdFor } from "../src/inference/calibration.js";
import { FacePipeline } from "../src/inference/face-pipeline.js";
import { cosineSimilarity } from "../src/math/vector.js";
import { listFacePhotos } from "./lib/shared-faces.js";

const config = loadConfig(process.env);
const pipeline = await FacePipeline.load(config.inference);
const threshold = config.verify.threshold ?? (await verifyThresholdFor(pipeline.modelId, config.verify.targetFalseMatchRate));
const photos = listFacePhotos().filter((p) => p.isIdentity);
const embeddings = await Promise.all(photos.map(async (p) => (await pipeline.capture(await readFile(p.path), "single")).embedding));

const rows: { kind: "genuine" | "impostor"; a: string; b: string; score: number }[] = [];
for (let i = 0; i < photos.length; i++) {
  for (let j = i + 1; j < photos.length; j++) {
    rows.push({ kind: photos[i]!.folder === photos[j]!.folder ? "genuine" : "impostor", a: photos[i]!.file, b: photos[j]!.file, score: cosineSimilarity(embeddings[i]!, embeddings[j]!) });
  }
}
console.log(`model ${pipeline.modelId}, verify threshold ${threshold} (${config.verify.threshold === undefined ? `calibrated for FMR ${config.verify.targetFalseMatchRate}` : "VERIFY_THRESHOLD"})\n`);
for (const kind of ["genuine", "impostor"] as const) {
  const list = rows.filter((r) => r.kind === kind).sort((x, y) => (kind === "genuine" ? x.score - y.score : y.score - x.score));
  const wrong = list.filter((r) => (kind === "genuine" ? r.score < threshold : r.score >= threshold)).length;
  console.log(`${kind} pairs: ${list.length}, min ${Math.min(...list.map((r) => r.score)).toFixed(4)}, max ${Math.max(...list.map((r) => r.score)).toFixed(4)}, wrong decisions ${wrong}`);
  for (const r of list) console.log(`  ${r.score.toFixed(4)}  ${r.score >= threshold ? "match   " : "no-match"}  ${r.a}  ${r.b}`);
  console.log("");
}
