/** One real face pipeline per test file (loading the models takes about a second). */
import { loadConfig } from "../../src/config/config.js";
import { FacePipeline } from "../../src/inference/face-pipeline.js";

let engine: Promise<FacePipeline> | undefined;

export function testConfig(env: Record<string, string> = {}) {
  return loadConfig({ INFERENCE_THREADS: "1", LOG_LEVEL: "silent", ...env });
}

export function sharedEngine(): Promise<FacePipeline> {
  engine ??= FacePipeline.load(testConfig().inference);
  return engine;
}
