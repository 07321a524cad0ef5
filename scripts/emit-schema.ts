/** Writes the GraphQL schema the resolvers define to schema/schema.graphql (`npm run schema`). */
import "reflect-metadata";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { printSchema } from "graphql";
import { buildGraphQLSchema } from "../src/graphql/schema.js";
import { projectRoot } from "../src/inference/model-manifest.js";

export const SCHEMA_FILE = path.join(projectRoot(), "schema", "schema.graphql");

export async function emittedSchema(): Promise<string> {
  const header = "# Generated from the resolvers by `npm run schema`; do not edit. A test fails when it drifts.\n\n";
  return header + printSchema(await buildGraphQLSchema()) + "\n";
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await writeFile(SCHEMA_FILE, await emittedSchema());
  console.log(`wrote ${SCHEMA_FILE}`);
}
