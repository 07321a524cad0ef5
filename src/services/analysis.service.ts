/**
 * Face calls that store nothing:
 * - `analyze`: attribute analysis (age, gender, expression, head pose) of a subject's face,
 *   only where the policy permits the `attributes` operation for the purpose (deny rules
 *   included, e.g. no emotion recognition at work or in education) and the subject's
 *   consent covers it;
 * - `detect`: every face of an image with its box, score, five points and, on request, the
 *   dense landmarks and the quality verdict with head pose (the `detect` operation);
 * - `compare`: 1:1 between two images without enrolment, at the calibrated threshold
 *   (the `compare` operation).
 * Detect and compare involve no enrolled subject, so they are decided on the purpose
 * alone (policies/README.md says when a purpose may permit them). Results go to the
 * caller only; the audit event records that the call happened and its outcome (face
 * counts, MATCH / NO_MATCH), never boxes, points, scores or vectors.
 */
import { validatePurpose } from "../domain/consent.js";
import { DomainError } from "../domain/errors.js";
import { checkMaxFaces, MAX_PROCESSED_FACES, wipeCapture, type DetectedFace, type FaceAttributes, type FaceCapture, type FaceEngine, type ImagePoint, type ImageSource } from "../domain/face-engine.port.js";
import { verifyAgainst } from "../domain/matching/decide.js";
import type { Store } from "../domain/repositories.port.js";
import type { Actor } from "../domain/tenant.js";
import type { OperationRunner } from "./operation.js";
import { checksFor, enforceCapture, qualityReport, type QualityReport } from "./capture-policy.js";
import type { MatchThresholds } from "./match-thresholds.js";
import type { PolicyService } from "./policy.service.js";

export interface AnalyzeResult {
  attributes: FaceAttributes;
  quality: QualityReport;
}

export interface DetectInput {
  purpose: string;
  image: ImageSource;
  /** At most this many faces (the largest) are returned. */
  maxFaces: number;
  /** Also the 468-point mesh of each face. */
  denseLandmarks: boolean;
  /** Also each face's quality verdict under the purpose's limits, with head pose. */
  quality: boolean;
}

export interface DetectedFaceDetail {
  face: DetectedFace;
  fivePoints: ImagePoint[];
  denseLandmarks: [number, number, number][] | null;
  quality: QualityReport | null;
}

export interface DetectResult {
  faces: DetectedFaceDetail[];
  /** Every face found (more than `faces` when maxFaces cut them). */
  faceCount: number;
  imageWidth: number;
  imageHeight: number;
}

export interface CompareInput {
  purpose: string;
  source: ImageSource;
  target: ImageSource;
}

export interface CompareResult {
  match: boolean;
  /** Cosine similarity of the two faces' embeddings. */
  similarity: number;
  threshold: number;
  modelId: string;
  /** The face compared in each image (its largest) and how many each held. */
  sourceFace: DetectedFace;
  targetFace: DetectedFace;
  sourceFaceCount: number;
  targetFaceCount: number;
}

/** Faces per detectFaces request when only boxes and five points are asked for. */
export const MAX_DETECTED_FACES = 100;

export class AnalysisService {
  constructor(
    private readonly store: Store,
    private readonly ops: OperationRunner,
    private readonly policy: PolicyService,
    private readonly engine: FaceEngine,
    private readonly thresholds: MatchThresholds,
  ) {}

  async analyze(actor: Actor, input: { subjectId: string; purpose: string; image: ImageSource }): Promise<AnalyzeResult> {
    return this.ops.use(actor, { action: "ANALYZE_FACE", subjectId: input.subjectId, purpose: input.purpose, scope: "faces:analyze" }, async ({ caller, ctx }) => {
      const purpose = validatePurpose(input.purpose);
      const rule = await this.policy.authorize(this.store, caller, input.subjectId, "attributes", purpose);
      // No embedding is made: attributes need none.
      const capture = await this.engine.inspect(await input.image(), "largest", checksFor(rule, "attributes", { attributes: true }));
      const quality = enforceCapture(rule, "attributes", capture);
      await this.ops.transaction(async (_tx, audit) => audit.record({ ...ctx, purpose, outcome: "SUCCESS" }));
      return { attributes: capture.attributes!, quality };
    });
  }

  async detect(actor: Actor, input: DetectInput): Promise<DetectResult> {
    return this.ops.use(actor, { action: "DETECT_FACES", purpose: input.purpose, scope: "faces:analyze" }, async ({ caller, ctx }) => {
      const purpose = validatePurpose(input.purpose);
      // Boxes and five points come with detection; the mesh (quality, dense landmarks) costs an inference per face.
      checkMaxFaces(input.maxFaces, input.quality || input.denseLandmarks ? MAX_PROCESSED_FACES : MAX_DETECTED_FACES);
      const rule = await this.policy.authorizePurpose(this.store, caller, "detect", purpose);
      const seen = await this.engine.process(await input.image(), {
        faces: "all",
        maxFaces: input.maxFaces,
        fivePoints: true,
        denseLandmarks: input.denseLandmarks,
        checks: { quality: input.quality },
      });
      const faces = seen.faces.map((f) => ({
        face: f.face,
        fivePoints: f.fivePoints ?? [],
        denseLandmarks: f.denseLandmarks ?? null,
        quality: f.measures ? qualityReport(rule, f.measures) : null,
      }));
      await this.ops.transaction(async (_tx, audit) => audit.record({ ...ctx, purpose, outcome: "SUCCESS", reason: `${faces.length} of ${seen.faceCount} faces` }));
      return { faces, faceCount: seen.faceCount, imageWidth: seen.imageWidth, imageHeight: seen.imageHeight };
    });
  }

  async compare(actor: Actor, input: CompareInput): Promise<CompareResult> {
    return this.ops.use(actor, { action: "COMPARE_FACES", purpose: input.purpose, scope: "faces:verify" }, async ({ caller, ctx }) => {
      const purpose = validatePurpose(input.purpose);
      const rule = await this.policy.authorizePurpose(this.store, caller, "compare", purpose);
      const modelId = this.engine.modelId;
      const threshold = Math.max(this.thresholds.verify(modelId, null), rule.minMatchThreshold ?? -1);
      const captures: FaceCapture[] = [];
      try {
        // One image at a time: the second is not read when the first has no usable face.
        for (const image of [input.source, input.target]) {
          const capture = await this.engine.capture(await image(), "largest", checksFor(rule, "compare"), [modelId]);
          captures.push(capture);
          enforceCapture(rule, "compare", capture);
        }
        const [source, target] = captures as [FaceCapture, FaceCapture];
        const { score, match } = verifyAgainst(source.embedding, [target.embedding], threshold);
        await this.ops.transaction(async (_tx, audit) => audit.record({ ...ctx, purpose, outcome: "SUCCESS", reason: match ? "MATCH" : "NO_MATCH" }));
        this.ops.telemetry.count("decisions", 1, { kind: "compare", outcome: match ? "match" : "no_match" });
        return { match, similarity: score, threshold, modelId, sourceFace: source.face, targetFace: target.face, sourceFaceCount: source.faceCount, targetFaceCount: target.faceCount };
      } finally {
        for (const c of captures) wipeCapture(c);
      }
    });
  }
}
