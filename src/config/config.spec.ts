import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

describe("loadConfig", () => {
  it("defaults to embedded PGlite in ./data", () => {
    const c = loadConfig({}, "/srv/app");
    expect(c.database).toEqual({ kind: "pglite", dataDir: "/srv/app/data/pglite" });
    expect(c.server).toEqual({ host: "127.0.0.1", port: 4000 });
    expect(c.verify.threshold).toBeUndefined();
  });

  it("uses PostgreSQL when DATABASE_URL is set, with the keys it then requires", () => {
    const c = loadConfig({
      DATABASE_URL: "postgresql://u@h/db",
      KEY_VAULT_URL: "postgresql://u@h/vault",
      KEK_MASTER_KEY: Buffer.alloc(32, 1).toString("base64"),
      ADMIN_TOKEN: "x".repeat(30),
    });
    expect(c.database).toEqual({ kind: "postgres", url: "postgresql://u@h/db" });
    expect(c.keyVault).toEqual({ kind: "postgres", url: "postgresql://u@h/vault" });
    expect(c.redis).toBeUndefined();
  });

  it("keeps the key vault apart from the database, and takes Redis when given", () => {
    const base = { DATABASE_URL: "postgresql://u@h/db", KEK_MASTER_KEY: Buffer.alloc(32, 1).toString("base64"), ADMIN_TOKEN: "x".repeat(30) };
    expect(() => loadConfig(base)).toThrow(/KEY_VAULT_URL: required with DATABASE_URL/);
    expect(() => loadConfig({ ...base, KEY_VAULT_URL: "postgresql://u@h/db" })).toThrow(/KEY_VAULT_URL: must name another database/);
    const embedded = loadConfig({ DATA_DIR: "/tmp/fid", REDIS_URL: "redis://127.0.0.1:6379", REDIS_PREFIX: "t1" });
    expect(embedded.keyVault).toEqual({ kind: "pglite", dataDir: "/tmp/fid/keyvault" });
    expect(embedded.redis).toEqual({ url: "redis://127.0.0.1:6379", prefix: "t1" });
    expect(() => loadConfig({ REDIS_URL: "http://x", REDIS_PREFIX: "a:b" })).toThrow(/REDIS_URL[\s\S]*REDIS_PREFIX/);
  });

  it("reports every bad key at once", () => {
    let error: unknown;
    try {
      loadConfig({ PORT: "http", INFERENCE_THREADS: "0", DETECT_SCORE_THRESHOLD: "2", DATABASE_URL: "mysql://x", KEK_MASTER_KEY: "short", LOG_LEVEL: "loud" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join("\n");
    for (const key of ["PORT", "INFERENCE_THREADS", "DETECT_SCORE_THRESHOLD", "DATABASE_URL", "KEK_MASTER_KEY", "ADMIN_TOKEN", "LOG_LEVEL"]) {
      expect(problems).toContain(key);
    }
  });

  it("requires a master key and admin token with DATABASE_URL", () => {
    expect(() => loadConfig({ DATABASE_URL: "postgres://h/db" })).toThrow(/KEK_MASTER_KEY.*\n.*ADMIN_TOKEN/s);
  });

  it("returns a deeply frozen object", () => {
    const c = loadConfig({});
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.inference.decode)).toBe(true);
    expect(() => {
      (c.inference.decode as { maxPixels: number }).maxPixels = 1;
    }).toThrow(TypeError);
  });

  it("parses numbers and thresholds", () => {
    const c = loadConfig({ PORT: "0", VERIFY_THRESHOLD: "0.35", MAX_IMAGE_PIXELS: "1000", INFERENCE_THREADS: "3" });
    expect(c.server.port).toBe(0);
    expect(c.verify.threshold).toBe(0.35);
    expect(c.inference.decode.maxPixels).toBe(1000);
    expect(c.inference.threads).toBe(3);
  });

  it("bounds requests and dependencies, with safe defaults and every bad value reported", () => {
    const d = loadConfig({});
    expect(d.graphql).toMatchObject({ introspection: false, maxAliases: 15, maxDepth: 8, maxCost: 2000, inferenceCost: 100 });
    expect(d.rateLimit).toMatchObject({ perKey: 600, perAddress: 120, windowSeconds: 60, authFailures: 10 });
    expect(d.dependencies).toMatchObject({ connectTimeoutMs: 5000, transactionTimeoutMs: 30000 });
    expect(d.inference.threads).toBe(1);
    expect(d.inference.decode.maxPixels).toBe(25_000_000);
    expect(loadConfig({ GRAPHQL_INTROSPECTION: "true", INFERENCE_WORKERS: "0" })).toMatchObject({ graphql: { introspection: true }, inferencePool: { workers: 0 } });
    let problems: string[] = [];
    try {
      loadConfig({ GRAPHQL_INTROSPECTION: "maybe", GRAPHQL_MAX_ALIASES: "0", RATE_LIMIT_PER_KEY: "-1", DEPENDENCY_TIMEOUT_MS: "5" });
    } catch (e) {
      problems = (e as ConfigError).problems;
    }
    expect(problems.map((p) => p.split("=")[0])).toEqual(["GRAPHQL_INTROSPECTION", "GRAPHQL_MAX_ALIASES", "DEPENDENCY_TIMEOUT_MS", "RATE_LIMIT_PER_KEY"]);
  });
});
