/**
 * The capture checks that run beside the embedding, on the face the pipeline chose:
 * quality measures (size, blur, exposure, pose, eyes, mouth, frame), passive liveness and
 * attributes. Each model is a stage of its own (eye-state, liveness, antispoof, emotion,
 * ssrnet), built by the one stage factory (stage-factory.ts); this class owns them, runs only what a call asks for, and needs the face mesh
 * (from the pipeline's landmark stage, or a mesh stage of its own when the pipeline uses
 * 68 points).
 */
import type { AttributeName, CaptureChecks, FaceAttributes, FaceMeasures, LivenessScore } from "../domain/face-engine.port.js";
import { ATTRIBUTES, EXPRESSIONS } from "../domain/face-engine.port.js";
import { headPose, type HeadPose, type Point3 } from "../math/head-pose.js";
import { exposure, laplacianVariance } from "../math/image-stats.js";
import { applyAffine, invertAffine, type Affine2x3, type Point } from "../math/similarity-transform.js";
import { toGray, warpAffine } from "../math/warp-affine.js";
import type { Detection } from "./detection.js";
import { EmotionStage } from "./emotion.stage.js";
import { EyeStateStage } from "./eye-state.stage.js";
import { cropTransform } from "./face-crop.js";
import { fivePointsFromMesh } from "./face-mesh.stage.js";
import type { RgbImage } from "./image-decode.stage.js";
import { findModel, type ModelManifest } from "./model-manifest.js";
import type { OnnxOptions } from "./onnx-session.js";
import type { AgeGenderModel } from "./age-gender.stage.js";
import { createAgeGenderModel, createLivenessModel, type LivenessModel } from "./stage-factory.js";

export interface FaceChecksConfig {
  eyeStateModel: string;
  /** Passive liveness models; with several, the live score is the mean of theirs. */
  livenessModels: readonly string[];
  emotionModel: string;
  ageModel: string;
  genderModel: string;
}

/** Mesh indices: forehead top and chin bottom (pose), inner lips and mouth corners (mouth). */
const MESH = { forehead: 10, chin: 152, leftEyeOuter: 33, rightEyeOuter: 263, upperLip: 13, lowerLip: 14, mouthLeft: 61, mouthRight: 291 } as const;

/** Faces estimated at least this old count as adults for a "meets the target for adults" model. */
const ADULT_AGE = 18;


export class FaceChecks {
  readonly eyes: EyeStateStage;
  readonly liveness: LivenessModel[];
  readonly emotion: EmotionStage;
  readonly age: AgeGenderModel;
  /** The same object as `age` when one model gives both. */
  readonly gender: AgeGenderModel;

  constructor(manifest: ModelManifest, config: FaceChecksConfig, onnx: OnnxOptions) {
    this.eyes = new EyeStateStage(findModel(manifest, config.eyeStateModel, "eyeState"), onnx);
    this.liveness = config.livenessModels.map((id) => createLivenessModel(manifest, id, onnx));
    this.emotion = new EmotionStage(findModel(manifest, config.emotionModel, "emotion"), onnx);
    this.age = createAgeGenderModel(manifest, config.ageModel, "age", onnx);
    this.gender = config.genderModel === config.ageModel && this.age.gives.gender ? this.age : createAgeGenderModel(manifest, config.genderModel, "gender", onnx);
    if (!this.age.gives.age) throw new Error(`AGE_MODEL ${config.ageModel} gives no age`);
    if (!this.gender.gives.gender) throw new Error(`GENDER_MODEL ${config.genderModel} gives no gender`);
    this.targets = { age: this.age.spec.meetsTarget?.age, gender: this.gender.spec.meetsTarget?.gender, expression: this.emotion.spec.meetsTarget?.expression };
  }

  /** Per attribute: did its model meet the accuracy target (see ModelSpec.meetsTarget). */
  private readonly targets: Record<AttributeName, boolean | "adults" | undefined>;

  async load(): Promise<void> {
    await Promise.all([this.eyes.load(), ...this.liveness.map((l) => l.load()), this.emotion.load(), this.age.load(), ...(this.gender === this.age ? [] : [this.gender.load()])]);
  }

  /** Runs the asked-for checks on one face: `mesh` its 468 points, in image pixels. */
  /** The checks asked for, each through `stage` (the pipeline times them). */
  async run(
    img: RgbImage,
    face: Detection,
    mesh: readonly Point3[],
    wanted: CaptureChecks,
    stage: <T>(name: "quality" | "liveness" | "attributes", work: () => Promise<T>) => Promise<T> = (_name, work) => work(),
  ): Promise<{ measures?: FaceMeasures; liveness?: LivenessScore; attributes?: FaceAttributes }> {
    const mesh2d: Point[] = mesh.map(([x, y]) => [x, y]);
    const pose = poseOf(mesh);
    const out: { measures?: FaceMeasures; liveness?: LivenessScore; attributes?: FaceAttributes } = {};
    if (wanted.quality) out.measures = await stage("quality", () => this.measure(img, face, mesh, mesh2d, pose));
    if (wanted.liveness) out.liveness = await stage("liveness", () => this.live(img, face, mesh2d));
    if (wanted.attributes) out.attributes = await stage("attributes", () => this.attributesOf(img, face, mesh2d, pose));
    return out;
  }

  private async measure(img: RgbImage, face: Detection, mesh: readonly Point3[], mesh2d: Point[], pose: HeadPose): Promise<FaceMeasures> {
    const five = fivePointsFromMesh(mesh2d);
    const toCrop = cropTransform("arcface", five, 112, 112);
    const aligned = toGray(warpAffine(img, toCrop, 112, 112));
    // Exposure only over crop pixels that come from inside the image (a face cut by the
    // frame is PARTIAL_FACE, not dark).
    const light = exposure(aligned, insideMask(toCrop, 112, 112, img));
    const eyes = await this.eyes.run(img, mesh2d);
    const dist = (a: number, b: number) => Math.hypot(mesh[a]![0] - mesh[b]![0], mesh[a]![1] - mesh[b]![1]);
    let outside = 0;
    for (const [x, y] of mesh) if (x < 0 || y < 0 || x >= img.width || y >= img.height) outside++;
    return {
      interEyeDistance: Math.hypot(five[1]![0] - five[0]![0], five[1]![1] - five[0]![1]),
      sharpness: laplacianVariance(aligned) / Math.max(1, light.std * light.std),
      brightness: light.mean,
      contrast: light.std,
      darkFraction: light.dark,
      brightFraction: light.bright,
      ...pose,
      leftEyeClosed: eyes.leftClosed,
      rightEyeClosed: eyes.rightClosed,
      mouthOpen: dist(MESH.upperLip, MESH.lowerLip) / Math.max(1e-6, dist(MESH.mouthLeft, MESH.mouthRight)),
      outsideFrame: outside / mesh.length,
      detectionScore: face.score,
    };
  }

  private async live(img: RgbImage, face: Detection, mesh2d: Point[]): Promise<LivenessScore> {
    const byModel: Record<string, number> = {};
    for (const model of this.liveness) byModel[model.id] = await model.run(img, face, mesh2d);
    const scores = Object.values(byModel);
    return { score: scores.reduce((a, b) => a + b, 0) / Math.max(1, scores.length), byModel };
  }

  private async attributesOf(img: RgbImage, face: Detection, mesh2d: Point[], pose: HeadPose): Promise<FaceAttributes> {
    const five = fivePointsFromMesh(mesh2d);
    const [fromAge, fromGender, probs] = await Promise.all([
      this.age.run(img, face, five),
      this.gender === this.age ? Promise.resolve(undefined) : this.gender.run(img, face, five),
      this.emotion.run(img, face),
    ]);
    const age = fromAge.age!;
    const male = (fromGender ?? fromAge).male!;
    const expressionScores = Object.fromEntries(EXPRESSIONS.map((e, i) => [e, probs[i] ?? 0])) as FaceAttributes["expressionScores"];
    const best = EXPRESSIONS.reduce((a, b) => (expressionScores[b] > expressionScores[a] ? b : a));
    const adult = age.years >= ADULT_AGE;
    const belowTarget = ATTRIBUTES.filter((a) => {
      const met = this.targets[a];
      return !(met === true || (met === "adults" && adult));
    });
    return {
      age: age.years,
      ageSd: age.sd,
      ageConfidence: age.confidence,
      gender: male >= 0.5 ? "male" : "female",
      genderConfidence: male >= 0.5 ? male : 1 - male,
      expression: best,
      expressionConfidence: expressionScores[best],
      expressionScores,
      pose,
      belowTarget,
    };
  }
}

/** 1 where crop pixel (x, y) maps back inside the image. */
function insideMask(toCrop: Affine2x3, width: number, height: number, img: { width: number; height: number }): Uint8Array {
  const inv = invertAffine(toCrop);
  const mask = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [sx, sy] = applyAffine(inv, [x, y]);
      mask[y * width + x] = sx >= 0 && sy >= 0 && sx <= img.width - 1 && sy <= img.height - 1 ? 1 : 0;
    }
  }
  return mask;
}

/** Head pose from the mesh: outer eye corners, forehead and chin (src/math/head-pose.ts). */
function poseOf(mesh: readonly Point3[]): HeadPose {
  return headPose(mesh[MESH.leftEyeOuter]!, mesh[MESH.rightEyeOuter]!, mesh[MESH.forehead]!, mesh[MESH.chin]!);
}
