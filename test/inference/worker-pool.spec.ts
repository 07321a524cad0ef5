/**
 * The worker-thread face engine (the compiled worker in dist/, built by `npm test`): the
 * same embedding as the in-process pipeline, typed domain errors across the thread
 * boundary, waiting work served in arrival order, and SERVICE_BUSY when the queue in front
 * of the workers is full.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WorkerPoolEngine } from "../../src/inference/worker-pool.engine.js";
import { sharedEngine, testConfig } from "../support/engine.js";
import { noFaceImage, readFace } from "../support/images.js";
import { PROJECT_ROOT } from "../support/paths.js";

const WORKER = path.join(PROJECT_ROOT, "dist", "src", "inference", "face.worker.js");

describe.runIf(existsSync(WORKER))("inference in worker threads", () => {
  let pool: WorkerPoolEngine;
  let tiny: WorkerPoolEngine;

  beforeAll(async () => {
    pool = await WorkerPoolEngine.start(testConfig().inference, { workers: 2, maxQueue: 8 }, pathToFileURL(WORKER));
    tiny = await WorkerPoolEngine.start(testConfig().inference, { workers: 1, maxQueue: 4 }, pathToFileURL(WORKER));
  });
  afterAll(async () => {
    await pool?.close();
    await tiny?.close();
  });

  it("gives the in-process pipeline's embedding, bit for bit", async () => {
    const img = await readFace("obama/obama-1.jpg");
    const local = await (await sharedEngine()).capture(img, "single", { quality: true });
    const remote = await pool.capture(img, "single", { quality: true });
    expect(pool.modelId).toBe(local.modelId);
    expect(remote.embedding).toBeInstanceOf(Float32Array);
    expect(Array.from(remote.embedding)).toEqual(Array.from(local.embedding));
    expect(remote.face).toEqual(local.face);
    expect(remote.measures).toEqual(local.measures);
  });

  it("processes every face of a group photo as the in-process pipeline does (boxes, points, embeddings), largest first", async () => {
    const img = await readFace("_multi/obama_and_biden.jpg");
    const engine = await sharedEngine();
    const plan = { faces: "all" as const, fivePoints: true, models: [engine.modelId] };
    const local = await engine.process(img, plan);
    const remote = await pool.process(img, plan);
    expect(remote.faceCount).toBe(3);
    expect(remote.faces.map((f) => f.face)).toEqual(local.faces.map((f) => f.face));
    expect(remote.faces.map((f) => f.fivePoints)).toEqual(local.faces.map((f) => f.fivePoints));
    for (const [i, f] of remote.faces.entries()) expect(Array.from(f.embeddings[engine.modelId]!)).toEqual(Array.from(local.faces[i]!.embeddings[engine.modelId]!));
    const areas = remote.faces.map((f) => f.face.box.width * f.face.box.height);
    expect(areas).toEqual([...areas].sort((a, b) => b - a));
    // Detection alone embeds nothing; maxFaces keeps the largest.
    const one = await pool.process(img, { faces: "all", maxFaces: 1 });
    expect(one.faces).toHaveLength(1);
    expect(one.faces[0]!.face).toEqual(local.faces[0]!.face);
    expect(one.faces[0]!.embeddings).toEqual({});
    expect((await pool.process(await noFaceImage(), { faces: "all" })).faces).toEqual([]);
  });

  it("carries domain errors across the thread boundary, typed", async () => {
    await expect(pool.capture(await noFaceImage(), "largest")).rejects.toMatchObject({ name: "DomainError", reason: "NO_FACE", kind: "INVALID_INPUT" });
    await expect(pool.capture(await readFace("_multi/obama_and_biden.jpg"), "single")).rejects.toMatchObject({ reason: "MULTIPLE_FACES", details: { faceCount: expect.any(Number) } });
  });

  it("serves waiting captures first come, first served (no request overtaken while others wait)", async () => {
    // Piscina by default puts a task it cannot hand to a busy worker back at the tail of its
    // queue, so under load some requests waited 4× longer than the rest (bench:load p99).
    const img = await readFace("obama/obama-1.jpg");
    const done: number[] = [];
    await Promise.all(Array.from({ length: 5 }, (_, i) => tiny.capture(img, "largest").then(() => done.push(i))));
    expect(done).toEqual([0, 1, 2, 3, 4]);
  });

  it("refuses SERVICE_BUSY once the worker is busy and the queue is full, and serves again after", async () => {
    const img = await readFace("obama/obama-1080p.jpg");
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => tiny.capture(img, "largest")));
    const busy = results.filter((r) => r.status === "rejected" && (r.reason as { reason?: string }).reason === "SERVICE_BUSY");
    expect(busy.length).toBeGreaterThan(0);
    expect(results.filter((r) => r.status === "fulfilled").length).toBeGreaterThan(0);
    expect((await tiny.capture(img, "largest")).embedding.length).toBeGreaterThan(0);
  });
});
