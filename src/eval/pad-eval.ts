/**
 * Presentation-attack detection evaluation in the ISO/IEC 30107-3 style, over a folder
 * `bona_fide/` and `attack/<species>/` (e.g. print/, replay/, mask/, synthetic/):
 *   APCER(species) = attack presentations of that species classified bona fide;
 *   BPCER          = bona fide presentations classified as attacks;
 *   APCER_max      = the worst species (30107-3 reports the maximum over species).
 * A presentation is classified bona fide when its live score ≥ the threshold. No face
 * found: an attack counts as rejected (not accepted), a bona fide presentation as an error
 * (rejected); both are counted in `noFace`. Scores are kept per liveness model and for
 * their fusion (mean), so models can be compared on the same set.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { isDomainError } from "../domain/errors.js";
import type { FaceEngine } from "../domain/face-engine.port.js";
import { imagesIn } from "./pad-simulate.js";

export interface PadSample {
  path: string;
  /** "bona_fide" or the attack species. */
  species: string;
  attack: boolean;
  /** Live scores by model id plus "fused"; null when no face was found. */
  scores: Record<string, number> | null;
}

export interface PadRow {
  species: string;
  presentations: number;
  /** Classified bona fide (attacks) or attack (bona fide). */
  errors: number;
  rate: number;
  noFace: number;
}

export interface PadReport {
  scorer: string;
  threshold: number;
  bonaFide: PadRow;
  attacks: PadRow[];
  bpcer: number;
  apcerMax: number;
  /** BPCER at the lowest threshold where APCER_max ≤ 5 % and ≤ 1 % (from the scores). */
  bpcerAtApcer5: number;
  bpcerAtApcer1: number;
}

export async function collectPadSamples(engine: FaceEngine, dir: string): Promise<PadSample[]> {
  const samples: PadSample[] = [];
  const score = async (file: string, species: string, attack: boolean) => {
    try {
      const c = await engine.capture(await readFile(file), "largest", { liveness: true });
      samples.push({ path: file, species, attack, scores: { ...c.liveness!.byModel, fused: c.liveness!.score } });
    } catch (e) {
      if (!isDomainError(e) || e.reason !== "NO_FACE") throw e;
      samples.push({ path: file, species, attack, scores: null });
    }
  };
  for (const f of await imagesIn(path.join(dir, "bona_fide"))) await score(f, "bona_fide", false);
  const species = (await readdir(path.join(dir, "attack"), { withFileTypes: true }).catch(() => [])).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  for (const s of species) for (const f of await imagesIn(path.join(dir, "attack", s))) await score(f, s, true);
  if (!samples.some((s) => !s.attack) || !samples.some((s) => s.attack)) throw new Error(`${dir}: needs images in bona_fide/ and attack/<species>/`);
  return samples;
}

/** The table for one scorer (a model id or "fused") at a threshold. */
export function padReport(samples: readonly PadSample[], scorer: string, threshold: number): PadReport {
  const accepted = (s: PadSample, t: number) => s.scores !== null && (s.scores[scorer] ?? -Infinity) >= t;
  const row = (species: string, group: PadSample[], t: number): PadRow => {
    const errors = group.filter((s) => (s.attack ? accepted(s, t) : !accepted(s, t))).length;
    return { species, presentations: group.length, errors, rate: group.length ? errors / group.length : 0, noFace: group.filter((s) => s.scores === null).length };
  };
  const bona = samples.filter((s) => !s.attack);
  const speciesNames = [...new Set(samples.filter((s) => s.attack).map((s) => s.species))].sort();
  const at = (t: number) => {
    const attacks = speciesNames.map((sp) => row(sp, samples.filter((s) => s.species === sp), t));
    return { bonaFide: row("bona_fide", bona, t), attacks, apcerMax: Math.max(...attacks.map((r) => r.rate)) };
  };
  const main = at(threshold);
  // Candidate thresholds: every observed score (and +∞, which rejects everything).
  const candidates = [...new Set(samples.flatMap((s) => (s.scores && s.scores[scorer] !== undefined ? [s.scores[scorer]!] : [])))].sort((a, b) => a - b);
  candidates.push(Infinity);
  const bpcerWhere = (maxApcer: number) => {
    for (const t of candidates) {
      const r = at(t);
      if (r.apcerMax <= maxApcer) return r.bonaFide.rate;
    }
    return 1;
  };
  return { scorer, threshold, ...main, bpcer: main.bonaFide.rate, bpcerAtApcer5: bpcerWhere(0.05), bpcerAtApcer1: bpcerWhere(0.01) };
}

export function formatPadReport(r: PadReport, simulated: boolean): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const lines = [
    `PAD evaluation (ISO/IEC 30107-3 style), scorer ${r.scorer}, threshold ${r.threshold}${simulated ? " — SIMULATED attacks, not real attack captures" : ""}`,
    `${"presentations".padEnd(16)} ${"n".padStart(5)} ${"errors".padStart(7)} ${"rate".padStart(8)} ${"no face".padStart(8)}`,
    ...r.attacks.map((a) => `${`APCER ${a.species}`.padEnd(16)} ${String(a.presentations).padStart(5)} ${String(a.errors).padStart(7)} ${pct(a.rate).padStart(8)} ${String(a.noFace).padStart(8)}`),
    `${"BPCER".padEnd(16)} ${String(r.bonaFide.presentations).padStart(5)} ${String(r.bonaFide.errors).padStart(7)} ${pct(r.bpcer).padStart(8)} ${String(r.bonaFide.noFace).padStart(8)}`,
    `APCER_max ${pct(r.apcerMax)}; BPCER at APCER_max ≤ 5 %: ${pct(r.bpcerAtApcer5)}; at ≤ 1 %: ${pct(r.bpcerAtApcer1)}`,
  ];
  return lines.join("\n") + "\n";
}
