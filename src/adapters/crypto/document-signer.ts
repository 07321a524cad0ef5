/**
 * Ed25519 document signatures with node-forge. The platform's signing key is derived
 * from the master key (HKDF, its own label), so it needs no extra secret and stays the
 * same across restarts and processes; only its public key is ever shown.
 */
import { createHash, hkdfSync } from "node:crypto";
import forge from "node-forge";
import type { DocumentSigner } from "../../domain/signer.port.js";

export class Ed25519Signer implements DocumentSigner {
  readonly algorithm = "ed25519";
  readonly publicKey: string;
  readonly keyId: string;
  private readonly privateKey: Uint8Array;

  constructor(masterKey: Buffer) {
    const seed = Buffer.from(hkdfSync("sha256", masterKey, "face-id/document-signing", "ed25519/v1", 32));
    const pair = forge.pki.ed25519.generateKeyPair({ seed });
    seed.fill(0);
    this.privateKey = new Uint8Array(pair.privateKey);
    this.publicKey = Buffer.from(pair.publicKey).toString("base64");
    this.keyId = publicKeyId(this.publicKey);
  }

  sign(data: Uint8Array): string {
    return Buffer.from(forge.pki.ed25519.sign({ message: Buffer.from(data), privateKey: Buffer.from(this.privateKey) })).toString("base64");
  }
}

/** Decodes base64 only in its canonical form (Node's decoder skips stray characters, which would let altered text pass). */
function strictBase64(text: string): Buffer | null {
  const buf = Buffer.from(text, "base64");
  return buf.toString("base64") === text ? buf : null;
}

export function publicKeyId(publicKeyBase64: string): string {
  const pub = strictBase64(publicKeyBase64);
  return pub === null ? "invalid" : createHash("sha256").update(pub).digest("hex").slice(0, 16);
}

/** True when `signature` (base64) is a valid Ed25519 signature of `data` under `publicKey` (base64). */
export function verifyEd25519(publicKey: string, data: Uint8Array, signature: string): boolean {
  try {
    const pub = strictBase64(publicKey);
    const sig = strictBase64(signature);
    if (pub?.length !== 32 || sig?.length !== 64) return false;
    return forge.pki.ed25519.verify({ message: Buffer.from(data), signature: sig, publicKey: pub });
  } catch {
    return false;
  }
}
