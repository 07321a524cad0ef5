/**
 * A small reader for prisma/schema.prisma: each model's scalar fields with their type,
 * optionality and list-ness (relation fields are skipped). Enough for the drift check
 * between the model of record and the migrated database.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "./paths.js";

export interface PrismaField {
  name: string;
  type: string;
  optional: boolean;
  list: boolean;
  nativeType: string | undefined;
}

const SCALARS = new Set(["String", "Int", "BigInt", "Float", "Decimal", "Boolean", "DateTime", "Json", "Bytes"]);

export function readPrismaModels(file = path.join(PROJECT_ROOT, "prisma", "schema.prisma")): Map<string, PrismaField[]> {
  const text = readFileSync(file, "utf8");
  const models = new Map<string, PrismaField[]>();
  for (const m of text.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    const fields: PrismaField[] = [];
    for (const raw of m[2]!.split("\n")) {
      const line = raw.replace(/\/\/.*$/, "").trim();
      if (!line || line.startsWith("@@")) continue;
      const [name, typeToken, ...rest] = line.split(/\s+/);
      const base = typeToken!.replace(/[?[\]]/g, "");
      if (!SCALARS.has(base)) continue;
      const native = rest.join(" ").match(/@db\.(\w+)/)?.[1];
      fields.push({ name: name!, type: base, optional: typeToken!.endsWith("?"), list: typeToken!.endsWith("[]"), nativeType: native });
    }
    models.set(m[1]!, fields);
  }
  return models;
}

/** The PostgreSQL `udt_name` a Prisma scalar maps to. */
export function postgresTypeOf(f: PrismaField): string {
  if (f.list) return "_" + postgresTypeOf({ ...f, list: false });
  if (f.type === "DateTime") return f.nativeType === "Timestamptz" ? "timestamptz" : f.nativeType === "Date" ? "date" : "timestamp";
  return ({ String: "text", Int: "int4", BigInt: "int8", Float: "float8", Decimal: "numeric", Boolean: "bool", Json: "jsonb", Bytes: "bytea" } as Record<string, string>)[f.type]!;
}
