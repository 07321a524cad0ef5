import { Field, Float, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { CONSENT_METHODS } from "../../domain/consent.js";

export enum ConsentMethodGql {
  CLICK = "CLICK",
  E_SIGNATURE = "E_SIGNATURE",
  WRITTEN = "WRITTEN",
}
registerEnumType(ConsentMethodGql, { name: "ConsentMethod", description: "How the subject gave consent." });
// Keep the GraphQL enum and the domain list in step.
if (Object.values(ConsentMethodGql).join() !== CONSENT_METHODS.join()) throw new Error("ConsentMethod enum out of step with the domain");

@ObjectType("Consent", { description: "A subject's consent to face processing for one purpose." })
export class ConsentType {
  @Field(() => ID) id!: string;
  @Field(() => String) purpose!: string;
  @Field(() => String, { description: "Version of the notice text shown to the subject." }) noticeVersion!: string;
  @Field(() => ConsentMethodGql) method!: ConsentMethodGql;
  @Field(() => Date) grantedAt!: Date;
  @Field(() => Date, { nullable: true }) withdrawnAt!: Date | null;
  @Field(() => Boolean, { description: "Granted and not withdrawn." }) active!: boolean;
}

@ObjectType("TemplateInfo", { description: "Metadata of a stored face template. The template itself is encrypted and never returned." })
export class TemplateInfoType {
  @Field(() => ID) id!: string;
  @Field(() => ID) galleryId!: string;
  @Field(() => String) purpose!: string;
  @Field(() => String) modelId!: string;
  @Field(() => Float) detectionScore!: number;
  @Field(() => Int) faceWidth!: number;
  @Field(() => Int) faceHeight!: number;
  @Field(() => Date) createdAt!: Date;
}

@ObjectType("Subject", { description: "A person whose face a tenant may enroll and verify." })
export class SubjectType {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true, description: "The partner app's own reference." }) externalRef!: string | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => [ConsentType]) consents!: ConsentType[];
  @Field(() => [TemplateInfoType]) templates!: TemplateInfoType[];
}

@ObjectType("Gallery")
export class GalleryType {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: "The embedding model every template in the gallery uses." }) modelId!: string;
  @Field(() => Date) createdAt!: Date;
}
