/**
 * Signing of documents the platform hands out (data subject exports, audit exports), so
 * that anyone holding the platform's public key can check they were not altered.
 * Implemented with Ed25519 (node-forge) in src/adapters/crypto/document-signer.ts.
 */
export interface DocumentSigner {
  /** "ed25519". */
  readonly algorithm: string;
  /** Raw public key, base64. */
  readonly publicKey: string;
  /** Short fingerprint of the public key (hex of its SHA-256, first 16 digits). */
  readonly keyId: string;
  /** Signature of the bytes, base64. */
  sign(data: Uint8Array): string;
}
