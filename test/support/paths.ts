import path from "node:path";
import { fileURLToPath } from "node:url";
import { sharedDir } from "../../scripts/lib/shared-dir.js";

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The read-only shared data folder (see ../shared/README.md). */
export const SHARED = sharedDir();
export const FACES = path.join(SHARED, "faces");

export function face(rel: string): string {
  return path.join(FACES, rel);
}
