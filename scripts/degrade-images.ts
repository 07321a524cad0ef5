/**
 * Degraded copies of an image tree, for robustness measurements: probes from cheap
 * cameras and messaging apps are small, heavily compressed and sometimes gray. Every
 * image under --from is written under --out/<variant>/ with the same relative path, once
 * per variant. A variant is `<side>q<quality>[g]`: the image shrunk so that its longer
 * side is <side> pixels (never enlarged), JPEG-encoded at <quality>, gray with "g"
 * (e.g. 100q40, 64q60, 250q15, 250q90g).
 *   npm run degrade -- --from ../shared/lfw-dev/images --out /tmp/lfw-degraded --variants 100q40,64q60,250q15,250q90g
 * The copies are research data derived from the source set: keep them out of the repository.
 */
import { mkdir, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";

export interface Variant {
  name: string;
  side: number;
  quality: number;
  gray: boolean;
}

export function parseVariant(name: string): Variant {
  const m = /^(\d+)q(\d+)(g?)$/.exec(name);
  if (!m) throw new Error(`variant ${name}: expected <side>q<quality>[g], e.g. 100q40`);
  const quality = Number(m[2]);
  if (quality < 1 || quality > 100) throw new Error(`variant ${name}: JPEG quality must be 1–100`);
  return { name, side: Number(m[1]), quality, gray: m[3] === "g" };
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else if (/\.(jpe?g|png|webp)$/i.test(e.name)) out.push(p);
  }
  return out.sort();
}

async function main(): Promise<void> {
  const args = new Map<string, string>();
  for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ""), process.argv[i + 1] ?? "");
  const from = args.get("from");
  const out = args.get("out");
  if (!from || !out) throw new Error("usage: degrade-images --from DIR --out DIR [--variants 100q40,64q60]");
  const variants = (args.get("variants") ?? "100q40,64q60,250q15").split(",").filter(Boolean).map(parseVariant);
  const files = await filesUnder(from);
  for (const v of variants) {
    let n = 0;
    for (const file of files) {
      const target = path.join(out, v.name, path.relative(from, file)).replace(/\.(png|webp)$/i, ".jpg");
      await mkdir(path.dirname(target), { recursive: true });
      let img = sharp(file).resize({ width: v.side, height: v.side, fit: "inside", withoutEnlargement: true });
      if (v.gray) img = img.grayscale();
      await writeFile(target, await img.jpeg({ quality: v.quality }).toBuffer());
      n++;
    }
    console.log(`${v.name}: ${n} images → ${path.join(out, v.name)}`);
  }
}

await main();
