import { describe, expect, it } from "vitest";
import { retainUntil } from "./retention.js";

const d = (s: string) => new Date(`${s}T00:00:00Z`);

describe("retainUntil", () => {
  it("is the earlier of the maximum age and the unused limit after the last use", () => {
    const rule = { maxDays: 365, unusedDays: 30 };
    expect(retainUntil(rule, d("2026-01-01"), null)).toEqual(d("2026-01-31"));
    expect(retainUntil(rule, d("2026-01-01"), d("2026-06-01"))).toEqual(d("2026-07-01"));
    expect(retainUntil(rule, d("2026-01-01"), d("2026-12-20"))).toEqual(d("2027-01-01"));
  });

  it("has only the maximum age without an unused limit", () => {
    expect(retainUntil({ maxDays: 10, unusedDays: null }, d("2026-01-01"), d("2026-01-09"))).toEqual(d("2026-01-11"));
  });
});
