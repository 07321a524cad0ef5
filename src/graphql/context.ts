/**
 * Per-request GraphQL context: the services, and the caller, authenticated lazily from
 * the request headers the first time a resolver asks (so `health` needs no key).
 *   Authorization: Bearer <tenant API key>   (or x-api-key: <key>)
 *   x-admin-token: <platform admin token>    (tenant administration only)
 */
import { DomainError } from "../domain/errors.js";
import type { Actor } from "../domain/tenant.js";
import type { Services } from "../app/services.js";

export interface GraphQLContext {
  services: Services;
  /** The tenant API key's actor; throws UNAUTHENTICATED when none or a bad one was sent. */
  tenantActor(): Promise<Actor>;
  /** The admin actor, or null when no admin token was sent; throws when a bad one was. */
  adminActor(): Actor | null;
}

export type HeaderGetter = (name: string) => string | undefined;

export function createContext(services: Services, header: HeaderGetter): GraphQLContext {
  let tenant: Promise<Actor> | undefined;
  return {
    services,
    tenantActor() {
      tenant ??= (async () => {
        const auth = header("authorization");
        const key = auth?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? header("x-api-key");
        if (!key) throw new DomainError("INVALID_API_KEY", "an API key is required (Authorization: Bearer <key>)");
        return services.tenants.authenticateApiKey(key);
      })();
      return tenant;
    },
    adminActor() {
      const token = header("x-admin-token");
      return token === undefined ? null : services.tenants.authenticateAdmin(token);
    },
  };
}
