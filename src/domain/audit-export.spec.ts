import { describe, expect, it } from "vitest";
import { Ed25519Signer, publicKeyId, verifyEd25519 } from "../adapters/crypto/document-signer.js";
import { chainEvent, GENESIS_HASH, type AuditEvent } from "./audit.js";
import { collectText, streamAuditExport, verifyAuditExport } from "./audit-export.js";
import { signatureBlock, signDocument, verifySignedDocument } from "./signed-document.js";

const signer = new Ed25519Signer(Buffer.alloc(32, 7));
const other = new Ed25519Signer(Buffer.alloc(32, 8));

function chain(n: number): AuditEvent[] {
  const out: AuditEvent[] = [];
  let seq = 0;
  let hash = GENESIS_HASH;
  for (let i = 0; i < n; i++) {
    const e = chainEvent({ tenantId: "ten_1", actor: "apikey:k", action: i % 2 ? "VERIFY_FACE" : "ENROLL_FACE", subjectId: `sub_${i % 3}`, purpose: "access_control", outcome: "SUCCESS" }, `evt_${i}`, new Date(Date.UTC(2026, 0, 1, 0, i)), seq, hash);
    out.push(e);
    seq = e.seq;
    hash = e.hash;
  }
  return out;
}

const verify = (text: string, key?: string) => verifyAuditExport(text, verifyEd25519, publicKeyId, key);

describe("audit export", () => {
  const events = chain(8);
  const meta = { tenantId: "ten_1", from: new Date(0), to: new Date(Date.UTC(2027, 0)), exportedAt: new Date(Date.UTC(2026, 5)) };
  const once = async function* (list: AuditEvent[]) {
    yield list;
  };
  const exportOf = (list: AuditEvent[], by = signer) => collectText(streamAuditExport(meta, once(list), by));

  it("verifies an untouched export, whole or from the middle of the chain", async () => {
    expect(verify(await exportOf(events), signer.publicKey)).toMatchObject({ valid: true, events: 8, tenantId: "ten_1", keyId: signer.keyId });
    expect(verify(await exportOf(events.slice(3)))).toMatchObject({ valid: true, events: 5 });
    expect(verify(await exportOf([]))).toMatchObject({ valid: true, events: 0 });
  });

  it("streams the same bytes a batch at a time", async () => {
    const batches = async function* () {
      for (let i = 0; i < events.length; i += 3) yield events.slice(i, i + 3);
      yield [];
    };
    let streamed = "";
    let parts = 0;
    for await (const part of streamAuditExport(meta, batches(), signer)) {
      streamed += part;
      parts++;
    }
    expect(parts).toBe(5); // header, three batches, trailer
    expect(streamed).toBe(await exportOf(events));
  });

  it("fails when an event is edited, even with its hash recomputed", async () => {
    const lines = (await exportOf(events)).split("\n");
    const edited = lines.map((l, i) => (i === 3 ? l.replace('"outcome":"SUCCESS"', '"outcome":"DENIED"') : l)).join("\n");
    expect(verify(edited)).toMatchObject({ valid: false, line: 4, problem: expect.stringContaining("altered") });
  });

  it("fails when the header is changed (the trailer's digest covers it)", async () => {
    const text = (await exportOf(events)).replace(`"exportedAt":"2026-06-01T00:00:00.000Z"`, `"exportedAt":"2026-07-01T00:00:00.000Z"`);
    expect(verify(text)).toMatchObject({ valid: false, problem: expect.stringContaining("digest") });
  });

  it("fails when an event is removed, from the middle or the end", async () => {
    const lines = (await exportOf(events)).split("\n");
    expect(verify([...lines.slice(0, 4), ...lines.slice(5)].join("\n"))).toMatchObject({ valid: false, problem: expect.stringContaining("expected event") });
    expect(verify([...lines.slice(0, 8), ...lines.slice(9)].join("\n"))).toMatchObject({ valid: false, problem: expect.stringContaining("trailer") });
    expect(verify(lines.slice(0, 9).join("\n"))).toMatchObject({ valid: false, problem: expect.stringContaining("no trailer") });
  });

  it("fails when events are reordered", async () => {
    const lines = (await exportOf(events)).split("\n");
    [lines[2], lines[3]] = [lines[3]!, lines[2]!];
    expect(verify(lines.join("\n"))).toMatchObject({ valid: false });
  });

  it("fails with another key than the pinned one, or a trailer re-signed by another key", async () => {
    expect(verify(await exportOf(events), other.publicKey)).toMatchObject({ valid: false, problem: expect.stringContaining("another key") });
    expect(verify(await exportOf(events, other), signer.publicKey)).toMatchObject({ valid: false });
  });

  it("still verifies a file in the first format (v1: the signature over the lines themselves)", async () => {
    const lines = (await exportOf(events)).trimEnd().split("\n").slice(0, -1).map((l, i) => (i === 0 ? l.replace("audit-export/v2", "audit-export/v1") : l));
    const trailerBody = { type: "trailer", count: 8, lastSeq: 8, lastHash: events[7]!.hash };
    const signature = signatureBlock(signer, new TextEncoder().encode(lines.join("\n") + "\n" + JSON.stringify(trailerBody)));
    const v1 = [...lines, JSON.stringify({ ...trailerBody, signature })].join("\n") + "\n";
    expect(verify(v1, signer.publicKey)).toMatchObject({ valid: true, events: 8 });
    expect(verify(v1.replace('"action":"VERIFY_FACE"', '"action":"ENROLL_FACE"'))).toMatchObject({ valid: false });
  });
});

describe("signed documents", () => {
  const doc = { subject: { id: "sub_1", externalRef: "émployé-7" }, consents: [{ purpose: "access_control", grantedAt: "2026-01-01T00:00:00.000Z" }] };
  const text = signDocument("face-id/subject-export/v1", doc, signer);
  const check = (t: string, key?: string) => verifySignedDocument(t, "face-id/subject-export/v1", verifyEd25519, publicKeyId, key);

  it("verifies with its signature and returns the document", () => {
    expect(check(text, signer.publicKey)).toEqual({ valid: true, document: doc, keyId: signer.keyId });
  });

  it("fails after any single byte is changed", () => {
    const bytes = Buffer.from(text, "utf8");
    for (let i = 0; i < bytes.length; i++) {
      const copy = Buffer.from(bytes);
      copy[i] = copy[i]! ^ 0x01;
      expect(check(copy.toString("utf8")).valid, `byte ${i}`).toBe(false);
    }
  });

  it("fails for another format or a pinned key that is not the signer's", () => {
    expect(verifySignedDocument(text, "other/v1", verifyEd25519, publicKeyId)).toMatchObject({ valid: false });
    expect(check(text, other.publicKey)).toMatchObject({ valid: false, problem: expect.stringContaining("another key") });
  });
});
