/**
 * The one way services use a subject's data key: fetch the wrapped key from the vault,
 * unwrap it, hand it to `use`, and destroy it afterwards whatever happens. A subject
 * whose key is gone (erased, or an erasure under way) has no readable templates.
 */
import { DomainError } from "../domain/errors.js";
import type { KeyVault } from "../domain/key-vault.port.js";
import type { DataKey, TemplateCrypto, WrappedDataKey } from "../domain/template-crypto.port.js";

export class SubjectKeys {
  constructor(
    private readonly vault: KeyVault,
    private readonly crypto: TemplateCrypto,
  ) {}

  /** Runs `use` with the unwrapped key; null (without calling it) when the subject has no key. */
  async tryWith<T>(tenantId: string, subjectId: string, use: (key: DataKey) => T | Promise<T>): Promise<T | null> {
    const wrapped = await this.vault.get(tenantId, subjectId);
    return wrapped ? this.using(tenantId, subjectId, wrapped, use) : null;
  }

  /** As `tryWith`, but a missing key is TEMPLATE_UNREADABLE. */
  async with<T>(tenantId: string, subjectId: string, use: (key: DataKey) => T | Promise<T>): Promise<T> {
    const wrapped = await this.vault.get(tenantId, subjectId);
    if (!wrapped) throw new DomainError("TEMPLATE_UNREADABLE", "the subject's templates cannot be read (the subject is being erased)");
    return this.using(tenantId, subjectId, wrapped, use);
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
