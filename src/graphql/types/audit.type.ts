import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { Connection } from "./page.type.js";

@ObjectType("AuditEvent", { description: "One link of the tenant's hash-chained audit trail." })
export class AuditEventType {
  @Field(() => ID) id!: string;
  @Field(() => Int) seq!: number;
  @Field(() => Date) at!: Date;
  @Field(() => String) actor!: string;
  @Field(() => String) action!: string;
  @Field(() => String, { nullable: true }) subjectId!: string | null;
  @Field(() => String, { nullable: true }) purpose!: string | null;
  @Field(() => String, { description: "SUCCESS, DENIED or FAILED." }) outcome!: string;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => String, { nullable: true }) decisionId!: string | null;
  @Field(() => String, { nullable: true }) targetId!: string | null;
  @Field(() => String) prevHash!: string;
  @Field(() => String) hash!: string;
}

export const AuditEventConnectionType = Connection(AuditEventType, "AuditEvent", "A page of audit events, newest first.");

@InputType("AuditFilter", { description: "Every condition given must hold; times as [from, to)." })
export class AuditFilterInput {
  @Field(() => String, { nullable: true, description: "e.g. VERIFY_FACE, ERASE_SUBJECT" }) action?: string | null;
  @Field(() => String, { nullable: true, description: "SUCCESS, DENIED or FAILED." }) outcome?: string | null;
  @Field(() => String, { nullable: true, description: "e.g. apikey:key_…, system:retention" }) actor?: string | null;
  @Field(() => ID, { nullable: true }) subjectId?: string | null;
  @Field(() => Date, { nullable: true }) from?: Date | null;
  @Field(() => Date, { nullable: true }) to?: Date | null;
}

@ObjectType("AuditChainReport")
export class AuditChainReportType {
  @Field(() => Boolean) valid!: boolean;
  @Field(() => Int) length!: number;
  @Field(() => Int, { nullable: true }) brokenAtSeq!: number | null;
  @Field(() => String, { nullable: true }) problem!: string | null;
  @Field(() => String) headHash!: string;
}
