import { Arg, Ctx, Mutation, Query, Resolver } from "type-graphql";
import type { Actor } from "../../domain/tenant.js";
import { TenantActor } from "../actor.decorator.js";
import type { GraphQLContext } from "../context.js";
import { PrivacyNoticeType, PublishPrivacyNoticeInput } from "../types/privacy-notice.type.js";

@Resolver()
export class PrivacyNoticeResolver {
  @Mutation(() => PrivacyNoticeType, { description: "Publishes a privacy notice version in one language (never changed afterwards: a new text is a new version). Scope compliance:write; audited." })
  async publishPrivacyNotice(@TenantActor() actor: Actor, @Ctx() ctx: GraphQLContext, @Arg("input", () => PublishPrivacyNoticeInput) input: PublishPrivacyNoticeInput): Promise<PrivacyNoticeType> {
    return ctx.services.notices.publish(actor, input);
  }

  @Query(() => [PrivacyNoticeType], { description: "The tenant's published privacy notices, newest first. Scope compliance:read." })
  async privacyNotices(@TenantActor() actor: Actor, @Ctx() ctx: GraphQLContext): Promise<PrivacyNoticeType[]> {
    return ctx.services.notices.list(actor);
  }
}
