/**
 * One inference worker thread (piscina): loads its own face pipeline (its own ONNX
 * sessions, one onnxruntime thread by default) and runs captures for the pool in
 * worker-pool.engine.ts. Domain errors cross the thread boundary as plain data; the
 * worker's copy of an embedding is wiped once the result has been posted.
 */
import { workerData } from "node:worker_threads";
import { isDomainError } from "../domain/errors.js";
import { wipeCapture, wipeProcessing, type CaptureChecks, type FacePick, type ProcessPlan } from "../domain/face-engine.port.js";
import { FacePipeline, type FacePipelineConfig } from "./face-pipeline.js";

export type WorkerTask =
  | { op: "info" }
  | { op: "capture"; image: Uint8Array; pick: FacePick; checks: CaptureChecks; models?: readonly string[] | undefined }
  | { op: "inspect"; image: Uint8Array; pick: FacePick; checks: CaptureChecks }
  | { op: "process"; image: Uint8Array; plan: ProcessPlan };

export type WorkerResult =
  | { ok: true; value: unknown }
  | { ok: false; domain: { reason: string; message: string; details: Record<string, unknown> } | null; name: string; message: string };

const config = (workerData as { config: FacePipelineConfig }).config;
const pipeline = FacePipeline.load(config);

export default async function run(task: WorkerTask): Promise<WorkerResult> {
  try {
    const p = await pipeline;
    switch (task.op) {
      case "info":
        return { ok: true, value: { modelId: p.modelId, modelIds: p.modelIds } };
      case "capture": {
        const capture = await p.capture(task.image, task.pick, task.checks, task.models);
        // Posted (copied) right after this returns; then this thread's copies are wiped.
        setImmediate(() => wipeCapture(capture));
        return { ok: true, value: capture };
      }
      case "inspect":
        return { ok: true, value: await p.inspect(task.image, task.pick, task.checks) };
      case "process": {
        const result = await p.process(task.image, task.plan);
        setImmediate(() => wipeProcessing(result));
        return { ok: true, value: result };
      }
    }
  } catch (e) {
    if (isDomainError(e)) return { ok: false, domain: { reason: e.reason, message: e.message, details: { ...e.details } }, name: e.name, message: e.message };
    return { ok: false, domain: null, name: e instanceof Error ? e.name : "Error", message: e instanceof Error ? e.message : String(e) };
  }
}
