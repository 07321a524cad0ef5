import { readFile } from "node:fs/promises";
import { isInputObjectType, isObjectType } from "graphql";
import { describe, expect, it } from "vitest";
import { buildGraphQLSchema } from "../../src/graphql/schema.js";
import { SCHEMA_FILE, emittedSchema } from "../../scripts/emit-schema.js";

describe("schema/schema.graphql", () => {
  it("is what the resolvers emit (run `npm run schema` after changing them)", async () => {
    expect(await readFile(SCHEMA_FILE, "utf8")).toBe(await emittedSchema());
  });

  it("has no field or argument that could carry a vector, ciphertext or key; face geometry only where detectFaces returns it", async () => {
    const schema = await buildGraphQLSchema();
    const names: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith("__")) continue;
      if (isObjectType(type)) {
        for (const f of Object.values(type.getFields())) names.push(`${type.name}.${f.name}`, ...f.args.map((a) => `${type.name}.${f.name}(${a.name})`));
      } else if (isInputObjectType(type)) {
        names.push(...Object.keys(type.getFields()).map((f) => `${type.name}.${f}`));
      }
    }
    expect(names).toContain("Subject.templates");
    expect(names.filter((n) => /embedding|vector|ciphertext|wrapped|secret/i.test(n))).toEqual([]);
    // Landmarks are face geometry: returned for the caller's own image by detectFaces (which stores nothing), nowhere else.
    expect(names.filter((n) => /landmark/i.test(n.slice(n.indexOf(".")))).sort()).toEqual(["DetectFacesInput.denseLandmarks", "FaceDetail.denseLandmarks", "FaceDetail.landmarks"]);
  });
});
