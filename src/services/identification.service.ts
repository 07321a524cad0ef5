/**
 * 1:N identification: who in this gallery, if anyone, is the face in this photo? The
 * policy must allow identification for the purpose; the probe is searched in the
 * gallery's matching index among templates enrolled for that purpose, and only subjects
 * whose own policy decision permits it (active covering consent, not under legal hold,
 * right kind of consent) may be returned. Candidates scoring between the threshold and
 * the high-risk floor carry humanReviewRequired. No candidate above the threshold is an
 * explicit no-match. Every identification is recorded with its candidates and audited.
 */
import { checksFor, enforceCapture } from "./capture-policy.js";
import type { Clock, IdGenerator } from "../domain/clock.port.js";
import { validatePurpose } from "../domain/consent.js";
import { DomainError } from "../domain/errors.js";
import type { DetectedFace, FaceEngine, ImageSource } from "../domain/face-engine.port.js";
import type { IdentificationCandidate, IdentificationDecision } from "../domain/identification.js";
import type { Store } from "../domain/repositories.port.js";
import type { Actor } from "../domain/tenant.js";
import type { OperationRunner } from "./operation.js";
import { findGalleryOrThrow } from "./gallery.service.js";
import type { MatchingIndexService } from "./matching-index.service.js";
import type { PolicyService } from "./policy.service.js";
import type { MatchThresholds } from "./match-thresholds.js";

export interface IdentifyInput {
  galleryId: string;
  purpose: string;
  image: ImageSource;
  topK: number;
}

export interface IdentifyResult {
  decisionId: string;
  /** At least one candidate above the threshold. */
  match: boolean;
  candidates: IdentificationCandidate[];
  threshold: number;
  reviewThreshold: number;
  modelId: string;
  face: DetectedFace;
  /** Templates of the purpose in the gallery's index when searched. */
  searchedTemplates: number;
}


export const MAX_TOP_K = 100;

export class IdentificationService {
  constructor(
    private readonly store: Store,
    private readonly ops: OperationRunner,
    private readonly policy: PolicyService,
    private readonly engine: FaceEngine,
    private readonly index: MatchingIndexService,
    private readonly thresholds: MatchThresholds,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async identify(actor: Actor, input: IdentifyInput): Promise<IdentifyResult> {
    const decisionId = this.ids.next("dec");
    return this.ops.use(actor, { action: "IDENTIFY_FACE", purpose: input.purpose, decisionId, targetId: input.galleryId, scope: "faces:identify" }, async ({ caller, ctx }) => {
      const purpose = validatePurpose(input.purpose);
      if (!Number.isInteger(input.topK) || input.topK < 1 || input.topK > MAX_TOP_K) throw new DomainError("INVALID_INPUT", `topK must be from 1 to ${MAX_TOP_K}`);
      const gallery = await findGalleryOrThrow(this.store, caller.tenantId, input.galleryId);
      if (gallery.modelId !== this.engine.modelId) {
        throw new DomainError("MODEL_MISMATCH", `gallery is pinned to model ${gallery.modelId} but probes are embedded with ${this.engine.modelId}; its subjects must re-enroll`);
      }
      const rule = await this.policy.authorizePurpose(this.store, caller, "identify", purpose);
      const searchedTemplates = this.index.size(gallery.id, purpose);
      const base = this.thresholds.identify(gallery.modelId, gallery.targetFpir, searchedTemplates);
      const threshold = Math.max(base.threshold, rule.minMatchThreshold ?? -1);
      const reviewThreshold = Math.max(threshold, base.review);

      const capture = await this.engine.capture(await input.image(), "largest", checksFor(rule, "identify"));
      try {
        enforceCapture(rule, "identify", capture);
        return await this.ops.transaction(async (tx, audit) => {
          const policy = await this.policy.policyOf(tx, caller.tenantId);
          const candidates: IdentificationCandidate[] = [];
          const seen = new Set<string>();
          // Ask the index for more subjects than wanted (some may lack consent), and again for more while it had more to give.
          for (let want = Math.max(4 * input.topK, 50); ; want *= 4) {
            const hits = this.index.search(gallery.id, purpose, capture.embedding, want, threshold);
            for (const hit of hits) {
              if (candidates.length === input.topK) break;
              if (seen.has(hit.subjectId)) continue;
              seen.add(hit.subjectId);
              if (!(await this.policy.permits(tx, caller.tenantId, caller.label, policy, hit.subjectId, "identify", purpose))) continue;
              candidates.push({ subjectId: hit.subjectId, rank: candidates.length + 1, score: hit.score, humanReviewRequired: hit.score < reviewThreshold });
            }
            if (candidates.length === input.topK || hits.length < want || want >= searchedTemplates) break;
          }
          const decision: IdentificationDecision = {
            id: decisionId,
            tenantId: caller.tenantId,
            galleryId: gallery.id,
            purpose,
            modelId: gallery.modelId,
            threshold,
            reviewThreshold,
            candidates,
            actor: caller.label,
            createdAt: this.clock.now(),
          };
          await tx.identifications.create(decision);
          audit.record({ ...ctx, purpose, outcome: "SUCCESS", reason: candidates.length > 0 ? "MATCH" : "NO_MATCH" });
          return { decisionId, match: candidates.length > 0, candidates, threshold, reviewThreshold, modelId: gallery.modelId, face: capture.face, searchedTemplates };
        });
      } finally {
        capture.embedding.fill(0);
      }
    });
  }
}
