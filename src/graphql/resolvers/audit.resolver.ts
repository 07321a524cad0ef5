import { Arg, Args, Ctx, Int, Query, Resolver } from "type-graphql";
import type { AuditFilter, AuditOutcome } from "../../domain/audit.js";
import { DomainError } from "../../domain/errors.js";
import { encodeSeqCursor, seqPageRequest } from "../../domain/pagination.js";
import type { GraphQLContext } from "../context.js";
import { AuditChainReportType, AuditEventConnectionType, AuditEventType, AuditFilterInput } from "../types/audit.type.js";
import { PageArgs, presentFields, toConnection, type ConnectionShape } from "../types/page.type.js";

const OUTCOMES: readonly string[] = ["SUCCESS", "DENIED", "FAILED"] satisfies AuditOutcome[];

@Resolver()
export class AuditResolver {
  @Query(() => [AuditEventType], { description: "The calling tenant's audit events in sequence order." })
  async auditEvents(
    @Ctx() ctx: GraphQLContext,
    @Arg("afterSeq", () => Int, { nullable: true, defaultValue: 0 }) afterSeq: number,
    @Arg("limit", () => Int, { nullable: true, defaultValue: 100 }) limit: number,
  ): Promise<AuditEventType[]> {
    if (limit < 1 || limit > 1000) throw new DomainError("INVALID_INPUT", "limit must be from 1 to 1000");
    return ctx.services.audit.list(await ctx.tenantActor(), { afterSeq, limit });
  }

  @Query(() => AuditEventConnectionType, { description: "Searches the calling tenant's audit trail, newest first, a page at a time (Relay-style). Scope audit:read." })
  async auditSearch(
    @Ctx() ctx: GraphQLContext,
    @Args(() => PageArgs) { first, after }: PageArgs,
    @Arg("filter", () => AuditFilterInput, { nullable: true }) filter?: AuditFilterInput | null,
  ): Promise<ConnectionShape<AuditEventType>> {
    const page = seqPageRequest(first, after);
    if (filter?.outcome != null && !OUTCOMES.includes(filter.outcome)) throw new DomainError("INVALID_INPUT", "outcome must be SUCCESS, DENIED or FAILED");
    for (const v of [filter?.action, filter?.actor, filter?.subjectId]) if (v != null && (v.length === 0 || v.length > 200)) throw new DomainError("INVALID_INPUT", "filter values must be 1 to 200 characters");
    const f = presentFields(filter) as AuditFilter; // outcome checked above
    const result = await ctx.services.audit.search(await ctx.tenantActor(), f, page);
    return toConnection(result, (e) => encodeSeqCursor(e.seq), (e) => e);
  }

  @Query(() => AuditChainReportType, { description: "Re-computes every hash of the calling tenant's audit chain." })
  async verifyAuditChain(@Ctx() ctx: GraphQLContext): Promise<AuditChainReportType> {
    return ctx.services.audit.verify(await ctx.tenantActor());
  }
}
