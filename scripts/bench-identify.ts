/**
 * 1:N index benchmark on synthetic embeddings: unit vectors clustered like real ones
 * (subjects around a few hundred "look-alike" centres, probes a noisy copy of a subject).
 * For each gallery size: build time and memory of the exact index and of the HNSW index
 * (usearch, int8), p50/p99 query latency on one core, throughput on two cores, and
 * recall@1 / recall@10 of HNSW against exact search. Usage:
 *   npm run bench:identify [-- --sizes 10000,100000,1000000 --queries 200 --dim 512
 *                               --m 32 --ef-add 200 --ef 96 --quant i8|f16 --breadth 64,256]
 */
import os from "node:os";
import { DEFAULT_HNSW, HnswIndex } from "../src/adapters/index/hnsw.index.js";
import { ExactIndex, type IndexEntry } from "../src/domain/matching/exact-index.js";
import { percentile } from "./lib/stats.js";

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ""), process.argv[i + 1] ?? "");
const sizes = (args.get("sizes") ?? "10000,100000,1000000").split(",").map(Number);
const queries = Number(args.get("queries") ?? 200);
const dim = Number(args.get("dim") ?? 512);
const EXACT_LATENCY_MAX = 1_000_000;
const breadths = (args.get("breadth") ?? "64,256").split(",").map(Number);
const hnswOptions = {
  connectivity: Number(args.get("m") ?? DEFAULT_HNSW.connectivity),
  expansionAdd: Number(args.get("ef-add") ?? DEFAULT_HNSW.expansionAdd),
  expansionSearch: Number(args.get("ef") ?? DEFAULT_HNSW.expansionSearch),
  quantization: (args.get("quant") ?? DEFAULT_HNSW.quantization) === "f16" ? ("f16" as const) : ("i8" as const),
};

// xoshiro128** (32-bit integer arithmetic, period 2^128): a million 512-D vectors draw over
// 10^9 numbers, far past what a 31-bit LCG in doubles can give without repeating itself.
const state = Uint32Array.of(0x9e3779b9, 0x243f6a88, 0xb7e15162, 0x12345678);
const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k));
function rand(): number {
  const [a, b, c, d] = state as unknown as [number, number, number, number];
  const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
  const t = b << 9;
  state[2] = c ^ a;
  state[3] = d ^ b;
  state[1] = b ^ state[2]!;
  state[0] = a ^ state[3]!;
  state[2] = state[2]! ^ t;
  state[3] = rotl(state[3]!, 11);
  return result / 4294967296;
}
const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());

function normalizeInto(out: Float32Array, offset: number, v: Float32Array): void {
  let n = 0;
  for (let i = 0; i < dim; i++) n += v[i]! * v[i]!;
  n = Math.sqrt(n);
  for (let i = 0; i < dim; i++) out[offset + i] = v[i]! / n;
}

/**
 * Synthetic embeddings with the structure of real ones: each subject is a point in a
 * low-dimensional latent space (64-D; real face embeddings have an intrinsic dimension of
 * a few dozen at most), around one of 64 "look-alike" centres, mapped to 512-D by a fixed random
 * projection plus isotropic noise; a probe is the same subject's latent point moved by
 * within-person noise. The generator's genuine and impostor cosines are printed next to
 * those of the real model on LFW (models/calibration) to show the resemblance.
 */
const LATENT = 64;
const projection = Array.from({ length: LATENT }, () => Float32Array.from({ length: dim }, gauss));
const centres = Array.from({ length: 64 }, () => Float32Array.from({ length: LATENT }, gauss));
const scratch = new Float32Array(dim);

function embed(z: Float32Array, out: Float32Array, offset: number): void {
  for (let i = 0; i < dim; i++) {
    let x = 0;
    for (let j = 0; j < LATENT; j++) x += z[j]! * projection[j]![i]!;
    scratch[i] = x + 0.56 * Math.sqrt(LATENT) * gauss();
  }
  normalizeInto(out, offset, scratch);
}

function makeGallery(n: number): { data: Float32Array; latent: Float32Array } {
  const data = new Float32Array(n * dim);
  const latent = new Float32Array(n * LATENT);
  const z = new Float32Array(LATENT);
  for (let s = 0; s < n; s++) {
    const c = centres[s % centres.length]!;
    for (let j = 0; j < LATENT; j++) z[j] = 0.5 * c[j]! + gauss();
    latent.set(z, s * LATENT);
    embed(z, data, s * dim);
  }
  return { data, latent };
}

/** Subject `s` photographed again. */
function makeProbe(latent: Float32Array, s: number): Float32Array {
  const z = new Float32Array(LATENT);
  for (let j = 0; j < LATENT; j++) z[j] = latent[s * LATENT + j]! + 0.7 * gauss();
  const out = new Float32Array(dim);
  embed(z, out, 0);
  return out;
}

const dot = (a: Float32Array, ao: number, b: Float32Array, bo: number) => {
  let d = 0;
  for (let i = 0; i < dim; i++) d += a[ao + i]! * b[bo + i]!;
  return d;
};

function exactTopK(data: Float32Array, n: number, probe: Float32Array, k: number): number[] {
  const best: { s: number; score: number }[] = [];
  for (let s = 0; s < n; s++) {
    const base = s * dim;
    let d0 = 0;
    let d1 = 0;
    let d2 = 0;
    let d3 = 0;
    for (let i = 0; i < dim; i += 4) {
      d0 += probe[i]! * data[base + i]!;
      d1 += probe[i + 1]! * data[base + i + 1]!;
      d2 += probe[i + 2]! * data[base + i + 2]!;
      d3 += probe[i + 3]! * data[base + i + 3]!;
    }
    const dot = d0 + d1 + d2 + d3;
    if (best.length < k || dot > best[best.length - 1]!.score) {
      best.push({ s, score: dot });
      best.sort((a, b) => b.score - a.score);
      if (best.length > k) best.pop();
    }
  }
  return best.map((b) => b.s);
}

const rssMb = () => process.memoryUsage().rss / 2 ** 20;
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const entry = (s: number): IndexEntry => ({ templateId: `t${s}`, subjectId: `s${s}`, purpose: "bench" });

console.log(`${os.cpus()[0]?.model ?? "cpu"} × ${os.availableParallelism()}, dim ${dim}, ${queries} queries per size, Node ${process.version}, HNSW M=${hnswOptions.connectivity} efConstruction=${hnswOptions.expansionAdd} ef=${hnswOptions.expansionSearch}, ${hnswOptions.quantization}`);
console.log("size        index      build s   memory MB   p50 ms   p99 ms   2-core q/s   recall@1  recall@10   (HNSW/n: n neighbours collected per query)");
for (const n of sizes) {
  const { data, latent } = makeGallery(n);
  const owners = Array.from({ length: queries }, () => Math.floor(rand() * n));
  const probes = owners.map((s) => makeProbe(latent, s));
  const truth = probes.map((p) => exactTopK(data, n, p, 10));
  {
    // How separable the gallery is at this size: the owner's rank and the exact top-1/top-2 gap.
    const ownerFirst = truth.filter((t, q) => t[0] === owners[q]).length / queries;
    const gaps = probes.map((p, q) => dot(p, 0, data, truth[q]![0]! * dim) - dot(p, 0, data, truth[q]![1]! * dim)).sort((a, b) => a - b);
    console.log(`${String(n).padEnd(11)} exact search: owner ranked first for ${(ownerFirst * 100).toFixed(1)} % of probes; top-1/top-2 score gap median ${gaps[Math.floor(queries / 2)]!.toFixed(4)}, under 0.01 for ${((gaps.filter((g) => g < 0.01).length / queries) * 100).toFixed(1)} %`);
  }
  if (n === sizes[0]) {
    const genuine = probes.map((p, q) => dot(p, 0, data, owners[q]! * dim));
    const impostor = Array.from({ length: 2000 }, () => dot(data, Math.floor(rand() * n) * dim, data, Math.floor(rand() * n) * dim));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
    console.log(`synthetic cosines: genuine mean ${mean(genuine).toFixed(3)}, impostor mean ${mean(impostor).toFixed(3)} sd ${sd(impostor).toFixed(3)} (real r512 on LFW: genuine 0.657, impostor 0.007 ± 0.098)`);
  }

  // HNSW (int8).
  global.gc?.();
  const before = rssMb();
  let t0 = process.hrtime.bigint();
  const hnsw = new HnswIndex(dim, hnswOptions);
  const entries = Array.from({ length: n }, (_, s) => entry(s));
  hnsw.addMany(entries, data, 2);
  const build = ms(t0) / 1000;
  const mem = rssMb() - before;
  for (const breadth of breadths) {
    const lat: number[] = [];
    let r1 = 0;
    let r10 = 0;
    for (const [q, probe] of probes.entries()) {
      t0 = process.hrtime.bigint();
      const hits = hnsw.search(probe, 10, -1, breadth);
      lat.push(ms(t0));
      const got = hits.map((h) => Number(h.subjectId.slice(1)));
      if (got[0] === truth[q]![0]) r1++;
      r10 += truth[q]!.filter((s) => got.includes(s)).length / 10;
    }
    // Two cores: the same queries as one batch searched on two threads.
    const batch = new Float32Array(queries * dim);
    probes.forEach((p, i) => batch.set(p, i * dim));
    t0 = process.hrtime.bigint();
    const repeats = 5;
    for (let i = 0; i < repeats; i++) hnsw.searchBatch(batch, breadth, 2);
    const qps = (queries * repeats) / (ms(t0) / 1000);
    console.log(
      `${String(n).padEnd(11)} HNSW/${String(breadth).padEnd(4)} ${build.toFixed(1).padStart(6)}   ${mem.toFixed(0).padStart(9)}   ${percentile(lat, 50).toFixed(2).padStart(6)}   ${percentile(lat, 99).toFixed(2).padStart(6)}   ${qps.toFixed(0).padStart(10)}   ${(r1 / queries).toFixed(3).padStart(8)}  ${(r10 / queries).toFixed(3).padStart(9)}`,
    );
  }
  hnsw.clear();
  // Exact index (latency measured up to EXACT_LATENCY_MAX templates).
  if (n <= EXACT_LATENCY_MAX) {
    global.gc?.();
    const before = rssMb();
    let t0 = process.hrtime.bigint();
    const exact = new ExactIndex(dim, n);
    for (let s = 0; s < n; s++) exact.add(entry(s), data.subarray(s * dim, (s + 1) * dim));
    const build = ms(t0) / 1000;
    const mem = rssMb() - before;
    const lat: number[] = [];
    const runs = Math.min(queries, n > 200_000 ? 30 : queries);
    for (let q = 0; q < runs; q++) {
      t0 = process.hrtime.bigint();
      exact.search(probes[q]!, 10, -1);
      lat.push(ms(t0));
    }
    console.log(
      `${String(n).padEnd(11)} EXACT     ${build.toFixed(1).padStart(7)}   ${mem.toFixed(0).padStart(9)}   ${percentile(lat, 50).toFixed(2).padStart(6)}   ${percentile(lat, 99).toFixed(2).padStart(6)}   ${"–".padStart(10)}   ${"1.000".padStart(8)}  ${"1.000".padStart(9)}`,
    );
    exact.clear();
  }

}
