/**
 * Publishing privacy notices (scope compliance:write, audited) and listing them (scope
 * compliance:read). A published version and language is never changed: a new text is a
 * new version. Consents refer to them (src/domain/privacy-notice.ts, consent.service.ts).
 */
import type { Clock, IdGenerator } from "../domain/clock.port.js";
import { DomainError } from "../domain/errors.js";
import { noticeHash, noticeProblems, type PrivacyNotice } from "../domain/privacy-notice.js";
import type { Store } from "../domain/repositories.port.js";
import type { Actor } from "../domain/tenant.js";
import { requireScope } from "./access.js";
import type { OperationRunner } from "./operation.js";

export interface NewNotice {
  version: string;
  language: string;
  text: string;
  effectiveFrom: Date;
}

export class PrivacyNoticeService {
  constructor(
    private readonly store: Store,
    private readonly ops: OperationRunner,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async publish(actor: Actor, input: NewNotice): Promise<PrivacyNotice> {
    const id = this.ids.next("ntc");
    return this.ops.use(actor, { action: "PUBLISH_NOTICE", scope: "compliance:write", targetId: id }, async ({ caller, ctx }) => {
      const version = input.version.trim();
      const problems = noticeProblems({ ...input, version });
      if (problems.length > 0) throw new DomainError("INVALID_INPUT", problems.join("; "));
      const notice: PrivacyNotice = { id, tenantId: caller.tenantId, version, language: input.language, text: input.text, textHash: noticeHash(input.text), effectiveFrom: input.effectiveFrom, createdAt: this.clock.now() };
      return this.ops.transaction(async (tx, audit) => {
        if ((await tx.privacyNotices.listForVersion(caller.tenantId, version)).some((n) => n.language === notice.language)) {
          throw new DomainError("ALREADY_EXISTS", `privacy notice ${version} is already published in ${notice.language}; publish a new version to change it`);
        }
        await tx.privacyNotices.create(notice);
        audit.record({ ...ctx, outcome: "SUCCESS", reason: `${version} ${notice.language}` });
        return notice;
      });
    });
  }

  async list(actor: Actor): Promise<PrivacyNotice[]> {
    const { tenantId } = requireScope(actor, "compliance:read");
    return this.store.privacyNotices.listForTenant(tenantId);
  }
}
