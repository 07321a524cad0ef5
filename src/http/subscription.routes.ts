/**
 * GraphQL subscriptions over server-sent events (the GraphQL-over-SSE protocol, graphql-sse)
 * at /graphql/stream: `subscription { streamIdentifications(streamId) { … } }` with the
 * same key or portal session, the same request limits (validation rules) and the same
 * error mapping as /graphql. Only subscriptions are served here.
 */
import type http from "node:http";
import { GraphQLError, Kind, specifiedRules, validate, type ExecutionResult, type GraphQLSchema, type ValidationRule } from "graphql";
import { createHandler } from "graphql-sse/lib/use/http";
import type { Services } from "../app/services.js";
import { apiKeyIdOf, createContext, presentedApiKey } from "../graphql/context.js";
import { createErrorFormatter } from "../graphql/error-mapping.js";
import type { Logger } from "../observability/logger.js";
import { sendThrottled } from "./http-errors.js";
import { headerReader } from "./tenant-request.js";
import type { Throttle } from "./throttle.js";

export const SUBSCRIPTIONS_PATH = "/graphql/stream";

export function subscriptionRoutes(o: { services: Services; throttle: Throttle; log: Logger; schema: GraphQLSchema; validationRules: readonly ValidationRule[] }) {
  const format = createErrorFormatter(o.log);
  /** Errors as /graphql shows them: typed code and reason, request id, no internals. */
  const mapped = <T extends ExecutionResult>(result: T): T => {
    if (!result.errors) return result;
    const errors = result.errors.map((e) => {
      const f = format(e.toJSON(), e);
      return new GraphQLError(f.message, { extensions: f.extensions ?? {} });
    });
    return { ...result, errors };
  };
  const handler = createHandler<Record<PropertyKey, unknown>>({
    schema: o.schema,
    // Marked as Apollo marks them, so that the one error mapping treats them alike.
    validate: (schema, document) => {
      const invalid = (message: string, e?: GraphQLError) => new GraphQLError(message, { ...(e?.nodes ? { nodes: e.nodes } : {}), extensions: { ...e?.extensions, code: "GRAPHQL_VALIDATION_FAILED" } });
      const errors = validate(schema, document, [...specifiedRules, ...o.validationRules]);
      if (errors.length > 0) return errors.map((e) => invalid(e.message, e));
      const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
      if (operations.some((d) => d.operation !== "subscription")) return [invalid(`only subscriptions are served at ${SUBSCRIPTIONS_PATH}; send queries and mutations to /graphql`)];
      return [];
    },
    context: (req) => createContext(o.services, headerReader(req.raw)) as unknown as Record<PropertyKey, unknown>,
    // Every result reaches the client through onNext (a single error result too).
    onNext: (_ctx, _req, result) => mapped(result as ExecutionResult),
  });
  return async function handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<boolean> {
    if (url.pathname !== SUBSCRIPTIONS_PATH) return false;
    const header = headerReader(req);
    const wait = await o.throttle.admit(apiKeyIdOf(presentedApiKey(header)), req.socket.remoteAddress ?? "unknown");
    if (wait !== null) {
      req.resume();
      sendThrottled(res, wait, "too many requests");
      return true;
    }
    await handler(req, res);
    return true;
  };
}
