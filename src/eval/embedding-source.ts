/**
 * Embeddings of image files for evaluation, computed once per image with a face pipeline
 * and any number of recognizers, optionally kept in a JSON-lines cache so that several
 * evaluations (recognizers, fusions, protocols) reuse the same detections.
 */
import { appendFile, readFile } from "node:fs/promises";
import path from "node:path";
import type { FacePick } from "../domain/face-engine.port.js";
import type { RecognizerStage } from "../inference/embed.stage.js";
import { stageTotals, type FacePipeline, type StageTimings } from "../inference/face-pipeline.js";

/** One line of `face-id eval embed`: exactly the shape independent checks read. */
export interface EmbedRecord {
  path: string;
  /** The first recognizer's L2-normalised embedding, or null when no face was found. */
  embedding: number[] | null;
  /** Every requested recognizer's embedding, by model id (null when no face). */
  embeddings: Record<string, number[]> | null;
  modelId: string;
  face: { box: { x: number; y: number; width: number; height: number }; score: number; landmarks5: [number, number][] } | null;
  faceCount: number;
  imageWidth: number | null;
  imageHeight: number | null;
  /** Set when the image could not be read. */
  error?: string;
  timings?: StageTimings;
}

export interface EmbedOptions {
  pick: FacePick;
  recognizers: RecognizerStage[];
}

export async function embedImage(pipeline: FacePipeline, path: string, opts: EmbedOptions): Promise<EmbedRecord> {
  const modelId = opts.recognizers[0]!.embeddingId;
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    return { path, embedding: null, embeddings: null, modelId, face: null, faceCount: 0, imageWidth: null, imageHeight: null, error: (e as Error).message };
  }
  try {
    const pick = opts.pick === "single" ? "largest" : opts.pick;
    const a = await pipeline.process(bytes, { faces: pick, noFaceIsEmpty: true, fivePoints: true }, { recognizers: opts.recognizers });
    const timings = stageTotals(a.stageTimings);
    const chosen = a.faces[0];
    if (!chosen) return { path, embedding: null, embeddings: null, modelId, face: null, faceCount: a.faceCount, imageWidth: a.imageWidth, imageHeight: a.imageHeight, timings };
    const embeddings: Record<string, number[]> = {};
    for (const [id, e] of Object.entries(chosen.embeddings)) embeddings[id] = Array.from(e, (v) => Math.round(v * 1e6) / 1e6);
    return {
      path,
      embedding: embeddings[modelId]!,
      embeddings,
      modelId,
      face: { ...chosen.face, landmarks5: chosen.fivePoints!.map(([x, y]) => [Math.round(x * 10) / 10, Math.round(y * 10) / 10]) },
      faceCount: a.faceCount,
      imageWidth: a.imageWidth,
      imageHeight: a.imageHeight,
      timings,
    };
  } catch (e) {
    return { path, embedding: null, embeddings: null, modelId, face: null, faceCount: 0, imageWidth: null, imageHeight: null, error: (e as Error).message };
  }
}

/** Reads a JSON-lines file of EmbedRecords (later lines win). */
/** Reads a JSONL embedding cache, keyed by absolute image path (look up with `path.resolve`). */
export async function readEmbedCache(file: string): Promise<Map<string, EmbedRecord>> {
  const map = new Map<string, EmbedRecord>();
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return map;
  }
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as EmbedRecord;
    map.set(path.resolve(r.path), r);
  }
  return map;
}

export async function appendEmbedCache(file: string, records: EmbedRecord[]): Promise<void> {
  if (records.length > 0) await appendFile(file, records.map((r) => JSON.stringify(r)).join("\n") + "\n");
}
