/**
 * Envelope encryption with Node's crypto (AES-256-GCM throughout).
 *
 *   master key ──HKDF(tenant id, version)──▶ tenant KEK ──wraps──▶ subject data key ──seals──▶ template
 *
 * The tenant key-encryption key is derived from the platform master key per tenant and
 * version, so no two tenants share a KEK and rotating a tenant means re-wrapping its data
 * keys under the next version. Every ciphertext binds its context as associated data:
 * a data key opens only for its tenant and subject; a template only for its tenant,
 * subject, template id and model id.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import type { DataKey, PendingImageBinding, TemplateBinding, TemplateCrypto, WrappedDataKey } from "../../domain/template-crypto.port.js";

const FORMAT_V1 = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

class LocalDataKey implements DataKey {
  constructor(readonly tenantId: string, readonly subjectId: string, readonly bytes: Buffer) {}
  destroy(): void {
    this.bytes.fill(0);
  }
}

export class EnvelopeCrypto implements TemplateCrypto {
  private readonly keks = new Map<string, Buffer>();

  constructor(private readonly masterKey: Buffer) {
    if (masterKey.length !== 32) throw new RangeError("the master key must be 32 bytes");
  }

  createDataKey(tenantId: string, subjectId: string, kekVersion: number): { key: DataKey; wrapped: WrappedDataKey } {
    const bytes = randomBytes(32);
    const wrappedKey = seal(this.kek(tenantId, kekVersion), bytes, dataKeyAad(tenantId, subjectId, kekVersion));
    return { key: new LocalDataKey(tenantId, subjectId, bytes), wrapped: { wrappedKey, kekVersion } };
  }

  unwrapDataKey(tenantId: string, subjectId: string, wrapped: WrappedDataKey): DataKey {
    const bytes = open(this.kek(tenantId, wrapped.kekVersion), wrapped.wrappedKey, dataKeyAad(tenantId, subjectId, wrapped.kekVersion));
    return new LocalDataKey(tenantId, subjectId, bytes);
  }

  rewrapDataKey(tenantId: string, subjectId: string, wrapped: WrappedDataKey, toVersion: number): WrappedDataKey {
    const bytes = open(this.kek(tenantId, wrapped.kekVersion), wrapped.wrappedKey, dataKeyAad(tenantId, subjectId, wrapped.kekVersion));
    try {
      return { wrappedKey: seal(this.kek(tenantId, toVersion), bytes, dataKeyAad(tenantId, subjectId, toVersion)), kekVersion: toVersion };
    } finally {
      bytes.fill(0);
    }
  }

  seal(key: DataKey, embedding: Float32Array, binding: TemplateBinding): Uint8Array {
    const k = this.ownKey(key, binding);
    const plain = Buffer.from(embedding.buffer, embedding.byteOffset, embedding.byteLength);
    return seal(k.bytes, plain, templateAad(binding));
  }

  open(key: DataKey, ciphertext: Uint8Array, binding: TemplateBinding): Float32Array {
    const k = this.ownKey(key, binding);
    const plain = open(k.bytes, ciphertext, templateAad(binding));
    // Copy into an aligned buffer, then wipe the decrypted bytes.
    const out = new Float32Array(plain.length / 4);
    new Uint8Array(out.buffer).set(plain);
    plain.fill(0);
    return out;
  }

  sealImage(key: DataKey, image: Uint8Array, binding: PendingImageBinding): Uint8Array {
    const k = this.ownKey(key, binding);
    return seal(k.bytes, Buffer.from(image.buffer, image.byteOffset, image.byteLength), pendingImageAad(binding));
  }

  openImage(key: DataKey, sealed: Uint8Array, binding: PendingImageBinding): Uint8Array {
    const k = this.ownKey(key, binding);
    const plain = open(k.bytes, sealed, pendingImageAad(binding));
    const out = new Uint8Array(plain);
    plain.fill(0);
    return out;
  }

  private ownKey(key: DataKey, binding: { tenantId: string; subjectId: string }): LocalDataKey {
    if (!(key instanceof LocalDataKey)) throw new TypeError("foreign data key");
    if (key.tenantId !== binding.tenantId || key.subjectId !== binding.subjectId) {
      throw new Error("data key does not belong to this tenant and subject");
    }
    return key;
  }

  private kek(tenantId: string, version: number): Buffer {
    const id = `${tenantId}\u0000${version}`;
    let kek = this.keks.get(id);
    if (!kek) {
      kek = Buffer.from(hkdfSync("sha256", this.masterKey, "face-id/tenant-kek", `${tenantId}:v${version}`, 32));
      this.keks.set(id, kek);
    }
    return kek;
  }
}

function dataKeyAad(tenantId: string, subjectId: string, version: number): Buffer {
  return Buffer.from(JSON.stringify(["face-id/data-key/v1", tenantId, subjectId, version]));
}

function templateAad(b: TemplateBinding): Buffer {
  return Buffer.from(JSON.stringify(["face-id/template/v1", b.tenantId, b.subjectId, b.templateId, b.modelId]));
}

function pendingImageAad(b: PendingImageBinding): Buffer {
  return Buffer.from(JSON.stringify(["face-id/pending-image/v1", b.tenantId, b.subjectId, b.batchId, b.seq]));
}

/** format byte ‖ 12-byte IV ‖ 16-byte tag ‖ ciphertext. */
function seal(key: Buffer, plain: Buffer, aad: Buffer): Uint8Array {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return new Uint8Array(Buffer.concat([Buffer.from([FORMAT_V1]), iv, cipher.getAuthTag(), body]));
}

function open(key: Buffer, sealed: Uint8Array, aad: Buffer): Buffer {
  const buf = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (buf.length < 1 + IV_BYTES + TAG_BYTES || buf[0] !== FORMAT_V1) throw new Error("unknown ciphertext format");
  const decipher = createDecipheriv("aes-256-gcm", key, buf.subarray(1, 1 + IV_BYTES));
  decipher.setAAD(aad);
  decipher.setAuthTag(buf.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(buf.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
}
