import type { FileUpload } from "graphql-upload/processRequest.mjs";
import GraphQLUpload from "graphql-upload/GraphQLUpload.mjs";
import { Field, InputType } from "type-graphql";

@InputType({ description: "A face photo (JPEG, PNG or WebP): exactly one of base64 or upload." })
export class ImageInput {
  @Field(() => String, { nullable: true, description: "The file's bytes, base64-encoded (a data: URL prefix is accepted)." })
  base64?: string | null;

  @Field(() => GraphQLUpload, { nullable: true, description: "A file sent as a GraphQL multipart request." })
  upload?: Promise<FileUpload> | null;
}
