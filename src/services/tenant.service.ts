/**
 * Tenants and API keys: the platform admin creates a tenant and its first key; every
 * request presents a key, which is checked here (its record read through ApiKeyCache).
 * Keys look like `key_<id>.<secret>`; only the SHA-256 of the secret is stored, and the
 * full key is shown once.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { Clock, IdGenerator } from "../domain/clock.port.js";
import { DomainError } from "../domain/errors.js";
import type { Store } from "../domain/repositories.port.js";
import { SCOPES, apiKeyUsable, isScope, type Actor, type Scope, type Tenant } from "../domain/tenant.js";
import { hashSecret, newApiKey } from "./api-key.service.js";
import { requireAdmin } from "./access.js";
import type { OperationRunner } from "./operation.js";
import type { ApiKeyCache } from "./api-key-cache.js";

export interface CreatedTenant {
  tenant: Tenant;
  /** The full API key. Returned once; it cannot be recovered later. */
  apiKey: string;
  apiKeyId: string;
  scopes: Scope[];
}



export class TenantService {
  constructor(
    private readonly store: Store,
    private readonly ops: OperationRunner,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly adminToken: string,
    private readonly keys: ApiKeyCache,
  ) {}

  async createTenant(actor: Actor | null, name: string, scopes: readonly string[] = SCOPES): Promise<CreatedTenant> {
    requireAdmin(actor);
    const trimmed = name.trim();
    if (trimmed.length < 1 || trimmed.length > 100) throw new DomainError("INVALID_INPUT", "tenant name must be 1 to 100 characters");
    const bad = scopes.filter((s) => !isScope(s));
    if (bad.length > 0) throw new DomainError("INVALID_INPUT", `unknown scopes: ${bad.join(", ")} (known: ${SCOPES.join(", ")})`);
    if (await this.store.tenants.findByName(trimmed)) throw new DomainError("ALREADY_EXISTS", "a tenant with this name exists");

    const now = this.clock.now();
    const tenant: Tenant = { id: this.ids.next("ten"), name: trimmed, kekVersion: 1, createdAt: now };
    const granted = scopes as Scope[];
    const made = newApiKey(this.ids, tenant.id, "initial", granted, now);
    const apiKeyId = made.record.id;
    await this.ops.transaction(async (tx, audit) => {
      await tx.tenants.create(tenant);
      await tx.apiKeys.create(made.record);
      audit.record({ tenantId: tenant.id, actor: "admin", action: "CREATE_TENANT", outcome: "SUCCESS", targetId: tenant.id });
      audit.record({ tenantId: tenant.id, actor: "admin", action: "CREATE_API_KEY", outcome: "SUCCESS", targetId: apiKeyId });
    });
    return { tenant, apiKey: made.apiKey, apiKeyId, scopes: granted };
  }

  /** The actor for a presented API key; UNAUTHENTICATED when it is unknown, wrong or revoked. */
  async authenticateApiKey(presented: string): Promise<Actor> {
    const invalid = new DomainError("INVALID_API_KEY", "the API key is not valid");
    const dot = presented.lastIndexOf(".");
    if (dot <= 0) throw invalid;
    const record = await this.keys.find(presented.slice(0, dot), (id) => this.store.apiKeys.findById(id));
    if (!record || !apiKeyUsable(record, this.clock.now())) throw invalid;
    const given = Buffer.from(hashSecret(presented.slice(dot + 1)), "hex");
    const stored = Buffer.from(record.secretHash, "hex");
    if (given.length !== stored.length || !timingSafeEqual(given, stored)) throw invalid;
    return { kind: "apiKey", tenantId: record.tenantId, apiKeyId: record.id, scopes: record.scopes };
  }

  authenticateAdmin(presented: string): Actor {
    const a = createHash("sha256").update(presented).digest();
    const b = createHash("sha256").update(this.adminToken).digest();
    if (!timingSafeEqual(a, b)) throw new DomainError("INVALID_ADMIN_TOKEN", "the admin token is not valid");
    return { kind: "admin" };
  }
}
