/** The converter as the model loader uses it: TF.js model.json on disk → ONNX bytes. */
import { isVendored, type ModelSpec } from "../inference/model-manifest.js";
import { readTfjsGraphModel } from "./tfjs-graph.js";
import { convertTfjsToOnnxBytes } from "./tfjs-to-onnx.js";

/** Bump when the converter's output changes on purpose (recorded in each ONNX file). */
export const CONVERTER_VERSION = "1";

export async function convertTfjsModelFile(modelJsonPath: string, spec: ModelSpec): Promise<Uint8Array> {
  if (isVendored(spec.source)) throw new Error(`model ${spec.id} is vendored as ONNX; there is nothing to convert`);
  const graph = await readTfjsGraphModel(modelJsonPath);
  return convertTfjsToOnnxBytes(graph, {
    name: spec.id,
    producerVersion: CONVERTER_VERSION,
    docString: `${spec.id}: converted from ${spec.source.package}@${spec.source.version}/${spec.source.files[0]!.path} by face-id tfjs-to-onnx v${CONVERTER_VERSION}`,
  });
}
