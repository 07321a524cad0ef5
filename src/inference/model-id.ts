/**
 * Model settings as they are written in config and pinned to galleries, parsed in one
 * place into typed settings (and written back the same way):
 *   recognizers  "<model>", "<model>+flip" (mirror-image test-time augmentation), and parts
 *                fused with "&" ("edgeface-xs+flip&edgeface-xxs+flip");
 *   landmarks    "<model>", "<mesh model>+iris" (eye centres from the iris model), or
 *                "detector" (the detector's own five points).
 */

export const FUSION_SEPARATOR = "&";
const FLIP = "+flip";
const IRIS = "+iris";
/** The landmark id that means "the detector's own five points". */
export const DETECTOR_POINTS = "detector";

export interface RecognizerPart {
  /** The manifest id. */
  model: string;
  flip: boolean;
}

export type LandmarkSetting = { kind: "detector" } | { kind: "model"; model: string; iris: boolean };

/** The parts of a recognizer setting (one for a single model). Throws on an empty or malformed id. */
export function parseRecognizerId(id: string): RecognizerPart[] {
  const parts = id.split(FUSION_SEPARATOR).map((part) => {
    const flip = part.endsWith(FLIP);
    const model = flip ? part.slice(0, -FLIP.length) : part;
    if (!/^[a-z0-9][a-z0-9._-]*$/i.test(model)) throw new Error(`recognizer "${id}": "${part}" is not a model id (optionally with ${FLIP})`);
    return { model, flip };
  });
  return parts;
}

/** The id of one recognizer part (the id its embeddings carry). */
export function recognizerPartId(part: RecognizerPart): string {
  return part.flip ? `${part.model}${FLIP}` : part.model;
}

/** The id of a (possibly fused) recognizer setting. */
export function recognizerId(parts: readonly RecognizerPart[]): string {
  return parts.map(recognizerPartId).join(FUSION_SEPARATOR);
}

export function parseLandmarkId(id: string): LandmarkSetting {
  if (id === DETECTOR_POINTS) return { kind: "detector" };
  const iris = id.endsWith(IRIS);
  const model = iris ? id.slice(0, -IRIS.length) : id;
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(model)) throw new Error(`landmarks "${id}" is not a model id (optionally with ${IRIS}) or "${DETECTOR_POINTS}"`);
  return { kind: "model", model, iris };
}
