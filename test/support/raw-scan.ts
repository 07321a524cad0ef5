/**
 * Looks for bytes everywhere data can sit, behind the application's back: every row of
 * every table of a PostgreSQL/PGlite database (each value as text and as raw bytes), and
 * every key and value in Redis under a prefix.
 */
import { Redis } from "ioredis";
import type { TestApp } from "./app-harness.js";

function valueBytes(v: unknown): Buffer[] {
  if (v === null || v === undefined) return [];
  if (v instanceof Uint8Array) return [Buffer.from(v), Buffer.from(Buffer.from(v).toString("hex")), Buffer.from(Buffer.from(v).toString("base64"))];
  if (v instanceof Date) return [Buffer.from(v.toISOString())];
  if (typeof v === "object") return [Buffer.from(JSON.stringify(v))];
  return [Buffer.from(String(v))];
}

/** Every value of every table of the app's main database, as one buffer per table. */
export async function dumpDatabase(t: TestApp): Promise<Map<string, Buffer>> {
  const tables = await t.sql<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`);
  const out = new Map<string, Buffer>();
  for (const { table_name } of tables) {
    const rows = await t.sql<Record<string, unknown>>(`SELECT * FROM "${table_name}"`);
    out.set(table_name, Buffer.concat(rows.flatMap((r) => Object.values(r).flatMap(valueBytes))));
  }
  return out;
}

/** Every key name and value under `prefix` in Redis, as one buffer. */
export async function dumpRedis(url: string, prefix: string): Promise<{ keys: number; bytes: Buffer }> {
  const r = new Redis(url);
  try {
    const keys = await r.keys(`${prefix}:*`);
    const parts: Buffer[] = [];
    for (const key of keys) {
      parts.push(Buffer.from(key));
      const type = await r.type(key);
      if (type === "string") parts.push((await r.getBuffer(key)) ?? Buffer.alloc(0));
      else if (type === "hash") for (const [k, v] of Object.entries(await r.hgetallBuffer(key))) parts.push(Buffer.from(k), v);
      else if (type === "list") parts.push(...(await r.lrangeBuffer(key, 0, -1)));
      else if (type === "set") parts.push(...(await r.smembersBuffer(key)));
      else if (type === "zset") parts.push(...(await r.zrangeBuffer(key, 0, -1)));
      else if (type === "stream") parts.push(Buffer.from(JSON.stringify(await r.xrange(key, "-", "+"))));
    }
    return { keys: keys.length, bytes: Buffer.concat(parts) };
  } finally {
    r.disconnect();
  }
}

export function findIn(haystacks: Map<string, Buffer>, needle: Buffer): string[] {
  return [...haystacks].filter(([, hay]) => hay.includes(needle)).map(([name]) => name);
}
