/**
 * Stream benchmark against the real server process on PostgreSQL: 640×480 JPEG frames with
 * 1, 3 and 8 faces (LFW people, enrolled from another photo of theirs), posted to a stream
 * session as fast as it answers (one client per session, one frame in flight, sampling at
 * 60 fps of stream time so every frame is processed):
 *   - frames per second one session sustains, and with two sessions at once (2 cores);
 *   - frame processing time p50 / p99;
 *   - latency from a frame's arrival to its identification events (the first frame of a
 *     session, when every face is a new track), over fresh sessions.
 * Usage: npm run bench:stream [-- --seconds 10 --sessions-for-latency 5]
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { startBenchServer } from "./lib/bench-server.js";
import { sharedDir } from "./lib/shared-dir.js";
import { percentile } from "./lib/stats.js";

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ""), process.argv[i + 1] ?? "");
const seconds = Number(args.get("seconds") ?? 10);
const latencyRuns = Number(args.get("sessions-for-latency") ?? 5);
const P = "access_control";

const server = await startBenchServer();
const headers = await server.tenant("stream-bench");
const as = (q: string, v: Record<string, unknown> = {}) => server.gql(q, v, headers);

// Eight LFW people: one photo enrolled, another in the frames.
const lfw = path.join(sharedDir(), "lfw-dev");
const pairs = (await readFile(path.join(lfw, "pairsDevTrain.txt"), "utf8")).trim().split("\n").slice(1).map((l) => l.split("\t")).filter((f) => f.length === 3);
const candidates = [...new Map(pairs.map((p) => [p[0]!, p])).values()];
const photo = (person: string, n: string) => readFile(path.join(lfw, "images", person, `${person}_${n.padStart(4, "0")}.jpg`));
const gallery = (await as(`mutation { createGallery(name: "lobby") { id } }`)).data!["createGallery"].id as string;
// The first eight whose photo passes the enrollment quality gate.
const people: string[][] = [];
for (const candidate of candidates) {
  if (people.length === 8) break;
  const [person, a] = candidate;
  const s = (await as(`mutation($r: String) { createSubject(externalRef: $r) { id } }`, { r: person })).data!["createSubject"].id;
  await as(`mutation($s: ID!) { grantConsent(input: { subjectId: $s, purpose: "${P}", noticeVersion: "n1", method: CLICK }) { consent { id } } }`, { s });
  const e = await as(`mutation($s: ID!, $g: ID!, $img: ImageInput!) { enrollFace(input: { subjectId: $s, galleryId: $g, purpose: "${P}", image: $img }) { templateId } }`, { s, g: gallery, img: { base64: (await photo(person!, a!)).toString("base64") } });
  if (!e.errors) people.push(candidate);
}

/** A 640×480 frame with n of the people in a grid. */
async function frameWith(n: number): Promise<Buffer> {
  const cols = n === 1 ? 1 : n <= 3 ? 3 : 4;
  const side = n === 1 ? 250 : n <= 3 ? 210 : 155;
  const tiles = await Promise.all(
    people.slice(0, n).map(async ([person, , b], i) => ({
      input: await sharp(await photo(person!, b!)).resize(side, side).toBuffer(),
      left: Math.round((640 / cols) * (i % cols) + (640 / cols - side) / 2),
      top: n <= 3 ? Math.round((480 - side) / 2) : Math.round(240 * Math.floor(i / cols) + (240 - side) / 2),
    })),
  );
  return sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 128, g: 128, b: 128 } } }).composite(tiles).jpeg({ quality: 85 }).toBuffer();
}

async function open(): Promise<{ id: string; framesPath: string }> {
  const r = await as(`mutation($g: ID!) { openStream(input: { galleryId: $g, purpose: "${P}", sampleFps: 60, eventTtlSeconds: 3600, maxFaces: 16 }) { id framesPath } }`, { g: gallery });
  if (!r.data) throw new Error(JSON.stringify(r.errors));
  return r.data["openStream"];
}
const close = (id: string) => as(`mutation($s: ID!) { closeStream(streamId: $s) { framesProcessed framesOverBudget } }`, { s: id });
async function post(framesPath: string, frame: Buffer, at: number): Promise<any> {
  const r = await fetch(server.base + framesPath, { method: "POST", headers: { ...headers, "content-type": "image/jpeg", "x-frame-timestamp": String(at) }, body: frame });
  return r.json();
}

/** One client feeding one session for `secs`: frames processed, wall time, frame ms. */
async function feed(frame: Buffer, secs: number): Promise<{ frames: number; ms: number[]; events: number; faces: number[] }> {
  const s = await open();
  const ms: number[] = [];
  const faces: number[] = [];
  let events = 0;
  const began = performance.now();
  for (let i = 0; performance.now() - began < secs * 1000; i++) {
    const t0 = performance.now();
    const r = await post(s.framesPath, frame, i * 20);
    if (!r.processed) throw new Error(`frame not processed: ${JSON.stringify(r)}`);
    ms.push(performance.now() - t0);
    faces.push(r.faces);
    events += r.events.length;
  }
  await close(s.id);
  return { frames: ms.length, ms, events, faces };
}

try {
console.log(`stream benchmark: 640×480 JPEG frames, ${seconds} s per row, real server on PostgreSQL, ${people.length} people enrolled`);
for (const n of [1, 3, 8]) {
  const frame = await frameWith(n);
  const one = await feed(frame, seconds);
  const both = await Promise.all([feed(frame, seconds), feed(frame, seconds)]);
  const latencies: number[] = [];
  for (let i = 0; i < latencyRuns; i++) {
    const s = await open();
    const r = await post(s.framesPath, frame, 0);
    for (const e of r.events) latencies.push(e.latencyMs);
    await close(s.id);
  }
  const found = percentile(one.faces, 50);
  console.log(
    `${n} face(s) (${found} found per frame): 1 session ${(one.frames / seconds).toFixed(1)} fps (frame p50 ${percentile(one.ms, 50).toFixed(0)} ms, p99 ${percentile(one.ms, 99).toFixed(0)} ms, ${one.events} events); ` +
      `2 sessions ${((both[0]!.frames + both[1]!.frames) / seconds).toFixed(1)} fps together; ` +
      `frame → event p50 ${percentile(latencies, 50).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms (${latencies.length} events over ${latencyRuns} fresh sessions)`,
  );
}
} finally {
  await server.cleanup();
}
