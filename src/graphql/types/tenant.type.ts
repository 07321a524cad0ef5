import { Field, ID, ObjectType } from "type-graphql";

@ObjectType("CreatedTenant", { description: "A new tenant and its first API key. The key is shown only here, once." })
export class CreatedTenantType {
  @Field(() => ID) tenantId!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: "Send as `Authorization: Bearer <apiKey>`." }) apiKey!: string;
  @Field(() => ID) apiKeyId!: string;
  @Field(() => [String]) scopes!: string[];
}

@ObjectType("Health")
export class HealthType {
  @Field(() => String, { description: "ok when the database answers." }) status!: string;
  @Field(() => String, { description: "postgres or pglite." }) database!: string;
  @Field(() => String, { description: "The embedding model new templates are made with." }) modelId!: string;
  @Field(() => String) version!: string;
}
