/**
 * Where the platform master key and the admin token come from: an environment variable,
 * a file, or (embedded mode only) generated on first start into the data folder with
 * owner-only permissions and a warning.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Config } from "../../config/config.js";
import type { Logger } from "../../observability/logger.js";

export async function resolveMasterKey(config: Config, log: Logger): Promise<Buffer> {
  if (config.keys.masterKey) return Buffer.from(config.keys.masterKey, "base64");
  if (config.keys.masterKeyFile) return decodeKey(await readFile(config.keys.masterKeyFile, "utf8"), config.keys.masterKeyFile);
  const file = path.join(config.dataDir, "master.key");
  const existing = await readIfExists(file);
  if (existing !== undefined) return decodeKey(existing, file);
  const key = randomBytes(32);
  await writeSecret(file, key.toString("base64") + "\n");
  log.warn("generated a new master key for embedded mode; back it up (losing it makes every stored template unreadable) and set KEK_MASTER_KEY or KEK_MASTER_KEY_FILE in production", { file });
  return key;
}

export async function resolveAdminToken(config: Config, log: Logger): Promise<{ token: string; file: string | undefined }> {
  if (config.adminToken) return { token: config.adminToken, file: undefined };
  const file = path.join(config.dataDir, "admin-token");
  const existing = await readIfExists(file);
  if (existing !== undefined) return { token: existing.trim(), file };
  const token = randomBytes(32).toString("base64url");
  await writeSecret(file, token + "\n");
  log.warn("generated a platform admin token for embedded mode; set ADMIN_TOKEN in production", { file });
  return { token, file };
}

function decodeKey(text: string, source: string): Buffer {
  const key = Buffer.from(text.trim(), "base64");
  if (key.length !== 32) throw new Error(`${source}: the master key must be 32 bytes, base64-encoded`);
  return key;
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

async function writeSecret(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, content, { mode: 0o600, flag: "wx" });
}
