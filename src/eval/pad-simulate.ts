/**
 * A SIMULATED presentation-attack set, for tests and for a first look when no real attack
 * captures exist. Each bona fide photo is copied to `bona_fide/` and turned into:
 *   attack/print/    printed and re-photographed: reduced dynamic range and saturation, a
 *                    warm paper cast, a halftone dot screen, defocus blur, JPEG again;
 *   attack/replay/   shown on a screen and re-photographed: a moiré pattern (the screen's
 *                    pixel grid beating with the camera's), a bluish backlight cast,
 *                    raised black level, a specular glare band, slight blur.
 * These are image-processing imitations, not real attacks: a detector that catches them
 * is not thereby shown to catch real prints or screens. Reports must say "simulated".
 */
import { mkdir, readdir, writeFile, readFile } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";

export const SIMULATED_SPECIES = ["print", "replay"] as const;
export type SimulatedSpecies = (typeof SIMULATED_SPECIES)[number];

async function rgb(bytes: Uint8Array): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(bytes).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);

/** Printed-and-rephotographed look. */
export async function simulatePrint(bytes: Uint8Array): Promise<Buffer> {
  const { data, width, height } = await rgb(bytes);
  const out = Buffer.alloc(data.length);
  const period = Math.max(3, Math.round(Math.min(width, height) / 160));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      const gray = 0.299 * data[o]! + 0.587 * data[o + 1]! + 0.114 * data[o + 2]!;
      // Halftone: a faint dot screen at 45°.
      const dot = Math.cos(((x + y) * Math.PI) / period) * Math.cos(((x - y) * Math.PI) / period) * 10;
      for (let c = 0; c < 3; c++) {
        const desaturated = 0.55 * data[o + c]! + 0.45 * gray;
        const paper = [1.04, 1.0, 0.9][c]!;
        out[o + c] = clamp((35 + desaturated * 0.7) * paper + dot);
      }
    }
  }
  const sigma = Math.max(0.6, Math.min(width, height) / 500);
  return sharp(out, { raw: { width, height, channels: 3 } }).blur(sigma).jpeg({ quality: 70 }).toBuffer();
}

/** Screen-replay look. */
export async function simulateReplay(bytes: Uint8Array): Promise<Buffer> {
  const { data, width, height } = await rgb(bytes);
  const out = Buffer.alloc(data.length);
  const period = Math.max(4, Math.min(width, height) / 90);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      // Moiré: two slightly rotated gratings beating.
      const moire = 14 * Math.sin((2 * Math.PI * (x * 0.98 + y * 0.2)) / period) * Math.sin((2 * Math.PI * (y * 0.97 - x * 0.18)) / period);
      // Glare: a bright diagonal band.
      const d = (x / width - y / height - 0.1) * 4;
      const glare = 70 * Math.exp(-d * d);
      for (let c = 0; c < 3; c++) {
        const backlight = [0.92, 0.98, 1.1][c]!;
        out[o + c] = clamp(25 + data[o + c]! * 0.8 * backlight + moire + glare);
      }
    }
  }
  return sharp(out, { raw: { width, height, channels: 3 } }).blur(0.8).jpeg({ quality: 80 }).toBuffer();
}

const SIMULATORS: Record<SimulatedSpecies, (bytes: Uint8Array) => Promise<Buffer>> = { print: simulatePrint, replay: simulateReplay };

/** Writes bona_fide/, attack/print/ and attack/replay/ under `outDir` from the images in `sources`. */
export async function buildSimulatedPadSet(sources: readonly string[], outDir: string): Promise<{ bonaFide: number; attacks: Record<SimulatedSpecies, number> }> {
  await mkdir(path.join(outDir, "bona_fide"), { recursive: true });
  for (const s of SIMULATED_SPECIES) await mkdir(path.join(outDir, "attack", s), { recursive: true });
  const used = new Set<string>();
  for (const src of sources) {
    let name = path.basename(src).replace(/\.[^.]+$/, "");
    for (let i = 2; used.has(name); i++) name = `${path.basename(src).replace(/\.[^.]+$/, "")}-${i}`;
    used.add(name);
    const bytes = await readFile(src);
    await writeFile(path.join(outDir, "bona_fide", `${name}.jpg`), await sharp(bytes).rotate().removeAlpha().jpeg({ quality: 92 }).toBuffer());
    for (const s of SIMULATED_SPECIES) await writeFile(path.join(outDir, "attack", s, `${name}.jpg`), await SIMULATORS[s](bytes));
  }
  await writeFile(
    path.join(outDir, "README.txt"),
    "SIMULATED presentation attacks (face-id eval pad-simulate): image-processing imitations of printed and screen-replayed photos, not real attack captures.\n",
  );
  return { bonaFide: sources.length, attacks: { print: sources.length, replay: sources.length } };
}

/** Image files directly in a folder, sorted. */
export async function imagesIn(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => /\.(jpe?g|png|webp)$/i.test(n)).sort().map((n) => path.join(dir, n));
}
