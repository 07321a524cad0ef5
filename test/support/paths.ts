import path from "node:path";
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The read-only shared data folder beside the project (see ../shared/README.md). */
export const SHARED = path.resolve(PROJECT_ROOT, "..", "shared");
export const FACES = path.join(SHARED, "faces");

export function face(rel: string): string {
  return path.join(FACES, rel);
}
