import { describe, expect, it } from "vitest";
import { ExactIndex } from "../../domain/matching/exact-index.js";
import { HnswIndex } from "./hnsw.index.js";

/** Clustered unit vectors, like embeddings: `clusters` identities, `per` samples each. */
function clustered(clusters: number, per: number, dim: number, seed = 1): Float32Array[] {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x80000000);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const out: Float32Array[] = [];
  for (let c = 0; c < clusters; c++) {
    const centre = Array.from({ length: dim }, gauss);
    for (let p = 0; p < per; p++) {
      const v = new Float32Array(dim);
      let n = 0;
      for (let i = 0; i < dim; i++) n += (v[i] = centre[i]! + 0.7 * gauss()) ** 2;
      for (let i = 0; i < dim; i++) v[i]! /= Math.sqrt(n);
      out.push(v);
    }
  }
  return out;
}

describe("HnswIndex (usearch, int8)", () => {
  const dim = 128;
  const vectors = clustered(300, 4, dim);
  const entry = (i: number) => ({ templateId: `t${i}`, subjectId: `s${Math.floor(i / 4)}`, purpose: "p" });

  it("agrees with exact search on rank 1 and close on scores", () => {
    const exact = new ExactIndex(dim);
    const hnsw = new HnswIndex(dim);
    vectors.forEach((v, i) => {
      exact.add(entry(i), v);
      hnsw.add(entry(i), v);
    });
    expect(hnsw.size).toBe(vectors.length);
    let same = 0;
    for (let q = 0; q < 100; q++) {
      const probe = vectors[q * 11]!;
      const [e] = exact.search(probe, 1, -1);
      const [h] = hnsw.search(probe, 1, -1);
      if (e!.subjectId === h!.subjectId) same++;
      expect(Math.abs(e!.score - h!.score)).toBeLessThan(0.02);
    }
    expect(same).toBeGreaterThanOrEqual(99);
  });

  it("forgets removed templates and subjects, and respects the minimum score", () => {
    const hnsw = new HnswIndex(dim);
    vectors.slice(0, 40).forEach((v, i) => hnsw.add(entry(i), v));
    expect(hnsw.search(vectors[5]!, 1, -1)[0]!.subjectId).toBe("s1");
    expect(hnsw.removeSubject("s1")).toBe(4);
    expect(hnsw.search(vectors[5]!, 3, -1).map((c) => c.subjectId)).not.toContain("s1");
    expect(hnsw.remove("t0")).toBe(true);
    expect(hnsw.has("t0")).toBe(false);
    expect(hnsw.size).toBe(35);
    expect(hnsw.search(vectors[9]!, 10, 0.99).every((c) => c.score >= 0.99)).toBe(true);
  });
});
