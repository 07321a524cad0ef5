/** The error formatter and the request limits, in process (Apollo's executeOperation). */
import { ApolloServer } from "@apollo/server";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config/config.js";
import { DomainError } from "../domain/errors.js";
import type { Logger } from "../observability/logger.js";
import type { GraphQLContext } from "./context.js";
import { createErrorFormatter } from "./error-mapping.js";
import { requestLimits } from "./limits.js";
import { buildGraphQLSchema } from "./schema.js";

const logged: unknown[] = [];
const log: Logger = { debug() {}, info() {}, warn() {}, error: (_m, f) => void logged.push(f) };

/** A context whose caller lookup fails as the test says; no resolver gets further. */
function contextFailingWith(e: unknown): GraphQLContext {
  const services = new Proxy({}, { get: () => { throw e; } }) as never;
  return { services, tenantActor: () => Promise.reject(e), adminActor: () => null, authenticationFailed: false };
}

describe("GraphQL errors and limits, in process", () => {
  let apollo: ApolloServer<GraphQLContext>;

  beforeAll(async () => {
    const schema = await buildGraphQLSchema();
    const cfg = loadConfig({ GRAPHQL_MAX_ALIASES: "100" }).graphql;
    const limits = requestLimits(cfg, schema);
    apollo = new ApolloServer<GraphQLContext>({ schema, formatError: createErrorFormatter(log), introspection: false, validationRules: limits.validationRules, parseOptions: limits.parseOptions, plugins: limits.plugins });
    await apollo.start();
  });

  async function errorsOf(query: string, e: unknown = new DomainError("INVALID_API_KEY", "no key"), variables: Record<string, unknown> = {}) {
    const r = await apollo.executeOperation({ query, variables }, { contextValue: contextFailingWith(e) });
    if (r.body.kind !== "single") throw new Error("expected a single result");
    return r.body.singleResult.errors ?? [];
  }

  it("maps a domain error to its code and reason, and a dependency failure as retryable", async () => {
    expect((await errorsOf(`{ galleries { totalCount } }`))[0]?.extensions).toEqual({ code: "UNAUTHENTICATED", reason: "INVALID_API_KEY" });
    expect((await errorsOf(`{ galleries { totalCount } }`, new DomainError("DATABASE_UNAVAILABLE", "down")))[0]?.extensions).toEqual({ code: "SERVICE_UNAVAILABLE", reason: "DATABASE_UNAVAILABLE", retryable: true });
  });

  it("hides an unexpected error behind an id, logging only a safe description", async () => {
    const [e] = await errorsOf(`{ galleries { totalCount } }`, new Error("secret detail 0123456789abcdef0123456789abcdef0123456789"));
    expect(e?.extensions?.["code"]).toBe("INTERNAL_SERVER_ERROR");
    expect(e?.message).toMatch(/^internal error \(id [0-9a-f-]{36}\)$/);
    expect(JSON.stringify(logged.at(-1))).not.toContain("0123456789abcdef0123456789abcdef");
  });

  it("refuses a costly operation before any resolver runs (the failing context is never asked)", async () => {
    const many = `mutation($img: ImageInput!) { ${Array.from({ length: 25 }, (_, i) => `v${i}: verifyFace(input: { subjectId: "s", purpose: "p", image: $img }) { match }`).join(" ")} }`;
    const errors = await errorsOf(many, new Error("resolver ran"), { img: { base64: "AAAA" } });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "QUERY_LIMIT", limit: "cost" });
  });

  it("names alias, depth and token limits", async () => {
    const aliases = await errorsOf(`{ ${Array.from({ length: 101 }, (_, i) => `h${i}: health { status }`).join(" ")} }`);
    expect(aliases[0]?.extensions).toEqual({ code: "BAD_USER_INPUT", reason: "QUERY_LIMIT", limit: "aliases" });
    const tokens = await errorsOf(`{ ${"health { status } ".repeat(600)} }`);
    expect(tokens[0]?.extensions).toEqual({ code: "BAD_USER_INPUT", reason: "QUERY_LIMIT", limit: "token" });
    const plain = await errorsOf(`{ health { status `);
    expect(plain[0]?.extensions).toEqual({ code: "GRAPHQL_PARSE_FAILED" });
  });
});
