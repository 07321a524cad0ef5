import { Arg, Args, Ctx, Query, Resolver } from "type-graphql";
import { encodeCursor, pageRequest } from "../../domain/pagination.js";
import type { Actor } from "../../domain/tenant.js";
import { scoreBand } from "../../domain/verification.js";
import { TenantActor } from "../actor.decorator.js";
import type { GraphQLContext } from "../context.js";
import {
  IdentificationRecordConnectionType,
  IdentificationRecordFilterInput,
  IdentificationRecordType,
  VerificationRecordConnectionType,
  VerificationRecordFilterInput,
  VerificationRecordType,
} from "../types/decision.type.js";
import { PageArgs, presentFields, toConnection, type ConnectionShape } from "../types/page.type.js";

@Resolver()
export class DecisionResolver {
  @Query(() => VerificationRecordConnectionType, { description: "The tenant's 1:1 decisions, newest first, a page at a time (Relay-style): outcomes and score bands, never scores or vectors. Scope audit:read; audited." })
  async verificationDecisions(
    @TenantActor() actor: Actor,
    @Ctx() ctx: GraphQLContext,
    @Args(() => PageArgs) { first, after }: PageArgs,
    @Arg("filter", () => VerificationRecordFilterInput, { nullable: true }) filter?: VerificationRecordFilterInput | null,
  ): Promise<ConnectionShape<VerificationRecordType>> {
    const page = await ctx.services.verification.list(actor, presentFields(filter), pageRequest(first, after));
    return toConnection(
      page,
      (d) => encodeCursor(d.createdAt, d.id),
      (d) => ({ id: d.id, subjectId: d.subjectId, purpose: d.purpose, modelId: d.modelId, match: d.match, scoreBand: scoreBand(d.score, d.threshold), actor: d.actor, createdAt: d.createdAt }),
    );
  }

  @Query(() => IdentificationRecordConnectionType, { description: "The tenant's 1:N searches, newest first, a page at a time (Relay-style): candidate counts, never who or their scores. Scope audit:read; audited." })
  async identificationDecisions(
    @TenantActor() actor: Actor,
    @Ctx() ctx: GraphQLContext,
    @Args(() => PageArgs) { first, after }: PageArgs,
    @Arg("filter", () => IdentificationRecordFilterInput, { nullable: true }) filter?: IdentificationRecordFilterInput | null,
  ): Promise<ConnectionShape<IdentificationRecordType>> {
    const page = await ctx.services.identification.list(actor, presentFields(filter), pageRequest(first, after));
    return toConnection(page, (d) => encodeCursor(d.createdAt, d.id), (d) => ({ ...d, candidateCount: d.candidates }));
  }
}
