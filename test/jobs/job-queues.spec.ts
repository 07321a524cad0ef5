/**
 * Both job queues behind the one interface: BullMQ on the real Redis, and the in-process
 * scheduler of embedded mode. Delays, de-duplication by job id, cancellation, repeats.
 */
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { BullMqQueue } from "../../src/adapters/jobs/bullmq.queue.js";
import { InProcessQueue } from "../../src/adapters/jobs/in-process.queue.js";
import type { JobQueue } from "../../src/domain/jobs.port.js";
import { createLogger } from "../../src/observability/logger.js";
import { dumpRedis } from "../support/raw-scan.js";

const REDIS_URL = process.env["TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379";
const log = createLogger("silent");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const makers: [string, () => JobQueue][] = [
  ["bullmq", () => {
    const q = new BullMqQueue(REDIS_URL, `fid-jobs-${randomBytes(4).toString("hex")}`, log);
    return q;
  }],
  ["in-process", () => new InProcessQueue(log)],
];

describe.each(makers)("%s job queue", (_name, make) => {
  let q: JobQueue | undefined;
  afterEach(async () => {
    await q?.close();
  });

  it("runs a job after its delay, once per job id, and not at all once cancelled", async () => {
    q = make();
    const seen: string[] = [];
    q.handle("consent.lapse", async ({ consentId }) => void seen.push(consentId));
    if (q instanceof BullMqQueue) q.start();
    const start = Date.now();
    await q.enqueue("consent.lapse", { tenantId: "t", consentId: "c1" }, { delayMs: 400, jobId: "lapse-c1" });
    await q.enqueue("consent.lapse", { tenantId: "t", consentId: "c1" }, { delayMs: 400, jobId: "lapse-c1" });
    await q.enqueue("consent.lapse", { tenantId: "t", consentId: "c2" }, { delayMs: 300, jobId: "lapse-c2" });
    expect(await q.cancel("lapse-c2")).toBe(true);
    expect(await q.cancel("lapse-nope")).toBe(false);
    await sleep(100);
    expect(seen).toEqual([]);
    while (seen.length === 0 && Date.now() - start < 5000) await sleep(20);
    await q.drain();
    await sleep(300);
    expect(seen).toEqual(["c1"]);
    expect(Date.now() - start).toBeGreaterThanOrEqual(400);
  });

  it("hands the enqueuing trace to the handler, and only the payload as the payload", async () => {
    q = make();
    const seen: { payload: unknown; trace: unknown }[] = [];
    q.handle("keys.rotate", async (payload, meta) => void seen.push({ payload, trace: meta.trace }));
    if (q instanceof BullMqQueue) q.start();
    const trace = { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };
    await q.enqueue("keys.rotate", { tenantId: "ten_1" }, { jobId: "rotate-1", trace });
    await q.enqueue("keys.rotate", { tenantId: "ten_2" }, { jobId: "rotate-2" });
    for (const start = Date.now(); seen.length < 2 && Date.now() - start < 10_000; ) await sleep(20);
    expect(seen).toEqual(expect.arrayContaining([{ payload: { tenantId: "ten_1" }, trace }, { payload: { tenantId: "ten_2" }, trace: undefined }]));
    expect(seen).toHaveLength(2);
  });

  it("repeats a job on its schedule", async () => {
    q = make();
    let runs = 0;
    q.handle("retention.sweep", async () => void runs++);
    if (q instanceof BullMqQueue) q.start();
    await q.repeat("retention.sweep", {}, 150);
    await sleep(1000);
    expect(runs).toBeGreaterThanOrEqual(3);
  });
});

describe("BullMQ payloads", () => {
  it("hold ids only", async () => {
    const prefix = `fid-jobs-${randomBytes(4).toString("hex")}`;
    const q = new BullMqQueue(REDIS_URL, prefix, log);
    try {
      await q.enqueue("keys.rotate", { tenantId: "ten_abc" }, { delayMs: 60_000, jobId: "rot-1" });
      const { bytes } = await dumpRedis(REDIS_URL, prefix);
      expect(bytes.toString()).toContain('{"tenantId":"ten_abc"}');
      expect(await q.cancel("rot-1")).toBe(true);
    } finally {
      await q.close();
    }
  });
});
