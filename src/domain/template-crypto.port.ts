/**
 * Envelope encryption of templates, as the domain sees it: a data key per subject,
 * wrapped by the tenant's key-encryption key; templates sealed under the data key with
 * their tenant, subject, template and model ids bound in as associated data.
 * Implemented by src/adapters/crypto/envelope.crypto.ts.
 */

/** An unwrapped data key. Opaque to the domain; never stored, logged or returned. */
export interface DataKey {
  readonly tenantId: string;
  readonly subjectId: string;
  /** Overwrites the key material; call when done. */
  destroy(): void;
}

export interface WrappedDataKey {
  wrappedKey: Uint8Array;
  kekVersion: number;
}

export interface TemplateBinding {
  tenantId: string;
  subjectId: string;
  templateId: string;
  modelId: string;
}

/** What a photo waiting in a batch is bound to (associated data of its seal). */
export interface PendingImageBinding {
  tenantId: string;
  subjectId: string;
  batchId: string;
  seq: number;
}

export interface TemplateCrypto {
  /** A fresh random data key for a subject, and its wrapped form to store. */
  createDataKey(tenantId: string, subjectId: string, kekVersion: number): { key: DataKey; wrapped: WrappedDataKey };
  /** Unwraps a stored data key; throws when the tenant's key does not open it. */
  unwrapDataKey(tenantId: string, subjectId: string, wrapped: WrappedDataKey): DataKey;
  /** The same data key wrapped under another version of the tenant's key (the data key never leaves the adapter). */
  rewrapDataKey(tenantId: string, subjectId: string, wrapped: WrappedDataKey, toVersion: number): WrappedDataKey;
  seal(key: DataKey, embedding: Float32Array, binding: TemplateBinding): Uint8Array;
  /** Throws when the ciphertext, key or binding do not match. */
  open(key: DataKey, ciphertext: Uint8Array, binding: TemplateBinding): Float32Array;
  /** A photo sealed under the subject's data key while it waits to be enrolled (shredded with the key). */
  sealImage(key: DataKey, image: Uint8Array, binding: PendingImageBinding): Uint8Array;
  /** Throws when the ciphertext, key or binding do not match. */
  openImage(key: DataKey, sealed: Uint8Array, binding: PendingImageBinding): Uint8Array;
}
