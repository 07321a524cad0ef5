/**
 * What a matching index does, whichever kind it is: exact search (ExactIndex, here) up
 * to a configured size, an approximate graph index (HNSW, src/adapters/index/) beyond.
 * Vectors are unit length; scores are cosine similarities.
 */
import type { Candidate, IndexEntry } from "./exact-index.js";

export type IndexKind = "EXACT" | "HNSW";

export interface VectorIndex {
  readonly kind: IndexKind;
  readonly dim: number;
  readonly size: number;
  has(templateId: string): boolean;
  add(entry: IndexEntry, vector: ArrayLike<number>): void;
  remove(templateId: string): boolean;
  removeSubject(subjectId: string): number;
  /** The best template per subject scoring at least `minScore`, best first, at most `k` subjects. */
  search(probe: ArrayLike<number>, k: number, minScore: number): Candidate[];
  /** Forgets everything (and overwrites the vectors where the memory is ours). */
  clear(): void;
}

/** Makes the approximate index that takes over beyond the exact size limit. */
export type ApproximateIndexFactory = (dim: number) => VectorIndex;
