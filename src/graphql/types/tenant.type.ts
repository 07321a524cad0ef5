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
  @Field(() => String, { description: "The embedding model new galleries are pinned to." }) modelId!: string;
  @Field(() => [String], { description: "Every embedding model loaded: the current one first, then those older galleries are pinned to." }) modelIds!: string[];
  @Field(() => String) version!: string;
}

@ObjectType("ApiKey", { description: "An API key's metadata; the secret is shown only once, when the key is made." })
export class ApiKeyType {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => [String]) scopes!: string[];
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
  @Field(() => Date, { nullable: true, description: "After a rotation: when this key stops working." }) expiresAt!: Date | null;
}

@ObjectType("CreatedApiKey")
export class CreatedApiKeyType {
  @Field(() => String, { description: "The full key (`Authorization: Bearer <apiKey>`). Shown once; it cannot be recovered." }) apiKey!: string;
  @Field(() => ApiKeyType) key!: ApiKeyType;
  @Field(() => ApiKeyType, { nullable: true, description: "After a rotation: the old key, valid until its expiresAt." }) previous!: ApiKeyType | null;
}
