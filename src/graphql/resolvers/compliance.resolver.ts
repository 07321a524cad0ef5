import { Arg, Args, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";
import { daysLeft, REQUEST_STATUSES, type RequestFilter } from "../../domain/data-subject-request.js";
import { DomainError } from "../../domain/errors.js";
import { encodeCursor, pageRequest } from "../../domain/pagination.js";
import type { RequestView } from "../../services/data-subject-request.service.js";
import type { GraphQLContext } from "../context.js";
import {
  BiometricSubjectCountType,
  DataSubjectRequestConnectionType,
  DataSubjectRequestFilterInput,
  DataSubjectRequestType,
  FulfilmentType,
  KeyRotationStatusType,
  RectificationInput,
  RequestKindGql,
  RetentionForecastType,
  SigningKeyType,
} from "../types/compliance.type.js";
import { TenantActor } from "../actor.decorator.js";
import type { Actor } from "../../domain/tenant.js";
import { parseDay } from "./subject.resolver.js";
import { PageArgs, presentFields, toConnection, type ConnectionShape } from "../types/page.type.js";

const toRequestType = (v: RequestView): DataSubjectRequestType => ({ ...v.request, kind: v.request.kind as RequestKindGql, daysLeft: v.daysLeft });

@Resolver()
export class ComplianceResolver {
  @Mutation(() => DataSubjectRequestType, { description: "Opens an access, export or erasure request for a subject; due in one month. Scope compliance:write." })
  async openDataSubjectRequest(
    @Ctx() ctx: GraphQLContext,
    @Arg("subjectId", () => ID) subjectId: string,
    @Arg("kind", () => RequestKindGql) kind: RequestKindGql,
  ): Promise<DataSubjectRequestType> {
    return toRequestType(await ctx.services.requests.open(await ctx.tenantActor(), subjectId, kind));
  }

  @Mutation(() => DataSubjectRequestType, { description: "Records how the requester's identity was verified; the request can then be fulfilled." })
  async verifyRequesterIdentity(
    @Ctx() ctx: GraphQLContext,
    @Arg("requestId", () => ID) requestId: string,
    @Arg("method", () => String, { description: "e.g. 'id document checked at the desk', 'signed-in account'" }) method: string,
    @Arg("evidenceRef", () => String, { description: "Where the proof is kept (ticket id…); never the document itself." }) evidenceRef: string,
  ): Promise<DataSubjectRequestType> {
    return toRequestType(await ctx.services.requests.verifyIdentity(await ctx.tenantActor(), requestId, method, evidenceRef));
  }

  @Mutation(() => DataSubjectRequestType, { description: "Extends the due date once by two months, with the reason given to the subject." })
  async extendDataSubjectRequest(
    @Ctx() ctx: GraphQLContext,
    @Arg("requestId", () => ID) requestId: string,
    @Arg("reason", () => String) reason: string,
  ): Promise<DataSubjectRequestType> {
    return toRequestType(await ctx.services.requests.extend(await ctx.tenantActor(), requestId, reason));
  }

  @Mutation(() => DataSubjectRequestType, { description: "Rejects a request (e.g. identity not established), with the reason." })
  async rejectDataSubjectRequest(
    @Ctx() ctx: GraphQLContext,
    @Arg("requestId", () => ID) requestId: string,
    @Arg("reason", () => String) reason: string,
  ): Promise<DataSubjectRequestType> {
    return toRequestType(await ctx.services.requests.reject(await ctx.tenantActor(), requestId, reason));
  }

  @Mutation(() => FulfilmentType, { description: "Carries the request out: the signed export document, or the erasure with its per-store report." })
  async fulfilDataSubjectRequest(@Ctx() ctx: GraphQLContext, @Arg("requestId", () => ID) requestId: string): Promise<FulfilmentType> {
    const r = await ctx.services.requests.fulfil(await ctx.tenantActor(), requestId);
    const now = ctx.services.clock.now();
    return {
      request: toRequestType({ request: r.request, daysLeft: daysLeft(r.request, now) }),
      document: r.document,
      erasure: r.erasure,
    };
  }

  @Mutation(() => DataSubjectRequestType, {
    description: "Fulfils a RECTIFICATION request (GDPR Art. 16): corrects the subject's external reference and/or date of birth and completes the request. Needs a verified identity; refused under legal hold. Scope compliance:write; audited (fields named, values never).",
  })
  async rectifySubject(
    @TenantActor() actor: Actor,
    @Ctx() ctx: GraphQLContext,
    @Arg("requestId", () => ID) requestId: string,
    @Arg("input", () => RectificationInput) input: RectificationInput,
  ): Promise<DataSubjectRequestType> {
    const fields = {
      ...(input.externalRef != null ? { externalRef: input.externalRef } : {}),
      ...(input.dateOfBirth != null ? { dateOfBirth: parseDay(input.dateOfBirth, "dateOfBirth") } : {}),
    };
    const request = await ctx.services.requests.rectify(actor, requestId, fields);
    return toRequestType({ request, daysLeft: daysLeft(request, ctx.services.clock.now()) });
  }

  @Query(() => RetentionForecastType, { description: "Deletions due by retention in the next 7 and 30 days. Scope compliance:read." })
  async retentionForecast(@TenantActor() actor: Actor, @Ctx() ctx: GraphQLContext): Promise<RetentionForecastType> {
    return ctx.services.compliance.retentionForecast(actor);
  }

  @Query(() => DataSubjectRequestType)
  async dataSubjectRequest(@Ctx() ctx: GraphQLContext, @Arg("id", () => ID) id: string): Promise<DataSubjectRequestType> {
    return toRequestType(await ctx.services.requests.get(await ctx.tenantActor(), id));
  }

  @Query(() => DataSubjectRequestConnectionType, { description: "The tenant's data subject requests, soonest due first, a page at a time (Relay-style). Scope compliance:read." })
  async dataSubjectRequestQueue(
    @Ctx() ctx: GraphQLContext,
    @Args(() => PageArgs) { first, after }: PageArgs,
    @Arg("filter", () => DataSubjectRequestFilterInput, { nullable: true }) filter?: DataSubjectRequestFilterInput | null,
  ): Promise<ConnectionShape<DataSubjectRequestType>> {
    const page = pageRequest(first, after);
    for (const s of filter?.statuses ?? []) if (!(REQUEST_STATUSES as readonly string[]).includes(s)) throw new DomainError("INVALID_INPUT", `unknown status ${JSON.stringify(s.slice(0, 40))}`);
    const f = presentFields(filter) as RequestFilter; // statuses checked above
    const result = await ctx.services.requests.queue(await ctx.tenantActor(), f, page);
    return toConnection(result, (v) => encodeCursor(v.request.dueAt, v.request.id), toRequestType);
  }

  @Query(() => [DataSubjectRequestType], { description: "A subject's requests (they outlive an erasure)." })
  async dataSubjectRequests(@Ctx() ctx: GraphQLContext, @Arg("subjectId", () => ID) subjectId: string): Promise<DataSubjectRequestType[]> {
    return (await ctx.services.requests.list(await ctx.tenantActor(), subjectId)).map(toRequestType);
  }

  @Query(() => String, { description: "The audit trail for [from, to) as signed JSON lines (check with `face-id verify-audit`). Scope audit:read." })
  async exportAuditTrail(@Ctx() ctx: GraphQLContext, @Arg("from", () => Date) from: Date, @Arg("to", () => Date) to: Date): Promise<string> {
    return ctx.services.compliance.exportAudit(await ctx.tenantActor(), from, to);
  }

  @Query(() => GraphQLJSONObject, { description: "GDPR Art. 30 record of processing activities, generated from the tenant's policy." })
  async recordOfProcessing(@Ctx() ctx: GraphQLContext): Promise<Record<string, unknown>> {
    return ctx.services.compliance.recordOfProcessing(await ctx.tenantActor());
  }

  @Query(() => BiometricSubjectCountType, { description: "Distinct subjects with stored face data, and whether China's 100,000 filing threshold is reached." })
  async biometricSubjectCount(@Ctx() ctx: GraphQLContext): Promise<BiometricSubjectCountType> {
    return ctx.services.compliance.subjectCount(await ctx.tenantActor());
  }

  @Query(() => SigningKeyType, { description: "The platform's public signing key (no authentication needed)." })
  signingKey(@Ctx() ctx: GraphQLContext): SigningKeyType {
    return ctx.services.compliance.signingKey();
  }

  @Mutation(() => KeyRotationStatusType, { description: "Moves the tenant to a new key-encryption key; a job re-wraps every data key (templates are not touched)." })
  async rotateTenantKey(@Ctx() ctx: GraphQLContext): Promise<KeyRotationStatusType> {
    return ctx.services.keyRotation.rotate(await ctx.tenantActor());
  }

  @Query(() => KeyRotationStatusType)
  async keyRotationStatus(@Ctx() ctx: GraphQLContext): Promise<KeyRotationStatusType> {
    return ctx.services.keyRotation.statusFor(await ctx.tenantActor());
  }
}
