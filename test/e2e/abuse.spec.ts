/**
 * Abusive GraphQL is refused before anything runs: a 10,000-alias document without a key,
 * 50 aliased verifyFace calls with one, deep nesting, an inference-weighted cost over the
 * limit, introspection and field suggestions without configuration.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app-harness.js";
import { gql, type GqlResponse } from "../support/graphql-client.js";
import { readFace } from "../support/images.js";

const b64 = (buf: Uint8Array) => ({ base64: Buffer.from(buf).toString("base64") });

describe("request limits", () => {
  let t: TestApp;
  let headers: Record<string, string>;
  let subjectId: string;
  let img: { base64: string };

  const timed = async (call: () => Promise<GqlResponse>) => {
    const start = performance.now();
    const r = await call();
    return { r, ms: performance.now() - start };
  };
  const verifyEvents = async () => Number((await t.sql<{ n: bigint }>(`SELECT count(*) AS n FROM "AuditEvent" WHERE "action" = 'VERIFY_FACE'`))[0]!.n);

  beforeAll(async () => {
    // Aliases allowed up to 100 here, so that the cost limit is what refuses 50 inferences.
    t = await startTestApp("postgres", { GRAPHQL_MAX_ALIASES: "100" });
    const tenant = await t.createTenant("abuse");
    headers = tenant.headers;
    subjectId = (await gql(t.url, `mutation { createSubject { id } }`, {}, headers)).data!["createSubject"].id;
    img = b64(await readFace("obama/obama-1.jpg"));
  });
  afterAll(async () => t?.stop());

  it("refuses 10,000 aliases without a key while parsing (token limit)", async () => {
    const doc = `{ ${Array.from({ length: 10_000 }, (_, i) => `a${i}: health { status }`).join(" ")} }`;
    const { r, ms } = await timed(() => gql(t.url, doc));
    expect(r.data ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions, r.errors?.[0]?.message).toMatchObject({ code: "BAD_USER_INPUT", reason: "QUERY_LIMIT", limit: "token" });
    console.log(`10,000 aliases refused in ${ms.toFixed(1)} ms`);
  });

  it("refuses 50 aliased verifyFace calls by their inference cost, running none of them", async () => {
    const doc = `mutation($s: ID!, $img: ImageInput!) { ${Array.from({ length: 50 }, (_, i) => `v${i}: verifyFace(input: { subjectId: $s, purpose: "access_control", image: $img }) { match }`).join(" ")} }`;
    const before = await verifyEvents();
    const { r, ms } = await timed(() => gql(t.url, doc, { s: subjectId, img }, headers));
    expect(r.data ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "QUERY_LIMIT", limit: "cost", cost: 50 * 100 + 50, maxCost: 2000 });
    expect(await verifyEvents()).toBe(before);
    console.log(`50 aliased verifyFace refused in ${ms.toFixed(1)} ms`);
  });

  it("counts a liveness submission by its frames", async () => {
    const frames = Array.from({ length: 25 }, () => img);
    const r = await gql(t.url, `mutation($f: [ImageInput!]!) { submitLivenessFrames(sessionId: "liv_x", frames: $f) { passed } }`, { f: frames }, headers);
    expect(r.errors?.[0]?.extensions).toMatchObject({ reason: "QUERY_LIMIT", limit: "cost" });
    const few = await gql(t.url, `mutation($f: [ImageInput!]!) { submitLivenessFrames(sessionId: "liv_x", frames: $f) { passed } }`, { f: frames.slice(0, 3) }, headers);
    expect(few.errors?.[0]?.extensions?.reason).toBe("LIVENESS_SESSION_NOT_FOUND");
  });

  it("lets a request with one inference through", async () => {
    const r = await gql(t.url, `mutation($s: ID!, $img: ImageInput!) { verifyFace(input: { subjectId: $s, purpose: "access_control", image: $img }) { match } }`, { s: subjectId, img }, headers);
    expect(r.errors?.[0]?.extensions?.reason).toBe("CONSENT_REQUIRED");
  });

  it("refuses deep nesting", async () => {
    let inner = "id";
    for (let i = 0; i < 12; i++) inner = `templates { ${inner} }`;
    const { r, ms } = await timed(() => gql(t.url, `{ subject(id: "x") { ${inner} } }`, {}, headers));
    expect(r.errors?.map((e) => e.extensions)).toContainEqual(expect.objectContaining({ reason: "QUERY_LIMIT", limit: "depth" }));
    console.log(`deep nesting refused in ${ms.toFixed(1)} ms`);
  });

  it("answers no introspection and no field suggestions without a key", async () => {
    const { r, ms } = await timed(() => gql(t.url, `{ __schema { types { name } } }`));
    expect(r.data ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(r.errors?.[0]?.message).toMatch(/introspection/i);
    const typo = await gql(t.url, `{ healt { status } }`);
    expect(typo.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(typo.errors?.[0]?.message).not.toMatch(/did you mean/i);
    console.log(`introspection refused in ${ms.toFixed(1)} ms`);
  });
});
