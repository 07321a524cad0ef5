/**
 * ROC curves as a standalone SVG image: FAR on a log axis (default 1e-4 .. 1), TAR on a linear
 * axis (default 0 .. 1, or a zoomed range), grid, axis labels and legend.
 * Pure and deterministic: every coordinate is written with 2 decimals, so the same input always
 * gives the same string. No dependencies.
 */

/** One curve to draw, e.g. `rocCurve(pairs)` from verification-metrics (extra fields are ignored). */
export interface RocSvgCurve {
  /** Legend text (escaped for XML). */
  label: string;
  /** ROC points; drawn in the given order, joined by straight lines. */
  points: readonly { far: number; tar: number }[];
  /** Stroke colour (any SVG colour); default: from a fixed colour-blind-safe palette, by index. */
  color?: string;
}

export interface RocSvgOptions {
  /** Image width in px; default 640. */
  width?: number;
  /** Image height in px; default 480. */
  height?: number;
  /** Optional title drawn above the plot (escaped for XML). */
  title?: string;
  /** Left end of the FAR axis, in (0, 1); default 1e-4. Smaller FARs (including 0) are drawn at it. */
  farMin?: number;
  /** TAR axis range [min, max] within [0, 1]; default [0, 1]. TARs outside are drawn at the edge. */
  tarRange?: readonly [number, number];
}

/** Okabe-Ito palette (colour-blind safe), without its yellow. */
const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000"];

/** Escapes the five XML special characters, for text content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}

/** Fixed 2-decimal formatting (never "-0.00"). */
function fmt(n: number): string {
  const s = n.toFixed(2);
  return s === "-0.00" ? "0.00" : s;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Largest "nice" step giving at most 10 intervals over `range`. */
function tarStep(range: number): number {
  for (const step of [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5]) if (range / step <= 10 + 1e-9) return step;
  return 1;
}

/** Label of a power of ten on the FAR axis: "1", "1e-1", "1e-2", ... */
function decadeLabel(exponent: number): string {
  return exponent === 0 ? "1" : `1e${exponent}`;
}

/**
 * Renders ROC curves as a standalone SVG document (string). Each curve becomes one `<polyline>`
 * through its points, x = log10(FAR clamped to [farMin, 1]), y = TAR clamped to `tarRange`
 * (so a FAR of 0 is drawn at the left edge). Grid: every power of ten (with lighter lines at
 * 2..9 times it) on the FAR axis, a "nice" step (0.1 for the full range) on the TAR axis.
 * The legend lists the curves in order at the bottom right of the plot.
 */
export function rocSvg(curves: readonly RocSvgCurve[], opts: RocSvgOptions = {}): string {
  const width = opts.width ?? 640;
  const height = opts.height ?? 480;
  const farMin = opts.farMin ?? 1e-4;
  const [tarMin, tarMax] = opts.tarRange ?? [0, 1];
  if (!(width > 0 && height > 0)) throw new RangeError("width and height must be positive");
  if (!(farMin > 0 && farMin < 1)) throw new RangeError(`farMin must be in (0, 1), got ${farMin}`);
  if (!(tarMin >= 0 && tarMax <= 1 && tarMin < tarMax)) throw new RangeError(`tarRange must satisfy 0 <= min < max <= 1, got [${tarMin}, ${tarMax}]`);

  const left = 64;
  const right = width - 20;
  const top = opts.title === undefined ? 20 : 44;
  const bottom = height - 52;
  const logMin = Math.log10(farMin);
  const xOf = (far: number) => left + ((Math.log10(clamp(far, farMin, 1)) - logMin) / -logMin) * (right - left);
  const yOf = (tar: number) => bottom - ((clamp(tar, tarMin, tarMax) - tarMin) / (tarMax - tarMin)) * (bottom - top);

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${fmt(width)}" height="${fmt(height)}" viewBox="0 0 ${fmt(width)} ${fmt(height)}" font-family="sans-serif" font-size="12">`,
  );
  out.push(`<rect x="0.00" y="0.00" width="${fmt(width)}" height="${fmt(height)}" fill="#ffffff"/>`);
  if (opts.title !== undefined) {
    out.push(`<text x="${fmt((left + right) / 2)}" y="26.00" text-anchor="middle" font-size="15">${escapeXml(opts.title)}</text>`);
  }

  // Grid and tick labels.
  out.push(`<g class="grid" stroke-width="1">`);
  for (let e = Math.floor(logMin); e <= 0; e++) {
    for (let m = 1; m <= 9; m++) {
      const far = m * 10 ** e;
      if (far < farMin * (1 - 1e-12) || far > 1 + 1e-12) continue;
      const x = fmt(xOf(far));
      out.push(`<line x1="${x}" y1="${fmt(top)}" x2="${x}" y2="${fmt(bottom)}" stroke="${m === 1 ? "#bbbbbb" : "#eeeeee"}"/>`);
      if (m === 1) out.push(`<text x="${x}" y="${fmt(bottom + 16)}" text-anchor="middle">${decadeLabel(e)}</text>`);
    }
  }
  const step = tarStep(tarMax - tarMin);
  const decimals = step >= 0.1 && Math.round(step * 10) === step * 10 ? 1 : 2;
  for (let k = Math.ceil(tarMin / step - 1e-9); k <= Math.floor(tarMax / step + 1e-9); k++) {
    const tar = k * step;
    const y = fmt(yOf(tar));
    out.push(`<line x1="${fmt(left)}" y1="${y}" x2="${fmt(right)}" y2="${y}" stroke="#bbbbbb"/>`);
    out.push(`<text x="${fmt(left - 6)}" y="${y}" text-anchor="end" dominant-baseline="middle">${tar.toFixed(decimals)}</text>`);
  }
  out.push(`</g>`);

  // Plot frame and axis titles.
  out.push(`<rect x="${fmt(left)}" y="${fmt(top)}" width="${fmt(right - left)}" height="${fmt(bottom - top)}" fill="none" stroke="#333333"/>`);
  out.push(`<text x="${fmt((left + right) / 2)}" y="${fmt(bottom + 38)}" text-anchor="middle">False accept rate (FAR, log scale)</text>`);
  const yMid = fmt((top + bottom) / 2);
  out.push(`<text x="18.00" y="${yMid}" text-anchor="middle" transform="rotate(-90 18.00 ${yMid})">True accept rate (TAR)</text>`);

  // Curves.
  const colors = curves.map((c, i) => c.color ?? PALETTE[i % PALETTE.length]!);
  out.push(`<g class="curves" fill="none" stroke-width="2" stroke-linejoin="round">`);
  curves.forEach((curve, i) => {
    const coords: string[] = [];
    for (const p of curve.points) {
      if (Number.isNaN(p.far) || Number.isNaN(p.tar)) throw new RangeError(`curve ${i} ("${curve.label}"): NaN point`);
      const xy = `${fmt(xOf(p.far))},${fmt(yOf(p.tar))}`;
      if (coords[coords.length - 1] !== xy) coords.push(xy); // drop repeats (e.g. many clamped points)
    }
    out.push(`<polyline stroke="${escapeXml(colors[i]!)}" points="${coords.join(" ")}"/>`);
  });
  out.push(`</g>`);

  // Legend, bottom right inside the plot.
  if (curves.length > 0) {
    const lineHeight = 18;
    const textWidth = Math.max(...curves.map((c) => c.label.length)) * 7; // rough width at 12 px
    const boxWidth = textWidth + 46;
    const boxHeight = curves.length * lineHeight + 10;
    const bx = right - 10 - boxWidth;
    const by = bottom - 10 - boxHeight;
    out.push(`<g class="legend">`);
    out.push(`<rect x="${fmt(bx)}" y="${fmt(by)}" width="${fmt(boxWidth)}" height="${fmt(boxHeight)}" fill="#ffffff" fill-opacity="0.9" stroke="#999999"/>`);
    curves.forEach((curve, i) => {
      const y = by + 5 + lineHeight * (i + 0.5);
      out.push(`<line x1="${fmt(bx + 8)}" y1="${fmt(y)}" x2="${fmt(bx + 32)}" y2="${fmt(y)}" stroke="${escapeXml(colors[i]!)}" stroke-width="2"/>`);
      out.push(`<text x="${fmt(bx + 38)}" y="${fmt(y)}" dominant-baseline="middle">${escapeXml(curve.label)}</text>`);
    });
    out.push(`</g>`);
  }

  out.push(`</svg>`);
  return out.join("\n") + "\n";
}
