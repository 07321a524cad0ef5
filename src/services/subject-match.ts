/**
 * Comparing a probe embedding with one subject's templates for a purpose: the templates
 * are decrypted with the subject's data key only for the comparison and wiped after it;
 * the threshold is the model's (from the strictest target FMR among the galleries holding
 * the templates), raised to the purpose's floor. Shared by verification and active
 * liveness (which checks that the person in the frames is the subject).
 */
import { DomainError } from "../domain/errors.js";
import type { SubjectKeys } from "./subject-key.js";
import { verifyAgainst, type MatchResult } from "../domain/matching/decide.js";
import type { PurposePolicy } from "../domain/policy/policy.js";
import type { Store } from "../domain/repositories.port.js";
import type { StoredTemplate } from "../domain/template.js";
import type { TemplateCrypto } from "../domain/template-crypto.port.js";
import type { MatchThresholds } from "./match-thresholds.js";

export interface SubjectMatch extends MatchResult {
  threshold: number;
}

export class SubjectMatcher {
  constructor(
    private readonly store: Store,
    private readonly crypto: TemplateCrypto,
    private readonly keys: SubjectKeys,
    private readonly thresholds: MatchThresholds,
  ) {}

  /**
   * The subject's templates for the purpose, of the first of `modelIds` (the models this
   * server has loaded, its current one first) the subject has any for: a subject enrolled
   * before the default model changed is verified with the model of its templates, until it
   * re-enrolls. NO_TEMPLATES when there are none.
   */
  async templatesFor(tenantId: string, subjectId: string, purpose: string, modelIds: readonly string[]): Promise<{ modelId: string; templates: StoredTemplate[] }> {
    const all = await this.store.templates.listForMatching(tenantId, subjectId, purpose, modelIds);
    for (const modelId of modelIds) {
      const templates = all.filter((t) => t.modelId === modelId);
      if (templates.length > 0) return { modelId, templates };
    }
    throw new DomainError("NO_TEMPLATES", `the subject has no template enrolled for ${purpose} with a model this server loads (${modelIds.join(", ")})`);
  }

  /** Best score of the probe against the templates, and the decision at the threshold. */
  async compare(tenantId: string, subjectId: string, templates: readonly StoredTemplate[], probe: Float32Array, modelId: string, rule: PurposePolicy): Promise<SubjectMatch> {
    const galleries = await Promise.all([...new Set(templates.map((t) => t.galleryId))].map((id) => this.store.galleries.find(tenantId, id)));
    const rates = galleries.map((g) => g?.targetFmr ?? null).filter((r): r is number => r !== null);
    const threshold = Math.max(this.thresholds.verify(modelId, rates.length > 0 ? Math.min(...rates) : null), rule.minMatchThreshold ?? -1);
    const references: Float32Array[] = [];
    try {
      return await this.keys.with(tenantId, subjectId, (key) => {
        for (const t of templates) {
          try {
            references.push(this.crypto.open(key, t.ciphertext, { tenantId: t.tenantId, subjectId: t.subjectId, templateId: t.id, modelId: t.modelId }));
          } catch {
            throw new DomainError("TEMPLATE_UNREADABLE", "one of the subject's templates failed authentication (corrupted or altered); it must be deleted and the subject re-enrolled", { templateId: t.id });
          }
        }
        return { ...verifyAgainst(probe, references, threshold), threshold };
      });
    } finally {
      for (const r of references) r.fill(0);
    }
  }
}
