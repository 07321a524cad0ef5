/** Images made on the fly for bad-input tests (never copies of ../shared). */
import { readFile } from "node:fs/promises";
import sharp from "sharp";
import { face } from "./paths.js";

export async function readFace(rel: string): Promise<Buffer> {
  return readFile(face(rel));
}

/** A JPEG cut off halfway: a corrupt image. */
export async function truncatedJpeg(): Promise<Buffer> {
  const full = await readFace("obama/obama-2.jpg");
  return full.subarray(0, Math.floor(full.length / 2));
}

/** A JPEG whose entropy-coded data has 2 KiB scrambled in the middle: it still "decodes", the lower part grey. */
export async function scrambledJpeg(): Promise<Buffer> {
  const bytes = Buffer.from(await readFace("obama/obama-2.jpg"));
  const start = Math.floor(bytes.length / 2);
  for (let i = 0; i < 2048; i++) bytes[start + i] = (i * 131 + 7) & 0xff;
  return bytes;
}

/** A smooth gradient with no face in it. */
export async function noFaceImage(width = 640, height = 480): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      raw[o] = Math.round((x / width) * 255);
      raw[o + 1] = Math.round((y / height) * 255);
      raw[o + 2] = 128;
    }
  }
  return sharp(raw, { raw: { width, height, channels: 3 } }).jpeg().toBuffer();
}

export async function solidImage(width: number, height: number, format: "png" | "gif" | "tiff" = "png"): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 90, g: 120, b: 150 } } })[format]().toBuffer();
}
