/**
 * Redis stopped (kill -9) under a running server on PostgreSQL: enrollment, consent
 * withdrawal, a consent with an expiry, a key rotation and a batch enrollment all answer at
 * once (their jobs and index changes wait in the outbox), readiness says which dependency is
 * down, and once Redis is back the jobs run by themselves: the key rotation finishes, the
 * expired consent's templates are destroyed and the batch is enrolled.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app-harness.js";
import { gql, type GqlResponse } from "../support/graphql-client.js";
import { readFace } from "../support/images.js";
import { eventually, freePort, PrivateRedis } from "../support/redis-server.js";

const P = "access_control";
const b64 = (buf: Uint8Array) => ({ base64: Buffer.from(buf).toString("base64") });

describe("Redis outage", () => {
  let redis: PrivateRedis;
  let t: TestApp;
  let as: (q: string, v?: Record<string, unknown>) => Promise<GqlResponse>;
  let galleryId: string;
  let photo: { base64: string };

  const subject = async () => (await as(`mutation { createSubject { id } }`)).data!["createSubject"].id as string;
  const grant = (s: string, expiresAt: string | null = null) =>
    as(`mutation($s: ID!, $e: DateTimeISO) { grantConsent(input: { subjectId: $s, purpose: "${P}", noticeVersion: "n1", method: E_SIGNATURE, expiresAt: $e }) { consent { id } } }`, { s, e: expiresAt });
  const enroll = (s: string) => as(`mutation($s: ID!, $g: ID!, $img: ImageInput!) { enrollFace(input: { subjectId: $s, galleryId: $g, purpose: "${P}", image: $img }) { templateId } }`, { s, g: galleryId, img: photo });
  const templatesOf = async (s: string) => Number((await t.sql<{ n: bigint }>(`SELECT count(*) AS n FROM "Template" WHERE "subjectId" = '${s}'`))[0]!.n);
  const ready = async () => (await (await fetch(t.url.replace("/graphql", "/health/ready"))).json()) as { status: string; dependencies: Record<string, string>; outboxPending: number };
  const timed = async <T>(call: () => Promise<T>) => {
    const start = performance.now();
    const value = await call();
    return { value, ms: Math.round(performance.now() - start) };
  };

  beforeAll(async () => {
    redis = new PrivateRedis(await freePort());
    await redis.start();
    t = await startTestApp("postgres", { REDIS_URL: redis.url, REDIS_PREFIX: `fid-outage-${randomBytes(4).toString("hex")}` });
    const tenant = await t.createTenant("outage");
    as = (q, v = {}) => gql(t.url, q, v, tenant.headers);
    galleryId = (await as(`mutation { createGallery(name: "g") { id } }`)).data!["createGallery"].id;
    photo = b64(await readFace("obama/obama-1.jpg"));
  });
  afterAll(async () => {
    await t?.stop();
    await redis?.kill();
  });

  it("answers writes during the outage and delivers their jobs once Redis is back", async () => {
    const withdrawn = await subject();
    expect((await grant(withdrawn)).errors).toBeUndefined();
    expect((await enroll(withdrawn)).errors).toBeUndefined();
    const expiring = await subject();
    expect((await ready()).status).toBe("ok");

    await redis.kill();
    expect(await eventually(async () => (await ready()).dependencies["jobQueue"] === "down")).toBe(true);
    const r = await ready();
    expect(r.status).toBe("degraded");
    expect(r.dependencies).toMatchObject({ database: "up", keyVault: "up", jobQueue: "down" });

    const timings: Record<string, number> = {};
    const grantExpiring = await timed(() => grant(expiring, new Date(Date.now() + 4_000).toISOString()));
    timings["grantConsent(expiresAt)"] = grantExpiring.ms;
    expect(grantExpiring.value.errors).toBeUndefined();
    const enrolled = await timed(() => enroll(expiring));
    timings["enrollFace"] = enrolled.ms;
    expect(enrolled.value.errors).toBeUndefined();
    const withdraw = await timed(() => as(`mutation($s: ID!) { withdrawConsent(subjectId: $s, purpose: "${P}") { destroyedTemplates } }`, { s: withdrawn }));
    timings["withdrawConsent"] = withdraw.ms;
    expect(withdraw.value.data!["withdrawConsent"].destroyedTemplates).toBe(1);
    const rotate = await timed(() => as(`mutation { rotateTenantKey { currentVersion pending } }`));
    timings["rotateTenantKey"] = rotate.ms;
    expect(rotate.value.data!["rotateTenantKey"]).toMatchObject({ currentVersion: 2 });
    const batchSubject = await subject();
    expect((await grant(batchSubject)).errors).toBeUndefined();
    const batch = await timed(() =>
      as(`mutation($g: ID!, $items: [BatchEnrollmentItemInput!]!) { startBatchEnrollment(input: { galleryId: $g, purpose: "${P}", items: $items }) { id status pending } }`, {
        g: galleryId,
        items: [{ subjectId: batchSubject, image: photo }, { subjectId: batchSubject, image: photo }],
      }),
    );
    timings["startBatchEnrollment"] = batch.ms;
    expect(batch.value.data!["startBatchEnrollment"]).toMatchObject({ status: "RUNNING", pending: 2 });
    const batchId = batch.value.data!["startBatchEnrollment"].id as string;
    console.log("answered during the Redis outage (ms):", JSON.stringify(timings));
    // Each waited at most the relay's 1 s kick; generous bound, only against a hang.
    for (const ms of Object.values(timings)) expect(ms).toBeLessThan(15_000);

    const pending = (await ready()).outboxPending;
    expect(pending).toBeGreaterThanOrEqual(4);
    // The batch's job waits in the outbox: nothing enrolled yet.
    expect(await templatesOf(batchSubject)).toBe(0);

    await redis.start();
    const back = performance.now();
    expect(await eventually(async () => (await ready()).outboxPending === 0)).toBe(true);
    console.log(`outbox of ${pending} delivered ${Math.round(performance.now() - back)} ms after Redis returned`);
    expect((await ready()).status).toBe("ok");
    // The rotation job ran: no key is left on the old version.
    expect(await eventually(async () => (await as(`{ keyRotationStatus { pending } }`)).data!["keyRotationStatus"].pending === 0)).toBe(true);
    // The batch ran once its job was delivered.
    const progress = async () => (await as(`query($b: ID!) { enrollmentBatch(batchId: $b) { status enrolled pending } }`, { b: batchId })).data!["enrollmentBatch"];
    expect(await eventually(async () => (await progress()).status === "COMPLETED")).toBe(true);
    expect(await progress()).toMatchObject({ enrolled: 2, pending: 0 });
    expect(await templatesOf(batchSubject)).toBe(2);
    // The expiry job ran when due: the expired consent's template is gone.
    expect(await eventually(async () => (await templatesOf(expiring)) === 0)).toBe(true);
  });
});
