/**
 * `face-id eval` on real data: `lfw` on a small subset of the LFW development pairs, its
 * numbers checked against an independent computation in this test (embeddings from the
 * engine directly, a brute-force threshold sweep, AUC by counting pairs); `embed` prints
 * the exact JSON-lines shape independent checks read; `detect` counts faces.
 */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseLfwPairs, lfwImagePath } from "../../src/eval/lfw-pairs.js";
import { cosineSimilarity } from "../../src/math/vector.js";
import { runEvalCli } from "../support/cli.js";
import { sharedEngine } from "../support/engine.js";
import { SHARED, face } from "../support/paths.js";

const LFW = path.join(SHARED, "lfw-dev");

const cli = runEvalCli;

describe("face-id eval lfw", () => {
  let dir: string;
  let trainFile: string;
  let testFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "fid-lfw-"));
    // A small train/test split from the official development files: 12 + 12 train, 15 + 15 test pairs.
    const take = (text: string, n: number) => {
      const lines = text.trim().split("\n").slice(1);
      const same = lines.filter((l) => l.split("\t").length === 3).slice(0, n);
      const diff = lines.filter((l) => l.split("\t").length === 4).slice(0, n);
      return [String(n), ...same, ...diff].join("\n") + "\n";
    };
    trainFile = path.join(dir, "train.txt");
    testFile = path.join(dir, "test.txt");
    await writeFile(trainFile, take(await readFile(path.join(LFW, "pairsDevTrain.txt"), "utf8"), 12));
    await writeFile(testFile, take(await readFile(path.join(LFW, "pairsDevTest.txt"), "utf8"), 15));
  });

  it("prints the protocol's metrics, matching an independent computation", async () => {
    const { code, out } = await cli(["lfw", "--root", LFW, "--train", trainFile, "--test", testFile, "--json", "--threads", "1", "--roc", path.join(dir, "roc.svg")]);
    expect(code).toBe(0);
    const [result] = JSON.parse(out.slice(0, out.lastIndexOf("]") + 1)) as { accuracy: { threshold: number; testAccuracy: number; trainAccuracy: number }; auc: number; counts: { pairs: number; failed: number }; tarAtFar: { targetFar: number; tar: number }[] }[];

    // Independent: embeddings straight from the engine (face nearest the centre), cosine scores.
    const engine = await sharedEngine();
    const score = async (file: string) => {
      const pairs = parseLfwPairs(await readFile(file, "utf8"));
      const out: { same: boolean; score: number }[] = [];
      for (const p of pairs) {
        const a = await engine.capture(await readFile(lfwImagePath(path.join(LFW, "images"), p.a)), "center");
        const b = await engine.capture(await readFile(lfwImagePath(path.join(LFW, "images"), p.b)), "center");
        out.push({ same: p.same, score: cosineSimilarity(a.embedding, b.embedding) });
      }
      return out;
    };
    const train = await score(trainFile);
    const test = await score(testFile);
    const acc = (list: typeof train, t: number) => list.filter((p) => (p.score >= t) === p.same).length / list.length;
    // The best training accuracy over every possible cut (brute force).
    const cuts = [-Infinity, ...train.map((p) => p.score)].sort((a, b) => a - b);
    const bestTrain = Math.max(...cuts.map((c) => acc(train, c + 1e-9)));
    expect(result!.accuracy.trainAccuracy).toBeCloseTo(bestTrain, 10);
    expect(acc(train, result!.accuracy.threshold)).toBeCloseTo(bestTrain, 10);
    expect(result!.accuracy.testAccuracy).toBeCloseTo(acc(test, result!.accuracy.threshold), 10);
    // AUC as the probability that a genuine pair outscores an impostor pair.
    const gen = test.filter((p) => p.same).map((p) => p.score);
    const imp = test.filter((p) => !p.same).map((p) => p.score);
    let wins = 0;
    for (const g of gen) for (const i of imp) wins += g > i ? 1 : g === i ? 0.5 : 0;
    expect(result!.auc).toBeCloseTo(wins / (gen.length * imp.length), 10);
    expect(result!.counts).toMatchObject({ pairs: 30, failed: 0 });
    expect(result!.tarAtFar.map((t) => t.targetFar)).toEqual([1e-2, 1e-3, 1e-4]);
    expect(await readFile(path.join(dir, "roc.svg"), "utf8")).toMatch(/^<svg[\s\S]*<polyline[\s\S]*<\/svg>\s*$/);
  });

  it("runs the 10-fold protocol of a View 2 style pairs.txt", async () => {
    // 10 folds of 2 matched + 2 mismatched pairs, in the official "folds N" layout.
    const lines = (await readFile(path.join(LFW, "pairsDevTest.txt"), "utf8")).trim().split("\n").slice(1);
    const same = lines.filter((l) => l.split("\t").length === 3);
    const diff = lines.filter((l) => l.split("\t").length === 4);
    const folds = Array.from({ length: 10 }, (_, f) => [...same.slice(f * 2, f * 2 + 2), ...diff.slice(f * 2, f * 2 + 2)]);
    const file = path.join(dir, "pairs10.txt");
    await writeFile(file, ["10\t2", ...folds.flat()].join("\n") + "\n");
    const { out } = await cli(["lfw", "--root", LFW, "--pairs", file, "--json", "--threads", "1"]);
    const [result] = JSON.parse(out) as { accuracy: { protocol: string; mean: number; folds: { accuracy: number }[] } }[];
    expect(result!.accuracy.protocol).toBe("k-fold");
    expect(result!.accuracy.folds).toHaveLength(10);

    // Independent: per fold, the threshold with the best accuracy on the other nine (brute
    // force over the midpoints between their distinct scores, lowest on ties, as the tool
    // documents), accuracy on this one.
    const engine = await sharedEngine();
    const pairs = parseLfwPairs(await readFile(file, "utf8"));
    const scored: { same: boolean; fold: number; score: number }[] = [];
    for (const p of pairs) {
      const a = await engine.capture(await readFile(lfwImagePath(path.join(LFW, "images"), p.a)), "center");
      const b = await engine.capture(await readFile(lfwImagePath(path.join(LFW, "images"), p.b)), "center");
      scored.push({ same: p.same, fold: p.fold, score: cosineSimilarity(a.embedding, b.embedding) });
    }
    const acc = (list: typeof scored, t: number) => list.filter((p) => (p.score >= t) === p.same).length / list.length;
    const perFold = Array.from({ length: 10 }, (_, f) => {
      const train = scored.filter((p) => p.fold !== f);
      const test = scored.filter((p) => p.fold === f);
      const u = [...new Set(train.map((p) => p.score))].sort((x, y) => x - y);
      const cuts = [-Infinity, ...u.slice(1).map((v, i) => (u[i]! + v) / 2), Infinity];
      const best = Math.max(...cuts.map((c) => acc(train, c)));
      const chosen = cuts.find((c) => acc(train, c) === best)!;
      return { expected: acc(test, chosen), actual: result!.accuracy.folds[f]!.accuracy };
    });
    for (const f of perFold) expect(f.actual).toBeCloseTo(f.expected, 10);
    expect(result!.accuracy.mean).toBeCloseTo(perFold.reduce((s, f) => s + f.actual, 0) / 10, 10);
  });

  it("cross-validates over the union of single-set pair files (--pairs A,B)", async () => {
    const { out } = await cli(["lfw", "--root", LFW, "--pairs", `${trainFile},${testFile}`, "--json", "--threads", "1"]);
    const [result] = JSON.parse(out) as { accuracy: { protocol: string; folds: { pairs: number }[] }; counts: { pairs: number } }[];
    expect(result!.accuracy.protocol).toBe("k-fold");
    expect(result!.accuracy.folds).toHaveLength(10);
    expect(result!.counts.pairs).toBe(24 + 30);
    expect(result!.accuracy.folds.reduce((s, f) => s + f.pairs, 0)).toBe(54);
  });

  it("prints a readable report", async () => {
    const { out } = await cli(["lfw", "--root", LFW, "--train", trainFile, "--test", testFile, "--threads", "1"]);
    expect(out).toMatch(/accuracy \d+\.\d\d% \(threshold [-\d.]+ from train/);
    expect(out).toMatch(/TAR@FAR=1e-2 .*TAR@FAR=1e-3 .*TAR@FAR=1e-4/);
    expect(out).toMatch(/ROC AUC [01]\.\d+, EER \d+\.\d\d%, pairs 30 .*failures to detect 0/);
  });
});

describe("face-id eval embed", () => {
  it("prints one JSON line per image, null when there is no face", async () => {
    const noFace = path.join(await mkdtemp(path.join(os.tmpdir(), "fid-embed-")), "blank.png");
    const sharp = (await import("sharp")).default;
    await sharp({ create: { width: 200, height: 200, channels: 3, background: { r: 20, g: 200, b: 20 } } }).png().toFile(noFace);
    const { out } = await cli(["embed", face("obama/obama-1.jpg"), face("_multi/two_people.jpg"), noFace, "--threads", "1"]);
    const lines = out.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => l.path)).toEqual([face("obama/obama-1.jpg"), face("_multi/two_people.jpg"), noFace]);
    expect(lines[0].embedding).toHaveLength(1024);
    expect(Math.hypot(...lines[0].embedding)).toBeCloseTo(1, 4);
    expect(lines[0].face.landmarks5).toHaveLength(5);
    expect(lines[1].faceCount).toBe(2);
    expect(lines[2]).toMatchObject({ embedding: null, face: null, faceCount: 0 });
    // The same embedding the engine gives for the largest face.
    const engine = await sharedEngine();
    const direct = await engine.capture(await readFile(face("_multi/two_people.jpg")), "largest");
    expect(cosineSimilarity(lines[1].embedding, direct.embedding)).toBeGreaterThan(0.99999);
  });
});

describe("face-id eval detect", () => {
  it("counts images, faces and several-face images", async () => {
    const { out } = await cli(["detect", "--dir", path.join(SHARED, "faces", "_multi"), "--json", "--threads", "1"]);
    const r = JSON.parse(out);
    expect(r).toMatchObject({ images: 3, withFace: 3, multipleFaces: 3, detectionRate: 1 });
  });
});
