/**
 * What services may tell the operator's telemetry (implemented with OpenTelemetry in
 * src/observability/telemetry.ts; a no-op by default): spans around their work, and counts.
 * Attributes and labels are ids of tenants and operations, outcomes and reasons — never
 * subject data, images, vectors, scores or secrets.
 */
import type { TraceCarrier } from "./jobs.port.js";

export type TelemetryAttributes = Record<string, string | number | boolean>;

export interface Telemetry {
  span<T>(name: string, attributes: TelemetryAttributes, work: () => Promise<T>): Promise<T>;
  /** Counts audit events written (outcome) or lost (outcome "UNWRITTEN"). */
  auditEvents(outcome: string, n: number): void;
  /** The current trace as a carrier for a job to continue (undefined when nothing is traced). */
  carrier(): TraceCarrier | undefined;
  /** Runs a job as a span continuing the trace that enqueued it (a new trace without one). */
  job<T>(name: string, carrier: TraceCarrier | undefined, work: () => Promise<T>): Promise<T>;
}

export const noTelemetry: Telemetry = {
  span: (_name, _attributes, work) => work(),
  auditEvents: () => undefined,
  carrier: () => undefined,
  job: (_name, _carrier, work) => work(),
};
