/**
 * Configuration: read once from the environment at start, validated as a whole (every
 * bad key is reported in one error), returned as a deeply frozen typed object.
 */
import os from "node:os";
import path from "node:path";
import type { KeyVaultConfig } from "../adapters/keys/sql-key-vault.js";
import type { FacePipelineConfig } from "../inference/face-pipeline.js";
import { projectRoot } from "../inference/model-manifest.js";

export type DatabaseConfig =
  | { kind: "postgres"; url: string }
  | { kind: "pglite"; dataDir: string };

export interface Config {
  server: { host: string; port: number };
  /** Folder for embedded-mode state: the PGlite database, generated keys and tokens. */
  dataDir: string;
  database: DatabaseConfig;
  /** Where subject data keys live: apart from the database (KEY_VAULT_URL, or DATA_DIR/keyvault). */
  keyVault: KeyVaultConfig;
  /** Redis for the job queue (BullMQ); undefined = the in-process scheduler (embedded mode). */
  redis: { url: string; prefix: string } | undefined;
  /** Folder of *.policy.json files. */
  policyDir: string;
  /** How often the retention sweep runs. */
  retentionSweepSeconds: number;
  /** Above this many templates per gallery and purpose, 1:N uses the approximate (HNSW) index. */
  indexExactMax: number;
  keys: {
    /** Base64 master key from KEK_MASTER_KEY, or undefined. */
    masterKey: string | undefined;
    /** File holding the base64 master key (KEK_MASTER_KEY_FILE), or undefined. */
    masterKeyFile: string | undefined;
  };
  /** Platform admin token (creates tenants); undefined = generated into the data folder in embedded mode. */
  adminToken: string | undefined;
  inference: FacePipelineConfig;
  /** Inference worker threads (0: run inference on the event loop) and the queue in front of them. */
  inferencePool: { workers: number; maxQueue: number };
  verify: {
    /** Explicit threshold (VERIFY_THRESHOLD); otherwise taken from the model's calibration file. */
    threshold: number | undefined;
    /** Target false-match rate used to pick the threshold from the calibration file. */
    targetFalseMatchRate: number;
  };
  identify: {
    /** Default target false-positive identification rate of galleries that set none. */
    targetFpir: number;
  };
  /** Bounds on the work one GraphQL request may ask for, checked before execution. */
  graphql: {
    /** Schema introspection and "did you mean" suggestions (GRAPHQL_INTROSPECTION). */
    introspection: boolean;
    maxAliases: number;
    maxDepth: number;
    maxTokens: number;
    maxDirectives: number;
    /** Largest cost of one operation; every field costs 1, a face inference `inferenceCost`. */
    maxCost: number;
    inferenceCost: number;
  };
  /** Dependencies: how long a call waits for a database or key-vault connection, and the pool sizes. */
  dependencies: { connectTimeoutMs: number; transactionTimeoutMs: number; databasePool: number; keyVaultPool: number };
  /** Requests per window, per API key and, for calls without a valid key, per client address. */
  rateLimit: {
    perKey: number;
    perAddress: number;
    windowSeconds: number;
    /** Failed admin-token or API-key attempts per client address and window before it is blocked. */
    authFailures: number;
  };
  /** Seconds an API key's record is kept between reads (src/services/api-key-cache.ts): a key revoked through another instance stops working here within it; 0 reads it on every request. */
  apiKeyCacheSeconds: number;
  /** Video and camera streams (src/services/stream.service.ts). */
  streams: { maxPerTenant: number; idleSeconds: number; frameBudgetMs: number; maxVideoBytes: number };
  /** The admin consent portal: its session cookies are marked Secure (PORTAL_SECURE_COOKIES, behind HTTPS). */
  portal: { secureCookies: boolean };
  logLevel: "debug" | "info" | "warn" | "error" | "silent";
}

export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join("\n  - ")}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Parses and validates the environment. Throws ConfigError listing every problem. */
export function loadConfig(env: Env, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const str = (key: string, fallback: string): string => {
    const v = env[key];
    return v === undefined || v === "" ? fallback : v;
  };
  const optional = (key: string): string | undefined => (env[key] === undefined || env[key] === "" ? undefined : env[key]);
  const num = (key: string, fallback: number, check: (n: number) => boolean, rule: string): number => {
    const raw = optional(key);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || !check(n)) {
      problems.push(`${key}=${JSON.stringify(raw)}: must be ${rule}`);
      return fallback;
    }
    return n;
  };
  const list = (key: string, fallback: string[]): string[] => {
    const raw = optional(key);
    if (raw === undefined) return fallback;
    const items = raw.split(",").map((x) => x.trim()).filter((x) => x !== "");
    if (items.length === 0) problems.push(`${key}: must name at least one model (comma-separated ids)`);
    return items.length === 0 ? fallback : items;
  };
  const int = (key: string, fallback: number, min: number, max: number) =>
    num(key, fallback, (n) => Number.isInteger(n) && n >= min && n <= max, `an integer from ${min} to ${max}`);
  const bool = (key: string, fallback: boolean): boolean => {
    const raw = optional(key);
    if (raw === undefined) return fallback;
    if (["true", "1", "on", "yes"].includes(raw.toLowerCase())) return true;
    if (["false", "0", "off", "no"].includes(raw.toLowerCase())) return false;
    problems.push(`${key}=${JSON.stringify(raw)}: must be true or false`);
    return fallback;
  };
  const fraction = (key: string, fallback: number) => num(key, fallback, (n) => n > 0 && n < 1, "a number between 0 and 1 (exclusive)");

  const dataDir = path.resolve(cwd, str("DATA_DIR", "data"));
  const databaseUrl = optional("DATABASE_URL");
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push(`DATABASE_URL: must be a postgres:// or postgresql:// URL`);
  }
  const masterKey = optional("KEK_MASTER_KEY");
  if (masterKey !== undefined && Buffer.from(masterKey, "base64").length !== 32) {
    problems.push("KEK_MASTER_KEY: must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)");
  }
  const masterKeyFile = optional("KEK_MASTER_KEY_FILE");
  if (masterKey !== undefined && masterKeyFile !== undefined) problems.push("KEK_MASTER_KEY and KEK_MASTER_KEY_FILE: set one, not both");
  if (databaseUrl !== undefined && masterKey === undefined && masterKeyFile === undefined) {
    problems.push("KEK_MASTER_KEY or KEK_MASTER_KEY_FILE: required with DATABASE_URL (keys are generated only in embedded mode)");
  }
  const keyVaultUrl = optional("KEY_VAULT_URL");
  if (keyVaultUrl !== undefined && !/^postgres(ql)?:\/\//.test(keyVaultUrl)) problems.push("KEY_VAULT_URL: must be a postgres:// or postgresql:// URL");
  if (databaseUrl !== undefined && keyVaultUrl === undefined) {
    problems.push("KEY_VAULT_URL: required with DATABASE_URL (a database of its own for subject data keys, so that erasure also shreds database copies)");
  }
  if (databaseUrl !== undefined && keyVaultUrl !== undefined && sameDatabase(databaseUrl, keyVaultUrl)) {
    problems.push("KEY_VAULT_URL: must name another database than DATABASE_URL");
  }
  const redisUrl = optional("REDIS_URL");
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) problems.push("REDIS_URL: must be a redis:// or rediss:// URL");
  const redisPrefix = str("REDIS_PREFIX", "face-id");
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(redisPrefix)) problems.push("REDIS_PREFIX: letters, digits, _ and - only (1 to 64)");
  const adminToken = optional("ADMIN_TOKEN");
  if (adminToken !== undefined && adminToken.length < 24) problems.push("ADMIN_TOKEN: must be at least 24 characters");
  if (databaseUrl !== undefined && adminToken === undefined) {
    problems.push("ADMIN_TOKEN: required with DATABASE_URL (the token is generated only in embedded mode)");
  }
  const logLevel = str("LOG_LEVEL", "info");
  if (!["debug", "info", "warn", "error", "silent"].includes(logLevel)) problems.push("LOG_LEVEL: must be debug, info, warn, error or silent");
  const verifyThreshold = optional("VERIFY_THRESHOLD") === undefined ? undefined : num("VERIFY_THRESHOLD", 0, (n) => n > -1 && n < 1, "a cosine score between -1 and 1");

  const config: Config = {
    server: { host: str("HOST", "127.0.0.1"), port: int("PORT", 4000, 0, 65535) },
    dataDir,
    database: databaseUrl !== undefined ? { kind: "postgres", url: databaseUrl } : { kind: "pglite", dataDir: path.join(dataDir, "pglite") },
    keyVault: keyVaultUrl !== undefined ? { kind: "postgres", url: keyVaultUrl } : { kind: "pglite", dataDir: path.join(dataDir, "keyvault") },
    redis: redisUrl === undefined ? undefined : { url: redisUrl, prefix: redisPrefix },
    policyDir: path.resolve(cwd, str("POLICY_DIR", path.join(projectRoot(), "policies"))),
    retentionSweepSeconds: int("RETENTION_SWEEP_SECONDS", 3600, 1, 7 * 86_400),
    indexExactMax: int("INDEX_EXACT_MAX", 20_000, 1, 100_000_000),
    keys: { masterKey, masterKeyFile: masterKeyFile === undefined ? undefined : path.resolve(cwd, masterKeyFile) },
    adminToken,
    inference: {
      detectorModel: str("DETECTOR_MODEL", "yunet-n"),
      landmarkModel: str("LANDMARK_MODEL", "detector"),
      recognizerModel: str("RECOGNIZER_MODEL", "edgeface-xs+flip&edgeface-xxs+flip"),
      threads: int("INFERENCE_THREADS", 1, 1, 256),
      detectScoreThreshold: optional("DETECT_SCORE_THRESHOLD") === undefined ? undefined : fraction("DETECT_SCORE_THRESHOLD", 0.5),
      minFaceSize: int("MIN_FACE_SIZE", 16, 1, 10_000),
      decode: {
        maxPixels: int("MAX_IMAGE_PIXELS", 25_000_000, 1, 1_000_000_000),
        maxBytes: int("MAX_IMAGE_BYTES", 15 * 1024 * 1024, 1, 1024 * 1024 * 1024),
        minSide: int("MIN_IMAGE_SIDE", 32, 1, 10_000),
      },
      checks: {
        eyeStateModel: str("EYE_STATE_MODEL", "faceplugin-eye-state"),
        livenessModels: list("LIVENESS_MODELS", ["faceplugin-liveness"]),
        emotionModel: str("EMOTION_MODEL", "human-emotion"),
        ageModel: str("AGE_MODEL", "human-faceres-age-gender"),
        genderModel: str("GENDER_MODEL", "human-faceres-age-gender"),
      },
    },
    inferencePool: { workers: int("INFERENCE_WORKERS", os.availableParallelism(), 0, 256), maxQueue: int("INFERENCE_QUEUE", 64, 0, 100_000) },
    verify: { threshold: verifyThreshold, targetFalseMatchRate: fraction("VERIFY_TARGET_FMR", 1e-3) },
    identify: { targetFpir: fraction("IDENTIFY_TARGET_FPIR", 1e-2) },
    portal: { secureCookies: bool("PORTAL_SECURE_COOKIES", false) },
    graphql: {
      introspection: bool("GRAPHQL_INTROSPECTION", false),
      maxAliases: int("GRAPHQL_MAX_ALIASES", 15, 1, 10_000),
      maxDepth: int("GRAPHQL_MAX_DEPTH", 8, 2, 100),
      maxTokens: int("GRAPHQL_MAX_TOKENS", 2_000, 100, 1_000_000),
      maxDirectives: int("GRAPHQL_MAX_DIRECTIVES", 20, 1, 10_000),
      maxCost: int("GRAPHQL_MAX_COST", 2_000, 10, 10_000_000),
      inferenceCost: int("GRAPHQL_INFERENCE_COST", 100, 1, 1_000_000),
    },
    dependencies: {
      connectTimeoutMs: int("DEPENDENCY_TIMEOUT_MS", 5_000, 100, 600_000),
      transactionTimeoutMs: int("TRANSACTION_TIMEOUT_MS", 30_000, 1_000, 3_600_000),
      databasePool: int("DATABASE_POOL_SIZE", 10, 1, 1_000),
      keyVaultPool: int("KEY_VAULT_POOL_SIZE", 8, 1, 1_000),
    },
    rateLimit: {
      perKey: int("RATE_LIMIT_PER_KEY", 600, 1, 10_000_000),
      perAddress: int("RATE_LIMIT_PER_ADDRESS", 120, 1, 10_000_000),
      windowSeconds: int("RATE_LIMIT_WINDOW_SECONDS", 60, 1, 86_400),
      authFailures: int("AUTH_FAILURES_PER_ADDRESS", 10, 1, 10_000),
    },
    apiKeyCacheSeconds: int("API_KEY_CACHE_SECONDS", 5, 0, 300),
    streams: {
      maxPerTenant: int("STREAM_MAX_PER_TENANT", 4, 1, 10_000),
      idleSeconds: int("STREAM_IDLE_SECONDS", 300, 5, 86_400),
      frameBudgetMs: int("STREAM_FRAME_BUDGET_MS", 250, 1, 600_000),
      maxVideoBytes: int("STREAM_MAX_VIDEO_BYTES", 256 * 1024 * 1024, 1, 64 * 1024 * 1024 * 1024),
    },
    logLevel: logLevel as Config["logLevel"],
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function sameDatabase(a: string, b: string): boolean {
  try {
    const x = new URL(a);
    const y = new URL(b);
    return x.host === y.host && x.pathname === y.pathname;
  } catch {
    return false;
  }
}

