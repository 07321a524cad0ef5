/**
 * Relay-style connections, one mechanism for every operator list: `Connection(Node, "Name")`
 * makes the `NameEdge` and `NameConnection` types, and `toConnection` turns a domain page
 * (src/domain/pagination.ts) into one.
 */
import { ArgsType, Field, Int, ObjectType, type ClassType } from "type-graphql";
import type { Page } from "../../domain/pagination.js";

@ObjectType("PageInfo", { description: "Where a page of a connection ends (Relay-style)." })
export class PageInfoType {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => String, { nullable: true, description: "The cursor to pass as `after` for the next page (null on an empty page)." }) endCursor!: string | null;
}

/** The paging arguments every connection takes. */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: "Page size, 1 to 100 (default 20)." }) first?: number | null;
  @Field(() => String, { nullable: true, description: "The endCursor of the page before." }) after?: string | null;
}

export interface ConnectionShape<N> {
  edges: { cursor: string; node: N }[];
  pageInfo: PageInfoType;
  totalCount: number;
}

export function Connection<N extends object>(Node: ClassType<N>, name: string, description: string) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => String) cursor!: string;
    @Field(() => Node) node!: N;
  }
  @ObjectType(`${name}Connection`, { description })
  class ConnectionType implements ConnectionShape<N> {
    @Field(() => [Edge]) edges!: Edge[];
    @Field(() => PageInfoType) pageInfo!: PageInfoType;
    @Field(() => Int, { description: "Items matching the filter, on all pages." }) totalCount!: number;
  }
  return ConnectionType;
}

/** A domain page as a connection: each item's cursor, and its GraphQL node. */
export function toConnection<T, N>(page: Page<T>, cursor: (item: T) => string, node: (item: T) => N): ConnectionShape<N> {
  const edges = page.items.map((item) => ({ cursor: cursor(item), node: node(item) }));
  return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null }, totalCount: page.totalCount };
}

/** A filter input with its unset (null) fields left out: the domain filters use absent, not null. */
export function presentFields<T extends object>(input: T | null | undefined): { [K in keyof T]?: NonNullable<T[K]> } {
  return Object.fromEntries(Object.entries(input ?? {}).filter(([, v]) => v !== null && v !== undefined)) as { [K in keyof T]?: NonNullable<T[K]> };
}
