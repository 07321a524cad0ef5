/**
 * Video streams end to end on PostgreSQL: a session is opened with GraphQL, frames made
 * from the shared photos (640×480, people entering and leaving) are posted over HTTP with
 * their stream timestamps, and the events come back in the frames' answers and as
 * server-sent events: one per person per TTL, one UNKNOWN per stranger's track. Frames
 * faster than the sampling rate are skipped, frames arriving while one is processed are
 * dropped, nothing but identification decisions is stored, and another tenant cannot touch
 * the session.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app-harness.js";
import { errorOf, gql } from "../support/graphql-client.js";
import { readFace } from "../support/images.js";

const b64 = (buf: Uint8Array) => ({ base64: Buffer.from(buf).toString("base64") });
const OPEN = `mutation($g: ID!, $p: String!, $fps: Float, $ttl: Int) { openStream(input: { galleryId: $g, purpose: $p, sampleFps: $fps, eventTtlSeconds: $ttl }) { id framesPath eventsPath open } }`;
const STATS = `query($s: ID!) { stream(streamId: $s) { framesReceived framesProcessed framesSampledOut framesDroppedBusy identifications events activeTracks meanFrameMs } }`;

/** A person's photo shrunk to fit 200×230, to be placed in frames. */
async function sprite(photo: string): Promise<Buffer> {
  return sharp(await readFace(photo)).resize({ width: 200, height: 230, fit: "inside" }).png().toBuffer();
}

/** A 640×480 frame with the given people at the given x positions. */
async function frame(people: { sprite: Buffer; x: number }[]): Promise<Buffer> {
  return sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 200, g: 205, b: 210 } } })
    .composite(people.map((p) => ({ input: p.sprite, left: p.x, top: 120 })))
    .jpeg({ quality: 90 })
    .toBuffer();
}

describe("video streams (PostgreSQL)", () => {
  let t: TestApp;
  let tenant: Awaited<ReturnType<TestApp["createTenant"]>>;
  let galleryId: string;
  const named = new Map<string, string>();
  const as = (q: string, v: Record<string, unknown> = {}, headers = tenant.headers) => gql(t.url, q, v, headers);
  const base = () => t.url.replace(/\/graphql$/, "");
  const post = async (path: string, body: Buffer, at: number, headers = tenant.headers) => {
    const r = await fetch(base() + path, { method: "POST", headers: { ...headers, "content-type": "image/jpeg", "x-frame-timestamp": String(at) }, body });
    return { status: r.status, body: (await r.json()) as any };
  };

  beforeAll(async () => {
    t = await startTestApp("postgres");
    tenant = await t.createTenant(`stream-${randomBytes(3).toString("hex")}`);
    galleryId = (await as(`mutation { createGallery(name: "lobby") { id } }`)).data!["createGallery"].id;
    for (const who of ["obama", "biden", "kit_harington"]) {
      const s = (await as(`mutation($r: String) { createSubject(externalRef: $r) { id } }`, { r: who })).data!["createSubject"].id;
      await as(`mutation($s: ID!) { grantConsent(input: { subjectId: $s, purpose: "access_control", noticeVersion: "n1", method: E_SIGNATURE }) { consent { id } } }`, { s });
      const e = await as(`mutation($s: ID!, $g: ID!, $img: ImageInput!) { enrollFace(input: { subjectId: $s, galleryId: $g, purpose: "access_control", image: $img }) { templateId } }`, {
        s,
        g: galleryId,
        img: b64(await readFace(`${who}/${who}-1.jpg`)),
      });
      expect(e.errors).toBeUndefined();
      named.set(s, who);
    }
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("gives one event per person per TTL as people enter and leave, the same over server-sent events", async () => {
    const open = (await as(OPEN, { g: galleryId, p: "access_control", fps: 5, ttl: 60 })).data!["openStream"];
    expect(open.open).toBe(true);
    const [obama, biden, kit, stranger] = await Promise.all([sprite("obama/obama-2.jpg"), sprite("biden/biden-2.jpg"), sprite("kit_harington/kit_harington-2.jpg"), sprite("lin_manuel_miranda/lin_manuel_miranda-1.png")]);
    // Scenes of five frames, 200 ms apart: [start ms, people].
    const scenes: [number, { sprite: Buffer; x: number }[]][] = [
      [0, [{ sprite: obama, x: 30 }]],
      [1000, [{ sprite: obama, x: 40 }, { sprite: biden, x: 400 }]],
      [2000, [{ sprite: biden, x: 410 }]],
      [3000, [{ sprite: kit, x: 60 }, { sprite: stranger, x: 380 }]],
      // Obama comes back within the TTL (his track ended: new track, identified, no event)…
      [5000, [{ sprite: obama, x: 220 }]],
      // …and again after it.
      [70_000, [{ sprite: obama, x: 220 }]],
    ];

    // Listen to the server-sent events while the frames go in.
    const sse = await fetch(base() + open.eventsPath, { headers: tenant.headers });
    expect(sse.status).toBe(200);
    expect(sse.headers.get("content-type")).toContain("text/event-stream");
    const reader = sse.body!.getReader();
    let text = "";
    const received = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString("utf8");
      }
    })();

    const events: any[] = [];
    for (const [start, people] of scenes) {
      const picture = await frame(people);
      for (let i = 0; i < 5; i++) {
        const r = await post(open.framesPath, picture, start + i * 200);
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        expect(r.body.processed).toBe(true);
        expect(r.body.faces).toBe(people.length);
        events.push(...r.body.events);
      }
    }
    // In time order (faces of one frame come largest first).
    const seen = events.map((e) => [e.kind, e.kind === "IDENTIFIED" ? named.get(e.subjectId) : null, e.frameTimestampMs]).sort((a, b) => (a[2] as number) - (b[2] as number) || String(a[0]).localeCompare(String(b[0])));
    expect(seen).toEqual([
      ["IDENTIFIED", "obama", 0],
      ["IDENTIFIED", "biden", 1000],
      ["IDENTIFIED", "kit_harington", 3000],
      ["UNKNOWN", null, 3000],
      ["IDENTIFIED", "obama", 70_000],
    ]);
    for (const e of events) expect(e.latencyMs).toBeGreaterThan(0);

    const stats = (await as(STATS, { s: open.id })).data!["stream"];
    expect(stats).toMatchObject({ framesReceived: 30, framesProcessed: 30, framesSampledOut: 0, framesDroppedBusy: 0, events: 5 });
    // Only decisions are stored: one per identification made.
    const decisions = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM "Identification" WHERE "galleryId" = '${galleryId}'`);
    expect(decisions[0]!.n).toBe(stats.identifications);
    const audited = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM "AuditEvent" WHERE "action" = 'STREAM_IDENTIFY' AND "targetId" = '${open.id}'`);
    expect(audited[0]!.n).toBe(stats.identifications);
    expect(stats.identifications).toBeGreaterThanOrEqual(6);

    const closed = (await as(`mutation($s: ID!) { closeStream(streamId: $s) { open framesProcessed events } }`, { s: open.id })).data!["closeStream"];
    expect(closed).toEqual({ open: false, framesProcessed: 30, events: 5 });
    await received;
    const sent = text
      .split("\n\n")
      .filter((block) => block.includes("event: identification"))
      .map((block) => JSON.parse(block.split("\n").find((l) => l.startsWith("data: "))!.slice(6)));
    expect(sent.map((e) => e.decisionId)).toEqual(events.map((e) => e.decisionId));
    expect(text).toContain("event: closed");
    expect(errorOf(await as(STATS, { s: open.id }))).toMatchObject({ code: "NOT_FOUND", reason: "STREAM_NOT_FOUND" });
  });

  it("delivers the events as a GraphQL subscription over server-sent events (/graphql/stream), completing when the session closes", async () => {
    const open = (await as(OPEN, { g: galleryId, p: "access_control", fps: 5, ttl: 60 })).data!["openStream"];
    const subscribe = (query: string, variables: Record<string, unknown>, headers = tenant.headers) =>
      fetch(base() + "/graphql/stream", { method: "POST", headers: { ...headers, accept: "text/event-stream", "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
    const SUB = `subscription($s: ID!) { streamIdentifications(streamId: $s) { seq kind subjectId decisionId frameTimestampMs } }`;
    const r = await subscribe(SUB, { s: open.id });
    expect(r.status).toBe(200);
    let text = "";
    const reading = (async () => {
      const reader = r.body!.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString("utf8");
      }
    })();
    const [obama, biden] = await Promise.all([sprite("obama/obama-4.jpg"), sprite("biden/biden-1.jpg")]);
    const answers: any[] = [];
    for (const [i, people] of [[{ sprite: obama, x: 30 }], [{ sprite: obama, x: 35 }, { sprite: biden, x: 400 }]].entries()) {
      answers.push(...(await post(open.framesPath, await frame(people), i * 1000)).body.events);
    }
    expect(answers).toHaveLength(2);
    await as(`mutation($s: ID!) { closeStream(streamId: $s) { open } }`, { s: open.id });
    await reading;
    const nexts = text
      .split("\n\n")
      .filter((block) => block.startsWith("event: next"))
      .map((block) => JSON.parse(block.split("\n").find((l) => l.startsWith("data: "))!.slice(6)).data.streamIdentifications);
    expect(nexts.map((e: any) => e.decisionId)).toEqual(answers.map((e) => e.decisionId));
    expect(nexts.map((e: any) => named.get(e.subjectId)).sort()).toEqual(["biden", "obama"]);
    expect(text).toContain("event: complete");

    // Another tenant's subscription to it is a typed error; queries are not served there.
    const other = await t.createTenant(`stream-sub-${randomBytes(3).toString("hex")}`);
    const open2 = (await as(OPEN, { g: galleryId, p: "access_control" })).data!["openStream"];
    const refused = await (await subscribe(SUB, { s: open2.id }, other.headers)).text();
    expect(refused).toContain('"reason":"STREAM_NOT_FOUND"');
    const query = await (await subscribe(`query { __typename }`, {})).text();
    expect(query, query).toContain("only subscriptions are served at /graphql/stream");
    await as(`mutation($s: ID!) { closeStream(streamId: $s) { open } }`, { s: open2.id });
  });

  it("skips frames faster than the sampling rate and drops frames that arrive while one is processed", async () => {
    const open = (await as(OPEN, { g: galleryId, p: "access_control", fps: 2 })).data!["openStream"];
    const picture = await frame([{ sprite: await sprite("biden/biden-1.jpg"), x: 200 }]);
    // 100 ms apart at 2 fps: one in five processed.
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push((await post(open.framesPath, picture, i * 100)).body);
    expect(answers.filter((a) => a.processed)).toHaveLength(2);
    expect(answers.filter((a) => a.dropped === "SAMPLED_OUT")).toHaveLength(8);
    // Four frames at once, each due by time: the session processes one at a time and drops the rest.
    const burst = await Promise.all([0, 1, 2, 3].map((i) => post(open.framesPath, picture, 10_000 + i * 1000)));
    expect(burst.filter((b) => b.body.dropped === "BUSY").length).toBeGreaterThan(0);
    expect(burst.filter((b) => b.body.processed).length).toBeGreaterThan(0);
    const stats = (await as(STATS, { s: open.id })).data!["stream"];
    expect(stats.framesReceived).toBe(14);
    expect(stats.framesSampledOut + stats.framesDroppedBusy + stats.framesProcessed).toBe(14);
    await as(`mutation($s: ID!) { closeStream(streamId: $s) { open } }`, { s: open.id });
  });

  it("reads a video file with ffmpeg at the session's sampling rate, where ffmpeg is installed", async () => {
    const open = (await as(OPEN, { g: galleryId, p: "access_control", fps: 5, ttl: 60 })).data!["openStream"];
    const videoPath = open.framesPath.replace(/frames$/, "video");
    const [obama, biden] = await Promise.all([sprite("obama/obama-3.jpg"), sprite("biden/biden-2.jpg")]);
    const scenes = [await frame([{ sprite: obama, x: 30 }]), await frame([{ sprite: obama, x: 40 }, { sprite: biden, x: 400 }]), await frame([{ sprite: biden, x: 410 }])];
    const ffmpeg = spawnSync("ffmpeg", ["-version"]).status === 0;
    if (!ffmpeg) {
      const r = await fetch(base() + videoPath, { method: "POST", headers: { ...tenant.headers, "content-type": "video/x-matroska" }, body: Buffer.from("whatever") });
      expect(r.status).toBe(400);
      expect(((await r.json()) as any).error.reason).toBe("VIDEO_UNSUPPORTED");
      return;
    }
    // 3 seconds of video at 10 fps (ten frames of each scene), Motion JPEG in Matroska.
    const made = spawnSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "image2pipe", "-framerate", "10", "-i", "pipe:0", "-c:v", "mjpeg", "-q:v", "3", "-f", "matroska", "pipe:1"], {
      input: Buffer.concat(scenes.flatMap((f) => Array(10).fill(f))),
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(made.status, String(made.stderr)).toBe(0);
    const r = await fetch(base() + videoPath, { method: "POST", headers: { ...tenant.headers, "content-type": "video/x-matroska", "x-stream-offset": "1000000" }, body: made.stdout });
    const body = (await r.json()) as any;
    expect(r.status, JSON.stringify(body)).toBe(200);
    // Sampled at the session's 5 fps: 15 frames of the 30.
    expect(body.frames).toBeGreaterThanOrEqual(14);
    expect(body.frames).toBeLessThanOrEqual(16);
    expect(body.processed).toBe(body.frames);
    expect(body.events.map((e: any) => named.get(e.subjectId)).sort()).toEqual(["biden", "obama"]);
    for (const e of body.events) expect(e.frameTimestampMs).toBeGreaterThanOrEqual(1_000_000);
    const broken = await fetch(base() + videoPath, { method: "POST", headers: { ...tenant.headers, "content-type": "video/x-matroska" }, body: made.stdout.subarray(0, 200) });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as any).error.reason).toBe("INVALID_IMAGE");
    await as(`mutation($s: ID!) { closeStream(streamId: $s) { open } }`, { s: open.id });
  });

  it("is refused where the purpose does not allow identification (audited), and hidden from other tenants", async () => {
    expect(errorOf(await as(OPEN, { g: galleryId, p: "payment_verification" }))).toMatchObject({ code: "FORBIDDEN", reason: "IDENTIFICATION_NOT_ALLOWED" });
    const refused = await t.sql<{ outcome: string }>(`SELECT "outcome" FROM "AuditEvent" WHERE "tenantId" = '${tenant.tenantId}' AND "action" = 'OPEN_STREAM' ORDER BY "seq" DESC LIMIT 1`);
    expect(refused).toEqual([{ outcome: "DENIED" }]);
    const open = (await as(OPEN, { g: galleryId, p: "access_control" })).data!["openStream"];
    const other = await t.createTenant(`stream-other-${randomBytes(3).toString("hex")}`);
    const picture = await frame([{ sprite: await sprite("obama/obama-1.jpg"), x: 200 }]);
    const r = await post(open.framesPath, picture, 0, other.headers);
    expect(r.status).toBe(404);
    expect(r.body.error.reason).toBe("STREAM_NOT_FOUND");
    expect((await fetch(base() + open.eventsPath, { headers: other.headers })).status).toBe(404);
    expect(errorOf(await as(`mutation($s: ID!) { closeStream(streamId: $s) { open } }`, { s: open.id }, other.headers))).toMatchObject({ reason: "STREAM_NOT_FOUND" });
    // The same tenant's key without faces:identify may not feed it.
    const narrow = (await as(`mutation { createApiKey(name: "viewer", scopes: ["subjects:read"]) { apiKey } }`)).data!["createApiKey"].apiKey;
    const unscoped = await post(open.framesPath, picture, 0, { authorization: `Bearer ${narrow}` });
    expect(unscoped.status).toBe(403);
    expect(unscoped.body.error.reason).toBe("SCOPE_REQUIRED");
    const bad = await post(open.framesPath, Buffer.from("not an image"), 0);
    expect(bad.status).toBe(400);
    expect(bad.body.error.reason).toBe("INVALID_IMAGE");
    await as(`mutation($s: ID!) { closeStream(streamId: $s) { open } }`, { s: open.id });
  });
});
