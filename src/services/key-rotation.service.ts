/**
 * Tenant key rotation: the tenant's key-encryption key moves to the next version at once
 * (new subjects are wrapped under it), and the `keys.rotate` job re-wraps every existing
 * data key from its old version to the new one, in batches, with a compare-and-set per
 * key. Template ciphertexts are never touched (they are sealed under the data keys, which
 * do not change). Interrupted at any point, every key is still readable (each records the
 * version that wraps it) and running the job again finishes the work.
 */
import { DomainError } from "../domain/errors.js";
import type { KeyVault } from "../domain/key-vault.port.js";
import type { Store } from "../domain/repositories.port.js";
import type { TemplateCrypto } from "../domain/template-crypto.port.js";
import type { Actor } from "../domain/tenant.js";
import { requireScope } from "./access.js";
import type { OperationRunner } from "./operation.js";

export interface RotationStatus {
  tenantId: string;
  currentVersion: number;
  /** Data keys still wrapped under older versions. */
  pending: number;
  keysByVersion: { version: number; keys: number }[];
}

export class KeyRotationService {
  constructor(
    private readonly store: Store,
    private readonly ops: OperationRunner,
    private readonly vault: KeyVault,
    private readonly crypto: TemplateCrypto,
    private readonly batchSize = 100,
  ) {}

  /** Moves the tenant to the next key version and queues the re-wrapping job. */
  async rotate(actor: Actor): Promise<RotationStatus> {
    return this.ops.use(actor, { action: "ROTATE_TENANT_KEY", scope: "compliance:write" }, async ({ caller, ctx }) => {
      await this.advanceVersion(caller.tenantId, caller.label, { queueJob: true });
      return this.status(caller.tenantId);
    });
  }

  /**
   * Moves the tenant to the next key version (audited); new data keys are wrapped under it
   * at once. With `queueJob`, the re-wrapping job is queued in the same transaction
   * (without it, as after a crash before the job ran, the sweep resumes the rotation).
   */
  async advanceVersion(tenantId: string, actorLabel: string, opts: { queueJob: boolean } = { queueJob: false }): Promise<number> {
    return this.ops.transaction(async (tx, audit, outbox) => {
      const tenant = await tx.tenants.findById(tenantId);
      if (!tenant) throw new DomainError("INVALID_API_KEY", "the tenant no longer exists");
      const next = tenant.kekVersion + 1;
      await tx.tenants.setKekVersion(tenantId, next);
      if (opts.queueJob) outbox.enqueue("keys.rotate", { tenantId }, `keys-rotate-${tenantId}-v${next}`);
      audit.record({ tenantId, actor: actorLabel, action: "ROTATE_TENANT_KEY", outcome: "SUCCESS", reason: `v${tenant.kekVersion}->v${next}` });
      return next;
    });
  }

  /**
   * The job: re-wraps stale keys until none is left, or until `maxKeys` have been done
   * (tests use it to stop half-way). Returns how many keys it re-wrapped.
   */
  async run(tenantId: string, maxKeys = Number.POSITIVE_INFINITY): Promise<number> {
    const tenant = await this.store.tenants.findById(tenantId);
    if (!tenant) return 0;
    let done = 0;
    while (done < maxKeys) {
      const stale = await this.vault.listStale(tenantId, tenant.kekVersion, Math.min(this.batchSize, maxKeys - done));
      if (stale.length === 0) break;
      for (const key of stale) {
        const rewrapped = this.crypto.rewrapDataKey(tenantId, key.subjectId, key, tenant.kekVersion);
        if (await this.vault.rewrap(tenantId, key.subjectId, key.kekVersion, rewrapped)) {
          done++;
          this.ops.telemetry.count("keysRewrapped", 1);
        }
      }
    }
    return done;
  }

  /** Finishes every tenant's rotation that was interrupted (the job lost or killed): at start and by the sweep. Returns keys re-wrapped. */
  async resumeAll(): Promise<number> {
    let done = 0;
    for (const tenant of await this.store.tenants.list()) {
      if ((await this.status(tenant.id)).pending > 0) done += await this.run(tenant.id);
    }
    return done;
  }

  async status(tenantId: string): Promise<RotationStatus> {
    const tenant = await this.store.tenants.findById(tenantId);
    if (!tenant) throw new DomainError("INVALID_API_KEY", "the tenant no longer exists");
    const counts = await this.vault.countByVersion(tenantId);
    const keysByVersion = [...counts].map(([version, keys]) => ({ version, keys })).sort((a, b) => a.version - b.version);
    return {
      tenantId,
      currentVersion: tenant.kekVersion,
      pending: keysByVersion.filter((k) => k.version < tenant.kekVersion).reduce((a, k) => a + k.keys, 0),
      keysByVersion,
    };
  }

  async statusFor(actor: Actor): Promise<RotationStatus> {
    const { tenantId } = requireScope(actor, "compliance:read");
    return this.status(tenantId);
  }
}
