import { describe, expect, it } from "vitest";
import { parseLandmarkId, parseRecognizerId, recognizerId } from "./model-id.js";

describe("model ids", () => {
  it("parses recognizer settings into parts and writes them back unchanged", () => {
    expect(parseRecognizerId("edgeface-xs")).toEqual([{ model: "edgeface-xs", flip: false }]);
    expect(parseRecognizerId("faceplugin-r512+flip")).toEqual([{ model: "faceplugin-r512", flip: true }]);
    const fused = "edgeface-xs+flip&edgeface-xxs+flip";
    expect(parseRecognizerId(fused)).toEqual([
      { model: "edgeface-xs", flip: true },
      { model: "edgeface-xxs", flip: true },
    ]);
    for (const id of ["edgeface-xs", "faceplugin-r512+flip", fused, "a&b+flip&c"]) expect(recognizerId(parseRecognizerId(id))).toBe(id);
  });

  it("refuses malformed recognizer settings, naming them", () => {
    for (const id of ["", "+flip", "a&&b", "a&", "a+flip+flip", "a b"]) expect(() => parseRecognizerId(id), id).toThrow(/is not a model id/);
  });

  it("parses landmark settings", () => {
    expect(parseLandmarkId("detector")).toEqual({ kind: "detector" });
    expect(parseLandmarkId("human-facemesh")).toEqual({ kind: "model", model: "human-facemesh", iris: false });
    expect(parseLandmarkId("human-facemesh+iris")).toEqual({ kind: "model", model: "human-facemesh", iris: true });
    expect(() => parseLandmarkId("+iris")).toThrow(/not a model id/);
  });
});
