/**
 * The vendored models (models/vendor/): the loader verifies them like the npm-sourced
 * ones, the YuNet detector finds every face of ../shared/faces with five points close to
 * the face mesh's, tight crops are found, and the EdgeFace recognizers (batched mirror
 * image included) separate genuine from impostor pairs on real photos.
 */
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { readdirSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { RecognizerStage } from "../../src/inference/embed.stage.js";
import { FacePipeline } from "../../src/inference/face-pipeline.js";
import { MODELS_DIR, ModelFileError, findModel, loadManifest, readModelFile, type ModelManifest } from "../../src/inference/model-manifest.js";
import { verifyThresholdFor } from "../../src/inference/calibration.js";
import { createEmbedder, createLandmarker } from "../../src/inference/stage-factory.js";
import { cosineSimilarity } from "../../src/math/vector.js";
import { testConfig } from "../support/engine.js";
import { readFace } from "../support/images.js";
import { FACES } from "../support/paths.js";

let manifest: ModelManifest;
let yunet: FacePipeline;

beforeAll(async () => {
  manifest = await loadManifest();
  const base = testConfig().inference;
  yunet = await FacePipeline.load({ ...base, detectorModel: "yunet-n", landmarkModel: "detector", recognizerModel: "edgeface-xs+flip", threads: 1 }, manifest);
}, 600_000);

/** One photo's embedding by a recognizer stage, on YuNet's face and five points. */
async function embedWith(stage: RecognizerStage, file: string): Promise<Float32Array> {
  const img = await yunet.decode.run(await readFace(file));
  const [face] = await yunet.detector.run(img);
  return stage.run(stage.align(img, await yunet.landmarker.run(img, face!)));
}

describe("vendored model files", () => {
  it("loads every vendored model with its licence beside it", async () => {
    const vendored = manifest.models.filter((m) => m.source.kind === "vendored");
    expect(vendored.map((m) => m.id).sort()).toEqual(["edgeface-xs", "edgeface-xs-int8", "edgeface-xxs", "edgeface-xxs-int8", "yunet-n", "yunet-s"]);
    for (const spec of vendored) {
      const bytes = await readModelFile(spec);
      expect(bytes.length).toBe(spec.onnx.bytes);
      if (spec.source.kind === "vendored") expect(readdirSync(path.join(MODELS_DIR, path.dirname(spec.source.licenseFile)))).toContain("LICENSE");
    }
  });

  it("refuses a vendored file whose sha256 differs, naming the file", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "models-"));
    const spec = findModel(manifest, "yunet-s", "detector");
    if (spec.source.kind !== "vendored") throw new Error("yunet-s should be vendored");
    const file = spec.source.files[0]!.path;
    await mkdir(path.join(dir, path.dirname(file)), { recursive: true });
    await copyFile(path.join(MODELS_DIR, file), path.join(dir, file));
    await expect(readModelFile(spec, undefined, undefined, dir)).resolves.toHaveLength(spec.onnx.bytes);
    await writeFile(path.join(dir, file), Buffer.concat([Buffer.from([0]), await readModelFile(spec)]));
    await expect(readModelFile(spec, undefined, undefined, dir)).rejects.toThrow(ModelFileError);
    await expect(readModelFile(spec, undefined, undefined, dir)).rejects.toThrow(new RegExp(`sha256 of models/${file} .* expected ${spec.source.files[0]!.sha256}`));
  });
});

describe("YuNet detector", () => {
  it("finds every face of the group photos and exactly one in each identity photo", async () => {
    const expected: Record<string, number> = { "kit_with_rose.jpg": 2, "obama_and_biden.jpg": 3, "two_people.jpg": 2 };
    for (const [file, n] of Object.entries(expected)) {
      const img = await yunet.decode.run(await readFace(`_multi/${file}`));
      expect((await yunet.detector.run(img)).length, file).toBe(n);
    }
    for (const folder of readdirSync(FACES).filter((f) => !f.startsWith("_"))) {
      for (const file of readdirSync(path.join(FACES, folder))) {
        const img = await yunet.decode.run(await readFace(`${folder}/${file}`));
        expect((await yunet.detector.run(img)).length, `${folder}/${file}`).toBe(1);
      }
    }
  });

  it("gives five points close to the face mesh's, image-left eye first", async () => {
    const mesh = createLandmarker(manifest, "human-facemesh", "yunet-n", { intraOpNumThreads: 1 });
    await mesh.load();
    for (const file of ["obama/obama-1.jpg", "biden/biden-1.jpg", "rose_leslie/rose_leslie-2.jpg", "kit_harington/kit_harington-2.jpg"]) {
      const img = await yunet.decode.run(await readFace(file));
      const [face] = await yunet.detector.run(img);
      const ours = await yunet.landmarker.run(img, face!);
      const theirs = await mesh.run(img, face!);
      const eyes = Math.hypot(theirs[1]![0] - theirs[0]![0], theirs[1]![1] - theirs[0]![1]);
      expect(ours[0]![0]).toBeLessThan(ours[1]![0]);
      for (let i = 0; i < 5; i++) expect(Math.hypot(ours[i]![0] - theirs[i]![0], ours[i]![1] - theirs[i]![1]) / eyes, `${file} point ${i}`).toBeLessThan(0.25);
    }
  });

  it("finds the face in tight crops (UTKFace, a subset)", async () => {
    const dir = path.join(FACES, "..", "attributes", "utkface");
    const files = readdirSync(dir).sort().slice(0, 60);
    let found = 0;
    for (const f of files) {
      const img = await yunet.decode.run(await readFile(path.join(dir, f)));
      if ((await yunet.detector.run(img)).length > 0) found++;
    }
    expect(found).toBe(files.length);
  });
});

describe("EdgeFace recognizers", () => {
  it("separates genuine from impostor pairs, with and without the batched mirror image", async () => {
    for (const id of ["edgeface-xs+flip", "edgeface-xs", "edgeface-xxs-int8"]) {
      const stage = createEmbedder(manifest, id, { intraOpNumThreads: 1 });
      await stage.load();
      const [o1, o2, b1, r1] = await Promise.all(["obama/obama-1.jpg", "obama/obama-2.jpg", "biden/biden-1.jpg", "rose_leslie/rose_leslie-1.jpg"].map((f) => embedWith(stage, f)));
      expect(o1!.length).toBe(512);
      const genuine = cosineSimilarity(o1!, o2!);
      expect(genuine, id).toBeGreaterThan(0.4);
      for (const other of [b1!, r1!]) expect(cosineSimilarity(o1!, other), id).toBeLessThan(0.25);
    }
  });

  it("embeds several faces in one batch exactly as one at a time", async () => {
    const stage = createEmbedder(manifest, "edgeface-xs+flip", { intraOpNumThreads: 1 });
    await stage.load();
    const img = await yunet.decode.run(await readFace("_multi/obama_and_biden.jpg"));
    const crops = await Promise.all((await yunet.detector.run(img)).map(async (f) => stage.align(img, await yunet.landmarker.run(img, f))));
    const batch = await stage.runMany(crops);
    for (const [i, c] of crops.entries()) {
      const one = await stage.run(c);
      for (let k = 0; k < 512; k += 37) expect(batch[i]![k]).toBeCloseTo(one[k]!, 4);
    }
  });

  it("fuses two recognizers into one unit embedding whose cosine is the mean of theirs", async () => {
    const xs = createEmbedder(manifest, "edgeface-xs+flip", { intraOpNumThreads: 1 });
    const xxs = createEmbedder(manifest, "edgeface-xxs+flip", { intraOpNumThreads: 1 });
    const fused = createEmbedder(manifest, "edgeface-xs+flip&edgeface-xxs+flip", { intraOpNumThreads: 1 });
    await Promise.all([xs.load(), xxs.load(), fused.load()]);
    expect(fused.embeddingId).toBe("edgeface-xs+flip&edgeface-xxs+flip");
    const crops = await Promise.all(["obama/obama-1.jpg", "obama/obama-2.jpg", "biden/biden-1.jpg"].map(async (file) => {
      const img = await yunet.decode.run(await readFace(file));
      const [face] = await yunet.detector.run(img);
      return fused.align(img, await yunet.landmarker.run(img, face!));
    }));
    const [f0, f1, f2] = await fused.runMany(crops);
    expect(f0!.length).toBe(1024);
    expect(Math.hypot(...f0!)).toBeCloseTo(1, 5);
    for (const [a, b] of [[0, 1], [0, 2]] as const) {
      const mean = (cosineSimilarity(await xs.run(crops[a]!), await xs.run(crops[b]!)) + cosineSimilarity(await xxs.run(crops[a]!), await xxs.run(crops[b]!))) / 2;
      expect(cosineSimilarity([f0!, f1!, f2!][a]!, [f0!, f1!, f2!][b]!)).toBeCloseTo(mean, 5);
    }
    expect(cosineSimilarity(f0!, f1!)).toBeGreaterThan(cosineSimilarity(f0!, f2!) + 0.3);
    expect(() => createEmbedder(manifest, "edgeface-xs&faceplugin-r512", { intraOpNumThreads: 1 })).not.toThrow();
    expect(() => createEmbedder(manifest, "edgeface-xs&human-faceres", { intraOpNumThreads: 1 })).toThrow(/different crop/);
  });

  it("gives the embedding recorded once from the vendored files for a fixed crop", async () => {
    // A fixed crop: obama-1 aligned on five points written down once (not from a detector),
    // so only the model file and its preprocessing are under test. Every 32nd component of
    // the 512, as computed from the vendored files when they were added.
    const points: [number, number][] = [[438, 210], [545, 204], [500, 275], [446, 327], [546, 323]];
    const reference: Record<string, number[]> = {
      "edgeface-xs": [-0.0251, -0.0353, -0.0407, 0.0713, -0.0575, -0.0264, 0.04, 0.1071, -0.0389, 0.0051, 0.0283, -0.0234, -0.0086, 0.0224, -0.0646, -0.0044],
      "edgeface-xxs": [0.0034, -0.0474, -0.1067, 0.0043, 0.0321, 0.0086, 0.0395, 0.0095, 0.0515, -0.0327, -0.005, 0.0555, 0.0724, 0.0002, -0.0401, 0.0234],
      "edgeface-xs-int8": [-0.0262, -0.0357, -0.0281, 0.0844, -0.061, -0.0331, 0.0381, 0.1014, -0.0386, -0.0016, 0.0232, -0.0278, -0.0114, 0.0278, -0.0621, -0.0045],
      "edgeface-xxs-int8": [0.0036, -0.0432, -0.1083, 0.008, 0.0362, 0.0157, 0.0392, 0.0118, 0.0428, -0.0325, -0.0017, 0.0622, 0.0741, -0.0026, -0.0386, 0.0236],
    };
    const img = await yunet.decode.run(await readFace("obama/obama-1.jpg"));
    for (const [id, expected] of Object.entries(reference)) {
      const stage = createEmbedder(manifest, id, { intraOpNumThreads: 1 });
      await stage.load();
      const e = await stage.run(stage.align(img, points));
      const sampled = expected.map((_, k) => e[32 * k]!);
      if (id.endsWith("int8")) {
        // int8 kernels differ between CPUs (seen: up to 0.0085 on one component between an
        // Intel and an AMD host): the sampled components must point the same way and stay close.
        expect(cosineSimilarity(sampled, expected), id).toBeGreaterThan(0.99);
        sampled.forEach((v, k) => expect(Math.abs(v - expected[k]!), `${id}[${32 * k}]`).toBeLessThan(0.02));
      } else {
        // Float models reproduce to rounding.
        sampled.forEach((v, k) => expect(Math.abs(v - expected[k]!), `${id}[${32 * k}]`).toBeLessThan(1e-3));
      }
    }
  });

  it("puts genuine pairs above and impostors below the default's calibrated threshold", async () => {
    const model = "edgeface-xs+flip&edgeface-xxs+flip";
    expect(testConfig().inference.recognizerModel).toBe(model);
    const threshold = await verifyThresholdFor(model, 1e-3);
    const fused = createEmbedder(manifest, model, { intraOpNumThreads: 1 });
    await fused.load();
    const people = { obama: ["obama/obama-1.jpg", "obama/obama-2.jpg", "obama/obama-3.jpg"], biden: ["biden/biden-1.jpg", "biden/biden-2.jpg"], rose: ["rose_leslie/rose_leslie-1.jpg", "rose_leslie/rose_leslie-2.jpg"], kit: ["kit_harington/kit_harington-1.jpg", "kit_harington/kit_harington-2.jpg"] };
    const all = await Promise.all(Object.entries(people).flatMap(([who, files]) => files.map(async (f) => ({ who, e: await embedWith(fused, f) }))));
    for (let i = 0; i < all.length; i++) {
      for (let j = i + 1; j < all.length; j++) {
        const s = cosineSimilarity(all[i]!.e, all[j]!.e);
        if (all[i]!.who === all[j]!.who) expect(s, `${all[i]!.who} genuine`).toBeGreaterThan(threshold);
        else expect(s, `${all[i]!.who} vs ${all[j]!.who}`).toBeLessThan(threshold);
      }
    }
  });
});
