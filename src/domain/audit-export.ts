/**
 * Audit trail exports: JSON lines. A header (tenant, time range, the sequence number and
 * chain hash just before the first exported event), one line per event (every field the
 * hash covers), and a signed trailer (count, last hash, Ed25519 signature over every
 * previous line). `verifyAuditExport` recomputes every hash and link and checks the
 * signature, so editing, removing, inserting or reordering any event, or cutting the
 * file short, fails. Pure: the signature primitive comes in as functions.
 */
import { GENESIS_HASH, eventHash, type AuditEvent } from "./audit.js";
import { checkSignature, signatureBlock, type KeyIdOf, type VerifySignature } from "./signed-document.js";
import type { DocumentSigner } from "./signer.port.js";

export const AUDIT_EXPORT_FORMAT = "face-id/audit-export/v1";

export interface AuditExportHeader {
  type: "header";
  format: typeof AUDIT_EXPORT_FORMAT;
  tenantId: string;
  from: string;
  to: string;
  exportedAt: string;
  /** Sequence number and hash of the event just before the first one exported (0 and the genesis hash at the start). */
  afterSeq: number;
  prevHash: string;
}

type EventLine = Omit<AuditEvent, "at"> & { type: "event"; at: string };

export function buildAuditExport(
  input: { tenantId: string; from: Date; to: Date; exportedAt: Date; events: readonly AuditEvent[]; before: AuditEvent | null },
  signer: DocumentSigner,
): string {
  const header: AuditExportHeader = {
    type: "header",
    format: AUDIT_EXPORT_FORMAT,
    tenantId: input.tenantId,
    from: input.from.toISOString(),
    to: input.to.toISOString(),
    exportedAt: input.exportedAt.toISOString(),
    afterSeq: input.before?.seq ?? (input.events[0] ? input.events[0].seq - 1 : 0),
    prevHash: input.before?.hash ?? (input.events[0]?.prevHash ?? GENESIS_HASH),
  };
  const lines = [JSON.stringify(header), ...input.events.map((e) => JSON.stringify(eventLine(e)))];
  const last = input.events.at(-1);
  const trailerBody = { type: "trailer", count: input.events.length, lastSeq: last?.seq ?? header.afterSeq, lastHash: last?.hash ?? header.prevHash };
  const signature = signatureBlock(signer, new TextEncoder().encode(lines.join("\n") + "\n" + JSON.stringify(trailerBody)));
  lines.push(JSON.stringify({ ...trailerBody, signature }));
  return lines.join("\n") + "\n";
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
  if (!header || header.type !== "header" || header.format !== AUDIT_EXPORT_FORMAT) return fail("the first line is not an audit export header", 1);
  const trailer = parsed.at(-1) as { type?: string; count?: number; lastSeq?: number; lastHash?: string; signature?: unknown } | undefined;
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
  const signed = new TextEncoder().encode(lines.slice(0, -1).join("\n") + "\n" + JSON.stringify(trailerBody));
  const problem = checkSignature(signature, signed, verify, keyIdOf, pinnedPublicKey);
  if (problem) return fail(problem, lines.length);
  return { valid: true, events: events.length, tenantId: header.tenantId!, keyId: (signature as { keyId: string }).keyId };
}
