import { Arg, Ctx, Int, Query, Resolver } from "type-graphql";
import { DomainError } from "../../domain/errors.js";
import type { GraphQLContext } from "../context.js";
import { AuditChainReportType, AuditEventType } from "../types/audit.type.js";

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

  @Query(() => AuditChainReportType, { description: "Re-computes every hash of the calling tenant's audit chain." })
  async verifyAuditChain(@Ctx() ctx: GraphQLContext): Promise<AuditChainReportType> {
    return ctx.services.audit.verify(await ctx.tenantActor());
  }
}
