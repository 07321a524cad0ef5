import { describe, expect, it } from "vitest";
import { escapeXml, rocSvg, type RocSvgCurve } from "./roc-svg.js";
import { rocCurve, type ScoredPair } from "./verification-metrics.js";

/**
 * Minimal XML well-formedness check: a single root element, every start tag closed in order,
 * no raw `<` or `&` outside tags/entities. Returns the element names in document order.
 */
function checkXml(xml: string): string[] {
  const names: string[] = [];
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<&]*(?:&(?:amp|lt|gt|quot|apos);[^"<&]*)*")*)\s*(\/?)>/y;
  let i = 0;
  let roots = 0;
  while (i < xml.length) {
    const lt = xml.indexOf("<", i);
    const text = xml.slice(i, lt === -1 ? xml.length : lt);
    if (/&(?!(?:amp|lt|gt|quot|apos);)/.test(text)) throw new Error(`raw & in text: ${text}`);
    if (lt === -1) break;
    if (stack.length === 0 && text.trim() !== "") throw new Error(`text outside the root: ${text}`);
    tag.lastIndex = lt;
    const m = tag.exec(xml);
    if (!m) throw new Error(`malformed tag at ${lt}: ${xml.slice(lt, lt + 60)}`);
    const [, closing, name, , selfClosing] = m;
    if (closing) {
      if (stack.pop() !== name) throw new Error(`unbalanced </${name}>`);
    } else {
      if (stack.length === 0) roots++;
      names.push(name!);
      if (!selfClosing) stack.push(name!);
    }
    i = tag.lastIndex;
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join("> <")}>`);
  if (roots !== 1) throw new Error(`expected one root element, got ${roots}`);
  return names;
}

const count = (names: string[], name: string) => names.filter((n) => n === name).length;

/** Coordinates of the n-th polyline. */
function polyline(svg: string, n: number): [number, number][] {
  const all = [...svg.matchAll(/<polyline [^>]*points="([^"]*)"/g)];
  const points = all[n]![1]!;
  return points === "" ? [] : points.split(" ").map((xy) => xy.split(",").map(Number) as [number, number]);
}

const diagonal: RocSvgCurve = { label: "chance", points: [{ far: 0, tar: 0 }, { far: 1e-2, tar: 1e-2 }, { far: 1, tar: 1 }] };

describe("rocSvg", () => {
  it("is a well-formed standalone SVG document with one polyline per curve", () => {
    const curves: RocSvgCurve[] = [diagonal, { label: "model A", points: [{ far: 1e-3, tar: 0.9 }, { far: 1, tar: 1 }] }, { label: "model B", points: [] }];
    const svg = rocSvg(curves);
    const names = checkXml(svg);
    expect(names[0]).toBe("svg");
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" [^>]*viewBox="0 0 640\.00 480\.00"/);
    expect(count(names, "polyline")).toBe(3);
    expect(count(names, "path")).toBe(0);
  });

  it("has the legend labels and axis titles", () => {
    const svg = rocSvg([diagonal, { label: "ArcFace r100", points: diagonal.points }], { title: "LFW" });
    expect(svg).toContain(">chance</text>");
    expect(svg).toContain(">ArcFace r100</text>");
    expect(svg).toContain(">LFW</text>");
    expect(svg).toContain("False accept rate (FAR, log scale)");
    expect(svg).toContain("True accept rate (TAR)");
    // Legend entries come in curve order, after the curves.
    expect(svg.indexOf(">chance<")).toBeLessThan(svg.indexOf(">ArcFace r100<"));
    expect(svg.indexOf('class="legend"')).toBeGreaterThan(svg.lastIndexOf("<polyline"));
  });

  it("escapes < & \" ' > in labels and title", () => {
    const svg = rocSvg([{ label: `a<b & "c" 'd'>`, points: diagonal.points, color: `red"` }], { title: "x<&y" });
    checkXml(svg);
    expect(svg).toContain(">a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;</text>");
    expect(svg).toContain(">x&lt;&amp;y</text>");
    expect(svg).toContain('stroke="red&quot;"');
    expect(svg).not.toContain("a<b");
    expect(escapeXml("<&>")).toBe("&lt;&amp;&gt;");
  });

  it("log FAR axis from 1e-4 to 1 with decade grid lines and labels", () => {
    const svg = rocSvg([diagonal]);
    for (const label of ["1e-4", "1e-3", "1e-2", "1e-1", "1"]) expect(svg).toContain(`>${label}</text>`);
    expect(svg).not.toContain(">1e-5</text>");
    // Plot spans x 64..620: FAR 0 (clamped to 1e-4) at the left edge, 1e-2 half way, 1 at the right.
    const pts = polyline(svg, 0);
    expect(pts.map((p) => p[0])).toEqual([64, 342, 620]);
    // TAR 0..1 spans y 428 (bottom) .. 20 (top): 0.01 is 4.08 px above the bottom.
    expect(pts.map((p) => p[1])).toEqual([428, 423.92, 20]);
  });

  it("clamps FAR below farMin to the left edge and drops repeated points", () => {
    const svg = rocSvg([{ label: "c", points: [{ far: 0, tar: 0.2 }, { far: 1e-7, tar: 0.2 }, { far: 1e-6, tar: 0.5 }, { far: 1, tar: 1 }] }]);
    const pts = polyline(svg, 0);
    expect(pts).toHaveLength(3);
    expect(pts[0]![0]).toBe(64);
    expect(pts[1]![0]).toBe(64);
  });

  it("zoomed TAR range: grid at a finer step, TARs outside drawn at the edges", () => {
    const svg = rocSvg([{ label: "c", points: [{ far: 1e-4, tar: 0.5 }, { far: 1e-2, tar: 0.95 }, { far: 1, tar: 1 }] }], { tarRange: [0.9, 1] });
    checkXml(svg);
    for (const label of ["0.90", "0.91", "0.95", "1.00"]) expect(svg).toContain(`>${label}</text>`);
    expect(svg).not.toContain(">0.5</text>");
    const pts = polyline(svg, 0);
    expect(pts.map((p) => p[1])).toEqual([428, 224, 20]); // 0.5 clamped to the bottom, 0.95 half way
  });

  it("custom farMin extends the axis", () => {
    const svg = rocSvg([diagonal], { farMin: 1e-6 });
    expect(svg).toContain(">1e-6</text>");
    expect(polyline(svg, 0)[1]![0]).toBeCloseTo(64 + (4 / 6) * 556, 2);
  });

  it("is deterministic, with fixed 2-decimal coordinates", () => {
    const pairs: ScoredPair[] = [];
    for (let i = 0; i < 200; i++) pairs.push({ score: Math.sin(i * 12.9898) * 0.5 + (i % 2 ? 0.3 : 0), same: i % 2 === 1, fold: 0 });
    const curves = [{ label: "model", points: rocCurve(pairs) }];
    const a = rocSvg(curves);
    expect(rocSvg(curves)).toBe(a);
    checkXml(a);
    const numbers = [...a.matchAll(/\s(?:x1?|y1?|x2|y2|width|height)="([^"]+)"/g)].map((m) => m[1]!);
    expect(numbers.length).toBeGreaterThan(20);
    for (const n of numbers) expect(n).toMatch(/^-?\d+\.\d\d$/);
    for (const p of polyline(a, 0).flat()) expect(Number.isFinite(p)).toBe(true);
  });

  it("uses distinct default colours and honours a given colour", () => {
    const svg = rocSvg([diagonal, diagonal, { ...diagonal, color: "#123456" }]);
    const strokes = [...svg.matchAll(/<polyline stroke="([^"]+)"/g)].map((m) => m[1]);
    expect(strokes[0]).not.toBe(strokes[1]);
    expect(strokes[2]).toBe("#123456");
  });

  it("no curves: no legend, still a valid document", () => {
    const svg = rocSvg([]);
    expect(count(checkXml(svg), "polyline")).toBe(0);
    expect(svg).not.toContain('class="legend"');
  });

  it("rejects bad options and NaN points", () => {
    expect(() => rocSvg([], { farMin: 0 })).toThrow(RangeError);
    expect(() => rocSvg([], { farMin: 1 })).toThrow(RangeError);
    expect(() => rocSvg([], { tarRange: [0.5, 0.5] })).toThrow(RangeError);
    expect(() => rocSvg([{ label: "x", points: [{ far: NaN, tar: 0 }] }])).toThrow(RangeError);
  });
});

describe("the XML checker itself", () => {
  it("rejects malformed documents (so the checks above can fail)", () => {
    expect(() => checkXml("<svg><g></svg>")).toThrow();
    expect(() => checkXml("<svg><text>a<b</text></svg>")).toThrow();
    expect(() => checkXml("<svg><text>a & b</text></svg>")).toThrow();
    expect(() => checkXml("<svg/><svg/>")).toThrow();
    expect(checkXml('<svg a="1"><g><line x="2"/></g></svg>')).toEqual(["svg", "g", "line"]);
  });
});
