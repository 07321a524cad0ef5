/** Builds the executable GraphQL schema from the resolver classes. */
import "reflect-metadata";
import type { GraphQLSchema } from "graphql";
import { buildSchema, type PubSub } from "type-graphql";
import { AdminResolver } from "./resolvers/admin.resolver.js";
import { ApiKeyResolver } from "./resolvers/api-key.resolver.js";
import { AuditResolver } from "./resolvers/audit.resolver.js";
import { ComplianceResolver } from "./resolvers/compliance.resolver.js";
import { ConsentResolver } from "./resolvers/consent.resolver.js";
import { CaptureResolver } from "./resolvers/capture.resolver.js";
import { FaceResolver } from "./resolvers/face.resolver.js";
import { FaceApiResolver } from "./resolvers/face-api.resolver.js";
import { DecisionResolver } from "./resolvers/decision.resolver.js";
import { PrivacyNoticeResolver } from "./resolvers/privacy-notice.resolver.js";
import { PortalUserResolver } from "./resolvers/portal-user.resolver.js";
import { SubjectResolver } from "./resolvers/subject.resolver.js";

/**
 * Every subscription brings its own `subscribe` (the stream service's events); type-graphql
 * still asks for a topic-based PubSub, which nothing publishes to.
 */
const NO_TOPICS: PubSub = {
  publish: () => {
    throw new Error("subscriptions here have no topics");
  },
  subscribe: () => {
    throw new Error("subscriptions here have no topics");
  },
};

export function buildGraphQLSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [AdminResolver, ApiKeyResolver, SubjectResolver, ConsentResolver, FaceResolver, FaceApiResolver, CaptureResolver, AuditResolver, ComplianceResolver, PortalUserResolver, DecisionResolver, PrivacyNoticeResolver],
    validate: false,
    pubSub: NO_TOPICS,
  });
}
