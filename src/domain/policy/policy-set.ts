/**
 * The policy documents of a deployment, and the policy in force for each tenant: the
 * tenant's own document if there is one, otherwise the platform default (`"tenant": "*"`);
 * deny rules of the default apply to every tenant on top of the tenant's own.
 */
import type { EffectivePolicy, PolicyDocument } from "./policy.js";

export class PolicySet {
  private readonly byTenant = new Map<string, PolicyDocument>();
  private readonly fallback: PolicyDocument | undefined;

  /** Throws listing every problem when two documents claim the same tenant. */
  constructor(readonly documents: readonly PolicyDocument[]) {
    const problems: string[] = [];
    for (const d of documents) {
      const other = this.byTenant.get(d.tenant);
      if (other) problems.push(`${d.source}: tenant ${JSON.stringify(d.tenant)} is already governed by ${other.source}`);
      else this.byTenant.set(d.tenant, d);
    }
    if (problems.length > 0) throw new PolicySetError(problems);
    this.fallback = this.byTenant.get("*");
  }

  /** The policy for a tenant, or null when neither it nor a default is declared (everything is then denied). */
  forTenant(tenantName: string): EffectivePolicy | null {
    const own = this.byTenant.get(tenantName);
    const doc = own ?? this.fallback;
    if (!doc) return null;
    const platformDeny = own && this.fallback ? this.fallback.deny : [];
    return {
      version: own && this.fallback ? `${own.version}+${this.fallback.version}` : doc.version,
      tenant: tenantName,
      requireDpiaReference: doc.requireDpiaReference,
      requireFallback: doc.requireFallback,
      purposes: doc.purposes,
      deny: [...doc.deny, ...platformDeny],
    };
  }
}

export class PolicySetError extends Error {
  override name = "PolicySetError";
  constructor(readonly problems: string[]) {
    super(`invalid policies:\n  - ${problems.join("\n  - ")}`);
  }
}
