import { describe, expect, it } from "vitest";
import { l2Normalize } from "../../math/vector.js";
import { ExactIndex } from "./exact-index.js";

const unit = (...xs: number[]) => l2Normalize(xs);

describe("ExactIndex", () => {
  it("returns the best template per subject, best first, above the minimum score", () => {
    const ix = new ExactIndex(3, 1);
    ix.add({ templateId: "t1", subjectId: "a", purpose: "p" }, unit(1, 0, 0));
    ix.add({ templateId: "t2", subjectId: "a", purpose: "p" }, unit(1, 0.2, 0));
    ix.add({ templateId: "t3", subjectId: "b", purpose: "p" }, unit(0.6, 0.8, 0));
    ix.add({ templateId: "t4", subjectId: "c", purpose: "q" }, unit(1, 0.1, 0));
    ix.add({ templateId: "t5", subjectId: "d", purpose: "p" }, unit(0, 0, 1));
    const hits = ix.search(unit(1, 0.1, 0), 10, 0.3, (e) => e.purpose === "p");
    expect(hits.map((h) => [h.subjectId, h.templateId])).toEqual([["a", "t2"], ["b", "t3"]]);
    expect(hits[0]!.score).toBeCloseTo(unit(1, 0.1, 0).reduce((s, v, i) => s + v * unit(1, 0.2, 0)[i]!, 0), 6);
    expect(ix.search(unit(1, 0.1, 0), 1, -1).map((h) => h.subjectId)).toEqual(["c"]);
  });

  it("removes templates and subjects, keeping the rest findable", () => {
    const ix = new ExactIndex(2, 2);
    for (let i = 0; i < 10; i++) ix.add({ templateId: `t${i}`, subjectId: `s${i % 3}`, purpose: "p" }, unit(Math.cos(i / 3), Math.sin(i / 3)));
    expect(ix.remove("t4")).toBe(true);
    expect(ix.remove("t4")).toBe(false);
    expect(ix.removeSubject("s0")).toBe(4);
    expect(ix.size).toBe(5);
    const all = ix.search(unit(1, 0), 10, -1);
    expect(all.map((h) => h.subjectId).sort()).toEqual(["s1", "s2"]);
    expect(ix.has("t7")).toBe(true);
    expect(ix.has("t3")).toBe(false);
  });
});
