import { Field, ObjectType } from "type-graphql";

@ObjectType("PageInfo", { description: "Where a page of a connection ends (Relay-style)." })
export class PageInfoType {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => String, { nullable: true, description: "The cursor to pass as `after` for the next page (null on an empty page)." }) endCursor!: string | null;
}
