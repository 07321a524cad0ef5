import { describe, expect, it } from "vitest";
import { scoreBand } from "./verification.js";

describe("scoreBand", () => {
  it("bands a score against its threshold", () => {
    expect(scoreBand(0.5, 0.3)).toBe("CLEAR_MATCH");
    expect(scoreBand(0.35, 0.3)).toBe("MATCH");
    expect(scoreBand(0.3, 0.3)).toBe("MATCH");
    expect(scoreBand(0.25, 0.3)).toBe("NEAR_MISS");
    expect(scoreBand(0.1, 0.3)).toBe("NO_MATCH");
  });
});
