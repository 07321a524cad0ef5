/** Domain errors as plain HTTP answers (the portal's endpoints and the export downloads; GraphQL has its own mapping). */
import type http from "node:http";
import { isDomainError, type DomainError } from "../domain/errors.js";

export function httpStatusOf(e: DomainError): number {
  switch (e.kind) {
    case "UNAUTHENTICATED":
      return 401;
    case "FORBIDDEN":
      return 403;
    case "NOT_FOUND":
      return 404;
    case "CONFLICT":
      return 409;
    case "THROTTLED":
      return 429;
    case "UNAVAILABLE":
      return 503;
    default:
      return 400;
  }
}

export function sendJson(res: http.ServerResponse, status: number, value: unknown, headers: Record<string, string | string[]> = {}): void {
  res.statusCode = status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.setHeader("cache-control", "no-store");
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.end(JSON.stringify(value));
}

/** Answers "too many requests" (429, Retry-After) in the plain `{error}` form. */
export function sendThrottled(res: http.ServerResponse, wait: number, message: string): void {
  sendJson(res, 429, { error: { reason: "THROTTLED", message: `${message}; retry in ${wait} s`, retryAfter: wait, retryable: true } }, { "retry-after": String(wait) });
}

/** Answers a domain error as `{error: {reason, message, …details}}`; anything else is rethrown (an internal error). */
export function sendDomainError(res: http.ServerResponse, e: unknown): void {
  if (!isDomainError(e)) throw e;
  sendJson(res, httpStatusOf(e), { error: { reason: e.reason, message: e.message, ...e.details, ...(e.kind === "UNAVAILABLE" ? { retryable: true } : {}) } });
}
