import { describe, expect, it } from "vitest";
import { ageReport, expressionReport, genderReport, parseUtkName } from "./attribute-eval.js";
import { ageFromDistribution } from "../inference/age-gender.stage.js";

describe("attribute metrics", () => {
  it("age: MAE overall, for adults and children, by band, and the correlation", () => {
    const r = ageReport([
      { age: 5, predicted: 9 },
      { age: 30, predicted: 28 },
      { age: 70, predicted: 58 },
    ]);
    expect(r.mae).toBeCloseTo((4 + 2 + 12) / 3, 10);
    expect(r.adultMae).toBeCloseTo(7, 10);
    expect(r.childMae).toBe(4);
    expect(r.byBand.find((b) => b.band === "60+")).toEqual({ band: "60+", n: 1, mae: 12 });
    expect(r.byBand.find((b) => b.band === "13–19")!.n).toBe(0);
    expect(r.correlation).toBeGreaterThan(0.99);
    // A flat predictor has no correlation and an error that grows with the true age's spread.
    const flat = ageReport([5, 30, 70].map((age) => ({ age, predicted: 38 })));
    expect(flat.correlation).toBe(0);
    expect(flat.predictedSd).toBe(0);
  });

  it("gender and expression: accuracy and per-class recall", () => {
    const g = genderReport([
      { age: 40, male: true, predictedMale: true },
      { age: 40, male: false, predictedMale: true },
      { age: 8, male: true, predictedMale: false },
      { age: 30, male: false, predictedMale: false },
    ]);
    expect(g.accuracy).toBe(0.5);
    expect(g.adultAccuracy).toBeCloseTo(2 / 3, 10);
    expect(g.childAccuracy).toBe(0);
    const e = expressionReport([
      { label: "happy", predicted: "happy" },
      { label: "happy", predicted: "neutral" },
      { label: "fear", predicted: "sad" },
    ]);
    expect(e.accuracy).toBeCloseTo(1 / 3, 10);
    expect(e.recall.happy).toBe(0.5);
    expect(e.recall.fear).toBe(0);
    expect(e.recall.angry).toBeNaN();
  });

  it("reads UTKFace labels from the file name", () => {
    expect(parseUtkName("26_1_0_20170116232725357.jpg.chip.jpg")).toEqual({ age: 26, male: false });
    expect(parseUtkName("/x/3_0_2_2017.jpg")).toEqual({ age: 3, male: true });
    expect(parseUtkName("readme.jpg")).toBeNull();
  });

  it("decodes an age distribution into its mean, spread and ±5-year mass", () => {
    const p = new Array(100).fill(0);
    p[30] = 0.5;
    p[40] = 0.5;
    const a = ageFromDistribution(p);
    expect(a.years).toBeCloseTo(35, 10);
    expect(a.sd).toBeCloseTo(5, 10);
    expect(a.confidence).toBeCloseTo(1, 10);
    const q = new Array(100).fill(0);
    q[20] = 0.25;
    q[60] = 0.75;
    const b = ageFromDistribution(q);
    expect(b.years).toBeCloseTo(50, 10);
    expect(b.confidence).toBe(0);
  });
});
