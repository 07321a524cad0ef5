/**
 * Age and gender on a labelled subset of ../shared/attributes/utkface (every 25th image by
 * name: 60 faces, all ages), through the pipeline as analyzeFace runs it. The tolerances
 * are loose (a subset of 60 is noisy) but the flat SSR-Net age model the platform shipped
 * before fails them, which the second test shows on the same faces.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluateUtk, type UtkEvaluation } from "../../src/eval/attribute-eval.js";
import { FacePipeline } from "../../src/inference/face-pipeline.js";
import { loadManifest } from "../../src/inference/model-manifest.js";
import { testConfig } from "../support/engine.js";
import { SHARED } from "../support/paths.js";

const UTK = path.join(SHARED, "attributes", "utkface");
const STEP = 25;

let pipeline: FacePipeline;
let served: UtkEvaluation;
let flat: UtkEvaluation;

beforeAll(async () => {
  const manifest = await loadManifest();
  const base = testConfig().inference;
  pipeline = await FacePipeline.load({ ...base, threads: 1 }, manifest);
  served = await evaluateUtk(pipeline, UTK, STEP);
  const old = await FacePipeline.load({ ...base, threads: 1, checks: { ...base.checks, ageModel: "faceplugin-age", genderModel: "faceplugin-gender" } }, manifest);
  flat = await evaluateUtk(old, UTK, STEP);
}, 600_000);

describe("age and gender on labelled faces", () => {
  it("the served models follow the true age and get adults' gender right", () => {
    expect(served.images).toBe(60);
    expect(served.noFace).toBe(0);
    expect(served.age.correlation).toBeGreaterThan(0.85);
    expect(served.age.adultMae).toBeLessThan(9);
    expect(served.age.predictedSd).toBeGreaterThan(12);
    expect(served.gender.adultAccuracy).toBeGreaterThan(0.8);
  });

  it("the flat SSR-Net age model fails the same tolerances on the same faces", () => {
    expect(flat.images).toBe(60);
    expect(flat.age.correlation).toBeLessThan(0.5);
    expect(flat.age.predictedSd).toBeLessThan(12);
    expect(flat.age.mae).toBeGreaterThan(served.age.mae + 5);
    expect(flat.gender.adultAccuracy).toBeLessThan(0.8);
  });

  it("lists gender below target for a child and not for an adult; age and expression always", async () => {
    const of = async (file: string) => (await pipeline.inspect(await readFile(path.join(UTK, file)), "largest", { attributes: true })).attributes!;
    const child = await of("3_0_0_20161219161157166.jpg.chip.jpg");
    const adult = await of("35_0_0_20170104172415386.jpg.chip.jpg");
    expect(child.age).toBeLessThan(10);
    expect(child.belowTarget).toEqual(["age", "gender", "expression"]);
    expect(adult.age).toBeGreaterThan(20);
    expect(adult.belowTarget).toEqual(["age", "expression"]);
  });
});
