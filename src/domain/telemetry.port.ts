/**
 * What services may tell the operator's telemetry (implemented with OpenTelemetry in
 * src/observability/telemetry.ts; a no-op by default): spans around their work, and counts.
 * Attributes and labels are ids of tenants and operations, outcomes and reasons — never
 * subject data, images, vectors, scores or secrets.
 */
export type TelemetryAttributes = Record<string, string | number | boolean>;

export interface Telemetry {
  span<T>(name: string, attributes: TelemetryAttributes, work: () => Promise<T>): Promise<T>;
  /** Counts audit events written (outcome) or lost (outcome "UNWRITTEN"). */
  auditEvents(outcome: string, n: number): void;
}

export const noTelemetry: Telemetry = {
  span: (_name, _attributes, work) => work(),
  auditEvents: () => undefined,
};
