import { describe, expect, it } from "vitest";
import { mirror, roundNonNegative, toGray, warpAffine, type RawImage } from "./warp-affine.js";

function gradient(w: number, h: number): RawImage {
  const data = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = x * 10 + y;
  return { width: w, height: h, channels: 1, data };
}

describe("warpAffine", () => {
  it("is the identity for the identity transform", () => {
    const img = gradient(8, 6);
    expect(warpAffine(img, [1, 0, 0, 0, 1, 0], 8, 6).data).toEqual(img.data);
  });

  it("translates by whole pixels and fills the border", () => {
    const img = gradient(8, 6);
    const out = warpAffine(img, [1, 0, 2, 0, 1, 1], 8, 6, 255);
    expect(out.data[1 * 8 + 2]).toBe(img.data[0]);
    expect(out.data[3 * 8 + 5]).toBe(img.data[2 * 8 + 3]);
    expect(out.data[0]).toBe(255);
  });

  it("interpolates bilinearly between pixels", () => {
    const img: RawImage = { width: 2, height: 1, channels: 1, data: new Uint8Array([0, 100]) };
    // Shift left by half a pixel: output(0) samples source x = 0.5.
    const out = warpAffine(img, [1, 0, -0.5, 0, 1, 0], 1, 1);
    expect(out.data[0]).toBe(50);
  });

  it("averages when shrinking, so a fine checkerboard becomes mid-gray, not aliased", () => {
    const w = 64;
    const data = new Uint8Array(w * w);
    for (let y = 0; y < w; y++) for (let x = 0; x < w; x++) data[y * w + x] = (x + y) % 2 === 0 ? 0 : 255;
    const out = warpAffine({ width: w, height: w, channels: 1, data }, [1 / 8, 0, 0, 0, 1 / 8, 0], 8, 8);
    // Interior pixels (edge pixels also average in the black border).
    for (let y = 1; y < 7; y++) for (let x = 1; x < 7; x++) expect(Math.abs(out.data[y * 8 + x]! - 127.5)).toBeLessThan(20);
  });

  it("keeps channels interleaved", () => {
    const img: RawImage = { width: 1, height: 1, channels: 3, data: new Uint8Array([10, 20, 30]) };
    expect(Array.from(warpAffine(img, [1, 0, 0, 0, 1, 0], 1, 1).data)).toEqual([10, 20, 30]);
  });
});

describe("toGray", () => {
  it("weights RGB by BT.601 luma", () => {
    const img: RawImage = { width: 3, height: 1, channels: 3, data: new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255]) };
    expect(Array.from(toGray(img).data)).toEqual([76, 150, 29]);
  });
});

describe("mirror", () => {
  it("reverses each row, keeping the channels of a pixel together", () => {
    const img: RawImage = { width: 3, height: 2, channels: 2, data: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) };
    expect(Array.from(mirror(img).data)).toEqual([5, 6, 3, 4, 1, 2, 11, 12, 9, 10, 7, 8]);
    expect(Array.from(mirror(mirror(img)).data)).toEqual(Array.from(img.data));
  });
});

describe("roundNonNegative", () => {
  it("is Math.round for every number ≥ 0: ties up, the largest double below one half, pixel sums", () => {
    const edges = [0, Number.MIN_VALUE, 0.49999999999999994, 0.5, 1.4999999999999998, 1.5, 2.5, 254.49999999999997, 254.5, 255, 2 ** 30 + 0.5];
    for (let k = 0; k <= 1024; k++) edges.push(k / 4, k / 2 + 1e-12, k / 2 - 1e-12, (k / 2) * (1 + Number.EPSILON), (k / 2) * (1 - Number.EPSILON));
    for (const x of edges) if (x >= 0) expect(roundNonNegative(x), `${x}`).toBe(Math.round(x));
    // Bilinear sums of bytes with weights that add to one, as warpAffine makes them.
    let seed = 7;
    const next = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let i = 0; i < 100_000; i++) {
      const fx = next();
      const fy = next();
      const p = [0, 0, 0, 0].map(() => Math.floor(next() * 256));
      const x = (1 - fx) * (1 - fy) * p[0]! + fx * (1 - fy) * p[1]! + (1 - fx) * fy * p[2]! + fx * fy * p[3]!;
      expect(roundNonNegative(x)).toBe(Math.round(x));
    }
  });
});
