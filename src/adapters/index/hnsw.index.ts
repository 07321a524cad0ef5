/**
 * The approximate matching index: HNSW from the `usearch` npm package (prebuilt native
 * binary inside the package; nothing downloaded), vectors quantised to int8 (a quarter of
 * float32's memory), cosine metric. Keys are our own counters; entries map them back to
 * templates and subjects. Scores carry the int8 quantisation error (about ±0.005).
 */
import { createRequire } from "node:module";
import type * as UsearchModule from "usearch";
import type { Candidate, IndexEntry } from "../../domain/matching/exact-index.js";
import type { VectorIndex } from "../../domain/matching/vector-index.js";

// The CommonJS build finds its native binary from __dirname; the ES build guesses from stack
// traces, which breaks under bundlers and test runners.
const { Index, MetricKind, ScalarKind } = createRequire(import.meta.url)("usearch") as typeof UsearchModule;

export interface HnswOptions {
  /** Graph degree (M). */
  connectivity: number;
  /** Candidate list size while inserting (efConstruction). */
  expansionAdd: number;
  /** Candidate list size while searching (ef). */
  expansionSearch: number;
  /** How vectors are stored: int8 (1 byte per dimension) or float16 (2 bytes, smaller score error). */
  quantization: "i8" | "f16";
}

/**
 * M = 32, efConstruction = 200, int8: of the settings measured at 1 M templates (npm run
 * bench:identify), the one that reaches recall@1 ≥ 0.99 of exact search within 1.2 GB
 * (M = 16, efConstruction = 128 reaches 0.90 to 0.97). The price is build time, several
 * times that of M = 16.
 */
export const DEFAULT_HNSW: HnswOptions = { connectivity: 32, expansionAdd: 200, expansionSearch: 96, quantization: "i8" };

export class HnswIndex implements VectorIndex {
  readonly kind = "HNSW" as const;
  private index: InstanceType<typeof Index>;
  private nextKey = 1n;
  private readonly keyOf = new Map<string, bigint>();
  private readonly entryOf = new Map<bigint, IndexEntry>();

  constructor(
    readonly dim: number,
    private readonly opts: HnswOptions = DEFAULT_HNSW,
  ) {
    this.index = this.make();
  }

  get size(): number {
    return this.entryOf.size;
  }

  has(templateId: string): boolean {
    return this.keyOf.has(templateId);
  }

  add(entry: IndexEntry, vector: ArrayLike<number>): void {
    if (vector.length !== this.dim) throw new RangeError(`expected a ${this.dim}-D vector, got ${vector.length}`);
    this.remove(entry.templateId);
    const key = this.nextKey++;
    this.index.add(key, vector instanceof Float32Array ? vector : Float32Array.from(vector));
    this.keyOf.set(entry.templateId, key);
    this.entryOf.set(key, entry);
  }

  /** Adds many at once, on `threads` threads (building a large index). */
  addMany(entries: readonly IndexEntry[], vectors: Float32Array, threads = 0): void {
    const keys = new BigUint64Array(entries.length);
    entries.forEach((e, i) => {
      this.remove(e.templateId);
      const key = this.nextKey++;
      keys[i] = key;
      this.keyOf.set(e.templateId, key);
      this.entryOf.set(key, e);
    });
    this.index.add(keys, vectors, threads);
  }

  remove(templateId: string): boolean {
    const key = this.keyOf.get(templateId);
    if (key === undefined) return false;
    this.index.remove(key);
    this.keyOf.delete(templateId);
    this.entryOf.delete(key);
    return true;
  }

  removeSubject(subjectId: string): number {
    const ids = [...this.entryOf.values()].filter((e) => e.subjectId === subjectId).map((e) => e.templateId);
    for (const id of ids) this.remove(id);
    return ids.length;
  }

  /**
   * `breadth`: how many neighbours to collect (at least 4 per subject wanted, since a
   * subject may have several templates); a wider search also explores more of the graph.
   */
  search(probe: ArrayLike<number>, k: number, minScore: number, breadth = Math.max(4 * k, 64)): Candidate[] {
    if (this.size === 0) return [];
    const n = Math.min(this.size, Math.max(breadth, k));
    const found = this.index.search(probe instanceof Float32Array ? probe : Float32Array.from(probe), n, 1);
    const best = new Map<string, Candidate>();
    for (let i = 0; i < found.keys.length; i++) {
      const entry = this.entryOf.get(found.keys[i]!);
      if (!entry) continue;
      const score = 1 - found.distances[i]!;
      if (score < minScore) continue;
      const current = best.get(entry.subjectId);
      if (!current || score > current.score) best.set(entry.subjectId, { ...entry, score });
    }
    return [...best.values()].sort((a, b) => b.score - a.score).slice(0, k);
  }

  /** Raw nearest neighbours of many probes at once on `threads` threads (benchmarks: throughput). */
  searchBatch(probes: Float32Array, k: number, threads: number): void {
    this.index.search(probes, k, threads);
  }

  clear(): void {
    this.index = this.make();
    this.keyOf.clear();
    this.entryOf.clear();
  }

  private make() {
    return new Index({
      dimensions: this.dim,
      metric: MetricKind.Cos,
      quantization: this.opts.quantization === "f16" ? ScalarKind.F16 : ScalarKind.I8,
      connectivity: this.opts.connectivity,
      expansion_add: this.opts.expansionAdd,
      expansion_search: this.opts.expansionSearch,
      multi: false,
    });
  }
}
