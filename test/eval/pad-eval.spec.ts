/**
 * `face-id eval pad` on a small SIMULATED attack set generated here from ../shared/faces:
 * the CLI's APCER per species, BPCER and APCER_max match an independent count made in
 * this test from the live scores of the engine itself.
 */
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runEvalCli } from "../support/cli.js";
import { buildSimulatedPadSet } from "../../src/eval/pad-simulate.js";
import { sharedEngine } from "../support/engine.js";
import { face } from "../support/paths.js";

const SOURCES = ["obama/obama-1.jpg", "biden/biden-1.jpg", "kit_harington/kit_harington-3.jpg", "rose_leslie/rose_leslie-1.jpg", "alex_lacamoire/alex_lacamoire-2.png"];

async function cliJson(args: string[]): Promise<any> {
  const { code, out } = await runEvalCli(args);
  expect(code).toBe(0);
  return JSON.parse(out);
}

describe("face-id eval pad", () => {
  let dir: string;
  /** Independent scores: the default engine's live score per file, by folder. */
  const scores = new Map<string, number[]>();

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "fid-pad-"));
    const made = await buildSimulatedPadSet(SOURCES.map(face), dir);
    expect(made).toEqual({ bonaFide: 5, attacks: { print: 5, replay: 5 } });
    const engine = await sharedEngine();
    for (const sub of ["bona_fide", "attack/print", "attack/replay"]) {
      const list: number[] = [];
      for (const f of (await readdir(path.join(dir, sub))).sort()) {
        const c = await engine.capture(await readFile(path.join(dir, sub, f)), "largest", { liveness: true });
        list.push(c.liveness!.byModel["faceplugin-liveness"]!);
      }
      scores.set(sub, list);
    }
  });

  it("labels the generated set as simulated and reports the same APCER, BPCER and APCER_max as an independent count", async () => {
    const all = [...scores.values()].flat().sort((a, b) => a - b);
    // A threshold between two observed scores, so that both outcomes occur.
    const threshold = Number(((all[7]! + all[8]!) / 2).toFixed(6));
    const out = await cliJson(["pad", "--dir", dir, "--threshold", String(threshold), "--liveness", "faceplugin-liveness,human-antispoof", "--threads", "1", "--json"]);
    expect(out.simulated).toBe(true);
    expect(out.reports.map((r: { scorer: string }) => r.scorer)).toEqual(["faceplugin-liveness", "human-antispoof", "fused"]);
    const report = out.reports[0];
    const accepted = (xs: number[]) => xs.filter((s) => s >= threshold).length;
    const apcer = { print: accepted(scores.get("attack/print")!) / 5, replay: accepted(scores.get("attack/replay")!) / 5 };
    const bpcer = (5 - accepted(scores.get("bona_fide")!)) / 5;
    expect(report.threshold).toBe(threshold);
    expect(report.attacks.map((a: { species: string; rate: number; presentations: number }) => [a.species, a.presentations, a.rate])).toEqual([
      ["print", 5, apcer.print],
      ["replay", 5, apcer.replay],
    ]);
    expect(report.bpcer).toBe(bpcer);
    expect(report.apcerMax).toBe(Math.max(apcer.print, apcer.replay));
    // BPCER at the lowest threshold where no attack species exceeds 1 % (a brute-force sweep).
    const sweep = [...all, Infinity].find((t) => Math.max(...["attack/print", "attack/replay"].map((k) => scores.get(k)!.filter((s) => s >= t).length / 5)) <= 0.01)!;
    expect(report.bpcerAtApcer1).toBe(scores.get("bona_fide")!.filter((s) => s < sweep).length / 5);
    const none = await cliJson(["pad", "--dir", dir, "--threshold", "1", "--liveness", "faceplugin-liveness", "--threads", "1", "--json"]);
    expect(none.reports[0].apcerMax).toBe(all[all.length - 1]! >= 1 ? none.reports[0].apcerMax : 0);
    expect(none.reports[0].bpcer).toBe(1 - scores.get("bona_fide")!.filter((s) => s >= 1).length / 5);
  });
});
