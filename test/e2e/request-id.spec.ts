/**
 * Every request has an id: returned in `x-request-id` (the client's own when it is a safe
 * token), in every GraphQL error's extensions, and on every log line written while serving
 * it, so a partner's complaint can be found in the logs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/observability/logger.js";
import { startTestApp, type TestApp } from "../support/app-harness.js";

describe("request ids", () => {
  let t: TestApp;
  let headers: Record<string, string>;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    t = await startTestApp("pglite", {}, { log: createLogger("info", (l) => void lines.push(JSON.parse(l) as Record<string, unknown>)) });
    headers = (await t.createTenant("request-ids")).headers;
  });
  afterAll(async () => {
    await t?.stop();
  });

  const post = (query: string, extra: Record<string, string> = {}) =>
    fetch(t.url, { method: "POST", headers: { "content-type": "application/json", ...headers, ...extra }, body: JSON.stringify({ query }) });

  it("answers with an id, the client's own when it is a safe token", async () => {
    const mine = await post(`{ health { status } }`, { "x-request-id": "partner-req-000123" });
    expect(mine.headers.get("x-request-id")).toBe("partner-req-000123");
    const unsafe = await post(`{ health { status } }`, { "x-request-id": "bad id\twith spaces" });
    expect(unsafe.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const none = await fetch(t.url.replace("/graphql", "/health/live"));
    expect(none.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("puts it in every error's extensions and on the log lines of the request", async () => {
    const subject = ((await (await post(`mutation { createSubject { id } }`)).json()) as any).data.createSubject.id as string;
    // No consent: the policy refuses before any image is read, and logs its decision.
    const res = await post(`mutation { verifyFace(input: { subjectId: "${subject}", purpose: "access_control", image: { base64: "AAAA" } }) { match } }`);
    const requestId = res.headers.get("x-request-id")!;
    const body = (await res.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors[0]!.extensions).toMatchObject({ code: "FORBIDDEN", reason: "CONSENT_REQUIRED", requestId });
    const decision = lines.find((l) => l["msg"] === "policy decision" && l["requestId"] === requestId);
    expect(decision).toMatchObject({ effect: "deny", requestId });
    // Lines of other requests carry their own ids, never this one.
    expect(lines.filter((l) => l["requestId"] === requestId).every((l) => l["msg"] === "policy decision")).toBe(true);
  });
});
