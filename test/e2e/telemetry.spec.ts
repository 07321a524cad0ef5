/**
 * OpenTelemetry as an operator sees it, through the real server on PostgreSQL with the SDK
 * started as `npm start` starts it (spans into an in-memory exporter here): enrollFace and
 * verifyFace each give a span tree — the operation, its capture with a span per face stage,
 * its transactions; /metrics is Prometheus text whose counters move as operations run; and
 * no span, attribute, metric or log line of the whole flow holds a planted canary: the
 * external reference, the API key, bytes of the image, or the embedding's first values.
 */
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/observability/logger.js";
import { startTelemetry, stopTelemetry } from "../../src/observability/telemetry.js";
import { startTestApp, type TestApp } from "../support/app-harness.js";
import { sharedEngine } from "../support/engine.js";
import { gql } from "../support/graphql-client.js";
import { readFace } from "../support/images.js";

const P = "access_control";
const EXTERNAL_REF = "CANARY-ext-7f3a91";

/** Prometheus text as samples; throws on a line that is not `name{labels} value` or a comment. */
function parsePrometheus(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  const out: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)(?: \d+)?$/.exec(line);
    if (!m) throw new Error(`not Prometheus text: ${line}`);
    const labels = Object.fromEntries([...(m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]));
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

describe("telemetry", () => {
  const spans = new InMemorySpanExporter();
  const logs: string[] = [];
  let t: TestApp;
  let apiKey: string;
  let tenantId: string;
  let subject: string;
  let photo: Buffer;
  const as = (q: string, v: Record<string, unknown> = {}) => gql(t.url, q, v, { authorization: `Bearer ${apiKey}` });
  const metrics = async () => parsePrometheus(await (await fetch(t.url.replace("/graphql", "/metrics"))).text());
  const sample = (all: Awaited<ReturnType<typeof metrics>>, name: string, labels: Record<string, string>) =>
    all.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value ?? 0;

  beforeAll(async () => {
    startTelemetry({ env: {}, spanProcessors: [new SimpleSpanProcessor(spans)] });
    t = await startTestApp("postgres", { LOG_LEVEL: "debug" }, { log: createLogger("debug", (l) => void logs.push(l)) });
    const tenant = await t.createTenant("telemetry");
    apiKey = tenant.apiKey;
    tenantId = tenant.tenantId;
    photo = await readFace("obama/obama-2.jpg");
    subject = (await as(`mutation($r: String) { createSubject(externalRef: $r) { id } }`, { r: EXTERNAL_REF })).data!["createSubject"].id;
    await as(`mutation($s: ID!) { grantConsent(input: { subjectId: $s, purpose: "${P}", noticeVersion: "n1", method: CLICK }) { consent { id } } }`, { s: subject });
  });
  afterAll(async () => {
    await t?.stop();
    await stopTelemetry();
  });

  const children = (all: ReadableSpan[], parent: ReadableSpan) => all.filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId && s.spanContext().traceId === parent.spanContext().traceId);

  it("traces enrollFace and verifyFace: the operation, its capture with a span per stage, its transactions", async () => {
    const gallery = (await as(`mutation { createGallery(name: "staff") { id } }`)).data!["createGallery"].id;
    const img = { base64: photo.toString("base64") };
    spans.reset();
    expect((await as(`mutation($s: ID!, $g: ID!, $img: ImageInput!) { enrollFace(input: { subjectId: $s, galleryId: $g, purpose: "${P}", image: $img }) { templateId } }`, { s: subject, g: gallery, img })).errors).toBeUndefined();
    expect((await as(`mutation($s: ID!, $img: ImageInput!) { verifyFace(input: { subjectId: $s, purpose: "${P}", image: $img }) { match } }`, { s: subject, img })).data!["verifyFace"].match).toBe(true);
    const all = spans.getFinishedSpans() as ReadableSpan[];
    for (const op of ["enrollFace", "verifyFace"]) {
      const root = all.find((s) => s.name === `graphql ${op}`);
      expect(root, op).toBeDefined();
      expect(root!.attributes).toMatchObject({ "face_id.operation": op, "face_id.tenant": tenantId, "face_id.outcome": "OK", "graphql.operation.type": "mutation" });
      const capture = children(all, root!).find((s) => s.name === "inference.capture");
      expect(capture, `${op} capture`).toBeDefined();
      const stages = children(all, capture!).map((s) => s.name);
      expect(stages).toEqual(expect.arrayContaining(["stage.decode", "stage.detect", "stage.landmarks", "stage.align", "stage.embed"]));
      for (const s of children(all, capture!)) {
        expect(s.startTime[0] * 1e3 + s.startTime[1] / 1e6).toBeGreaterThanOrEqual(capture!.startTime[0] * 1e3 + capture!.startTime[1] / 1e6 - 5);
      }
      expect(children(all, root!).some((s) => s.name === "db.transaction")).toBe(true);
      expect(children(all, root!).some((s) => s.name === "policy.decide")).toBe(true);
    }
    // Verification unwraps the subject's key from the vault, in a span of its own.
    const verify = all.find((s) => s.name === "graphql verifyFace")!;
    const below = (parent: ReadableSpan): ReadableSpan[] => children(all, parent).flatMap((c) => [c, ...below(c)]);
    expect(below(verify).map((s) => s.name)).toContain("keys.fetch");
    // A refusal is an error span with its reason.
    spans.reset();
    await as(`mutation($s: ID!, $img: ImageInput!) { verifyFace(input: { subjectId: $s, purpose: "payment_verification", image: $img }) { match } }`, { s: subject, img });
    const refused = (spans.getFinishedSpans() as ReadableSpan[]).find((s) => s.name === "graphql verifyFace")!;
    expect(refused.attributes).toMatchObject({ "face_id.outcome": "FORBIDDEN", "face_id.error.reason": "CONSENT_REQUIRED" });
  });

  it("continues the trace of a request in the job it enqueued", async () => {
    spans.reset();
    expect((await as(`mutation { rotateTenantKey { currentVersion } }`)).errors).toBeUndefined();
    const request = (spans.getFinishedSpans() as ReadableSpan[]).find((s) => s.name === "graphql rotateTenantKey")!;
    expect(request).toBeDefined();
    let job: ReadableSpan | undefined;
    for (let i = 0; i < 200 && !job; i++) {
      job = (spans.getFinishedSpans() as ReadableSpan[]).find((s) => s.name === "job keys.rotate");
      if (!job) await new Promise((r) => setTimeout(r, 50));
    }
    expect(job, "the job's span").toBeDefined();
    expect(job!.spanContext().traceId).toBe(request.spanContext().traceId);
    expect(job!.attributes).toMatchObject({ "face_id.job": "keys.rotate" });
  });

  it("serves /metrics as Prometheus text whose counters move as operations run", async () => {
    const before = await metrics();
    const img = { base64: photo.toString("base64") };
    await as(`mutation($s: ID!, $img: ImageInput!) { verifyFace(input: { subjectId: $s, purpose: "${P}", image: $img }) { match } }`, { s: subject, img });
    const other = (await as(`mutation { createSubject { id } }`)).data!["createSubject"].id;
    await as(`mutation($s: ID!) { grantConsent(input: { subjectId: $s, purpose: "${P}", noticeVersion: "n1", method: CLICK }) { consent { id } } }`, { s: other });
    await as(`mutation($s: ID!) { withdrawConsent(subjectId: $s, purpose: "${P}") { destroyedTemplates } }`, { s: other });
    await as(`mutation($s: ID!) { openDataSubjectRequest(subjectId: $s, kind: ACCESS) { id } }`, { s: other });
    const gallery = (await as(`{ galleries(filter: { name: "staff" }) { edges { node { id } } } }`)).data!["galleries"].edges[0].node.id as string;
    spans.reset();
    await as(`mutation($g: ID!, $img: ImageInput!) { identifyFace(input: { galleryId: $g, purpose: "${P}", image: $img }) { match } }`, { g: gallery, img });
    expect((spans.getFinishedSpans() as ReadableSpan[]).some((s) => s.name === "index.search" && s.attributes["face_id.gallery"] === gallery)).toBe(true);
    const after = await metrics();
    const delta = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);
    expect(delta("faceid_consent_changes_total", { change: "grant" })).toBe(1);
    expect(delta("faceid_consent_changes_total", { change: "withdraw" })).toBe(1);
    expect(delta("faceid_dsr_requests", { state: "open" })).toBe(1);
    expect(delta("faceid_decisions_total", { kind: "identify", outcome: "match" })).toBe(1);
    expect(delta("faceid_index_search_duration_seconds_count", { gallery })).toBeGreaterThanOrEqual(1);
    expect(sample(after, "faceid_index_templates", { gallery })).toBe(1);
    // The app's start ran a sweep: it is counted, and its age is known.
    expect(sample(after, "faceid_retention_sweeps_total", {})).toBeGreaterThanOrEqual(1);
    expect(after.some((s) => s.name === "faceid_retention_sweep_age_seconds" && s.value >= 0)).toBe(true);
    const ops = (m: typeof before, operation: string) => sample(m, "faceid_graphql_operations_total", { operation, outcome: "OK" });
    expect(ops(after, "verifyFace") - ops(before, "verifyFace")).toBe(1);
    expect(ops(after, "createSubject") - ops(before, "createSubject")).toBe(1);
    expect(sample(after, "faceid_decisions_total", { kind: "verify", outcome: "match" }) - sample(before, "faceid_decisions_total", { kind: "verify", outcome: "match" })).toBe(1);
    expect(sample(after, "faceid_inference_stage_duration_seconds_count", { stage: "embed" })).toBeGreaterThan(sample(before, "faceid_inference_stage_duration_seconds_count", { stage: "embed" }));
    expect(sample(after, "faceid_audit_events_total", { outcome: "SUCCESS" })).toBeGreaterThan(sample(before, "faceid_audit_events_total", { outcome: "SUCCESS" }));
    expect(after.some((s) => s.name === "faceid_graphql_operation_duration_seconds_bucket")).toBe(true);
    // Labels stay few: no subject, template or tenant ids.
    const labelValues = after.flatMap((s) => Object.values(s.labels));
    expect(labelValues.some((v) => /^(sub|tpl|ten|dec)_/.test(v))).toBe(false);
  });

  it("leaks no planted canary into spans, metrics or logs", async () => {
    const engine = await sharedEngine();
    const capture = await engine.capture(photo, "largest");
    const canaries = [
      EXTERNAL_REF,
      apiKey,
      apiKey.split(".")[1]!,
      photo.toString("base64").slice(100, 140),
      ...Array.from(capture.embedding.slice(0, 3)).flatMap((v) => [String(v), v.toFixed(5)]),
    ];
    const spanText = JSON.stringify((spans.getFinishedSpans() as ReadableSpan[]).map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status })));
    const metricsText = await (await fetch(t.url.replace("/graphql", "/metrics"))).text();
    for (const canary of canaries) {
      expect(spanText, "spans").not.toContain(canary);
      expect(metricsText, "metrics").not.toContain(canary);
      expect(logs.join("\n"), "logs").not.toContain(canary);
    }
    // The logs were written (with request and trace ids), so the scan had something to read.
    expect(logs.some((l) => l.includes('"traceId"') && l.includes('"requestId"'))).toBe(true);
  });
});
