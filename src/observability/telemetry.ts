/**
 * OpenTelemetry for the whole process: traces and metrics through @opentelemetry/sdk-node,
 * started once before the application loads (`node --import ./dist/src/observability/register.js`,
 * what `npm start` runs), configured by the standard OTEL_* variables:
 *   - metrics: Prometheus text on GET /metrics (OTEL_METRICS_EXPORTER=prometheus, the default),
 *     and OTLP when it lists `otlp` (OTEL_EXPORTER_OTLP_ENDPOINT …); `none` turns them off;
 *   - traces: exported only when OTEL_TRACES_EXPORTER or an OTLP endpoint is set (sampling by
 *     OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG); otherwise no span is recorded at all;
 *   - OTEL_SDK_DISABLED=true: nothing (every call below is then OpenTelemetry's no-op).
 * The application only uses the API (`span`, `instruments`); nothing sensitive goes into a
 * span or a label (see DEVELOPERS.md and test/e2e/telemetry.spec.ts).
 */
import type http from "node:http";
import { context, metrics, propagation, ROOT_CONTEXT, SpanStatusCode, trace, type Attributes, type Counter, type Histogram, type ObservableResult, type Span } from "@opentelemetry/api";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { NodeSDK } from "@opentelemetry/sdk-node";
import type { SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { isDomainError } from "../domain/errors.js";
import type { TraceCarrier } from "../domain/jobs.port.js";
import type { Telemetry } from "../domain/telemetry.port.js";

export const SERVICE_NAME = "face-id-platform";

interface Running {
  sdk: NodeSDK;
  prometheus: PrometheusExporter | null;
}
let running: Running | null = null;

export interface TelemetryOptions {
  env?: NodeJS.ProcessEnv;
  /** Instead of what the environment says (tests: an in-memory exporter). */
  spanProcessors?: SpanProcessor[];
}

/** Starts the SDK once for the process; later calls return what the first one started. */
export function startTelemetry(opts: TelemetryOptions = {}): { prometheus: PrometheusExporter | null } {
  if (running) return running;
  const env = opts.env ?? process.env;
  if (env["OTEL_SDK_DISABLED"] === "true") return { prometheus: null };
  const wanted = (env["OTEL_METRICS_EXPORTER"] ?? "prometheus").split(",").map((s) => s.trim());
  const prometheus = wanted.includes("prometheus") ? new PrometheusExporter({ preventServerStart: true }) : null;
  const tracesConfigured = Boolean(env["OTEL_TRACES_EXPORTER"] || env["OTEL_EXPORTER_OTLP_ENDPOINT"] || env["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]);
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ "service.name": env["OTEL_SERVICE_NAME"] ?? SERVICE_NAME }),
    autoDetectResources: false,
    // Traces from the environment only when asked for; none recorded otherwise.
    ...(opts.spanProcessors ? { spanProcessors: opts.spanProcessors } : tracesConfigured ? {} : { spanProcessors: [] }),
    metricReaders: [
      ...(prometheus ? [prometheus] : []),
      // OTLP/HTTP to OTEL_EXPORTER_OTLP_(METRICS_)ENDPOINT, every OTEL_METRIC_EXPORT_INTERVAL ms (60 s).
      ...(wanted.includes("otlp") ? [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter(), exportIntervalMillis: Number(env["OTEL_METRIC_EXPORT_INTERVAL"] ?? 60_000) })] : []),
    ],
    // Logs stay JSON lines on stderr (with trace ids): no log exporter.
    logRecordProcessors: [],
  });
  sdk.start();
  made = null;
  running = { sdk, prometheus };
  return running;
}

export async function stopTelemetry(): Promise<void> {
  const r = running;
  running = null;
  await r?.sdk.shutdown();
}

/** Answers GET /metrics in Prometheus text format; false when metrics are off. */
export function serveMetrics(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  if (!running?.prometheus) return false;
  running.prometheus.getMetricsRequestHandler(req, res);
  return true;
}

const tracer = () => trace.getTracer(SERVICE_NAME);

/**
 * Runs `work` in a new span (a child of the active one). A failure ends the span as an
 * error with the domain reason only (never a message, which may hold input).
 */
export async function inSpan<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (e) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: isDomainError(e) ? e.reason : "INTERNAL" });
      if (isDomainError(e)) span.setAttribute("face_id.error.reason", e.reason);
      throw e;
    } finally {
      span.end();
    }
  });
}

/** A finished piece of work as a span (stage timings measured in a worker thread). */
export function recordSpan(name: string, start: number, end: number): void {
  tracer().startSpan(name, { startTime: start }).end(end);
}

export interface Instruments {
  /** GraphQL operations by root field and outcome (OK or the error code). */
  operations: Counter;
  operationDuration: Histogram;
  /** Face stages (StageTiming's names) and the whole capture or inspection, seconds. */
  stageDuration: Histogram;
  /** 1:1 and 1:N decisions by kind and outcome. */
  decisions: Counter;
  /** Audit events written, and refusals or failures that could not be written. */
  auditEvents: Counter;
  consentChanges: Counter;
  retentionSweeps: Counter;
  retentionDeletions: Counter;
  keysRewrapped: Counter;
  indexSearchDuration: Histogram;
}

let made: Instruments | null = null;

/** The instruments, made on first use (after the SDK started: a meter taken earlier would stay a no-op). */
export function instruments(): Instruments {
  if (made) return made;
  const meter = metrics.getMeter(SERVICE_NAME);
  made = {
    operations: meter.createCounter("faceid_graphql_operations", { description: "GraphQL operations by root field and outcome" }),
    operationDuration: meter.createHistogram("faceid_graphql_operation_duration_seconds", { description: "GraphQL operation latency", unit: "s" }),
    stageDuration: meter.createHistogram("faceid_inference_stage_duration_seconds", { description: "Face inference latency per stage (capture: queue and all stages)", unit: "s" }),
    decisions: meter.createCounter("faceid_decisions", { description: "Verification and identification decisions by outcome" }),
    auditEvents: meter.createCounter("faceid_audit_events", { description: "Audit events written by outcome (UNWRITTEN: a refusal or failure that could not be written)" }),
    consentChanges: meter.createCounter("faceid_consent_changes", { description: "Consents granted and withdrawn" }),
    retentionSweeps: meter.createCounter("faceid_retention_sweeps", { description: "Retention sweeps completed" }),
    retentionDeletions: meter.createCounter("faceid_retention_deletions", { description: "Templates destroyed by the retention sweep, by reason" }),
    keysRewrapped: meter.createCounter("faceid_keys_rewrapped", { description: "Subject data keys re-wrapped under a tenant's new key version" }),
    indexSearchDuration: meter.createHistogram("faceid_index_search_duration_seconds", { description: "1:N matching index search latency", unit: "s" }),
  };
  return made;
}

/** An observable gauge read at each scrape (worker-pool queue, index size, open requests); returns its removal. */
export function observe(name: string, description: string, read: () => Observation[] | Promise<Observation[]>): () => void {
  const gauge = metrics.getMeter(SERVICE_NAME).createObservableGauge(name, { description });
  const callback = async (result: ObservableResult) => {
    for (const r of await read()) result.observe(r.value, r.attributes);
  };
  gauge.addCallback(callback);
  return () => gauge.removeCallback(callback);
}

export interface Observation {
  value: number;
  attributes?: Attributes;
}

/** The services' telemetry port (src/domain/telemetry.port.ts) over the API above. */
export const otelTelemetry: Telemetry = {
  span: (name, attributes, work) => inSpan(name, attributes, () => work()),
  count: (counter, n, labels = {}) => instruments()[counter].add(n, labels),
  record: (histogram, value, labels = {}) => instruments()[histogram].record(value, labels),
  carrier() {
    const carrier: TraceCarrier = {};
    propagation.inject(context.active(), carrier);
    return Object.keys(carrier).length > 0 ? carrier : undefined;
  },
  job(name, carrier, work) {
    const parent = carrier ? propagation.extract(ROOT_CONTEXT, carrier) : ROOT_CONTEXT;
    return context.with(parent, () => inSpan(`job ${name}`, { "face_id.job": name }, () => work()));
  },
};
