/**
 * Capture check (eyes): faceplugin's open/closed eye classifier on each eye. The eye crop
 * is placed as upstream fr_eye.js places it, but from face-mesh points: a square centred
 * between the eyelid midpoints, 1.6 × the corner-to-corner eye width, 24×24 gray, /255.
 * Returns the probability that each eye is closed.
 */
import type { Point } from "../math/similarity-transform.js";
import { toGray, warpAffine } from "../math/warp-affine.js";
import type { RgbImage } from "./image-decode.stage.js";
import type { ModelSpec } from "./model-manifest.js";
import { runOnImage, softmax, type OnnxOptions, StageSession } from "./onnx-session.js";

const SIZE = 24;

/** Mesh indices of each eye: outer and inner corner, upper and lower lid midpoints (image-left eye first). */
export const MESH_EYES = [
  { corners: [33, 133], lids: [159, 145] },
  { corners: [263, 362], lids: [386, 374] },
] as const;

export interface EyeState {
  /** Probability that the image-left eye is closed. */
  leftClosed: number;
  rightClosed: number;
}

export class EyeStateStage {
  private readonly session: StageSession;

  constructor(readonly spec: ModelSpec, opts: OnnxOptions) {
    this.session = new StageSession(spec, opts);
  }

  async load(): Promise<void> {
    await this.session.load();
  }

  async run(img: RgbImage, mesh: readonly Point[]): Promise<EyeState> {
    const [leftClosed, rightClosed] = await Promise.all(MESH_EYES.map((eye) => this.closed(img, mesh, eye)));
    return { leftClosed: leftClosed!, rightClosed: rightClosed! };
  }

  private async closed(img: RgbImage, mesh: readonly Point[], eye: (typeof MESH_EYES)[number]): Promise<number> {
    const [a, b] = eye.corners.map((i) => mesh[i]!) as [Point, Point];
    const [up, low] = eye.lids.map((i) => mesh[i]!) as [Point, Point];
    const cx = (up[0] + low[0]) / 2;
    const cy = (up[1] + low[1]) / 2;
    const side = Math.max(2, Math.hypot(b[0] - a[0], b[1] - a[1]) * 1.6);
    const k = SIZE / side;
    const crop = toGray(warpAffine(img, [k, 0, SIZE / 2 - k * cx, 0, k, SIZE / 2 - k * cy], SIZE, SIZE));
    const [logits] = await runOnImage(this.session.get(), this.spec, crop, [this.spec.outputs[0]!.name]);
    return softmax(logits!)[0]!;
  }
}
