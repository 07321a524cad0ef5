/**
 * The face engine behind a pool of worker threads (piscina), so that inference never
 * runs on the event loop: health checks, light queries and the database keep answering
 * while every core decodes and embeds. Each worker has its own pipeline; a bounded queue
 * sits in front, and a capture that finds it full is refused SERVICE_BUSY (retryable)
 * instead of piling up memory. Waiting captures are served strictly first come, first served
 * (`stricterFIFO`: piscina otherwise puts a task it could not hand out back at the tail,
 * and under load some requests waited several times longer than the rest).
 */
import os from "node:os";
import { Piscina } from "piscina";
import { DomainError, type ErrorReason } from "../domain/errors.js";
import type { CaptureChecks, FaceCapture, FaceEngine, FaceInspection, FacePick, ImageProcessing, ProcessPlan } from "../domain/face-engine.port.js";
import type { FacePipelineConfig } from "./face-pipeline.js";
import type { WorkerResult, WorkerTask } from "./face.worker.js";

export interface WorkerPoolOptions {
  /** Worker threads (default: the core count). */
  workers: number;
  /** Captures waiting for a worker before new ones are refused SERVICE_BUSY. */
  maxQueue: number;
}

export class WorkerPoolEngine implements FaceEngine {
  private constructor(
    private readonly pool: Piscina,
    readonly modelId: string,
    readonly modelIds: readonly string[],
  ) {}

  /** Starts the workers and waits until each has loaded its models (a bad model stops the start). */
  static async start(config: FacePipelineConfig, opts: Partial<WorkerPoolOptions> = {}, workerFile = new URL("./face.worker.js", import.meta.url)): Promise<WorkerPoolEngine> {
    const workers = opts.workers ?? os.availableParallelism();
    const pool = new Piscina({ filename: workerFile.href, minThreads: workers, maxThreads: workers, maxQueue: opts.maxQueue ?? 64, idleTimeout: Number.POSITIVE_INFINITY, stricterFIFO: true, workerData: { config } });
    try {
      const infos = await Promise.all(Array.from({ length: workers }, () => pool.run({ op: "info" } satisfies WorkerTask) as Promise<WorkerResult>));
      const first = infos.find((r) => !r.ok);
      if (first && !first.ok) throw new Error(`an inference worker failed to load: ${first.message}`);
      const info = (infos[0] as { value: { modelId: string; modelIds: string[] } }).value;
      return new WorkerPoolEngine(pool, info.modelId, info.modelIds);
    } catch (e) {
      await pool.destroy();
      throw e;
    }
  }

  get queued(): number {
    return this.pool.queueSize;
  }

  capture(image: Uint8Array, pick: FacePick, checks: CaptureChecks = {}, models?: readonly string[]): Promise<FaceCapture> {
    return this.run<FaceCapture>({ op: "capture", image, pick, checks, models });
  }

  inspect(image: Uint8Array, pick: FacePick, checks: CaptureChecks): Promise<FaceInspection> {
    return this.run<FaceInspection>({ op: "inspect", image, pick, checks });
  }

  process(image: Uint8Array, plan: ProcessPlan): Promise<ImageProcessing> {
    return this.run<ImageProcessing>({ op: "process", image, plan });
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }

  private async run<T>(task: WorkerTask): Promise<T> {
    let result: WorkerResult;
    try {
      result = (await this.pool.run(task)) as WorkerResult;
    } catch (e) {
      if (e instanceof Error && /queue is at limit/i.test(e.message)) {
        throw new DomainError("SERVICE_BUSY", "every inference worker is busy and the queue is full; retry shortly");
      }
      throw e;
    }
    if (result.ok) return result.value as T;
    if (result.domain) throw new DomainError(result.domain.reason as ErrorReason, result.domain.message, result.domain.details as DomainError["details"]);
    throw Object.assign(new Error(result.message), { name: result.name });
  }
}
