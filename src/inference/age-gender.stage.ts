/**
 * Attributes (age, gender) behind one role interface, whichever model gives them:
 *   - "ageGender" models (FaceRes, the HSE multi-task MobileNet): both from one run on the
 *     recognizer-style crop (five points → ArcFace template zoomed out by the manifest's
 *     crop margin); age is the mean of the model's 100-bin age distribution, and the
 *     distribution also gives the estimate's spread and confidence.
 *   - faceplugin's SSR-Net "age" and "gender" models (ssrnet.stage.ts): a point estimate
 *     from the detector-box crop; no spread.
 * The pipeline asks for age and gender; a model that gives both runs once.
 */
import type { Point } from "../math/similarity-transform.js";
import { warpAffine } from "../math/warp-affine.js";
import type { Detection } from "./detection.js";
import { cropTransform } from "./face-crop.js";
import type { RgbImage } from "./image-decode.stage.js";
import { findModel, type ModelManifest, type ModelSpec } from "./model-manifest.js";
import { runOnImage, type OnnxOptions, StageSession } from "./onnx-session.js";
import { SsrNetStage } from "./ssrnet.stage.js";

export interface AgeEstimate {
  years: number;
  /** Standard deviation of the model's age distribution, years (null: a point estimate). */
  sd: number | null;
  /** Share of the model's distribution within ±5 years of the estimate (null: a point estimate). */
  confidence: number | null;
}

export interface AgeGenderEstimate {
  age?: AgeEstimate;
  /** P(male) in [0, 1]. */
  male?: number;
}

export interface AgeGenderModel {
  readonly id: string;
  readonly spec: ModelSpec;
  readonly gives: { age: boolean; gender: boolean };
  load(): Promise<void>;
  run(img: RgbImage, face: Detection, fivePoints: readonly Point[]): Promise<AgeGenderEstimate>;
}

/** Mean, spread and ±5-year mass of an age distribution over bins 0, 1, … years. */
export function ageFromDistribution(p: ArrayLike<number>): AgeEstimate {
  let total = 0;
  let mean = 0;
  for (let i = 0; i < p.length; i++) {
    total += p[i]!;
    mean += i * p[i]!;
  }
  mean /= total;
  let variance = 0;
  let near = 0;
  for (let i = 0; i < p.length; i++) {
    variance += p[i]! * (i - mean) ** 2;
    if (Math.abs(i - mean) <= 5) near += p[i]!;
  }
  return { years: mean, sd: Math.sqrt(variance / total), confidence: near / total };
}

export class FaceResAgeGenderStage implements AgeGenderModel {
  readonly gives = { age: true, gender: true };
  private readonly session: StageSession;
  private readonly size: number;

  constructor(readonly spec: ModelSpec, opts: OnnxOptions) {
    if (!spec.crop) throw new Error(`${spec.id}: an ageGender model needs a crop in the manifest`);
    this.session = new StageSession(spec, opts);
    this.size = spec.input.shape[1] as number;
  }

  get id(): string {
    return this.spec.id;
  }

  async load(): Promise<void> {
    await this.session.load();
  }

  async run(img: RgbImage, _face: Detection, fivePoints: readonly Point[]): Promise<AgeGenderEstimate> {
    const crop = warpAffine(img, cropTransform(this.spec.crop!, fivePoints, this.size, this.size), this.size, this.size);
    const [male, ages] = await runOnImage(this.session.get(), this.spec, crop, ["gender_pred/Sigmoid", "age_pred/Softmax"]);
    return { age: ageFromDistribution(ages!), male: male![0]! };
  }
}

class SsrNetAgeGender implements AgeGenderModel {
  private readonly stage: SsrNetStage;
  readonly gives: { age: boolean; gender: boolean };

  constructor(readonly spec: ModelSpec, opts: OnnxOptions) {
    const age = spec.role === "age";
    this.gives = { age, gender: !age };
    this.stage = new SsrNetStage(spec, { ...opts, scale: age ? 101 : 1 });
  }

  get id(): string {
    return this.spec.id;
  }

  load(): Promise<void> {
    return this.stage.load();
  }

  async run(img: RgbImage, face: Detection): Promise<AgeGenderEstimate> {
    const v = await this.stage.run(img, face);
    return this.gives.age ? { age: { years: v, sd: null, confidence: null } } : { male: v };
  }
}

/** The model for `want` ("age" or "gender"): an ageGender model, or one of that role. */
export function createAgeGenderModel(manifest: ModelManifest, id: string, want: "age" | "gender", opts: OnnxOptions): AgeGenderModel {
  const spec = manifest.models.find((m) => m.id === id);
  if (spec?.role === "ageGender") {
    if (spec.family !== "faceres") throw new Error(`ageGender model ${id}: unknown family ${spec.family}`);
    return new FaceResAgeGenderStage(spec, opts);
  }
  const s = findModel(manifest, id, want);
  if (s.family !== "ssrnet") throw new Error(`${want} model ${id}: unknown family ${s.family}`);
  return new SsrNetAgeGender(s, opts);
}
