import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import type { GraphQLContext } from "../context.js";
import { ConsentMethodGql, ConsentType, ConsentWithdrawalType } from "../types/subject.type.js";
import { toConsentType } from "./subject.resolver.js";

@Resolver(() => ConsentType)
export class ConsentResolver {
  @Mutation(() => ConsentType, { description: "Records the subject's consent to face processing for a purpose declared in the tenant's policy." })
  async grantConsent(
    @Ctx() ctx: GraphQLContext,
    @Arg("subjectId", () => ID) subjectId: string,
    @Arg("purpose", () => String, { description: "e.g. access_control" }) purpose: string,
    @Arg("noticeVersion", () => String) noticeVersion: string,
    @Arg("method", () => ConsentMethodGql) method: ConsentMethodGql,
    @Arg("noticeHash", () => String, { nullable: true, description: "SHA-256 (hex) of the notice text shown." }) noticeHash?: string | null,
    @Arg("evidenceRef", () => String, { nullable: true, description: "Where the signed form or e-signature is kept (needed for written releases)." })
    evidenceRef?: string | null,
    @Arg("separate", () => Boolean, { nullable: true, description: "Given on its own, not bundled with other terms (PIPL separate consent)." })
    separate?: boolean | null,
    @Arg("byGuardian", () => Boolean, { nullable: true, description: "Given by a parent or guardian." }) byGuardian?: boolean | null,
    @Arg("expiresAt", () => Date, { nullable: true, description: "The consent lapses by itself at this time." }) expiresAt?: Date | null,
  ): Promise<ConsentType> {
    const consent = await ctx.services.consents.grant(await ctx.tenantActor(), {
      subjectId,
      purpose,
      noticeVersion,
      method,
      noticeHash: noticeHash ?? null,
      evidenceRef: evidenceRef ?? null,
      separate: separate ?? false,
      byGuardian: byGuardian ?? false,
      expiresAt: expiresAt ?? null,
    });
    return toConsentType(consent, ctx.services.clock.now());
  }

  @Mutation(() => ConsentWithdrawalType, {
    description: "Withdraws the subject's active consent for a purpose; takes effect at once and destroys the templates held for that purpose.",
  })
  async withdrawConsent(
    @Ctx() ctx: GraphQLContext,
    @Arg("subjectId", () => ID) subjectId: string,
    @Arg("purpose", () => String) purpose: string,
  ): Promise<ConsentWithdrawalType> {
    const r = await ctx.services.consents.withdraw(await ctx.tenantActor(), subjectId, purpose);
    return { consent: toConsentType(r.consent, ctx.services.clock.now()), destroyedTemplates: r.destroyedTemplates };
  }
}
