/**
 * Keyset pagination for operator lists (Relay-style connections in GraphQL): items in
 * (createdAt, id) order, the cursor naming the last item seen, so rows inserted while a
 * client pages through appear after what it has seen and never shift a page.
 */
import { DomainError } from "./errors.js";

export const DEFAULT_PAGE = 20;
export const MAX_PAGE = 100;

export interface PageCursor {
  createdAt: Date;
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

/** An opaque cursor string for an item. */
export function encodeCursor(item: { createdAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify([item.createdAt.toISOString(), item.id])).toString("base64url");
}

/** The page asked for; INVALID_INPUT for a size out of range or a cursor this API did not make. */
export function pageRequest(first: number | null | undefined, after: string | null | undefined): PageRequest {
  const size = first ?? DEFAULT_PAGE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE) throw new DomainError("INVALID_INPUT", `first must be 1 to ${MAX_PAGE}`, { maxPage: MAX_PAGE });
  if (after === null || after === undefined) return { first: size, after: null };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(after, "base64url").toString("utf8"));
  } catch {
    parsed = null;
  }
  const [at, id] = Array.isArray(parsed) && parsed.length === 2 ? parsed : [];
  const createdAt = typeof at === "string" ? new Date(at) : null;
  if (!createdAt || Number.isNaN(createdAt.getTime()) || typeof id !== "string" || id.length === 0 || id.length > 100) {
    throw new DomainError("INVALID_INPUT", "after is not a cursor of this list");
  }
  return { first: size, after: { createdAt, id } };
}
