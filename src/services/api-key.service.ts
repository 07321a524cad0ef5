/**
 * API key management for a tenant (scope `keys:manage`): create a key with a subset of
 * the caller's own scopes, list keys (metadata only: never a secret or its hash), revoke
 * one at once, or rotate one (a new key with the same name and scopes; the old one keeps
 * working for a grace period). Every change is audited. Keys look like `key_<id>.<secret>`;
 * only the SHA-256 of the secret is stored and the full key is shown once.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Clock, IdGenerator } from "../domain/clock.port.js";
import { DomainError } from "../domain/errors.js";
import type { Store } from "../domain/repositories.port.js";
import { isScope, type Actor, type ApiKeyRecord, type Scope } from "../domain/tenant.js";
import { requireScope } from "./access.js";
import type { OperationRunner } from "./operation.js";
import type { ApiKeyCache } from "./api-key-cache.js";

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** A new key: the record to store and the full key to show once. */
export function newApiKey(ids: IdGenerator, tenantId: string, name: string, scopes: readonly Scope[], now: Date): { record: ApiKeyRecord; apiKey: string } {
  const id = ids.next("key");
  const secret = randomBytes(32).toString("base64url");
  return { record: { id, tenantId, name, secretHash: hashSecret(secret), scopes: [...scopes], createdAt: now, revokedAt: null, expiresAt: null }, apiKey: `${id}.${secret}` };
}

export type ApiKeyView = Omit<ApiKeyRecord, "secretHash">;
const view = ({ secretHash: _hidden, ...k }: ApiKeyRecord): ApiKeyView => k;

/** Longest grace period of a rotated key. */
export const MAX_GRACE_SECONDS = 30 * 86_400;

export class ApiKeyService {
  constructor(
    private readonly store: Store,
    private readonly ops: OperationRunner,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly keys: ApiKeyCache,
  ) {}

  async create(actor: Actor, name: string, scopes: readonly string[]): Promise<{ key: ApiKeyView; apiKey: string }> {
    return this.ops.use(actor, { action: "CREATE_API_KEY", scope: "keys:manage" }, async ({ caller, ctx }) => {
      const trimmed = name.trim();
      if (trimmed.length < 1 || trimmed.length > 100) throw new DomainError("INVALID_INPUT", "a key name must be 1 to 100 characters");
      const unknown = scopes.filter((s) => !isScope(s));
      if (unknown.length > 0 || scopes.length === 0) throw new DomainError("INVALID_INPUT", unknown.length > 0 ? `unknown scopes: ${unknown.join(", ")}` : "a key needs at least one scope");
      // No key can do more than the key that made it.
      const beyond = scopes.filter((s) => actor.kind !== "admin" && !actor.scopes.includes(s as Scope));
      if (beyond.length > 0) throw new DomainError("SCOPE_REQUIRED", `the calling key lacks ${beyond.join(", ")}, so it cannot grant it`, { scope: beyond[0]! });
      const made = newApiKey(this.ids, caller.tenantId, trimmed, [...new Set(scopes)] as Scope[], this.clock.now());
      await this.ops.transaction(async (tx, audit) => {
        await tx.apiKeys.create(made.record);
        audit.record({ ...ctx, outcome: "SUCCESS", targetId: made.record.id, reason: made.record.scopes.join(" ") });
      });
      return { key: view(made.record), apiKey: made.apiKey };
    });
  }

  async list(actor: Actor): Promise<ApiKeyView[]> {
    const { tenantId } = requireScope(actor, "keys:manage");
    return (await this.store.apiKeys.listForTenant(tenantId)).map(view);
  }

  async revoke(actor: Actor, keyId: string): Promise<ApiKeyView> {
    return this.ops.use(actor, { action: "REVOKE_API_KEY", scope: "keys:manage", targetId: keyId }, async ({ caller, ctx }) => {
      const revoked = await this.ops.transaction(async (tx, audit) => {
        const key = await this.findOrThrow(tx.apiKeys, caller.tenantId, keyId);
        const now = this.clock.now();
        if (key.revokedAt === null) await tx.apiKeys.revoke(caller.tenantId, keyId, now);
        audit.record({ ...ctx, outcome: "SUCCESS" });
        return view({ ...key, revokedAt: key.revokedAt ?? now });
      });
      this.keys.forget(keyId);
      return revoked;
    });
  }

  /** A new key with the old one's name and scopes; the old one works for `graceSeconds` more, then not at all. */
  async rotate(actor: Actor, keyId: string, graceSeconds: number): Promise<{ key: ApiKeyView; apiKey: string; previous: ApiKeyView }> {
    return this.ops.use(actor, { action: "ROTATE_API_KEY", targetId: keyId, scope: "keys:manage" }, async ({ caller, ctx }) => {
      if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > MAX_GRACE_SECONDS) {
        throw new DomainError("INVALID_INPUT", `graceSeconds must be a whole number from 0 to ${MAX_GRACE_SECONDS}`);
      }
      const rotated = await this.ops.transaction(async (tx, audit) => {
        const old = await this.findOrThrow(tx.apiKeys, caller.tenantId, keyId);
        if (old.revokedAt !== null) throw new DomainError("REQUEST_STATE", "a revoked key cannot be rotated");
        const now = this.clock.now();
        const made = newApiKey(this.ids, caller.tenantId, old.name, old.scopes, now);
        const graceEnds = new Date(now.getTime() + graceSeconds * 1000);
        const expiresAt = old.expiresAt && old.expiresAt < graceEnds ? old.expiresAt : graceEnds;
        await tx.apiKeys.create(made.record);
        await tx.apiKeys.expire(caller.tenantId, keyId, expiresAt);
        audit.record({ ...ctx, outcome: "SUCCESS", reason: `new key ${made.record.id}, grace ${graceSeconds} s` });
        return { key: view(made.record), apiKey: made.apiKey, previous: view({ ...old, expiresAt }) };
      });
      this.keys.forget(keyId);
      return rotated;
    });
  }

  private async findOrThrow(repo: Store["apiKeys"], tenantId: string, id: string): Promise<ApiKeyRecord> {
    const key = await repo.findById(id);
    if (!key || key.tenantId !== tenantId) throw new DomainError("API_KEY_NOT_FOUND", "no such API key");
    return key;
  }
}
