/**
 * Builds every TF.js model of models/manifest.json into ONNX (models/onnx/<id>.onnx) with
 * our converter, from the installed npm packages, and checks each against the sha256 the
 * manifest records. Usage:
 *   npm run models                 build and verify (also run by `npm run build`, with --quiet)
 *   npm run models -- --record     (re)record source and ONNX sha256/size in the manifest
 */
import { readFile, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { convertTfjsModelFile } from "../src/models/convert-model.js";
import { CONVERTED_DIR, MANIFEST_FILE, MODELS_DIR, isVendored, loadManifest, readModelFile, sha256, sourcePackageDir, type ModelManifest } from "../src/inference/model-manifest.js";

const record = process.argv.includes("--record");
const quiet = process.argv.includes("--quiet");
const manifest = await loadManifest();

if (record) {
  for (const spec of manifest.models) {
    const source = spec.source;
    const dir = isVendored(source) ? MODELS_DIR : await sourcePackageDir({ ...spec, source });
    for (const f of spec.source.files) f.sha256 = sha256(await readFile(path.join(dir, f.path)));
    const bytes = spec.source.format === "onnx" ? await readFile(path.join(dir, spec.source.files[0]!.path)) : await convertTfjsModelFile(path.join(dir, spec.source.files[0]!.path), spec);
    spec.onnx = { sha256: sha256(bytes), bytes: bytes.length };
    if (spec.source.format === "tfjs-graph") {
      await mkdir(CONVERTED_DIR, { recursive: true });
      await writeFile(path.join(CONVERTED_DIR, `${spec.id}.onnx`), bytes);
    }
    console.log(`${spec.id.padEnd(34)} ${spec.onnx.sha256} ${String(spec.onnx.bytes).padStart(9)} bytes (recorded)`);
  }
  await writeFile(MANIFEST_FILE, formatManifest(manifest));
} else {
  for (const spec of manifest.models) {
    const bytes = await readModelFile(spec, convertTfjsModelFile);
    if (!quiet) console.log(`${spec.id.padEnd(34)} ${sha256(bytes)} ${String(bytes.length).padStart(9)} bytes ${isVendored(spec.source) ? "(vendored file)" : spec.source.format === "onnx" ? "(npm file)" : "(converted, verified)"}`);
  }
}

/** Pretty JSON with short number arrays on one line. */
export function formatManifest(m: ModelManifest): string {
  return JSON.stringify(m, null, 2).replace(/\[\s+([-\d.,"\sa-z]+?)\s+\]/g, (_, inner: string) => `[${inner.split(/,\s+/).join(", ")}]`) + "\n";
}
