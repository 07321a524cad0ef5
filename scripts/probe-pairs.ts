import { readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { FacePipeline } from "../src/inference/face-pipeline.js";
import { cosineSimilarity } from "../src/math/vector.js";
const root = "../shared/faces";
const p = await FacePipeline.load({ detectorModel: "faceplugin-rfb320-detector", landmarkModel: "faceplugin-landmark68", recognizerModel: "faceplugin-r512", threads: 2, detectScoreThreshold: Number(process.env.T ?? 0.7), minFaceSize: 20, decode: { maxPixels: 50e6, maxBytes: 30e6, minSide: 32 } });
const embs: { id: string; file: string; e: Float32Array }[] = [];
for (const dir of readdirSync(root).sort()) {
  for (const f of readdirSync(`${root}/${dir}`).sort()) {
    const r = await p.analyze(await readFile(`${root}/${dir}/${f}`));
    console.log(dir, f, r.image.width, r.image.height, r.faces.map((x) => `${x.box.score.toFixed(3)}@${Math.round(x.box.x2 - x.box.x1)}`).join(" "), JSON.stringify(r.timings, (k, v) => (typeof v === "number" ? Math.round(v) : v)));
    if (!dir.startsWith("_") && r.faces.length) {
      const big = r.faces.reduce((a, b) => ((b.box.x2 - b.box.x1) > (a.box.x2 - a.box.x1) ? b : a));
      embs.push({ id: dir, file: f, e: big.embedding });
    }
  }
}
const gen: number[] = [], imp: number[] = [];
for (let i = 0; i < embs.length; i++) for (let j = i + 1; j < embs.length; j++) {
  const s = cosineSimilarity(embs[i]!.e, embs[j]!.e);
  (embs[i]!.id === embs[j]!.id ? gen : imp).push(s);
  if (embs[i]!.id === embs[j]!.id) console.log("G", embs[i]!.file, embs[j]!.file, s.toFixed(3));
}
console.log("genuine min", Math.min(...gen).toFixed(3), "impostor max", Math.max(...imp).toFixed(3));
