/**
 * Signed JSON documents (data subject exports and the like): one line of compact JSON,
 * `{"format", "document", "signature": {"algorithm", "keyId", "publicKey", "value"}}`,
 * the signature covering the UTF-8 bytes of `{"format", "document"}`. Verification is
 * strict: the text must be exactly the compact serialisation of what it parses to, so
 * changing any byte (content, layout or signature) fails. Pure: the signature primitive
 * comes in as functions.
 */
import type { DocumentSigner } from "./signer.port.js";

export type VerifySignature = (publicKey: string, data: Uint8Array, signature: string) => boolean;
export type KeyIdOf = (publicKey: string) => string;

export interface SignatureBlock {
  algorithm: string;
  keyId: string;
  publicKey: string;
  value: string;
}

export function signedPayload(format: string, document: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ format, document }));
}

export function signatureBlock(signer: DocumentSigner, data: Uint8Array): SignatureBlock {
  return { algorithm: signer.algorithm, keyId: signer.keyId, publicKey: signer.publicKey, value: signer.sign(data) };
}

export function signDocument(format: string, document: unknown, signer: DocumentSigner): string {
  const signature = signatureBlock(signer, signedPayload(format, document));
  return JSON.stringify({ format, document, signature });
}

export type Verification<T> = { valid: true; document: T; keyId: string } | { valid: false; problem: string };

/** Checks a signature block: algorithm, key id, the pinned key when given, and the signature itself. */
export function checkSignature(block: unknown, data: Uint8Array, verify: VerifySignature, keyIdOf: KeyIdOf, pinnedPublicKey?: string): string | null {
  if (!block || typeof block !== "object") return "no signature";
  const b = block as Partial<SignatureBlock>;
  if (b.algorithm !== "ed25519") return "unknown signature algorithm";
  if (typeof b.publicKey !== "string" || typeof b.value !== "string" || typeof b.keyId !== "string") return "incomplete signature";
  if (keyIdOf(b.publicKey) !== b.keyId) return "the key id does not match the public key";
  if (pinnedPublicKey !== undefined && pinnedPublicKey !== b.publicKey) return "signed with another key than the one expected";
  if (!verify(b.publicKey, data, b.value)) return "the signature does not match the content";
  return null;
}

export function verifySignedDocument<T = unknown>(text: string, expectedFormat: string, verify: VerifySignature, keyIdOf: KeyIdOf, pinnedPublicKey?: string): Verification<T> {
  const body = text.endsWith("\n") ? text.slice(0, -1) : text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { valid: false, problem: "not valid JSON" };
  }
  if (JSON.stringify(parsed) !== body) return { valid: false, problem: "the file is not in its signed form (bytes were changed)" };
  const p = parsed as { format?: unknown; document?: unknown; signature?: unknown };
  if (Object.keys(p).join(",") !== "format,document,signature") return { valid: false, problem: "unexpected fields" };
  if (p.format !== expectedFormat) return { valid: false, problem: `expected a ${expectedFormat} document` };
  const problem = checkSignature(p.signature, signedPayload(expectedFormat, p.document), verify, keyIdOf, pinnedPublicKey);
  if (problem) return { valid: false, problem };
  return { valid: true, document: p.document as T, keyId: (p.signature as SignatureBlock).keyId };
}
