/**
 * Where the read-only shared data lives: $SHARED_DIR, else `../shared` beside the project
 * (the normal layout), else /work/shared (for a clone made elsewhere, e.g. a CI scratch
 * folder on the same machine).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { projectRoot } from "../../src/inference/model-manifest.js";

export function sharedDir(): string {
  const candidates = [process.env["SHARED_DIR"], path.resolve(projectRoot(), "..", "shared"), "/work/shared"].filter((c): c is string => !!c);
  return candidates.find((c) => existsSync(path.join(c, "faces"))) ?? candidates[0]!;
}
