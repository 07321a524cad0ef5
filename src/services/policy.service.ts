/**
 * Applies the policy engine: every biometric operation asks `authorize`, which gathers
 * what the decision needs (tenant, subject, consents) through the caller's repositories
 * (so inside its transaction when there is one), decides, logs the decision with the
 * subject masked, and throws FORBIDDEN with the policy's reason on deny.
 */
import { createHash } from "node:crypto";
import type { Clock } from "../domain/clock.port.js";
import { DomainError } from "../domain/errors.js";
import { decide, decidePurpose, type PolicyDecision, type PurposeDecision } from "../domain/policy/policy-decide.js";
import type { PolicySet } from "../domain/policy/policy-set.js";
import type { EffectivePolicy, Operation, PurposePolicy } from "../domain/policy/policy.js";
import type { Repositories } from "../domain/repositories.port.js";
import type { Subject } from "../domain/subject.js";
import type { Consent } from "../domain/consent.js";
import type { Logger } from "../observability/logger.js";
import type { TenantCaller } from "./access.js";
import { findSubjectWithConsentsOrThrow } from "./subject.service.js";
import { noTelemetry, type Telemetry } from "../domain/telemetry.port.js";

/** A stable, non-reversible stand-in for a subject id in logs. */
export function maskSubject(subjectId: string): string {
  return `sub#${createHash("sha256").update(subjectId).digest("hex").slice(0, 10)}`;
}

const NOTHING_DECLARED: EffectivePolicy = {
  version: "none",
  tenant: "",
  requireDpiaReference: false,
  requireFallback: false,
  purposes: new Map(),
  deny: [],
};

export class PolicyService {
  private readonly tenantNames = new Map<string, string>();

  constructor(
    readonly policies: PolicySet,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly telemetry: Telemetry = noTelemetry,
  ) {}

  /** The policy in force for a tenant (an empty one, denying everything, when none is declared). */
  forTenant(tenantName: string): EffectivePolicy {
    return this.policies.forTenant(tenantName) ?? { ...NOTHING_DECLARED, tenant: tenantName };
  }

  async policyOf(repos: Repositories, tenantId: string): Promise<EffectivePolicy> {
    // A tenant's name (which picks its policy file) never changes: read it once.
    let name = this.tenantNames.get(tenantId);
    if (name === undefined) {
      const tenant = await repos.tenants.findById(tenantId);
      if (!tenant) throw new DomainError("INVALID_API_KEY", "the tenant no longer exists");
      name = tenant.name;
      this.tenantNames.set(tenantId, name);
    }
    return this.forTenant(name);
  }

  /** The purpose's rules, or FORBIDDEN / PURPOSE_NOT_DECLARED. */
  async purposeOf(repos: Repositories, tenantId: string, purpose: string): Promise<PurposePolicy> {
    const policy = await this.policyOf(repos, tenantId);
    const rule = policy.purposes.get(purpose);
    if (!rule) throw new DomainError("PURPOSE_NOT_DECLARED", `the purpose ${purpose} is not declared in policy ${policy.version}`, { policyVersion: policy.version });
    return rule;
  }

  /** Purpose-level rules only (1:N asks this before searching); throws on deny. */
  async authorizePurpose(repos: Repositories, caller: TenantCaller, operation: Operation, purpose: string): Promise<PurposePolicy> {
    const policy = await this.policyOf(repos, caller.tenantId);
    return this.enforce(decidePurpose(policy, operation, purpose), caller, null, operation, purpose);
  }

  /** Whether the operation is permitted for this subject (no throw, no log: 1:N filters candidates with it). */
  async permits(repos: Repositories, tenantId: string, actorLabel: string, policy: EffectivePolicy, subjectId: string, operation: Operation, purpose: string): Promise<boolean> {
    const found = await repos.subjects.findWithConsents(tenantId, subjectId);
    if (!found) return false;
    return this.decideFor(actorLabel, policy, found.subject, found.consents, operation, purpose).effect === "permit";
  }

  /** Permit → the purpose's rules; deny → throws with the first reason (all of them in `reasons`). */
  async authorize(repos: Repositories, caller: TenantCaller, subjectId: string, operation: Operation, purpose: string): Promise<PurposePolicy> {
    return this.telemetry.span("policy.decide", { "face_id.policy.operation": operation, "face_id.policy.purpose": purpose }, async () => {
      const policy = await this.policyOf(repos, caller.tenantId);
      const { subject, consents } = await findSubjectWithConsentsOrThrow(repos, caller.tenantId, subjectId);
      const decision = this.decideFor(caller.label, policy, subject, consents, operation, purpose);
      return this.enforce(decision, caller, subjectId, operation, purpose);
    });
  }

  private decideFor(actorLabel: string, policy: EffectivePolicy, subject: Subject, consents: Consent[], operation: Operation, purpose: string): PolicyDecision {
    return decide({
      actor: actorLabel,
      policy,
      subject: { id: subject.id, legalHold: subject.legalHoldSince !== null, restricted: subject.restrictedSince !== null, dateOfBirth: subject.dateOfBirth, consents },
      operation,
      purpose,
      now: this.clock.now(),
    });
  }

  /** Logs the decision (subject masked) and throws FORBIDDEN with the policy's reasons on deny. */
  private enforce(decision: PolicyDecision | PurposeDecision, caller: TenantCaller, subjectId: string | null, operation: Operation, purpose: string): PurposePolicy {
    this.log.info("policy decision", {
      tenantId: caller.tenantId,
      actor: caller.label,
      ...(subjectId === null ? {} : { subject: maskSubject(subjectId) }),
      operation,
      purpose,
      effect: decision.effect,
      policyVersion: decision.policyVersion,
      ...(decision.effect === "deny" ? { reasons: decision.reasons } : {}),
    });
    if (decision.effect === "deny") {
      throw new DomainError(decision.reason, decision.explanation, { reasons: decision.reasons.join(","), policyVersion: decision.policyVersion });
    }
    return decision.purpose;
  }
}
