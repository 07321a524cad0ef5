import { Arg, Args, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import { consentState, type Consent } from "../../domain/consent.js";
import { DomainError } from "../../domain/errors.js";
import { encodeCursor, pageRequest } from "../../domain/pagination.js";
import type { Subject, SubjectFilter } from "../../domain/subject.js";
import type { SubjectView } from "../../services/subject.service.js";
import type { GraphQLContext } from "../context.js";
import { PageArgs, presentFields, toConnection, type ConnectionShape } from "../types/page.type.js";
import type { TemplateFilter } from "../../domain/template.js";
import {
  ConsentMethodGql,
  ConsentType,
  SubjectConnectionType,
  SubjectFilterInput,
  SubjectType,
  TemplateConnectionType,
  TemplateFilterInput,
  type SubjectSummaryType,
  type TemplateInfoType,
} from "../types/subject.type.js";

export function toConsentType(c: Consent, now: Date): ConsentType {
  const state = consentState(c, now);
  return { ...c, method: c.method as ConsentMethodGql, state, active: state === "ACTIVE" };
}

function toSubjectType(view: SubjectView, now: Date): SubjectType {
  return { ...subjectFields(view.subject), consents: view.consents.map((c) => toConsentType(c, now)), templates: view.templates };
}

function subjectFields(s: Subject) {
  return { ...s, dateOfBirth: s.dateOfBirth ? s.dateOfBirth.toISOString().slice(0, 10) : null };
}

/** Parses a YYYY-MM-DD date (UTC). */
export function parseDay(value: string, field: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!d || d.toISOString().slice(0, 10) !== value) throw new DomainError("INVALID_INPUT", `${field} must be a date as YYYY-MM-DD`);
  return d;
}

@Resolver(() => SubjectType)
export class SubjectResolver {
  @Mutation(() => SubjectType, { description: "Creates a subject (with its own data-encryption key)." })
  async createSubject(
    @Ctx() ctx: GraphQLContext,
    @Arg("externalRef", () => String, { nullable: true, description: "Your own reference for the person (unique per tenant)." }) externalRef?: string | null,
    @Arg("dateOfBirth", () => String, { nullable: true, description: "YYYY-MM-DD; needed where a purpose sets a minimum age without guardian consent." })
    dateOfBirth?: string | null,
  ): Promise<SubjectType> {
    const dob = dateOfBirth ? parseDay(dateOfBirth, "dateOfBirth") : null;
    const subject = await ctx.services.subjects.create(await ctx.tenantActor(), externalRef ?? null, dob);
    return toSubjectType({ subject, consents: [], templates: [] }, ctx.services.clock.now());
  }

  @Mutation(() => SubjectType, { description: "Puts the subject under legal hold: nothing of theirs is deleted or matched until released. Scope compliance:write." })
  async setLegalHold(@Ctx() ctx: GraphQLContext, @Arg("subjectId", () => ID) subjectId: string, @Arg("reason", () => String) reason: string): Promise<SubjectType> {
    const actor = await ctx.tenantActor();
    await ctx.services.subjects.setLegalHold(actor, subjectId, reason);
    return toSubjectType(await ctx.services.subjects.get(actor, subjectId), ctx.services.clock.now());
  }

  @Mutation(() => SubjectType, { description: "Releases a legal hold; deletions it held back happen at the next retention sweep. Scope compliance:write." })
  async releaseLegalHold(@Ctx() ctx: GraphQLContext, @Arg("subjectId", () => ID) subjectId: string): Promise<SubjectType> {
    const actor = await ctx.tenantActor();
    await ctx.services.subjects.releaseLegalHold(actor, subjectId);
    return toSubjectType(await ctx.services.subjects.get(actor, subjectId), ctx.services.clock.now());
  }

  @Mutation(() => SubjectType, {
    description: "Restricts processing of the subject's data (GDPR Art. 18): it is only stored — no enrollment, matching or analysis, no deletion by retention or consent expiry — until lifted. Scope compliance:write.",
  })
  async restrictProcessing(@Ctx() ctx: GraphQLContext, @Arg("subjectId", () => ID) subjectId: string, @Arg("reason", () => String) reason: string): Promise<SubjectType> {
    const actor = await ctx.tenantActor();
    await ctx.services.subjects.restrictProcessing(actor, subjectId, reason);
    return toSubjectType(await ctx.services.subjects.get(actor, subjectId), ctx.services.clock.now());
  }

  @Mutation(() => SubjectType, { description: "Lifts a restriction of processing; retention deletions it held back happen at the next sweep. Scope compliance:write." })
  async liftRestriction(@Ctx() ctx: GraphQLContext, @Arg("subjectId", () => ID) subjectId: string): Promise<SubjectType> {
    const actor = await ctx.tenantActor();
    await ctx.services.subjects.liftRestriction(actor, subjectId);
    return toSubjectType(await ctx.services.subjects.get(actor, subjectId), ctx.services.clock.now());
  }

  @Query(() => SubjectConnectionType, { description: "The tenant's subjects, oldest first, a page at a time (Relay-style). Scope subjects:read; audited." })
  async subjects(
    @Ctx() ctx: GraphQLContext,
    @Args(() => PageArgs) { first, after }: PageArgs,
    @Arg("filter", () => SubjectFilterInput, { nullable: true }) filter?: SubjectFilterInput | null,
  ): Promise<ConnectionShape<SubjectSummaryType>> {
    const page = pageRequest(first, after);
    const f: SubjectFilter = presentFields(filter);
    const result = await ctx.services.subjects.list(await ctx.tenantActor(), f, page);
    return toConnection(result, (s) => encodeCursor(s.createdAt, s.id), subjectFields);
  }

  @Query(() => TemplateConnectionType, { description: "The tenant's face templates, metadata only (never the encrypted vector), oldest first, a page at a time. Scope subjects:read; audited." })
  async templates(
    @Ctx() ctx: GraphQLContext,
    @Args(() => PageArgs) { first, after }: PageArgs,
    @Arg("filter", () => TemplateFilterInput, { nullable: true }) filter?: TemplateFilterInput | null,
  ): Promise<ConnectionShape<TemplateInfoType>> {
    const page = pageRequest(first, after);
    const f: TemplateFilter = presentFields(filter);
    const result = await ctx.services.subjects.listTemplates(await ctx.tenantActor(), f, page);
    return toConnection(result, (t) => encodeCursor(t.createdAt, t.id), (t) => t);
  }

  @Query(() => SubjectType, { description: "A subject with its consents and template metadata (never vectors)." })
  async subject(@Ctx() ctx: GraphQLContext, @Arg("id", () => ID) id: string): Promise<SubjectType> {
    return toSubjectType(await ctx.services.subjects.get(await ctx.tenantActor(), id), ctx.services.clock.now());
  }
}
