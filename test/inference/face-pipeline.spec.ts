/**
 * The real face stack on the real photos of ../shared/faces: every genuine pair scores
 * above the configured verify threshold and every impostor pair below it; bad inputs
 * fail with their typed reasons.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "../../src/domain/errors.js";
import { verifyThresholdFor } from "../../src/inference/calibration.js";
import { FaceMeshStage } from "../../src/inference/face-mesh.stage.js";
import { FacePipeline } from "../../src/inference/face-pipeline.js";
import { createEmbedder } from "../../src/inference/stage-factory.js";
import { buildStages, loadStages } from "../../src/inference/stage-registry.js";
import { ModelFileError, findModel, loadManifest, readModelFile } from "../../src/inference/model-manifest.js";
import { createModelSession } from "../../src/inference/onnx-session.js";
import { cosineSimilarity } from "../../src/math/vector.js";
import { sharedEngine, testConfig } from "../support/engine.js";
import { noFaceImage, readFace, scrambledJpeg, solidImage, truncatedJpeg } from "../support/images.js";
import { FACES } from "../support/paths.js";

let engine: FacePipeline;
let threshold: number;
const identities = readdirSync(FACES).filter((d) => !d.startsWith("_")).sort();
const photos = identities.flatMap((id) => readdirSync(path.join(FACES, id)).sort().map((f) => ({ id, file: `${id}/${f}` })));
const embeddings = new Map<string, Float32Array>();

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e.reason;
    throw e;
  }
  throw new Error("expected a DomainError");
}

beforeAll(async () => {
  engine = await sharedEngine();
  const config = testConfig();
  threshold = config.verify.threshold ?? (await verifyThresholdFor(engine.modelId, config.verify.targetFalseMatchRate));
  for (const p of photos) embeddings.set(p.file, (await engine.capture(await readFace(p.file), "single")).embedding);
});

describe("verification accuracy on ../shared/faces", () => {
  it("finds exactly one face in every identity photo", () => {
    expect(embeddings.size).toBe(photos.length);
    expect(photos.length).toBeGreaterThanOrEqual(16);
  });

  it("scores every genuine pair above the verify threshold", () => {
    const genuine = photos.flatMap((a, i) => photos.slice(i + 1).filter((b) => b.id === a.id).map((b) => [a, b] as const));
    expect(genuine.length).toBeGreaterThanOrEqual(20);
    for (const [a, b] of genuine) {
      const s = cosineSimilarity(embeddings.get(a.file)!, embeddings.get(b.file)!);
      expect(s, `${a.file} vs ${b.file}`).toBeGreaterThanOrEqual(threshold);
    }
  });

  it("scores every impostor pair below the verify threshold", () => {
    const impostor = photos.flatMap((a, i) => photos.slice(i + 1).filter((b) => b.id !== a.id).map((b) => [a, b] as const));
    expect(impostor.length).toBeGreaterThanOrEqual(90);
    for (const [a, b] of impostor) {
      const s = cosineSimilarity(embeddings.get(a.file)!, embeddings.get(b.file)!);
      expect(s, `${a.file} vs ${b.file}`).toBeLessThan(threshold);
    }
  });

  it("returns L2-normalised embeddings (1024-D: the default fuses two 512-D EdgeFace models)", () => {
    const e = embeddings.get("obama/obama-1.jpg")!;
    expect(e.length).toBe(1024);
    expect(Math.hypot(...e)).toBeCloseTo(1, 5);
  });
});

describe("face selection", () => {
  it.each(["_multi/two_people.jpg", "_multi/obama_and_biden.jpg", "_multi/kit_with_rose.jpg"])("refuses %s for enrollment with MULTIPLE_FACES", async (file) => {
    expect(await reason(engine.capture(await readFace(file), "single"))).toBe("MULTIPLE_FACES");
  });

  it("uses the largest face when asked", async () => {
    const capture = await engine.capture(await readFace("_multi/two_people.jpg"), "largest");
    expect(capture.faceCount).toBe(2);
    expect(capture.face.box.width).toBeGreaterThan(100);
  });

  it("reads a 32-bit RGBA PNG", async () => {
    const capture = await engine.capture(await readFace("_odd/32bit.png"), "single");
    expect(capture.faceCount).toBe(1);
    // The same person as obama-2 (the file is an RGBA copy of an Obama photo).
    expect(cosineSimilarity(capture.embedding, embeddings.get("obama/obama-2.jpg")!)).toBeGreaterThan(threshold);
  });
});

describe("the capture checks' mesh", () => {
  // The default detector (YuNet) sets qualityMeshPasses 1 (measured: npm run mesh:passes).
  async function measuresFromMesh(file: string, passes: number) {
    const img = await engine.decode.run(await readFace(file));
    const face = (await engine.detector.run(img))[0]!;
    const detector = findModel(engine.manifest, engine.config.detectorModel, "detector");
    const mesher = new FaceMeshStage(findModel(engine.manifest, "human-facemesh", "mesh468"), { intraOpNumThreads: 1, detectionScale: detector.detect!.meshScale, passes });
    await mesher.load();
    return (await engine.checks.run(img, face, await mesher.mesh3d(img, face), { quality: true })).measures!;
  }

  it("is one pass when only the quality gate reads it, and full precision for active-liveness frames", async () => {
    const file = "obama/obama-1.jpg";
    expect(findModel(engine.manifest, engine.config.detectorModel, "detector").detect?.qualityMeshPasses).toBe(1);
    const [one, two] = [await measuresFromMesh(file, 1), await measuresFromMesh(file, 2)];
    expect(one.yaw).not.toBe(two.yaw);
    const gate = (await engine.capture(await readFace(file), "largest", { quality: true })).measures!;
    const frame = (await engine.capture(await readFace(file), "largest", { quality: true, challenges: true })).measures!;
    expect(gate).toEqual(one);
    expect(frame).toEqual(two);
  });
});

describe("image decoding", () => {
  it("applies EXIF orientation before detection", async () => {
    const upright = await readFace("obama/obama-1.jpg");
    // Store the pixels rotated a quarter turn and tag them "rotate 90° clockwise to display".
    const sideways = await sharp(upright).rotate(270).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toBuffer();
    const meta = await sharp(sideways).metadata();
    expect(meta.orientation).toBe(6);
    const capture = await engine.capture(sideways, "single");
    expect(capture.imageHeight).toBeGreaterThan(capture.imageWidth);
    expect(cosineSimilarity(capture.embedding, embeddings.get("obama/obama-1.jpg")!)).toBeGreaterThan(0.9);
  });

  it("flattens transparency onto white", async () => {
    const rgba = Buffer.alloc(40 * 40 * 4); // fully transparent black
    const png = await sharp(rgba, { raw: { width: 40, height: 40, channels: 4 } }).png().toBuffer();
    const img = await engine.decode.run(png);
    expect(img.channels).toBe(3);
    expect(Array.from(img.data.subarray(0, 3))).toEqual([255, 255, 255]);
  });

  it("decodes WebP", async () => {
    const webp = await sharp(await readFace("biden/biden-1.jpg")).webp({ quality: 90 }).toBuffer();
    const capture = await engine.capture(webp, "single");
    expect(cosineSimilarity(capture.embedding, embeddings.get("biden/biden-1.jpg")!)).toBeGreaterThan(0.9);
  });

  it("rejects corrupt, unsupported and empty images with INVALID_IMAGE", async () => {
    expect(await reason(engine.capture(await truncatedJpeg(), "single"))).toBe("INVALID_IMAGE");
    expect(await reason(engine.capture(await scrambledJpeg(), "largest"))).toBe("INVALID_IMAGE");
    expect(await reason(engine.capture(Buffer.from("definitely not an image"), "single"))).toBe("INVALID_IMAGE");
    expect(await reason(engine.capture(await solidImage(64, 64, "gif"), "single"))).toBe("INVALID_IMAGE");
    expect(await reason(engine.capture(await solidImage(64, 64, "tiff"), "single"))).toBe("INVALID_IMAGE");
    expect(await reason(engine.capture(new Uint8Array(0), "single"))).toBe("INVALID_IMAGE");
  });

  it("refuses an image over the pixel limit from its header", async () => {
    // 12000 x 9000 = 108 MP of one colour: a small file that would take 324 MB to decode.
    const huge = await solidImage(12000, 9000);
    expect(huge.length).toBeLessThan(2_000_000);
    expect(await reason(engine.capture(huge, "single"))).toBe("IMAGE_TOO_LARGE");
  });

  it("refuses images smaller than the minimum side", async () => {
    expect(await reason(engine.capture(await solidImage(20, 200), "single"))).toBe("IMAGE_TOO_SMALL");
  });

  it("says NO_FACE when there is none", async () => {
    expect(await reason(engine.capture(await noFaceImage(), "single"))).toBe("NO_FACE");
    expect(await reason(engine.capture(await noFaceImage(), "largest"))).toBe("NO_FACE");
  });
});

describe("stage injection", () => {
  it("runs the stages it is given: the registry's, with a caller's recognizer in place of the configured one", async () => {
    const config = testConfig().inference;
    const manifest = await loadManifest();
    const stages = buildStages(manifest, config);
    expect([...stages.recognizers.keys()]).toEqual([config.recognizerModel]);
    const xs = createEmbedder(manifest, "edgeface-xs", { intraOpNumThreads: 1 });
    const injected = { ...stages, recognizers: new Map([[xs.embeddingId, xs]]) };
    await loadStages(injected);
    const pipeline = new FacePipeline(manifest, config, injected);
    expect(pipeline.modelId).toBe("edgeface-xs");
    const img = await readFace("obama/obama-1.jpg");
    const r = await pipeline.process(img, { faces: "largest", models: ["edgeface-xs"] });
    expect(r.faces[0]!.embeddings["edgeface-xs"]).toHaveLength(512);
    await expect(pipeline.process(img, { faces: "largest", models: [config.recognizerModel] })).rejects.toMatchObject({ reason: "MODEL_MISMATCH" });
  });
});

describe("model files", () => {
  it("verifies the sha256 of every model it loads", async () => {
    const manifest = await loadManifest();
    const spec = findModel(manifest, "faceplugin-r512", "recognizer");
    const altered = { ...spec, source: { ...spec.source, files: spec.source.files.map((f) => ({ ...f, sha256: "0".repeat(64) })) } };
    await expect(readModelFile(altered)).rejects.toThrow(/sha256 .* expected 0{64}.*reinstall faceplugin-face-recognition-js@0\.0\.1/);
  });

  it("names the npm package to install when it is missing", async () => {
    const manifest = await loadManifest();
    const spec = findModel(manifest, "faceplugin-rfb320-detector", "detector");
    const missing = { ...spec, source: { ...spec.source, package: "no-such-face-models" } };
    await expect(readModelFile(missing)).rejects.toThrow(ModelFileError);
    await expect(readModelFile(missing)).rejects.toThrow("npm install no-such-face-models@0.0.1");
  });

  it("never converts a TF.js model at run time: a converted file that is missing or stale names the command that builds it", async () => {
    const manifest = await loadManifest();
    const spec = findModel(manifest, "human-facemesh", "mesh468");
    expect(spec.source.format).toBe("tfjs-graph");
    // As if the converted file did not match (a converter change, a file never built).
    const stale = { ...spec, onnx: { ...spec.onnx!, sha256: "0".repeat(64) } };
    await expect(createModelSession(stale, { intraOpNumThreads: 1 })).rejects.toThrow(ModelFileError);
    await expect(createModelSession(stale, { intraOpNumThreads: 1 })).rejects.toThrow(/models\/onnx\/human-facemesh.onnx is missing or does not match the manifest; build it with `npm run models`/);
    await expect(createModelSession(spec, { intraOpNumThreads: 1 })).resolves.toBeDefined();
  });

  it("refuses a model of the wrong role", async () => {
    const manifest = await loadManifest();
    expect(() => findModel(manifest, "faceplugin-r512", "detector")).toThrow(/is a recognizer/);
  });
});
