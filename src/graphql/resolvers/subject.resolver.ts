import { Arg, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import { isActive, type Consent } from "../../domain/consent.js";
import type { SubjectView } from "../../services/subject.service.js";
import type { GraphQLContext } from "../context.js";
import { ConsentMethodGql, ConsentType, SubjectType } from "../types/subject.type.js";

export function toConsentType(c: Consent, now: Date): ConsentType {
  return { ...c, method: c.method as ConsentMethodGql, active: isActive(c, now) };
}

function toSubjectType(view: SubjectView, now: Date): SubjectType {
  return { ...view.subject, consents: view.consents.map((c) => toConsentType(c, now)), templates: view.templates };
}

@Resolver(() => SubjectType)
export class SubjectResolver {
  @Mutation(() => SubjectType, { description: "Creates a subject (with its own data-encryption key)." })
  async createSubject(
    @Ctx() ctx: GraphQLContext,
    @Arg("externalRef", () => String, { nullable: true, description: "Your own reference for the person (unique per tenant)." }) externalRef?: string | null,
  ): Promise<SubjectType> {
    const subject = await ctx.services.subjects.create(await ctx.tenantActor(), externalRef ?? null);
    return toSubjectType({ subject, consents: [], templates: [] }, ctx.services.clock.now());
  }

  @Query(() => SubjectType, { description: "A subject with its consents and template metadata (never vectors)." })
  async subject(@Ctx() ctx: GraphQLContext, @Arg("id", () => ID) id: string): Promise<SubjectType> {
    return toSubjectType(await ctx.services.subjects.get(await ctx.tenantActor(), id), ctx.services.clock.now());
  }
}
