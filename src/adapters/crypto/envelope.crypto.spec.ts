import { describe, expect, it } from "vitest";
import { EnvelopeCrypto } from "./envelope.crypto.js";

const master = Buffer.alloc(32, 7);
const vector = Float32Array.from({ length: 512 }, (_, i) => Math.sin(i));
const binding = { tenantId: "ten_a", subjectId: "sub_1", templateId: "tpl_1", modelId: "m1" };

describe("EnvelopeCrypto", () => {
  it("round-trips a template through a wrapped data key", () => {
    const crypto = new EnvelopeCrypto(master);
    const { key, wrapped } = crypto.createDataKey("ten_a", "sub_1", 1);
    const sealed = crypto.seal(key, vector, binding);
    const reopened = crypto.unwrapDataKey("ten_a", "sub_1", wrapped);
    expect(Array.from(crypto.open(reopened, sealed, binding))).toEqual(Array.from(vector));
  });

  it("produces ciphertext that does not contain the vector's bytes", () => {
    const crypto = new EnvelopeCrypto(master);
    const { key } = crypto.createDataKey("ten_a", "sub_1", 1);
    const sealed = Buffer.from(crypto.seal(key, vector, binding));
    const plain = Buffer.from(vector.buffer);
    expect(sealed.length).toBe(plain.length + 29);
    expect(sealed.includes(plain.subarray(0, 16))).toBe(false);
  });

  it("cannot unwrap a data key with another tenant's key", () => {
    const crypto = new EnvelopeCrypto(master);
    const { wrapped } = crypto.createDataKey("ten_a", "sub_1", 1);
    expect(() => crypto.unwrapDataKey("ten_b", "sub_1", wrapped)).toThrow();
  });

  it("cannot unwrap with another master key or key version", () => {
    const { wrapped } = new EnvelopeCrypto(master).createDataKey("ten_a", "sub_1", 1);
    expect(() => new EnvelopeCrypto(Buffer.alloc(32, 8)).unwrapDataKey("ten_a", "sub_1", wrapped)).toThrow();
    expect(() => new EnvelopeCrypto(master).unwrapDataKey("ten_a", "sub_1", { ...wrapped, kekVersion: 2 })).toThrow();
  });

  it("binds a template to its tenant, subject, template and model ids", () => {
    const crypto = new EnvelopeCrypto(master);
    const { key } = crypto.createDataKey("ten_a", "sub_1", 1);
    const sealed = crypto.seal(key, vector, binding);
    expect(() => crypto.open(key, sealed, { ...binding, templateId: "tpl_2" })).toThrow();
    expect(() => crypto.open(key, sealed, { ...binding, modelId: "m2" })).toThrow();
    expect(() => crypto.open(key, sealed, { ...binding, subjectId: "sub_2" })).toThrow();
  });

  it("cannot open a template with another subject's data key", () => {
    const crypto = new EnvelopeCrypto(master);
    const a = crypto.createDataKey("ten_a", "sub_1", 1).key;
    const b = crypto.createDataKey("ten_a", "sub_1", 1).key; // same ids, different random key
    const sealed = crypto.seal(a, vector, binding);
    expect(() => crypto.open(b, sealed, binding)).toThrow();
  });

  it("detects a flipped ciphertext bit", () => {
    const crypto = new EnvelopeCrypto(master);
    const { key } = crypto.createDataKey("ten_a", "sub_1", 1);
    const sealed = crypto.seal(key, vector, binding);
    sealed[40]! ^= 1;
    expect(() => crypto.open(key, sealed, binding)).toThrow();
  });

  it("wipes a destroyed data key", () => {
    const crypto = new EnvelopeCrypto(master);
    const { key } = crypto.createDataKey("ten_a", "sub_1", 1);
    const sealed = crypto.seal(key, vector, binding);
    key.destroy();
    expect(() => crypto.open(key, sealed, binding)).toThrow();
  });
});
