/**
 * 1:1 verification: is the face in this photo the subject's, for this purpose? The probe
 * is compared with the subject's templates enrolled for the same purpose and model; the
 * decision (score, threshold, match) is recorded with its audit event and its id
 * returned to the caller. As with enrollment, the policy decides before the image is
 * processed and again in the transaction that records the decision; the threshold is the
 * model's, raised to the purpose's floor when the policy sets one; a match extends the
 * matching template's retention (last use + the purpose's unused limit, never past its
 * maximum).
 */
import type { Clock, IdGenerator } from "../domain/clock.port.js";
import { validatePurpose } from "../domain/consent.js";
import { DomainError } from "../domain/errors.js";
import type { DetectedFace, FaceEngine, ImageSource } from "../domain/face-engine.port.js";
import { verifyAgainst } from "../domain/matching/decide.js";
import type { Store } from "../domain/repositories.port.js";
import type { TemplateCrypto } from "../domain/template-crypto.port.js";
import type { Actor } from "../domain/tenant.js";
import type { VerificationDecision } from "../domain/verification.js";
import type { MatchThresholds } from "./match-thresholds.js";
import { callerOf, requireScope } from "./access.js";
import type { AuditService } from "./audit.service.js";
import type { PolicyService } from "./policy.service.js";
import type { KeyVault } from "../domain/key-vault.port.js";
import { retainUntil } from "../domain/retention.js";

export interface VerifyInput {
  subjectId: string;
  purpose: string;
  image: ImageSource;
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
}


export class VerificationService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditService,
    private readonly policy: PolicyService,
    private readonly engine: FaceEngine,
    private readonly crypto: TemplateCrypto,
    private readonly vault: KeyVault,
    private readonly thresholds: MatchThresholds,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async verify(actor: Actor, input: VerifyInput): Promise<VerifyResult> {
    const caller = callerOf(actor);
    const decisionId = this.ids.next("dec");
    const ctx = { tenantId: caller.tenantId, actor: caller.label, action: "VERIFY_FACE", subjectId: input.subjectId, purpose: input.purpose, decisionId };
    return this.audit.failuresOf(ctx, async () => {
      requireScope(actor, "faces:verify");
      const purpose = validatePurpose(input.purpose);
      const rule = await this.policy.authorize(this.store, caller, input.subjectId, "verify", purpose);
      const modelId = this.engine.modelId;
      const templates = await this.store.templates.listForMatching(caller.tenantId, input.subjectId, purpose, modelId);
      if (templates.length === 0) {
        throw new DomainError("NO_TEMPLATES", `the subject has no template enrolled for ${purpose} with model ${modelId}`);
      }

      const capture = await this.engine.capture(await input.image(), "largest");
      const wrapped = await this.vault.get(caller.tenantId, input.subjectId);
      if (!wrapped) throw new Error(`subject ${input.subjectId} has no data key`);
      const key = this.crypto.unwrapDataKey(caller.tenantId, input.subjectId, wrapped);
      const references: Float32Array[] = [];
      let result;
      // The strictest target FMR among the galleries holding the compared templates.
      const galleries = await Promise.all([...new Set(templates.map((t) => t.galleryId))].map((id) => this.store.galleries.find(caller.tenantId, id)));
      const rates = galleries.map((g) => g?.targetFmr ?? null).filter((r): r is number => r !== null);
      const threshold = Math.max(this.thresholds.verify(modelId, rates.length > 0 ? Math.min(...rates) : null), rule.minMatchThreshold ?? -1);
      try {
        for (const t of templates) {
          references.push(this.crypto.open(key, t.ciphertext, { tenantId: t.tenantId, subjectId: t.subjectId, templateId: t.id, modelId: t.modelId }));
        }
        result = verifyAgainst(capture.embedding, references, threshold);
      } finally {
        key.destroy();
        for (const r of references) r.fill(0);
        capture.embedding.fill(0);
      }

      const decision: VerificationDecision = {
        id: decisionId,
        tenantId: caller.tenantId,
        subjectId: input.subjectId,
        purpose,
        modelId,
        score: result.score,
        threshold,
        match: result.match,
        actor: caller.label,
        createdAt: this.clock.now(),
      };
      await this.store.transaction(async (tx) => {
        const current = await this.policy.authorize(tx, caller, input.subjectId, "verify", purpose);
        await tx.verifications.create(decision);
        if (result.match) {
          const used = templates[result.best]!;
          await tx.templates.markUsed(caller.tenantId, used.id, decision.createdAt, retainUntil(current.retention, used.createdAt, decision.createdAt));
        }
        await this.audit.append(tx, { ...ctx, purpose, outcome: "SUCCESS", reason: result.match ? "MATCH" : "NO_MATCH" });
      });
      return { decisionId, match: result.match, score: result.score, threshold, modelId, face: capture.face, comparedTemplates: templates.length };
    });
  }
}
