import { Arg, Ctx, Mutation, Query, Resolver } from "type-graphql";
import type { GraphQLContext } from "../context.js";
import { CreatedTenantType, HealthType } from "../types/tenant.type.js";

@Resolver()
export class AdminResolver {
  @Mutation(() => CreatedTenantType, { description: "Platform admin only (x-admin-token header): creates a tenant and its first API key." })
  async createTenant(
    @Ctx() ctx: GraphQLContext,
    @Arg("name", () => String) name: string,
    @Arg("scopes", () => [String], { nullable: true, description: "Scopes of the first key; all when omitted." }) scopes?: string[] | null,
  ): Promise<CreatedTenantType> {
    const created = await ctx.services.tenants.createTenant(ctx.adminActor(), name, scopes ?? undefined);
    return { tenantId: created.tenant.id, name: created.tenant.name, apiKey: created.apiKey, apiKeyId: created.apiKeyId, scopes: created.scopes };
  }

  @Query(() => HealthType, { description: "Liveness of the service; needs no key." })
  async health(@Ctx() ctx: GraphQLContext): Promise<HealthType> {
    return ctx.services.health();
  }
}
