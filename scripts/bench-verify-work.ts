/**
 * The in-process rate of exactly the work one verifyFace asks of the face stack on one
 * core (decode, detect, landmarks, embed with mirror, quality checks) over the LFW
 * probes bench:load uses: the reference bench:load's server throughput is compared with.
 * Usage: npm run build && node dist/scripts/bench-verify-work.js [--json]
 * (--json: one line, {"withChecksMs": mean, "withoutChecksMs": mean}, as bench:load reads it)
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { loadConfig } from "../src/config/config.js";
import { FacePipeline } from "../src/inference/face-pipeline.js";
import { sharedDir } from "./lib/shared-dir.js";
import { percentile } from "./lib/stats.js";

const lfw = path.join(sharedDir(), "lfw-dev");
const same = (await readFile(path.join(lfw, "pairsDevTrain.txt"), "utf8")).trim().split("\n").slice(1).map((l) => l.split("\t")).filter((f) => f.length === 3).slice(0, 16);
const probes = await Promise.all(same.map(([p, , b]) => readFile(path.join(lfw, "images", p!, `${p}_${b!.padStart(4, "0")}.jpg`))));
const pipeline = await FacePipeline.load(loadConfig({ ...process.env, INFERENCE_THREADS: "1" }).inference);
for (const img of probes) await pipeline.capture(img, "largest", { quality: true });
const json = process.argv.includes("--json");
const means: number[] = [];
for (const checks of [{ quality: true }, {}]) {
  const t: number[] = [];
  for (let r = 0; r < 5; r++) {
    for (const img of probes) {
      const t0 = performance.now();
      await pipeline.capture(img, "largest", checks);
      t.push(performance.now() - t0);
    }
  }
  const mean = t.reduce((a, b) => a + b, 0) / t.length;
  means.push(mean);
  if (!json) console.log(`capture ${checks.quality ? "with the verify checks (quality)" : "without checks"}, 250x250, one core: mean ${mean.toFixed(1)} ms, p50 ${percentile(t, 50).toFixed(1)} ms → ${(1000 / mean).toFixed(1)}/s per core, ${((2 * 1000) / mean).toFixed(1)}/s on 2 cores`);
}
if (json) console.log(JSON.stringify({ withChecksMs: means[0], withoutChecksMs: means[1] }));
