/**
 * Keyset pagination for operator lists (Relay-style connections in GraphQL): items in
 * (a time, id) order — the subjects by creation, the request queue by due date — the cursor
 * naming the last item seen, so rows inserted while a client pages through never shift a
 * page (those created later appear after what it has seen).
 */
import { DomainError } from "./errors.js";

export const DEFAULT_PAGE = 20;
export const MAX_PAGE = 100;

export interface PageCursor {
  /** The list's ordering time of the last item seen (createdAt, dueAt, …). */
  at: Date;
  id: string;
}

export interface PageRequest {
  first: number;
  after: PageCursor | null;
}

export interface Page<T> {
  items: T[];
  hasNextPage: boolean;
  /** Items matching the filter, on every page. */
  totalCount: number;
}

/** An opaque cursor string for an item, from its ordering time and id. */
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString("base64url");
}

/** A cursor's content, or null when it is not one this API made. */
function decodeCursor(after: string): unknown {
  try {
    return JSON.parse(Buffer.from(after, "base64url").toString("utf8"));
  } catch {
    return null;
  }
}

/** The page asked for; INVALID_INPUT for a size out of range or a cursor this API did not make. */
export function pageRequest(first: number | null | undefined, after: string | null | undefined): PageRequest {
  const size = first ?? DEFAULT_PAGE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE) throw new DomainError("INVALID_INPUT", `first must be 1 to ${MAX_PAGE}`, { maxPage: MAX_PAGE });
  if (after === null || after === undefined) return { first: size, after: null };
  const parsed = decodeCursor(after);
  const [at, id] = Array.isArray(parsed) && parsed.length === 2 ? parsed : [];
  const time = typeof at === "string" ? new Date(at) : null;
  if (!time || Number.isNaN(time.getTime()) || typeof id !== "string" || id.length === 0 || id.length > 100) {
    throw new DomainError("INVALID_INPUT", "after is not a cursor of this list");
  }
  return { first: size, after: { at: time, id } };
}

/** A page of a list in sequence order, newest first (the audit trail): after = the last seq seen. */
export interface SeqPageRequest {
  first: number;
  beforeSeq: number | null;
}

export function encodeSeqCursor(seq: number): string {
  return Buffer.from(JSON.stringify(["seq", seq])).toString("base64url");
}

export function seqPageRequest(first: number | null | undefined, after: string | null | undefined): SeqPageRequest {
  const { first: size } = pageRequest(first, null);
  if (after === null || after === undefined) return { first: size, beforeSeq: null };
  const parsed = decodeCursor(after);
  const seq = Array.isArray(parsed) && parsed.length === 2 && parsed[0] === "seq" ? parsed[1] : null;
  if (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 1) throw new DomainError("INVALID_INPUT", "after is not a cursor of this list");
  return { first: size, beforeSeq: seq };
}
