/**
 * Exact 1:N search over unit vectors held in one growable Float32Array: a score (dot
 * product = cosine) for every template, the best per subject, the top k. Removing a
 * template overwrites its vector with zeros at once (no biometric data lingers in freed
 * memory). Pure TypeScript, no I/O.
 */
import type { VectorIndex } from "./vector-index.js";

export interface IndexEntry {
  templateId: string;
  subjectId: string;
  purpose: string;
}

export interface Candidate {
  subjectId: string;
  templateId: string;
  purpose: string;
  score: number;
}

export class ExactIndex implements VectorIndex {
  readonly kind = "EXACT" as const;
  private data: Float32Array;
  private entries: IndexEntry[] = [];
  private readonly slotOf = new Map<string, number>();

  constructor(
    readonly dim: number,
    capacity = 1024,
  ) {
    this.data = new Float32Array(dim * Math.max(1, capacity));
  }

  get size(): number {
    return this.entries.length;
  }

  has(templateId: string): boolean {
    return this.slotOf.has(templateId);
  }

  /** Adds (or replaces) a template's vector; the vector is copied. */
  add(entry: IndexEntry, vector: ArrayLike<number>): void {
    if (vector.length !== this.dim) throw new RangeError(`expected a ${this.dim}-D vector, got ${vector.length}`);
    let slot = this.slotOf.get(entry.templateId);
    if (slot === undefined) {
      slot = this.entries.length;
      if ((slot + 1) * this.dim > this.data.length) {
        const grown = new Float32Array(this.data.length * 2);
        grown.set(this.data);
        this.data.fill(0);
        this.data = grown;
      }
      this.entries.push(entry);
      this.slotOf.set(entry.templateId, slot);
    } else this.entries[slot] = entry;
    this.data.set(vector, slot * this.dim);
  }

  /** Removes a template; its vector is zeroed. True when it was there. */
  remove(templateId: string): boolean {
    const slot = this.slotOf.get(templateId);
    if (slot === undefined) return false;
    const last = this.entries.length - 1;
    if (slot !== last) {
      this.data.copyWithin(slot * this.dim, last * this.dim, (last + 1) * this.dim);
      const moved = this.entries[last]!;
      this.entries[slot] = moved;
      this.slotOf.set(moved.templateId, slot);
    }
    this.data.fill(0, last * this.dim, (last + 1) * this.dim);
    this.entries.pop();
    this.slotOf.delete(templateId);
    return true;
  }

  removeSubject(subjectId: string): number {
    const ids = this.entries.filter((e) => e.subjectId === subjectId).map((e) => e.templateId);
    for (const id of ids) this.remove(id);
    return ids.length;
  }

  /**
   * The best template of each subject scoring at least `minScore` among the entries that
   * pass `filter`, best first, at most `k` subjects.
   */
  search(probe: ArrayLike<number>, k: number, minScore: number, filter: (e: IndexEntry) => boolean = () => true): Candidate[] {
    if (probe.length !== this.dim) throw new RangeError(`expected a ${this.dim}-D probe, got ${probe.length}`);
    const best = new Map<string, Candidate>();
    const d = this.dim;
    const data = this.data;
    for (let slot = 0; slot < this.entries.length; slot++) {
      const e = this.entries[slot]!;
      if (!filter(e)) continue;
      let dot = 0;
      const base = slot * d;
      for (let i = 0; i < d; i++) dot += probe[i]! * data[base + i]!;
      if (dot < minScore) continue;
      const current = best.get(e.subjectId);
      if (!current || dot > current.score) best.set(e.subjectId, { subjectId: e.subjectId, templateId: e.templateId, purpose: e.purpose, score: dot });
    }
    return [...best.values()].sort((a, b) => b.score - a.score || (a.subjectId < b.subjectId ? -1 : 1)).slice(0, k);
  }

  /** Every entry with a view of its vector (to move them into another index). */
  *entriesWithVectors(): Generator<[IndexEntry, Float32Array]> {
    for (let slot = 0; slot < this.entries.length; slot++) yield [this.entries[slot]!, this.data.subarray(slot * this.dim, (slot + 1) * this.dim)];
  }

  /** Zeroes every vector and empties the index. */
  clear(): void {
    this.data.fill(0);
    this.entries = [];
    this.slotOf.clear();
  }
}
