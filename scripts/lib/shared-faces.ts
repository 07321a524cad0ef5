/** The labelled photos of ../shared/faces: identity folders (no leading underscore) and the rest. */
import { readdirSync } from "node:fs";
import path from "node:path";
import { sharedDir } from "./shared-dir.js";

export const FACES_DIR = path.join(sharedDir(), "faces");

export interface FacePhoto {
  /** Folder name: the identity for identity folders. */
  folder: string;
  /** Path relative to the faces folder. */
  file: string;
  path: string;
  isIdentity: boolean;
}

export function listFacePhotos(dir = FACES_DIR): FacePhoto[] {
  return readdirSync(dir)
    .sort()
    .flatMap((folder) =>
      readdirSync(path.join(dir, folder))
        .sort()
        .map((f) => ({ folder, file: `${folder}/${f}`, path: path.join(dir, folder, f), isIdentity: !folder.startsWith("_") })),
    );
}
