/**
 * The pinned model manifest (models/manifest.json) and the loader that turns an entry
 * into ONNX bytes. Every source file comes from an npm package in node_modules and is
 * checked against its sha256; TF.js graph models are converted to ONNX by our own
 * converter (src/models/) into models/onnx/ at build time (`npm run models`), and the result is checked
 * against the sha256 recorded for it. Nothing is ever downloaded: a missing or altered
 * file stops start-up with a message naming the npm package to install.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

export type ModelRole = "detector" | "landmarks68" | "mesh468" | "recognizer" | "iris" | "eyeState" | "liveness" | "emotion" | "age" | "gender" | "ageGender";

export interface ModelSourceFile {
  /** Path inside the npm package. */
  path: string;
  sha256: string;
}

/**
 * Where a model's files come from: an npm package in node_modules (the default), or
 * files vendored into the repository under models/ (committed with their licence).
 */
export interface VendoredSource {
  kind: "vendored";
  format: "onnx";
  /** Paths relative to models/. */
  files: ModelSourceFile[];
  /** The public repository and commit the file was taken from, and its path there. */
  repository: string;
  commit: string;
  upstreamPath: string;
  /** How the file was made from the upstream one (export, quantization), when it was. */
  derivation?: string;
  license: string;
  /** The licence text kept beside the file, relative to models/. */
  licenseFile: string;
  trainingData: string;
}

export interface NpmSource {
  kind?: "npm";
  package: string;
  version: string;
  format: "onnx" | "tfjs-graph";
  /** The ONNX file, or the TF.js model.json followed by its weight shards. */
  files: ModelSourceFile[];
  upstream: string;
  license: string;
}

export interface ModelSpec {
  id: string;
  role: ModelRole;
  /** Which decoder/pre-processing family the stage uses (e.g. "rfb320", "blazeface"). */
  family: string;
  architecture: string;
  source: NpmSource | VendoredSource;
  /** The ONNX model onnxruntime loads: the source file itself, or our conversion of it. */
  onnx: { sha256: string; bytes: number };
  input: {
    name: string;
    shape: number[];
    layout: "NCHW" | "NHWC";
    colorOrder: "RGB" | "BGR" | "GRAY";
    /** Pixel p of channel c (in the model's channel order) becomes (p - mean[c]) / std[c]. */
    mean: number | number[];
    std: number | number[];
    resize: string;
    /** The batch axis is dynamic: several crops (a face and its mirror image, several faces) run as one batch. */
    dynamicBatch?: boolean;
  };
  outputs: { name: string; shape: (number | string)[]; meaning: string }[];
  /**
   * Detectors: default score threshold, NMS IoU, and how much the detector's box is
   * enlarged for the face mesh's first pass.
   */
  detect?: {
    scoreThreshold: number;
    iouThreshold: number;
    meshScale: number;
    /** Passes of the face mesh when it is the landmark (alignment) source; default 2. */
    meshPasses?: number;
    /**
     * Passes of the mesh when only the quality gate reads it (verify, identify and enroll
     * without liveness or attributes); default meshPasses. Liveness, active-liveness
     * frames, attributes and alignment always get meshPasses (`npm run mesh:passes`
     * measures the choice).
     */
    qualityMeshPasses?: number;
    /**
     * When the detector finds no face, try the whole frame as the face with the checks'
     * face mesh (whole-frame-fallback.stage.ts): lowest face presence, region sizes, and
     * the width / height range of frames tried.
     */
    wholeFrame?: { minPresence: number; scales: number[]; aspect: [number, number] };
    /** YuNet: longer side of the detector input, and the border added around the image. */
    maxSide?: number;
    minSide?: number;
    pad?: number;
  };
  /** Recognizers and ageGender models: how the face is cropped for them (see src/inference/face-crop.ts). */
  crop?: string;
  /**
   * Attribute models: whether each attribute the model gives met the platform's accuracy
   * target when measured (models/README.md: age MAE ≤ 7 years for adults, gender ≥ 90 %,
   * expression ≥ 60 %). "adults": met for faces estimated 18 or older only. An attribute
   * not listed counts as not met.
   */
  meetsTarget?: Partial<Record<"age" | "gender" | "expression", boolean | "adults">>;
  notes?: string;
}

/** The input's per-channel mean and std, `channels` long. */
export function inputNormalization(spec: ModelSpec, channels: number): { mean: number[]; std: number[] } {
  const expand = (v: number | number[]) => {
    const list = Array.isArray(v) ? v : Array.from({ length: channels }, () => v);
    if (list.length !== channels) throw new Error(`${spec.id}: expected ${channels} per-channel values, got ${list.length}`);
    return list;
  };
  return { mean: expand(spec.input.mean), std: expand(spec.input.std) };
}

export interface ModelManifest {
  models: ModelSpec[];
}

/** The repository root (this file lives in src/inference or dist/src/inference). */
export function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (path.basename(dir) === "src") return path.basename(path.dirname(dir)) === "dist" ? path.dirname(path.dirname(dir)) : path.dirname(dir);
    dir = path.dirname(dir);
  }
  throw new Error("cannot locate the project root from " + fileURLToPath(import.meta.url));
}

export const MODELS_DIR = path.join(projectRoot(), "models");
export const MANIFEST_FILE = path.join(MODELS_DIR, "manifest.json");
/** Where converted models are written (not committed; rebuilt from node_modules). */
export const CONVERTED_DIR = path.join(projectRoot(), "models", "onnx");

export async function loadManifest(file = MANIFEST_FILE): Promise<ModelManifest> {
  const parsed = JSON.parse(await readFile(file, "utf8")) as ModelManifest;
  if (!Array.isArray(parsed.models)) throw new Error(`${file}: "models" must be an array`);
  return parsed;
}

export function findModel(manifest: ModelManifest, id: string, role: ModelRole): ModelSpec {
  const spec = manifest.models.find((m) => m.id === id);
  if (!spec) throw new Error(`model "${id}" is not in models/manifest.json (known: ${manifest.models.map((m) => m.id).join(", ")})`);
  if (spec.role !== role) throw new Error(`model "${id}" is a ${spec.role}, not a ${role}`);
  return spec;
}

export class ModelFileError extends Error {
  override name = "ModelFileError";
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export function isVendored(source: ModelSpec["source"]): source is VendoredSource {
  return source.kind === "vendored";
}

/** The package folder of a model's npm source, after checking the installed version. */
export async function sourcePackageDir(spec: ModelSpec & { source: NpmSource }, fromDir = projectRoot()): Promise<string> {
  const { package: pkg, version } = spec.source;
  const install = `install it with: npm install ${pkg}@${version}`;
  const require = createRequire(path.join(fromDir, "package.json"));
  let pkgJsonPath: string;
  try {
    pkgJsonPath = require.resolve(`${pkg}/package.json`);
  } catch {
    throw new ModelFileError(`model ${spec.id}: npm package ${pkg} is not installed; ${install}`);
  }
  const installed = JSON.parse(await readFile(pkgJsonPath, "utf8")) as { version?: string };
  if (installed.version !== version) {
    throw new ModelFileError(`model ${spec.id}: ${pkg}@${installed.version} is installed but ${version} is pinned; ${install}`);
  }
  return path.dirname(pkgJsonPath);
}

/** Reads and verifies every source file of a model; returns their paths on disk. */
export async function verifiedSourceFiles(spec: ModelSpec, fromDir = projectRoot(), modelsDir = MODELS_DIR): Promise<{ path: string; bytes: Uint8Array }[]> {
  const source = spec.source;
  if (isVendored(source)) return verifiedVendoredFiles(spec.id, source, modelsDir);
  const { package: pkg, version } = source;
  const dir = await sourcePackageDir({ ...spec, source }, fromDir);
  return Promise.all(
    spec.source.files.map(async (f) => {
      const full = path.join(dir, f.path);
      let bytes: Buffer;
      try {
        bytes = await readFile(full);
      } catch {
        throw new ModelFileError(`model ${spec.id}: ${f.path} is missing from ${pkg}@${version}; reinstall it with: npm install ${pkg}@${version}`);
      }
      const digest = sha256(bytes);
      if (digest !== f.sha256) {
        throw new ModelFileError(`model ${spec.id}: sha256 of ${pkg}/${f.path} is ${digest}, expected ${f.sha256}; the file was altered; reinstall ${pkg}@${version}`);
      }
      return { path: full, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
    }),
  );
}

/** Vendored files are part of the checkout: a missing or altered one means a damaged checkout. */
async function verifiedVendoredFiles(id: string, source: VendoredSource, modelsDir: string): Promise<{ path: string; bytes: Uint8Array }[]> {
  return Promise.all(
    source.files.map(async (f) => {
      const full = path.join(modelsDir, f.path);
      let bytes: Buffer;
      try {
        bytes = await readFile(full);
      } catch {
        throw new ModelFileError(`model ${id}: models/${f.path} is missing; it is committed with the repository (git checkout -- models/${f.path})`);
      }
      const digest = sha256(bytes);
      if (digest !== f.sha256) {
        throw new ModelFileError(`model ${id}: sha256 of models/${f.path} is ${digest}, expected ${f.sha256}; the file was altered (git checkout -- models/${f.path})`);
      }
      return { path: full, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
    }),
  );
}

/** A converter from a verified TF.js model.json path to ONNX bytes (src/models/). */
export type TfjsConverter = (modelJsonPath: string, spec: ModelSpec) => Promise<Uint8Array>;

/**
 * The ONNX bytes of a model, verified against the manifest. TF.js sources are converted
 * (once; the result is kept in models/onnx/) with `convert`.
 */
export async function readModelFile(spec: ModelSpec, convert?: TfjsConverter, fromDir = projectRoot(), modelsDir = MODELS_DIR): Promise<Uint8Array> {
  if (spec.source.format === "onnx") {
    const [file] = await verifiedSourceFiles(spec, fromDir, modelsDir);
    return file!.bytes;
  }
  const target = path.join(CONVERTED_DIR, `${spec.id}.onnx`);
  try {
    const cached = new Uint8Array(await readFile(target));
    if (sha256(cached) === spec.onnx.sha256) return cached;
  } catch {
    // Not built yet.
  }
  const [modelJson] = await verifiedSourceFiles(spec, fromDir);
  if (!convert) throw new ModelFileError(`model ${spec.id}: models/onnx/${spec.id}.onnx is missing or does not match the manifest; build it with \`npm run models\` (part of \`npm run build\`)`);
  const bytes = await convert(modelJson!.path, spec);
  const digest = sha256(bytes);
  if (digest !== spec.onnx.sha256) {
    throw new ModelFileError(`model ${spec.id}: the conversion's sha256 is ${digest}, but the manifest records ${spec.onnx.sha256}; if the converter changed on purpose, run npm run models -- --record`);
  }
  await mkdir(CONVERTED_DIR, { recursive: true });
  // Unique per call: several loads in one process (or one worker thread) may convert at once.
  const tmp = `${target}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, target);
  return bytes;
}
