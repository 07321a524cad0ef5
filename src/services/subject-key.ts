/**
 * The one way services use a subject's data key: fetch the wrapped key from the vault,
 * unwrap it, hand it to `use`, and destroy it afterwards whatever happens. A subject
 * whose key is gone (erased, or an erasure under way) has no readable templates.
 */
import { DomainError } from "../domain/errors.js";
import type { KeyVault } from "../domain/key-vault.port.js";
import type { DataKey, TemplateCrypto, WrappedDataKey } from "../domain/template-crypto.port.js";
import { noTelemetry, type Telemetry } from "../domain/telemetry.port.js";

export class SubjectKeys {
  constructor(
    private readonly vault: KeyVault,
    private readonly crypto: TemplateCrypto,
    private readonly telemetry: Telemetry = noTelemetry,
  ) {}

  /** Runs `use` with the unwrapped key; null (without calling it) when the subject has no key. */
  async tryWith<T>(tenantId: string, subjectId: string, use: (key: DataKey) => T | Promise<T>): Promise<T | null> {
    const wrapped = await this.fetch(tenantId, subjectId);
    return wrapped ? this.using(tenantId, subjectId, wrapped, use) : null;
  }

  /** As `tryWith`, but a missing key is TEMPLATE_UNREADABLE. */
  async with<T>(tenantId: string, subjectId: string, use: (key: DataKey) => T | Promise<T>): Promise<T> {
    const wrapped = await this.fetch(tenantId, subjectId);
    if (!wrapped) throw new DomainError("TEMPLATE_UNREADABLE", "the subject's templates cannot be read (the subject is being erased)");
    return this.using(tenantId, subjectId, wrapped, use);
  }

  /** The wrapped key from the vault (a span of its own: the vault is a dependency apart). */
  private fetch(tenantId: string, subjectId: string): Promise<WrappedDataKey | null> {
    return this.telemetry.span("keys.fetch", {}, () => this.vault.get(tenantId, subjectId));
  }

  private async using<T>(tenantId: string, subjectId: string, wrapped: WrappedDataKey, use: (key: DataKey) => T | Promise<T>): Promise<T> {
    const key = this.crypto.unwrapDataKey(tenantId, subjectId, wrapped);
    try {
      return await use(key);
    } finally {
      key.destroy();
    }
  }
}
