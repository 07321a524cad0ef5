/**
 * `@TenantActor()`: the calling tenant key or portal user as a resolver parameter
 * (authenticated lazily from the request, UNAUTHENTICATED when there is none).
 */
import { createParameterDecorator } from "type-graphql";
import type { Actor } from "../domain/tenant.js";
import type { GraphQLContext } from "./context.js";

export function TenantActor() {
  return createParameterDecorator<GraphQLContext>(({ context }): Promise<Actor> => context.tenantActor());
}
