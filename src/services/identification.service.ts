/**
 * 1:N identification: who in this gallery, if anyone, is the face in this photo? The
 * policy must allow identification for the purpose; the probe is searched in the
 * gallery's matching index among templates enrolled for that purpose, and only subjects
 * whose own policy decision permits it (active covering consent, not under legal hold,
 * right kind of consent) may be returned. Candidates scoring between the threshold and
 * the high-risk floor carry humanReviewRequired. No candidate above the threshold is an
 * explicit no-match. Every identification is recorded with its candidates and audited.
 *
 * While a gallery is being moved to a new model (migrateGallery), the old gallery and the
 * one replacing it are searched together, whichever of the two is named: the probe is
 * embedded with both models, each gallery searched at its own threshold, and the
 * candidates merged by how far each clears its threshold (scores of two models are not
 * comparable as such). A subject is in one of the two at a time.
 */
import { checksFor, enforceCapture } from "./capture-policy.js";
import type { Clock, IdGenerator } from "../domain/clock.port.js";
import { checkPurposeFilter, validatePurpose } from "../domain/consent.js";
import { DomainError } from "../domain/errors.js";
import { wipeCapture, type DetectedFace, type FaceEngine, type ImageSource } from "../domain/face-engine.port.js";
import type { Gallery } from "../domain/gallery.js";
import type { IdentificationCandidate, IdentificationDecision, IdentificationFilter, IdentificationSummary } from "../domain/identification.js";
import type { Page, PageRequest } from "../domain/pagination.js";
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

  /** The tenant's identifications, newest first, without candidates or scores (scope audit:read; audited). */
  async list(actor: Actor, filter: IdentificationFilter, page: PageRequest): Promise<Page<IdentificationSummary>> {
    const check = checkPurposeFilter(filter);
    return this.ops.listPage(actor, { action: "LIST_IDENTIFICATIONS", scope: "audit:read" }, check, (tx, caller) => tx.identifications.list(caller.tenantId, filter, page));
  }

  async identify(actor: Actor, input: IdentifyInput): Promise<IdentifyResult> {
    const decisionId = this.ids.next("dec");
    return this.ops.use(actor, { action: "IDENTIFY_FACE", purpose: input.purpose, decisionId, targetId: input.galleryId, scope: "faces:identify" }, async ({ caller, ctx }) => {
      const purpose = validatePurpose(input.purpose);
      if (!Number.isInteger(input.topK) || input.topK < 1 || input.topK > MAX_TOP_K) throw new DomainError("INVALID_INPUT", `topK must be from 1 to ${MAX_TOP_K}`);
      const named = await findGalleryOrThrow(this.store, caller.tenantId, input.galleryId);
      const galleries = await this.searchedGalleries(caller.tenantId, named, purpose);
      const gallery = galleries[0]!;
      const rule = await this.policy.authorizePurpose(this.store, caller, "identify", purpose);
      const searches = galleries.map((g) => {
        const size = this.index.size(g.id, purpose);
        const base = this.thresholds.identify(g.modelId, g.targetFpir, size);
        const threshold = Math.max(base.threshold, rule.minMatchThreshold ?? -1);
        return { gallery: g, size, threshold, reviewThreshold: Math.max(threshold, base.review) };
      });
      const { threshold, reviewThreshold } = searches[0]!;
      const searchedTemplates = searches.reduce((n, s) => n + s.size, 0);

      const capture = await this.engine.capture(await input.image(), "largest", checksFor(rule, "identify"), galleries.map((g) => g.modelId));
      try {
        enforceCapture(rule, "identify", capture);
        const result = await this.ops.transaction(async (tx, audit) => {
          const policy = await this.policy.policyOf(tx, caller.tenantId);
          const found: (IdentificationCandidate & { margin: number })[] = [];
          const seen = new Set<string>();
          for (const search of searches) {
            const probe = capture.embeddings[search.gallery.modelId]!;
            let taken = 0;
            // Ask the index for more subjects than wanted (some may lack consent), and again for more while it had more to give.
            for (let want = Math.max(4 * input.topK, 50); ; want *= 4) {
              const began = performance.now();
              const hits = await this.ops.telemetry.span("index.search", { "face_id.gallery": search.gallery.id }, async () => this.index.search(search.gallery.id, purpose, probe, want, search.threshold));
              this.ops.telemetry.record("indexSearchDuration", (performance.now() - began) / 1000, { gallery: search.gallery.id });
              for (const hit of hits) {
                if (taken === input.topK) break;
                if (seen.has(hit.subjectId)) continue;
                seen.add(hit.subjectId);
                if (!(await this.policy.permits(tx, caller.tenantId, caller.label, policy, hit.subjectId, "identify", purpose))) continue;
                taken++;
                found.push({ subjectId: hit.subjectId, rank: 0, score: hit.score, humanReviewRequired: hit.score < search.reviewThreshold, margin: hit.score - search.threshold });
              }
              if (taken === input.topK || hits.length < want || want >= search.size) break;
            }
          }
          const candidates: IdentificationCandidate[] = found
            .sort((a, b) => b.margin - a.margin)
            .slice(0, input.topK)
            .map(({ margin: _margin, ...c }, i) => ({ ...c, rank: i + 1 }));
          const decision: IdentificationDecision = {
            id: decisionId,
            tenantId: caller.tenantId,
            galleryId: named.id,
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
        this.ops.telemetry.count("decisions", 1, { kind: "identify", outcome: result.match ? "match" : "no_match" });
        return result;
      } finally {
        wipeCapture(capture);
      }
    });
  }

  /**
   * The galleries one identification searches: the named one, or, while it is being moved
   * to a new model, the new gallery first and the old one after it.
   */
  private async searchedGalleries(tenantId: string, named: Gallery, purpose: string): Promise<Gallery[]> {
    const successor = await this.store.galleries.findSuccessor(tenantId, named.id);
    const predecessor = named.migratedFromId ? await this.store.galleries.find(tenantId, named.migratedFromId) : null;
    const pair = successor ? [successor, named] : predecessor ? [named, predecessor] : [named];
    // The old gallery drops out once it has nothing left for the purpose (its model may be unloaded by then).
    const galleries = pair.filter((g, i) => i === 0 || this.index.size(g.id, purpose) > 0);
    for (const g of galleries) {
      if (!this.engine.modelIds.includes(g.modelId)) {
        throw new DomainError("MODEL_MISMATCH", `gallery ${g.id} is pinned to model ${g.modelId}, which this server does not load (${this.engine.modelIds.join(", ")})`);
      }
    }
    return galleries;
  }
}
