/**
 * The detector's second chance for tight crops (whole-frame-fallback.stage.ts): FER2013's
 * 48-pixel crops that YuNet misses are found with a face mesh run on the whole frame, with
 * five points in anatomical order inside the image; frames without a face (gradients,
 * noise, backgrounds cut from LFW photos) stay without one, and wide frames are not tried.
 */
import { readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import type { FaceDetectorStage } from "../../src/inference/detection.js";
import { FaceMeshStage } from "../../src/inference/face-mesh.stage.js";
import { FacePipeline } from "../../src/inference/face-pipeline.js";
import { createLandmarker } from "../../src/inference/stage-factory.js";
import { CHECKS_MESH_MODEL } from "../../src/inference/stage-registry.js";
import { faceFromMesh, WholeFrameFallbackStage } from "../../src/inference/whole-frame-fallback.stage.js";
import { testConfig } from "../support/engine.js";
import { noFaceImage, solidImage } from "../support/images.js";
import { FACES } from "../support/paths.js";

let pipeline: FacePipeline;
let detector: WholeFrameFallbackStage;
let yunetAlone: FaceDetectorStage;

beforeAll(async () => {
  pipeline = await FacePipeline.load({ ...testConfig().inference, detectorModel: "yunet-n", landmarkModel: "detector", threads: 1 });
  if (!(pipeline.detector instanceof WholeFrameFallbackStage)) throw new Error("yunet-n's manifest entry should ask for the whole-frame fallback");
  detector = pipeline.detector;
  yunetAlone = detector.inner;
}, 600_000);

const decode = async (bytes: Buffer) => pipeline.decode.run(bytes);

describe("whole-frame second chance", () => {
  it("finds faces in FER2013 crops the detector alone misses, five points in order", async () => {
    const fer = path.join(FACES, "..", "attributes", "fer2013");
    const missed = [];
    for (const expression of readdirSync(fer).sort()) {
      for (const f of readdirSync(path.join(fer, expression)).sort().slice(0, 40)) {
        const img = await decode(await readFile(path.join(fer, expression, f)));
        if ((await yunetAlone.run(img)).length === 0) missed.push(img);
      }
    }
    expect(missed.length).toBeGreaterThan(10);
    let rescued = 0;
    for (const img of missed) {
      const faces = await detector.run(img);
      if (faces.length === 0) continue;
      rescued++;
      const [face] = faces;
      const [le, re, nose, lm, rm] = face!.keypoints as [[number, number], [number, number], [number, number], [number, number], [number, number]];
      expect(face!.score).toBeGreaterThanOrEqual(detector.settings.minPresence);
      expect(face!.x1).toBeGreaterThanOrEqual(0);
      expect(face!.x2).toBeLessThanOrEqual(img.width);
      expect(le[0]).toBeLessThan(re[0]);
      expect(lm[0]).toBeLessThan(rm[0]);
      expect(Math.max(le[1], re[1])).toBeLessThan(nose[1]);
      expect(nose[1]).toBeLessThan(Math.min(lm[1], rm[1]) + 2);
    }
    // About half of them on the whole set (models/README); at least a third here.
    expect(rescued / missed.length).toBeGreaterThan(1 / 3);
  });

  it("finds nothing in frames without a face", async () => {
    const noise = async (w: number, blur: number) => {
      const raw = Buffer.from(Array.from({ length: w * w * 3 }, (_, i) => (i * 7919) % 251));
      return sharp(raw, { raw: { width: w, height: w, channels: 3 } }).blur(blur).png().toBuffer();
    };
    const frames = [await noFaceImage(), await noFaceImage(48, 48), await solidImage(64, 64), await solidImage(200, 200), await noise(48, 1), await noise(112, 4)];
    // Background cut from LFW photos where the detector itself sees no face.
    const lfw = path.join(FACES, "..", "lfw-dev", "images");
    for (const person of readdirSync(lfw).sort().slice(0, 40)) {
      const photo = await readFile(path.join(lfw, person, readdirSync(path.join(lfw, person)).sort()[0]!));
      for (const [left, top] of [[0, 0], [186, 0], [0, 186], [186, 186]] as const) frames.push(await sharp(photo).extract({ left, top, width: 64, height: 64 }).png().toBuffer());
    }
    let tried = 0;
    for (const bytes of frames) {
      const img = await decode(bytes);
      if ((await yunetAlone.run(img)).length > 0) continue;
      tried++;
      expect(await detector.run(img)).toEqual([]);
    }
    expect(tried).toBeGreaterThan(100);
  });

  it("gives the second chance only to frames shaped like a face crop, not to wide camera frames", async () => {
    // FER2013 crops the second chance finds, widened to 80×48 by repeating their edges.
    const fer = path.join(FACES, "..", "attributes", "fer2013");
    const mesh = createLandmarker(pipeline.manifest, CHECKS_MESH_MODEL, "yunet-n", { intraOpNumThreads: 1 });
    if (!(mesh instanceof FaceMeshStage)) throw new Error(`${CHECKS_MESH_MODEL} should be a face mesh`);
    await mesh.load();
    const everyShape = new WholeFrameFallbackStage(yunetAlone, mesh, { ...detector.settings, aspect: [0, Number.POSITIVE_INFINITY] }, 16);
    let wide = 0;
    let foundWhenAnyShape = 0;
    for (const expression of readdirSync(fer).sort()) {
      for (const f of readdirSync(path.join(fer, expression)).sort().slice(0, 40)) {
        const bytes = await readFile(path.join(fer, expression, f));
        const square = await decode(bytes);
        if ((await yunetAlone.run(square)).length > 0 || (await detector.run(square)).length === 0) continue;
        const img = await decode(await sharp(bytes).extend({ left: 16, right: 16, extendWith: "copy" }).png().toBuffer());
        if ((await yunetAlone.run(img)).length > 0) continue;
        wide++;
        expect(await detector.run(img)).toEqual([]);
        if ((await everyShape.run(img)).length > 0) foundWhenAnyShape++;
      }
    }
    expect(wide).toBeGreaterThan(5);
    // The gate is what keeps them out: without it the mesh would call many of them faces.
    expect(foundWhenAnyShape).toBeGreaterThan(0);
  });

  it("keeps the detector's faces when it finds any (the group photo's three)", async () => {
    const img = await decode(await readFile(path.join(FACES, "_multi", "obama_and_biden.jpg")));
    expect(await detector.run(img)).toEqual(await yunetAlone.run(img));
    expect((await detector.run(img)).length).toBe(3);
  });

  it("a mesh's face: its box clipped to the image, null when it lies outside", () => {
    const mesh: [number, number][] = Array.from({ length: 468 }, (_, i) => [-10 + (i % 60), 5 + Math.floor(i / 60) * 10]);
    const face = faceFromMesh(mesh, 0.95, { width: 40, height: 50 });
    expect(face).toMatchObject({ x1: 0, y1: 5, x2: 40, y2: 50, score: 0.95 });
    expect(face!.keypoints).toHaveLength(5);
    expect(faceFromMesh(mesh.map(([x, y]) => [x + 500, y]), 0.95, { width: 40, height: 50 })).toBeNull();
  });
});
