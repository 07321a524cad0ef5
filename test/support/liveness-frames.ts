/**
 * Synthetic active-liveness frames made from real photos of ../shared/faces: a neutral
 * frontal frame, head turns (a real photo with the head turned, and its mirror image for
 * the other side), a blink (both eyes painted over with the skin below them and a lash
 * line) and an open mouth (a dark opening with teeth painted between the lips). The
 * paint follows the face mesh of the real pipeline.
 */
import sharp from "sharp";
import type { FacePipeline } from "../../src/inference/face-pipeline.js";
import type { Point } from "../../src/math/similarity-transform.js";
import { readFace } from "./images.js";

type Rgb = [number, number, number];

const LEFT_EYE_RING = [33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246];
const RIGHT_EYE_RING = [263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466];

function fillPolygon(data: Buffer, width: number, pts: readonly Point[], color: Rgb): void {
  const minY = Math.floor(Math.min(...pts.map((p) => p[1])));
  const maxY = Math.ceil(Math.max(...pts.map((p) => p[1])));
  for (let y = minY; y <= maxY; y++) {
    const xs: number[] = [];
    for (let i = 0; i < pts.length; i++) {
      const [x1, y1] = pts[i]!;
      const [x2, y2] = pts[(i + 1) % pts.length]!;
      if ((y1 <= y && y2 > y) || (y2 <= y && y1 > y)) xs.push(x1 + ((y - y1) * (x2 - x1)) / (y2 - y1));
    }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      for (let x = Math.ceil(xs[k]!); x <= xs[k + 1]!; x++) data.set(color, (y * width + x) * 3);
    }
  }
}

function meanColour(data: Buffer, width: number, pts: readonly Point[]): Rgb {
  const sum = [0, 0, 0];
  for (const [x, y] of pts) for (let c = 0; c < 3; c++) sum[c]! += data[(Math.round(y) * width + Math.round(x)) * 3 + c]!;
  return sum.map((v) => Math.round(v / pts.length)) as Rgb;
}

export interface FrameSet {
  neutral: Buffer;
  blink: Buffer;
  openMouth: Buffer;
  turnLeft: Buffer;
  turnRight: Buffer;
}

/**
 * Frames of one person: `frontal` is painted for the blink and the open mouth; `turned`
 * is a photo of the same person with the head turned to their right (yaw < 0), and its
 * mirror image is the turn to their left.
 */
export async function syntheticFrames(engine: FacePipeline, frontal: string, turned: string): Promise<FrameSet> {
  const bytes = await readFace(frontal);
  const img = await engine.decode.run(bytes);
  const [face] = (await engine.detector.run(img)).sort((a, b) => b.x2 - b.x1 - (a.x2 - a.x1));
  const mesh = (await engine.checksMesh(img, face!)).map(([x, y]) => [x, y] as Point);
  const raw = Buffer.from(img.data);
  const encode = (data: Buffer) => sharp(data, { raw: { width: img.width, height: img.height, channels: 3 } }).jpeg({ quality: 92 }).toBuffer();

  const blink = Buffer.from(raw);
  for (const ring of [LEFT_EYE_RING, RIGHT_EYE_RING]) {
    const pts = ring.map((i) => mesh[i]!);
    const cx = pts.reduce((s, p) => s + p[0], 0) / pts.length;
    const cy = pts.reduce((s, p) => s + p[1], 0) / pts.length;
    const h = Math.max(...pts.map((p) => p[1])) - Math.min(...pts.map((p) => p[1]));
    const skin = meanColour(raw, img.width, pts.map(([x, y]) => [x, y + 1.8 * h]));
    fillPolygon(blink, img.width, pts.map(([x, y]) => [x + (x - cx) * 0.15, cy + (y - cy) * 1.6]), skin);
    const a = mesh[ring[0]!]!;
    const b = mesh[ring[8]!]!;
    fillPolygon(blink, img.width, [[a[0], a[1] - 1], [b[0], b[1] - 1], [b[0], b[1] + 1.5], [a[0], a[1] + 1.5]], [40, 30, 30]);
  }

  const mouth = Buffer.from(raw);
  const [ml, mr] = [mesh[61]!, mesh[291]!];
  const w = Math.hypot(mr[0] - ml[0], mr[1] - ml[1]);
  const cx = (mesh[13]![0] + mesh[14]![0]) / 2;
  const cy = (mesh[13]![1] + mesh[14]![1]) / 2 + w * 0.1;
  const ellipse = (rx: number, ry: number, y0: number, from = 0, to = 2 * Math.PI): Point[] =>
    Array.from({ length: 33 }, (_, t) => {
      const angle = from + ((to - from) * t) / 32;
      return [cx + Math.cos(angle) * rx, y0 + Math.sin(angle) * ry];
    });
  fillPolygon(mouth, img.width, ellipse(w * 0.42, w * 0.38, cy), [45, 20, 25]);
  fillPolygon(mouth, img.width, ellipse(w * 0.36, w * 0.1, cy - w * 0.26, Math.PI, 2 * Math.PI), [225, 220, 210]);

  const turnedBytes = await readFace(turned);
  return {
    neutral: bytes,
    blink: await encode(blink),
    openMouth: await encode(mouth),
    turnRight: turnedBytes,
    turnLeft: await sharp(turnedBytes).flop().jpeg({ quality: 92 }).toBuffer(),
  };
}
