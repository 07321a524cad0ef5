import { Arg, Args, Ctx, Field, ID, InputType, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import { CONSENT_STATES, type ConsentFilter } from "../../domain/consent.js";
import { DomainError } from "../../domain/errors.js";
import { encodeCursor, pageRequest } from "../../domain/pagination.js";
import { PageArgs, presentFields, toConnection, type ConnectionShape } from "../types/page.type.js";
import type { GraphQLContext } from "../context.js";
import { ConsentConnectionType, ConsentFilterInput, ConsentMethodGql, ConsentType, ConsentWithdrawalType } from "../types/subject.type.js";
import { toConsentType } from "./subject.resolver.js";

@InputType("GrantConsentInput", { description: "A consent as the subject gave it, and its evidence." })
export class GrantConsentInput {
  @Field(() => ID) subjectId!: string;
  @Field(() => String, { description: "e.g. access_control" }) purpose!: string;
  @Field(() => String, { description: "Version of the notice text shown to the subject." }) noticeVersion!: string;
  @Field(() => ConsentMethodGql) method!: ConsentMethodGql;
  @Field(() => String, { nullable: true, description: "SHA-256 (hex) of the notice text shown. Where the tenant published the version (publishPrivacyNotice) it must be one of its texts, and is filled in when the version has one language." }) noticeHash?: string | null;
  @Field(() => String, { nullable: true, description: "Where the signed form or e-signature is kept (needed for written releases)." }) evidenceRef?: string | null;
  @Field(() => Boolean, { nullable: true, description: "Given on its own, not bundled with other terms (PIPL separate consent)." }) separate?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: "Given by a parent or guardian." }) byGuardian?: boolean | null;
  @Field(() => Date, { nullable: true, description: "The consent lapses by itself at this time." }) expiresAt?: Date | null;
}

@ObjectType("GrantConsentPayload")
export class GrantConsentPayload {
  @Field(() => ConsentType) consent!: ConsentType;
}

@Resolver(() => ConsentType)
export class ConsentResolver {
  @Query(() => ConsentConnectionType, { description: "The tenant's consents, oldest first, a page at a time (the consents report; Relay-style). Scope subjects:read; audited." })
  async consents(
    @Ctx() ctx: GraphQLContext,
    @Args(() => PageArgs) { first, after }: PageArgs,
    @Arg("filter", () => ConsentFilterInput, { nullable: true }) filter?: ConsentFilterInput | null,
  ): Promise<ConnectionShape<ConsentType>> {
    const page = pageRequest(first, after);
    if (filter?.state != null && !(CONSENT_STATES as readonly string[]).includes(filter.state)) throw new DomainError("INVALID_INPUT", "state must be ACTIVE, WITHDRAWN, EXPIRED or PENDING");
    const f = presentFields(filter) as ConsentFilter; // state checked above
    const now = ctx.services.clock.now();
    const result = await ctx.services.consents.list(await ctx.tenantActor(), f, page);
    return toConnection(result, (c) => encodeCursor(c.grantedAt, c.id), (c) => toConsentType(c, now));
  }

  @Mutation(() => GrantConsentPayload, { description: "Records the subject's consent to face processing for a purpose declared in the tenant's policy." })
  async grantConsent(@Ctx() ctx: GraphQLContext, @Arg("input", () => GrantConsentInput) input: GrantConsentInput): Promise<GrantConsentPayload> {
    const consent = await ctx.services.consents.grant(await ctx.tenantActor(), {
      subjectId: input.subjectId,
      purpose: input.purpose,
      noticeVersion: input.noticeVersion,
      method: input.method,
      noticeHash: input.noticeHash ?? null,
      evidenceRef: input.evidenceRef ?? null,
      separate: input.separate ?? false,
      byGuardian: input.byGuardian ?? false,
      expiresAt: input.expiresAt ?? null,
    });
    return { consent: toConsentType(consent, ctx.services.clock.now()) };
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
