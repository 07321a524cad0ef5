/**
 * Names and closes out the span of each GraphQL operation (opened around it by the HTTP
 * layer): `graphql <root fields>`, the operation type, the tenant (set when the caller is
 * authenticated, context.ts), the outcome (OK or the first error's code) and its reason;
 * and counts operations and their latency by root field and outcome. Root field names come
 * from the schema, so labels stay few; the client's operation name, variables and
 * arguments are never recorded.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import { SpanStatusCode, trace } from "@opentelemetry/api";
import { Kind, type OperationDefinitionNode } from "graphql";
import { instruments } from "../observability/telemetry.js";
import type { GraphQLContext } from "./context.js";

/** The operation's root fields (at most 3 named, sorted), e.g. "verifyFace". */
export function rootFields(operation: OperationDefinitionNode | null | undefined): string {
  const names = [...new Set((operation?.selectionSet.selections ?? []).flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : [])))].sort();
  return names.length === 0 ? "unknown" : names.length > 3 ? `${names.slice(0, 3).join(",")},…` : names.join(",");
}

export function telemetryPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      const began = performance.now();
      const span = trace.getActiveSpan();
      let operation = "unknown";
      return {
        async didResolveOperation({ operation: op }) {
          operation = rootFields(op);
          span?.updateName(`graphql ${operation}`);
          span?.setAttributes({ "graphql.operation.type": op?.operation ?? "unknown", "face_id.operation": operation });
        },
        async willSendResponse({ response }) {
          const errors = response.body.kind === "single" ? response.body.singleResult.errors : undefined;
          const first = errors?.[0]?.extensions;
          const outcome = errors?.length ? String(first?.["code"] ?? "ERROR") : "OK";
          span?.setAttribute("face_id.outcome", outcome);
          if (first?.["reason"] !== undefined) span?.setAttribute("face_id.error.reason", String(first["reason"]));
          if (outcome !== "OK") span?.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
          const labels = { operation, outcome };
          instruments().operations.add(1, labels);
          instruments().operationDuration.record((performance.now() - began) / 1000, labels);
        },
      };
    },
  };
}
