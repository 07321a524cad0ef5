/**
 * The face engine as the operator sees it: every capture a span (`inference.capture`, its
 * time waiting for a worker included) with a child span per stage the worker ran (decode,
 * detect, landmarks, align, embed, quality, liveness, attributes: placed from the timings it reports), and the latency of
 * each in the `faceid_inference_stage_duration_seconds` histogram. Only stage names, the
 * face count and the outcome are recorded: no image, box, score or vector.
 */
import type { CaptureChecks, FaceCapture, FaceEngine, FaceInspection, FacePick, ImageProcessing, ProcessPlan, StageTiming } from "../domain/face-engine.port.js";
import { inSpan, instruments, recordSpan } from "./telemetry.js";

export function tracedEngine(engine: FaceEngine): FaceEngine {
  const run = async <T extends Pick<FaceInspection, "faceCount" | "stageTimings">>(op: "capture" | "inspect" | "process", work: () => Promise<T>): Promise<T> =>
    inSpan(`inference.${op}`, {}, async (span) => {
      const began = performance.now();
      const result = await work();
      const ended = performance.now();
      span.setAttribute("face_id.faces", result.faceCount);
      stages(result.stageTimings ?? [], ended);
      instruments().stageDuration.record((ended - began) / 1000, { stage: op });
      return result;
    });
  return {
    get modelId() {
      return engine.modelId;
    },
    get modelIds() {
      return engine.modelIds;
    },
    capture: (image: Uint8Array, pick: FacePick, checks?: CaptureChecks, models?: readonly string[]) => run<FaceCapture>("capture", () => engine.capture(image, pick, checks, models)),
    inspect: (image: Uint8Array, pick: FacePick, checks: CaptureChecks) => run("inspect", () => engine.inspect(image, pick, checks)),
    process: (image: Uint8Array, plan: ProcessPlan) => run<ImageProcessing>("process", () => engine.process(image, plan)),
  };
}

/** Child spans for stages that ran elsewhere (a worker thread), placed so that the last ends when the capture did. */
function stages(timings: readonly StageTiming[], endedAt: number): void {
  if (timings.length === 0) return;
  const last = Math.max(...timings.map((t) => t.startMs + t.ms));
  // Wall-clock time (ms since the epoch) of the stages' common origin: the capture's end less the stages' span.
  const origin = Date.now() - (performance.now() - endedAt) - last;
  for (const t of timings) {
    recordSpan(`stage.${t.stage}`, origin + t.startMs, origin + t.startMs + t.ms);
    instruments().stageDuration.record(t.ms / 1000, { stage: t.stage });
  }
}
