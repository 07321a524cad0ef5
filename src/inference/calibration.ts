/**
 * Verify thresholds from measured data: models/calibration/<modelId>.json holds the
 * impostor scores of the model on LFW development pairs (written by `npm run calibrate`);
 * the threshold for a target false-match rate is computed from them at start.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { thresholdForRate } from "../domain/matching/threshold.js";
import { projectRoot } from "./model-manifest.js";

export interface Calibration {
  modelId: string;
  /** The pipeline the scores were measured with (detector, landmarks, recognizer). */
  pipeline?: { detector: string; landmarks: string; recognizer: string };
  source: string;
  impostorScores: number[];
  genuineScores: number[];
}

export function calibrationFile(modelId: string): string {
  return path.join(projectRoot(), "models", "calibration", `${modelId}.json`);
}

export async function loadCalibration(modelId: string): Promise<Calibration> {
  const file = calibrationFile(modelId);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new Error(`no calibration for model ${modelId} (${file}); run \`npm run calibrate\` or set VERIFY_THRESHOLD`);
  }
  const c = JSON.parse(text) as Calibration;
  if (c.modelId !== modelId || !Array.isArray(c.impostorScores) || c.impostorScores.length === 0) {
    throw new Error(`${file}: not a calibration of ${modelId}`);
  }
  return c;
}

export async function verifyThresholdFor(modelId: string, targetFmr: number): Promise<number> {
  return thresholdForRate((await loadCalibration(modelId)).impostorScores, targetFmr);
}
