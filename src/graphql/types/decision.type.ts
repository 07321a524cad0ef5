import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { Connection } from "./page.type.js";
import { SCORE_BANDS } from "../../domain/verification.js";

export enum ScoreBandGql {
  CLEAR_MATCH = "CLEAR_MATCH",
  MATCH = "MATCH",
  NEAR_MISS = "NEAR_MISS",
  NO_MATCH = "NO_MATCH",
}
registerEnumType(ScoreBandGql, {
  name: "ScoreBand",
  description: "Where a score stood against its threshold: CLEAR_MATCH (0.1 or more above), MATCH, NEAR_MISS (less than 0.1 below), NO_MATCH.",
});
if (Object.values(ScoreBandGql).join() !== SCORE_BANDS.join()) throw new Error("ScoreBand enum out of step with the domain");

@ObjectType("VerificationRecord", { description: "A recorded 1:1 decision as operators see it: the outcome and its score band, never the score or any vector." })
export class VerificationRecordType {
  @Field(() => ID) id!: string;
  @Field(() => ID) subjectId!: string;
  @Field(() => String) purpose!: string;
  @Field(() => String) modelId!: string;
  @Field(() => Boolean) match!: boolean;
  @Field(() => ScoreBandGql) scoreBand!: string;
  @Field(() => String) actor!: string;
  @Field(() => Date) createdAt!: Date;
}

@ObjectType("IdentificationRecord", { description: "A recorded 1:N search as operators see it: where, for what, how many candidates (never who or their scores)." })
export class IdentificationRecordType {
  @Field(() => ID) id!: string;
  @Field(() => ID) galleryId!: string;
  @Field(() => String) purpose!: string;
  @Field(() => String) modelId!: string;
  @Field(() => Int) candidateCount!: number;
  @Field(() => String) actor!: string;
  @Field(() => Date) createdAt!: Date;
}

export const VerificationRecordConnectionType = Connection(VerificationRecordType, "VerificationRecord", "The tenant's verification decisions, newest first.");
export const IdentificationRecordConnectionType = Connection(IdentificationRecordType, "IdentificationRecord", "The tenant's identifications, newest first.");

@InputType("VerificationRecordFilter", { description: "Every condition given must hold." })
export class VerificationRecordFilterInput {
  @Field(() => ID, { nullable: true }) subjectId?: string | null;
  @Field(() => String, { nullable: true }) purpose?: string | null;
  @Field(() => Boolean, { nullable: true }) match?: boolean | null;
  @Field(() => Date, { nullable: true, description: "At or after." }) from?: Date | null;
  @Field(() => Date, { nullable: true, description: "Before." }) to?: Date | null;
}

@InputType("IdentificationRecordFilter", { description: "Every condition given must hold." })
export class IdentificationRecordFilterInput {
  @Field(() => ID, { nullable: true }) galleryId?: string | null;
  @Field(() => String, { nullable: true }) purpose?: string | null;
  @Field(() => Boolean, { nullable: true, description: "With at least one candidate (true) or none (false)." }) matched?: boolean | null;
  @Field(() => Date, { nullable: true, description: "At or after." }) from?: Date | null;
  @Field(() => Date, { nullable: true, description: "Before." }) to?: Date | null;
}
