/**
 * Stage 3 (68 points): faceplugin's 68 facial landmarks for one detected face. Crops a square of side = box
 * height around the box centre (padding with black past the image edges), makes it
 * 64×64 gray, and maps the model's fractional outputs back to image pixels.
 */
import type { Detection, LandmarkStage } from "./detection.js";
import { fivePointsFrom68 } from "./five-point.js";
import type { Point } from "../math/similarity-transform.js";
import { toGray, warpAffine } from "../math/warp-affine.js";
import type { RgbImage } from "./image-decode.stage.js";
import type { ModelSpec } from "./model-manifest.js";
import { runOnnx, imageTensor, type OnnxOptions, StageSession } from "./onnx-session.js";

const SIZE = 64;

export class Landmarks68Stage implements LandmarkStage {
  private readonly session: StageSession;

  constructor(readonly spec: ModelSpec, opts: OnnxOptions) {
    this.session = new StageSession(spec, opts);
  }

  async load(): Promise<void> {
    await this.session.load();
  }

  /** The five alignment points (see five-point.ts). */
  async run(img: RgbImage, face: Detection): Promise<Point[]> {
    return fivePointsFrom68(await this.points68(img, face));
  }

  /** All 68 points, in image pixels. */
  async points68(img: RgbImage, box: Detection): Promise<Point[]> {
    const side = box.y2 - box.y1;
    const left = (box.x1 + box.x2) / 2 - side / 2;
    const top = box.y1;
    const scale = SIZE / side;
    const crop = toGray(warpAffine(img, [scale, 0, -left * scale, 0, scale, -top * scale], SIZE, SIZE));
    const input = imageTensor(this.spec, crop);
    const [out] = await runOnnx(this.session.get(), this.spec.input.name, input.data, input.shape, ["output"]);
    const points: Point[] = [];
    for (let i = 0; i < 68; i++) points.push([left + out![i * 2]! * side, top + out![i * 2 + 1]! * side]);
    return points;
  }
}
