import { Arg, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import type { GraphQLContext } from "../context.js";
import { CreatePortalUserInput, PortalUserType } from "../types/portal-user.type.js";

@Resolver()
export class PortalUserResolver {
  @Mutation(() => PortalUserType, {
    description: "A portal user: by the platform admin (x-admin-token, naming tenantId: a tenant's first administrator) or by a key or user with users:manage, in its own tenant. Audited.",
  })
  async createPortalUser(@Ctx() ctx: GraphQLContext, @Arg("input", () => CreatePortalUserInput) input: CreatePortalUserInput): Promise<PortalUserType> {
    const actor = ctx.adminActor() ?? (await ctx.tenantActor());
    return ctx.services.portalUsers.create(actor, input, input.tenantId ?? undefined);
  }

  @Query(() => [PortalUserType], { description: "The tenant's portal users. Scope users:manage." })
  async portalUsers(@Ctx() ctx: GraphQLContext): Promise<PortalUserType[]> {
    return ctx.services.portalUsers.list(await ctx.tenantActor());
  }

  @Mutation(() => PortalUserType, { description: "Disables a portal user (their sessions end at once), or enables them again. Scope users:manage; audited." })
  async setPortalUserDisabled(@Ctx() ctx: GraphQLContext, @Arg("id", () => ID) id: string, @Arg("disabled", () => Boolean) disabled: boolean): Promise<PortalUserType> {
    return ctx.services.portalUsers.setDisabled(await ctx.tenantActor(), id, disabled);
  }
}
