/**
 * The one way the plain-HTTP routes (downloads, streams) admit a tenant's request as
 * GraphQL does: rate-limited per key (per address without one), then authenticated by an
 * API key or the portal's session cookie with its CSRF header; a failed authentication
 * counts against the address. Answers the refusal itself and returns null, or the actor.
 */
import type http from "node:http";
import type { Services } from "../app/services.js";
import type { Actor } from "../domain/tenant.js";
import { apiKeyIdOf, createContext, presentedApiKey } from "../graphql/context.js";
import { sendDomainError, sendThrottled } from "./http-errors.js";
import type { Throttle } from "./throttle.js";

export type HeaderReader = (name: string) => string | undefined;

export function headerReader(req: http.IncomingMessage): HeaderReader {
  return (name) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v.join(", ") : v;
  };
}

export async function admitTenant(req: http.IncomingMessage, res: http.ServerResponse, services: Services, throttle: Throttle): Promise<Actor | null> {
  const header = headerReader(req);
  const address = req.socket.remoteAddress ?? "unknown";
  const wait = await throttle.admit(apiKeyIdOf(presentedApiKey(header)), address);
  if (wait !== null) {
    req.resume();
    sendThrottled(res, wait, "too many requests");
    return null;
  }
  const context = createContext(services, header);
  try {
    return await context.tenantActor();
  } catch (e) {
    if (context.authenticationFailed) await throttle.authFailed(address);
    req.resume();
    sendDomainError(res, e);
    return null;
  }
}
