/**
 * What services may tell the operator's telemetry (implemented with OpenTelemetry in
 * src/observability/telemetry.ts; a no-op by default): spans around their work, and counts.
 * Attributes and labels are ids of tenants and operations, outcomes and reasons — never
 * subject data, images, vectors, scores or secrets.
 */
import type { TraceCarrier } from "./jobs.port.js";

export type TelemetryAttributes = Record<string, string | number | boolean>;

/**
 * The counters services add to: 1:1 and 1:N decisions (kind, outcome); audit events written (outcome) or lost (outcome UNWRITTEN);
 * consents granted and withdrawn (change); retention sweeps completed, and templates they
 * destroyed (reason); data keys re-wrapped by key rotations.
 */
export type CounterName = "decisions" | "auditEvents" | "consentChanges" | "retentionSweeps" | "retentionDeletions" | "keysRewrapped";

/** The latencies services record (seconds): 1:N index searches, by gallery. */
export type HistogramName = "indexSearchDuration";

export interface Telemetry {
  span<T>(name: string, attributes: TelemetryAttributes, work: () => Promise<T>): Promise<T>;
  /** Adds to one of the counters named in COUNTERS. */
  count(counter: CounterName, n: number, labels?: Record<string, string>): void;
  record(histogram: HistogramName, value: number, labels?: Record<string, string>): void;
  /** The current trace as a carrier for a job to continue (undefined when nothing is traced). */
  carrier(): TraceCarrier | undefined;
  /** Runs a job as a span continuing the trace that enqueued it (a new trace without one). */
  job<T>(name: string, carrier: TraceCarrier | undefined, work: () => Promise<T>): Promise<T>;
}

export const noTelemetry: Telemetry = {
  span: (_name, _attributes, work) => work(),
  count: () => undefined,
  record: () => undefined,
  carrier: () => undefined,
  job: (_name, _carrier, work) => work(),
};
