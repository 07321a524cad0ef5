import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import type { GraphQLContext } from "../context.js";
import { ConsentMethodGql, ConsentType } from "../types/subject.type.js";
import { toConsentType } from "./subject.resolver.js";

@Resolver(() => ConsentType)
export class ConsentResolver {
  @Mutation(() => ConsentType, { description: "Records the subject's consent to face processing for a purpose." })
  async grantConsent(
    @Ctx() ctx: GraphQLContext,
    @Arg("subjectId", () => ID) subjectId: string,
    @Arg("purpose", () => String, { description: "e.g. access_control" }) purpose: string,
    @Arg("noticeVersion", () => String) noticeVersion: string,
    @Arg("method", () => ConsentMethodGql) method: ConsentMethodGql,
  ): Promise<ConsentType> {
    const consent = await ctx.services.consents.grant(await ctx.tenantActor(), { subjectId, purpose, noticeVersion, method });
    return toConsentType(consent, ctx.services.clock.now());
  }

  @Mutation(() => ConsentType, { description: "Withdraws the subject's active consent for a purpose; takes effect at once." })
  async withdrawConsent(
    @Ctx() ctx: GraphQLContext,
    @Arg("subjectId", () => ID) subjectId: string,
    @Arg("purpose", () => String) purpose: string,
  ): Promise<ConsentType> {
    const consent = await ctx.services.consents.withdraw(await ctx.tenantActor(), subjectId, purpose);
    return toConsentType(consent, ctx.services.clock.now());
  }
}
