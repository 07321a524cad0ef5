/** Tenants (partner organisations) and their API keys. */

export interface Tenant {
  id: string;
  name: string;
  /** Version of the tenant key-encryption key used to wrap new data keys. */
  kekVersion: number;
  createdAt: Date;
}

/** What an API key may do. A key carries a subset; resolvers' services check them. */
export const SCOPES = [
  "subjects:read",
  "subjects:write",
  "consents:write",
  "galleries:write",
  "faces:enroll",
  "faces:verify",
  "faces:identify",
  "faces:analyze",
  "audit:read",
  "compliance:read",
  "compliance:write",
  "keys:manage",
  "users:manage",
] as const;
export type Scope = (typeof SCOPES)[number];

export function isScope(s: string): s is Scope {
  return (SCOPES as readonly string[]).includes(s);
}

export interface ApiKeyRecord {
  /** Public id: the part of the key before the secret. */
  id: string;
  tenantId: string;
  name: string;
  /** Hex SHA-256 of the secret. */
  secretHash: string;
  scopes: Scope[];
  createdAt: Date;
  revokedAt: Date | null;
  /** After a rotation, the end of the old key's grace period. */
  expiresAt: Date | null;
}

/** Whether the key may be used at `now`. */
export function apiKeyUsable(k: Pick<ApiKeyRecord, "revokedAt" | "expiresAt">, now: Date): boolean {
  return k.revokedAt === null && (k.expiresAt === null || k.expiresAt.getTime() > now.getTime());
}

/**
 * Who is calling: a tenant's API key, a person signed in to the portal (with their role's
 * scopes, src/domain/portal-user.ts), or the platform administrator.
 */
export type Actor =
  | { kind: "apiKey"; tenantId: string; apiKeyId: string; scopes: readonly Scope[] }
  | { kind: "user"; tenantId: string; userId: string; role: string; scopes: readonly Scope[] }
  | { kind: "admin" };

/** An actor acting for one tenant. */
export type TenantActor = Exclude<Actor, { kind: "admin" }>;

/** The actor as it is written in audit events and decision records (no secrets). */
export function actorLabel(actor: Actor): string {
  return actor.kind === "admin" ? "admin" : actor.kind === "user" ? `user:${actor.userId}` : `apikey:${actor.apiKeyId}`;
}
