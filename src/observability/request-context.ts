/**
 * The request being served, across every await of its handling (AsyncLocalStorage): its
 * id, returned to the client in `x-request-id` and in GraphQL error extensions, and written
 * on every log line, so a partner's complaint ("request 3f2…") can be found. A client may
 * send its own `x-request-id` (letters, digits, `-`, `_`, `.`, at most 64); anything else is
 * replaced by a new UUID.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

interface RequestContext {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();
const SAFE_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** The id to use for a request: the client's when it is a safe token, else a new one. */
export function requestIdFor(given: string | undefined): string {
  return given !== undefined && SAFE_ID.test(given) ? given : randomUUID();
}

export function withRequest<T>(requestId: string, work: () => T): T {
  return storage.run({ requestId }, work);
}

/** The id of the request being served, if any. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
