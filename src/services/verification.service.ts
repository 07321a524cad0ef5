/**
 * 1:1 verification: is the face in this photo the subject's, for this purpose? The probe
 * is compared with the subject's templates enrolled for the same purpose, and embedded with
 * their model (the server's current one, or an older one the subject has not yet moved
 * from: see SubjectMatcher.templatesFor); the
 * decision (score, threshold, match) is recorded with its audit event and its id
 * returned to the caller. As with enrollment, the policy decides before the image is
 * processed and again in the transaction that records the decision; the threshold is the
 * model's, raised to the purpose's floor when the policy sets one; a match extends the
 * matching template's retention (last use + the purpose's unused limit, never past its
 * maximum). The capture's quality is reported (and gated when the policy says so);
 * passive liveness and a passed active-liveness session are required where the policy
 * says so, and a session given is consumed before the image is read, whatever the outcome.
 */
import type { Clock, IdGenerator } from "../domain/clock.port.js";
import { checkPurposeFilter, validatePurpose } from "../domain/consent.js";
import { wipeCapture, type DetectedFace, type FaceEngine, type ImageSource } from "../domain/face-engine.port.js";
import type { Store } from "../domain/repositories.port.js";
import type { Actor } from "../domain/tenant.js";
import type { VerificationDecision, VerificationFilter } from "../domain/verification.js";
import type { Page, PageRequest } from "../domain/pagination.js";
import { DomainError } from "../domain/errors.js";
import type { OperationRunner } from "./operation.js";
import type { PolicyService } from "./policy.service.js";
import { retainUntil } from "../domain/retention.js";
import { checksFor, enforceCapture, type QualityReport } from "./capture-policy.js";
import type { LivenessService } from "./liveness.service.js";
import type { SubjectMatcher } from "./subject-match.js";

export interface VerifyInput {
  subjectId: string;
  purpose: string;
  image: ImageSource;
  /** A passed active-liveness session of this subject and purpose; consumed by this call. */
  livenessSessionId?: string | undefined;
}

export interface VerifyResult {
  decisionId: string;
  match: boolean;
  score: number;
  threshold: number;
  modelId: string;
  face: DetectedFace;
  /** How many of the subject's templates the probe was compared with. */
  comparedTemplates: number;
  quality: QualityReport;
  /** The passive live score, when the policy required it. */
  livenessScore: number | null;
  /** The active-liveness session consumed, if any. */
  livenessSessionId: string | null;
}

export class VerificationService {
  constructor(
    private readonly store: Store,
    private readonly ops: OperationRunner,
    private readonly policy: PolicyService,
    private readonly engine: FaceEngine,
    private readonly matcher: SubjectMatcher,
    private readonly liveness: LivenessService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  /** The tenant's verification decisions, newest first (scope audit:read; audited). */
  async list(actor: Actor, filter: VerificationFilter, page: PageRequest): Promise<Page<VerificationDecision>> {
    const check = checkPurposeFilter(filter);
    return this.ops.listPage(actor, { action: "LIST_VERIFICATIONS", scope: "audit:read" }, check, (tx, caller) => tx.verifications.list(caller.tenantId, filter, page));
  }

  async verify(actor: Actor, input: VerifyInput): Promise<VerifyResult> {
    const decisionId = this.ids.next("dec");
    return this.ops.use(actor, { action: "VERIFY_FACE", subjectId: input.subjectId, purpose: input.purpose, decisionId, scope: "faces:verify" }, async ({ caller, ctx }) => {
      const purpose = validatePurpose(input.purpose);
      const rule = await this.policy.authorize(this.store, caller, input.subjectId, "verify", purpose);
      const { modelId, templates } = await this.matcher.templatesFor(caller.tenantId, input.subjectId, purpose, this.engine.modelIds);
      if (input.livenessSessionId !== undefined) {
        await this.liveness.consume(caller, input.livenessSessionId, input.subjectId, purpose);
      } else if (rule.capture.activeLiveness.includes("verify")) {
        throw new DomainError("LIVENESS_FAILED", `verification for ${purpose} needs a passed active-liveness session`, { livenessFailures: ["SESSION_REQUIRED"] });
      }

      const capture = await this.engine.capture(await input.image(), "largest", checksFor(rule, "verify"), [modelId]);
      let result;
      let quality: QualityReport;
      try {
        quality = enforceCapture(rule, "verify", capture);
        result = await this.matcher.compare(caller.tenantId, input.subjectId, templates, capture.embedding, modelId, rule);
      } finally {
        wipeCapture(capture);
      }

      const decision: VerificationDecision = {
        id: decisionId,
        tenantId: caller.tenantId,
        subjectId: input.subjectId,
        purpose,
        modelId,
        score: result.score,
        threshold: result.threshold,
        match: result.match,
        actor: caller.label,
        createdAt: this.clock.now(),
      };
      await this.ops.transaction(async (tx, audit) => {
        const current = await this.policy.authorize(tx, caller, input.subjectId, "verify", purpose);
        await tx.verifications.create(decision);
        if (result.match) {
          const used = templates[result.best]!;
          await tx.templates.markUsed(caller.tenantId, used.id, decision.createdAt, retainUntil(current.retention, used.createdAt, decision.createdAt));
        }
        audit.record({ ...ctx, purpose, outcome: "SUCCESS", reason: result.match ? "MATCH" : "NO_MATCH" });
      });
      this.ops.telemetry.count("decisions", 1, { kind: "verify", outcome: result.match ? "match" : "no_match" });
      return {
        decisionId,
        match: result.match,
        score: result.score,
        threshold: result.threshold,
        modelId,
        face: capture.face,
        comparedTemplates: templates.length,
        quality,
        livenessScore: capture.liveness?.score ?? null,
        livenessSessionId: input.livenessSessionId ?? null,
      };
    });
  }
}
