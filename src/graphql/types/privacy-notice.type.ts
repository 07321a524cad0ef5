import { Field, ID, InputType, ObjectType } from "type-graphql";

@ObjectType("PrivacyNotice", { description: "A published privacy notice: one version in one language. Consents name the version and record the hash of the text shown." })
export class PrivacyNoticeType {
  @Field(() => ID) id!: string;
  @Field(() => String) version!: string;
  @Field(() => String, { description: "BCP 47 language tag." }) language!: string;
  @Field(() => String) text!: string;
  @Field(() => String, { description: "SHA-256 (hex) of the text (UTF-8)." }) textHash!: string;
  @Field(() => Date) effectiveFrom!: Date;
  @Field(() => Date) createdAt!: Date;
}

@InputType("PublishPrivacyNoticeInput")
export class PublishPrivacyNoticeInput {
  @Field(() => String) version!: string;
  @Field(() => String, { description: "BCP 47 language tag (en, de-CH, zh-Hans)." }) language!: string;
  @Field(() => String, { description: "The notice's full text (at most 100,000 characters); its SHA-256 is computed here." }) text!: string;
  @Field(() => Date, { description: "From when consents may refer to it." }) effectiveFrom!: Date;
}
