/**
 * Memory one decode takes, by image size: peak RSS above the idle process while the
 * decode stage turns a synthetic PNG (which compresses to a few KB, as a decompression
 * bomb would) into RGB pixels. The numbers behind the MAX_IMAGE_PIXELS default.
 * Usage: npm run build && node --expose-gc dist/scripts/bench-decode-memory.js
 */
import sharp from "sharp";
import { ImageDecodeStage } from "../src/inference/image-decode.stage.js";

sharp.cache(false);
const sizes: [number, number][] = [[1920, 1080], [4000, 3000], [6000, 4000], [8000, 5000], [7300, 5440]];
const stage = new ImageDecodeStage({ maxPixels: 1_000_000_000, maxBytes: 1 << 30, minSide: 1 });
const rssMb = () => process.memoryUsage().rss / 2 ** 20;
for (const [w, h] of sizes) {
  const png = await sharp({ create: { width: w, height: h, channels: 3, background: { r: 120, g: 110, b: 100 } } }).png().toBuffer();
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((r) => setTimeout(r, 200));
  const before = rssMb();
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, rssMb())), 2);
  const img = await stage.run(png);
  peak = Math.max(peak, rssMb());
  clearInterval(timer);
  console.log(`${w}x${h} (${((w * h) / 1e6).toFixed(1)} Mpx, PNG ${(png.length / 1024).toFixed(0)} KB): +${(peak - before).toFixed(0)} MB peak RSS, pixels ${(img.data.byteLength / 2 ** 20).toFixed(0)} MB`);
}
