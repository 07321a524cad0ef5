/**
 * Attribute accuracy over labelled face sets, through the real pipeline (decode → detect →
 * the attribute stages of the capture checks):
 *   UTKFace-style folder: files `AGE_GENDER_RACE_DATE.jpg…` (gender 0 = male, 1 = female)
 *     → age MAE overall, by age band, for adults and children; gender accuracy.
 *   FER2013-style folder: one sub-folder per expression (angry disgust fear happy neutral
 *     sad surprise) → accuracy and per-class recall.
 * Images without a detected face count as failures to detect and are left out of the
 * attribute figures (reported separately).
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { DomainError } from "../domain/errors.js";
import { EXPRESSIONS, type Expression, type FaceAttributes } from "../domain/face-engine.port.js";
import type { FacePipeline } from "../inference/face-pipeline.js";

export interface AgeSample {
  age: number;
  predicted: number;
}

export interface GenderSample {
  age: number;
  male: boolean;
  predictedMale: boolean;
}

export const AGE_BANDS: readonly (readonly [number, number])[] = [[0, 12], [13, 19], [20, 39], [40, 59], [60, 200]];
/** Adults: 18 and older, as the issue's target reads. */
export const ADULT_AGE = 18;

export interface AgeReport {
  n: number;
  mae: number;
  adultMae: number;
  childMae: number;
  byBand: { band: string; n: number; mae: number }[];
  /** Pearson correlation of predicted and true age. */
  correlation: number;
  predictedMean: number;
  predictedSd: number;
  trueMean: number;
  trueSd: number;
}

function meanSd(xs: readonly number[]): { mean: number; sd: number } {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  return { mean, sd: Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length) };
}

const mae = (xs: readonly AgeSample[]): number => (xs.length === 0 ? NaN : xs.reduce((s, x) => s + Math.abs(x.age - x.predicted), 0) / xs.length);

export function ageReport(samples: readonly AgeSample[]): AgeReport {
  const p = meanSd(samples.map((s) => s.predicted));
  const t = meanSd(samples.map((s) => s.age));
  const cov = samples.reduce((s, x) => s + (x.age - t.mean) * (x.predicted - p.mean), 0) / samples.length;
  return {
    n: samples.length,
    mae: mae(samples),
    adultMae: mae(samples.filter((s) => s.age >= ADULT_AGE)),
    childMae: mae(samples.filter((s) => s.age <= 12)),
    byBand: AGE_BANDS.map(([lo, hi]) => {
      const b = samples.filter((s) => s.age >= lo && s.age <= hi);
      return { band: hi >= 200 ? `${lo}+` : `${lo}–${hi}`, n: b.length, mae: mae(b) };
    }),
    correlation: p.sd > 0 && t.sd > 0 ? cov / (p.sd * t.sd) : 0,
    predictedMean: p.mean,
    predictedSd: p.sd,
    trueMean: t.mean,
    trueSd: t.sd,
  };
}

export interface GenderReport {
  n: number;
  accuracy: number;
  adultAccuracy: number;
  childAccuracy: number;
}

export function genderReport(samples: readonly GenderSample[]): GenderReport {
  const acc = (xs: readonly GenderSample[]) => (xs.length === 0 ? NaN : xs.filter((s) => s.male === s.predictedMale).length / xs.length);
  return { n: samples.length, accuracy: acc(samples), adultAccuracy: acc(samples.filter((s) => s.age >= ADULT_AGE)), childAccuracy: acc(samples.filter((s) => s.age <= 12)) };
}

export interface ExpressionReport {
  n: number;
  accuracy: number;
  /** Recall per class (of the faces labelled c, the share predicted c). */
  recall: Record<Expression, number>;
  perClass: Record<Expression, number>;
}

export function expressionReport(samples: readonly { label: Expression; predicted: Expression }[]): ExpressionReport {
  const recall = {} as Record<Expression, number>;
  const perClass = {} as Record<Expression, number>;
  for (const c of EXPRESSIONS) {
    const of = samples.filter((s) => s.label === c);
    perClass[c] = of.length;
    recall[c] = of.length === 0 ? NaN : of.filter((s) => s.predicted === c).length / of.length;
  }
  return { n: samples.length, accuracy: samples.filter((s) => s.label === s.predicted).length / samples.length, recall, perClass };
}

/** UTKFace's file name: AGE_GENDER_RACE_DATE… (gender 0 male, 1 female); null when it does not parse. */
export function parseUtkName(file: string): { age: number; male: boolean } | null {
  const m = /^(\d{1,3})_([01])_/.exec(path.basename(file));
  return m ? { age: Number(m[1]), male: m[2] === "0" } : null;
}

const IMAGE = /\.(jpe?g|png|webp)$/i;

async function attributesOf(pipeline: FacePipeline, file: string): Promise<FaceAttributes | null> {
  try {
    const r = await pipeline.inspect(await readFile(file), "largest", { attributes: true });
    return r.attributes ?? null;
  } catch (e) {
    if (e instanceof DomainError && (e.reason === "NO_FACE" || e.reason === "IMAGE_TOO_SMALL")) return null;
    throw e;
  }
}

export interface UtkEvaluation {
  images: number;
  noFace: number;
  age: AgeReport;
  gender: GenderReport;
  msPerImage: number;
}

/** Every `step`-th labelled image of a UTKFace-style folder (sorted by name). */
export async function evaluateUtk(pipeline: FacePipeline, dir: string, step = 1): Promise<UtkEvaluation> {
  const files = (await readdir(dir)).filter((f) => IMAGE.test(f) && parseUtkName(f)).sort().filter((_, i) => i % step === 0);
  const ages: AgeSample[] = [];
  const genders: GenderSample[] = [];
  let noFace = 0;
  const t0 = performance.now();
  for (const f of files) {
    const label = parseUtkName(f)!;
    const a = await attributesOf(pipeline, path.join(dir, f));
    if (!a) {
      noFace++;
      continue;
    }
    ages.push({ age: label.age, predicted: a.age });
    genders.push({ age: label.age, male: label.male, predictedMale: a.gender === "male" });
  }
  return { images: files.length, noFace, age: ageReport(ages), gender: genderReport(genders), msPerImage: (performance.now() - t0) / Math.max(1, files.length) };
}

export interface FerEvaluation {
  images: number;
  noFace: number;
  expression: ExpressionReport;
}

export async function evaluateFer(pipeline: FacePipeline, dir: string, step = 1): Promise<FerEvaluation> {
  const samples: { label: Expression; predicted: Expression }[] = [];
  let images = 0;
  let noFace = 0;
  for (const label of EXPRESSIONS) {
    const sub = path.join(dir, label);
    let files: string[];
    try {
      files = (await readdir(sub)).filter((f) => IMAGE.test(f)).sort().filter((_, i) => i % step === 0);
    } catch {
      continue;
    }
    for (const f of files) {
      images++;
      const a = await attributesOf(pipeline, path.join(sub, f));
      if (!a) noFace++;
      else samples.push({ label, predicted: a.expression });
    }
  }
  return { images, noFace, expression: expressionReport(samples) };
}

const f1 = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : "–");
const pct = (x: number) => (Number.isFinite(x) ? (100 * x).toFixed(1) : "–");

export function formatUtk(label: string, r: UtkEvaluation): string {
  const a = r.age;
  return [
    `${label}: ${r.images} images, ${r.noFace} without a face, ${r.msPerImage.toFixed(1)} ms per image`,
    `  age MAE ${f1(a.mae, 2)} (adults ${f1(a.adultMae, 2)}, children ≤12 ${f1(a.childMae, 2)}), r ${a.correlation.toFixed(2)}, predicted ${f1(a.predictedMean)} ± ${f1(a.predictedSd)} (true ${f1(a.trueMean)} ± ${f1(a.trueSd)})`,
    `  by band: ${a.byBand.map((b) => `${b.band} ${f1(b.mae)} (${b.n})`).join(", ")}`,
    `  gender ${pct(r.gender.accuracy)} % (adults ${pct(r.gender.adultAccuracy)} %, children ${pct(r.gender.childAccuracy)} %)`,
  ].join("\n");
}

export function formatFer(label: string, r: FerEvaluation): string {
  const e = r.expression;
  return [
    `${label}: ${r.images} images, ${r.noFace} without a face`,
    `  expression ${pct(e.accuracy)} %; recall ${EXPRESSIONS.map((c) => `${c} ${pct(e.recall[c])}`).join(", ")}`,
  ].join("\n");
}
