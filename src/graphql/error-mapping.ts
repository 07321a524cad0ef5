/**
 * The one place where errors become GraphQL errors. Domain errors keep their message and
 * carry `extensions.code` (BAD_USER_INPUT, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND,
 * CONFLICT) and `extensions.reason`; anything unexpected becomes INTERNAL_SERVER_ERROR
 * with a generic message and an error id, its details going only to the server log.
 */
import { randomUUID } from "node:crypto";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";
import { ArgumentValidationError } from "type-graphql";
import { isDomainError, type ErrorKind } from "../domain/errors.js";
import { describeError, type Logger } from "../observability/logger.js";
import { LIMIT_MESSAGE } from "./limits.js";
import { currentRequestId } from "../observability/request-context.js";

export const GRAPHQL_CODES: Record<ErrorKind, string> = {
  INVALID_INPUT: "BAD_USER_INPUT",
  UNAUTHENTICATED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  UNAVAILABLE: "SERVICE_UNAVAILABLE",
  THROTTLED: "THROTTLED",
};

/** Apollo codes for errors raised before resolvers run (parsing, validation, bad requests). */
const PASS_THROUGH = new Set(["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT", "BAD_REQUEST", "PERSISTED_QUERY_NOT_FOUND", "OPERATION_RESOLUTION_FAILURE"]);

/** Every error answered carries the request's id (also in the x-request-id header), to find it in the logs. */
export function createErrorFormatter(log: Logger) {
  const format = formatError(log);
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const out = format(formatted, error);
    const requestId = currentRequestId();
    return requestId ? { ...out, extensions: { ...out.extensions, requestId } } : out;
  };
}

function formatError(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const unwrapped = unwrapResolverError(error);
    // Plugins (request limits) throw domain errors too; Apollo wraps those in a GraphQLError.
    const original = !isDomainError(unwrapped) && unwrapped instanceof GraphQLError && isDomainError(unwrapped.originalError) ? unwrapped.originalError : unwrapped;
    const path = formatted.path;
    if (isDomainError(original)) {
      return {
        message: original.message,
        ...(path ? { path } : {}),
        extensions: { code: GRAPHQL_CODES[original.kind], reason: original.reason, ...original.details, ...(original.kind === "UNAVAILABLE" ? { retryable: true } : {}) },
      };
    }
    if (original instanceof ArgumentValidationError) {
      const fields = original.extensions.validationErrors?.map((v) => v.property).join(", ");
      return { message: `invalid arguments: ${fields}`, ...(path ? { path } : {}), extensions: { code: "BAD_USER_INPUT", reason: "INVALID_INPUT" } };
    }
    const code = formatted.extensions?.["code"];
    // Errors raised before any resolver ran (no path): parsing, validation, variable coercion.
    if (typeof code === "string" && PASS_THROUGH.has(code) && !path) {
      // A request limit (graphql-armor) is a validation error; name it for clients.
      const match = code === "GRAPHQL_VALIDATION_FAILED" || code === "GRAPHQL_PARSE_FAILED" ? LIMIT_MESSAGE.exec(formatted.message) : null;
      const limit = match ? (match[1] ?? match[2])!.toLowerCase() : undefined;
      const message = formatted.message.replace(/^Syntax Error: /, "");
      return {
        message: limit ? message : formatted.message,
        ...(formatted.locations && !limit ? { locations: formatted.locations } : {}),
        extensions: limit ? { code: "BAD_USER_INPUT", reason: "QUERY_LIMIT", limit: limit === "tokens" ? "token" : limit } : { code },
      };
    }
    const errorId = randomUUID();
    log.error("unexpected error in a GraphQL operation", { errorId, error: describeError(original) });
    return { message: `internal error (id ${errorId})`, ...(path ? { path } : {}), extensions: { code: "INTERNAL_SERVER_ERROR", errorId } };
  };
}
