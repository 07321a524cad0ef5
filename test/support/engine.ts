/** One real face pipeline per test file (loading the models takes about a second). */
import { loadConfig } from "../../src/config/config.js";
import { FacePipeline } from "../../src/inference/face-pipeline.js";

let engine: Promise<FacePipeline> | undefined;

export function testConfig(env: Record<string, string> = {}) {
  // Rate limits out of the way unless a test sets its own (throttle.spec.ts).
  return loadConfig({ INFERENCE_THREADS: "1", LOG_LEVEL: "silent", RATE_LIMIT_PER_KEY: "1000000", RATE_LIMIT_PER_ADDRESS: "1000000", AUTH_FAILURES_PER_ADDRESS: "10000", ...env });
}

export function sharedEngine(): Promise<FacePipeline> {
  engine ??= FacePipeline.load(testConfig().inference);
  return engine;
}
