/**
 * Audit trail exports: JSON lines. A header (tenant, time range, the sequence number and
 * chain hash just before the first exported event), one line per event (every field the
 * hash covers), and a signed trailer (count, last hash, the SHA-256 of every previous line,
 * and an Ed25519 signature over the trailer). `streamAuditExport` produces it a batch of
 * events at a time (memory bounded by a batch, however long the export); verification
 * recomputes every hash and link, the digest and the signature, so editing, removing,
 * inserting or reordering any event, or cutting the file short, fails. Files in the first
 * format (v1: the signature over every previous line itself) still verify. Pure but for
 * the SHA-256; the signature primitive comes in as functions.
 */
import { createHash } from "node:crypto";
import { GENESIS_HASH, eventHash, type AuditEvent } from "./audit.js";
import { checkSignature, signatureBlock, type KeyIdOf, type VerifySignature } from "./signed-document.js";
import type { DocumentSigner } from "./signer.port.js";

export const AUDIT_EXPORT_FORMAT = "face-id/audit-export/v2";
const AUDIT_EXPORT_FORMAT_V1 = "face-id/audit-export/v1";

export interface AuditExportHeader {
  type: "header";
  format: typeof AUDIT_EXPORT_FORMAT | typeof AUDIT_EXPORT_FORMAT_V1;
  tenantId: string;
  from: string;
  to: string;
  exportedAt: string;
  /** Sequence number and hash of the event just before the first one exported (0 and the genesis hash at the start). */
  afterSeq: number;
  prevHash: string;
}

type EventLine = Omit<AuditEvent, "at"> & { type: "event"; at: string };

export interface AuditExportMeta {
  tenantId: string;
  from: Date;
  to: Date;
  exportedAt: Date;
}

/**
 * The export's lines (each ending in a newline), from batches of consecutive events in
 * sequence order. The header waits for the first batch: it names the link before it.
 */
export async function* streamAuditExport(meta: AuditExportMeta, batches: AsyncIterable<readonly AuditEvent[]>, signer: DocumentSigner): AsyncGenerator<string> {
  const digest = createHash("sha256");
  const line = (value: unknown) => {
    const text = JSON.stringify(value) + "\n";
    digest.update(text, "utf8");
    return text;
  };
  let header: AuditExportHeader | null = null;
  const headerFor = (first: AuditEvent | undefined): AuditExportHeader => ({
    type: "header",
    format: AUDIT_EXPORT_FORMAT,
    tenantId: meta.tenantId,
    from: meta.from.toISOString(),
    to: meta.to.toISOString(),
    exportedAt: meta.exportedAt.toISOString(),
    afterSeq: first ? first.seq - 1 : 0,
    prevHash: first?.prevHash ?? GENESIS_HASH,
  });
  let count = 0;
  let last: AuditEvent | undefined;
  for await (const batch of batches) {
    if (batch.length === 0) continue;
    if (!header) yield line((header = headerFor(batch[0])));
    let chunk = "";
    for (const e of batch) chunk += line(eventLine(e));
    count += batch.length;
    last = batch.at(-1);
    yield chunk;
  }
  if (!header) yield line((header = headerFor(undefined)));
  const trailerBody = { type: "trailer", count, lastSeq: last?.seq ?? header.afterSeq, lastHash: last?.hash ?? header.prevHash, sha256: digest.digest("hex") };
  yield JSON.stringify({ ...trailerBody, signature: signatureBlock(signer, new TextEncoder().encode(JSON.stringify(trailerBody))) }) + "\n";
}

/** A streamed export as one string (GraphQL's exportAuditTrail: short ranges; the HTTP download streams). */
export async function collectText(parts: AsyncIterable<string>): Promise<string> {
  let text = "";
  for await (const part of parts) text += part;
  return text;
}

function eventLine(e: AuditEvent): EventLine {
  return {
    type: "event",
    id: e.id,
    tenantId: e.tenantId,
    seq: e.seq,
    at: e.at.toISOString(),
    actor: e.actor,
    action: e.action,
    subjectId: e.subjectId,
    purpose: e.purpose,
    outcome: e.outcome,
    reason: e.reason,
    decisionId: e.decisionId,
    targetId: e.targetId,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

export type AuditExportReport = { valid: true; events: number; tenantId: string; keyId: string } | { valid: false; problem: string; line: number | null };

export function verifyAuditExport(text: string, verify: VerifySignature, keyIdOf: KeyIdOf, pinnedPublicKey?: string): AuditExportReport {
  const lines = text.endsWith("\n") ? text.slice(0, -1).split("\n") : text.split("\n");
  const fail = (problem: string, line: number | null): AuditExportReport => ({ valid: false, problem, line });
  const parsed: Record<string, unknown>[] = [];
  for (const [i, line] of lines.entries()) {
    try {
      const value = JSON.parse(line) as Record<string, unknown>;
      if (JSON.stringify(value) !== line) return fail("line is not in its exported form (bytes were changed)", i + 1);
      parsed.push(value);
    } catch {
      return fail("not valid JSON", i + 1);
    }
  }
  const header = parsed[0] as Partial<AuditExportHeader> | undefined;
  if (!header || header.type !== "header" || (header.format !== AUDIT_EXPORT_FORMAT && header.format !== AUDIT_EXPORT_FORMAT_V1)) return fail("the first line is not an audit export header", 1);
  const trailer = parsed.at(-1) as { type?: string; count?: number; lastSeq?: number; lastHash?: string; sha256?: string; signature?: unknown } | undefined;
  if (parsed.length < 2 || trailer?.type !== "trailer") return fail("the file has no trailer (cut short?)", lines.length);

  let seq = header.afterSeq ?? -1;
  let prevHash = header.prevHash ?? "";
  const events = parsed.slice(1, -1);
  for (const [i, raw] of events.entries()) {
    const lineNo = i + 2;
    const { type, ...rest } = raw as EventLine;
    if (type !== "event") return fail("expected an event line", lineNo);
    const e = { ...rest, at: new Date(rest.at) } as AuditEvent;
    if (e.tenantId !== header.tenantId) return fail("event of another tenant", lineNo);
    if (e.seq !== seq + 1) return fail(`expected event #${seq + 1}, found #${e.seq} (removed or reordered)`, lineNo);
    if (e.prevHash !== prevHash) return fail(`event #${e.seq} does not link to the previous event`, lineNo);
    const { hash, ...unhashed } = e;
    if (Number.isNaN(e.at.getTime()) || eventHash(unhashed) !== hash) return fail(`event #${e.seq} was altered`, lineNo);
    seq = e.seq;
    prevHash = hash;
  }
  if (trailer.count !== events.length || trailer.lastSeq !== seq || trailer.lastHash !== prevHash) return fail("the trailer does not match the events (removed or added events)", lines.length);
  const { signature, ...trailerBody } = trailer;
  const before = lines.slice(0, -1).join("\n") + "\n";
  if (header.format === AUDIT_EXPORT_FORMAT && trailer.sha256 !== createHash("sha256").update(before, "utf8").digest("hex")) return fail("the lines do not match the trailer's digest", lines.length);
  // v2 signs the trailer (which holds the digest of every line before it); v1 signed those lines themselves.
  const signed = new TextEncoder().encode(header.format === AUDIT_EXPORT_FORMAT ? JSON.stringify(trailerBody) : before + JSON.stringify(trailerBody));
  const problem = checkSignature(signature, signed, verify, keyIdOf, pinnedPublicKey);
  if (problem) return fail(problem, lines.length);
  return { valid: true, events: events.length, tenantId: header.tenantId!, keyId: (signature as { keyId: string }).keyId };
}
