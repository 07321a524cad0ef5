/**
 * Every age, gender and expression model the packages ship, each fed as its upstream code
 * feeds it, on the labelled sets of ../shared/attributes (UTKFace file-name labels; FER2013
 * folders). The pipeline's own models are measured through the pipeline with
 * `face-id eval attributes`; this script is the wider candidate search that chose them
 * (tooling, not on the server's path). Usage:
 *   npm run attributes:candidates [-- --step 1 --fer-step 1]
 * Faces come from YuNet-n (the largest face); an image without one is counted and skipped.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { EXPRESSIONS, type Expression } from "../src/domain/face-engine.port.js";
import { ageReport, expressionReport, genderReport, parseUtkName, type AgeSample, type GenderSample } from "../src/eval/attribute-eval.js";
import { ageFromDistribution } from "../src/inference/age-gender.stage.js";
import type { Detection } from "../src/inference/detection.js";
import { boxCropTransform, cropTransform, squareBoxTransform } from "../src/inference/face-crop.js";
import { ImageDecodeStage, type RgbImage } from "../src/inference/image-decode.stage.js";
import { loadManifest, readModelFile } from "../src/inference/model-manifest.js";
import { softmax } from "../src/inference/onnx-session.js";
import { ssrMerge } from "../src/inference/ssrnet.stage.js";
import { createDetector } from "../src/inference/stage-factory.js";
import { convertTfjsModelFile } from "../src/models/convert-model.js";
import type { Affine2x3 } from "../src/math/similarity-transform.js";
import { warpAffine, type RawImage } from "../src/math/warp-affine.js";
import { sharedDir } from "./lib/shared-dir.js";

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ""), process.argv[i + 1] ?? "");
const step = Number(args.get("step") ?? "1");
const ferStep = Number(args.get("fer-step") ?? "1");
const root = path.join(sharedDir(), "attributes");

const manifest = await loadManifest();
const detector = createDetector(manifest, "yunet-n", { intraOpNumThreads: 1, scoreThreshold: undefined, minFaceSize: 1 });
await detector.load();
const decode = new ImageDecodeStage({ maxPixels: 50_000_000, maxBytes: 50_000_000, minSide: 1 });
const sessions = new Map<string, ort.InferenceSession>();
async function session(id: string): Promise<ort.InferenceSession> {
  let s = sessions.get(id);
  if (!s) {
    const spec = manifest.models.find((m) => m.id === id);
    const bytes = spec ? await readModelFile(spec, convertTfjsModelFile) : await readFile(id);
    s = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, logSeverityLevel: 3 });
    sessions.set(id, s);
  }
  return s;
}

type Pixel = (r: number, g: number, b: number) => number[];
function tensor(crop: RawImage, layout: "NCHW" | "NHWC", px: Pixel): ort.Tensor {
  const n = crop.width * crop.height;
  const c = px(0, 0, 0).length;
  const out = new Float32Array(n * c);
  for (let i = 0; i < n; i++) {
    const v = px(crop.data[3 * i]!, crop.data[3 * i + 1]!, crop.data[3 * i + 2]!);
    for (let k = 0; k < c; k++) out[layout === "NCHW" ? k * n + i : i * c + k] = v[k]!;
  }
  return new ort.Tensor("float32", out, layout === "NCHW" ? [1, c, crop.height, crop.width] : [1, crop.height, crop.width, c]);
}
async function run(id: string, t: ort.Tensor): Promise<Record<string, number[]>> {
  const s = await session(id);
  const r = await s.run({ [s.inputNames[0]!]: t });
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Array.from(v.data as Float32Array)]));
}
const crop = (img: RgbImage, m: Affine2x3, size: number) => warpAffine(img, m, size, size);
const gray = (r: number, g: number, b: number) => 0.2989 * r + 0.587 * g + 0.114 * b;
const imagenetRgb: Pixel = (r, g, b) => [(r / 255 - 0.485) / 0.229, (g / 255 - 0.456) / 0.224, (b / 255 - 0.406) / 0.225];
const SSR_OUTPUTS = ["prob_stage_1", "prob_stage_2", "prob_stage_3", "stage1_delta_k", "stage2_delta_k", "stage3_delta_k", "index_offset_stage1", "index_offset_stage2", "index_offset_stage3"];
const GEAR_AGES = [15, 23, 28, 35.5, 45.5, 55.5, 65]; // Human's gear.ts band weights

type AgeGender = { age?: number; male?: number };
/** Each candidate: how its upstream code crops and normalises, and how it decodes the output. */
const UTK_CANDIDATES: Record<string, (img: RgbImage, face: Detection) => Promise<AgeGender>> = {
  // faceplugin fr_age.js / fr_gender.js: box x 1.4 fitted into the image, 64x64, RGB ImageNet.
  "faceplugin-age + faceplugin-gender (SSR-Net)": async (img, face) => {
    const c = crop(img, boxCropTransform(face, 1.4, 64, img), 64);
    const a = await run("faceplugin-age", tensor(c, "NCHW", imagenetRgb));
    const g = await run("faceplugin-gender", tensor(c, "NCHW", imagenetRgb));
    return { age: ssrMerge(SSR_OUTPUTS.flatMap((n) => a[n]!), 101), male: ssrMerge(SSR_OUTPUTS.flatMap((n) => g[n]!), 1) };
  },
  // Human ssrnet-age.ts: face crop, 64x64, raw 0..255; ssrnet-gender.ts: gray, (g - 0.5) * 2, [female, male].
  "human-ssrnet-age + human-ssrnet-gender": async (img, face) => {
    const c = crop(img, squareBoxTransform(face, 64, 1.2), 64);
    const a = await run("human-ssrnet-age", tensor(c, "NHWC", (r, g, b) => [r, g, b]));
    const g = await run("human-ssrnet-gender", tensor(c, "NHWC", (r, gg, b) => [(gray(r, gg, b) / 255 - 0.5) * 2]));
    return { age: a["Identity"]![0]!, male: g["Identity"]![1]! };
  },
  // SSR-Net's IMDB gender model (V = 1, male = 1), raw 0..255 BGR as SSR-Net's own demo feeds it.
  "human-gender-imdb (SSR-Net)": async (img, face) => {
    const c = crop(img, squareBoxTransform(face, 64, 1.2), 64);
    return { male: (await run("human-gender-imdb", tensor(c, "NHWC", (r, g, b) => [b, g, r])))["Identity"]![0]! };
  },
  // Human gear.ts: crop [top 0, left 0.1, bottom 0.9, right 0.9] of the face, 198x198, 0..1.
  "human-gear": async (img, face) => {
    const box = { x1: face.x1 + 0.1 * (face.x2 - face.x1), x2: face.x1 + 0.9 * (face.x2 - face.x1), y1: face.y1, y2: face.y1 + 0.9 * (face.y2 - face.y1) };
    const k = [198 / (box.x2 - box.x1), 198 / (box.y2 - box.y1)] as const;
    const c = crop(img, [k[0], 0, -k[0] * box.x1, 0, k[1], -k[1] * box.y1], 198);
    const r = await run("human-gear", tensor(c, "NHWC", (rr, g, b) => [rr / 255, g / 255, b / 255]));
    const p = r["age_output"]!;
    const sorted = p.map((a, i) => [GEAR_AGES[i]!, a] as const).sort((a, b) => b[1] - a[1]);
    let age = sorted[0]![0];
    for (const [w, a] of sorted.slice(1)) age += a * (w - age);
    const [m, f] = r["gender_output"]!;
    return { age, male: m! / (m! + f!) };
  },
  // FaceRes (HSE): the recognizer's crop (five points, ArcFace template zoomed out 1.3x), 224, BGR - VGG means.
  "human-faceres-age-gender": async (img, face) => {
    const c = crop(img, cropTransform("arcface@1.3", face.keypoints.slice(0, 5), 224, 224), 224);
    const r = await run("human-faceres-age-gender", tensor(c, "NHWC", (rr, g, b) => [b - 103.939, g - 116.779, rr - 123.68]));
    return { age: ageFromDistribution(r["age_pred/Softmax"]!).years, male: r["gender_pred/Sigmoid"]![0]! };
  },
};

const FP_EXPRESSION = path.join("node_modules", "faceplugin-face-recognition-js", "model", "fr_expression.onnx");
const FER_CANDIDATES: Record<string, (img: RgbImage, face: Detection) => Promise<number[]>> = {
  // Human emotion.ts: 64x64 gray, (p - 127.5) / 127.5 here (the box, not the mesh region).
  "human-emotion": async (img, face) => (await run("human-emotion", tensor(crop(img, squareBoxTransform(face, 64, 1.2), 64), "NHWC", (r, g, b) => [(gray(r, g, b) - 127.5) / 127.5])))["Identity"]!,
  // faceplugin fr_expression.js: the box from its top-left corner x 1.2, 224x224 RGB / 255.
  "faceplugin fr_expression.onnx": async (img, face) => {
    const w = (face.x2 - face.x1) * 1.2, h = (face.y2 - face.y1) * 1.2;
    const c = crop(img, [224 / w, 0, (-224 / w) * face.x1, 0, 224 / h, (-224 / h) * face.y1], 224);
    return softmax((await run(FP_EXPRESSION, tensor(c, "NCHW", (r, g, b) => [r / 255, g / 255, b / 255])))["output"]!);
  },
};

async function largestFace(file: string): Promise<{ img: RgbImage; face: Detection } | null> {
  const img = await decode.run(await readFile(file));
  const faces = await detector.run(img);
  if (faces.length === 0) return null;
  return { img, face: faces.reduce((a, b) => ((b.x2 - b.x1) * (b.y2 - b.y1) > (a.x2 - a.x1) * (a.y2 - a.y1) ? b : a)) };
}

const utkDir = path.join(root, "utkface");
const utkFiles = (await readdir(utkDir)).filter((f) => parseUtkName(f)).sort().filter((_, i) => i % step === 0);
const ages = new Map<string, AgeSample[]>();
const genders = new Map<string, GenderSample[]>();
let utkNoFace = 0;
for (const f of utkFiles) {
  const label = parseUtkName(f)!;
  const found = await largestFace(path.join(utkDir, f));
  if (!found) {
    utkNoFace++;
    continue;
  }
  for (const [name, fn] of Object.entries(UTK_CANDIDATES)) {
    const r = await fn(found.img, found.face);
    if (r.age !== undefined) ages.set(name, [...(ages.get(name) ?? []), { age: label.age, predicted: r.age }]);
    if (r.male !== undefined) genders.set(name, [...(genders.get(name) ?? []), { age: label.age, male: label.male, predictedMale: r.male >= 0.5 }]);
  }
}
console.log(`UTKFace: ${utkFiles.length} images, ${utkNoFace} without a face`);
console.log("| model | age MAE | adults (18+) | 0–12 | 13–19 | 20–39 | 40–59 | 60+ | r | predicted mean ± sd | gender | adults | children ≤12 |");
console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
for (const name of Object.keys(UTK_CANDIDATES)) {
  const a = ages.get(name);
  const g = genders.get(name);
  const ar = a ? ageReport(a) : null;
  const gr = g ? genderReport(g) : null;
  const f1 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(1));
  const pc = (x: number | undefined) => (x === undefined ? "–" : `${(100 * x).toFixed(1)} %`);
  console.log(`| ${name} | ${f1(ar?.mae)} | ${f1(ar?.adultMae)} | ${ar ? ar.byBand.map((b) => f1(b.mae)).join(" | ") : "– | – | – | – | –"} | ${ar ? ar.correlation.toFixed(2) : "–"} | ${ar ? `${f1(ar.predictedMean)} ± ${f1(ar.predictedSd)}` : "–"} | ${pc(gr?.accuracy)} | ${pc(gr?.adultAccuracy)} | ${pc(gr?.childAccuracy)} |`);
}

const ferDir = path.join(root, "fer2013");
const expressions = new Map<string, { label: Expression; predicted: Expression }[]>();
let ferImages = 0, ferNoFace = 0;
for (const label of EXPRESSIONS) {
  const files = (await readdir(path.join(ferDir, label)).catch(() => [] as string[])).sort().filter((_, i) => i % ferStep === 0);
  for (const f of files) {
    ferImages++;
    const found = await largestFace(path.join(ferDir, label, f));
    if (!found) ferNoFace++;
    // A crop the detector misses is read whole (the set is tightly cropped): the model is measured, not the detector.
    const { img, face } = found ?? { img: await decode.run(await readFile(path.join(ferDir, label, f))), face: null };
    const box: Detection = face ?? { x1: 0, y1: 0, x2: img.width, y2: img.height, score: 1, keypoints: [] };
    for (const [name, fn] of Object.entries(FER_CANDIDATES)) {
      const p = await fn(img, box);
      const predicted = EXPRESSIONS[p.indexOf(Math.max(...p))]!;
      expressions.set(name, [...(expressions.get(name) ?? []), { label, predicted }]);
    }
  }
}
console.log(`\nFER2013: ${ferImages} images, ${ferNoFace} where YuNet-n found no face (read whole)`);
console.log(`| model | accuracy | ${EXPRESSIONS.join(" | ")} |`);
console.log(`|---|---|${EXPRESSIONS.map(() => "---").join("|")}|`);
for (const [name, samples] of expressions) {
  const r = expressionReport(samples);
  console.log(`| ${name} | ${(100 * r.accuracy).toFixed(1)} % | ${EXPRESSIONS.map((c) => `${(100 * r.recall[c]).toFixed(0)}`).join(" | ")} |`);
}
