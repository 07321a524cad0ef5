/**
 * Attribute analysis (age, gender, expression, head pose) of a subject's face, only where
 * the policy permits the `attributes` operation for the purpose (deny rules included, e.g.
 * no emotion recognition at work or in education) and the subject's consent covers it.
 * The attributes are returned to the caller and never stored; the audit event records
 * that an analysis happened, not its results.
 */
import { validatePurpose } from "../domain/consent.js";
import type { FaceAttributes, FaceEngine, ImageSource } from "../domain/face-engine.port.js";
import type { Store } from "../domain/repositories.port.js";
import type { Actor } from "../domain/tenant.js";
import type { OperationRunner } from "./operation.js";
import { checksFor, enforceCapture, type QualityReport } from "./capture-policy.js";
import type { PolicyService } from "./policy.service.js";

export interface AnalyzeResult {
  attributes: FaceAttributes;
  quality: QualityReport;
}

export class AnalysisService {
  constructor(
    private readonly store: Store,
    private readonly ops: OperationRunner,
    private readonly policy: PolicyService,
    private readonly engine: FaceEngine,
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
}
