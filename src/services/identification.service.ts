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
import { DomainError, isDomainError } from "../domain/errors.js";
import { checkMaxFaces, wipeCapture, wipeProcessing, type DetectedFace, type FaceEngine, type ImageSource } from "../domain/face-engine.port.js";
import type { Gallery } from "../domain/gallery.js";
import type { IdentificationCandidate, IdentificationDecision, IdentificationFilter, IdentificationSummary } from "../domain/identification.js";
import type { Page, PageRequest } from "../domain/pagination.js";
import type { PurposePolicy } from "../domain/policy/policy.js";
import type { Repositories, Store } from "../domain/repositories.port.js";
import type { TenantCaller } from "./access.js";
import type { Actor } from "../domain/tenant.js";
import type { OperationRunner } from "./operation.js";
import type { AuditContext, AuditRecorder } from "./audit.service.js";
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

export interface IdentifyFacesInput {
  galleryId: string;
  purpose: string;
  image: ImageSource;
  topK: number;
  /** At most this many faces (the largest) are identified. */
  maxFaces: number;
}

/** One face of a group photo and its own decision. */
export interface IdentifiedFace {
  /** Null when the face was not searched (see `refusal`). */
  decisionId: string | null;
  face: DetectedFace;
  match: boolean;
  candidates: IdentificationCandidate[];
  /** Why the face was not searched: LOW_QUALITY or LIVENESS_FAILED under the purpose's policy. */
  refusal: string | null;
  qualityScore: number | null;
}

export interface IdentifyFacesResult {
  faces: IdentifiedFace[];
  /** Every face found (more than `faces` when maxFaces cut them). */
  faceCount: number;
  threshold: number;
  reviewThreshold: number;
  modelId: string;
  searchedTemplates: number;
}

export interface IdentifyResultCore {
  decisionId: string;
  match: boolean;
  candidates: IdentificationCandidate[];
  threshold: number;
}

/** One gallery searched by an identification, at its size's thresholds. */
export interface GallerySearch {
  gallery: Gallery;
  size: number;
  threshold: number;
  reviewThreshold: number;
}

/**
 * What one identification needs before the image is read: purpose, policy and the
 * galleries searched (the named one first, or the new gallery of a move first); the rest
 * is read off the first search.
 */
export class SearchPlan {
  constructor(
    readonly purpose: string,
    readonly named: Gallery,
    readonly rule: PurposePolicy,
    readonly searches: readonly GallerySearch[],
  ) {}

  /** Every probe is embedded with each of these (the searched galleries' models). */
  get models(): string[] {
    return this.searches.map((s) => s.gallery.modelId);
  }

  get modelId(): string {
    return this.searches[0]!.gallery.modelId;
  }

  get threshold(): number {
    return this.searches[0]!.threshold;
  }

  get reviewThreshold(): number {
    return this.searches[0]!.reviewThreshold;
  }

  get searchedTemplates(): number {
    return this.searches.reduce((n, s) => n + s.size, 0);
  }
}

export const MAX_TOP_K = 100;

function checkTopK(topK: number): void {
  if (!Number.isInteger(topK) || topK < 1 || topK > MAX_TOP_K) throw new DomainError("INVALID_INPUT", `topK must be from 1 to ${MAX_TOP_K}`);
}

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
      checkTopK(input.topK);
      const plan = await this.plan(caller, input.galleryId, input.purpose);
      const capture = await this.engine.capture(await input.image(), "largest", checksFor(plan.rule, "identify"), plan.models);
      try {
        enforceCapture(plan.rule, "identify", capture);
        const candidates = await this.ops.transaction((tx, audit) => this.decide(tx, audit, ctx, caller, plan, decisionId, capture.embeddings, input.topK));
        this.counted(candidates);
        return { decisionId, match: candidates.length > 0, candidates, threshold: plan.threshold, reviewThreshold: plan.reviewThreshold, modelId: plan.modelId, face: capture.face, searchedTemplates: plan.searchedTemplates };
      } finally {
        wipeCapture(capture);
      }
    });
  }

  /**
   * Every face of a group photo (the largest `maxFaces`), each identified on its own: its
   * own decision (id, candidates, threshold) recorded and audited. A face that fails the
   * purpose's quality gate or liveness requirement is reported with the reason and not
   * searched; the others still are. NO_FACE when the photo has none.
   */
  async identifyFaces(actor: Actor, input: IdentifyFacesInput): Promise<IdentifyFacesResult> {
    return this.ops.use(actor, { action: "IDENTIFY_FACES", purpose: input.purpose, targetId: input.galleryId, scope: "faces:identify" }, async ({ caller, ctx }) => {
      checkTopK(input.topK);
      checkMaxFaces(input.maxFaces);
      const plan = await this.plan(caller, input.galleryId, input.purpose);
      const seen = await this.engine.process(await input.image(), { faces: "all", maxFaces: input.maxFaces, checks: checksFor(plan.rule, "identify"), models: plan.models });
      try {
        if (seen.faces.length === 0) throw new DomainError("NO_FACE", "no face was found in the image");
        const inspected = seen.faces.map((f) => {
          try {
            return { face: f, quality: enforceCapture(plan.rule, "identify", f), refusal: null };
          } catch (e) {
            if (!isDomainError(e)) throw e;
            return { face: f, quality: null, refusal: e.reason };
          }
        });
        const faces = await this.ops.transaction(async (tx, audit) => {
          const out: IdentifiedFace[] = [];
          for (const { face, quality, refusal } of inspected) {
            if (refusal !== null) {
              out.push({ decisionId: null, face: face.face, match: false, candidates: [], refusal, qualityScore: null });
              continue;
            }
            const decisionId = this.ids.next("dec");
            const candidates = await this.decide(tx, audit, ctx, caller, plan, decisionId, face.embeddings, input.topK);
            out.push({ decisionId, face: face.face, match: candidates.length > 0, candidates, refusal: null, qualityScore: quality!.score });
          }
          if (out.every((f) => f.decisionId === null)) audit.record({ ...ctx, purpose: plan.purpose, outcome: "SUCCESS", reason: "NO_FACE_SEARCHED" });
          return out;
        });
        for (const f of faces) if (f.decisionId) this.counted(f.candidates);
        return { faces, faceCount: seen.faceCount, threshold: plan.threshold, reviewThreshold: plan.reviewThreshold, modelId: plan.modelId, searchedTemplates: plan.searchedTemplates };
      } finally {
        wipeProcessing(seen);
      }
    });
  }

  /**
   * One identification of a face embedded elsewhere (a stream's track, embedded with the
   * models `plan` named): the plan is made again (gallery size and policy as they are
   * now), then searched, recorded and audited like identifyFace's decision.
   */
  async identifyEmbedded(actor: Actor, input: { galleryId: string; purpose: string; embeddings: Record<string, Float32Array>; topK: number; action: string; targetId: string }): Promise<IdentifyResultCore> {
    const decisionId = this.ids.next("dec");
    return this.ops.use(actor, { action: input.action, purpose: input.purpose, decisionId, targetId: input.targetId, scope: "faces:identify" }, async ({ caller, ctx }) => {
      checkTopK(input.topK);
      const plan = await this.plan(caller, input.galleryId, input.purpose);
      for (const m of plan.models) if (!input.embeddings[m]) throw new DomainError("MODEL_MISMATCH", `the gallery is now searched with model ${m}; reopen the stream`);
      const candidates = await this.ops.transaction((tx, audit) => this.decide(tx, audit, ctx, caller, plan, decisionId, input.embeddings, input.topK));
      this.counted(candidates);
      return { decisionId, match: candidates.length > 0, candidates, threshold: plan.threshold };
    });
  }

  /** What one identification needs before the image is read: purpose, galleries, policy, thresholds (streams read its models). */
  async plan(caller: TenantCaller, galleryId: string, purposeName: string): Promise<SearchPlan> {
    const purpose = validatePurpose(purposeName);
    const named = await findGalleryOrThrow(this.store, caller.tenantId, galleryId);
    const galleries = await this.searchedGalleries(caller.tenantId, named, purpose);
    const rule = await this.policy.authorizePurpose(this.store, caller, "identify", purpose);
    const searches = galleries.map((g) => {
      const size = this.index.size(g.id, purpose);
      const { threshold, review } = this.thresholds.forGallery(g, size, rule.minMatchThreshold);
      return { gallery: g, size, threshold, reviewThreshold: review };
    });
    return new SearchPlan(purpose, named, rule, searches);
  }

  /**
   * One decision inside its transaction: the probe's candidates, the decision recorded and
   * its audit event (MATCH / NO_MATCH) written under `decisionId`.
   */
  private async decide(tx: Repositories, audit: AuditRecorder, ctx: AuditContext, caller: TenantCaller, plan: SearchPlan, decisionId: string, embeddings: Record<string, Float32Array>, topK: number): Promise<IdentificationCandidate[]> {
    const candidates = await this.candidates(tx, caller, plan, embeddings, topK);
    await tx.identifications.create(this.decision(decisionId, caller, plan, candidates));
    audit.record({ ...ctx, decisionId, purpose: plan.purpose, outcome: "SUCCESS", reason: candidates.length > 0 ? "MATCH" : "NO_MATCH" });
    return candidates;
  }

  /** Counts a committed decision for the operator's metrics. */
  private counted(candidates: readonly IdentificationCandidate[]): void {
    this.ops.telemetry.count("decisions", 1, { kind: "identify", outcome: candidates.length > 0 ? "match" : "no_match" });
  }

  /** The probe's candidates (best `topK` over the searched galleries), only subjects the policy permits. Inside the decision's transaction. */
  private async candidates(tx: Repositories, caller: TenantCaller, plan: SearchPlan, embeddings: Record<string, Float32Array>, topK: number): Promise<IdentificationCandidate[]> {
    const policy = await this.policy.policyOf(tx, caller.tenantId);
    const found: (IdentificationCandidate & { margin: number })[] = [];
    const seen = new Set<string>();
    for (const search of plan.searches) {
      const probe = embeddings[search.gallery.modelId]!;
      let taken = 0;
      // Ask the index for more subjects than wanted (some may lack consent), and again for more while it had more to give.
      for (let want = Math.max(4 * topK, 50); ; want *= 4) {
        const began = performance.now();
        const hits = await this.ops.telemetry.span("index.search", { "face_id.gallery": search.gallery.id }, async () => this.index.search(search.gallery.id, plan.purpose, probe, want, search.threshold));
        this.ops.telemetry.record("indexSearchDuration", (performance.now() - began) / 1000, { gallery: search.gallery.id });
        for (const hit of hits) {
          if (taken === topK) break;
          if (seen.has(hit.subjectId)) continue;
          seen.add(hit.subjectId);
          if (!(await this.policy.permits(tx, caller.tenantId, caller.label, policy, hit.subjectId, "identify", plan.purpose))) continue;
          taken++;
          found.push({ subjectId: hit.subjectId, rank: 0, score: hit.score, humanReviewRequired: hit.score < search.reviewThreshold, margin: hit.score - search.threshold });
        }
        if (taken === topK || hits.length < want || want >= search.size) break;
      }
    }
    return found
      .sort((a, b) => b.margin - a.margin)
      .slice(0, topK)
      .map(({ margin: _margin, ...c }, i) => ({ ...c, rank: i + 1 }));
  }

  private decision(id: string, caller: TenantCaller, plan: SearchPlan, candidates: IdentificationCandidate[]): IdentificationDecision {
    return {
      id,
      tenantId: caller.tenantId,
      galleryId: plan.named.id,
      purpose: plan.purpose,
      modelId: plan.modelId,
      threshold: plan.threshold,
      reviewThreshold: plan.reviewThreshold,
      candidates,
      actor: caller.label,
      createdAt: this.clock.now(),
    };
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
