/**
 * The HTTP front: Node's http server in front of Apollo Server.
 *   POST /graphql   JSON, or a GraphQL multipart request (file uploads; needs the
 *                   `apollo-require-preflight: true` header, as Apollo's CSRF guard asks)
 *   GET  /graphql   queries only
 *   GET  /health        JSON health (no key needed; 503 when a dependency is down)
 *   GET  /health/live   the process answers (for restarts by an orchestrator)
 *   GET  /health/ready  every dependency's state; 503 until all are up (for load balancers)
 *   /portal             the admin consent portal and its sign-in endpoints (portal.routes.ts)
 *   GET  /exports/audit  the signed audit export, streamed as JSON lines (exports.routes.ts)
 *   POST /streams/{id}/frames, GET /streams/{id}/events   video and camera streams (stream.routes.ts)
 *   /graphql/stream     GraphQL subscriptions over server-sent events (subscription.routes.ts)
 *   GET  /metrics       Prometheus metrics (src/observability/telemetry.ts); no key, like /health
 * Every GraphQL request passes the rate limits first (src/http/throttle.ts): THROTTLED
 * with HTTP 429 and Retry-After when over them.
 */
import type { GraphQLSchema, ValidationRule } from "graphql";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { HeaderMap, type ApolloServer } from "@apollo/server";
import processRequest from "graphql-upload/processRequest.mjs";
import type { Services } from "../app/services.js";
import { apiKeyIdOf, cookieOf, createContext, presentedApiKey, SESSION_COOKIE, type GraphQLContext } from "../graphql/context.js";
import { GRAPHQL_CODES } from "../graphql/error-mapping.js";
import type { Throttle } from "./throttle.js";
import { portalRoutes } from "./portal.routes.js";
import { exportRoutes } from "./exports.routes.js";
import { readBytes } from "./body.js";
import { streamRoutes } from "./stream.routes.js";
import { subscriptionRoutes } from "./subscription.routes.js";
import { sendJson } from "./http-errors.js";
import { requestIdFor, withRequest } from "../observability/request-context.js";
import { inSpan, serveMetrics } from "../observability/telemetry.js";
import type { Logger } from "../observability/logger.js";

export interface HttpOptions {
  host: string;
  port: number;
  /** Largest accepted image; request bodies may be about 4/3 of it (base64) plus slack. */
  maxImageBytes: number;
  /** Largest video file posted to a stream. */
  maxVideoBytes: number;
  /** The schema and request limits subscriptions are served with (GraphQL over SSE at /graphql/stream). */
  subscriptions: { schema: GraphQLSchema; validationRules: readonly ValidationRule[] };
  throttle: Throttle;
  /** The admin consent portal (src/http/portal.routes.ts). */
  portal: { staticDir: string; secureCookies: boolean };
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startHttpServer(apollo: ApolloServer<GraphQLContext>, services: Services, log: Logger, opts: HttpOptions): Promise<RunningServer> {
  const maxBody = Math.ceil(opts.maxImageBytes * 1.4) + 1024 * 1024;
  const portal = portalRoutes({ users: services.portalUsers, throttle: opts.throttle, ...opts.portal });
  const exports = exportRoutes({ services, throttle: opts.throttle, log });
  const subscriptions = subscriptionRoutes({ services, throttle: opts.throttle, log, ...opts.subscriptions });
  const streams = streamRoutes({ services, throttle: opts.throttle, maxImageBytes: opts.maxImageBytes, maxVideoBytes: opts.maxVideoBytes });

  const server = http.createServer((req, res) => {
    const header = req.headers["x-request-id"];
    const requestId = requestIdFor(Array.isArray(header) ? header[0] : header);
    res.setHeader("x-request-id", requestId);
    withRequest(requestId, () => handle(req, res)).catch((e) => {
      log.error("request failed", { error: e });
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: "internal error", extensions: { code: "INTERNAL_SERVER_ERROR" } }] });
      else res.end();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/health/live" && req.method === "GET") {
      sendJson(res, 200, { status: "ok" });
      return;
    }
    if ((url.pathname === "/health" || url.pathname === "/health/ready") && req.method === "GET") {
      const h = await services.health();
      sendJson(res, h.status === "ok" ? 200 : 503, h);
      return;
    }
    if (url.pathname === "/metrics" && req.method === "GET") {
      if (!serveMetrics(req, res)) sendJson(res, 404, { error: "metrics are off (OTEL_METRICS_EXPORTER has no prometheus, or OTEL_SDK_DISABLED)" });
      return;
    }
    if (await portal(req, res, url)) return;
    if (await exports(req, res, url)) return;
    if (await streams(req, res, url)) return;
    if (await subscriptions(req, res, url)) return;
    if (url.pathname !== "/graphql") {
      sendJson(res, 404, { error: "not found; GraphQL is at /graphql, the portal at /portal" });
      return;
    }

    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);

    const address = req.socket.remoteAddress ?? "unknown";
    const apiKey = presentedApiKey((name) => headers.get(name));
    const credentialed = apiKey !== undefined || headers.get("x-admin-token") !== undefined || cookieOf(headers.get("cookie"), SESSION_COOKIE) !== undefined;
    const wait = (credentialed ? await opts.throttle.authBlocked(address) : null) ?? (await opts.throttle.admit(apiKeyIdOf(apiKey), address));
    if (wait !== null) {
      res.setHeader("retry-after", String(wait));
      sendJson(res, 429, { errors: [{ message: `too many requests; retry in ${wait} s`, extensions: { code: GRAPHQL_CODES.THROTTLED, reason: "THROTTLED", retryAfter: wait, retryable: true } }] });
      req.resume();
      return;
    }

    let body: unknown = undefined;
    const type = headers.get("content-type") ?? "";
    if (req.method === "POST" && type.startsWith("multipart/form-data")) {
      if (!headers.get("apollo-require-preflight") && !headers.get("x-apollo-operation-name")) {
        sendJson(res, 400, badRequest("multipart requests need the header `apollo-require-preflight: true` (CSRF protection)", "PREFLIGHT_REQUIRED"));
        return;
      }
      try {
        body = await processRequest(req, res, { maxFileSize: opts.maxImageBytes, maxFiles: 1, maxFieldSize: maxBody });
      } catch (e) {
        // graphql-upload's HttpErrors carry a 4xx status; anything else is still the client's body.
        const status = (e as { status?: number }).status ?? 400;
        sendJson(res, status === 413 ? 413 : 400, badRequest(`invalid multipart request: ${(e as Error).message}`, status === 413 ? "IMAGE_TOO_LARGE" : "INVALID_INPUT"));
        return;
      }
      headers.set("content-type", "application/json");
    } else if (req.method === "POST") {
      const text = await readBody(req, maxBody);
      if (text === null) {
        sendJson(res, 413, badRequest(`request body over ${maxBody} bytes`, "IMAGE_TOO_LARGE"));
        return;
      }
      if (type.startsWith("application/json")) {
        try {
          body = JSON.parse(text);
        } catch {
          sendJson(res, 400, badRequest("the request body is not valid JSON"));
          return;
        }
      } else {
        body = text;
      }
    }

    let context: GraphQLContext | undefined;
    // One span for the operation (named by the telemetry plugin); everything it runs is a child of it.
    const result = await inSpan("graphql", {}, () =>
      apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? "GET", headers, search: url.search, body },
        context: async () => (context = createContext(services, (name) => headers.get(name))),
      }),
    );
    if (context?.authenticationFailed) await opts.throttle.authFailed(address);
    res.statusCode = result.status ?? 200;
    for (const [k, v] of result.headers) res.setHeader(k, v);
    if (result.body.kind === "complete") {
      res.end(result.body.string);
    } else {
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${opts.host.includes(":") ? `[${opts.host}]` : opts.host}:${port}/graphql`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function badRequest(message: string, reason: string = "INVALID_INPUT") {
  return { errors: [{ message, extensions: { code: reason === "INVALID_INPUT" || reason === "IMAGE_TOO_LARGE" ? "BAD_USER_INPUT" : "BAD_REQUEST", reason } }] };
}

/** The body as text, or null when it exceeds `limit` bytes. */
async function readBody(req: http.IncomingMessage, limit: number): Promise<string | null> {
  return (await readBytes(req, limit))?.toString("utf8") ?? null;
}
