import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import type { GraphQLContext } from "../context.js";
import { ApiKeyType, CreatedApiKeyType } from "../types/tenant.type.js";

@Resolver()
export class ApiKeyResolver {
  @Query(() => [ApiKeyType], { description: "The tenant's API keys (metadata only). Scope keys:manage." })
  async apiKeys(@Ctx() ctx: GraphQLContext): Promise<ApiKeyType[]> {
    return ctx.services.apiKeys.list(await ctx.tenantActor());
  }

  @Mutation(() => CreatedApiKeyType, { description: "A new key with some of the calling key's scopes. Scope keys:manage; audited." })
  async createApiKey(
    @Ctx() ctx: GraphQLContext,
    @Arg("name", () => String) name: string,
    @Arg("scopes", () => [String]) scopes: string[],
  ): Promise<CreatedApiKeyType> {
    const made = await ctx.services.apiKeys.create(await ctx.tenantActor(), name, scopes);
    return { ...made, previous: null };
  }

  @Mutation(() => ApiKeyType, { description: "Revokes a key at once. Scope keys:manage; audited." })
  async revokeApiKey(@Ctx() ctx: GraphQLContext, @Arg("id", () => ID) id: string): Promise<ApiKeyType> {
    return ctx.services.apiKeys.revoke(await ctx.tenantActor(), id);
  }

  @Mutation(() => CreatedApiKeyType, { description: "Replaces a key: a new one with the same name and scopes; the old one keeps working for graceSeconds (default one day, at most 30 days). Scope keys:manage; audited." })
  async rotateApiKey(
    @Ctx() ctx: GraphQLContext,
    @Arg("id", () => ID) id: string,
    @Arg("graceSeconds", () => Int, { defaultValue: 86_400 }) graceSeconds: number,
  ): Promise<CreatedApiKeyType> {
    return ctx.services.apiKeys.rotate(await ctx.tenantActor(), id, graceSeconds);
  }
}
