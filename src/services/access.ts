/** Checks every service makes first: who is calling, for which tenant, with which scope. */
import { DomainError } from "../domain/errors.js";
import { actorLabel, type Actor, type Scope } from "../domain/tenant.js";

export interface TenantCaller {
  tenantId: string;
  /** How the caller appears in audit events and decision records. */
  label: string;
}

/** The calling tenant; the platform admin acts on no tenant's data. */
export function callerOf(actor: Actor): TenantCaller {
  if (actor.kind === "admin") throw new DomainError("SCOPE_REQUIRED", "this operation needs a tenant API key or a portal user");
  return { tenantId: actor.tenantId, label: actorLabel(actor) };
}

/** Throws FORBIDDEN / SCOPE_REQUIRED unless the actor is a tenant's key or user holding `scope`. */
export function requireScope(actor: Actor, scope: Scope): TenantCaller {
  const caller = callerOf(actor);
  if (actor.kind !== "admin" && !actor.scopes.includes(scope)) {
    const who = actor.kind === "user" ? `the role ${actor.role}` : "the API key";
    throw new DomainError("SCOPE_REQUIRED", `${who} lacks the scope ${scope}`, { scope });
  }
  return caller;
}

export function requireAdmin(actor: Actor | null): void {
  if (actor?.kind !== "admin") throw new DomainError("INVALID_ADMIN_TOKEN", "this operation needs the platform admin token");
}
