import { Field, ID, Int, ObjectType } from "type-graphql";

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

@ObjectType("AuditChainReport")
export class AuditChainReportType {
  @Field(() => Boolean) valid!: boolean;
  @Field(() => Int) length!: number;
  @Field(() => Int, { nullable: true }) brokenAtSeq!: number | null;
  @Field(() => String, { nullable: true }) problem!: string | null;
  @Field(() => String) headHash!: string;
}
