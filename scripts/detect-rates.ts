/**
 * Detection rates by score threshold, to choose a detector's threshold from measurements
 * rather than a model's default. For each detector (and YuNet border setting) it prints, at
 * each threshold, the share of images with at least one face, and on ../shared/faces the
 * images whose face count is wrong (a group photo missing a face, or a spurious face).
 *   npm run detect:rates -- [--detectors yunet-s,yunet-n,faceplugin-rfb320-detector]
 *     [--pads 0,0.2] [--min-sides 0,160] [--dirs DIR,DIR] [--limit N] [--thresholds 0.5,0.6,0.7,0.8,0.9]
 * Default dirs: ../shared/attributes/utkface, ../shared/attributes/fer2013 (tight crops).
 */
import { readdirSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { loadConfig } from "../src/config/config.js";
import type { FaceDetectorStage } from "../src/inference/detection.js";
import { ImageDecodeStage } from "../src/inference/image-decode.stage.js";
import { findModel, loadManifest } from "../src/inference/model-manifest.js";
import { createDetector } from "../src/inference/stage-factory.js";
import { FACES_DIR, listFacePhotos } from "./lib/shared-faces.js";
import { sharedDir } from "./lib/shared-dir.js";

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ""), process.argv[i + 1] ?? "");
const list = (k: string, d: string) => (args.get(k) ?? d).split(",").filter(Boolean);
const detectors = list("detectors", "yunet-s,yunet-n,faceplugin-rfb320-detector");
const pads = list("pads", "0,0.2").map(Number);
const minSides = list("min-sides", "0").map(Number);
const thresholds = list("thresholds", "0.5,0.6,0.7,0.8,0.9,0.95").map(Number);
const dirs = list("dirs", [path.join(sharedDir(), "attributes", "utkface"), path.join(sharedDir(), "attributes", "fer2013")].join(","));
const limit = Number(args.get("limit") ?? Infinity);
/** Every face the detector scores above this is recorded; rates at higher thresholds are counted from them. */
const FLOOR = Math.min(...thresholds);

const config = loadConfig({ ...process.env, INFERENCE_THREADS: "1" });
const manifest = await loadManifest();
const decode = new ImageDecodeStage({ ...config.inference.decode, minSide: 1 });

function imagesIn(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...imagesIn(p));
    else if (/\.(jpe?g|png|webp)$/i.test(name)) out.push(p);
  }
  return out;
}

/** Expected face counts of ../shared/faces: the group photos' and one for every other photo with a whole face. */
const MULTI: Record<string, number> = { "_multi/kit_with_rose.jpg": 2, "_multi/obama_and_biden.jpg": 3, "_multi/two_people.jpg": 2 };

function stageFor(id: string, pad: number, minSide: number): FaceDetectorStage {
  const family = findModel(manifest, id, "detector").family;
  return createDetector(manifest, id, { intraOpNumThreads: 1, scoreThreshold: FLOOR, minFaceSize: config.inference.minFaceSize, ...(family === "yunet" ? { detect: { pad, minSide } } : {}) });
}

async function scores(stage: FaceDetectorStage, file: string): Promise<number[]> {
  try {
    return (await stage.run(await decode.run(await readFile(file)))).map((d) => d.score);
  } catch {
    return [];
  }
}

const pct = (n: number, d: number) => `${((100 * n) / Math.max(1, d)).toFixed(2)}%`.padStart(8);
console.log(`thresholds: ${thresholds.join(" ")}`);
for (const id of detectors) {
  const family = findModel(manifest, id, "detector").family;
  for (const [pad, minSide] of family === "yunet" ? pads.flatMap((p) => minSides.map((m) => [p, m] as const)) : [[0, 0] as const]) {
    const stage = stageFor(id, pad, minSide);
    await stage.load();
    const label = `${id}${family === "yunet" ? ` pad ${pad} min ${minSide}` : ""}`;
    for (const dir of dirs) {
      const files = imagesIn(dir).slice(0, limit);
      const best: number[] = [];
      const t0 = performance.now();
      for (const f of files) best.push(Math.max(0, ...(await scores(stage, f))));
      const ms = (performance.now() - t0) / Math.max(1, files.length);
      const rates = thresholds.map((t) => pct(best.filter((s) => s >= t).length, files.length));
      console.log(`${label.padEnd(40)} ${path.basename(dir).padEnd(12)} n=${String(files.length).padEnd(6)} found: ${rates.join("")}   ${ms.toFixed(1)} ms/image`);
    }
    const photos = listFacePhotos(FACES_DIR).filter((p) => !p.file.startsWith("_partial/"));
    const wrong = thresholds.map(() => [] as string[]);
    for (const p of photos) {
      const s = await scores(stage, p.path);
      const expected = MULTI[p.file] ?? 1;
      thresholds.forEach((t, i) => {
        const n = s.filter((x) => x >= t).length;
        if (n !== expected) wrong[i]!.push(`${p.file}:${n}`);
      });
    }
    console.log(`${label.padEnd(40)} ${"faces".padEnd(12)} n=${String(photos.length).padEnd(6)} wrong count: ${wrong.map((w) => String(w.length).padStart(8)).join("")}`);
    for (const [i, w] of wrong.entries()) if (w.length) console.log(`   at ${thresholds[i]}: ${w.join(" ")}`);
  }
}
