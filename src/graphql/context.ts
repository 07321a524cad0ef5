/**
 * Per-request GraphQL context: the services, and the caller, authenticated lazily from
 * the request headers the first time a resolver asks (so `health` needs no key).
 *   Authorization: Bearer <tenant API key>   (or x-api-key: <key>)
 *   Cookie: fid_session=… + x-csrf-token: …  (a person signed in to the portal)
 *   x-admin-token: <platform admin token>    (tenant administration only)
 */
import { trace } from "@opentelemetry/api";
import { DomainError } from "../domain/errors.js";
import type { Actor } from "../domain/tenant.js";
import type { Services } from "../app/services.js";

export interface GraphQLContext {
  services: Services;
  /** The tenant API key's actor; throws UNAUTHENTICATED when none or a bad one was sent. */
  tenantActor(): Promise<Actor>;
  /** The admin actor, or null when no admin token was sent; throws when a bad one was. */
  adminActor(): Actor | null;
  /** Set when a presented API key or admin token was wrong (the HTTP layer counts these per address). */
  readonly authenticationFailed: boolean;
}

export type HeaderGetter = (name: string) => string | undefined;

export function createContext(services: Services, header: HeaderGetter): GraphQLContext {
  let tenant: Promise<Actor> | undefined;
  let failed = false;
  return {
    services,
    tenantActor() {
      tenant ??= (async () => {
        const key = presentedApiKey(header);
        const session = key ? undefined : cookieOf(header("cookie"), SESSION_COOKIE);
        if (!key && !session) throw new DomainError("INVALID_API_KEY", "an API key is required (Authorization: Bearer <key>)");
        try {
          const actor = session ? await services.portalUsers.authenticate(session, header("x-csrf-token") ?? null) : await services.tenants.authenticateApiKey(key!);
          if (actor.kind !== "admin") trace.getActiveSpan()?.setAttribute("face_id.tenant", actor.tenantId);
          return actor;
        } catch (e) {
          failed = true;
          throw e;
        }
      })();
      return tenant;
    },
    adminActor() {
      const token = header("x-admin-token");
      if (token === undefined) return null;
      try {
        return services.tenants.authenticateAdmin(token);
      } catch (e) {
        failed = true;
        throw e;
      }
    },
    get authenticationFailed() {
      return failed;
    },
  };
}

/** The API key sent (Authorization: Bearer, or x-api-key), unchecked. */
export function presentedApiKey(header: HeaderGetter): string | undefined {
  return header("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? header("x-api-key");
}

/** The public id part of a presented API key (`<id>.<secret>`), for rate limits; never the secret. */
export function apiKeyIdOf(key: string | undefined): string | undefined {
  const dot = key?.lastIndexOf(".") ?? -1;
  return key && dot > 0 ? key.slice(0, dot) : undefined;
}

/** The portal's session cookie (httpOnly) and the cookie its script reads the CSRF token from. */
export const SESSION_COOKIE = "fid_session";
export const CSRF_COOKIE = "fid_csrf";

/** The value of one cookie of the request, or undefined (also when it is not validly encoded). */
export function cookieOf(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
