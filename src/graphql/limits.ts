/**
 * Bounds on the work one GraphQL request may ask for, all checked before anything runs:
 * tokens (graphql-js's own parser limit, so a huge document is abandoned while parsing),
 * aliases, depth and directives (graphql-armor's validation rules), and an inference-weighted cost (graphql-query-complexity): every field costs 1
 * and a field marked `@Extensions(runsInference())` costs `inferenceCost` per face
 * inference it may run, so 50 aliased `verifyFace` calls are refused as a whole instead of
 * running 50 inferences. Field suggestions ("Did you mean …") are blocked unless
 * introspection is on.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import { ApolloArmor } from "@escape.tech/graphql-armor";
import type { GraphQLSchema, ValidationRule } from "graphql";
import { getComplexity, simpleEstimator, type ComplexityEstimator } from "graphql-query-complexity";
import type { Config } from "../config/config.js";
import { DomainError } from "../domain/errors.js";

const INFERENCE_EXTENSION = "inferences";

/**
 * Field extensions for a field that runs face inference: a fixed number of times per call
 * (default once), or as many times as the argument at a path says: the items of a list
 * (e.g. "frames" of a liveness session) or an integer (e.g. "input.maxFaces").
 */
export function runsInference(per: number | string = 1): Record<string, unknown> {
  return { [INFERENCE_EXTENSION]: per };
}

function inferenceEstimator(cost: number): ComplexityEstimator {
  return ({ field, args, childComplexity }) => {
    const marked = field.extensions?.[INFERENCE_EXTENSION] as number | string | undefined;
    if (marked === undefined) return undefined;
    const runs = typeof marked === "number" ? marked : Math.max(1, countAt(args, marked));
    return cost * runs + childComplexity;
  };
}

/** The list length or integer at a dotted path of the arguments (1 when absent). */
function countAt(args: Record<string, unknown>, path: string): number {
  let v: unknown = args;
  for (const key of path.split(".")) v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined;
  if (Array.isArray(v)) return v.length;
  return typeof v === "number" && Number.isFinite(v) ? Math.ceil(v) : 1;
}

export interface RequestLimits {
  plugins: ApolloServerPlugin[];
  validationRules: ValidationRule[];
  parseOptions: { maxTokens: number };
}

/** Limit rejections are parse or validation errors whose message says which limit; this names them for clients. */
export const LIMIT_MESSAGE = /(?:(aliases|depth|directives) limit of \d+ exceeded)|(?:contains more th(?:an|at) \d+ (tokens))/i;

export function requestLimits(cfg: Config["graphql"], schema: GraphQLSchema): RequestLimits {
  const armor = new ApolloArmor({
    // Tokens are limited by the parser itself (parseOptions below).
    maxTokens: { enabled: false },
    maxAliases: { n: cfg.maxAliases, allowList: [] },
    maxDepth: { n: cfg.maxDepth, ignoreIntrospection: false, flattenFragments: true },
    maxDirectives: { n: cfg.maxDirectives },
    // The weighted cost below replaces armor's flat one.
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: !cfg.introspection },
  }).protect();
  const estimators = [inferenceEstimator(cfg.inferenceCost), simpleEstimator({ defaultComplexity: 1 })];
  const costPlugin: ApolloServerPlugin = {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          let cost: number;
          try {
            cost = getComplexity({ schema, query: document, variables: request.variables ?? {}, ...(request.operationName ? { operationName: request.operationName } : {}), estimators });
          } catch {
            // Variables that do not fit the operation: execution refuses them before any resolver runs.
            return;
          }
          if (cost > cfg.maxCost) {
            throw new DomainError("QUERY_LIMIT", `the operation costs ${cost}, over the limit of ${cfg.maxCost} (each face inference costs ${cfg.inferenceCost}); split it into several requests`, {
              limit: "cost",
              cost,
              maxCost: cfg.maxCost,
            });
          }
        },
      };
    },
  };
  // Armor's declarations name Apollo's CommonJS build; the plugins are the same objects.
  return { plugins: [...(armor.plugins as unknown as ApolloServerPlugin[]), costPlugin], validationRules: armor.validationRules, parseOptions: { maxTokens: cfg.maxTokens } };
}
