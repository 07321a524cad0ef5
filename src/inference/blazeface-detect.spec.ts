import { describe, expect, it } from "vitest";
import { blazeAnchors } from "./blazeface-detect.stage.js";

describe("blazeAnchors", () => {
  it("has MediaPipe's 896 anchors for 128 and 256 inputs and 2304 for the 192 full-range model", () => {
    expect(blazeAnchors(128)).toHaveLength(896);
    expect(blazeAnchors(256)).toHaveLength(896);
    expect(blazeAnchors(192)).toHaveLength(2304);
  });

  it("orders anchors by layer, row, column, anchor-per-cell, at cell centres", () => {
    const a = blazeAnchors(128);
    // First layer: stride 8, 2 anchors per cell.
    expect(a[0]).toEqual([4, 4]);
    expect(a[1]).toEqual([4, 4]);
    expect(a[2]).toEqual([12, 4]);
    expect(a[32]).toEqual([4, 12]); // second row starts after 16 cells × 2
    // Second layer: stride 16, 6 per cell, starting at index 512.
    expect(a[512]).toEqual([8, 8]);
    expect(a[517]).toEqual([8, 8]);
    expect(a[518]).toEqual([24, 8]);
    expect(a[895]).toEqual([120, 120]);
  });
});
