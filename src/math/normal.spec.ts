import { describe, expect, it } from "vitest";
import { normalQuantile } from "./normal.js";

describe("normalQuantile", () => {
  it("matches known quantiles", () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.999)).toBeCloseTo(3.090232, 5);
    expect(normalQuantile(1 - 1e-6)).toBeCloseTo(4.753424, 4);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 5);
  });

  it("rejects probabilities outside (0, 1)", () => {
    expect(() => normalQuantile(0)).toThrow(RangeError);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });
});
